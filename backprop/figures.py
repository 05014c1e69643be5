"""Figures the chapters share: the network diagram and the book's plot style.

:func:`draw_network` draws any small :class:`~backprop.network.Network` the way
the article's lost figure did -- inputs on the left, a bias node under each
layer that feeds the next, every edge labelled -- and can highlight the units,
weights and error terms a chapter is talking about, so that "how the error
flows back from E_total to w5" is a picture drawn from the same network the
numbers come from.

The diagram is drawn in parts, one small function each, in this order:

1. **layout** (:func:`network_layout`): where every unit, bias node and error
   term sits;
2. **units** (:func:`_draw_units`), **bias nodes** (:func:`_draw_bias_nodes`),
   **error terms** (:func:`_draw_error_terms`) and the **inputs and targets**
   (:func:`_draw_io`);
3. **framing** (:func:`_frame`): limits that fit all of it, at equal scales;
4. **edges** (:func:`_edges`, :func:`_draw_edges`): one arrow per weight, one
   per bias entry, and the links to the error terms;
5. **edge labels** (:func:`_edge_texts`, :func:`_draw_edge_labels`,
   :func:`_find_spot`, :func:`_label_spots`): each on its own edge, where it
   touches no other edge, label or node.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text

from .network import Network

__all__ = ["use_book_style", "draw_network", "network_layout", "COLORS"]

#: Colours used across the book (colour-blind safe, from the Okabe-Ito palette).
COLORS = {
    "input": "#56B4E9",
    "hidden": "#E69F00",
    "output": "#009E73",
    "bias": "#CCCCCC",
    "error": "#D55E00",
    "highlight": "#D55E00",
    "second": "#0072B2",
    "muted": "#BBBBBB",
    "ink": "#222222",
}

#: Greyed text: lighter than the ink, darker than greyed lines, still legible.
_MUTED_TEXT = "#8A8A8A"

# Sizes in the diagram's data units (1 = the distance between two units of a layer).
_LAYER_GAP = 2.4  # between two layers
_RADIUS = 0.28  # of a unit
_BIAS_HALF = 0.2  # half the side of a bias node
_BIAS_SHIFT = 1.0  # a bias node sits this far left of the layer it feeds
_ERROR_GAP = 1.4  # from the output layer to the error terms, and on to E_total
_TARGET_ROOM = 1.2  # extra room before E_total when targets sit beside the error terms
_GAP = 0.04  # between an arrow's ends and the shapes it joins

# Font sizes in points (at least 10, for phone screens).
_FONT = {
    "unit": 13,
    "long unit": 11,
    "edge": 11,
    "bias": 10,
    "caption": 11,
    "io": 11,
    "value": 10,
    "error": 12,
    "total": 13,
}
_LABEL_BOX = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.92)
_LABEL_PAD = 0.15  # that box's padding, in font sizes
_ERROR_PAD = 0.3  # the error terms' box padding, in font sizes

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def use_book_style() -> None:
    """Matplotlib settings every chapter uses: legible on a phone, stable PNGs."""
    plt.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.size": 12,
            "axes.titlesize": 13,
            "axes.labelsize": 12,
            "legend.fontsize": 10.5,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "figure.constrained_layout.use": True,
            "svg.hashsalt": "backprop-book",
        }
    )


# -- the diagram ----------------------------------------------------------------------


def draw_network(
    network: Network,
    ax: Axes | None = None,
    *,
    edge_labels: str | Mapping[str, str] | None = "names",
    highlight: Collection[str] | Mapping[str, str] = (),
    show_error: bool = False,
    show_io: bool = False,
    inputs: Sequence[float] | None = None,
    targets: Sequence[float] | None = None,
    unit_values: Mapping[str, str] | None = None,
    backward: bool = False,
    value_format: str = ".2f",
    title: str | None = None,
) -> Axes:
    """Draw ``network``: units, bias nodes, and an arrow per weight.

    ``edge_labels`` is ``"names"`` (w5), ``"values"`` (0.40), ``"both"``
    (w5 = 0.40), ``None``, or a mapping from parameter names to text (say
    ``{"w5": "0.0822"}``): then only those edges are labelled; with
    ``show_error`` a key ``"E_o1"`` labels the link from o1 to E_o1.  A shared
    bias is labelled beside its node.  Each label sits on its own edge (a long
    one may sit just beside it), clear of other edges, labels and nodes; the
    crossing edges of a 2-2 layer carry theirs away from the crossing.  In a
    network with a layer of more than four units the string modes leave the
    weights unlabelled; a mapping is always drawn.

    ``highlight`` names units (``"o1"``), parameters (``"w5"``) and, with
    ``show_error``, error terms (``"E_o1"``, ``"E_total"``) to draw in colour;
    everything else is greyed when anything is highlighted.  A mapping from
    names to colours draws each highlighted edge in its own colour (two paths
    through the network, say); a plain collection uses the highlight colour.

    ``show_error`` adds an error term per output unit and their sum E_total.
    ``show_io`` writes ``inputs`` beside the input units ("i1 = 0.05") and
    ``targets`` beside the output units, or beside their error terms with
    ``show_error`` ("t1 = 0.01").  ``unit_values`` maps a unit name to a caption
    printed under it (its output, say).  ``backward`` turns every arrow round,
    from E_total towards the inputs: the way the error signal flows in the
    backward pass.  ``value_format`` formats every number drawn (format spec).

    Coordinates are the diagram's own, with equal scales: layer ``l`` sits at
    ``x = 2.4 l``, first unit on top, the layers centred on ``y = 0``; take
    positions for callouts from :func:`network_layout`.  The pieces carry gids
    a chapter can find in ``ax.texts``: ``"edge w5"`` (the arrow: ``xyann`` is
    its tail, ``xy`` its head), ``"label w5"``, ``"node E_o1"``.  Labels with
    no clear spot at the figure's size give a ``UserWarning`` (use a larger
    figure, shorter texts or fewer labels).  Returns the axes.
    """
    texts = _check_arguments(
        network, edge_labels, highlight, show_error, show_io, inputs, targets,
        unit_values, value_format,
    )  # fmt: skip
    layout = _layout(network, show_error=show_error, show_io=show_io)
    paint = _Paint(highlight)
    if ax is None:
        _, ax = plt.subplots(figsize=_figure_size(layout))
    # The nodes and the text beside them come first: the edges join them, and
    # the edge labels keep clear of them.
    nodes, notes = _draw_units(ax, layout, paint, unit_values or {})
    bias_nodes, captions = _draw_bias_nodes(ax, network, layout, paint, texts)
    nodes |= bias_nodes | _draw_error_terms(ax, layout, paint)
    io = _draw_io(ax, network, layout, inputs, targets, value_format) if show_io else {}
    notes += captions + list(io.values())
    scale = _frame(ax, [*nodes.values(), *notes], title)
    edges = _edges(network, layout, nodes, io, scale)
    _draw_edges(ax, edges, paint, backward=backward)
    if layout.dense and not isinstance(edge_labels, Mapping):
        texts = {}  # too many edges to label every one
    labels = _draw_edge_labels(ax, edges, texts, paint, [*nodes.values(), *notes], scale)
    _frame(ax, [*nodes.values(), *notes, *labels], title)  # room for labels at the rim
    return ax


def network_layout(
    network: Network, *, show_error: bool = False, show_io: bool = False
) -> dict[str, Point]:
    """Where :func:`draw_network` puts everything, in the diagram's coordinates.

    Keys are the unit names (``"h1"``), ``"bias_<l>"`` for the bias node that
    feeds layer ``l`` (``"bias_1"`` feeds the first hidden layer), and with
    ``show_error`` the error terms (``"E_o1"``, ``"E_total"``).  Pass the same
    ``show_error``/``show_io`` as to :func:`draw_network`.
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be a backprop.Network, got {type(network).__name__}")
    return _layout(network, show_error=show_error, show_io=show_io).positions()


