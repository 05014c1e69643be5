"""Records handed out cannot be corrupted; networks are values; saving; watching a run."""

from __future__ import annotations

import numpy as np
import pytest

import backprop as bp


def test_cached_training_records_are_read_only() -> None:
    run = bp.article_training("simultaneous", 20)
    before = run.errors[10]
    with pytest.raises(ValueError, match="read-only"):
        run.errors[10] = -1
    with pytest.raises(ValueError, match="read-only"):
        run.weights[0][3, 0, 0] = 9.0
    with pytest.raises(ValueError, match="read-only"):
        run.outputs[1, 0, 0] = 9.0
    assert bp.article_training("simultaneous", 20).errors[10] == before
    run.param("w5")[0] = 9.0  # param() hands out a copy
    assert bp.article_training("simultaneous", 20).param("w5")[0] == 0.4


def test_pass_records_are_read_only() -> None:
    bwd = bp.backward(bp.article_network(), bp.article_inputs(), bp.article_targets())
    for array in [bwd.forward.inputs, *bwd.forward.out, *bwd.delta, *bwd.weight_grads, *bwd.via]:
        assert not array.flags.writeable


def test_a_network_is_a_value() -> None:
    net = bp.article_network()
    assert net.copy() is net
    changed = net.replace({"w5": 0.1})
    assert net.param("w5") == 0.4 and changed.param("w5") == 0.1
    assert changed.weights[0] is net.weights[0], "unchanged layers are shared, not copied"
    with pytest.raises(ValueError, match="read-only"):
        net.biases[0][0] = 1.0
    with pytest.raises(AttributeError, match="cannot be changed"):
        net.error = "cross_entropy"


def test_the_callers_arrays_are_not_frozen() -> None:
    W = np.ones((2, 2))
    bp.Network([W], [np.zeros(2)])
    W[0, 0] = 2.0  # still the caller's to change


@pytest.mark.parametrize(
    "net",
    [
        bp.article_network(),
        bp.Network.random(
            (3, 5, 4), seed=1, activations=["relu", "softmax"], error="softmax_cross_entropy"
        ),
        bp.Network(
            [np.ones((1, 2))],
            [np.zeros(1)],
            param_names={
                "a": bp.ParamRef("weight", 0, (0, 0)),
                "b": bp.ParamRef("weight", 0, (0, 1)),
                "c": bp.ParamRef("bias", 0, (0,)),
            },
            unit_names=[["x", "y"], ["z"]],
        ),
    ],
)
def test_save_and_load_round_trip(tmp_path, net) -> None:
    path = tmp_path / "net.npz"
    bp.save(net, path)
    back = bp.load(path)
    assert back.param_names == net.param_names and back.unit_names == net.unit_names
    assert [a.name for a in back.activations] == [a.name for a in net.activations]
    assert back.error.name == net.error.name
    for a, b in zip(back.weights + back.biases, net.weights + net.biases):
        np.testing.assert_array_equal(a, b)


def test_load_refuses_what_is_not_a_network(tmp_path) -> None:
    text = tmp_path / "notes.npz"
    text.write_text("not a zip file")
    with pytest.raises(ValueError, match="is not a network saved by backprop.save"):
        bp.load(text)
    other = tmp_path / "other.npz"
    np.savez(other, x=np.ones(3))
    with pytest.raises(ValueError, match="is not a network saved by backprop.save"):
        bp.load(other)
    with pytest.raises(FileNotFoundError):
        bp.load(tmp_path / "missing.npz")
    with pytest.raises(TypeError, match="backprop.Network"):
        bp.save("net", tmp_path / "x.npz")


def test_predict_needs_no_targets() -> None:
    net = bp.article_network()
    fwd = bp.forward(net, bp.article_inputs(), bp.article_targets())
    np.testing.assert_array_equal(bp.predict(net, bp.article_inputs()), fwd.out[-1][0])
    assert bp.predict(net, np.ones((3, 2))).shape == (3, 2)


