"""Gradient descent, one step or many, recording what happens along the way.

Two orders of update are offered, because the article's own numbers need both:

``"simultaneous"``
    every gradient is computed from the parameters as they were before the
    step, then every parameter moves.  This is gradient descent, and it is the
    algorithm the article's walkthrough describes.
``"sequential"``
    the layers are updated from the top down, and each layer's delta is passed
    down through the weights *already updated* above it.  For the article's
    network: w5..w8 move first, then the hidden deltas are computed with the
    new w5..w8.  It is what the article's training figures were computed with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .checks import check_learning_rate, check_steps
from .network import Network
from .passes import (
    bias_gradient,
    check_problem,
    layer_outputs,
    squared_error,
    walk_back,
    weight_gradient,
)

__all__ = ["ORDERS", "Training", "train", "step"]

#: The two update orders (see the module docstring).
ORDERS = ("simultaneous", "sequential")


@dataclass(frozen=True, eq=False)
class Training:
    """The record of a training run.

    ``errors[k]`` is E_total with the parameters after ``k`` updates, so
    ``errors[0]`` is the starting error and ``errors[-1]`` the final one.  With
    minibatches, ``errors[k]`` for ``k < steps`` is measured on the batch that
    update ``k + 1`` uses, and the last entry on the whole data set.

    ``outputs[k]`` (full-batch runs) holds the network's outputs after ``k``
    updates, shape ``(steps + 1, samples, n_out)``.  ``weights[l][k]`` and
    ``biases[l][k]`` hold the parameters after ``k`` updates when the run was
    asked to record them.
    """

    network: Network
    errors: np.ndarray
    outputs: np.ndarray | None
    weights: list[np.ndarray] | None
    biases: list[np.ndarray] | None
    settings: dict = field(default_factory=dict)

    @property
    def steps(self) -> int:
        """How many updates the run made."""
        return len(self.errors) - 1

    def param(self, name: str) -> np.ndarray:
        """The named parameter after 0, 1, ..., ``steps`` updates."""
        if self.weights is None or self.biases is None:
            raise ValueError(
                "this run did not record its parameters; train with record_params=True"
            )
        ref = self.network.locate(name)
        history = self.weights if ref.kind == "weight" else self.biases
        return history[ref.layer][(slice(None),) + ref.index].copy()

    def network_at(self, step: int) -> Network:
        """The network after ``step`` updates (the run must record its parameters)."""
        if self.weights is None or self.biases is None:
            raise ValueError(
                "this run did not record its parameters; train with record_params=True"
            )
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
            raise TypeError(f"step must be an integer, got {type(step).__name__}")
        if not 0 <= step <= self.steps:
            raise ValueError(f"step must be between 0 and {self.steps}, got {step}")
        return Network(
            [log[step] for log in self.weights],
            [log[step] for log in self.biases],
            param_names=self.network.param_names,
            unit_names=self.network.unit_names,
        )

    def output(self, unit: str, sample: int = 0) -> np.ndarray:
        """The output of the named output unit after 0, 1, ..., ``steps`` updates."""
        if self.outputs is None:
            raise ValueError(
                "this run did not record its outputs; train full-batch with record_outputs=True"
            )
        layer, j = self.network.unit(unit)
        if layer != self.network.depth:
            raise KeyError(f"{unit!r} is not an output unit")
        return self.outputs[:, sample, j].copy()


def train(
    network: Network,
    inputs: object,
    targets: object,
    *,
    steps: int,
    learning_rate: float,
    order: str = "simultaneous",
    train_biases: bool = True,
    batch_size: int | None = None,
    seed: int | None = None,
    record_outputs: bool | None = None,
    record_params: bool = False,
) -> Training:
    """Take ``steps`` gradient-descent steps from ``network``; return the record.

    Each step moves every trained parameter by ``-learning_rate`` times the
    gradient of the mean error.  ``train_biases=False`` freezes the biases (the
    article does).  With ``batch_size`` set, each step uses the next
    ``batch_size`` samples of a shuffled pass through the data, reshuffled
    every pass with a generator seeded by ``seed`` (required).  The network
    passed in is not changed.
    """
    x, t = check_problem(network, inputs, targets)
    steps = check_steps(steps)
    rate = check_learning_rate(learning_rate)
    if order not in ORDERS:
        raise ValueError(f"unknown update order {order!r}; choose one of {ORDERS}")
    if not isinstance(train_biases, bool):
        raise TypeError(f"train_biases must be True or False, got {train_biases!r}")
    batches = _batches(len(x), steps, batch_size, seed)
    if record_outputs is None:
        record_outputs = batches is None
    if record_outputs and batches is not None:
        raise ValueError(
            "record_outputs needs full-batch training (batch_size=None): "
            "outputs on different minibatches cannot be lined up"
        )

    new = network.copy()
    weights, biases = new.weights, new.biases
    errors = np.empty(steps + 1)
    outputs = np.empty((steps + 1,) + t.shape) if record_outputs else None
    weight_log = [np.empty((steps + 1,) + W.shape) for W in weights] if record_params else None
    bias_log = [np.empty((steps + 1,) + b.shape) for b in biases] if record_params else None
    sequential = order == "sequential"
    pending: list[tuple[int, np.ndarray, np.ndarray | None]] = []
    outs: list[np.ndarray] = []

    def update(l: int, grad_w: np.ndarray, grad_b: np.ndarray | None) -> None:
        weights[l] -= rate * grad_w
        if grad_b is not None:
            biases[l] -= rate * grad_b

    def at_layer(l: int, _dE: np.ndarray, _slope: np.ndarray, delta: np.ndarray) -> None:
        grad_w = weight_gradient(delta, outs[l])
        grad_b = bias_gradient(delta, biases[l].shape) if train_biases else None
        if sequential:
            update(l, grad_w, grad_b)
        else:
            pending.append((l, grad_w, grad_b))

    for k in range(steps + 1):
        if batches is None or k == steps:
            xb, tb = x, t
        else:
            xb, tb = x[batches[k]], t[batches[k]]
        outs = layer_outputs(weights, biases, xb)[1]
        errors[k] = squared_error(outs[-1], tb)
        if outputs is not None:
            outputs[k] = outs[-1]
        if weight_log is not None and bias_log is not None:
            for log, W in zip(weight_log, weights):
                log[k] = W
            for log, b in zip(bias_log, biases):
                log[k] = b
        if k == steps:
            break
        walk_back(weights, outs, tb, at_layer)
        for l, grad_w, grad_b in pending:
            update(l, grad_w, grad_b)
        pending.clear()

    if not np.all(np.isfinite(errors)):
        first = int(np.argmin(np.isfinite(errors)))
        raise FloatingPointError(
            f"the error became {errors[first]} after {first} step(s); try a smaller learning rate"
        )
    settings = dict(
        learning_rate=rate, order=order, train_biases=train_biases, batch_size=batch_size, seed=seed
    )
    return Training(new, errors, outputs, weight_log, bias_log, settings)


def step(
    network: Network,
    inputs: object,
    targets: object,
    *,
    learning_rate: float,
    order: str = "simultaneous",
    train_biases: bool = True,
) -> Network:
    """The network after one gradient-descent step (``network`` is unchanged)."""
    run = train(
        network,
        inputs,
        targets,
        steps=1,
        learning_rate=learning_rate,
        order=order,
        train_biases=train_biases,
        record_outputs=False,
    )
    return run.network


def _batches(
    samples: int, steps: int, batch_size: int | None, seed: int | None
) -> list[np.ndarray] | None:
    """Row indices of the minibatch of every step, or None for full batches."""
    if batch_size is None:
        return None
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"batch_size must be an integer or None, got {type(batch_size).__name__}")
    if not 1 <= batch_size <= samples:
        raise ValueError(
            f"batch_size must be between 1 and the {samples} sample(s), got {batch_size}"
        )
    if seed is None:
        raise ValueError(
            "minibatch training shuffles the data: pass seed=<int> so the run can be repeated"
        )
    rng = np.random.default_rng(seed)
    per_pass = samples // batch_size
    order: np.ndarray = np.empty(0, dtype=int)
    batches = []
    for k in range(steps):
        if k % per_pass == 0:
            order = rng.permutation(samples)
        start = (k % per_pass) * batch_size
        batches.append(order[start : start + batch_size])
    return batches
