"""The forward and the backward pass, keeping every intermediate.

Indexing follows the weights: ``weights[l]`` feeds layer ``l + 1``, so
``net[l]`` and ``out[l + 1]`` are that layer's net inputs and outputs, and
``out[0]`` is the input itself.  Every per-sample array has one row per sample
(a single sample is a batch of one).

The error of one sample is the article's E_total = sum over output units of
1/2 (target - out)^2; the error E of a batch is its mean over samples, and
every derivative recorded is a derivative of that mean (so a sample's delta in a
batch of m is 1/m of the delta it would have alone).  For the article's single
sample the two coincide.

Records can be read by the article's names: ``fwd["out_h1"]``,
``bwd["dE_total/dw5"]``, ``bwd["dE_o2/dout_h1"]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import sigmoid, sigmoid_derivative
from .checks import as_batch
from .network import Network

__all__ = ["Forward", "Backward", "forward", "backward", "check_targets"]


# -- the arithmetic, shared by the records below and by training ---------------


def layer_outputs(
    weights: list[np.ndarray], biases: list[np.ndarray], inputs: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Net inputs and outputs of every layer: net = out_below W^T + b, out = sigma(net)."""
    nets: list[np.ndarray] = []
    outs = [inputs]
    for W, b in zip(weights, biases):
        net = outs[-1].dot(W.T) + b
        nets.append(net)
        outs.append(sigmoid(net))
    return nets, outs


def squared_error(out: np.ndarray, targets: np.ndarray) -> float:
    """E_total = sum of 1/2 (target - out)^2 over the outputs, averaged over samples."""
    miss = out - targets
    return 0.5 * float(np.vdot(miss, miss)) / out.shape[0]


def walk_back(
    weights: list[np.ndarray],
    outs: list[np.ndarray],
    targets: np.ndarray,
    at_layer: Callable[[int, np.ndarray, np.ndarray, np.ndarray], None],
) -> None:
    """The chain rule, one layer at a time, from the output layer down.

    At each layer: delta = dE/dout * dout/dnet.  ``at_layer(l, dE_dout,
    dout_dnet, delta)`` is called as soon as the delta of layer ``l + 1`` is
    known -- *before* it is sent down through ``weights[l]`` to give the
    layer below its dE/dout.  A caller that updates ``weights[l]`` in place from
    there makes the lower layers see the updated weights (the "sequential"
    order); one that waits until the walk is over gets the textbook gradients.

    E is the batch mean, so dE/dout_s = (out_s - target_s) / samples: each
    sample's share of the error signal.  For one sample it is out - target.
    """
    dE_dout = outs[-1] - targets
    if len(targets) > 1:
        dE_dout /= len(targets)
    for l in range(len(weights) - 1, -1, -1):
        dout_dnet = sigmoid_derivative(outs[l + 1])
        delta = dE_dout * dout_dnet
        at_layer(l, dE_dout, dout_dnet, delta)
        if l:
            dE_dout = delta.dot(weights[l])


def weight_gradient(delta: np.ndarray, out_below: np.ndarray) -> np.ndarray:
    """dE/dW: delta times the output feeding the weight, summed over the batch.

    Entry (j, k) is sum over samples of delta_j * out_k; ``delta`` already
    carries the 1/samples of the batch mean.
    """
    return delta.T.dot(out_below)


def bias_gradient(delta: np.ndarray, bias_shape: tuple[int, ...]) -> np.ndarray:
    """dE/db: delta summed over the batch, and over the units sharing a bias."""
    per_unit = delta.sum(axis=0)
    if bias_shape == per_unit.shape:
        return per_unit
    return per_unit.sum(keepdims=True)


