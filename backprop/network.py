"""A fully connected network as plain arrays, with a name for every part.

A network with layer sizes ``(n0, n1, ..., nL)`` has ``L`` weight matrices and
``L`` bias vectors.  ``weights[l]`` carries layer ``l`` into layer ``l + 1``:
its shape is ``(n_{l+1}, n_l)`` and ``weights[l][j, k]`` is the weight *to*
unit ``j`` of the upper layer *from* unit ``k`` of the lower one, so that a
column of inputs ``a`` becomes net inputs ``W a + b``.

``biases[l]`` has shape ``(n_{l+1},)`` -- one bias per unit -- or ``(1,)``:
one bias *shared* by every unit of the layer, as in the article, where b1 feeds
both hidden units and b2 both output units.  Broadcasting makes the two cases
the same code; training a shared bias moves the single number by the sum of
the gradients of the units that share it.

Every layer has an activation (the sigmoid unless told otherwise) and the
network has an error (the article's half squared error unless told otherwise);
see :mod:`backprop.functions`.

A ``Network`` is a value: its arrays are read-only, and every operation that
changes parameters (:meth:`Network.replace`, :func:`backprop.train`) returns a
new network.  ``net.weights[0][0, 0] = 9`` raises an error instead of quietly
changing a network that other code still holds.

Every parameter and unit has a name (:mod:`backprop.names`): the default scheme
gives the article's ``w1`` ... ``w8``, ``b1``, ``b2``, ``i1`` ... ``o2``.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Mapping, Sequence

import numpy as np

from .checks import as_matrix, check_finite
from .functions import Activation, ErrorFunction, activation, error
from .names import Names, ParamRef

__all__ = ["Network", "ParamRef", "save", "load"]


class Network:
    """Weights, biases, activations, error and names of a feed-forward network.

    ``activations`` is one name (used by every layer) or one per weight layer;
    ``error`` names the error.  ``param_names`` (a mapping from name to
    :class:`ParamRef`) and ``unit_names`` (one list per layer, input first)
    replace the default names; when given, they must name every parameter or
    unit.
    """

    __slots__ = ("weights", "biases", "activations", "error", "names")

    def __init__(
        self,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray],
        *,
        activations: str | Activation | Sequence[str | Activation] = "sigmoid",
        error: str | ErrorFunction = "squared",
        param_names: Mapping[str, ParamRef] | None = None,
        unit_names: Sequence[Sequence[str]] | None = None,
    ) -> None:
        if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence):
            raise TypeError("weights must be a list of 2-D arrays, one per layer")
        if isinstance(biases, np.ndarray) or not isinstance(biases, Sequence):
            raise TypeError("biases must be a list of 1-D arrays, one per layer")
        if len(weights) == 0:
            raise ValueError("a network needs at least one layer of weights")
        if len(biases) != len(weights):
            raise ValueError(
                f"got {len(weights)} weight matrices but {len(biases)} bias vectors; "
                "every layer needs one of each"
            )
        checked = [_frozen(as_matrix(W, f"weights[{l}]")) for l, W in enumerate(weights)]
        for l in range(1, len(checked)):
            below, above = checked[l - 1], checked[l]
            if above.shape[1] != below.shape[0]:
                raise ValueError(
                    f"weights[{l}] has shape {above.shape}, so it expects {above.shape[1]} "
                    f"unit(s) below it, but weights[{l - 1}] (shape {below.shape}) "
                    f"produces {below.shape[0]}"
                )
        object.__setattr__(self, "weights", tuple(checked))
        biases_checked = tuple(
            _frozen(_check_bias(b, l, W.shape[0])) for l, (b, W) in enumerate(zip(biases, checked))
        )
        object.__setattr__(self, "biases", biases_checked)
        object.__setattr__(self, "activations", _check_activations(activations, len(checked)))
        object.__setattr__(self, "error", _check_error(error, self.activations[-1]))
        names = Names(
            [W.shape for W in checked],
            [b.shape[0] for b in biases_checked],
            params=param_names,
            units=unit_names,
        )
        object.__setattr__(self, "names", names)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(
            f"a Network is a value and cannot be changed (tried to set {name!r}); "
            "use replace() or train() to get a new one"
        )

    @classmethod
    def _trusted(cls, weights, biases, like: Network) -> Network:
        """A network with new arrays but ``like``'s functions and names (no checks)."""
        new = object.__new__(cls)
        object.__setattr__(new, "weights", tuple(_frozen(W) for W in weights))
        object.__setattr__(new, "biases", tuple(_frozen(b) for b in biases))
        object.__setattr__(new, "activations", like.activations)
        object.__setattr__(new, "error", like.error)
        object.__setattr__(new, "names", like.names)
        return new

    # -- construction ---------------------------------------------------------

    @classmethod
    def random(
        cls,
        sizes: Sequence[int],
        *,
        seed: int,
        shared_biases: bool = False,
        activations: str | Activation | Sequence[str | Activation] = "sigmoid",
        error: str | ErrorFunction = "squared",
    ) -> Network:
        """A network with layer sizes ``sizes`` and small random parameters.

        Weights are drawn from a normal distribution with standard deviation
        ``1/sqrt(fan-in)``, which keeps net inputs near the sigmoid's steep middle
        at the start; biases start at zero.  ``seed`` makes the draw repeatable.
        """
        sizes = _check_sizes(sizes)
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an integer, got {type(seed).__name__}")
        rng = np.random.default_rng(seed)
        weights = [
            rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_out, n_in))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])
        ]
        biases = [np.zeros(1 if shared_biases else n) for n in sizes[1:]]
        return cls(weights, biases, activations=activations, error=error)

    def copy(self) -> Network:
        """The same network (a network is a value, so nothing needs copying)."""
        return self

    def replace(self, values: Mapping[str, float]) -> Network:
        """A network with some named parameters set: ``net.replace({"w5": 0.4})``."""
        if not isinstance(values, Mapping):
            raise TypeError("replace() takes a mapping from parameter names to numbers")
        weights, biases = list(self.weights), list(self.biases)
        for name, value in values.items():
            ref = self.locate(name)
            number = _check_scalar(value, name)
            arrays = weights if ref.kind == "weight" else biases
            if not arrays[ref.layer].flags.writeable:
                arrays[ref.layer] = arrays[ref.layer].copy()
            arrays[ref.layer][ref.index] = number
        return Network._trusted(weights, biases, self)

    def with_parameters(
        self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]
    ) -> Network:
        """A network with these arrays (checked) and this one's functions and names."""
        return Network(
            weights,
            biases,
            activations=self.activations,
            error=self.error,
            param_names=self.names.given_params,
            unit_names=self.names.given_units,
        )

    # -- shape ----------------------------------------------------------------

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units per layer, input layer first: ``(2, 2, 2)`` for the article."""
        return self.names.sizes

    @property
    def depth(self) -> int:
        """Number of weight layers (the input layer does not count)."""
        return len(self.weights)

    def __repr__(self) -> str:
        shared = [
            l for l, b in enumerate(self.biases) if b.shape == (1,) and self.weights[l].shape[0] > 1
        ]
        note = f", shared biases in layer(s) {shared}" if shared else ""
        kinds = {a.name for a in self.activations}
        if kinds != {"sigmoid"}:
            note += ", activations " + "/".join(a.name for a in self.activations)
        if self.error.name != "squared":
            note += f", error {self.error.name}"
        return f"Network(sizes={self.sizes}{note})"

    # -- names ----------------------------------------------------------------

    @property
    def param_names(self) -> list[str]:
        """Every parameter's name, weights first, in storage order."""
        return self.names.params()

    @property
    def unit_names(self) -> tuple[tuple[str, ...], ...]:
        """Every unit's name, one tuple per layer, input layer first."""
        return self.names.units

    def locate(self, name: str) -> ParamRef:
        """Where the parameter called ``name`` lives (``"w5"`` -> ``W[1][0, 0]``)."""
        return self.names.locate(name)

    def name_of(self, kind: str, layer: int, index: Sequence[int]) -> str:
        """The name of the parameter at ``kind``/``layer``/``index``."""
        return self.names.name_of(ParamRef(kind, int(layer), tuple(int(i) for i in index)))  # type: ignore[arg-type]

    def param(self, name: str) -> float:
        """The current value of the named parameter."""
        ref = self.locate(name)
        array = self.weights[ref.layer] if ref.kind == "weight" else self.biases[ref.layer]
        return float(array[ref.index])

    def params(self) -> dict[str, float]:
        """Every parameter and its value, in naming order."""
        return {name: self.param(name) for name in self.names.params()}

    def describe(self, name: str) -> str:
        """Which units the named parameter connects: ``"i2 → h1"``, ``"bias → h1, h2"``."""
        ref = self.locate(name)
        if ref.kind == "bias":
            width = self.weights[ref.layer].shape[0]
            fed = range(width) if self.biases[ref.layer].shape == (1,) else [ref.index[0]]
            return "bias → " + ", ".join(self.names.unit_name(ref.layer + 1, j) for j in fed)
        j, k = ref.index
        return f"{self.names.unit_name(ref.layer, k)} → {self.names.unit_name(ref.layer + 1, j)}"

    def unit(self, name: str) -> tuple[int, int]:
        """``(layer, index)`` of the unit called ``name``; layer 0 is the input."""
        return self.names.unit(name)


