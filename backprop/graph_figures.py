"""Drawings of computational graphs: the miniature engine's Values, laid out in layers.

:func:`draw_graph` draws a graph of :class:`~backprop.engine.Value` objects --
the one :func:`~backprop.engine.network_graph` builds for a network, or any
other -- as a layered drawing, so that what a chapter says about the graph
("w5 reaches E_total along a single path") can be read off a picture drawn
from the very objects the numbers come from.

The drawing is made in steps, one small function each:

1. **which nodes** (:func:`_select`): the whole graph, or with
   ``between=(start, end)`` only the nodes on some path from ``start`` to
   ``end`` and, greyed, the other parents of those nodes (the context their
   local derivatives depend on);
2. **layers** (:func:`_layers`): an operation sits one layer after the last of
   its drawn parents (its depth in the topological order); a leaf -- an input,
   a parameter, a target, a constant -- sits one layer before its first use;
3. **order within each layer** (:func:`_order`): sweeps of the barycentre
   heuristic, then swaps of neighbours, keeping the order with the fewest
   edge crossings;
4. **positions** (:func:`_arrange`, :func:`_straighten`): every node pulled
   towards its neighbours while its layer keeps its order and spacing, so
   chains run straight; the context of ``between`` is then put beside the
   path, one place before the node it feeds;
5. **text** (:class:`_Drawing`): operations as circles with their symbol
   (``+``, ``×``, ``σ``, ``x²``), leaves as boxes with their name, named values
   labelled beside their node, an arrow from each value to every operation
   that uses it; optionally each node's adjoint beside it and each edge's
   local derivative on it.  Each text goes to the first of a few spots where
   it touches no node, edge or other text.

Sizes are in points (nodes, text, the arrows' ends) and positions in inches at
the drawing's natural size, which ``ax=None`` gives the figure.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Collection, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from .engine import Graph, Value, topological_order
from .figures import COLORS
from .names import latex_name

__all__ = ["draw_graph", "graph_layout", "path_nodes", "op_symbol", "GraphLayout", "OP_SYMBOLS"]

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in inches

#: How each primitive operation is written in its circle.
OP_SYMBOLS = {
    "+": "+",
    "*": "×",
    "sigmoid": "σ",
    "exp": "exp",
    "log": "ln",
    "tanh": "tanh",
    "relu": "relu",
    "identity": "id",
}

# Sizes in points.
_OP_DIAMETER = 21.0  # an operation's circle (wider for a long symbol)
_BOX_PAD = 3.0  # between a leaf's name and its box
_GAP = 1.5  # between an arrow's ends and the nodes it joins
_FONT = {"op": 13, "long op": 10, "leaf": 11, "name": 11, "adjoint": 10, "local": 10}
_MARGIN = 0.12  # inches round the drawing

# Spacing in inches at the natural size: (between layers, within a layer).
_SPACING = {"right": (0.5, 0.5), "up": (0.55, 0.95)}
_ROOMY = {"right": (0.6, 0.75), "up": (0.55, 0.95)}  # with adjoints: room beside each node

# Fills of the leaves by kind (light tints of the book's Okabe-Ito colours).
_FILLS = {
    "input": "#CFE8F7",
    "param": "#FBE5BF",
    "target": "#C7EADD",
    "const": "#EEEEEE",
    "leaf": "#FFFFFF",
}
_MUTED_TEXT = "#8A8A8A"
_LABEL_BOX = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.92)


def op_symbol(op: str) -> str:
    """The symbol drawn for operation ``op``: ``"*"`` -> ``"×"``, ``"**2"`` -> ``"$x^{2}$"``."""
    if op in OP_SYMBOLS:
        return OP_SYMBOLS[op]
    if op.startswith("**"):
        return f"$x^{{{op[2:]}}}$"
    return op


# -- which nodes -------------------------------------------------------------------------


def path_nodes(graph: Graph | Value, start: str | Value, end: str | Value) -> list[Value]:
    """Every value on some path from ``start`` to ``end``, in topological order.

    A value is on such a path if it depends on ``start`` and ``end`` depends
    on it; ``start`` and ``end`` are included.  Names are looked up in
    ``graph`` (``"w5"``, ``"E_total"``).
    """
    order = topological_order(_end_of(graph))
    a, b = _resolve(a_node=start, order=order), _resolve(a_node=end, order=order)
    upstream = {id(v) for v in topological_order(b)}  # what end depends on
    reached = {id(a)}
    for v in order:
        if any(id(p) in reached for p in v.parents):
            reached.add(id(v))
    nodes = [v for v in order if id(v) in reached and id(v) in upstream]
    if not nodes:
        raise ValueError(f"no path from {_describe(a)} to {_describe(b)} in this graph")
    return nodes


def _end_of(graph: Graph | Value) -> Value:
    if isinstance(graph, Graph):
        return graph.output
    if isinstance(graph, Value):
        return graph
    raise TypeError(
        "graph must be a backprop.engine.Graph (from network_graph) or the Value at its "
        f"end, got {type(graph).__name__}"
    )


def _resolve(*, a_node: str | Value, order: Sequence[Value]) -> Value:
    """A node given by name or as a Value, checked to belong to the graph."""
    if isinstance(a_node, Value):
        if not any(v is a_node for v in order):
            raise KeyError(f"{_describe(a_node)} is not a node of this graph")
        return a_node
    if not isinstance(a_node, str):
        raise TypeError(f"a node is a name or a Value, got {type(a_node).__name__}")
    for v in order:
        if v.name == a_node:
            return v
    raise KeyError(f"no value called {a_node!r} in the graph")


def _describe(v: Value) -> str:
    return repr(v.name) if v.name else f"the {v.op or 'input'} node"


def _select(
    graph: Graph | Value, between: tuple[str | Value, str | Value] | None
) -> tuple[list[Value], set[int]]:
    """The nodes to draw, in topological order, and the ids of those drawn as context."""
    order = topological_order(_end_of(graph))
    if between is None:
        return order, set()
    if isinstance(between, str) or len(between) != 2:
        raise ValueError(f"between must be a pair (start, end) of names or Values, got {between!r}")
    path = path_nodes(graph, *between)
    on = {id(v) for v in path}
    context: set[int] = set()
    for v in path[1:]:  # the start's own parents are not needed to read the path
        context |= {id(p) for p in v.parents if id(p) not in on}
    keep = on | context
    return [v for v in order if id(v) in keep], context


# -- layout -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphLayout:
    """Where :func:`draw_graph` puts each node.

    ``nodes`` are the drawn Values in topological order; ``positions[i]``
    (inches), ``layers[i]`` and ``ranks[i]`` belong to ``nodes[i]`` (the rank
    is the place within the layer, 0 first: top with ``direction="right"``,
    left with ``"up"``); ``edges`` are (parent, child) index pairs;
    ``context`` the indices drawn as context (with ``between``).
    """

    nodes: tuple[Value, ...]
    positions: tuple[Point, ...]
    layers: tuple[int, ...]
    ranks: tuple[int, ...]
    edges: tuple[tuple[int, int], ...]
    context: frozenset[int]
    direction: str

    def index(self, node: str | Value) -> int:
        """The index in ``nodes`` of a node (a Value, or a name)."""
        for i, v in enumerate(self.nodes):
            if v is node or (isinstance(node, str) and v.name == node):
                return i
        raise KeyError(f"{node!r} is not drawn" if isinstance(node, str) else "not drawn")

    def position(self, node: str | Value) -> Point:
        """Where a node (a Value, or a name) sits, in inches."""
        return self.positions[self.index(node)]

    def crossings(self) -> int:
        """How many pairs of edges cross in the drawing."""
        parents = [[p for p, c in self.edges if c == i] for i in range(len(self.nodes))]
        return _crossings(list(self.layers), [float(r) for r in self._offsets()], parents)

    def _offsets(self) -> list[float]:
        axis = 1 if self.direction == "right" else 0
        sign = -1 if self.direction == "right" else 1
        return [sign * p[axis] for p in self.positions]


def graph_layout(
    graph: Graph | Value,
    *,
    between: tuple[str | Value, str | Value] | None = None,
    direction: str = "right",
    spacing: tuple[float, float] | None = None,
) -> GraphLayout:
    """Lay out ``graph`` in layers (see the module's description); positions in inches.

    ``spacing`` is (between layers, between neighbours in a layer) in inches;
    by default 0.5 by 0.5 for ``direction="right"``, 0.55 by 0.95 for ``"up"``.
    """
    if direction not in _SPACING:
        raise ValueError(f"direction must be 'right' or 'up', got {direction!r}")
    along, across = _SPACING[direction] if spacing is None else _check_spacing(spacing)
    nodes, context_ids = _select(graph, between)
    index = {id(v): i for i, v in enumerate(nodes)}
    edges = [(index[id(p)], i) for i, v in enumerate(nodes) for p in v.parents if id(p) in index]
    edges = list(dict.fromkeys(edges))  # x * x: one arrow
    context = frozenset(index[k] for k in context_ids)
    parents = [[p for p, c in edges if c == i] for i in range(len(nodes))]
    children = [[c for p, c in edges if p == i] for i in range(len(nodes))]
    layers = _layers(parents, children)
    offsets = _arrange(layers, parents, children, context, [v.name for v in nodes])
    ranks = _ranks(layers, offsets)
    if direction == "right":
        positions = [(along * l, -across * y) for l, y in zip(layers, offsets)]
    else:
        positions = [(across * y, along * l) for l, y in zip(layers, offsets)]
    return GraphLayout(
        nodes=tuple(nodes),
        positions=tuple((float(x), float(y)) for x, y in positions),
        layers=tuple(layers),
        ranks=tuple(ranks),
        edges=tuple(edges),
        context=context,
        direction=direction,
    )


def _check_spacing(spacing) -> tuple[float, float]:
    try:
        along, across = (float(s) for s in spacing)
    except (TypeError, ValueError):
        raise ValueError(f"spacing must be two numbers of inches, got {spacing!r}") from None
    if not (along > 0 and across > 0):
        raise ValueError(f"spacing must be positive, got {spacing!r}")
    return along, across


def _layers(parents: list[list[int]], children: list[list[int]]) -> list[int]:
    """Operations one layer after their last parent; leaves one layer before their first use.

    The nodes are in topological order, so one pass finds every depth.
    """
    depth = [0] * len(parents)
    for i, ps in enumerate(parents):
        if ps:
            depth[i] = 1 + max(depth[p] for p in ps)
    return [
        min(depth[c] for c in children[i]) - 1 if not parents[i] and children[i] else depth[i]
        for i in range(len(parents))
    ]


def _order(
    layers: list[int], parents: list[list[int]], children: list[list[int]], names: list[str]
) -> list[int]:
    """Each node's rank within its layer, chosen for few edge crossings.

    Sweeps of the barycentre heuristic move each node towards the mean place
    of its parents (forwards) or children (backwards);
    then neighbours in a layer are swapped while that removes crossings.  The
    order with the fewest crossings seen is kept; of orders with as few, the
    one whose named nodes read most nearly in the order of their names
    (``w1`` before ``w2``, ``out_h1`` before ``out_h2``).
    """
    count = max(layers) + 1

    def places(arrangement):
        pos = [0.0] * len(layers)
        for members in arrangement:
            for r, i in enumerate(members):
                pos[i] = r - (len(members) - 1) / 2
        return pos

    def score(arrangement):
        return _crossings(layers, places(arrangement), parents), _inversions(arrangement, names)

    best, best_score = None, None
    for start in _first_orders(parents):
        current: list[list[int]] = [[] for _ in range(count)]
        for i in start:
            current[layers[i]].append(i)
        for sweep in range(9):
            if sweep:
                forwards = sweep % 2 == 1
                for l in range(count) if forwards else reversed(range(count)):
                    pos = places(current)
                    first, second = (parents, children) if forwards else (children, parents)

                    def centre(i, first=first, second=second, pos=pos):
                        near = first[i] or second[i]
                        return sum(pos[j] for j in near) / len(near) if near else pos[i]

                    current[l] = sorted(current[l], key=centre)
            now = score(current)
            if best_score is None or now < best_score:
                best, best_score = [list(m) for m in current], now
    improved = True
    while improved and best_score != (0, 0):
        improved = False
        for members in best:
            for k in range(len(members) - 1):
                a, b = members[k], members[k + 1]
                members[k], members[k + 1] = b, a
                now = score(best)
                if now < best_score:
                    best_score, improved = now, True
                else:
                    members[k], members[k + 1] = a, b
    ranks = [0] * len(layers)
    for members in best:
        for r, i in enumerate(members):
            ranks[i] = r
    return ranks


def _first_orders(parents: list[list[int]]) -> list[list[int]]:
    """Orders to start the sweeps from: walks from the end, and their reverses.

    A depth-first walk from the end that visits each node's parents in the
    order the operation lists them puts ``E_o1`` before ``E_o2``; the walk
    that visits them last first, and both reversed, give the sweeps other
    places to start.
    """
    walks = []
    for first_parent_first in (True, False):
        seen: set[int] = set()
        walk: list[int] = []
        stack = [len(parents) - 1]  # the end is last in topological order
        while stack:
            i = stack.pop()
            if i in seen:
                continue
            seen.add(i)
            walk.append(i)
            stack.extend(reversed(parents[i]) if first_parent_first else parents[i])
        walk += [i for i in range(len(parents)) if i not in seen]
        walks += [walk, walk[::-1]]
    return walks + [list(range(len(parents)))]


def _inversions(arrangement: list[list[int]], names: list[str]) -> int:
    """How many pairs of like-named nodes in a layer stand against their names' order.

    Like-named: the same letters, different numbers (``w5`` and ``w7``,
    ``out_h1`` and ``out_h2``); ``w5`` and ``out_h1`` are not compared.
    """
    total = 0
    for members in arrangement:
        keys = []
        for i in members:
            stem = names[i].rstrip("0123456789")
            if stem and stem != names[i]:
                keys.append((stem, int(names[i][len(stem) :])))
        total += sum(
            a[0] == b[0] and a[1] > b[1] for k, a in enumerate(keys) for b in keys[k + 1 :]
        )
    return total


def _crossings(layers: list[int], pos: list[float], parents: list[list[int]]) -> int:
    """How many pairs of edges cross, each drawn straight from (layer, place) to (layer, place)."""
    ends = [(p, c) for c, ps in enumerate(parents) for p in ps]
    if len(ends) < 2:
        return 0
    tails = np.array([p for p, _ in ends])
    heads = np.array([c for _, c in ends])
    xy = np.column_stack([layers, pos]).astype(float)
    a, b = xy[tails], xy[heads]

    def side(p, q, r):  # the sign of the turn p -> q -> r, for every pair at once
        return np.sign(
            (q[:, None, 0] - p[:, None, 0]) * (r[None, :, 1] - p[:, None, 1])
            - (q[:, None, 1] - p[:, None, 1]) * (r[None, :, 0] - p[:, None, 0])
        )

    apart = side(a, b, a) * side(a, b, b) < 0  # [i, j]: j's ends on either side of i
    crosses = apart & apart.T
    shared = (
        (tails[:, None] == tails[None, :])
        | (tails[:, None] == heads[None, :])
        | (heads[:, None] == tails[None, :])
        | (heads[:, None] == heads[None, :])
    )
    return int(np.count_nonzero(crosses & ~shared) // 2)


def _arrange(
    layers: list[int],
    parents: list[list[int]],
    children: list[list[int]],
    context: frozenset[int],
    names: list[str],
) -> list[float]:
    """Every node's offset across the layers.

    The path (every node but the context) is ordered and straightened on its
    own, two places apart if there is context to fit in; then each context
    node is put one place before the nodes it feeds, and each layer spaced
    again.
    """
    path = [i for i in range(len(layers)) if i not in context]
    local = {i: k for k, i in enumerate(path)}
    sub_parents = [[local[p] for p in parents[i] if p in local] for i in path]
    sub_children = [[local[c] for c in children[i] if c in local] for i in path]
    sub_layers = [layers[i] for i in path]
    ranks = _order(sub_layers, sub_parents, sub_children, [names[i] for i in path])
    gap = 2.0 if context else 1.0
    sub_offsets = _straighten(sub_layers, ranks, sub_parents, sub_children, gap)
    offsets = [0.0] * len(layers)
    for i, y in zip(path, sub_offsets):
        offsets[i] = y
    if not context:
        return offsets
    for i in context:
        offsets[i] = sum(offsets[c] for c in children[i]) / len(children[i]) - 1.0
    for layer in set(layers[i] for i in context):
        members = sorted(
            (i for i in range(len(layers)) if layers[i] == layer),
            key=lambda i: (offsets[i], i not in context),
        )
        for i, y in zip(members, _spaced([offsets[i] for i in members], 1.0)):
            offsets[i] = y
    return offsets


def _ranks(layers: list[int], offsets: list[float]) -> list[int]:
    """Each node's place in its layer, counting from the lowest offset."""
    ranks = [0] * len(layers)
    for layer in set(layers):
        members = sorted(
            (i for i in range(len(layers)) if layers[i] == layer), key=offsets.__getitem__
        )
        for r, i in enumerate(members):
            ranks[i] = r
    return ranks


def _straighten(
    layers: list[int],
    ranks: list[int],
    parents: list[list[int]],
    children: list[list[int]],
    gap: float,
) -> list[float]:
    """Offsets across the layers: each node near its neighbours, order and spacing kept.

    Each layer's offsets, in turn, are the closest (least squares) to the
    means of the nodes' neighbours that keep the layer's order with at least
    ``gap`` between neighbours: isotonic regression by pooling adjacent
    violators.  The sweeps go on until nothing moves.
    """
    count = max(layers) + 1
    by_layer = [
        sorted((i for i, l in enumerate(layers) if l == k), key=ranks.__getitem__)
        for k in range(count)
    ]
    y = [gap * (ranks[i] - (len(by_layer[layers[i]]) - 1) / 2) for i in range(len(layers))]
    for sweep in range(200):  # until (almost) nothing moves
        before = list(y)
        for l in range(count) if sweep % 2 == 0 else reversed(range(count)):
            members = by_layer[l]
            wish = []
            for i in members:
                near = parents[i] + children[i]
                wish.append(sum(y[j] for j in near) / len(near) if near else y[i])
            for i, value in zip(members, _spaced(wish, gap)):
                y[i] = value
        if max(abs(a - b) for a, b in zip(y, before)) < 1e-4:
            break
    middle = (min(y) + max(y)) / 2
    return [v - middle for v in y]


def _spaced(wish: list[float], gap: float) -> list[float]:
    """The values closest to ``wish`` that grow by at least ``gap`` from each to the next."""
    blocks: list[list[float]] = []  # [mean, size] of pooled runs
    for k, w in enumerate(wish):
        blocks.append([w - gap * k, 1.0])  # then the values need only not decrease
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m1, n1 = blocks.pop()
            m2, n2 = blocks.pop()
            blocks.append([(m1 * n1 + m2 * n2) / (n1 + n2), n1 + n2])
    flat = [m for m, n in blocks for _ in range(int(n))]
    return [v + gap * k for k, v in enumerate(flat)]


# -- drawing ----------------------------------------------------------------------------


def draw_graph(
    graph: Graph | Value,
    ax: Axes | None = None,
    *,
    adjoints: bool = False,
    highlight: Collection[str | Value] = (),
    between: tuple[str | Value, str | Value] | None = None,
    edge_labels: str | None = None,
    direction: str = "right",
    spacing: tuple[float, float] | None = None,
    value_format: str = ".4g",
    title: str | None = None,
) -> Axes:
    """Draw a computational graph in layers; return the axes.

    ``graph`` is a :class:`~backprop.engine.Graph` (from
    :func:`~backprop.engine.network_graph`) or the Value at a graph's end.
    Operations are circles with their symbol (``+``, ``×`` for ``*``, ``σ``
    for the sigmoid, ``x²`` for the square), leaves are boxes (inputs blue,
    parameters orange, targets green, constants grey; the context of
    ``between`` white); a named operation's
    name is written beside its circle; each arrow runs from a value to an
    operation that uses it.  ``direction="right"`` puts the layers left to
    right, ``"up"`` bottom to top; ``spacing`` is as for :func:`graph_layout`
    (a whole graph with adjoints gets more room by default).

    ``between=(start, end)`` draws only the nodes on the paths from ``start``
    to ``end`` and, greyed, their other parents.  ``highlight`` names nodes
    (names or Values, say from :func:`path_nodes`) to draw in colour, with the
    edges between them; everything else is greyed (lines and text; leaves
    keep their fill).

    ``adjoints=True`` writes beside each node (not the constants, nor the
    context of ``between``) its ``grad``, in a blue box: run the backward
    sweep first.  ``edge_labels="local"`` writes on each edge (with
    ``between``, each edge of the paths) the local derivative of the
    operation by that parent, as "×0.5": the factor the adjoint picks up on
    its way back along the edge.  ``value_format`` formats both.

    Text artists carry gids a chapter or test can find in ``ax.texts``:
    ``"node <label>"``, ``"name <name>"``, ``"adjoint <label>"``,
    ``"local <parent> -> <child>"`` and ``"edge <parent> -> <child>"`` (the
    arrow), where a node's label is its name, or its operation and index in
    the layout if it has none.  Texts with no clear spot give a
    ``UserWarning``.  With ``ax=None`` the figure gets the drawing's natural
    size; a smaller axes crowds it (sizes are in points).
    """
    if isinstance(highlight, str):
        raise TypeError(f"highlight must be a collection of names such as {{{highlight!r}}}")
    if edge_labels not in (None, "local"):
        raise ValueError(f"edge_labels must be None or 'local', got {edge_labels!r}")
    if not isinstance(adjoints, bool):
        raise TypeError(f"adjoints must be True or False, got {adjoints!r}")
    try:
        format(0.5, value_format)
    except (TypeError, ValueError):
        raise ValueError(
            f"value_format must be a format spec such as '.4g', got {value_format!r}"
        ) from None
    created = ax is None
    if created:
        _, ax = plt.subplots()  # sized below, once the drawing is planned
    # Lay out, plan the texts, size the figure (if created here) and draw, measuring
    # the texts with this figure's renderer.
    with _measuring(ax.figure):
        if spacing is None and direction in _ROOMY and adjoints:
            along, across = _ROOMY[direction]
            if direction == "right":  # room for the widest adjoint between two layers
                widest = max(
                    _text_extent(_number(v.grad, value_format), _FONT["adjoint"], "bold")[0]
                    for v in topological_order(_end_of(graph))
                )
                along = max(along, (widest + 0.6 * _FONT["adjoint"]) / 72 + 0.2)
            spacing = (along, across)
        layout = graph_layout(graph, between=between, direction=direction, spacing=spacing)
        if adjoints and _end_of(graph).grad != 1.0:
            raise ValueError(
                "adjoints=True draws each node's grad, but the backward sweep has not run from "
                "the graph's end: call graph.backward() (or end.backward()) first"
            )
        order = topological_order(_end_of(graph))
        lit = {id(_resolve(a_node=h, order=order)) for h in highlight}
        drawing = _Drawing(layout, lit, value_format)
        drawing.plan(adjoints=adjoints, local=edge_labels == "local")
        if created:
            ax.figure.set_size_inches(drawing.natural_size(title))
        drawing.draw(ax, title)
    return ax


@dataclass
class _Text:
    """A text to write: at ``at`` (inches) moved by ``offset`` (points), and its box."""

    text: str
    at: Point
    offset: Point
    ha: str
    va: str
    box: Box
    style: dict


class _Drawing:
    """One drawing of a layout: the nodes' looks and sizes, the texts' places, the artists."""

    def __init__(self, layout: GraphLayout, lit: set[int], fmt: str) -> None:
        self.layout = layout
        self.lit = lit
        self.fmt = fmt
        self.labels = [v.name or f"{v.op or 'input'}#{i}" for i, v in enumerate(layout.nodes)]
        self.sizes = [self._size(v) for v in layout.nodes]  # half width, half height (pt)
        self.texts: list[_Text] = []
        self.crowded: list[str] = []

    # -- looks ----------------------------------------------------------------------

    @staticmethod
    def _symbol(v: Value) -> str:
        if v.parents:
            return op_symbol(v.op)
        if v.name:
            return f"${latex_name(v.name)}$"
        return _number(v.data, "g")

    def _size(self, v: Value) -> tuple[float, float]:
        if v.parents:
            symbol = self._symbol(v)
            r = max(_OP_DIAMETER, _text_extent(symbol, _op_font(symbol))[0] + 6) / 2
            return r, r
        w, h = _text_extent(self._symbol(v), _FONT["leaf"])
        return w / 2 + _BOX_PAD, max(h, 0.75 * _FONT["leaf"]) / 2 + _BOX_PAD

    @staticmethod
    def _kind(v: Value) -> str:
        if v.op == "const":
            return "const"
        return v.kind or "leaf"

    def _on(self, i: int) -> bool:
        """Drawn in full: not context, and lit if anything is highlighted."""
        if i in self.layout.context:
            return False
        return not self.lit or id(self.layout.nodes[i]) in self.lit

    def _lit(self, i: int) -> bool:
        return id(self.layout.nodes[i]) in self.lit

    def _edge_look(self, p: int, c: int) -> tuple[str, float]:
        if self._lit(p) and self._lit(c):
            return COLORS["highlight"], 2.0
        if self.lit or p in self.layout.context:
            return COLORS["muted"], 1.0
        return COLORS["ink"], 1.0

    # -- geometry (inches) ------------------------------------------------------------

    def _node_box(self, i: int) -> Box:
        x, y = self.layout.positions[i]
        hw, hh = (s / 72 for s in self.sizes[i])
        return x - hw, y - hh, x + hw, y + hh

    def _segment(self, p: int, c: int) -> tuple[np.ndarray, np.ndarray]:
        return np.array(self.layout.positions[p]), np.array(self.layout.positions[c])

    def _clear(self, box: Box, own: Collection[int] = (), own_edge=None) -> int:
        """How many nodes (other than ``own``), edges and texts ``box`` touches."""
        touches = sum(
            _overlap(box, self._node_box(i)) for i in range(len(self.layout.nodes)) if i not in own
        )
        for edge in self.layout.edges:
            if edge == own_edge:
                continue
            touches += _crosses(box, *self._segment(*edge))
        touches += sum(_overlap(box, t.box) for t in self.texts)
        return touches

    def _place(self, text, at, spots, size, style, gid, own=(), own_edge=None) -> None:
        """Write ``text`` at the first clear spot: spots are (offset pt, ha, va)."""
        w, h = _text_extent(text, size, style.get("fontweight", "normal"))
        pad = 0.3 * size if style.get("bbox") else 0.0
        best = None
        for offset, ha, va in spots:
            box = _text_box(at, offset, ha, va, w + 2 * pad, h + 2 * pad)
            touches = self._clear(box, own, own_edge)
            if best is None or touches < best[0]:
                best = (touches, offset, ha, va, box)
            if touches == 0:
                break
        touches, offset, ha, va, box = best
        if touches:
            self.crowded.append(gid)
        self.texts.append(_Text(text, at, offset, ha, va, box, dict(style, fontsize=size, gid=gid)))

    # -- planning the texts ---------------------------------------------------------

    def plan(self, *, adjoints: bool, local: bool) -> None:
        """Choose a clear spot for every name, adjoint and local derivative."""
        layout = self.layout
        up = layout.direction == "up"
        for i, v in enumerate(layout.nodes):
            if v.name and v.parents:
                spots = _spots_round(*self.sizes[i], "right" if up else "above")
                colour = COLORS["ink"] if self._on(i) else _MUTED_TEXT
                self._place(
                    f"${latex_name(v.name)}$",
                    layout.positions[i],
                    spots,
                    _FONT["name"],
                    dict(color=colour),
                    f"name {v.name}",
                    own=(i,),
                )
        if local:
            for p, c in layout.edges:
                if p in layout.context:
                    continue
                child, parent = layout.nodes[c], layout.nodes[p]
                value = sum(l for q, l in zip(child.parents, child.local) if q is parent)
                middle = tuple((np.array(layout.positions[p]) + layout.positions[c]) / 2)
                side = [((6, 0), "left", "center"), ((-6, 0), "right", "center")]
                ends = [((0, 3), "center", "bottom"), ((0, -3), "center", "top")]
                style = dict(color=COLORS["ink"], style="italic", bbox=_LABEL_BOX)
                self._place(
                    "×" + _number(value, self.fmt),
                    middle,
                    side + ends if up else ends + side,
                    _FONT["local"],
                    style,
                    f"local {self.labels[p]} -> {self.labels[c]}",
                    own=(p, c),
                    own_edge=(p, c),
                )
        if adjoints:
            names_right: dict[float, float] = {}  # by column: where the names end
            for t in self.texts:
                if t.style["gid"].startswith("name"):
                    column = round(t.at[0], 1)
                    names_right[column] = max(names_right.get(column, t.box[2]), t.box[2])
            for i, v in enumerate(layout.nodes):
                if v.op == "const" or i in layout.context:
                    continue
                x, y = layout.positions[i]
                hw, hh = self.sizes[i]
                spots = _spots_round(hw, hh + 2, "right" if up else "below")
                if up:  # first choice: a column of its own, right of the names
                    column = max(hw + 10, (names_right.get(round(x, 1), x) - x) * 72 + 10)
                    spots.insert(0, ((column, 0), "left", "center"))
                style = dict(
                    color=COLORS["second"],
                    fontweight="bold",
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=COLORS["second"], lw=0.8),
                )
                self._place(
                    _number(v.grad, self.fmt),
                    (x, y),
                    spots,
                    _FONT["adjoint"],
                    style,
                    f"adjoint {self.labels[i]}",
                    own=(i,),
                )
        if self.crowded:
            warnings.warn(
                f"draw_graph: no clear spot for {self.crowded}; draw fewer labels "
                "(between=, or without adjoints/edge_labels)",
                stacklevel=3,
            )

    def extent(self) -> Box:
        boxes = [self._node_box(i) for i in range(len(self.layout.nodes))]
        boxes += [t.box for t in self.texts]
        x0, y0 = (min(b[k] for b in boxes) - _MARGIN for k in (0, 1))
        x1, y1 = (max(b[k] for b in boxes) + _MARGIN for k in (2, 3))
        return x0, y0, x1, y1

    def natural_size(self, title: str | None) -> tuple[float, float]:
        """The figure size, in inches, rounded up to a tenth: a stable figure repr."""
        x0, y0, x1, y1 = self.extent()
        width, height = x1 - x0, y1 - y0 + (0.4 if title else 0.0)
        return math.ceil(10 * width - 1e-6) / 10, math.ceil(10 * height - 1e-6) / 10

    # -- artists ----------------------------------------------------------------------

    def draw(self, ax: Axes, title: str | None) -> None:
        for i, v in enumerate(self.layout.nodes):
            self._node(ax, i, v)
        for p, c in self.layout.edges:
            self._edge(ax, p, c)
        for t in self.texts:
            ax.annotate(
                t.text,
                t.at,
                xytext=t.offset,
                textcoords="offset points",
                ha=t.ha,
                va=t.va,
                zorder=6,
                **t.style,
            )
        x0, y0, x1, y1 = self.extent()
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.axis("off")
        if title:
            ax.set_title(title)

    def _node(self, ax: Axes, i: int, v: Value) -> None:
        x, y = self.layout.positions[i]
        on, lit = self._on(i), self._lit(i)
        edge = COLORS["highlight"] if lit else (COLORS["ink"] if on else COLORS["muted"])
        width = 2.0 if lit else 1.2
        text_colour = COLORS["ink"] if on else _MUTED_TEXT
        gid = f"node {self.labels[i]}"
        if v.parents:
            ax.plot(x, y, "o", ms=2 * self.sizes[i][0], mfc="white", mec=edge, mew=width, zorder=3)
            ax.text(
                x,
                y,
                self._symbol(v),
                ha="center",
                va="center_baseline",
                zorder=4,
                fontsize=_op_font(self._symbol(v)),
                color=text_colour,
                gid=gid,
            )
        else:
            # a leaf keeps its kind's fill when greyed by a highlight; context is white
            fill = "white" if i in self.layout.context else _FILLS[self._kind(v)]
            pad = _BOX_PAD / _FONT["leaf"]
            ax.text(
                x,
                y,
                self._symbol(v),
                ha="center",
                va="center",
                zorder=4,
                fontsize=_FONT["leaf"],
                color=text_colour,
                gid=gid,
                bbox=dict(boxstyle=f"round,pad={pad:.3f}", fc=fill, ec=edge, lw=width),
            )

    def _rim(self, i: int, direction: np.ndarray) -> float:
        """The distance in points from node ``i``'s centre to its rim along ``direction``."""
        hw, hh = self.sizes[i]
        if self.layout.nodes[i].parents:
            return hw
        dx, dy = np.abs(direction)
        return float(min(hw / dx if dx > 1e-9 else np.inf, hh / dy if dy > 1e-9 else np.inf))

    def _edge(self, ax: Axes, p: int, c: int) -> None:
        tail, head = self._segment(p, c)
        d = (head - tail) / np.hypot(*(head - tail))
        colour, width = self._edge_look(p, c)
        ax.annotate(
            "",
            xy=head,
            xytext=tail,
            zorder=2,
            arrowprops=dict(
                arrowstyle="-|>",
                color=colour,
                lw=width,
                mutation_scale=9,
                shrinkA=self._rim(p, d) + _GAP,
                shrinkB=self._rim(c, d) + _GAP,
            ),
            gid=f"edge {self.labels[p]} -> {self.labels[c]}",
        )