# -- checking the arguments -------------------------------------------------------------


def _check_arguments(
    network, edge_labels, highlight, show_error, show_io, inputs, targets, unit_values, fmt
) -> dict[str, str]:
    """Reject what cannot be drawn, with a message that says why; return the edge texts."""
    if not isinstance(network, Network):
        raise TypeError(f"network must be a backprop.Network, got {type(network).__name__}")
    units = {n for layer in network.unit_names for n in layer}
    errors = {f"E_{o}" for o in network.unit_names[-1]} | {"E_total"} if show_error else set()
    if isinstance(highlight, str):
        raise TypeError(
            f"highlight must be a collection of names such as {{{highlight!r}}}, not a string"
        )
    unknown = set(highlight) - units - set(network.param_names) - errors
    if unknown:
        raise KeyError(
            f"cannot highlight {sorted(unknown)}: not a unit, parameter "
            "or (with show_error=True) error term of this network"
        )
    try:
        format(0.0, fmt)
    except (TypeError, ValueError):
        raise ValueError(f"value_format must be a format spec such as '.2f', got {fmt!r}") from None
    if show_io:
        if inputs is None or targets is None:
            raise ValueError(
                "show_io=True needs the sample to write: pass inputs= and targets= "
                "(e.g. inputs=bp.article_inputs(), targets=bp.article_targets())"
            )
        _check_sample(inputs, network.sizes[0], "inputs")
        _check_sample(targets, network.sizes[-1], "targets")
    elif inputs is not None or targets is not None:
        raise ValueError("inputs= and targets= are drawn only with show_io=True")
    unknown = set(unit_values or ()) - units
    if unknown:
        raise KeyError(f"unit_values names {sorted(unknown)}, which are not units of this network")
    return _edge_texts(network, edge_labels, fmt, errors - {"E_total"})


