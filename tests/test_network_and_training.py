"""Names, layout, update orders and the training record."""

from __future__ import annotations

import numpy as np
import pytest

import backprop as bp


@pytest.fixture()
def article():
    return bp.article_network(), bp.article_inputs(), bp.article_targets()


def test_article_names_map_to_matrix_entries_both_ways(article) -> None:
    net, _, _ = article
    assert net.sizes == (2, 2, 2)
    for name, ref in bp.ARTICLE_PARAMS.items():
        assert net.locate(name) == ref
        assert net.name_of(ref.kind, ref.layer, ref.index) == name
        array = net.weights if ref.kind == "weight" else net.biases
        assert net.param(name) == array[ref.layer][ref.index]
        assert net.param(name) == bp.published(name).value
    assert str(net.locate("w5")) == "W[1][0, 0]"
    assert net.describe("w2") == "i2 → h1"
    assert net.describe("w7") == "h1 → o2"
    assert net.describe("b2") == "bias → o1, o2"


def test_shared_biases_stay_shared(article) -> None:
    net, x, t = article
    assert [b.shape for b in net.biases] == [(1,), (1,)]
    trained = bp.train(net, x, t, steps=3, learning_rate=0.5, train_biases=True).network
    assert [b.shape for b in trained.biases] == [(1,), (1,)]
    assert trained.param("b1") != net.param("b1")


def test_frozen_biases_do_not_move(article) -> None:
    net, x, t = article
    run = bp.train(net, x, t, steps=5, learning_rate=0.5, train_biases=False, record_params=True)
    assert np.all(run.param("b1") == net.param("b1"))
    assert np.all(run.param("b2") == net.param("b2"))
    assert run.param("w5")[0] == net.param("w5") != run.param("w5")[5]


def test_training_does_not_change_its_input(article) -> None:
    net, x, t = article
    before = [W.copy() for W in net.weights]
    bp.train(net, x, t, steps=10, learning_rate=0.5, order="sequential")
    for W, kept in zip(net.weights, before):
        np.testing.assert_array_equal(W, kept)


def test_history_lines_up_with_fresh_forward_passes(article) -> None:
    net, x, t = article
    run = bp.train(
        net,
        x,
        t,
        steps=4,
        learning_rate=0.5,
        train_biases=False,
        record_params=True,
        record_outputs=True,
    )
    assert run.steps == 4 and run.errors.shape == (5,) and run.outputs.shape == (5, 1, 2)
    assert run.errors[0] == bp.forward(net, x, t).error
    assert run.errors[4] == pytest.approx(bp.forward(run.network, x, t).error, rel=1e-15)
    np.testing.assert_array_equal(run.weights[1][4], run.network.weights[1])
    assert run.output("o2")[0] == bp.forward(net, x, t)["out_o2"]


def test_step_is_one_training_step(article) -> None:
    net, x, t = article
    for order in bp.ORDERS:
        one = bp.step(net, x, t, learning_rate=0.5, order=order)
        run = bp.train(net, x, t, steps=1, learning_rate=0.5, order=order)
        for a, b in zip(one.weights + one.biases, run.network.weights + run.network.biases):
            np.testing.assert_array_equal(a, b)


def test_simultaneous_step_is_minus_eta_times_the_gradient() -> None:
    net = bp.Network.random((3, 4, 4, 2), seed=11)
    rng = np.random.default_rng(12)
    x, t = rng.normal(size=(6, 3)), rng.uniform(0.1, 0.9, (6, 2))
    grads = bp.backward(net, x, t)
    new = bp.step(net, x, t, learning_rate=0.3)
    for W, g, W_new in zip(net.weights, grads.weight_grads, new.weights):
        np.testing.assert_allclose(W_new, W - 0.3 * g, rtol=1e-14, atol=1e-16)
    for b, g, b_new in zip(net.biases, grads.bias_grads, new.biases):
        np.testing.assert_allclose(b_new, b - 0.3 * g, rtol=1e-14, atol=1e-16)


