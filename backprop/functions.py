"""Activation functions and error functions, each defined once.

An :class:`Activation` is what a unit does to its net input: a function, and its
slope written in terms of the unit's *output* (the forward pass has already
computed the output, so the backward pass gets the slope for a multiplication or
two).  An :class:`ErrorFunction` measures how far the outputs are from the targets; it
knows its terms, the output layer's delta, and which targets make sense for it.

The article's network uses the logistic sigmoid everywhere and the half squared
error; every other choice here is for the later parts of the book.  Both are
looked up by name (:func:`activation`, :func:`error`), so a network is described
by plain strings: ``Network.random((64, 32, 10), seed=0, activations="tanh",
error="softmax_cross_entropy")``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "sigmoid",
    "sigmoid_derivative",
    "squared_error",
    "Activation",
    "ErrorFunction",
    "ACTIVATIONS",
    "ERRORS",
    "activation",
    "error",
]


# -- the article's two functions --------------------------------------------------


def sigmoid(net: np.ndarray) -> np.ndarray:
    """Squash a unit's net input into (0, 1): the unit's output.

    sigma(net) = 1 / (1 + e^(-net)).  Large positive inputs give outputs near 1,
    large negative ones outputs near 0, and sigma(0) = 1/2.
    """
    return 1.0 / (1.0 + np.exp(-net))


def sigmoid_derivative(out: np.ndarray) -> np.ndarray:
    """How fast a sigmoid unit's output moves with its net input, d out / d net.

    Written in terms of the unit's *output*: sigma'(net) = sigma(net)(1 - sigma(net))
    = out (1 - out).  The backward pass uses this form because the forward pass
    has already computed ``out``, so no exponential is evaluated twice.
    """
    return out * (1.0 - out)


def squared_error(out: np.ndarray, targets: np.ndarray) -> float:
    """E_total = sum of 1/2 (target - out)^2 over the outputs, averaged over samples."""
    miss = out - targets
    return 0.5 * float(np.vdot(miss, miss)) / out.shape[0]


# -- activations --------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Activation:
    """What a unit does to its net input.

    ``function(net)`` gives the output; ``slope(out)`` gives d out / d net from
    the output.  ``tex`` names the function in formulas.  Softmax is the one
    activation that is not ``elementwise`` (each output depends on every net
    input of the layer); it has no slope of its own and is only allowed with
    the error it was made for, which supplies the output delta.
    """

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray], np.ndarray] | None
    tex: str
    elementwise: bool = True

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


def _tanh_slope(out: np.ndarray) -> np.ndarray:
    """tanh'(net) = 1 - tanh(net)^2 = 1 - out^2."""
    return 1.0 - out * out


def _relu(net: np.ndarray) -> np.ndarray:
    return np.maximum(net, 0.0)


def _relu_slope(out: np.ndarray) -> np.ndarray:
    """1 where the unit is on (out > 0), 0 where it is off; 0 at the kink itself."""
    return (out > 0.0).astype(float)


def _identity(net: np.ndarray) -> np.ndarray:
    return net


def _identity_slope(out: np.ndarray) -> np.ndarray:
    return np.ones_like(out)


def _softmax(net: np.ndarray) -> np.ndarray:
    """exp(net_k) / sum_j exp(net_j) along each row; shifted by the row maximum,
    which changes nothing mathematically and keeps exp from overflowing."""
    shifted = np.exp(net - net.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


#: Every activation by name.
ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", sigmoid, sigmoid_derivative, r"\sigma"),
        Activation("tanh", np.tanh, _tanh_slope, r"\tanh"),
        Activation("relu", _relu, _relu_slope, r"\mathrm{ReLU}"),
        Activation("identity", _identity, _identity_slope, r"\mathrm{id}"),
        Activation("softmax", _softmax, None, r"\mathrm{softmax}", elementwise=False),
    )
}


