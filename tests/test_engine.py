"""The miniature reverse-mode engine gives the backward pass's gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import backprop as bp
from backprop.engine import Value, forward_derivative, network_graph, topological_order


@st.composite
def single_samples(draw):
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=5))  # depth 1-4
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    hidden = draw(st.sampled_from(["sigmoid", "tanh", "relu", "identity"]))
    error = draw(st.sampled_from(["squared", "cross_entropy"]))
    acts = [hidden] * (len(sizes) - 2) + ["sigmoid"]
    shared = [draw(st.booleans()) for _ in sizes[1:]]
    weights = [rng.normal(0, 1.0, (n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])]
    biases = [rng.normal(0, 0.5, 1 if s else n) for s, n in zip(shared, sizes[1:])]
    net = bp.Network(weights, biases, activations=acts, error=error)
    x = rng.normal(0, 1, sizes[0])
    t = rng.uniform(0.05, 0.95, sizes[-1])
    return net, x, t


@settings(max_examples=40, deadline=None)
@given(single_samples())
def test_engine_gradients_equal_backward(problem) -> None:
    net, x, t = problem
    graph = network_graph(net, x, t)
    grads = graph.backward()
    bwd = bp.backward(net, x, t)
    assert graph.output.data == pytest.approx(bwd.forward.error, rel=1e-12)
    for name, g in grads.items():
        assert g == pytest.approx(bwd.gradient(name), rel=1e-9, abs=1e-14), name


def test_adjoints_are_the_named_quantities_of_the_article() -> None:
    net, x, t = bp.article_network(), bp.article_inputs(), bp.article_targets()
    graph = network_graph(net, x, t)
    graph.backward()
    bwd = bp.backward(net, x, t)
    for unit in ("h1", "h2", "o1", "o2"):
        assert graph[f"out_{unit}"].grad == pytest.approx(bwd[f"dE_total/dout_{unit}"], rel=1e-13)
        assert graph[f"net_{unit}"].grad == pytest.approx(bwd[f"delta_{unit}"], rel=1e-13)
    assert graph.count() == {"*": 12, "+": 11, "sigmoid": 4, "**2": 2}


def test_forward_mode_gives_the_same_derivative_one_input_at_a_time() -> None:
    net, x, t = bp.article_network(), bp.article_inputs(), bp.article_targets()
    graph = network_graph(net, x, t)
    reverse = graph.backward()
    for name in net.param_names:
        assert forward_derivative(graph.output, graph[name]) == pytest.approx(
            reverse[name], rel=1e-13
        )


def test_each_operation_against_a_central_difference() -> None:
    ops = {
        "+": lambda a, b: a + b,
        "*": lambda a, b: a * b,
        "-": lambda a, b: a - b,
        "/": lambda a, b: a / b,
        "**3": lambda a, b: a**3 + b,
        "exp": lambda a, b: a.exp() * b,
        "log": lambda a, b: (a * a + 1.0).log() + b,
        "sigmoid": lambda a, b: a.sigmoid() * b,
        "tanh": lambda a, b: a.tanh() + b,
        "relu": lambda a, b: a.relu() * b,
    }
    h = 1e-6
    for name, f in ops.items():
        a, b = Value(0.7), Value(-1.3)
        f(a, b).backward()
        da = (f(Value(0.7 + h), Value(-1.3)).data - f(Value(0.7 - h), Value(-1.3)).data) / (2 * h)
        db = (f(Value(0.7), Value(-1.3 + h)).data - f(Value(0.7), Value(-1.3 - h)).data) / (2 * h)
        assert a.grad == pytest.approx(da, rel=1e-7), name
        assert b.grad == pytest.approx(db, rel=1e-7, abs=1e-9), name


def test_a_value_used_twice_collects_both_adjoints() -> None:
    a = Value(3.0)
    out = a * a + a
    out.backward()
    assert a.grad == 7.0
    assert len(topological_order(out)) == 3


def test_engine_errors() -> None:
    with pytest.raises(ValueError, match="must be finite"):
        Value(math.nan)
    with pytest.raises(TypeError, match="cannot compute with a str"):
        Value(1.0) + "2"
    with pytest.raises(TypeError, match="constant power"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="positive number"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match="one sample"):
        network_graph(bp.article_network(), np.ones((2, 2)) * 0.1, np.full((2, 2), 0.5))
    with pytest.raises(KeyError, match="no value called 'w9'"):
        network_graph(bp.article_network(), bp.article_inputs(), bp.article_targets())["w9"]