def _frozen(array: np.ndarray) -> np.ndarray:
    if array.flags.writeable:
        array = array.copy() if array.base is not None or not array.flags.owndata else array
        array.setflags(write=False)
    return array


def _check_bias(bias: object, layer: int, width: int) -> np.ndarray:
    what = f"biases[{layer}]"
    if isinstance(bias, (str, bytes)):
        raise TypeError(f"{what} must be an array of numbers, got {type(bias).__name__}")
    array = np.asarray(bias)
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(f"{what} must hold real numbers, got dtype {array.dtype}")
    array = check_finite(np.array(array, dtype=float), what)
    if array.ndim != 1 or array.shape[0] not in (1, width):
        raise ValueError(
            f"{what} must have shape ({width},) (one bias per unit) or (1,) "
            f"(one bias shared by the layer), got {array.shape}"
        )
    return array


def _check_activations(value, depth: int) -> tuple[Activation, ...]:
    if isinstance(value, (str, Activation)):
        acts = (activation(value),) * depth
    elif isinstance(value, Sequence):
        acts = tuple(activation(a) for a in value)
        if len(acts) != depth:
            raise ValueError(
                f"activations must name one function per weight layer ({depth}), got {len(acts)}"
            )
    else:
        raise TypeError("activations must be a name such as 'sigmoid' or a list of names")
    for l, act in enumerate(acts[:-1]):
        if not act.elementwise:
            raise ValueError(
                f"activations[{l}] is {act.name}, which is only allowed in the output layer"
            )
    return acts