def _check_sample(values, size: int, what: str) -> None:
    """One sample of ``size`` numbers (a vector, or a batch of one)."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a sequence of numbers, got {values!r}") from None
    if array.size != size or (array.ndim > 1 and max(array.shape) != size):
        raise ValueError(
            f"{what} must hold one sample of {size} numbers for this network, "
            f"got shape {array.shape}"
        )


def _edge_texts(network: Network, edge_labels, fmt: str, error_terms: set[str]) -> dict[str, str]:
    """The text to write for each labelled parameter (or error link), by its name.

    For the string modes this is every parameter (a dense network keeps only
    the captions of its shared biases).  A shared bias's text becomes the
    caption beside its node, since its edges share it.
    """
    if edge_labels is None:
        return {}
    if isinstance(edge_labels, Mapping):
        unknown = set(edge_labels) - set(network.param_names) - error_terms
        if unknown:
            raise KeyError(
                f"edge_labels names {sorted(unknown)}: not a parameter or "
                "(with show_error=True) an error term such as 'E_o1' of this network"
            )
        return {name: str(text) for name, text in edge_labels.items()}
    if not isinstance(edge_labels, str) or edge_labels not in ("names", "values", "both"):
        raise ValueError(
            "edge_labels must be 'names', 'values', 'both', None or a mapping from "
            f"parameter names to text, got {edge_labels!r}"
        )
    texts = {}
    for name, value in network.params().items():
        number = format(value, fmt)
        texts[name] = {"names": name, "values": number, "both": f"{name} = {number}"}[edge_labels]
    return texts


# -- layout ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Where everything sits, in the diagram's data coordinates.

    Layer ``l`` sits at ``x = 2.4 l``; its units are 1.4 apart in networks of
    at most four units a layer, 1 apart up to twelve, closer beyond; first
    unit on top, centred on ``y = 0``.  The bias node that feeds layer ``l``
    sits below both layers: with one or two units a layer just left of the
    layer it feeds (steep edges, clear of the weights' labels, as in the
    article's figure), with three or four halfway between the layers, and in
    wider networks under the layer before, like one more unit of it (so that
    its edges fan out to a tall layer without running through its units).
    The error terms E_o sit right of the output units, and E_total right of
    them (farther with the targets written between), level with the middle.
    """

    units: dict[str, Point]
    kinds: dict[str, str]  # "input", "hidden" or "output"
    radius: float
    bias_nodes: dict[int, Point]  # by the layer the node feeds
    errors: dict[str, Point]
    names_fit: bool  # the unit names fit in their circles
    dense: bool  # too many edges to label them all

    def positions(self) -> dict[str, Point]:
        """Every position by name (units, ``bias_<l>``, error terms)."""
        bias = {f"bias_{l}": xy for l, xy in self.bias_nodes.items()}
        return {**self.units, **bias, **self.errors}


def _layout(network: Network, *, show_error: bool, show_io: bool) -> _Layout:
    """Compute the positions of units, bias nodes and error terms."""
    tallest = max(network.sizes)
    spacing = 1.4 if tallest <= 4 else (1.0 if tallest <= 12 else 11.0 / (tallest - 1))
    units: dict[str, Point] = {}
    kinds: dict[str, str] = {}
    for l, names in enumerate(network.unit_names):
        kind = "input" if l == 0 else ("output" if l == network.depth else "hidden")
        for j, name in enumerate(names):
            units[name] = (_LAYER_GAP * l, ((len(names) - 1) / 2 - j) * spacing)
            kinds[name] = kind
    bias_nodes = {}
    for l in range(1, network.depth + 1):
        before = [units[name][1] for name in network.unit_names[l - 1]]
        lowest = min(before + [units[name][1] for name in network.unit_names[l]])
        if tallest <= 2:  # just left of the layer it feeds: steep edges, as in the article
            bias_nodes[l] = (_LAYER_GAP * l - _BIAS_SHIFT, lowest - 1.0)
        elif tallest <= 4:  # halfway: the edges fan out clear of the units they pass
            bias_nodes[l] = (_LAYER_GAP * (l - 0.5), lowest - 1.0)
        else:  # one more unit of the layer before, under its lowest unit
            bias_nodes[l] = (_LAYER_GAP * (l - 1), min(before) - spacing)
    errors: dict[str, Point] = {}
    if show_error:
        x_terms = _LAYER_GAP * network.depth + _ERROR_GAP
        for name in network.unit_names[-1]:
            errors[f"E_{name}"] = (x_terms, units[name][1])
        x_total = x_terms + _ERROR_GAP + (_TARGET_ROOM if show_io else 0.0)
        errors["E_total"] = (x_total, float(np.mean([y for _, y in errors.values()])))
    return _Layout(
        units=units,
        kinds=kinds,
        radius=min(_RADIUS, 0.36 * spacing),
        bias_nodes=bias_nodes,
        errors=errors,
        names_fit=tallest <= 12,
        dense=tallest > 4,
    )


