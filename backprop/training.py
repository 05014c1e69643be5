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

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .checks import as_batch, check_learning_rate, check_steps
from .functions import Activation, ErrorFunction
from .network import Network
from .passes import bias_gradient, check_problem, layer_outputs, walk_back, weight_gradient

__all__ = ["ORDERS", "Training", "train", "step", "descend", "accuracy", "MEMORY_LIMIT"]

#: The two update orders (see the module docstring).
ORDERS = ("simultaneous", "sequential")

#: The most memory (in bytes) a run may ask to record before it starts: 100 MB.
MEMORY_LIMIT = 100 * 10**6


@dataclass(frozen=True, eq=False)
class Training:
    """The record of a training run.  Its arrays are read-only.

    ``errors[k]`` is the error with the parameters after ``k`` updates, so
    ``errors[0]`` is the starting error and ``errors[-1]`` the final one.  With
    minibatches, ``errors[k]`` for ``k < steps`` is measured on the batch that
    update ``k + 1`` uses, and the last entry on the whole data set.

    When the run was asked to record them, ``outputs[r]`` (full-batch runs:
    shape ``(records, samples, n_out)``) and ``weights[l][r]``, ``biases[l][r]``
    hold the outputs and parameters after ``recorded_steps[r]`` updates: every
    step, or every ``record_every``-th step and the last.

    With a held-out set, ``validation_errors[v]`` and ``validation_accuracy[v]``
    were measured after ``validation_steps[v]`` updates.
    """

    network: Network
    errors: np.ndarray
    outputs: np.ndarray | None
    weights: list[np.ndarray] | None
    biases: list[np.ndarray] | None
    settings: dict = field(default_factory=dict)
    recorded_steps: np.ndarray | None = None
    validation_steps: np.ndarray | None = None
    validation_errors: np.ndarray | None = None
    validation_accuracy: np.ndarray | None = None

    @property
    def steps(self) -> int:
        """How many updates the run made."""
        return len(self.errors) - 1

    def _record(self, step: int) -> int:
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
            raise TypeError(f"step must be an integer, got {type(step).__name__}")
        if not 0 <= step <= self.steps:
            raise ValueError(f"step must be between 0 and {self.steps}, got {step}")
        where = np.searchsorted(self.recorded_steps, step)
        if where == len(self.recorded_steps) or self.recorded_steps[where] != step:
            every = self.settings.get("record_every")
            raise ValueError(f"step {step} was not recorded (the run recorded every {every} steps)")
        return int(where)

    def _need_params(self) -> None:
        if self.weights is None or self.biases is None:
            raise ValueError(
                "this run did not record its parameters; train with record_params=True"
            )

    def param(self, name: str) -> np.ndarray:
        """The named parameter after each recorded update (every update by default)."""
        self._need_params()
        ref = self.network.locate(name)
        history = self.weights if ref.kind == "weight" else self.biases
        return history[ref.layer][(slice(None),) + ref.index].copy()

    def network_at(self, step: int) -> Network:
        """The network after ``step`` updates (the run must record its parameters)."""
        self._need_params()
        r = self._record(step)
        return self.network.with_parameters(
            [log[r] for log in self.weights], [log[r] for log in self.biases]
        )

    def output(self, unit: str, sample: int = 0) -> np.ndarray:
        """The output of the named output unit after each recorded update."""
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
    record_outputs: bool = False,
    record_params: bool = False,
    record_every: int = 1,
    validation: tuple[object, object] | None = None,
    evaluate_every: int = 100,
    stop_at: float | None = None,
    progress: bool = False,
    memory_limit: int = MEMORY_LIMIT,
) -> Training:
    """Take ``steps`` gradient-descent steps from ``network``; return the record.

    Each step moves every trained parameter by ``-learning_rate`` times the
    gradient of the mean error.  ``train_biases=False`` freezes the biases (the
    article does).  With ``batch_size`` set, each step uses the next
    ``batch_size`` samples of a shuffled pass through the data, reshuffled
    every pass with a generator seeded by ``seed`` (required).  The network
    passed in is not changed.

    Watching a run: ``validation=(inputs, targets)`` measures a held-out set
    every ``evaluate_every`` steps; ``stop_at`` ends the run as soon as the
    recorded error falls below it; ``progress=True`` prints a progress line to
    standard error (off by default, so notebook outputs stay the same).
    ``record_outputs`` and ``record_params`` keep the outputs and parameters after
    every ``record_every``-th step; a run that would record more than
    ``memory_limit`` bytes is refused before it starts.
    """
    x, t = check_problem(network, inputs, targets)
    steps = check_steps(steps)
    rate = check_learning_rate(learning_rate)
    if order not in ORDERS:
        raise ValueError(f"unknown update order {order!r}; choose one of {ORDERS}")
    for flag, value in (
        ("train_biases", train_biases),
        ("record_outputs", record_outputs),
        ("record_params", record_params),
        ("progress", progress),
    ):
        if not isinstance(value, bool):
            raise TypeError(f"{flag} must be True or False, got {value!r}")
    every = check_steps(record_every, "record_every")
    if every < 1:
        raise ValueError("record_every must be at least 1")
    batches = _batches(len(x), steps, batch_size, seed)
    if record_outputs and batches is not None:
        raise ValueError(
            "record_outputs needs full-batch training (batch_size=None): "
            "outputs on different minibatches cannot be lined up"
        )
    held_out = _held_out(network, validation, evaluate_every)
    if stop_at is not None and (
        isinstance(stop_at, bool) or not isinstance(stop_at, (int, float)) or not stop_at > 0
    ):
        raise ValueError(f"stop_at must be a positive number or None, got {stop_at!r}")
    recorded = np.unique(np.append(np.arange(0, steps + 1, every), steps))
    _check_memory(
        network, t.shape, len(recorded), record_outputs, record_params, memory_limit, every
    )

    error = network.error
    activations = network.activations
    weights = [W.copy() for W in network.weights]
    biases = [b.copy() for b in network.biases]
    errors = np.empty(steps + 1)
    outputs = np.empty((len(recorded),) + t.shape) if record_outputs else None
    weight_log = [np.empty((len(recorded),) + W.shape) for W in weights] if record_params else None
    bias_log = [np.empty((len(recorded),) + b.shape) for b in biases] if record_params else None
    validation_log: list[tuple[int, float, float]] = []
    record_next = 0
    last = steps

    for k in range(steps + 1):
        if batches is None or k == steps:
            xb, tb = x, t
        else:
            xb, tb = x[batches[k]], t[batches[k]]
        outs = layer_outputs(weights, biases, activations, xb)[1]
        errors[k] = error.value(outs[-1], tb)
        if not math.isfinite(errors[k]):
            raise FloatingPointError(
                f"the error became {errors[k]} after {k} step(s); try a smaller learning rate"
            )
        if record_next < len(recorded) and recorded[record_next] == k:
            if outputs is not None:
                outputs[record_next] = outs[-1]
            if weight_log is not None and bias_log is not None:
                for log, W in zip(weight_log, weights):
                    log[record_next] = W
                for log, b in zip(bias_log, biases):
                    log[record_next] = b
            record_next += 1
        if held_out is not None and (k % evaluate_every == 0 or k == steps):
            validation_log.append((k, *_evaluate(weights, biases, network, *held_out)))
        if progress and (k % max(1, steps // 100) == 0 or k == steps):
            print(f"\rstep {k:,}/{steps:,}  error {errors[k]:.6g}", end="", file=sys.stderr)
        stopping = stop_at is not None and errors[k] < stop_at
        if k == steps or stopping:
            last = k
            break
        descend(weights, biases, activations, error, outs, tb, rate, order, train_biases)
    if progress:
        print(file=sys.stderr)

    errors = errors[: last + 1]
    if last < steps:  # stopped early: keep what was recorded, and the last state
        kept = recorded <= last
        if not kept.any() or recorded[kept][-1] != last:
            recorded = np.append(recorded[kept], last)
            if outputs is not None:
                outputs = np.concatenate([outputs[kept[: len(outputs)]], outs[-1][np.newaxis]])
            if weight_log is not None and bias_log is not None:
                weight_log = [
                    np.concatenate([log[kept], W[np.newaxis]])
                    for log, W in zip(weight_log, weights)
                ]
                bias_log = [
                    np.concatenate([log[kept], b[np.newaxis]]) for log, b in zip(bias_log, biases)
                ]
        else:
            recorded = recorded[kept]
    settings = dict(
        learning_rate=rate,
        order=order,
        train_biases=train_biases,
        batch_size=batch_size,
        seed=seed,
        record_every=every,
        stop_at=stop_at,
        stopped_early=last < steps,
    )
    v_steps = v_err = v_acc = None
    if validation_log:
        v_steps, v_err, v_acc = (np.array(column) for column in zip(*validation_log))
    return Training(
        network.with_parameters(weights, biases),
        *_read_only(errors),
        outputs if outputs is None else _read_only(outputs)[0],
        weight_log if weight_log is None else _read_only(*weight_log),
        bias_log if bias_log is None else _read_only(*bias_log),
        settings,
        *_read_only(recorded),
        *(None if a is None else _read_only(a)[0] for a in (v_steps, v_err, v_acc)),
    )


def descend(
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    activations: Sequence[Activation],
    error: ErrorFunction,
    outs: list[np.ndarray],
    targets: np.ndarray,
    rate: float,
    order: str,
    train_biases: bool,
) -> None:
    """One gradient-descent step: move ``weights`` and ``biases`` in place.

    ``outs`` are the outputs of every layer at the current parameters (the
    forward pass).  The walk back hands over each layer's delta, top layer
    first.  In the simultaneous order every gradient is put aside until the
    walk is over, so all of them see the weights as they were.  In the
    sequential order a layer moves as soon as its delta is known, and the walk
    then sends that delta down through the weights just moved.
    """

    def update(l: int, grad_w: np.ndarray, grad_b: np.ndarray | None) -> None:
        weights[l] -= rate * grad_w
        if grad_b is not None:
            biases[l] -= rate * grad_b

    pending = []
    for l, _dE_dout, _dout_dnet, delta in walk_back(weights, activations, error, outs, targets):
        grad_w = weight_gradient(delta, outs[l])
        grad_b = bias_gradient(delta, biases[l].shape) if train_biases else None
        if order == "sequential":
            update(l, grad_w, grad_b)  # before the walk sends delta down through weights[l]
        else:
            pending.append((l, grad_w, grad_b))
    for l, grad_w, grad_b in pending:  # simultaneous: every gradient first, then every move
        update(l, grad_w, grad_b)


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
    )
    return run.network


def accuracy(network: Network, inputs: object, targets: object) -> float:
    """The fraction of samples the network classifies right.

    With several outputs, a sample is right when its largest output is where its
    target is largest (one-hot labels); with one output, when output and target
    are on the same side of one half.
    """
    x, t = check_problem(network, inputs, targets)
    out = layer_outputs(network.weights, network.biases, network.activations, x)[1][-1]
    return _accuracy(out, t)


def _accuracy(out: np.ndarray, t: np.ndarray) -> float:
    if out.shape[1] == 1:
        return float(np.mean((out[:, 0] > 0.5) == (t[:, 0] > 0.5)))
    return float(np.mean(out.argmax(axis=1) == t.argmax(axis=1)))


def _evaluate(weights, biases, network: Network, x: np.ndarray, t: np.ndarray):
    out = layer_outputs(weights, biases, network.activations, x)[1][-1]
    return network.error.value(out, t), _accuracy(out, t)


def _held_out(network: Network, validation, every: object):
    if validation is None:
        return None
    if not isinstance(validation, tuple) or len(validation) != 2:
        raise TypeError("validation must be a pair (inputs, targets) of a held-out set")
    every = check_steps(every, "evaluate_every")
    if every < 1:
        raise ValueError("evaluate_every must be at least 1")
    x = as_batch(validation[0], "validation inputs", network.sizes[0])
    t = as_batch(validation[1], "validation targets", network.sizes[-1])
    network.error.check_targets(t)
    if len(x) != len(t):
        raise ValueError(
            f"validation inputs hold {len(x)} sample(s) but validation targets hold {len(t)}"
        )
    return x, t


def _check_memory(network, target_shape, records, outputs, params, limit, every) -> None:
    per_record = 0
    if outputs:
        per_record += int(np.prod(target_shape))
    if params:
        per_record += sum(W.size for W in network.weights) + sum(b.size for b in network.biases)
    needed = 8 * per_record * records
    if needed > limit:
        raise ValueError(
            f"recording {'outputs' if outputs else ''}{' and ' if outputs and params else ''}"
            f"{'parameters' if params else ''} at {records:,} steps would take "
            f"{needed / 1e6:,.0f} MB, more than the limit of {limit / 1e6:,.0f} MB; "
            f"record fewer steps (record_every={every} now: try a larger one), record less, "
            "or raise memory_limit"
        )


def _read_only(*arrays: np.ndarray) -> list[np.ndarray]:
    for array in arrays:
        array.setflags(write=False)
    return list(arrays)


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
