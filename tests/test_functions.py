"""Every activation and error: its slope and delta against finite differences and SymPy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import backprop as bp
from backprop.functions import ACTIVATIONS, ERRORS

ELEMENTWISE = [name for name, a in ACTIVATIONS.items() if a.elementwise]

x = sp.Symbol("x", real=True)

#: Each activation written with SymPy's own functions, and its slope as the
#: package writes it, in terms of the output.
SYMBOLIC = {
    "sigmoid": (1 / (1 + sp.exp(-x)), lambda out: out * (1 - out)),
    "tanh": (sp.tanh(x), lambda out: 1 - out**2),
    "identity": (x, lambda out: sp.Integer(1)),
}


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "identity"])
def test_slope_is_derived_by_sympy(name: str) -> None:
    f, slope = SYMBOLIC[name]
    assert bp.identical(sp.diff(f, x), slope(f))


def test_relu_slope_is_derived_by_sympy_on_each_side() -> None:
    pos, neg = sp.Symbol("p", positive=True), sp.Symbol("n", negative=True)
    relu = sp.Max(0, x)
    assert sp.diff(relu, x).subs(x, pos) == 1
    assert sp.diff(relu, x).subs(x, neg) == 0


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_slope_matches_central_differences(name: str) -> None:
    act = ACTIVATIONS[name]
    z = np.linspace(-4, 4, 33) + 0.0123  # away from ReLU's kink at 0
    h = 1e-6
    numeric = (act.function(z + h) - act.function(z - h)) / (2 * h)
    np.testing.assert_allclose(act.slope(act.function(z)), numeric, atol=1e-8)


def test_softmax_rows_are_probability_vectors() -> None:
    net = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]])
    out = ACTIVATIONS["softmax"].function(net)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    assert np.all(np.isfinite(out))


def test_cross_entropy_delta_is_derived_by_sympy() -> None:
    t = sp.Symbol("t", real=True)
    out = 1 / (1 + sp.exp(-x))
    E = -(t * sp.log(out) + (1 - t) * sp.log(1 - out))
    assert bp.identical(sp.diff(E, x), out - t), "the sigmoid's slope cancels"


def test_softmax_cross_entropy_delta_is_derived_by_sympy() -> None:
    nets = sp.symbols("n1:4", real=True)
    t1, t2 = sp.symbols("t1 t2", real=True)
    targets = [t1, t2, 1 - t1 - t2]  # a probability vector
    norm = sum(sp.exp(n) for n in nets)
    outs = [sp.exp(n) / norm for n in nets]
    E = -sum(t * sp.log(o) for t, o in zip(targets, outs))
    for k in range(3):
        assert bp.identical(sp.diff(E, nets[k]), outs[k] - targets[k])


def test_squared_error_delta_is_derived_by_sympy() -> None:
    t = sp.Symbol("t", real=True)
    out = sp.tanh(x)
    E = sp.Rational(1, 2) * (t - out) ** 2
    assert bp.identical(sp.diff(E, x), (out - t) * (1 - out**2))


COMBINATIONS = [
    ("sigmoid", "squared"),
    ("tanh", "squared"),
    ("relu", "squared"),
    ("identity", "squared"),
    ("sigmoid", "cross_entropy"),
    ("softmax", "softmax_cross_entropy"),
]


def _problem(output: str, error: str, hidden: str = "tanh", seed: int = 0):
    rng = np.random.default_rng(seed)
    net = bp.Network.random((3, 4, 3), seed=seed, activations=[hidden, output], error=error)
    net = net.with_parameters(net.weights, [rng.normal(0, 0.3, b.shape) for b in net.biases])
    x = rng.normal(size=(5, 3))
    if error == "softmax_cross_entropy":
        t = np.eye(3)[rng.integers(0, 3, 5)]
    elif error == "cross_entropy":
        t = rng.integers(0, 2, (5, 3)).astype(float)
    else:
        t = rng.uniform(-0.5, 1.5, (5, 3))
    return net, x, t


@pytest.mark.parametrize(("output", "error"), COMBINATIONS)
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "identity"])
def test_gradients_match_finite_differences(output: str, error: str, hidden: str) -> None:
    net, x, t = _problem(output, error, hidden)
    check = bp.check_gradient(net, x, t)
    for name, err in check.errors.items():
        gap = abs(check.analytic[name] - check.numeric[name])
        assert err <= 1e-5 or gap <= 1e-8, check.report()


@pytest.mark.parametrize(("output", "error"), COMBINATIONS)
def test_twin_gradients_match_backward(output: str, error: str) -> None:
    """The SymPy twin of each activation and error gives the package's gradient."""
    net, x, t = _problem(output, error, hidden="sigmoid")
    net = net.with_parameters(
        [np.round(W, 3) for W in net.weights], [np.round(b, 3) for b in net.biases]
    )
    twin = bp.Twin(net)
    values = twin.values(np.round(x[0], 3), t[0])
    bwd = bp.backward(net, np.round(x[0], 3), t[0])
    for name in ("w1", "w15", "w24", "b1", "b7"):
        exact = twin.evaluate(twin.partial("E_total", name), values)
        assert bwd.gradient(name) == pytest.approx(exact, rel=1e-10, abs=1e-14), name


def test_output_deltas_of_the_cross_entropies_are_out_minus_target() -> None:
    for output, error in [("sigmoid", "cross_entropy"), ("softmax", "softmax_cross_entropy")]:
        net, x, t = _problem(output, error)
        bwd = bp.backward(net, x, t)
        np.testing.assert_allclose(bwd.delta[-1], (bwd.forward.out[-1] - t) / len(t), rtol=1e-14)


def test_targets_each_error_allows() -> None:
    net = bp.Network.random((2, 2), seed=0)
    bp.forward(net, [0.1, 0.2], [0.0, 1.0])  # squared error: any finite target
    bp.forward(net, [0.1, 0.2], [-3.0, 7.0])
    ce = bp.Network.random((2, 2), seed=0, error="cross_entropy")
    bp.forward(ce, [0.1, 0.2], [0.0, 1.0])
    sm = bp.Network.random((2, 2), seed=0, activations="softmax", error="softmax_cross_entropy")
    bp.forward(sm, [0.1, 0.2], [0.0, 1.0])
    bp.forward(sm, [0.1, 0.2], [0.3, 0.7])


def test_cross_entropy_of_a_sure_right_answer_is_zero() -> None:
    out = np.array([[1.0, 0.0]])
    assert ERRORS["cross_entropy"].value(out, np.array([[1.0, 0.0]])) == 0.0
    assert ERRORS["softmax_cross_entropy"].value(out, np.array([[1.0, 0.0]])) == 0.0


def test_the_article_network_is_sigmoid_with_squared_error() -> None:
    net = bp.article_network()
    assert [a.name for a in net.activations] == ["sigmoid", "sigmoid"]
    assert net.error.name == "squared"
    assert repr(net) == "Network(sizes=(2, 2, 2), shared biases in layer(s) [0, 1])"


def test_output_layer_needs_a_batch() -> None:
    act = ACTIVATIONS["sigmoid"]
    for err in ERRORS.values():
        if err.requires == "softmax":
            act = ACTIVATIONS["softmax"]
        with pytest.raises(ValueError, match=r"shape \(samples, outputs\)"):
            err.output_layer(np.array([0.2, 0.7]), np.array([0.0, 1.0]), act)