def _figure_size(layout: _Layout) -> tuple[float, float]:
    """A figure size for ``ax=None``: 7.2 inches wide, as tall as the diagram needs."""
    xy = np.array(list(layout.positions().values()))
    width = np.ptp(xy[:, 0]) + 1.6
    height = np.ptp(xy[:, 1]) + 1.2
    return 7.2, float(np.clip(7.2 * height / width, 2.8, 9.0))


# -- extents: what is drawn, and the room it takes ----------------------------------------


@dataclass(frozen=True)
class _Extent:
    """Something drawn: a point in data coordinates and the box round it.

    The box is given partly in data units (a unit's radius) and partly in
    pixels (a text's size), since text keeps its size in pixels when the
    limits change: :meth:`box` needs the scale, data units per pixel.
    """

    at: Point
    data: Box = (0.0, 0.0, 0.0, 0.0)  # offsets from ``at``, in data units
    pixels: Box = (0.0, 0.0, 0.0, 0.0)  # offsets from ``at``, in pixels
    round: bool = False  # a circle of radius ``data[2]``

    def box(self, scale: float) -> Box:
        x, y = self.at
        return tuple(c + d + p * scale for c, d, p in zip((x, y, x, y), self.data, self.pixels))  # type: ignore[return-value]


def _measure(ax: Axes, artist: Text, at: Point, pad: float = 0.0) -> _Extent:
    """The pixel box of a text artist round the data point ``at`` (``pad`` in points)."""
    box = artist.get_window_extent()
    x, y = ax.transData.transform(at)
    pad = pad * ax.figure.dpi / 72
    return _Extent(
        at, pixels=(box.x0 - x - pad, box.y0 - y - pad, box.x1 - x + pad, box.y1 - y + pad)
    )


class _Paint:
    """The colours that follow from ``highlight``: lit names in colour, the rest greyed."""

    def __init__(self, highlight: Collection[str] | Mapping[str, str]) -> None:
        self.colors = (
            dict(highlight)
            if isinstance(highlight, Mapping)
            else dict.fromkeys(highlight, COLORS["highlight"])
        )

    def lit(self, name: str | None) -> bool:
        """Whether ``name`` is drawn in full (everything is, when nothing is highlighted)."""
        return not self.colors or name in self.colors

    def edge(self, key: str | None) -> tuple[str, float]:
        """Colour and width of an edge: its highlight colour, ink, or grey."""
        if not self.colors:
            return COLORS["ink"], 1.0
        if key in self.colors:
            return self.colors[key], 2.2
        return COLORS["muted"], 1.0


# -- nodes -------------------------------------------------------------------------------


def _draw_units(
    ax: Axes, layout: _Layout, paint: _Paint, unit_values: Mapping[str, str]
) -> tuple[dict[str, _Extent], list[_Extent]]:
    """A circle per unit, coloured by layer, its name inside and its caption under it."""
    r = layout.radius
    nodes, notes = {}, []
    for name, (x, y) in layout.units.items():
        on = paint.lit(name)
        fill = COLORS[layout.kinds[name]] if on else "white"
        ax.add_patch(plt.Circle((x, y), r, zorder=2, ec=_line_colour(on), fc=fill, lw=1.2))
        nodes[name] = _Extent((x, y), data=(-r, -r, r, r), round=True)
        if layout.names_fit:
            size = _FONT["unit"] if len(name) <= 2 else _FONT["long unit"]
            _write(ax, name, (x, y), fontsize=size, color=_text_colour(on))
        if name in unit_values:
            pad = _LABEL_PAD * _FONT["value"]
            caption = _write(ax, unit_values[name], (x, y - r), (0, -3), pad=pad, va="top",
                             fontsize=_FONT["value"], bbox=_LABEL_BOX, zorder=4)  # fmt: skip
            notes.append(caption)
    return nodes, notes