def _classification():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2))
    labels = (x[:, 0] * x[:, 1] > 0).astype(int)
    return x, np.eye(2)[labels]


def test_held_out_set_is_measured_every_so_many_steps() -> None:
    x, t = _classification()
    net = bp.Network.random(
        (2, 8, 2), seed=1, activations=["tanh", "softmax"], error="softmax_cross_entropy"
    )
    run = bp.train(
        net,
        x[:40],
        t[:40],
        steps=250,
        learning_rate=0.5,
        validation=(x[40:], t[40:]),
        evaluate_every=100,
    )
    np.testing.assert_array_equal(run.validation_steps, [0, 100, 200, 250])
    end = bp.forward(run.network, x[40:], t[40:]).error
    assert run.validation_errors[-1] == pytest.approx(end, rel=1e-12)
    assert run.validation_accuracy[-1] == bp.accuracy(run.network, x[40:], t[40:])


def test_stop_at_ends_the_run_early() -> None:
    net, x, t = bp.article_network(), bp.article_inputs(), bp.article_targets()
    run = bp.train(
        net, x, t, steps=5000, learning_rate=0.5, stop_at=0.01, record_params=True, record_every=100
    )
    assert run.settings["stopped_early"] and run.steps < 5000
    assert run.errors[-1] < 0.01 <= run.errors[-2]
    assert run.recorded_steps[-1] == run.steps
    assert bp.forward(run.network_at(run.steps), x, t).error == run.errors[-1]


def test_record_every_keeps_every_kth_step_and_the_last() -> None:
    net, x, t = bp.article_network(), bp.article_inputs(), bp.article_targets()
    full = bp.train(net, x, t, steps=25, learning_rate=0.5, record_params=True, record_outputs=True)
    coarse = bp.train(
        net,
        x,
        t,
        steps=25,
        learning_rate=0.5,
        record_params=True,
        record_outputs=True,
        record_every=10,
    )
    np.testing.assert_array_equal(coarse.recorded_steps, [0, 10, 20, 25])
    np.testing.assert_array_equal(coarse.param("w5"), full.param("w5")[[0, 10, 20, 25]])
    np.testing.assert_array_equal(coarse.output("o1"), full.output("o1")[[0, 10, 20, 25]])
    np.testing.assert_array_equal(coarse.errors, full.errors)


def test_progress_goes_to_standard_error_only_when_asked(capsys) -> None:
    net, x, t = bp.article_network(), bp.article_inputs(), bp.article_targets()
    bp.train(net, x, t, steps=10, learning_rate=0.5)
    assert capsys.readouterr().err == ""
    bp.train(net, x, t, steps=10, learning_rate=0.5, progress=True)
    assert "step 10/10" in capsys.readouterr().err


def test_outputs_and_parameters_are_recorded_only_when_asked() -> None:
    net, x, t = bp.article_network(), bp.article_inputs(), bp.article_targets()
    run = bp.train(net, x, t, steps=10, learning_rate=0.5)
    assert run.outputs is None and run.weights is None


def test_the_memory_guard_refuses_before_training() -> None:
    net = bp.Network.random((64, 32, 10), seed=0)
    x = np.zeros((1797, 64))
    t = np.full((1797, 10), 0.1)
    with pytest.raises(ValueError, match=r"would take 719 MB, more than the limit of 100 MB"):
        bp.train(net, x, t, steps=5000, learning_rate=0.1, record_outputs=True)


def test_a_diverging_run_stops_at_the_first_bad_error() -> None:
    net = bp.Network.random((2, 3, 1), seed=0, activations=["relu", "identity"])
    x, t = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([[1.0], [-2.0]])
    with pytest.raises(
        FloatingPointError, match=r"after \d+ step\(s\); try a smaller learning rate"
    ):
        with np.errstate(over="ignore", invalid="ignore"):
            bp.train(net, x, t, steps=10_000, learning_rate=100.0)
