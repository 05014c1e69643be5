"""The forward and the backward pass, keeping every intermediate.

Indexing follows the weights: ``weights[l]`` feeds layer ``l + 1``, so
``net[l]`` and ``out[l + 1]`` are that layer's net inputs and outputs, and
``out[0]`` is the input itself.  Every per-sample array has one row per sample
(a single sample is a batch of one).

The error of one sample is the network's error summed over its output units
(the article's E_total = sum of 1/2 (target - out)^2); the error E of a batch is
its mean over samples, and every derivative recorded is a derivative of that
mean (so a sample's delta in a batch of m is 1/m of the delta it would have
alone).  For the article's single sample the two coincide.

Records can be read by the article's names: ``fwd["out_h1"]``,
``bwd["dE_total/dw5"]``, ``bwd["dE_o2/dout_h1"]``; any network's units and
parameters have such names (:mod:`backprop.names`).  A per-sample quantity is a
float for one sample and an array with one entry per sample for a batch.
Records are read-only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .checks import as_batch
from .functions import Activation, ErrorFunction
from .names import Derivative, Quantity, parse_key
from .network import Network

__all__ = ["Forward", "Backward", "forward", "backward", "predict", "check_targets"]


# -- the arithmetic, shared by the records below and by training ---------------


def layer_outputs(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[Activation],
    inputs: np.ndarray,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Net inputs and outputs of every layer: net = out_below W^T + b, out = f(net)."""
    nets: list[np.ndarray] = []
    outs = [inputs]
    for W, b, f in zip(weights, biases, activations):
        net = outs[-1].dot(W.T) + b
        nets.append(net)
        outs.append(f.function(net))
    return nets, outs


def walk_back(
    weights: Sequence[np.ndarray],
    activations: Sequence[Activation],
    error: ErrorFunction,
    outs: Sequence[np.ndarray],
    targets: np.ndarray,
) -> Iterator[tuple[int, np.ndarray, np.ndarray | None, np.ndarray]]:
    """The chain rule, one layer at a time, from the output layer down.

    Yields ``(l, dE_dout, dout_dnet, delta)`` for the layer fed by
    ``weights[l]``, top layer first, where delta = dE/dout * dout/dnet is
    dE/dnet.  The error supplies the output layer's three; each layer below
    gets its dE/dout by sending the delta above it back through the weights
    between them, and multiplies by its own slope.

    The walk sends a delta down through ``weights[l]`` only when it is asked
    for the next layer, after the caller has had the delta.  A caller that
    changes ``weights[l]`` in between makes the layers below see the changed
    weights (the "sequential" order of :mod:`backprop.training`); one that
    changes nothing gets the textbook gradients.

    E is the batch mean, so every dE/dout carries a factor 1/samples: each
    sample's share of the error signal.
    """
    dE_dout, dout_dnet, delta = error.output_layer(outs[-1], targets, activations[-1])
    for l in range(len(weights) - 1, -1, -1):
        if l < len(weights) - 1:
            dout_dnet = activations[l].slope(outs[l + 1])
            delta = dE_dout * dout_dnet
        yield l, dE_dout, dout_dnet, delta
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
    t = check_targets(targets, network)
    if t.shape[0] != x.shape[0]:
        raise ValueError(f"inputs hold {x.shape[0]} sample(s) but targets hold {t.shape[0]}")
    return x, t


def check_targets(targets: object, network: Network) -> np.ndarray:
    """Targets as a batch of the right width, allowed by the network's error."""
    array = as_batch(targets, "targets", network.sizes[-1])
    network.error.check_targets(array)
    return array


# -- the records ---------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Forward:
    """Everything the forward pass computed.

    ``net[l]``/``out[l + 1]``: net inputs and outputs of layer ``l + 1``;
    ``out[0]`` is the input.  ``error_terms[s, o]`` is the error of output unit
    ``o`` on sample ``s`` (the article's E_o1, E_o2: 1/2 (target - out)^2) and
    ``error`` the article's E_total (a batch mean when there are several samples).
    """

    network: Network
    inputs: np.ndarray
    targets: np.ndarray
    net: list[np.ndarray]
    out: list[np.ndarray]
    error_terms: np.ndarray
    error: float

    def __getitem__(self, key: str) -> float | np.ndarray:
        return _lookup(self, None, key)


