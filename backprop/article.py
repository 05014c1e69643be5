"""The article's 2-2-2 network, its sample, and the names of its parameters.

Every number comes from :mod:`backprop.published`, where the article's printed
values are kept once.  The network's names are the default names every network
has (:mod:`backprop.names`), which for a 2-2-2 network are exactly the
article's; :data:`ARTICLE_PARAMS` keeps the article's own table, which the tests
check the default names against.  The names map onto the matrices like this::

    weights[0] = [[w1, w2],      weights[1] = [[w5, w6],
                  [w3, w4]]                    [w7, w8]]
    biases[0]  = [b1]  (shared by h1, h2)     biases[1] = [b2]  (shared by o1, o2)

Row j of ``weights[l]`` holds the weights *into* unit j of the layer above,
so ``w2`` (from i2 to h1) is ``weights[0][0, 1]`` and ``w7`` (from h1 to o2) is
``weights[1][1, 0]``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .names import ParamRef, Quantity, parse_key
from .network import Network
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

#: The article's parameter names and the matrix entries they denote, as the
#: article's figure shows them (the default names must equal this table).
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
    return Network(weights, biases)


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

    return symbolic.ARTICLE.values(article_inputs(), article_targets(), article_learning_rate())


@lru_cache(maxsize=8)
def article_training(order: str, steps: int) -> Training:
    """The article's training run: biases frozen, one sample, eta = 0.5.

    Cached, because several chapters and tests ask for the same 10,000 steps;
    the record is read-only, so no caller can change what the next one reads.
    The outputs and parameters are recorded at every step.
    """
    return train(
        article_network(),
        article_inputs(),
        article_targets(),
        steps=steps,
        learning_rate=article_learning_rate(),
        order=order,
        train_biases=False,
        record_outputs=True,
        record_params=True,
    )


def article_value(key: str, order: str = "simultaneous") -> float:
    """Compute the quantity the article publishes under ``key``, with this package.

    ``key`` is a key of :data:`backprop.published.PUBLISHED` (or ``RECOMPUTED``).
    Weights after one update (``"w5+"``) and training figures
    (``"E_total@10000"``, ``"out_o1@10000"``) use the update ``order``; a key's own
    ``(simultaneous)`` or ``(sequential)`` note overrides it.  Any other note
    (``"out_o1 (prose)"``, ``"t1 (原输入)"``) marks a second printing of the
    quantity, which is computed as that quantity.
    """
    if order not in ORDERS:
        raise ValueError(f"unknown update order {order!r}; choose one of {ORDERS}")
    parsed = parse_key(key)
    if parsed.note in ORDERS:
        order = parsed.note
    net, x, t = article_network(), article_inputs(), article_targets()
    base = parsed.base
    if parsed.step is not None:
        run = article_training(order, parsed.step)
        if base == Quantity("E_total"):
            return float(run.errors[parsed.step])
        if isinstance(base, Quantity) and base.kind == "out":
            return float(run.output(base.name)[parsed.step])
        raise KeyError(f"no training record for {key!r}")
    if parsed.updated:
        after = step(
            net, x, t, learning_rate=article_learning_rate(), order=order, train_biases=False
        )
        return after.param(str(base))
    if isinstance(base, Quantity) and base.kind == "name":
        givens = {"i1": x[0], "i2": x[1], "t1": t[0], "t2": t[1], "eta": article_learning_rate()}
        if base.name in givens:
            return float(givens[base.name])
        return net.param(base.name)
    return float(backward(net, x, t)[str(base)])