def test_sequential_step_sends_deltas_through_updated_weights(article) -> None:
    """By hand: update w5..w8 first, then take the hidden gradients with them."""
    net, x, t = article
    top = bp.step(net, x, t, learning_rate=0.5, train_biases=False)
    halfway = net.replace({n: top.param(n) for n in ("w5", "w6", "w7", "w8")})
    # The hidden-layer gradient with the new output weights but the old outputs:
    old = bp.backward(net, x, t)
    delta_out = old.delta[1]
    delta_hidden = (delta_out @ halfway.weights[1]) * bp.sigmoid_derivative(old.forward.out[1])
    expected_hidden = net.weights[0] - 0.5 * delta_hidden.T @ old.forward.out[0]
    seq = bp.step(net, x, t, learning_rate=0.5, order="sequential", train_biases=False)
    np.testing.assert_allclose(seq.weights[0], expected_hidden, rtol=1e-15)
    np.testing.assert_array_equal(seq.weights[1], top.weights[1])


def test_orders_agree_for_a_single_layer() -> None:
    net = bp.Network.random((3, 2), seed=5)
    x, t = np.array([0.2, -0.1, 0.4]), np.array([0.3, 0.7])
    a = bp.train(net, x, t, steps=20, learning_rate=1.0, order="simultaneous")
    b = bp.train(net, x, t, steps=20, learning_rate=1.0, order="sequential")
    np.testing.assert_array_equal(a.errors, b.errors)


def test_minibatches_are_repeatable_and_cover_the_data() -> None:
    net = bp.Network.random((4, 3, 2), seed=0)
    rng = np.random.default_rng(1)
    x, t = rng.normal(size=(10, 4)), rng.uniform(0.1, 0.9, (10, 2))
    a = bp.train(net, x, t, steps=12, learning_rate=0.5, batch_size=3, seed=7)
    b = bp.train(net, x, t, steps=12, learning_rate=0.5, batch_size=3, seed=7)
    c = bp.train(net, x, t, steps=12, learning_rate=0.5, batch_size=3, seed=8)
    np.testing.assert_array_equal(a.errors, b.errors)
    assert not np.array_equal(a.errors, c.errors)
    assert a.outputs is None
    assert a.errors[-1] == pytest.approx(bp.forward(a.network, x, t).error, rel=1e-15)


def test_training_lowers_the_error_of_a_deeper_network() -> None:
    net = bp.Network.random((4, 6, 5, 3), seed=2)
    rng = np.random.default_rng(3)
    x, t = rng.normal(size=(16, 4)), rng.uniform(0.1, 0.9, (16, 3))
    run = bp.train(net, x, t, steps=2000, learning_rate=2.0)
    assert np.all(np.diff(run.errors) <= 0), "full-batch descent with this rate never climbs"
    assert run.errors[-1] < 0.5 * run.errors[0]


def test_random_networks_are_repeatable() -> None:
    a, b = bp.Network.random((5, 4, 3), seed=9), bp.Network.random((5, 4, 3), seed=9)
    for u, v in zip(a.weights, b.weights):
        np.testing.assert_array_equal(u, v)
    assert [W.shape for W in a.weights] == [(4, 5), (3, 4)]


def test_records_by_name(article) -> None:
    net, x, t = article
    bwd = bp.backward(net, x, t)
    assert bwd["i1"] == x[0]
    assert bwd["dnet_o1/dout_h1"] == net.param("w5")
    assert bwd["dnet_o1/dw7"] == 0.0
    assert bwd["dnet_o1/db2"] == 1.0
    assert bwd["dnet_h1/dw2"] == x[1]
    assert bwd["delta_o1"] == bwd["dE_o1/dnet_o1"] == bwd["dE_total/dnet_o1"]
    assert bwd["dE_total/dout_h1"] == pytest.approx(bwd["dE_o1/dout_h1"] + bwd["dE_o2/dout_h1"])


def test_records_of_a_batch_are_per_sample_arrays() -> None:
    net = bp.article_network()
    x = np.array([[0.05, 0.10], [0.2, 0.3]])
    t = np.array([[0.01, 0.99], [0.5, 0.5]])
    fwd = bp.forward(net, x, t)
    assert fwd["out_o1"].shape == (2,)
    assert isinstance(fwd["E_total"], float)


def test_network_at_rebuilds_any_recorded_step(article) -> None:
    net, x, t = article
    run = bp.train(net, x, t, steps=6, learning_rate=0.5, record_params=True)
    np.testing.assert_array_equal(run.network_at(0).weights[0], net.weights[0])
    for k in (0, 3, 6):
        assert bp.forward(run.network_at(k), x, t).error == pytest.approx(run.errors[k], rel=1e-15)
    with pytest.raises(ValueError, match="between 0 and 6"):
        run.network_at(7)
