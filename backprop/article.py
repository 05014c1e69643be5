"""The article's 2-2-2 network, its sample, and the names of its parameters.

Every number comes from :mod:`backprop.published`, where the article's printed
values are kept once.  The names map onto the matrices like this::

    weights[0] = [[w1, w2],      weights[1] = [[w5, w6],
                  [w3, w4]]                    [w7, w8]]
    biases[0]  = [b1]  (shared by h1, h2)     biases[1] = [b2]  (shared by o1, o2)

Row j of ``weights[l]`` holds the weights *into* unit j of the layer above,
so ``w2`` (from i2 to h1) is ``weights[0][0, 1]`` and ``w7`` (from h1 to o2) is
``weights[1][1, 0]``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from .network import Network, ParamRef
from .passes import backward
from .published import PUBLISHED
from .training import ORDERS, Training, step, train

__all__ = [
    "ARTICLE_PARAMS",
    "ARTICLE_UNITS",
    "article_network",
    "article_inputs",
    "article_targets",
    "article_learning_rate",
    "article_twin_values",
    "article_training",
    "article_value",
]

#: Units of each layer, input layer first.
ARTICLE_UNITS = (("i1", "i2"), ("h1", "h2"), ("o1", "o2"))

#: The article's parameter names and the matrix entries they denote.
ARTICLE_PARAMS: dict[str, ParamRef] = {
    "w1": ParamRef("weight", 0, (0, 0)),  # i1 -> h1
    "w2": ParamRef("weight", 0, (0, 1)),  # i2 -> h1
    "w3": ParamRef("weight", 0, (1, 0)),  # i1 -> h2
    "w4": ParamRef("weight", 0, (1, 1)),  # i2 -> h2
    "w5": ParamRef("weight", 1, (0, 0)),  # h1 -> o1
    "w6": ParamRef("weight", 1, (0, 1)),  # h2 -> o1
    "w7": ParamRef("weight", 1, (1, 0)),  # h1 -> o2
    "w8": ParamRef("weight", 1, (1, 1)),  # h2 -> o2
    "b1": ParamRef("bias", 0, (0,)),  # shared by h1 and h2
    "b2": ParamRef("bias", 1, (0,)),  # shared by o1 and o2
}


def _value(key: str) -> float:
    return PUBLISHED[key].value


def article_network() -> Network:
    """The article's network with its initial weights and shared biases."""
    weights = [np.zeros((2, 2)), np.zeros((2, 2))]
    biases = [np.zeros(1), np.zeros(1)]
    for name, ref in ARTICLE_PARAMS.items():
        array = weights[ref.layer] if ref.kind == "weight" else biases[ref.layer]
        array[ref.index] = _value(name)
    return Network(weights, biases, param_names=ARTICLE_PARAMS, unit_names=ARTICLE_UNITS)


def article_inputs() -> np.ndarray:
    """The one training sample's inputs, (i1, i2)."""
    return np.array([_value("i1"), _value("i2")])


def article_targets() -> np.ndarray:
    """The targets for o1 and o2."""
    return np.array([_value("t1"), _value("t2")])


def article_learning_rate() -> float:
    """The learning rate, eta."""
    return _value("eta")


def article_twin_values() -> dict:
    """The article's inputs, targets, parameters and eta as exact SymPy values."""
    from . import symbolic

    net = article_network()
    x, t = article_inputs(), article_targets()
    values = {"i1": x[0], "i2": x[1], "t1": t[0], "t2": t[1], "eta": article_learning_rate()}
    values.update(net.params())
    return symbolic.substitutions(values)


@lru_cache(maxsize=8)
def article_training(order: str, steps: int) -> Training:
    """The article's training run: biases frozen, one sample, eta = 0.5.

    Cached, because several chapters and tests ask for the same 10,000 steps.
    """
    return train(
        article_network(),
        article_inputs(),
        article_targets(),
        steps=steps,
        learning_rate=article_learning_rate(),
        order=order,
        train_biases=False,
        record_params=True,
    )


_AT_STEP = re.compile(r"(\w+)@(\d+)(?: \((English|simultaneous|sequential)\))?$")


def article_value(key: str, order: str = "simultaneous") -> float:
    """Compute the quantity the article publishes under ``key``, with this package.

    ``key`` is a key of :data:`backprop.published.PUBLISHED` (or ``RECOMPUTED``).
    Weights after one update (``"w5+"``) and training figures
    (``"E_total@10000"``, ``"out_o1@10000"``) use the update ``order``; a key's own
    ``(simultaneous)`` suffix overrides it.  A misprint is computed as the
    quantity it misprints (``"out_o1 (prose)"`` is out_o1), and a number printed
    under a wrong name as the quantity it is (``"t1 (原输入)"`` is t1).
    """
    if not isinstance(key, str):
        raise TypeError(f"a quantity is named by a str, got {type(key).__name__}")
    if order not in ORDERS:
        raise ValueError(f"unknown update order {order!r}; choose one of {ORDERS}")
    net, x, t = article_network(), article_inputs(), article_targets()
    inputs = {"i1": x[0], "i2": x[1], "t1": t[0], "t2": t[1], "eta": article_learning_rate()}
    if key in inputs:
        return float(inputs[key])
    if key in net.param_names:
        return net.param(key)
    base, _, note = key.partition(" (")
    if note in ("prose)", "原输入)"):
        return article_value(base, order)
    if key.endswith("+"):
        after = step(
            net, x, t, learning_rate=article_learning_rate(), order=order, train_biases=False
        )
        return after.param(key[:-1])
    match = _AT_STEP.match(key)
    if match:
        name, steps, variant = match.group(1), int(match.group(2)), match.group(3)
        if variant in ORDERS:
            order = variant
        run = article_training(order, steps)
        if name == "E_total":
            return float(run.errors[steps])
        if name.startswith("out_"):
            return float(run.output(name[len("out_") :])[steps])
        raise KeyError(f"no training record for {name!r}")
    return float(backward(net, x, t)[key])
