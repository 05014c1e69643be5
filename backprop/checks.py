"""Argument checks that turn a bad input into an error naming the problem.

Every public function of the package validates what it is given before it
computes anything, so a mistake surfaces as a sentence, not as a silently
broadcast array or a NaN three cells later.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

__all__ = ["as_matrix", "as_batch", "check_learning_rate", "check_steps", "check_finite"]


def check_finite(array: np.ndarray, what: str) -> np.ndarray:
    """Raise ``ValueError`` if ``array`` holds a NaN or an infinity."""
    if not np.all(np.isfinite(array)):
        bad = "NaN" if np.any(np.isnan(array)) else "an infinite value"
        raise ValueError(f"{what} contains {bad}")
    return array


def _as_float_array(value: object, what: str) -> np.ndarray:
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{what} must be an array of numbers, got {type(value).__name__}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be an array of numbers ({exc})") from None
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(f"{what} must hold real numbers, got dtype {array.dtype}")
    return check_finite(array.astype(float), what)


def as_matrix(value: object, what: str, shape: tuple[int, int] | None = None) -> np.ndarray:
    """``value`` as a finite 2-D float array, optionally of a given shape."""
    array = _as_float_array(value, what)
    if array.ndim != 2:
        raise ValueError(f"{what} must be a 2-D array, got {array.ndim}-D shape {array.shape}")
    if shape is not None and array.shape != shape:
        raise ValueError(f"{what} must have shape {shape}, got {array.shape}")
    return array


def as_batch(value: object, what: str, width: int) -> np.ndarray:
    """``value`` as a batch of rows, shape (samples, width).

    A 1-D array is one sample.  The width must match the layer it feeds.
    """
    array = _as_float_array(value, what)
    if array.ndim == 1:
        array = array[np.newaxis, :]
    if array.ndim != 2:
        raise ValueError(
            f"{what} must be one sample (1-D) or a batch of samples (2-D), got shape {array.shape}"
        )
    if array.shape[1] != width:
        raise ValueError(f"{what} must have {width} value(s) per sample, got shape {array.shape}")
    if array.shape[0] == 0:
        raise ValueError(f"{what} is empty: a batch needs at least one sample")
    return array


def check_learning_rate(value: object) -> float:
    """A learning rate must be a positive, finite real number."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise TypeError(f"learning_rate must be a real number, got {type(value).__name__}")
    rate = float(value)
    if not math.isfinite(rate) or rate <= 0:
        raise ValueError(f"learning_rate must be a positive finite number, got {rate}")
    return rate


def check_steps(value: object, what: str = "steps") -> int:
    """A count of steps must be a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{what} must be >= 0, got {value}")
    return int(value)
