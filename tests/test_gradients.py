"""The backward pass is right: against finite differences and against SymPy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import backprop as bp
from backprop import symbolic as S
from backprop.gradcheck import check_gradient


@st.composite
def problems(draw):
    """A random network (any depth, widths, shared or per-unit biases) and a batch."""
    sizes = draw(st.lists(st.integers(1, 5), min_size=2, max_size=5))
    samples = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    shared = [draw(st.booleans()) for _ in sizes[1:]]
    weights = [rng.normal(0, 1.0, (n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])]
    biases = [rng.normal(0, 0.5, 1 if s else n) for s, n in zip(shared, sizes[1:])]
    x = rng.normal(0, 1, (samples, sizes[0]))
    t = rng.uniform(0.05, 0.95, (samples, sizes[-1]))
    return bp.Network(weights, biases), x, t


@settings(max_examples=60, deadline=None)
@given(problems())
def test_backward_matches_central_differences(problem) -> None:
    net, x, t = problem
    check = check_gradient(net, x, t, h=1e-6)
    for name, error in check.errors.items():
        gap = abs(check.analytic[name] - check.numeric[name])
        assert error <= 1e-5 or gap <= 1e-8, check.report()


@settings(max_examples=30, deadline=None)
@given(problems())
def test_paths_add_up_to_the_hidden_error_signal(problem) -> None:
    net, x, t = problem
    bwd = bp.backward(net, x, t)
    assert len(bwd.via) == net.depth - 1
    for l, via in enumerate(bwd.via):
        np.testing.assert_allclose(via.sum(axis=1), bwd.dE_dout[l], rtol=1e-12, atol=1e-15)


@settings(max_examples=30, deadline=None)
@given(problems())
def test_delta_is_the_chain_rule_product(problem) -> None:
    net, x, t = problem
    bwd = bp.backward(net, x, t)
    for dE, slope, delta in zip(bwd.dE_dout, bwd.dout_dnet, bwd.delta):
        np.testing.assert_array_equal(delta, dE * slope)


WRT = ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"]


@pytest.fixture(scope="module")
def article():
    net = bp.article_network()
    return net, bp.backward(net, bp.article_inputs(), bp.article_targets())


@pytest.mark.parametrize("name", WRT)
def test_backward_matches_the_sympy_twin(article, name: str) -> None:
    net, bwd = article
    exact = S.evaluate(S.partial("E_total", name), bp.article_twin_values())
    assert bwd[f"dE_total/d{name}"] == pytest.approx(exact, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    "key",
    [
        "dE_total/dout_o1",
        "dout_o1/dnet_o1",
        "dnet_o1/dw5",
        "dE_o1/dnet_o1",
        "dnet_o1/dout_h1",
        "dE_o1/dout_h1",
        "dE_o2/dout_h1",
        "dE_total/dout_h1",
        "dout_h1/dnet_h1",
        "dnet_h1/dw1",
        "dE_total/dout_h2",
        "delta_h2",
        "dE_o2/dout_h2",
        "dnet_o2/dw8",
        "dnet_h2/db1",
    ],
)
def test_every_named_intermediate_matches_the_twin(article, key: str) -> None:
    _, bwd = article
    exact = S.evaluate(S.quantity(key), bp.article_twin_values())
    assert bwd[key] == pytest.approx(exact, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", ["w1", "w5", "w8"])
def test_twin_chain_rule_identities(name: str) -> None:
    """dE/dw equals the article's chain-rule product, as an identity."""
    direct = S.partial("E_total", name)
    if name in ("w5", "w8"):
        unit = "o1" if name == "w5" else "o2"
        product = (
            S.partial("E_total", f"out_{unit}")
            * S.partial(f"out_{unit}", f"net_{unit}")
            * S.partial(f"net_{unit}", name)
        )
    else:
        product = (
            S.partial("E_total", "out_h1")
            * S.partial("out_h1", "net_h1")
            * S.partial("net_h1", name)
        )
    assert S.equal(direct, product)


def test_twin_sigmoid_derivative_is_derived_not_assumed() -> None:
    x = sp.Symbol("x", real=True)
    explicit = sp.diff(1 / (1 + sp.exp(-x)), x)
    assert sp.simplify((explicit - sp.diff(S.sigma(x), x)).rewrite(sp.exp)) == 0


def test_numeric_sigmoid_derivative_matches_the_derivative_of_sigmoid() -> None:
    z = np.linspace(-6, 6, 61)
    h = 1e-6
    slope = (bp.sigmoid(z + h) - bp.sigmoid(z - h)) / (2 * h)
    np.testing.assert_allclose(bp.sigmoid_derivative(bp.sigmoid(z)), slope, atol=1e-9)


def test_shared_bias_gradient_is_the_sum_over_its_units() -> None:
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=(3, 2)), rng.normal(size=(2, 3))]
    x, t = rng.normal(size=(4, 2)), rng.uniform(0.1, 0.9, (4, 2))
    shared = bp.Network(weights, [np.array([0.3]), np.array([-0.2])])
    per_unit = bp.Network(weights, [np.full(3, 0.3), np.full(2, -0.2)])
    g_shared, g_each = bp.backward(shared, x, t), bp.backward(per_unit, x, t)
    assert g_shared.forward.error == pytest.approx(g_each.forward.error, rel=1e-15)
    for a, b in zip(g_shared.bias_grads, g_each.bias_grads):
        assert a.shape == (1,)
        assert a[0] == pytest.approx(b.sum(), rel=1e-13)


def test_error_is_the_sum_of_the_output_terms(article) -> None:
    net, bwd = article
    fwd = bwd.forward
    assert fwd.error == pytest.approx(fwd["E_o1"] + fwd["E_o2"], rel=1e-15)


def test_batch_error_and_gradients_are_means_over_samples() -> None:
    net = bp.Network.random((3, 4, 2), seed=3)
    rng = np.random.default_rng(4)
    x, t = rng.normal(size=(5, 3)), rng.uniform(0.1, 0.9, (5, 2))
    whole = bp.backward(net, x, t)
    singles = [bp.backward(net, x[i], t[i]) for i in range(5)]
    assert whole.forward.error == pytest.approx(
        np.mean([s.forward.error for s in singles]), rel=1e-13
    )
    for l in range(net.depth):
        mean = np.mean([s.weight_grads[l] for s in singles], axis=0)
        np.testing.assert_allclose(whole.weight_grads[l], mean, rtol=1e-12, atol=1e-16)