def _check_error(value, output: Activation) -> ErrorFunction:
    err = error(value)
    err.check_activation(output)
    return err


def _check_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError("sizes must be a sequence of layer widths, e.g. (2, 2, 2)")
    if len(sizes) < 2:
        raise ValueError(f"a network needs at least two layers, got sizes {tuple(sizes)}")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"layer sizes must be integers, got {n!r}")
        if n < 1:
            raise ValueError(f"every layer needs at least one unit, got sizes {tuple(sizes)}")
    return tuple(int(n) for n in sizes)


def _check_scalar(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"value for {name!r} must be a real number, got {type(value).__name__}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"value for {name!r} must be finite, got {number}")
    return number


# -- saving and loading -------------------------------------------------------------

_FORMAT = "backprop-network/1"


def save(network: Network, path: str | os.PathLike) -> None:
    """Write ``network`` to one ``.npz`` file: arrays, activations, error and names.

    The format is NumPy's open ``.npz`` (a zip of ``.npy`` arrays); the
    description is stored as JSON text in it, so nothing is pickled.
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be a backprop.Network, got {type(network).__name__}")
    given = network.names.given_params
    meta = {
        "format": _FORMAT,
        "activations": [a.name for a in network.activations],
        "error": network.error.name,
        "param_names": None
        if given is None
        else {name: [ref.kind, ref.layer, list(ref.index)] for name, ref in given.items()},
        "unit_names": None
        if network.names.given_units is None
        else [list(layer) for layer in network.names.given_units],
    }
    arrays = {f"weights_{l}": W for l, W in enumerate(network.weights)}
    arrays.update({f"biases_{l}": b for l, b in enumerate(network.biases)})
    with open(path, "wb") as file:
        np.savez(file, meta=np.array(json.dumps(meta)), **arrays)


def load(path: str | os.PathLike) -> Network:
    """Read a network written by :func:`save`."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != _FORMAT:
                raise ValueError(f"unknown format {meta.get('format')!r}")
            depth = len(meta["activations"])
            weights = [data[f"weights_{l}"] for l in range(depth)]
            biases = [data[f"biases_{l}"] for l in range(depth)]
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        raise ValueError(
            f"{os.fspath(path)!r} is not a network saved by backprop.save ({exc})"
        ) from None
    params = meta["param_names"]
    return Network(
        weights,
        biases,
        activations=meta["activations"],
        error=meta["error"],
        param_names=None
        if params is None
        else {
            name: ParamRef(kind, layer, tuple(index))
            for name, (kind, layer, index) in params.items()
        },
        unit_names=meta["unit_names"],
    )
