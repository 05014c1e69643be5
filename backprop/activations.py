"""The logistic sigmoid, the one activation function in this book."""

from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "sigmoid_derivative"]


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