@dataclass(frozen=True, eq=False)
class Backward:
    """Everything the backward pass computed, layer by layer.

    For the layer fed by ``weights[l]``: ``dE_dout[l]`` (dE_total/dout),
    ``dout_dnet[l]`` (the activation's slope; for the sigmoid out (1 - out);
    None for a softmax output layer, whose slope is not one number per unit) and
    ``delta[l]`` (dE_total/dnet), one row per sample.  dnet/dw is the output of
    the unit the weight comes from: ``forward.out[l]``.

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
    dout_dnet: list[np.ndarray | None]
    delta: list[np.ndarray]
    via: list[np.ndarray]
    weight_grads: list[np.ndarray]
    bias_grads: list[np.ndarray]

    @property
    def dnet_dw(self) -> list[np.ndarray]:
        """dnet/dw for ``weights[l]``: the outputs of the layer below."""
        return self.forward.out[:-1]

    def gradient(self, name: str) -> float:
        """dE_total/d``name`` for the named parameter (``bwd.gradient("w5")``)."""
        ref = self.forward.network.locate(name)
        grads = self.weight_grads if ref.kind == "weight" else self.bias_grads
        return float(grads[ref.layer][ref.index])

    def __getitem__(self, key: str) -> float | np.ndarray:
        return _lookup(self.forward, self, key)


def forward(network: Network, inputs: object, targets: object) -> Forward:
    """Run ``inputs`` through ``network`` and measure the error against ``targets``.

    ``inputs`` is one sample (shape ``(n_in,)``) or a batch (``(samples, n_in)``);
    ``targets`` likewise, with values the network's error allows.
    """
    x, t = check_problem(network, inputs, targets)
    nets, outs = layer_outputs(network.weights, network.biases, network.activations, x)
    terms = network.error.terms(outs[-1], t)
    return Forward(
        network,
        *_read_only(x, t),
        _read_only(*nets),
        _read_only(*outs),
        *_read_only(terms),
        network.error.value(outs[-1], t),
    )


def predict(network: Network, inputs: object) -> np.ndarray:
    """The network's outputs for ``inputs``: one row per sample (no targets needed)."""
    if not isinstance(network, Network):
        raise TypeError(f"network must be a backprop.Network, got {type(network).__name__}")
    single = np.ndim(inputs) == 1
    x = as_batch(inputs, "inputs", network.sizes[0])
    out = layer_outputs(network.weights, network.biases, network.activations, x)[1][-1]
    return out[0] if single else out


def backward(network: Network, inputs: object, targets: object) -> Backward:
    """Forward pass, then the chain rule back to every weight and bias."""
    fwd = forward(network, inputs, targets)
    depth = network.depth
    dE_dout: list = [None] * depth
    dout_dnet: list = [None] * depth
    delta: list = [None] * depth
    for l, dE, slope, d in walk_back(
        network.weights, network.activations, network.error, fwd.out, fwd.targets
    ):
        dE_dout[l], dout_dnet[l], delta[l] = dE, slope, d
    via = [
        delta[l + 1][:, :, np.newaxis] * network.weights[l + 1][np.newaxis, :, :]
        for l in range(depth - 1)
    ]
    weight_grads = [weight_gradient(delta[l], fwd.out[l]) for l in range(depth)]
    bias_grads = [bias_gradient(delta[l], b.shape) for l, b in enumerate(network.biases)]
    slopes = [s if s is None else _read_only(s)[0] for s in dout_dnet]
    return Backward(
        fwd,
        _read_only(*dE_dout),
        slopes,
        _read_only(*delta),
        _read_only(*via),
        _read_only(*weight_grads),
        _read_only(*bias_grads),
    )


def _read_only(*arrays: np.ndarray) -> list[np.ndarray]:
    for array in arrays:
        array.setflags(write=False)
    return list(arrays)


# -- reading a record by name ------------------------------------------------------


def _per_sample(column: np.ndarray) -> float | np.ndarray:
    """One number per sample: a float for a batch of one, else an array."""
    return float(column[0]) if column.shape[0] == 1 else column.copy()


def _constant(value: float, samples: int) -> float | np.ndarray:
    """A derivative that is the same for every sample, shaped like a per-sample one."""
    return float(value) if samples == 1 else np.full(samples, float(value))


def _lookup(fwd: Forward, bwd: Backward | None, key: str) -> float | np.ndarray:
    parsed = parse_key(key)
    if parsed.updated or parsed.step is not None or parsed.note is not None:
        raise KeyError(f"{key!r} is not a quantity of one pass (no '+', '@' or notes here)")
    base = parsed.base
    if isinstance(base, Quantity):
        return _quantity(fwd, bwd, base, key)
    if bwd is None:
        raise KeyError(f"{key!r} is a derivative: read it from backward(), not forward()")
    return _derivative(fwd, bwd, base, key)


def _unit_above_input(net: Network, unit: str, key: str) -> tuple[int, int]:
    layer, j = net.unit(unit)
    if layer == 0:
        raise KeyError(f"{unit!r} is an input unit; {key!r} is not defined for it")
    return layer, j


