"""A bad argument raises an error whose message names the problem."""

from __future__ import annotations

import math

import numpy as np
import pytest

import backprop as bp
from backprop import symbolic as S
from backprop.tables import comparison, markdown_table

NET = bp.article_network()
X = bp.article_inputs()
T = bp.article_targets()
CE = bp.Network.random((2, 2), seed=0, error="cross_entropy")
SOFTMAX = bp.Network.random((2, 2), seed=0, activations="softmax", error="softmax_cross_entropy")
BIG = bp.Network.random((784, 256, 10), seed=0)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        # shapes
        (lambda: bp.forward(NET, [0.1, 0.2, 0.3], T), ValueError, "2 value"),
        (lambda: bp.forward(NET, X, [0.5]), ValueError, "targets must have 2"),
        (
            lambda: bp.forward(NET, np.ones((2, 2)), T),
            ValueError,
            r"2 sample\(s\) but targets hold 1",
        ),
        (lambda: bp.forward(NET, np.ones((1, 1, 2)), T), ValueError, "shape"),
        (lambda: bp.forward(NET, np.ones((0, 2)), np.ones((0, 2)) * 0.5), ValueError, "empty"),
        (
            lambda: bp.Network([np.ones((2, 2)), np.ones((3, 3))], [np.zeros(2), np.zeros(3)]),
            ValueError,
            "expects 3",
        ),
        (
            lambda: bp.Network([np.ones((2, 2))], [np.zeros(3)]),
            ValueError,
            r"biases\[0\] must have shape \(2,\)",
        ),
        (lambda: bp.Network([np.ones((2, 2))], []), ValueError, "bias vectors"),
        (lambda: bp.Network([np.ones(2)], [np.zeros(1)]), ValueError, "2-D"),
        (lambda: bp.Network([], []), ValueError, "at least one layer"),
        # NaN and infinity
        (lambda: bp.forward(NET, [math.nan, 0.1], T), ValueError, "inputs contains NaN"),
        (lambda: bp.forward(NET, X, [0.5, math.inf]), ValueError, "targets contains an infinite"),
        (
            lambda: bp.Network([np.full((2, 2), math.nan)], [np.zeros(2)]),
            ValueError,
            r"weights\[0\] contains NaN",
        ),
        (
            lambda: bp.Network([np.ones((2, 2))], [np.array([math.inf])]),
            ValueError,
            r"biases\[0\] contains an infinite",
        ),
        (lambda: NET.replace({"w5": math.nan}), ValueError, "'w5' must be finite"),
        # names
        (lambda: NET.param("w9"), KeyError, "unknown parameter name 'w9'"),
        (lambda: NET.replace({"bias": 1.0}), KeyError, "unknown parameter name 'bias'"),
        (lambda: NET.unit("h3"), KeyError, "unknown unit name 'h3'"),
        (lambda: bp.backward(NET, X, T)["dE_total/dw9"], KeyError, "w9"),
        (lambda: bp.backward(NET, X, T)["speed_of_light"], KeyError, "cannot read the key"),
        (lambda: bp.backward(NET, X, T)["delta_i1"], KeyError, "input unit"),
        (lambda: bp.backward(NET, X, T)["E_h1"], KeyError, "output units only"),
        (lambda: bp.backward(NET, X, T)["dout_o1/dnet_o2"], KeyError, "own net input"),
        (lambda: bp.backward(NET, X, T)["dnet_o1/dout_i1"], KeyError, "does not feed"),
        (lambda: bp.backward(NET, X, T)["dE_o1/dout_i1"], KeyError, "last hidden layer"),
        (lambda: bp.backward(NET, X, T)["w5+"], KeyError, "not a quantity of one pass"),
        (lambda: bp.parse_key("dE_total/w5"), KeyError, "cannot read the key"),
        (lambda: bp.parse_key(5), TypeError, "a key is a str"),
        (lambda: bp.forward(NET, X, T)["dE_total/dw5"], KeyError, "backward"),
        (lambda: bp.published("E_total@5"), KeyError, "no published number called"),
        (lambda: S.symbol("w0"), KeyError, "unknown symbol 'w0'"),
        (lambda: S.quantity("w0+"), KeyError, "w0"),
        (lambda: bp.article_value("nonsense"), KeyError, "nonsense"),
        # learning rate
        (lambda: bp.step(NET, X, T, learning_rate=0), ValueError, "positive finite"),
        (lambda: bp.step(NET, X, T, learning_rate=-0.5), ValueError, "positive finite"),
        (lambda: bp.step(NET, X, T, learning_rate=math.nan), ValueError, "positive finite"),
        (lambda: bp.step(NET, X, T, learning_rate=math.inf), ValueError, "positive finite"),
        (lambda: bp.step(NET, X, T, learning_rate="0.5"), TypeError, "learning_rate must be"),
        (lambda: bp.step(NET, X, T, learning_rate=True), TypeError, "learning_rate must be"),
        # targets each error refuses
        (
            lambda: bp.forward(CE, X, [1.5, 0.5]),
            ValueError,
            r"cross_entropy error must lie in \[0, 1\]",
        ),
        (lambda: bp.forward(CE, X, [-0.1, 0.5]), ValueError, "probabilities"),
        (
            lambda: bp.train(CE, X, [1.5, 0.5], steps=1, learning_rate=0.5),
            ValueError,
            "cross_entropy",
        ),
        (lambda: bp.forward(SOFTMAX, X, [0.5, 0.6]), ValueError, "probability vectors"),
        (lambda: bp.forward(SOFTMAX, X, [1.5, -0.5]), ValueError, "probability vectors"),
        (lambda: bp.forward(NET, X, [math.nan, 0.5]), ValueError, "targets contains NaN"),
        # activations and errors
        (
            lambda: bp.Network.random((2, 2), seed=0, activations="swish"),
            KeyError,
            "unknown activation 'swish'",
        ),
        (
            lambda: bp.Network.random((2, 2), seed=0, error="hinge"),
            KeyError,
            "unknown error 'hinge'",
        ),
        (
            lambda: bp.Network.random((2, 3, 2), seed=0, activations=["tanh"]),
            ValueError,
            "one function per weight layer",
        ),
        (
            lambda: bp.Network.random((2, 3, 2), seed=0, activations=["softmax", "sigmoid"]),
            ValueError,
            "only allowed in the output layer",
        ),
        (
            lambda: bp.Network.random((2, 2), seed=0, activations="softmax"),
            ValueError,
            "softmax_cross_entropy",
        ),
        (
            lambda: bp.Network.random((2, 2), seed=0, error="cross_entropy", activations="tanh"),
            ValueError,
            "needs sigmoid output units",
        ),
        (
            lambda: bp.Network.random((2, 2), seed=0, error="softmax_cross_entropy"),
            ValueError,
            "needs softmax output units",
        ),
        (
            lambda: bp.Network.random((2, 2), seed=0, activations=5),
            TypeError,
            "activations must be",
        ),
        # names
        (
            lambda: bp.Network(
                [np.ones((2, 2))], [np.zeros(2)], unit_names=[["a", "b"], ["total", "c"]]
            ),
            ValueError,
            "'total' is reserved",
        ),
        (
            lambda: bp.Network(
                [np.ones((2, 2))], [np.zeros(2)], unit_names=[["a", "b"], ["a", "c"]]
            ),
            ValueError,
            "used twice",
        ),
        (
            lambda: bp.Network(
                [np.ones((2, 2))], [np.zeros(2)], unit_names=[["a_1", "b"], ["c", "d"]]
            ),
            ValueError,
            "no underscores",
        ),
        (
            lambda: bp.Network([np.ones((2, 2))], [np.zeros(2)], unit_names=[["a", "b"], ["c"]]),
            ValueError,
            "units per layer",
        ),
        (
            lambda: bp.Network(
                [np.ones((1, 1))],
                [np.zeros(1)],
                param_names={"w": bp.ParamRef("weight", 0, (0, 0))},
            ),
            ValueError,
            "name every one",
        ),
        (
            lambda: bp.Network(
                [np.ones((1, 1))],
                [np.zeros(1)],
                param_names={
                    "w": bp.ParamRef("weight", 0, (1, 0)),
                    "b": bp.ParamRef("bias", 0, (0,)),
                },
            ),
            ValueError,
            "outside an array",
        ),
        (
            lambda: bp.Network(
                [np.ones((1, 1))],
                [np.zeros(1)],
                param_names={
                    "w": bp.ParamRef("weight", 0, (0, 0)),
                    "v": bp.ParamRef("weight", 0, (0, 0)),
                },
            ),
            ValueError,
            "already named",
        ),
        (lambda: BIG.param("w203265"), KeyError, "w1..w203264 and b1..b266"),
        (lambda: BIG.unit("h1.1"), KeyError, "unknown unit name 'h1.1'"),
        (lambda: NET.name_of("weight", 2, (0, 0)), ValueError, "not in this network"),
        # a network is a value
        (lambda: setattr(NET, "weights", []), AttributeError, "cannot be changed"),
        (lambda: NET.weights[0].__setitem__((0, 0), 9.0), ValueError, "read-only"),
        (lambda: NET.replace([("w5", 0.1)]), TypeError, "mapping"),
        # predict
        (lambda: bp.predict(NET, [0.1, 0.2, 0.3]), ValueError, "2 value"),
        (lambda: bp.predict("net", X), TypeError, "backprop.Network"),
        # types
        (lambda: bp.forward("net", X, T), TypeError, "backprop.Network"),
        (lambda: bp.forward(NET, "0.05 0.10", T), TypeError, "inputs must be an array"),
        (lambda: bp.forward(NET, [True, False], T), TypeError, "real numbers"),
        (lambda: bp.forward(NET, ["a", "b"], T), TypeError, "real numbers"),
        (lambda: bp.Network(np.ones((2, 2)), [np.zeros(2)]), TypeError, "list of 2-D arrays"),
        (lambda: NET.param(5), TypeError, "must be a str"),
        (lambda: bp.agrees("0.5", "w5"), TypeError, "real number"),
        (lambda: bp.Network.random((2, 2), seed=1.5), TypeError, "seed"),
        (lambda: bp.Network.random((2, 0), seed=1), ValueError, "at least one unit"),
        (lambda: bp.Network.random((2,), seed=1), ValueError, "at least two layers"),
        # training options
        (
            lambda: bp.train(NET, X, T, steps=1, learning_rate=0.5, order="backwards"),
            ValueError,
            "unknown update order 'backwards'",
        ),
        (lambda: bp.train(NET, X, T, steps=-1, learning_rate=0.5), ValueError, "steps must be"),
        (lambda: bp.train(NET, X, T, steps=2.5, learning_rate=0.5), TypeError, "steps must be"),
        (
            lambda: bp.train(NET, X, T, steps=1, learning_rate=0.5, train_biases="no"),
            TypeError,
            "train_biases",
        ),
        (lambda: bp.train(NET, X, T, steps=1, learning_rate=0.5, batch_size=1), ValueError, "seed"),
        (
            lambda: bp.train(NET, X, T, steps=1, learning_rate=0.5, batch_size=5, seed=0),
            ValueError,
            "batch_size",
        ),
        (
            lambda: bp.train(
                NET,
                np.ones((4, 2)),
                np.full((4, 2), 0.5),
                steps=1,
                learning_rate=0.5,
                batch_size=2,
                seed=0,
                record_outputs=True,
            ),
            ValueError,
            "full-batch",
        ),
        (
            lambda: bp.train(NET, X, T, steps=1, learning_rate=0.5).param("w1"),
            ValueError,
            "record_params",
        ),
        (
            lambda: bp.train(NET, X, T, steps=1, learning_rate=0.5).output("o1"),
            ValueError,
            "record_outputs=True",
        ),
        (
            lambda: bp.train(
                NET, X, T, steps=4, learning_rate=0.5, record_params=True, record_every=2
            ).network_at(3),
            ValueError,
            "was not recorded",
        ),
        (
            lambda: bp.train(NET, X, T, steps=1, learning_rate=0.5, record_every=0),
            ValueError,
            "record_every",
        ),
        (
            lambda: bp.train(NET, X, T, steps=1, learning_rate=0.5, record_outputs=None),
            TypeError,
            "record_outputs must be",
        ),
        (
            lambda: bp.train(
                NET,
                np.ones((5000, 2)) * 0.1,
                np.full((5000, 2), 0.5),
                steps=2000,
                learning_rate=0.5,
                record_outputs=True,
            ),
            ValueError,
            r"would take 160 MB, more than the limit of 100 MB; record fewer steps",
        ),
        (lambda: bp.train(NET, X, T, steps=1, learning_rate=0.5, validation=X), TypeError, "pair"),
        (
            lambda: bp.train(NET, X, T, steps=1, learning_rate=0.5, validation=(X, [0.5])),
            ValueError,
            "validation targets must have 2",
        ),
        (
            lambda: bp.train(
                NET, X, T, steps=1, learning_rate=0.5, validation=(X, T), evaluate_every=0
            ),
            ValueError,
            "evaluate_every",
        ),
        (
            lambda: bp.train(NET, X, T, steps=1, learning_rate=0.5, stop_at=-1.0),
            ValueError,
            "stop_at",
        ),
        (lambda: bp.accuracy(NET, X, [0.5]), ValueError, "targets must have 2"),
        (lambda: bp.round_printed(0.5, 2, ties="up"), ValueError, "ties must be"),
        (lambda: bp.round_printed(0.5, -1), ValueError, "places must be"),
        (lambda: bp.round_printed(math.nan, 2), ValueError, "not a finite number"),
        (lambda: bp.round_printed([0.5], 2), TypeError, "cannot round a list"),
        # tables and figures
        (lambda: markdown_table(["a", "b"], [["1"]]), ValueError, "one cell per column"),
        (lambda: comparison(["w5"], {}), KeyError, "no computed value for 'w5'"),
    ],
)
def test_bad_input_raises_a_named_error(call, error, message) -> None:
    with pytest.raises(error, match=message):
        call()


def test_figure_rejects_unknown_highlights() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from backprop.figures import draw_network

    with pytest.raises(KeyError, match="cannot highlight"):
        draw_network(NET, highlight={"w42"})
    with pytest.raises(ValueError, match="edge_labels"):
        draw_network(NET, edge_labels="everything")
