"""Figures the chapters share: the network diagram and the book's plot style.

:func:`draw_network` draws any small :class:`~backprop.network.Network` the way
the article's lost figure did -- inputs on the left, a bias node under each
layer that feeds the next, every edge labelled -- and can highlight the units,
weights and error terms a chapter is talking about, so that "how the error
flows back from E_total to w5" is a picture drawn from the same network the
numbers come from.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from .network import Network

__all__ = ["use_book_style", "draw_network", "COLORS"]

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


def _unit_positions(sizes: tuple[int, ...]) -> list[np.ndarray]:
    """(x, y) of every unit: one column per layer, centred vertically."""
    tallest = max(sizes)
    positions = []
    for layer, n in enumerate(sizes):
        ys = (np.arange(n)[::-1] - (n - 1) / 2) * (1.0 if tallest < 12 else 8.0 / tallest)
        positions.append(np.column_stack([np.full(n, 2.0 * layer), ys]))
    return positions


def draw_network(
    network: Network,
    ax: Axes | None = None,
    *,
    edge_labels: str | None = "names",
    highlight: Collection[str] | Mapping[str, str] = (),
    show_error: bool = False,
    unit_values: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Axes:
    """Draw ``network``: units, bias nodes, and a labelled edge per weight.

    ``edge_labels`` is ``"names"`` (w5), ``"values"`` (0.40), ``"both"``
    (w5 = 0.40) or ``None``; unnamed weights fall back to their values.
    ``highlight`` names units (``"o1"``), parameters (``"w5"``) and, with
    ``show_error``, error terms (``"E_o1"``, ``"E_total"``) to draw in colour;
    everything else is greyed when anything is highlighted.  A mapping from
    names to colours draws each highlighted edge in its own colour (two paths
    through the network, say); a plain collection uses the highlight colour.  ``unit_values``
    maps a unit name to a caption printed under it (e.g. its output).
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be a backprop.Network, got {type(network).__name__}")
    if edge_labels not in ("names", "values", "both", None):
        raise ValueError(
            f"edge_labels must be 'names', 'values', 'both' or None, got {edge_labels!r}"
        )
    colors = (
        dict(highlight)
        if isinstance(highlight, Mapping)
        else dict.fromkeys(highlight, COLORS["highlight"])
    )
    highlight = set(colors)
    known = {n for layer in network.unit_names for n in layer} | set(network.param_names)
    outputs = network.unit_names[-1]
    if show_error:
        known |= {f"E_{o}" for o in outputs} | {"E_total"}
    unknown = highlight - known
    if unknown:
        raise KeyError(
            f"cannot highlight {sorted(unknown)}: not a unit, parameter "
            "or (with show_error=True) error term of this network"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(7.2, 4.2))
    sizes = network.sizes
    pos = _unit_positions(sizes)
    dense = max(sizes) > 6
    radius = 0.28 if not dense else 0.12
    lit = (lambda name: name in highlight) if highlight else (lambda name: True)

    def edge(p, q, name, text, shift=0.5, gap=(None, None)):
        p, q = np.asarray(p, float), np.asarray(q, float)
        unit = (q - p) / np.hypot(*(q - p))
        start = p + unit * (radius if gap[0] is None else gap[0])
        end = q - unit * (radius if gap[1] is None else gap[1])
        on = lit(name) if name else not highlight
        color = (
            colors[name]
            if highlight and on and name in colors
            else (COLORS["ink"] if on else COLORS["muted"])
        )
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            zorder=1,
            arrowprops=dict(
                arrowstyle="-|>",
                color=color,
                lw=2.2 if highlight and on else 1.0,
                shrinkA=0,
                shrinkB=0,
                mutation_scale=12,
            ),
        )
        if text and not dense:
            at = start + shift * (end - start)
            ax.text(
                *at,
                text,
                fontsize=10.5,
                ha="center",
                va="center",
                color=color,
                zorder=4,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9),
            )

    def label_for(layer: int, index: tuple[int, ...], kind: str, value: float) -> str | None:
        try:
            name = network.name_of(kind, layer, index)
        except KeyError:
            name = None
        if edge_labels is None:
            return name, None
        shown = {
            "names": name or f"{value:.2f}",
            "values": f"{value:.2f}",
            "both": f"{name} = {value:.2f}" if name else f"{value:.2f}",
        }[edge_labels]
        return name, shown

    # Weights: the edge from unit k of layer l to unit j of layer l + 1.
    for l, W in enumerate(network.weights):
        for j in range(W.shape[0]):
            for k in range(W.shape[1]):
                name, text = label_for(l, (j, k), "weight", W[j, k])
                # Stagger labels so the crossing edges of a 2-2 layer stay readable.
                edge(pos[l][k], pos[l + 1][j], name, text, shift=0.5 if j == k else 0.3)

    # Biases: one node per layer below the layer it feeds, an edge to each unit.
    for l, b in enumerate(network.biases):
        bias_xy = np.array([pos[l][0, 0] + 0.9, pos[l + 1][:, 1].min() - 1.0])
        names = []
        for j in range(network.weights[l].shape[0]):
            index = (0,) if b.shape == (1,) else (j,)
            name, text = label_for(l, index, "bias", b[index])
            names.append(name)
            edge(bias_xy, pos[l + 1][j], name, None, gap=(0.2, None))
        shared = b.shape == (1,)
        name = names[0] if shared else None
        on = lit(name) if name else not highlight
        caption = (name or "b") + (
            f" = {b[0]:.2f}" if shared and edge_labels in ("values", "both") else ""
        )
        ax.add_patch(
            plt.Rectangle(
                bias_xy - 0.2,
                0.4,
                0.4,
                zorder=2,
                ec=COLORS["ink"] if on else COLORS["muted"],
                fc=COLORS["bias"] if on else "white",
            )
        )
        ax.text(bias_xy[0], bias_xy[1], "1", ha="center", va="center", fontsize=9, zorder=3)
        if not dense:
            ax.text(
                bias_xy[0] + 0.3,
                bias_xy[1],
                caption,
                ha="left",
                va="center",
                fontsize=10.5,
                color=COLORS["ink"] if on else COLORS["muted"],
            )

    # Units.
    for l, names in enumerate(network.unit_names):
        kind = "input" if l == 0 else ("output" if l == network.depth else "hidden")
        for (x, y), name in zip(pos[l], names):
            on = lit(name)
            ax.add_patch(
                plt.Circle(
                    (x, y),
                    radius,
                    zorder=2,
                    ec=COLORS["ink"] if on else COLORS["muted"],
                    fc=COLORS[kind] if on else "white",
                    lw=1.2,
                )
            )
            if not dense:
                ax.text(
                    x,
                    y,
                    name,
                    ha="center",
                    va="center",
                    fontsize=12.5,
                    zorder=3,
                    color=COLORS["ink"] if on else COLORS["muted"],
                )
            if unit_values and name in unit_values:
                ax.text(x, y - radius - 0.12, unit_values[name], ha="center", va="top", fontsize=10)

    def error_box(xy, name, text, size):
        on = lit(name)
        ax.text(
            *xy,
            text,
            ha="center",
            va="center",
            fontsize=size,
            zorder=3,
            bbox=dict(
                boxstyle="round",
                fc=COLORS["error"] if on else "white",
                ec=COLORS["ink"] if on else COLORS["muted"],
                alpha=0.35 if on else 1,
            ),
        )

    # Error terms: one per output unit, summed into E_total.
    if show_error:
        x_out = pos[-1][0, 0]
        total_xy = (x_out + 3.4, 0.0)
        for (x, y), o in zip(pos[-1], outputs):
            term_xy = (x_out + 1.7, y)
            term = f"E_{o}" if f"E_{o}" in highlight or not highlight else None
            edge((x, y), term_xy, term, None, gap=(None, 0.3))
            edge(term_xy, total_xy, term, None, gap=(0.3, 0.4))
            error_box(term_xy, f"E_{o}", f"$E_{{{o}}}$", 11)
        error_box(total_xy, "E_total", r"$E_{\mathrm{total}}$", 12)

    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    ax.autoscale_view()
    xs = [p[:, 0] for p in pos]
    ys = [p[:, 1] for p in pos]
    right = max(np.concatenate(xs)) + (3.9 if show_error else 0.5)
    ax.set_xlim(min(np.concatenate(xs)) - 0.5, right)
    ax.set_ylim(min(np.concatenate(ys)) - 1.5, max(np.concatenate(ys)) + 0.6)
    return ax
