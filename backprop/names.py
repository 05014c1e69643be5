"""Names for every network, and the one parser for keys that use them.

The article names its parameters ``w1`` ... ``w8``, ``b1``, ``b2`` and its units
``i1, i2`` (inputs), ``h1, h2`` (hidden) and ``o1, o2`` (outputs).  This module
gives *every* network names by the same scheme, so that a record of any network
can be read the way the article reads its own:

* weights are ``w1, w2, ...`` in storage order: layer by layer, and within a
  layer row by row (``weights[l][j, k]``, the weight into unit j from unit k);
* biases are ``b1, b2, ...`` in the same order (one name per stored entry, so a
  bias shared by a whole layer has one name);
* units are ``i1, i2, ...`` in the input layer, ``o1, o2, ...`` in the output
  layer, and ``h1, h2, ...`` in the hidden layer; when there are several hidden
  layers, unit j of hidden layer l is ``h<l>.<j>`` (``h2.3``).

For the article's 2-2-2 network the scheme gives exactly the article's names.
Default names are computed from a parameter's position when asked for, never
stored, so naming a network with 200,000 weights costs nothing.  Only names
given explicitly are stored, with a reverse index.

Every key the book reads a record by -- ``out_h1``, ``E_total``,
``dE_o2/dout_h1``, ``w5+``, ``E_total@10000 (simultaneous)`` -- is parsed by
:func:`parse_key`, here and nowhere else.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

__all__ = [
    "ParamRef",
    "Names",
    "Quantity",
    "Derivative",
    "Key",
    "parse_key",
    "latex_name",
    "NAME_PATTERN",
]

#: What a unit or parameter name may look like: a letter, then letters, digits
#: or dots.  No underscore, so that ``out_h1`` splits in exactly one way.
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9.]*")

#: Names no unit or parameter may take, because keys already use them.
RESERVED = frozenset({"total", "net", "out", "delta", "E", "eta"})


@dataclass(frozen=True)
class ParamRef:
    """Where a parameter lives.

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


