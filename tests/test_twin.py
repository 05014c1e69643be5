"""The symbolic twin of any network, and proofs that can fail."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp

import backprop as bp
from backprop import symbolic as S
from backprop.twin import ProofUndecidedError, identical, sigma

# The article's twin as the first edition wrote it by hand: the generated twin
# must reproduce it exactly.
i1, i2, t1, t2, w1, w2, w3, w4, w5, w6, w7, w8, b1, b2 = sp.symbols(
    "i1 i2 t1 t2 w1 w2 w3 w4 w5 w6 w7 w8 b1 b2", real=True
)
net_h1, net_h2, out_h1, out_h2, net_o1, net_o2, out_o1, out_o2, E_o1, E_o2, E_total = sp.symbols(
    "net_h1 net_h2 out_h1 out_h2 net_o1 net_o2 out_o1 out_o2 E_o1 E_o2 E_total", real=True
)
HAND_WRITTEN = {
    net_h1: w1 * i1 + w2 * i2 + b1,
    net_h2: w3 * i1 + w4 * i2 + b1,
    out_h1: sigma(net_h1),
    out_h2: sigma(net_h2),
    net_o1: w5 * out_h1 + w6 * out_h2 + b2,
    net_o2: w7 * out_h1 + w8 * out_h2 + b2,
    out_o1: sigma(net_o1),
    out_o2: sigma(net_o2),
    E_o1: sp.Rational(1, 2) * (t1 - out_o1) ** 2,
    E_o2: sp.Rational(1, 2) * (t2 - out_o2) ** 2,
    E_total: E_o1 + E_o2,
}


def test_the_articles_twin_is_the_special_case() -> None:
    assert list(S.DEFINITIONS.items()) == list(HAND_WRITTEN.items())
    assert [str(s) for s in S.LEAVES] == "i1 i2 t1 t2 w1 w2 w3 w4 w5 w6 w7 w8 b1 b2 eta".split()


def test_sigmas_written_in_derivative_is_proved_from_the_exponential() -> None:
    x = sp.Symbol("x", real=True)
    assert identical(sp.diff(sigma(x), x).rewrite(sp.exp), sp.diff(1 / (1 + sp.exp(-x)), x))


@pytest.mark.parametrize("name", ["w1", "w4", "w5", "w8", "b1", "b2"])
def test_partial_and_derive_agree(name: str) -> None:
    """The display derivative (written-in slope) and SymPy's own calculus agree."""
    assert S.equal(S.partial("E_total", name), S.derive("E_total", name))


def test_derive_by_an_intermediate_quantity() -> None:
    direct = S.derive("E_total", "out_h1")
    paths = S.partial("E_o1", "out_h1") + S.partial("E_o2", "out_h1")
    assert S.equal(direct, paths)


def test_a_true_identity_proves_and_a_false_one_fails_fast() -> None:
    direct = S.derive("E_total", "w1")
    o1, o2, h1 = (S.symbol(n) for n in ("out_o1", "out_o2", "out_h1"))
    t1_, t2_, w5_, w7_, i1_ = (S.symbol(n) for n in ("t1", "t2", "w5", "w7", "i1"))

    def chain(slope):
        back = (o1 - t1_) * slope(o1) * w5_ + (o2 - t2_) * slope(o2) * w7_
        return back * slope(h1) * i1_

    start = time.perf_counter()
    assert S.equal(direct, chain(lambda out: out * (1 - out)))
    assert not S.equal(direct, chain(lambda out: out * (1 + out)))
    assert time.perf_counter() - start < 30, "proofs must answer, not run on"


def test_an_identity_that_needs_exp_rules_is_undecided_not_wrong() -> None:
    x, y = sp.symbols("x y", real=True)
    assert identical(sp.exp(2 * x) * sp.exp(-x), sp.exp(x))
    assert identical(sp.exp(x + y), sp.exp(x) * sp.exp(y))


def test_undecided_is_reported() -> None:
    x = sp.Symbol("x", real=True)
    with pytest.raises(ProofUndecidedError, match="not proved"):
        identical(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1))


@pytest.mark.parametrize("shared", [False, True])
def test_twin_of_a_deeper_network_matches_backward(shared: bool) -> None:
    rng = np.random.default_rng(7)
    sizes = (2, 3, 3, 2)
    weights = [np.round(rng.normal(0, 1, (m, n)), 2) for n, m in zip(sizes, sizes[1:])]
    biases = [np.round(rng.normal(0, 0.5, 1 if shared else m), 2) for m in sizes[1:]]
    net = bp.Network(weights, biases)
    x, t = np.array([0.35, -0.2]), np.array([0.25, 0.8])
    twin = bp.Twin(net)
    values = twin.values(x, t)
    bwd = bp.backward(net, x, t)
    for name in net.param_names:
        exact = twin.evaluate(twin.partial("E_total", name), values)
        assert bwd.gradient(name) == pytest.approx(exact, rel=1e-12, abs=1e-15), name
    for key in ("dE_total/dout_h1.2", "delta_h2.3", "dE_o1/dout_h2.1", "out_o2"):
        assert bwd[key] == pytest.approx(twin.evaluate(twin.quantity(key), values), rel=1e-12)


def test_twin_values_come_from_the_network() -> None:
    values = bp.article_twin_values()
    assert values[S.symbol("w5")] == sp.Rational(2, 5)
    assert values[S.symbol("i1")] == sp.Rational(1, 20)
    assert values[S.symbol("eta")] == sp.Rational(1, 2)


def test_twin_errors() -> None:
    with pytest.raises(TypeError, match="backprop.Network"):
        bp.Twin("net")
    with pytest.raises(ValueError, match="wrt must be one of the twin's symbols"):
        S.partial("E_total", sp.Symbol("q"))
    with pytest.raises(KeyError, match="no training run"):
        S.quantity("E_total@3")
    with pytest.raises(KeyError, match="only a parameter"):
        S.quantity("t1+")
    with pytest.raises(ValueError, match="no value given for"):
        S.evaluate("E_total", {})
    with pytest.raises(ValueError, match="computed from other quantities"):
        S.substitutions({"out_h1": 0.5})


@pytest.mark.parametrize(
    "key", ["dE_total/dw1", "delta_h2", "w6+", "dE_o2/dout_h1", "dout_o1/dnet_o1"]
)
def test_quantities_by_sympys_calculus_alone(key: str) -> None:
    values = bp.article_twin_values()
    by_partial = S.evaluate(S.quantity(key), values)
    by_derive = S.evaluate(S.quantity(key, derive=True), values)
    assert by_derive == pytest.approx(by_partial, rel=1e-14)
    assert not S.quantity(key, derive=True).has(sigma)


def test_identical_when_a_symbol_cancels_in_the_difference() -> None:
    x, y = sp.symbols("x y", real=True)
    assert identical(x + y, y + x)
    assert identical(x * y - x * y + 1, sp.Integer(1))
    assert not identical(x + y, x - y)


def test_identical_with_fractional_exponents() -> None:
    c = sp.Symbol("c", real=True)
    s = lambda x: 1 / (1 + sp.exp(-x))  # noqa: E731
    assert identical(s(c / 2) - s(-c / 2), sp.tanh(c / 4).rewrite(sp.exp))
    assert not identical(s(c / 2) - s(-c / 2), sp.tanh(c / 2).rewrite(sp.exp))
