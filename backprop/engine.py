"""Reverse-mode differentiation in miniature: numbers that remember how they were made.

A :class:`Value` holds a number, the values it was computed from (its
``parents``) and the derivative of itself by each parent (its ``local``
derivatives), recorded when the operation ran.  Computing with Values records a
graph of primitive operations; :meth:`Value.backward` then walks the graph once
from the end to the start and, by the chain rule, leaves in every value's
``grad`` the derivative of the end result by that value -- its *adjoint*.

One backward sweep gives the derivative by every input at once.  Forward mode,
:func:`forward_derivative`, sweeps from the start instead and gives the
derivative by *one* input per sweep.  Both read the same local derivatives.

This is the idea behind every automatic-differentiation library, in the spirit
of Karpathy's micrograd; :func:`network_graph` builds the article's network out
of it, so the book can check the adjoints against :func:`backprop.backward`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .network import Network
from .passes import check_problem

__all__ = ["Value", "topological_order", "forward_derivative", "Graph", "network_graph"]


class Value:
    """A number in a computation, with the operation that made it."""

    def __init__(
        self,
        data: float,
        parents: tuple[Value, ...] = (),
        local: tuple[float, ...] = (),
        op: str = "",
        name: str = "",
        kind: str = "",
    ) -> None:
        data = float(data)
        if not math.isfinite(data):
            raise ValueError(f"a Value must be finite, got {data} (from {op or 'input'})")
        self.data = data
        self.parents = parents
        self.local = local  # d self / d parent, one per parent
        self.op = op
        self.name = name
        self.kind = kind  # for a leaf of a network's graph: "input", "target" or "param"
        self.grad = 0.0

    def __repr__(self) -> str:
        label = f"{self.name}=" if self.name else ""
        return f"Value({label}{self.data:.6g}, grad={self.grad:.6g})"

    # -- the primitive operations, each with its local derivatives ------------

    def __add__(self, other: Value | float) -> Value:
        other = _value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other: Value | float) -> Value:
        other = _value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __pow__(self, k: float) -> Value:
        if isinstance(k, Value) or isinstance(k, bool) or not isinstance(k, (int, float)):
            raise TypeError("a Value can be raised to a constant power only")
        return Value(self.data**k, (self,), (k * self.data ** (k - 1),), f"**{k:g}")

    def exp(self) -> Value:
        e = math.exp(self.data)
        return Value(e, (self,), (e,), "exp")

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"log needs a positive number, got {self.data}")
        return Value(math.log(self.data), (self,), (1.0 / self.data,), "log")

    def sigmoid(self) -> Value:
        s = 1.0 / (1.0 + math.exp(-self.data))
        return Value(s, (self,), (s * (1.0 - s),), "sigmoid")

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,), "tanh")

    def identity(self) -> Value:
        return Value(self.data, (self,), (1.0,), "identity")

    def relu(self) -> Value:
        on = self.data > 0
        return Value(self.data if on else 0.0, (self,), (1.0 if on else 0.0,), "relu")

    # -- the rest, written with the primitives ---------------------------------

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-_value(other))

    def __truediv__(self, other: Value | float) -> Value:
        return self * _value(other) ** -1

    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __rsub__(self, other: float) -> Value:
        return _value(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return _value(other) / self

    # -- the backward sweep ----------------------------------------------------

    def backward(self) -> list[Value]:
        """Set every ``grad`` in the graph to d self / d value; return the order used.

        The sweep visits each value after every value computed from it, so that
        its adjoint is complete before it is passed on: the adjoint of a parent
        gains, from each child, the child's adjoint times the local derivative.
        """
        order = topological_order(self)
        for v in order:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):
            for parent, local in zip(v.parents, v.local):
                parent.grad += local * v.grad
        return order


def _value(x: Value | float) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, (int, float, np.floating, np.integer)):
        raise TypeError(f"cannot compute with a {type(x).__name__} and a Value")
    return Value(float(x), op="const")


def topological_order(end: Value) -> list[Value]:
    """Every value ``end`` depends on, each after all of its parents."""
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(end, False)]
    while stack:  # depth first, without recursion (deep graphs would overflow)
        v, parents_done = stack.pop()
        if parents_done:
            order.append(v)
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            stack.extend((p, False) for p in v.parents if id(p) not in seen)
    return order


def forward_derivative(end: Value, wrt: Value) -> float:
    """d end / d wrt by one forward sweep (forward mode): one input per sweep."""
    tangent: dict[int, float] = {}
    for v in topological_order(end):
        if v is wrt:
            tangent[id(v)] = 1.0
        else:
            tangent[id(v)] = sum(l * tangent[id(p)] for p, l in zip(v.parents, v.local))
    return tangent[id(end)]


@dataclass
class Graph:
    """The forward pass of one sample as a graph of Values.

    ``values`` holds the named values (``"w5"``, ``"net_h1"``, ``"out_o1"``,
    ``"E_o1"``, ``"E_total"`` ...); ``params`` the parameters' names;
    ``output`` is E_total.
    """

    values: dict[str, Value]
    params: list[str]
    output: Value

    def __getitem__(self, name: str) -> Value:
        try:
            return self.values[name]
        except KeyError:
            raise KeyError(f"no value called {name!r} in the graph") from None

    def backward(self) -> dict[str, float]:
        """Run the backward sweep; return dE_total/dp for every parameter p."""
        self.output.backward()
        return {p: self.values[p].grad for p in self.params}

    @property
    def nodes(self) -> list[Value]:
        return topological_order(self.output)

    def count(self) -> dict[str, int]:
        """How many operations of each kind the forward pass took."""
        counts: dict[str, int] = {}
        for v in self.nodes:
            if v.parents:
                counts[v.op] = counts.get(v.op, 0) + 1
        return counts


def network_graph(network: Network, inputs: Iterable[float], targets: Iterable[float]) -> Graph:
    """Build ``network``'s forward pass on one sample out of Values, named as the twin is."""
    x, t = check_problem(network, inputs, targets)
    if len(x) != 1:
        raise ValueError(f"network_graph takes one sample, got {len(x)}")
    if network.error.name == "softmax_cross_entropy":
        raise ValueError("network_graph supports elementwise errors only (not softmax)")
    units = network.unit_names
    values: dict[str, Value] = {}

    def named(v: Value, name: str, kind: str = "") -> Value:
        v.name, v.kind = name, kind
        values[name] = v
        return v

    below = [named(Value(xi), u, "input") for xi, u in zip(x[0], units[0])]
    targets_v = [named(Value(tj), f"t{j + 1}", "target") for j, tj in enumerate(t[0])]
    params = network.param_names
    for p in params:
        named(Value(network.param(p)), p, "param")
    for l, act in enumerate(network.activations):
        outs = []
        for j, unit in enumerate(units[l + 1]):
            bias = values[
                network.name_of("bias", l, (0,) if network.biases[l].shape == (1,) else (j,))
            ]
            total: Value = bias
            for k, feed in enumerate(below):
                total = values[network.name_of("weight", l, (j, k))] * feed + total
            net = named(total, f"net_{unit}")
            outs.append(named(getattr(net, act.name)(), f"out_{unit}"))
        below = outs
    terms = []
    for unit, out, tv in zip(units[-1], below, targets_v):
        if network.error.name == "squared":
            term = 0.5 * (tv - out) ** 2
        else:
            term = -(tv * out.log() + (1.0 - tv) * (1.0 - out).log())
        terms.append(named(term, f"E_{unit}"))
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return Graph(values, params, named(total, "E_total"))
