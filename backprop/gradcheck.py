"""Gradient checking: compare a gradient with finite differences of the error.

A finite difference needs nothing but the forward pass: nudge one parameter by
a small step ``h``, measure the error, and divide the change by ``h``.  It is far
too slow to train with (two forward passes per parameter, where backpropagation
needs one backward pass for all of them), but it is the simplest independent
check of a backward pass there is.

* ``"forward"`` differences ``(E(p + h) - E(p)) / h`` are off by about
  ``h/2 * E''``: an error of order ``h``;
* ``"central"`` differences ``(E(p + h) - E(p - h)) / 2h`` cancel that term and
  are off by about ``h^2/6 * E'''``: order ``h^2``;
* both also suffer from rounding: the two errors agree in most of their digits,
  and the ``~1e-16`` relative rounding of each is divided by ``h``.

The measure of agreement is the relative error ``|a - n| / max(|a|, |n|)`` per
parameter, which does not care how large the gradient is.  As a rough guide for
float64 and central differences with ``h = 1e-6``: below ``1e-6`` is agreement,
``1e-6`` to ``1e-3`` calls for a look (a kink such as ReLU's, or a gradient so
small that rounding dominates), above that something is wrong.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .network import Network
from .passes import Backward, backward, check_problem, layer_outputs

__all__ = ["METHODS", "GradCheck", "numeric_gradient", "check_gradient", "relative_error"]

#: The difference formulas, by name.
METHODS = ("central", "forward", "backward")


def relative_error(a: float, b: float) -> float:
    """``|a - b| / max(|a|, |b|)``, and 0 when both are 0."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def numeric_gradient(
    network: Network, inputs: object, targets: object, *, h: float = 1e-6, method: str = "central"
) -> dict[str, float]:
    """dE/dp for every parameter p by finite differences, keyed by parameter name."""
    x, t = check_problem(network, inputs, targets)
    h = _check_step(h)
    if method not in METHODS:
        raise ValueError(f"unknown difference method {method!r}; choose one of {METHODS}")
    weights = [W.copy() for W in network.weights]
    biases = [b.copy() for b in network.biases]

    def error() -> float:
        out = layer_outputs(weights, biases, network.activations, x)[1][-1]
        return network.error.value(out, t)

    at_p = error() if method != "central" else math.nan
    result = {}
    for name in network.param_names:
        ref = network.locate(name)
        array = (weights if ref.kind == "weight" else biases)[ref.layer]
        keep = array[ref.index]
        array[ref.index] = keep + h
        up = error() if method != "backward" else at_p
        array[ref.index] = keep - h
        down = error() if method != "forward" else at_p
        array[ref.index] = keep
        result[name] = (up - down) / (2 * h if method == "central" else h)
    return result


@dataclass(frozen=True)
class GradCheck:
    """The result of :func:`check_gradient`: one row per parameter.

    ``analytic[p]`` is the gradient being checked, ``numeric[p]`` the finite
    difference and ``errors[p]`` their relative error.  ``worst`` names the
    parameter with the largest relative error.
    """

    analytic: dict[str, float]
    numeric: dict[str, float]
    errors: dict[str, float]
    method: str
    h: float
    where: dict[str, str]

    @property
    def worst(self) -> str:
        return max(self.errors, key=self.errors.__getitem__)

    @property
    def max_error(self) -> float:
        return self.errors[self.worst]

    def passed(self, tolerance: float = 1e-6) -> bool:
        """Whether every parameter's relative error is at most ``tolerance``."""
        return self.max_error <= tolerance

    def failing(self, tolerance: float = 1e-6) -> list[str]:
        """The parameters whose relative error exceeds ``tolerance``, worst first."""
        bad = [p for p, e in self.errors.items() if e > tolerance]
        return sorted(bad, key=self.errors.__getitem__, reverse=True)

    def report(self, tolerance: float = 1e-6, rows: int = 5) -> str:
        """A few lines saying whether the check passed and where it is worst."""
        worst = self.worst
        lines = [
            f"{len(self.errors)} parameters, {self.method} differences with h = {self.h:g}: "
            f"largest relative error {self.max_error:.1e} at {worst} ({self.where[worst]})",
        ]
        bad = self.failing(tolerance)
        if not bad:
            lines.append(f"every relative error is at most {tolerance:g}")
        else:
            lines.append(f"{len(bad)} parameter(s) above {tolerance:g}, worst first:")
            for p in bad[:rows]:
                lines.append(
                    f"  {p:>6} ({self.where[p]}): analytic {self.analytic[p]:+.6e}, "
                    f"numeric {self.numeric[p]:+.6e}, relative error {self.errors[p]:.1e}"
                )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()


def check_gradient(
    network: Network,
    inputs: object,
    targets: object,
    gradient: Backward | Mapping[str, float] | None = None,
    *,
    h: float = 1e-6,
    method: str = "central",
) -> GradCheck:
    """Compare ``gradient`` (by default the backward pass's) with finite differences.

    ``gradient`` is a :class:`~backprop.passes.Backward` record or a mapping from
    parameter name to dE/dp -- for instance the output of a backward pass you
    wrote yourself.  The result says, per parameter, how far the two are apart.
    """
    if gradient is None:
        gradient = backward(network, inputs, targets)
    if isinstance(gradient, Backward):
        analytic = {name: gradient.gradient(name) for name in network.param_names}
    elif isinstance(gradient, Mapping):
        missing = [p for p in network.param_names if p not in gradient]
        if missing:
            raise KeyError(f"the gradient to check has no value for {', '.join(missing[:5])}")
        analytic = {p: float(gradient[p]) for p in network.param_names}
        bad = [p for p, v in analytic.items() if not math.isfinite(v)]
        if bad:
            raise ValueError(f"the gradient to check is not finite for {', '.join(bad[:5])}")
    else:
        raise TypeError(
            "gradient must be a Backward record or a mapping from parameter names to numbers, "
            f"got {type(gradient).__name__}"
        )
    numeric = numeric_gradient(network, inputs, targets, h=h, method=method)
    errors = {p: relative_error(analytic[p], numeric[p]) for p in analytic}
    where = {p: f"layer {network.locate(p).layer}, {network.describe(p)}" for p in analytic}
    return GradCheck(analytic, numeric, errors, method, h, where)


def _check_step(h: object) -> float:
    if isinstance(h, bool) or not isinstance(h, (int, float, np.floating)):
        raise TypeError(f"the step h must be a real number, got {type(h).__name__}")
    h = float(h)
    if not (math.isfinite(h) and h > 0):
        raise ValueError(f"the step h must be a positive finite number, got {h}")
    return h