def _spots_round(hw: float, hh: float, first: str) -> list[tuple[Point, str, str]]:
    """Spots for a text beside a node of half size ``hw`` x ``hh`` (points), best first.

    The four sides (``first``, then its opposite, then the other two), the
    four corners, and the corners again a little farther out.
    """
    sides = {
        "above": ((0, hh + 2), "center", "bottom"),
        "below": ((0, -hh - 2), "center", "top"),
        "right": ((hw + 4, 0), "left", "center"),
        "left": ((-hw - 4, 0), "right", "center"),
    }
    opposite = {"above": "below", "below": "above", "right": "left", "left": "right"}
    rest = ["right", "left"] if first in ("above", "below") else ["above", "below"]
    spots = [sides[first], sides[opposite[first]]] + [sides[k] for k in rest]
    corners = [
        (
            (sx * 0.75 * hw, sy * 0.75 * hh),
            "left" if sx > 0 else "right",
            "bottom" if sy > 0 else "top",
        )
        for sy in (1, -1)
        for sx in (1, -1)
    ]
    far = [((1.8 * dx, 1.8 * dy), ha, va) for (dx, dy), ha, va in corners]
    return spots + corners + far


def _op_font(symbol: str) -> float:
    """A symbol of one character (or a power) large; a word (``tanh``) smaller."""
    return _FONT["op"] if len(symbol) <= 1 or symbol.startswith("$") else _FONT["long op"]