def check_problem(
    network: Network, inputs: object, targets: object
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets as matching batches for ``network``, or a clear error."""
    if not isinstance(network, Network):
        raise TypeError(f"network must be a backprop.Network, got {type(network).__name__}")
    x = as_batch(inputs, "inputs", network.sizes[0])
    t = check_targets(targets, network.sizes[-1])
    if t.shape[0] != x.shape[0]:
        raise ValueError(f"inputs hold {x.shape[0]} sample(s) but targets hold {t.shape[0]}")
    return x, t


def check_targets(targets: object, width: int) -> np.ndarray:
    """Targets as a batch; a sigmoid output lies in (0, 1), so must the target."""
    array = as_batch(targets, "targets", width)
    if np.any((array <= 0) | (array >= 1)):
        raise ValueError(
            "targets must lie strictly between 0 and 1: a sigmoid output never reaches "
            f"0 or 1 (got values from {array.min():g} to {array.max():g}; "
            "the article uses 0.01 and 0.99)"
        )
    return array


# -- the records ---------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Forward:
    """Everything the forward pass computed.

    ``net[l]``/``out[l + 1]``: net inputs and outputs of layer ``l + 1``;
    ``out[0]`` is the input.  ``error_terms[s, o]`` = 1/2 (target - out)^2 of
    output unit ``o`` on sample ``s`` (the article's E_o1, E_o2) and ``error``
    the article's E_total (a batch mean when there are several samples).
    """

    network: Network
    inputs: np.ndarray
    targets: np.ndarray
    net: list[np.ndarray]
    out: list[np.ndarray]
    error_terms: np.ndarray
    error: float

    def __getitem__(self, name: str) -> float | np.ndarray:
        return _lookup(self, None, name)


@dataclass(frozen=True, eq=False)
class Backward:
    """Everything the backward pass computed, layer by layer.

    For the layer fed by ``weights[l]``: ``dE_dout[l]`` (dE_total/dout),
    ``dout_dnet[l]`` (the sigmoid's slope, out (1 - out)) and ``delta[l]``
    (dE_total/dnet, their product), one row per sample.  dnet/dw is the output
    of the unit the weight comes from: ``forward.out[l]``.

    ``via[l]`` splits the dE/dout of the hidden layer fed by ``weights[l]`` by
    the unit above that carries it: ``via[l][s, k, j]`` = delta_k * w_kj, the
    share of hidden unit ``j``'s error signal that comes back through unit ``k``
    of the next layer.  For the article that is dE_o1/dout_h1 and dE_o2/dout_h1.
    Summing over ``k`` gives ``dE_dout[l]``.  ``via`` has one entry per hidden
    layer (``len(weights) - 1``).

    ``weight_grads[l]``/``bias_grads[l]`` have the shapes of ``weights[l]``/
    ``biases[l]``: the gradient of the batch's mean error.
    """

    forward: Forward
    dE_dout: list[np.ndarray]
    dout_dnet: list[np.ndarray]
    delta: list[np.ndarray]
    via: list[np.ndarray]
    weight_grads: list[np.ndarray]
    bias_grads: list[np.ndarray]

    @property
    def dnet_dw(self) -> list[np.ndarray]:
        """dnet/dw for ``weights[l]``: the outputs of the layer below."""
        return self.forward.out[:-1]

    def __getitem__(self, name: str) -> float | np.ndarray:
        return _lookup(self.forward, self, name)


def forward(network: Network, inputs: object, targets: object) -> Forward:
    """Run ``inputs`` through ``network`` and measure the error against ``targets``.

    ``inputs`` is one sample (shape ``(n_in,)``) or a batch (``(samples, n_in)``);
    ``targets`` likewise, with values in (0, 1).
    """
    x, t = check_problem(network, inputs, targets)
    nets, outs = layer_outputs(network.weights, network.biases, x)
    terms = 0.5 * (t - outs[-1]) ** 2
    return Forward(network, x, t, nets, outs, terms, squared_error(outs[-1], t))


def backward(network: Network, inputs: object, targets: object) -> Backward:
    """Forward pass, then the chain rule back to every weight and bias."""
    fwd = forward(network, inputs, targets)
    depth = network.depth
    dE_dout: list = [None] * depth
    dout_dnet: list = [None] * depth
    delta: list = [None] * depth

    def keep(l: int, dE: np.ndarray, slope: np.ndarray, d: np.ndarray) -> None:
        dE_dout[l], dout_dnet[l], delta[l] = dE, slope, d

    walk_back(network.weights, fwd.out, fwd.targets, keep)
    via = [
        delta[l + 1][:, :, np.newaxis] * network.weights[l + 1][np.newaxis, :, :]
        for l in range(depth - 1)
    ]
    weight_grads = [weight_gradient(delta[l], fwd.out[l]) for l in range(depth)]
    bias_grads = [bias_gradient(delta[l], b.shape) for l, b in enumerate(network.biases)]
    return Backward(fwd, dE_dout, dout_dnet, delta, via, weight_grads, bias_grads)


# -- reading a record by the article's names ------------------------------------

_UNIT = r"([A-Za-z][\w.]*)"
_PATTERNS = [
    ("E_total", re.compile(r"E_total$")),
    ("error_term", re.compile(rf"E_{_UNIT}$")),
    ("net", re.compile(rf"net_{_UNIT}$")),
    ("out", re.compile(rf"out_{_UNIT}$")),
    ("delta", re.compile(rf"delta_{_UNIT}$")),
    ("dE/dnet", re.compile(rf"dE_(total|{_UNIT[1:-1]})/dnet_{_UNIT}$")),
    ("dE/dout", re.compile(rf"dE_total/dout_{_UNIT}$")),
    ("dEk/dout", re.compile(rf"dE_{_UNIT}/dout_{_UNIT}$")),
    ("dout/dnet", re.compile(rf"dout_{_UNIT}/dnet_{_UNIT}$")),
    ("dnet/dout", re.compile(rf"dnet_{_UNIT}/dout_{_UNIT}$")),
    ("dnet/dparam", re.compile(rf"dnet_{_UNIT}/d(\w+)$")),
    ("dE/dparam", re.compile(r"dE_total/d(\w+)$")),
]


def _per_sample(column: np.ndarray) -> float | np.ndarray:
    """One number per sample: a float for a batch of one, else an array."""
    return float(column[0]) if column.shape[0] == 1 else column.copy()


def _lookup(fwd: Forward, bwd: Backward | None, name: str) -> float | np.ndarray:
    if not isinstance(name, str):
        raise TypeError(f"a quantity is named by a str, got {type(name).__name__}")
    net = fwd.network
    if name in net.unit_names[0]:
        return _per_sample(fwd.inputs[:, net.unit_names[0].index(name)])
    found = next(((k, p.match(name)) for k, p in _PATTERNS if p.match(name)), None)
    if found is None:
        raise KeyError(
            f"unknown quantity {name!r}; names look like 'out_h1', 'net_o1', 'E_o1', "
            "'E_total', 'delta_o1', 'dE_total/dw5', 'dout_o1/dnet_o1', 'dnet_o1/dw5', "
            "'dE_o2/dout_h1'"
        )
    kind, match = found
    if kind == "E_total":
        return fwd.error
    if kind in ("net", "out", "error_term"):
        layer, j = net.unit(match.group(1))
        if kind == "out":
            return _per_sample(fwd.out[layer][:, j])
        if layer == 0:
            raise KeyError(f"{match.group(1)!r} is an input unit: it has no {kind} input")
        if kind == "net":
            return _per_sample(fwd.net[layer - 1][:, j])
        if layer != net.depth:
            raise KeyError(f"E_{match.group(1)} is defined for output units only")
        return _per_sample(fwd.error_terms[:, j])

    if bwd is None:
        raise KeyError(f"{name!r} is a derivative: read it from backward(), not forward()")

    def unit_above_input(unit: str) -> tuple[int, int]:
        layer, j = net.unit(unit)
        if layer == 0:
            raise KeyError(f"{unit!r} is an input unit; {name!r} is not defined for it")
        return layer, j

    if kind in ("delta", "dE/dnet"):
        unit = match.group(match.lastindex or 1)
        layer, j = unit_above_input(unit)
        if kind == "dE/dnet" and match.group(1) != "total" and match.group(1) != unit:
            # dE_o/dnet_u for another unit u: only E_total has a simple record.
            raise KeyError(f"{name!r}: only dE_total/dnet_u and dE_u/dnet_u are recorded")
        if kind == "dE/dnet" and match.group(1) == unit and layer != net.depth:
            raise KeyError(f"E_{unit} is defined for output units only")
        return _per_sample(bwd.delta[layer - 1][:, j])
    if kind == "dE/dout":
        layer, j = unit_above_input(match.group(1))
        return _per_sample(bwd.dE_dout[layer - 1][:, j])
    if kind == "dEk/dout":
        (k_layer, k), (j_layer, j) = net.unit(match.group(1)), net.unit(match.group(2))
        if k_layer != net.depth or j_layer != net.depth - 1 or j_layer == 0:
            raise KeyError(
                f"{name!r}: dE_o/dout_h is recorded for an output unit o and a unit h "
                "of the last hidden layer"
            )
        return _per_sample(bwd.via[j_layer - 1][:, k, j])
    if kind == "dout/dnet":
        if match.group(1) != match.group(2):
            raise KeyError(f"{name!r}: a unit's output depends on its own net input only")
        layer, j = unit_above_input(match.group(1))
        return _per_sample(bwd.dout_dnet[layer - 1][:, j])
    if kind == "dnet/dout":
        (layer, j), (below, k) = unit_above_input(match.group(1)), net.unit(match.group(2))
        if below != layer - 1:
            raise KeyError(f"{name!r}: unit {match.group(2)!r} does not feed {match.group(1)!r}")
        return float(net.weights[layer - 1][j, k])
    if kind == "dnet/dparam":
        layer, j = unit_above_input(match.group(1))
        ref = net.locate(match.group(2))
        if ref.layer != layer - 1:
            return 0.0
        if ref.kind == "bias":
            shared = net.biases[ref.layer].shape == (1,)
            return 1.0 if shared or ref.index[0] == j else 0.0
        if ref.index[0] != j:
            return 0.0
        return _per_sample(fwd.out[layer - 1][:, ref.index[1]])
    # dE/dparam
    ref = net.locate(match.group(1))
    grads = bwd.weight_grads if ref.kind == "weight" else bwd.bias_grads
    return float(grads[ref.layer][ref.index])