def activation(name: str | Activation) -> Activation:
    """The activation called ``name`` (an :class:`Activation` is returned as is)."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"an activation is named by a str, got {type(name).__name__}")
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise KeyError(
            f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}"
        ) from None


# -- errors -------------------------------------------------------------------------


class ErrorFunction:
    """How the outputs are scored against the targets, and the output delta.

    For one sample the error is a sum of ``terms`` over the output units; for a
    batch it is the mean of the samples' errors, so that the learning rate means
    the same whatever the batch size.  ``output_layer`` returns, for the batch,
    dE/dout, d out/d net (None when it is not elementwise) and the output
    delta dE/dnet, each already divided by the number of samples.
    """

    name: str = ""
    #: The output activation this error requires, or None for any elementwise one.
    requires: str | None = None
    #: What targets may be, in words (for error messages and docs).
    target_rule: str = ""

    def terms(self, out: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """The error of each output unit on each sample (the article's E_o1, E_o2)."""
        raise NotImplementedError

    def value(self, out: np.ndarray, targets: np.ndarray) -> float:
        """The error of a batch: the mean over samples of the sum of the terms."""
        return float(self.terms(out, targets).sum()) / out.shape[0]

    def output_layer(
        self, out: np.ndarray, targets: np.ndarray, act: Activation
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """(dE/dout, dout/dnet, delta) of the output layer for a batch.

        ``out`` and ``targets`` have one row per sample, shape (samples, outputs):
        the 1/samples of the batch mean is taken from their first axis.
        """
        raise NotImplementedError

    def check_targets(self, targets: np.ndarray) -> None:
        """Raise ``ValueError`` naming the rule if a target is not allowed."""

    def check_activation(self, act: Activation) -> None:
        """Raise ``ValueError`` if this error cannot be used with ``act`` at the output."""
        if self.requires is not None and act.name != self.requires:
            raise ValueError(
                f"the {self.name} error needs {self.requires} output units, "
                f"but the output layer's activation is {act.name}"
            )
        if self.requires is None and not act.elementwise:
            raise ValueError(
                f"the {act.name} activation is only allowed at the output with the "
                "softmax_cross_entropy error"
            )

    def __repr__(self) -> str:
        return f"Error({self.name!r})"


def _check_batch(out: np.ndarray, targets: np.ndarray) -> None:
    if out.ndim != 2 or out.shape != targets.shape:
        raise ValueError(
            "output_layer takes batches: outputs and targets of one shape (samples, outputs), "
            f"got {out.shape} and {targets.shape}"
        )


class HalfSquared(ErrorFunction):
    """E = sum over outputs of 1/2 (target - out)^2: the article's error.

    dE/dout = out - target, and the delta multiplies it by the output unit's
    slope: a saturated output unit (slope near zero) learns slowly even when it
    is badly wrong.
    """

    name = "squared"
    target_rule = "any finite numbers"

    def terms(self, out: np.ndarray, targets: np.ndarray) -> np.ndarray:
        return 0.5 * (targets - out) ** 2

    def value(self, out: np.ndarray, targets: np.ndarray) -> float:
        return squared_error(out, targets)

    def output_layer(self, out, targets, act):
        _check_batch(out, targets)
        dE_dout = out - targets
        if len(targets) > 1:
            dE_dout /= len(targets)
        slope = act.slope(out)
        return dE_dout, slope, dE_dout * slope


class CrossEntropy(ErrorFunction):
    """E = -sum over outputs of [t log(out) + (1 - t) log(1 - out)], sigmoid outputs.

    dE/dout = (out - t) / (out (1 - out)), and the sigmoid's slope out (1 - out)
    cancels it exactly: the output delta is out - t, however saturated the unit.
    """

    name = "cross_entropy"
    requires = "sigmoid"
    target_rule = "numbers in [0, 1] (probabilities)"

    def terms(self, out: np.ndarray, targets: np.ndarray) -> np.ndarray:
        # t log(out) is taken as 0 where t = 0 (its limit), even if out is 0.
        on = np.log(out, out=np.zeros_like(out), where=targets != 0)
        off = np.log1p(-out, out=np.zeros_like(out), where=targets != 1)
        return -(targets * on + (1 - targets) * off)

    def output_layer(self, out, targets, act):
        _check_batch(out, targets)
        m = len(targets)
        slope = act.slope(out)
        with np.errstate(divide="ignore", invalid="ignore"):
            dE_dout = (out - targets) / slope / m
        return dE_dout, slope, (out - targets) / m

    def check_targets(self, targets: np.ndarray) -> None:
        if np.any((targets < 0) | (targets > 1)):
            raise ValueError(
                "targets for the cross_entropy error must lie in [0, 1] (probabilities); "
                f"got values from {targets.min():g} to {targets.max():g}"
            )


class SoftmaxCrossEntropy(ErrorFunction):
    """E = -sum over outputs of t log(out), with out = softmax(net).

    The outputs of a sample are a probability distribution over the classes, and
    the targets must be one too.  The softmax's Jacobian and dE/dout combine to
    the output delta out - t: the same simple form as sigmoid with cross-entropy.
    """

    name = "softmax_cross_entropy"
    requires = "softmax"
    target_rule = "rows that are probability vectors (entries in [0, 1] summing to 1)"

    def terms(self, out: np.ndarray, targets: np.ndarray) -> np.ndarray:
        return -targets * np.log(out, out=np.zeros_like(out), where=targets != 0)

    def output_layer(self, out, targets, act):
        _check_batch(out, targets)
        m = len(targets)
        with np.errstate(divide="ignore", invalid="ignore"):
            dE_dout = np.where(targets != 0, -targets / out, 0.0) / m
        return dE_dout, None, (out - targets) / m

    def check_targets(self, targets: np.ndarray) -> None:
        sums = targets.sum(axis=1)
        if np.any(targets < 0) or np.any(targets > 1) or not np.allclose(sums, 1.0, atol=1e-9):
            raise ValueError(
                "targets for the softmax_cross_entropy error must be rows that are "
                "probability vectors (entries in [0, 1] summing to 1), such as one-hot "
                f"labels; got row sums from {sums.min():g} to {sums.max():g}"
            )


#: Every error by name.
ERRORS: dict[str, ErrorFunction] = {
    e.name: e for e in (HalfSquared(), CrossEntropy(), SoftmaxCrossEntropy())
}


def error(name: str | ErrorFunction) -> ErrorFunction:
    """The error called ``name`` (an :class:`ErrorFunction` is returned as is)."""
    if isinstance(name, ErrorFunction):
        return name
    if not isinstance(name, str):
        raise TypeError(f"an error is named by a str, got {type(name).__name__}")
    try:
        return ERRORS[name]
    except KeyError:
        raise KeyError(f"unknown error {name!r}; choose one of {', '.join(ERRORS)}") from None