def _output_unit(net: Network, unit: str, key: str) -> int:
    layer, j = net.unit(unit)
    if layer != net.depth:
        raise KeyError(f"{key!r}: E_{unit} is defined for output units only")
    return j


def _quantity(fwd: Forward, bwd: Backward | None, q: Quantity, key: str):
    net = fwd.network
    if q.kind == "E_total":
        return fwd.error
    if q.kind == "name":
        layer, j = net.unit(q.name)  # a bare name here is an input unit
        if layer != 0:
            raise KeyError(f"{key!r}: read a unit's value as out_{q.name}")
        return _per_sample(fwd.inputs[:, j])
    if q.kind == "out":
        layer, j = net.unit(q.name)
        return _per_sample(fwd.out[layer][:, j])
    if q.kind == "net":
        layer, j = _unit_above_input(net, q.name, key)
        return _per_sample(fwd.net[layer - 1][:, j])
    if q.kind == "E":
        return _per_sample(fwd.error_terms[:, _output_unit(net, q.name, key)])
    # delta
    if bwd is None:
        raise KeyError(f"{key!r} is a derivative: read it from backward(), not forward()")
    layer, j = _unit_above_input(net, q.name, key)
    return _per_sample(bwd.delta[layer - 1][:, j])


def _derivative(fwd: Forward, bwd: Backward, d: Derivative, key: str):
    net = fwd.network
    of, wrt = d.of, d.wrt
    samples = fwd.inputs.shape[0]
    if of.kind == "E_total" and wrt.kind == "name":
        return bwd.gradient(wrt.name)
    if of.kind == "E_total" and wrt.kind == "net":
        return _quantity(fwd, bwd, Quantity("delta", wrt.name), key)
    if of.kind == "E_total" and wrt.kind == "out":
        layer, j = _unit_above_input(net, wrt.name, key)
        return _per_sample(bwd.dE_dout[layer - 1][:, j])
    if of.kind == "E" and wrt.kind == "net":
        o = _output_unit(net, of.name, key)
        if wrt.name != of.name:
            raise KeyError(f"{key!r}: only dE_u/dnet_u of an output unit u is recorded")
        _elementwise_error(net, key)
        return _per_sample(bwd.delta[net.depth - 1][:, o])
    if of.kind == "E" and wrt.kind == "out":
        k = _output_unit(net, of.name, key)
        layer, j = net.unit(wrt.name)
        if layer == net.depth and j == k:
            _elementwise_error(net, key)
            return _per_sample(bwd.dE_dout[net.depth - 1][:, k])
        if layer != net.depth - 1 or layer == 0:
            raise KeyError(
                f"{key!r}: dE_o/dout_h is recorded for an output unit o and a unit h "
                "of the last hidden layer"
            )
        return _per_sample(bwd.via[layer - 1][:, k, j])
    if of.kind == "out" and wrt.kind == "net":
        if of.name != wrt.name:
            raise KeyError(f"{key!r}: a unit's output depends on its own net input only")
        layer, j = _unit_above_input(net, of.name, key)
        slope = bwd.dout_dnet[layer - 1]
        if slope is None:
            raise KeyError(f"{key!r}: a softmax unit's slope is not one number per unit")
        return _per_sample(slope[:, j])
    if of.kind == "net" and wrt.kind == "out":
        (layer, j), (below, k) = _unit_above_input(net, of.name, key), net.unit(wrt.name)
        if below != layer - 1:
            raise KeyError(f"{key!r}: unit {wrt.name!r} does not feed {of.name!r}")
        return _constant(net.weights[layer - 1][j, k], samples)
    if of.kind == "net" and wrt.kind == "name":
        layer, j = _unit_above_input(net, of.name, key)
        ref = net.locate(wrt.name)
        if ref.layer != layer - 1:
            return _constant(0.0, samples)
        if ref.kind == "bias":
            shared = net.biases[ref.layer].shape == (1,)
            return _constant(1.0 if shared or ref.index[0] == j else 0.0, samples)
        if ref.index[0] != j:
            return _constant(0.0, samples)
        return _per_sample(fwd.out[layer - 1][:, ref.index[1]])
    raise KeyError(
        f"{key!r} is not recorded; derivatives look like 'dE_total/dw5', "
        "'dE_total/dout_h1', 'dE_o1/dnet_o1', 'dE_o2/dout_h1', 'dout_o1/dnet_o1', "
        "'dnet_o1/dout_h1', 'dnet_o1/dw5'"
    )


def _elementwise_error(net: Network, key: str) -> None:
    if net.error.requires == "softmax":
        raise KeyError(
            f"{key!r}: with softmax every output's error depends on every net input; "
            "read dE_total/dnet_o instead"
        )