class Names:
    """The names of one network's units and parameters.

    Built from the shapes alone (``weight_shapes[l]`` is ``(n_out, n_in)``,
    ``bias_sizes[l]`` is ``n_out`` or 1).  Without explicit names every name is
    computed on demand from the default scheme; explicit ``params`` or ``units``
    replace that scheme for the parameters or the units, and must name every one.
    """

    def __init__(
        self,
        weight_shapes: Sequence[tuple[int, int]],
        bias_sizes: Sequence[int],
        *,
        params: Mapping[str, ParamRef] | None = None,
        units: Sequence[Sequence[str]] | None = None,
    ) -> None:
        self.weight_shapes = tuple(tuple(s) for s in weight_shapes)
        self.bias_sizes = tuple(bias_sizes)
        self.sizes = (self.weight_shapes[0][1],) + tuple(s[0] for s in self.weight_shapes)
        self._w_start = (0,) + tuple(accumulate(r * c for r, c in self.weight_shapes))
        self._b_start = (0,) + tuple(accumulate(self.bias_sizes))
        self._explicit: dict[str, ParamRef] | None = None
        self._reverse: dict[ParamRef, str] | None = None
        if params is not None:
            self._explicit, self._reverse = self._check_params(params)
        self._units: tuple[tuple[str, ...], ...] | None = None
        self._unit_index: dict[str, tuple[int, int]] | None = None
        if units is not None:
            self._units, self._unit_index = self._check_units(units)

    # -- parameters -----------------------------------------------------------

    @property
    def explicit(self) -> bool:
        """Whether the parameter names were given (like the article's) or default."""
        return self._explicit is not None

    @property
    def given_params(self) -> dict[str, ParamRef] | None:
        """The explicitly given parameter names, or None for the default scheme."""
        return dict(self._explicit) if self._explicit is not None else None

    @property
    def given_units(self) -> tuple[tuple[str, ...], ...] | None:
        """The explicitly given unit names, or None for the default scheme."""
        return self._units

    @property
    def parameter_count(self) -> int:
        return self._w_start[-1] + self._b_start[-1]

    def locate(self, name: str) -> ParamRef:
        """Where the parameter called ``name`` lives (``"w5"`` -> ``W[1][0, 0]``)."""
        if not isinstance(name, str):
            raise TypeError(f"a parameter name must be a str, got {type(name).__name__}")
        if self._explicit is not None:
            ref = self._explicit.get(name)
        else:
            ref = self._default_ref(name)
        if ref is None:
            raise KeyError(f"unknown parameter name {name!r}; {self._known_params()}")
        return ref

    def name_of(self, ref: ParamRef) -> str:
        """The name of the parameter at ``ref``."""
        if self._reverse is not None:
            try:
                return self._reverse[ref]
            except KeyError:
                raise KeyError(f"no parameter at {ref}") from None
        self._check_ref(ref)
        if ref.kind == "weight":
            j, k = ref.index
            columns = self.weight_shapes[ref.layer][1]
            return f"w{self._w_start[ref.layer] + j * columns + k + 1}"
        return f"b{self._b_start[ref.layer] + ref.index[0] + 1}"

    def params(self) -> list[str]:
        """Every parameter name, weights first, in storage order."""
        if self._explicit is not None:
            return list(self._explicit)
        return [f"w{n}" for n in range(1, self._w_start[-1] + 1)] + [
            f"b{n}" for n in range(1, self._b_start[-1] + 1)
        ]

    def refs(self) -> list[ParamRef]:
        """Every parameter's position, in the order of :meth:`params`."""
        return [self.locate(name) for name in self.params()]

    def _default_ref(self, name: str) -> ParamRef | None:
        match = re.fullmatch(r"([wb])([1-9][0-9]*)", name)
        if not match:
            return None
        n = int(match.group(2)) - 1
        if match.group(1) == "w":
            if n >= self._w_start[-1]:
                return None
            layer = bisect_right(self._w_start, n) - 1
            j, k = divmod(n - self._w_start[layer], self.weight_shapes[layer][1])
            return ParamRef("weight", layer, (j, k))
        if n >= self._b_start[-1]:
            return None
        layer = bisect_right(self._b_start, n) - 1
        return ParamRef("bias", layer, (n - self._b_start[layer],))

    def _check_ref(self, ref: ParamRef) -> None:
        if not isinstance(ref, ParamRef):
            raise TypeError(f"expected a ParamRef, got {type(ref).__name__}")
        if ref.kind == "weight":
            shapes = self.weight_shapes
        elif ref.kind == "bias":
            shapes = tuple((n,) for n in self.bias_sizes)
        else:
            raise ValueError(f"{ref}: kind must be 'weight' or 'bias', got {ref.kind!r}")
        if not 0 <= ref.layer < len(shapes):
            raise ValueError(f"{ref} is not in this network: it has {len(shapes)} layer(s)")
        shape = shapes[ref.layer]
        if len(ref.index) != len(shape) or not all(0 <= i < n for i, n in zip(ref.index, shape)):
            raise ValueError(f"{ref} is outside an array of shape {shape}")

    def _known_params(self) -> str:
        if self._explicit is not None:
            return "known names: " + ", ".join(self._explicit)
        w, b = self._w_start[-1], self._b_start[-1]
        return f"this network's parameters are w1..w{w} and b1..b{b}"

    def _check_params(self, params: Mapping[str, ParamRef]):
        if not isinstance(params, Mapping):
            raise TypeError("param_names must map names to ParamRef positions")
        checked: dict[str, ParamRef] = {}
        reverse: dict[ParamRef, str] = {}
        for name, ref in params.items():
            _check_name(name, "parameter")
            if not isinstance(ref, ParamRef):
                raise TypeError(f"param_names[{name!r}] must be a ParamRef")
            self._check_ref(ref)
            if ref in reverse:
                raise ValueError(f"param_names[{name!r}] = {ref} is already named {reverse[ref]!r}")
            checked[name], reverse[ref] = ref, name
        if len(checked) != self.parameter_count:
            raise ValueError(
                f"param_names names {len(checked)} parameter(s) but the network has "
                f"{self.parameter_count}: name every one, or none (default names)"
            )
        return checked, reverse

    # -- units ----------------------------------------------------------------

    @property
    def units(self) -> tuple[tuple[str, ...], ...]:
        """Unit names per layer, input layer first."""
        if self._units is None:
            self._units, self._unit_index = self._default_units()
        return self._units

    def unit(self, name: str) -> tuple[int, int]:
        """``(layer, index)`` of the unit called ``name``; layer 0 is the input."""
        if not isinstance(name, str):
            raise TypeError(f"a unit name must be a str, got {type(name).__name__}")
        if self._unit_index is None:
            if self._units is None:
                found = self._default_unit(name)
                if found is not None:
                    return found
                raise KeyError(f"unknown unit name {name!r}; {self._known_units()}")
            self._units, self._unit_index = self._check_units(self._units)
        try:
            return self._unit_index[name]
        except KeyError:
            raise KeyError(f"unknown unit name {name!r}; {self._known_units()}") from None

    def unit_name(self, layer: int, j: int) -> str:
        """The name of unit ``j`` of ``layer`` (layer 0 is the input)."""
        if self._units is not None:
            return self._units[layer][j]
        if not (0 <= layer < len(self.sizes) and 0 <= j < self.sizes[layer]):
            raise IndexError(f"no unit {j} in layer {layer} of a network of sizes {self.sizes}")
        return _default_unit_name(len(self.sizes), layer, j)

    def _default_unit(self, name: str) -> tuple[int, int] | None:
        depth = len(self.sizes) - 1
        match = re.fullmatch(r"([iho])(?:([1-9][0-9]*)\.)?([1-9][0-9]*)", name)
        if not match:
            return None
        letter, layer_text, number = match.groups()
        j = int(number) - 1
        if letter == "i" and layer_text is None:
            layer = 0
        elif letter == "o" and layer_text is None:
            layer = depth
        elif letter == "h" and depth == 2 and layer_text is None:
            layer = 1
        elif letter == "h" and depth > 2 and layer_text is not None:
            layer = int(layer_text)
            if not 1 <= layer < depth:
                return None
        else:
            return None
        return (layer, j) if j < self.sizes[layer] else None

    def _default_units(self):
        count = len(self.sizes)
        units = tuple(
            tuple(_default_unit_name(count, layer, j) for j in range(n))
            for layer, n in enumerate(self.sizes)
        )
        return units, {n: (l, j) for l, layer in enumerate(units) for j, n in enumerate(layer)}

    def _known_units(self) -> str:
        if self._units is not None or sum(self.sizes) <= 40:
            return "known units: " + ", ".join(n for layer in self.units for n in layer)
        return f"this network's units are named by the default scheme for sizes {self.sizes}"

    def _check_units(self, units: Sequence[Sequence[str]]):
        if isinstance(units, str) or not isinstance(units, Sequence):
            raise TypeError("unit_names must be a list of lists of names, one list per layer")
        names = tuple(tuple(layer) for layer in units)
        if [len(layer) for layer in names] != list(self.sizes):
            raise ValueError(
                f"unit_names must name {list(self.sizes)} units per layer, "
                f"got {[len(layer) for layer in names]}"
            )
        index: dict[str, tuple[int, int]] = {}
        for l, layer in enumerate(names):
            for j, name in enumerate(layer):
                _check_name(name, "unit")
                if name in index:
                    raise ValueError(f"unit name {name!r} is used twice")
                index[name] = (l, j)
        return names, index