def _number(value: float, fmt: str) -> str:
    return format(value, fmt).replace("-", "\N{MINUS SIGN}")


def _text_box(at: Point, offset: Point, ha: str, va: str, w: float, h: float) -> Box:
    """The box (inches) of a text of size ``w`` x ``h`` points placed as annotate places it."""
    x = at[0] + offset[0] / 72
    y = at[1] + offset[1] / 72
    x0 = x - {"left": 0.0, "center": w / 2, "right": w}[ha] / 72
    y0 = y - {"bottom": 0.0, "center": h / 2, "center_baseline": h / 2, "top": h}[va] / 72
    return x0, y0, x0 + w / 72, y0 + h / 72


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses(box: Box, start: np.ndarray, end: np.ndarray) -> bool:
    """Whether the segment from ``start`` to ``end`` passes through ``box`` (Liang-Barsky)."""
    low, high = 0.0, 1.0
    for axis in (0, 1):
        p, d = start[axis], end[axis] - start[axis]
        if abs(d) < 1e-12:
            if not box[axis] <= p <= box[axis + 2]:
                return False
            continue
        a, b = (box[axis] - p) / d, (box[axis + 2] - p) / d
        low, high = max(low, min(a, b)), min(high, max(a, b))
    return low <= high


_MEASURED: dict[tuple, tuple[float, float]] = {}
_RENDERER: list = []  # the renderer of the figure being drawn, while it is drawn


@contextmanager
def _measuring(figure):
    """Measure text with ``figure``'s own renderer meanwhile (its math is then parsed once)."""
    get = getattr(figure.canvas, "get_renderer", None)
    _RENDERER.append(get() if get else None)
    try:
        yield
    finally:
        _RENDERER.pop()


def _text_extent(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height of ``text`` at ``size`` points, in points."""
    renderer = _RENDERER[-1] if _RENDERER else None
    key = (text, size, weight, getattr(renderer, "dpi", None))
    if key not in _MEASURED:
        prop = FontProperties(size=size, weight=weight)
        ismath = text.startswith("$") and text.endswith("$")
        if renderer is not None:
            w, h, _ = renderer.get_text_width_height_descent(text, prop, ismath=ismath)
            w, h = w * 72 / renderer.dpi, h * 72 / renderer.dpi
        else:
            w, h, _ = TextToPath().get_text_width_height_descent(text, prop, ismath=ismath)
        _MEASURED[key] = (float(w), float(max(h, 0.9 * size)))
    return _MEASURED[key]