def _draw_bias_nodes(
    ax: Axes, network: Network, layout: _Layout, paint: _Paint, texts: Mapping[str, str]
) -> tuple[dict[str, _Extent], list[_Extent]]:
    """A square "1" for each layer's biases; a shared bias's name (or text) beside it."""
    half = _BIAS_HALF
    nodes, captions = {}, []
    for l, (x, y) in layout.bias_nodes.items():
        b = network.biases[l - 1]
        names = [network.name_of("bias", l - 1, (j,)) for j in range(b.shape[0])]
        on = any(paint.lit(name) for name in names)
        fill = COLORS["bias"] if on else "white"
        square = plt.Rectangle((x - half, y - half), 2 * half, 2 * half, zorder=2, fc=fill,
                               ec=_line_colour(on))  # fmt: skip
        ax.add_patch(square)
        _write(ax, "1", (x, y), fontsize=_FONT["bias"], color=_text_colour(on))
        nodes[f"bias_{l}"] = _Extent((x, y), data=(-half, -half, half, half))
        if b.shape == (1,) and layout.names_fit:
            caption = texts.get(names[0], names[0])
            captions.append(_write(ax, caption, (x + half, y), (5, 0), ha="left",
                                   fontsize=_FONT["caption"], color=_text_colour(on)))  # fmt: skip
    return nodes, captions


def _draw_error_terms(ax: Axes, layout: _Layout, paint: _Paint) -> dict[str, _Extent]:
    """A box per error term E_o and one for their sum E_total."""
    nodes = {}
    for name, (x, y) in layout.errors.items():
        on = paint.lit(name)
        total = name == "E_total"
        tex = r"$E_{\mathrm{total}}$" if total else f"$E_{{{name[2:]}}}$"
        size = _FONT["total"] if total else _FONT["error"]
        box = dict(boxstyle=f"round,pad={_ERROR_PAD}", fc=COLORS["error"] if on else "white",
                   ec=_line_colour(on), alpha=0.35 if on else 1)  # fmt: skip
        nodes[name] = _write(ax, tex, (x, y), pad=_ERROR_PAD * size, fontsize=size, bbox=box,
                             color=_text_colour(on), gid=f"node {name}")  # fmt: skip
    return nodes


def _draw_io(
    ax: Axes, network: Network, layout: _Layout, inputs, targets, fmt: str
) -> dict[str, _Extent]:
    """Write "i1 = 0.05" left of each input unit and "t1 = 0.01" right of each output
    unit (right of its error term when the error terms are drawn)."""
    r = layout.radius
    notes = {}
    for name, value in zip(network.unit_names[0], np.ravel(inputs)):
        x, y = layout.units[name]
        text = f"{name} = {format(float(value), fmt)}"
        notes[name] = _write(ax, text, (x - r, y), (-5, 0), ha="right", fontsize=_FONT["io"])
    for j, (name, value) in enumerate(zip(network.unit_names[-1], np.ravel(targets))):
        text = f"t{j + 1} = {format(float(value), fmt)}"
        if layout.errors:  # beside the error term's box, whatever its width
            term = next(t for t in ax.texts if t.get_gid() == f"node E_{name}")
            offset = (_ERROR_PAD * _FONT["error"] + 5, 0)
            notes[name] = _write(ax, text, layout.errors[f"E_{name}"], offset, ha="left",
                                 fontsize=_FONT["io"], anchor=term)  # fmt: skip
        else:
            x, y = layout.units[name]
            notes[name] = _write(ax, text, (x + r, y), (5, 0), ha="left", fontsize=_FONT["io"])
    return notes


def _write(
    ax: Axes,
    text: str,
    at: Point,
    offset: tuple[float, float] = (0, 0),
    *,
    pad: float = 0.0,
    anchor: Text | None = None,
    **style,
) -> _Extent:
    """Write ``text`` ``offset`` points from the data point ``at`` (or, with ``anchor``,
    from the right edge of that text, which sits at ``at``); return the room it takes
    (``pad`` points more on each side)."""
    style = dict(ha="center", va="center", color=COLORS["ink"], zorder=3) | style
    where = dict(xy=(1, 0.5), xycoords=anchor) if anchor is not None else dict(xy=at)
    artist = ax.annotate(text, **where, xytext=offset, textcoords="offset points",
                         annotation_clip=False, **style)  # fmt: skip
    return _measure(ax, artist, at, pad)


def _line_colour(on: bool) -> str:
    """Outlines: ink, or grey when something else is highlighted."""
    return COLORS["ink"] if on else COLORS["muted"]


def _text_colour(on: bool) -> str:
    """Text: ink, or a grey still legible on white."""
    return COLORS["ink"] if on else _MUTED_TEXT


# -- framing ---------------------------------------------------------------------------


