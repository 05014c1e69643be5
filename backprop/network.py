"""A fully connected network of logistic-sigmoid units, as plain arrays.

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

Parameters may carry names (the article's ``w1`` ... ``w8``, ``b1``, ``b2``);
:meth:`Network.locate` turns a name into a matrix entry and
:meth:`Network.name_of` turns an entry back into its name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .checks import as_matrix, check_finite

__all__ = ["Network", "ParamRef"]


@dataclass(frozen=True)
class ParamRef:
    """Where a named parameter lives.

    ``kind`` is ``"weight"`` or ``"bias"``; ``layer`` indexes ``weights`` or
    ``biases``; ``index`` is ``(j, k)`` for a weight (to unit j from unit k) and
    ``(j,)`` for a bias entry (``(0,)`` for a shared bias).
    """

    kind: Literal["weight", "bias"]
    layer: int
    index: tuple[int, ...]

    def __str__(self) -> str:
        where = ", ".join(str(i) for i in self.index)
        array = "W" if self.kind == "weight" else "b"
        return f"{array}[{self.layer}][{where}]"


class Network:
    """Weights, biases and (optionally) names of a sigmoid network.

    The arrays are copied in, so a network never changes behind the caller's
    back; training returns a new network.  ``unit_names`` names the units of
    every layer, input layer first (the article's ``i1, i2 / h1, h2 / o1, o2``);
    ``param_names`` maps a parameter's name to its :class:`ParamRef`.
    """

    def __init__(
        self,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray],
        *,
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
        self.weights = [as_matrix(W, f"weights[{l}]").copy() for l, W in enumerate(weights)]
        for l in range(1, len(self.weights)):
            below, above = self.weights[l - 1], self.weights[l]
            if above.shape[1] != below.shape[0]:
                raise ValueError(
                    f"weights[{l}] has shape {above.shape}, so it expects {above.shape[1]} "
                    f"unit(s) below it, but weights[{l - 1}] (shape {below.shape}) "
                    f"produces {below.shape[0]}"
                )
        self.biases = [self._check_bias(b, l) for l, b in enumerate(biases)]
        self.unit_names = self._check_unit_names(unit_names)
        self.param_names = self._check_param_names(param_names)

    # -- construction ---------------------------------------------------------

    @classmethod
    def random(cls, sizes: Sequence[int], *, seed: int, shared_biases: bool = False) -> Network:
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
        return cls(weights, biases)

    def copy(self) -> Network:
        """An independent copy (arrays included)."""
        return Network(
            self.weights,
            self.biases,
            param_names=self.param_names,
            unit_names=self.unit_names,
        )

    def replace(self, values: Mapping[str, float]) -> Network:
        """A copy with some named parameters set: ``net.replace({"w5": 0.4})``."""
        new = self.copy()
        for name, value in values.items():
            ref = new.locate(name)
            number = _check_scalar(value, name)
            target = new.weights[ref.layer] if ref.kind == "weight" else new.biases[ref.layer]
            target[ref.index] = number
        return new

    # -- shape ----------------------------------------------------------------

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units per layer, input layer first: ``(2, 2, 2)`` for the article."""
        return (self.weights[0].shape[1],) + tuple(W.shape[0] for W in self.weights)

    @property
    def depth(self) -> int:
        """Number of weight layers (the input layer does not count)."""
        return len(self.weights)

    def __repr__(self) -> str:
        shared = [
            l for l, b in enumerate(self.biases) if b.shape == (1,) and self.weights[l].shape[0] > 1
        ]
        note = f", shared biases in layer(s) {shared}" if shared else ""
        return f"Network(sizes={self.sizes}{note})"

    # -- names ----------------------------------------------------------------

    def locate(self, name: str) -> ParamRef:
        """Where the parameter called ``name`` lives (``"w5"`` -> ``W[1][0, 0]``)."""
        if not isinstance(name, str):
            raise TypeError(f"a parameter name must be a str, got {type(name).__name__}")
        try:
            return self.param_names[name]
        except KeyError:
            known = ", ".join(self.param_names) or "none: this network's parameters have no names"
            raise KeyError(f"unknown parameter name {name!r}; known names: {known}") from None

    def name_of(self, kind: str, layer: int, index: Iterable[int]) -> str:
        """The name of the parameter at ``kind``/``layer``/``index``."""
        ref = ParamRef(kind, layer, tuple(int(i) for i in index))  # type: ignore[arg-type]
        for name, candidate in self.param_names.items():
            if candidate == ref:
                return name
        raise KeyError(f"no named parameter at {ref}")

    def param(self, name: str) -> float:
        """The current value of the named parameter."""
        ref = self.locate(name)
        array = self.weights[ref.layer] if ref.kind == "weight" else self.biases[ref.layer]
        return float(array[ref.index])

    def params(self) -> dict[str, float]:
        """Every named parameter and its value, in naming order."""
        return {name: self.param(name) for name in self.param_names}

    def describe(self, name: str) -> str:
        """Which units the named parameter connects: ``"i2 → h1"``, ``"bias → h1, h2"``."""
        ref = self.locate(name)
        above = self.unit_names[ref.layer + 1]
        if ref.kind == "bias":
            fed = above if self.biases[ref.layer].shape == (1,) else [above[ref.index[0]]]
            return "bias → " + ", ".join(fed)
        j, k = ref.index
        return f"{self.unit_names[ref.layer][k]} → {above[j]}"

    def unit(self, name: str) -> tuple[int, int]:
        """``(layer, index)`` of the unit called ``name``; layer 0 is the input."""
        if not isinstance(name, str):
            raise TypeError(f"a unit name must be a str, got {type(name).__name__}")
        for layer, names in enumerate(self.unit_names):
            if name in names:
                return layer, list(names).index(name)
        known = ", ".join(n for names in self.unit_names for n in names)
        raise KeyError(f"unknown unit name {name!r}; known units: {known}")

    # -- checks ---------------------------------------------------------------

    def _check_bias(self, bias: np.ndarray, layer: int) -> np.ndarray:
        what = f"biases[{layer}]"
        if isinstance(bias, (str, bytes)):
            raise TypeError(f"{what} must be an array of numbers, got {type(bias).__name__}")
        array = np.asarray(bias)
        if array.dtype == bool or not (
            np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
        ):
            raise TypeError(f"{what} must hold real numbers, got dtype {array.dtype}")
        array = check_finite(array.astype(float), what).copy()
        width = self.weights[layer].shape[0]
        if array.ndim != 1 or array.shape[0] not in (1, width):
            raise ValueError(
                f"{what} must have shape ({width},) (one bias per unit) or (1,) "
                f"(one bias shared by the layer), got {array.shape}"
            )
        return array

    def _check_unit_names(self, unit_names: Sequence[Sequence[str]] | None) -> list[list[str]]:
        sizes = self.sizes
        if unit_names is None:
            return [[f"u{layer}.{j + 1}" for j in range(n)] for layer, n in enumerate(sizes)]
        names = [list(layer) for layer in unit_names]
        if [len(layer) for layer in names] != list(sizes):
            raise ValueError(
                f"unit_names must name {list(sizes)} units per layer, "
                f"got {[len(layer) for layer in names]}"
            )
        flat = [n for layer in names for n in layer]
        if len(set(flat)) != len(flat) or not all(isinstance(n, str) and n for n in flat):
            raise ValueError("unit names must be distinct non-empty strings")
        return names

    def _check_param_names(self, names: Mapping[str, ParamRef] | None) -> dict[str, ParamRef]:
        checked: dict[str, ParamRef] = {}
        for name, ref in (names or {}).items():
            if not isinstance(ref, ParamRef):
                raise TypeError(f"param_names[{name!r}] must be a ParamRef")
            arrays = self.weights if ref.kind == "weight" else self.biases
            if ref.kind not in ("weight", "bias") or not 0 <= ref.layer < len(arrays):
                raise ValueError(f"param_names[{name!r}] = {ref} is not in this network")
            shape = arrays[ref.layer].shape
            if len(ref.index) != len(shape) or not all(
                0 <= i < n for i, n in zip(ref.index, shape)
            ):
                raise ValueError(
                    f"param_names[{name!r}] = {ref} is outside an array of shape {shape}"
                )
            if ref in checked.values():
                raise ValueError(f"param_names[{name!r}] = {ref} is already named")
            checked[name] = ref
        return checked


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
