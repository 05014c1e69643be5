"""Gradient checking finds a planted error, passes a correct gradient, and says where."""

from __future__ import annotations

import math

import numpy as np
import pytest

import backprop as bp
from backprop.gradcheck import numeric_gradient, relative_error


def _problem():
    net = bp.Network.random((3, 4, 3, 2), seed=5)
    rng = np.random.default_rng(6)
    return net, rng.normal(size=(4, 3)), rng.uniform(0.1, 0.9, (4, 2))


def test_a_correct_gradient_passes() -> None:
    check = bp.check_gradient(*_problem())
    assert check.passed(), check.report()
    assert "every relative error is at most" in check.report()


def test_a_planted_error_is_found_and_located() -> None:
    net, x, t = _problem()
    bwd = bp.backward(net, x, t)
    wrong = {name: bwd.gradient(name) for name in net.param_names}
    wrong["w13"] *= 1.01
    check = bp.check_gradient(net, x, t, wrong)
    assert not check.passed()
    assert check.worst == "w13" and check.failing() == ["w13"]
    assert check.max_error == pytest.approx(0.01 / 1.01, rel=1e-3)
    assert "w13 (layer 1, h1.1 → h2.1)" in check.report()


def test_a_missing_slope_in_one_layer_is_located_in_that_layer() -> None:
    """A backward pass that forgets the sigmoid's slope in the first layer."""
    net, x, t = _problem()
    bwd = bp.backward(net, x, t)
    delta0 = bwd.dE_dout[0]  # no slope
    grads = {name: bwd.gradient(name) for name in net.param_names}
    W0 = delta0.T @ bwd.forward.out[0]
    for name in net.param_names:
        ref = net.locate(name)
        if ref.layer == 0 and ref.kind == "weight":
            grads[name] = W0[ref.index]
    check = bp.check_gradient(net, x, t, grads)
    assert {net.locate(p).layer for p in check.failing(1e-3)} == {0}


@pytest.mark.parametrize(("method", "order"), [("forward", 1), ("backward", 1), ("central", 2)])
def test_truncation_error_has_the_right_order(method: str, order: int) -> None:
    net, x, t = _problem()
    exact = bp.backward(net, x, t).gradient("w2")
    errors = [
        abs(numeric_gradient(net, x, t, h=h, method=method)["w2"] - exact) for h in (1e-2, 1e-3)
    ]
    assert errors[0] / errors[1] == pytest.approx(10.0**order, rel=0.2)


def test_relative_error() -> None:
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(1.0, 1.1) == pytest.approx(0.1 / 1.1)


def test_gradcheck_errors() -> None:
    net, x, t = _problem()
    with pytest.raises(ValueError, match="unknown difference method 'sideways'"):
        numeric_gradient(net, x, t, method="sideways")
    with pytest.raises(ValueError, match="positive finite"):
        numeric_gradient(net, x, t, h=0.0)
    with pytest.raises(TypeError, match="real number"):
        numeric_gradient(net, x, t, h="1e-6")
    with pytest.raises(KeyError, match="no value for w1"):
        bp.check_gradient(net, x, t, {})
    with pytest.raises(ValueError, match="not finite for w1"):
        bp.check_gradient(net, x, t, dict.fromkeys(net.param_names, math.nan))
    with pytest.raises(TypeError, match="Backward record or a mapping"):
        bp.check_gradient(net, x, t, [1.0])