def _frame(ax: Axes, extents: Sequence[_Extent], title: str | None) -> float:
    """Equal scales, no axes, limits that fit every extent; return data units per pixel.

    Text keeps its size in pixels, so the limits and the scale depend on each
    other: a few rounds of "fit the boxes, recompute the scale" settle them.
    """
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    width, height = _axes_pixels(ax)
    scale = new = 0.0
    for _ in range(10):
        boxes = np.array([e.box(scale) for e in extents])
        margin = 0.08 + 4 * scale
        x0, y0 = boxes[:, :2].min(axis=0) - margin
        x1, y1 = boxes[:, 2:].max(axis=0) + margin
        new = max((x1 - x0) / width, (y1 - y0) / height)
        if abs(new - scale) <= 1e-4 * new:
            break
        scale = new
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return new


def _axes_pixels(ax: Axes) -> tuple[float, float]:
    """The axes' width and height in pixels, as the figure will lay it out.

    Under the book's constrained layout a lone diagram fills the figure, less
    the layout's padding and the title; otherwise the axes keeps its place.
    """
    figure = ax.figure
    engine = figure.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine) and len(figure.axes) == 1:
        pads = engine.get()
        width = figure.bbox.width - 2 * pads["w_pad"] * figure.dpi
        height = figure.bbox.height - 2 * pads["h_pad"] * figure.dpi
        if ax.get_title():
            height -= ax.title.get_window_extent().height
            height -= plt.rcParams["axes.titlepad"] * figure.dpi / 72
        return width, height
    place = ax.get_position(original=True)
    return place.width * figure.bbox.width, place.height * figure.bbox.height


# -- edges -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edge:
    """One arrow, from ``tail`` (nearer the inputs) to ``head`` (nearer the error).

    ``key`` names what it stands for (a parameter, or an error term for the
    links to the error), which sets its colour; ``label`` is the key of the
    text written on it, if any; ``gid`` identifies the arrow in the figure.
    """

    key: str | None
    label: str | None
    tail: np.ndarray
    head: np.ndarray
    gid: str
    kind: str = "weight"  # or "bias", "error"


def _edges(
    network: Network,
    layout: _Layout,
    nodes: Mapping[str, _Extent],
    io: Mapping[str, _Extent],
    scale: float,
) -> list[_Edge]:
    """One edge per weight, one per bias entry (a shared bias: one per unit it feeds),
    and with the error terms o -> E_o -> E_total; each trimmed to the shapes it joins."""
    names = network.unit_names
    edges = []
    for l, W in enumerate(network.weights):
        for j in range(W.shape[0]):
            for k in range(W.shape[1]):
                name = network.name_of("weight", l, (j, k))
                ends = _join(nodes[names[l][k]], nodes[names[l + 1][j]], scale)
                edges.append(_Edge(name, name, *ends, gid=name))
    for l, b in enumerate(network.biases):
        shared = b.shape == (1,)
        for j, unit in enumerate(names[l + 1]):
            name = network.name_of("bias", l, (0,) if shared else (j,))
            ends = _join(nodes[f"bias_{l + 1}"], nodes[unit], scale)
            edges.append(
                _Edge(name, None if shared else name, *ends, gid=f"{name}>{unit}", kind="bias")
            )
    if layout.errors:
        for unit in names[-1]:
            term = f"E_{unit}"
            ends = _join(nodes[unit], nodes[term], scale)
            edges.append(_Edge(term, term, *ends, gid=f"{unit}>{term}", kind="error"))
            source = nodes[term].box(scale)
            if unit in io:  # the target is written right of the term: leave after it
                written = io[unit].box(scale)
                source = (
                    *np.minimum(source[:2], written[:2]),
                    *np.maximum(source[2:], written[2:]),
                )
            ends = _join(nodes[term], nodes["E_total"], scale, tail_box=source)
            edges.append(_Edge(term, None, *ends, gid=f"{term}>E_total", kind="error"))
    return edges