def _default_unit_name(layer_count: int, layer: int, j: int) -> str:
    if layer == 0:
        return f"i{j + 1}"
    if layer == layer_count - 1:
        return f"o{j + 1}"
    if layer_count == 3:
        return f"h{j + 1}"
    return f"h{layer}.{j + 1}"


def _check_name(name: object, what: str) -> None:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ValueError(
            f"{what} name {name!r} must be a letter followed by letters, digits or dots "
            "(no underscores or spaces), e.g. 'h1' or 'w5'"
        )
    if name in RESERVED:
        raise ValueError(
            f"{what} name {name!r} is reserved: keys such as 'E_total' and 'net_h1' use it"
        )


# -- keys -------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A quantity of the forward pass, named as the article names it.

    ``kind`` is ``"E_total"`` (the total error), ``"E"`` (one output unit's
    error term, ``E_o1``), ``"net"``, ``"out"`` or ``"delta"`` (of the unit
    ``name``), or ``"name"``: a bare name, which is a parameter (``w5``), an
    input unit (``i1``) or a given of the problem (``t1``, ``eta``).
    """

    kind: Literal["E_total", "E", "net", "out", "delta", "name"]
    name: str = ""

    def __str__(self) -> str:
        if self.kind == "E_total":
            return "E_total"
        if self.kind == "name":
            return self.name
        return f"{self.kind}_{self.name}"


@dataclass(frozen=True)
class Derivative:
    """The partial derivative of ``of`` by ``wrt``: ``dE_total/dw5``."""

    of: Quantity
    wrt: Quantity

    def __str__(self) -> str:
        return f"d{self.of}/d{self.wrt}"


@dataclass(frozen=True)
class Key:
    """A parsed key.

    ``base`` is the quantity or derivative; ``updated`` marks ``w5+`` (the
    parameter after one gradient-descent step); ``step`` the ``@10000`` of a
    training figure; ``note`` the text of a ``" (...)"`` suffix, which tells
    apart two printings of one quantity (``"out_o1 (prose)"``).
    """

    base: Quantity | Derivative
    updated: bool = False
    step: int | None = None
    note: str | None = None
    text: str = ""

    @property
    def derivative(self) -> bool:
        return isinstance(self.base, Derivative)


_NOTE = re.compile(r"^(?P<body>\S+) \((?P<note>[^()]+)\)$")
_STEP = re.compile(r"^(?P<body>.+)@(?P<step>[0-9]+)$")
_NAME = r"[A-Za-z][A-Za-z0-9.]*"
_QUANTITY = re.compile(rf"^(?:(?P<prefix>net|out|delta|E)_(?P<unit>{_NAME})|(?P<bare>{_NAME}))$")


def parse_key(key: str) -> Key:
    """Parse a key such as ``"dE_o2/dout_h1"`` or ``"E_total@10000 (English)"``.

    The grammar, in full::

        key        = body [ "@" steps ] [ " (" note ")" ]
        body       = quantity [ "+" ] | "d" quantity "/d" quantity
        quantity   = "E_total" | ("E" | "net" | "out" | "delta") "_" unit | name

    Only the shape is checked here; whether ``h1`` is a unit of a given network
    is for the code that reads the record.
    """
    if not isinstance(key, str):
        raise TypeError(f"a key is a str, got {type(key).__name__}")
    body, note, step = key, None, None
    match = _NOTE.match(body)
    if match:
        body, note = match.group("body"), match.group("note")
    match = _STEP.match(body)
    if match:
        body, step = match.group("body"), int(match.group("step"))
    updated = body.endswith("+")
    if updated:
        body = body[:-1]
    if "/" in body:
        top, _, bottom = body.partition("/")
        if updated or not (top.startswith("d") and bottom.startswith("d")) or "/" in bottom:
            raise KeyError(_bad_key(key))
        base: Quantity | Derivative = Derivative(
            _quantity(top[1:], key), _quantity(bottom[1:], key)
        )
    else:
        base = _quantity(body, key)
    return Key(base, updated, step, note, key)


def _quantity(text: str, key: str) -> Quantity:
    match = _QUANTITY.match(text)
    if not match:
        raise KeyError(_bad_key(key))
    if match.group("bare"):
        return Quantity("name", match.group("bare"))
    prefix, unit = match.group("prefix"), match.group("unit")
    if prefix == "E" and unit == "total":
        return Quantity("E_total")
    return Quantity(prefix, unit)  # type: ignore[arg-type]


def _bad_key(key: str) -> str:
    return (
        f"cannot read the key {key!r}; keys look like 'out_h1', 'net_o1', 'E_o1', "
        "'E_total', 'delta_o1', 'w5', 'dE_total/dw5', 'dout_o1/dnet_o1', "
        "'dnet_o1/dw5', 'dE_o2/dout_h1', 'w5+', 'E_total@10000'"
    )


def latex_name(name: str) -> str:
    """The book's LaTeX for a symbol name: ``w5`` -> w_{5}, ``net_h1`` -> net_{h1}."""
    if name == "eta":
        return r"\eta"
    if name == "E_total":
        return r"E_{\mathrm{total}}"
    head, _, unit = name.partition("_")
    if unit:
        if head == "E":
            return f"E_{{{unit}}}"
        if head == "delta":
            return rf"\delta_{{{unit}}}"
        return r"\mathrm{%s}_{%s}" % (head, unit)
    return f"{name[0]}_{{{name[1:]}}}" if len(name) > 1 else name