def _join(
    a: _Extent, b: _Extent, scale: float, tail_box: Box | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The ends of a straight edge from the centre of ``a`` to the centre of ``b``,
    trimmed where it leaves ``a`` (or ``tail_box``) and enters ``b``."""
    p, q = np.asarray(a.at, float), np.asarray(b.at, float)
    return _leave(p, q, a, scale, tail_box), _leave(q, p, b, scale)


def _leave(p: np.ndarray, q: np.ndarray, shape: _Extent, scale: float, box: Box | None = None):
    """Where the segment from ``p`` (inside ``shape``) to ``q`` leaves it, plus a gap."""
    d = q - p
    length = np.hypot(*d)
    if shape.round and box is None:
        t = shape.data[2] / length
    else:
        x0, y0, x1, y1 = box if box is not None else shape.box(scale)
        exits = [
            (edge - start) / step
            for start, step, low, high in ((p[0], d[0], x0, x1), (p[1], d[1], y0, y1))
            if step
            for edge in ((high,) if step > 0 else (low,))
        ]
        t = min(exits)
    return p + (t + _GAP / length) * d


def _draw_edges(ax: Axes, edges: Sequence[_Edge], paint: _Paint, *, backward: bool) -> None:
    """An arrow per edge, pointing towards the error (or, ``backward``, away from it)."""
    for edge in edges:
        color, width = paint.edge(edge.key)
        start, end = (edge.head, edge.tail) if backward else (edge.tail, edge.head)
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            zorder=1,
            gid=f"edge {edge.gid}",
            arrowprops=dict(
                arrowstyle="-|>",
                color=color,
                lw=width,
                shrinkA=0,
                shrinkB=0,
                mutation_scale=12 if width < 2 else 15,
            ),
        )


# -- edge labels -------------------------------------------------------------------------


def _draw_edge_labels(
    ax: Axes,
    edges: Sequence[_Edge],
    texts: Mapping[str, str],
    paint: _Paint,
    obstacles: Sequence[_Extent],
    scale: float,
) -> list[_Extent]:
    """Write each label on its own edge, where it touches no other edge, label or node.

    Level edges are labelled first, then slanted ones, each at the spot
    :func:`_find_spot` picks; a warning names the labels without a clear spot.
    """
    nodes = np.array([o.box(scale) for o in obstacles]).reshape(-1, 4)
    placed, written, crowded = [], np.empty((0, 4)), []
    for edge in sorted(edges, key=_label_order):
        if edge.label not in texts:
            continue
        color, _ = paint.edge(edge.key)
        color = _MUTED_TEXT if color == COLORS["muted"] else color
        artist = ax.text(0, 0, texts[edge.label], ha="center", va="center", color=color,
                         fontsize=_FONT["edge"], zorder=4, bbox=_LABEL_BOX,
                         gid=f"label {edge.label}")  # fmt: skip
        x0, y0, x1, y1 = _measure(ax, artist, (0.0, 0.0), _LABEL_PAD * _FONT["edge"]).box(scale)
        half = np.array([(x1 - x0) / 2, (y1 - y0) / 2])
        at, clear = _find_spot(edge, half, edges, nodes, written, scale)
        if not clear:
            crowded.append(edge.label)
        artist.set_position(at)
        written = np.vstack([written, np.concatenate([at - half, at + half])])
        placed.append(_Extent((float(at[0]), float(at[1])), data=(*-half, *half)))
    if crowded:
        warnings.warn(
            f"draw_network: no clear spot for the edge labels {crowded} at this size (they "
            "touch or crowd other edges, labels or nodes); use a larger figure, shorter "
            "texts or fewer labels",
            stacklevel=3,
        )
    return placed


def _find_spot(
    edge: _Edge,
    half: np.ndarray,
    edges: Sequence[_Edge],
    nodes: np.ndarray,
    written: np.ndarray,
    scale: float,
) -> tuple[np.ndarray, bool]:
    """Where the label (half its size: ``half``) of ``edge`` goes, and whether that is clear.

    The spots of :func:`_label_spots` are tried in turn; the first where the
    label, with a little clearance, touches no other edge, no arrowhead, no
    node (``nodes``: boxes of units and text) and no label already written
    (kept farther apart, so that each reads alone) wins.  So the two crossing
    edges of a 2-2 layer carry their labels on either side of the crossing,
    never on it.  If none is clear, the spot where the label touches least,
    as far from other edges as it can, and ``False``.
    """
    clearance = 3 * scale
    spacing = np.array([-20, -8, 20, 8]) * scale
    others = [(e.tail, e.head) for e in edges if e is not edge]
    starts, steps = _segments(others + _arrow_ends(edge, scale))
    own = _segments([(edge.tail, edge.head)])
    best = None
    for at, beside in _label_spots(edge, half + clearance, scale):
        box = np.concatenate([at - half, at + half])
        loose = box + np.array([-1, -1, 1, 1]) * clearance
        clashes = 10 * _overlaps(nodes, loose) + 10 * _overlaps(written, loose + spacing)
        clashes += _crossings(starts, steps, loose)
        # Beside its edge, a label must sit clearly nearer to it than to any other.
        nearest = _distance(at, starts[: len(others)], steps[: len(others)])
        misread = beside and nearest < _distance(at, *own) + 20 * scale
        if clashes == 0 and not misread:
            return at, True
        touches = 10 * _overlaps(nodes, box) + 10 * _overlaps(written, box)
        touches += _crossings(starts, steps, box)
        score = (touches, misread, clashes, -nearest)
        if best is None or score < best[0]:
            best = (score, at)
    (touches, misread, _, _), at = best
    return at, not (touches or misread)


def _segments(lines) -> tuple[np.ndarray, np.ndarray]:
    """Segments as arrays of starts and steps (end minus start), one a row."""
    starts = np.array([p for p, _ in lines], float).reshape(-1, 2)
    return starts, np.array([q for _, q in lines], float).reshape(-1, 2) - starts


def _overlaps(boxes: np.ndarray, box: np.ndarray) -> int:
    """How many of ``boxes`` (one a row: x0, y0, x1, y1) overlap ``box``."""
    return int(
        np.count_nonzero(
            (boxes[:, 0] < box[2])
            & (box[0] < boxes[:, 2])
            & (boxes[:, 1] < box[3])
            & (box[1] < boxes[:, 3])
        )
    )


def _crossings(starts: np.ndarray, steps: np.ndarray, box: np.ndarray) -> int:
    """How many segments ``start + t step`` (0 <= t <= 1) pass through ``box``.

    Liang-Barsky: along each axis the segment is inside the box for an
    interval of t; it meets the box if the intervals of both axes overlap.
    """
    low, high = np.zeros(len(starts)), np.ones(len(starts))
    meets = np.ones(len(starts), bool)
    for axis in (0, 1):
        p, d = starts[:, axis], steps[:, axis]
        flat = d == 0
        meets &= ~flat | ((box[axis] <= p) & (p <= box[axis + 2]))
        with np.errstate(divide="ignore", invalid="ignore"):
            a, b = (box[axis] - p) / d, (box[axis + 2] - p) / d
        low = np.where(flat, low, np.maximum(low, np.minimum(a, b)))
        high = np.where(flat, high, np.minimum(high, np.maximum(a, b)))
    return int(np.count_nonzero(meets & (low <= high)))


def _distance(point: np.ndarray, starts: np.ndarray, steps: np.ndarray) -> float:
    """The distance from ``point`` to the nearest segment ``start + t step``."""
    t = np.einsum("ij,ij->i", point - starts, steps) / np.einsum("ij,ij->i", steps, steps)
    nearest = starts + np.clip(t, 0, 1)[:, None] * steps
    return float(np.min(np.hypot(*(nearest - point).T)))


def _label_order(edge: _Edge) -> int:
    """Level edges take their (obvious) spots first, then slanted weights, then the rest."""
    if abs(edge.head[1] - edge.tail[1]) < 1e-9:
        return 0
    return 1 if edge.kind == "weight" else 2


def _label_spots(edge: _Edge, half: np.ndarray, scale: float):
    """Where to try an edge's label, best first: ``(centre, beside)`` pairs.

    On the edge itself: the middle of a level edge, near the upper end of a
    slanted weight's edge (farthest from the edges it crosses), near the unit
    a bias edge feeds (where the edges from one bias node have parted).  Then
    beside a level or steep edge, just clear of it (room for a long text such
    as a gradient), where the label must sit clearly nearer to its own edge
    than to any other, so that it cannot be read as theirs.
    """
    tail, head = edge.tail, edge.head
    dx, dy = np.abs(head - tail)
    if edge.kind == "bias":  # near the unit it feeds, where the edges from one node part
        along = (0.8, 0.75, 0.85, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25)
    elif dy < 1e-9 or edge.kind != "weight":
        along = (0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7, 0.25, 0.75, 0.2, 0.8, 0.15, 0.85)
    else:
        from_top = (0.25, 0.3, 0.2, 0.35, 0.15) + tuple(np.arange(0.4, 0.89, 0.04))
        along = from_top if head[1] < tail[1] else tuple(1 - u for u in from_top)
    for t in along:
        yield tail + t * (head - tail), False
    # Beside a level edge (above, below) or a steep one (left, right), just clear.
    gap = 3 * scale
    if dy <= 0.25 * dx:
        shift = np.array([0.0, half[1] + half[0] * dy / dx + gap])
    elif dx <= 0.25 * dy:
        shift = np.array([half[0] + half[1] * dx / dy + gap, 0.0])
    else:
        return
    for t in (0.5, 0.4, 0.6, 0.3, 0.7):
        for side in (1, -1):
            yield tail + t * (head - tail) + side * shift, True


def _arrow_ends(edge: _Edge, scale: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """The last 9 pixels at each end of an edge, where an arrowhead may sit."""
    d = edge.head - edge.tail
    step = d / np.hypot(*d) * 9 * scale
    return [(edge.tail, edge.tail + step), (edge.head - step, edge.head)]
