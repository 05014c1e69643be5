"""The network diagram: every option draws, arrows point the right way, labels stay clear."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop as bp  # noqa: E402
from backprop.figures import COLORS, draw_network, network_layout, use_book_style  # noqa: E402

ARTICLE = bp.article_network()
WIDE = bp.Network.random([2, 3, 3, 2], seed=0)
IO = dict(show_io=True, inputs=bp.article_inputs(), targets=bp.article_targets())

OPTIONS = {
    "plain": {},
    "no labels": dict(edge_labels=None),
    "values": dict(edge_labels="values"),
    "both with io": dict(edge_labels="both", **IO),
    "error and highlight": dict(show_error=True, highlight={"E_total", "E_o1", "o1", "w5", "h1"}),
    "error and io": dict(show_error=True, **IO),
    "two paths": dict(
        show_error=True,
        highlight={"w1": COLORS["ink"], "w5": COLORS["highlight"], "w7": COLORS["second"]},
    ),
    "backward with gradients": dict(
        show_error=True, backward=True, edge_labels={"w5": "0.0822", "E_o1": "0.741"}
    ),
    "unit values and title": dict(unit_values={"o1": "0.751"}, title="A title"),
    "three decimals": dict(edge_labels="values", value_format=".3f"),
}


@pytest.fixture(autouse=True)
def _book_style():
    use_book_style()
    yield
    plt.close("all")


def _draw(network, figsize=(7.2, 4.5), render=False, **options):
    fig, ax = plt.subplots(figsize=figsize)
    draw_network(network, ax, **options)
    if render:  # lay the figure out, as saving it would
        fig.canvas.draw()
    return ax


def _arrows(ax):
    """(gid, tail, head) of every edge arrow, in data coordinates."""
    return [
        (a.get_gid()[5:], np.asarray(a.xyann, float), np.asarray(a.xy, float))
        for a in ax.texts
        if (a.get_gid() or "").startswith("edge ")
    ]


def _labels(ax):
    return {t.get_gid()[6:]: t for t in ax.texts if (t.get_gid() or "").startswith("label ")}


@pytest.mark.parametrize("name", OPTIONS)
def test_every_option_draws_the_article_network_cleanly(name) -> None:
    """At the chapters' size, no label of the article's network touches anything."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = _draw(ARTICLE, **OPTIONS[name])
    assert len(_arrows(ax)) == 8 + 4 + (4 if OPTIONS[name].get("show_error") else 0)


@pytest.mark.parametrize("name", OPTIONS)
def test_every_option_draws_a_deeper_wider_network(name) -> None:
    options = dict(OPTIONS[name])
    if "inputs" in options:
        options.update(inputs=[0.1, 0.2], targets=[0.0, 1.0])
    if "h1" in options.get("highlight", ()):
        options["highlight"] = {"E_total", "E_o1", "o1", "w5", "h1.1"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # crowded labels warn; drawing must still work
        ax = _draw(WIDE, figsize=(9, 6), **options)
    assert len([a for a in _arrows(ax) if a[0].startswith("w")]) == 6 + 9 + 6
    assert {"h1.1", "h2.3"} <= {t.get_text() for t in ax.texts}


def test_a_tall_network_draws_without_edge_labels() -> None:
    ax = _draw(bp.Network.random([8, 3, 8], seed=0), figsize=(6.4, 6.4), show_error=True)
    assert _labels(ax) == {}
    assert {f"o{j}" for j in range(1, 9)} <= {t.get_text() for t in ax.texts}


@pytest.mark.parametrize("backward", [False, True])
def test_backward_turns_every_arrow_towards_the_inputs(backward) -> None:
    ax = _draw(ARTICLE, show_error=True, backward=backward, edge_labels=None)
    arrows = _arrows(ax)
    assert len(arrows) == 8 + 4 + 4  # weights, bias edges, links to the error terms
    for gid, tail, head in arrows:
        assert (head[0] < tail[0]) == backward, gid


def test_backward_on_a_wider_network() -> None:
    ax = _draw(WIDE, show_error=True, backward=True, edge_labels=None)
    assert all(head[0] < tail[0] for _, tail, head in _arrows(ax))


def test_show_io_writes_inputs_and_targets() -> None:
    for show_error in (False, True):
        texts = {t.get_text() for t in _draw(ARTICLE, show_error=show_error, **IO).texts}
        assert {"i1 = 0.05", "i2 = 0.10", "t1 = 0.01", "t2 = 0.99"} <= texts


def test_show_io_needs_the_sample() -> None:
    with pytest.raises(ValueError, match="show_io=True needs .* inputs= and targets="):
        draw_network(ARTICLE, show_io=True)
    with pytest.raises(ValueError, match="show_io=True needs"):
        draw_network(ARTICLE, show_io=True, inputs=[0.05, 0.1])
    with pytest.raises(ValueError, match="one sample of 2 numbers"):
        draw_network(ARTICLE, show_io=True, inputs=[0.05, 0.1, 0.2], targets=[0.01, 0.99])
    with pytest.raises(ValueError, match="only with show_io=True"):
        draw_network(ARTICLE, inputs=[0.05, 0.1])


def test_a_mapping_labels_exactly_its_edges() -> None:
    texts = {"w5": "0.0822", "w1": "0.000439", "E_o1": "0.741"}
    labels = _labels(_draw(ARTICLE, show_error=True, edge_labels=texts))
    assert set(labels) == set(texts)
    assert {name: t.get_text() for name, t in labels.items()} == texts
    with pytest.raises(KeyError, match="edge_labels names \\['w42'\\]"):
        draw_network(ARTICLE, edge_labels={"w42": "x"})
    with pytest.raises(KeyError, match="E_o1"):
        draw_network(ARTICLE, edge_labels={"E_o1": "x"})  # no error terms drawn


def test_a_shared_bias_is_labelled_beside_its_node() -> None:
    ax = _draw(ARTICLE, edge_labels={"b1": "b1 = 0.35", "w5": "w5"})
    assert set(_labels(ax)) == {"w5"}  # the shared bias has no edge label ...
    assert "b1 = 0.35" in {t.get_text() for t in ax.texts}  # ... but a caption
    assert "b2" in {t.get_text() for t in ax.texts}  # the other keeps its name


def test_crowded_labels_give_a_warning() -> None:
    crowded = bp.Network.random([2, 2, 2, 2], seed=0)
    with pytest.warns(UserWarning, match="no clear spot for the edge labels"):
        _draw(crowded, edge_labels="both", show_error=True, **IO)


def test_labels_sit_on_their_own_edge_and_touch_no_other() -> None:
    """Each label's box holds a piece of its own edge and meets no other edge or label."""
    for mode in ("names", "values", "both"):
        ax = _draw(ARTICLE, figsize=(7.2, 4.4), render=True, edge_labels=mode, **IO)
        to_pixels = ax.transData.transform
        arrows = {gid: (to_pixels(tail), to_pixels(head)) for gid, tail, head in _arrows(ax)}
        labels = _labels(ax)
        assert set(labels) == {f"w{n}" for n in range(1, 9)}
        boxes = {name: t.get_window_extent() for name, t in labels.items()}
        for name, box in boxes.items():
            for gid, (tail, head) in arrows.items():
                assert _crosses(tail, head, box) == (gid == name), (mode, name, gid)
            for other, other_box in boxes.items():
                assert other == name or not box.overlaps(other_box), (mode, name, other)


def test_crossing_edges_carry_their_labels_away_from_the_crossing() -> None:
    layout = network_layout(ARTICLE)
    crossings = {
        names: np.mean([layout[u] for u in units.split()], axis=0)
        for names, units in ((("w2", "w3"), "i1 i2 h1 h2"), (("w6", "w7"), "h1 h2 o1 o2"))
    }
    for mode in ("names", "values", "both"):
        ax = _draw(ARTICLE, render=True, edge_labels=mode, **IO)
        labels = _labels(ax)
        for names, crossing in crossings.items():
            x, y = ax.transData.transform(crossing)
            for name in names:
                assert not labels[name].get_window_extent().padded(8).contains(x, y), (mode, name)


def test_highlight_and_errors() -> None:
    with pytest.raises(TypeError, match="not a string"):
        draw_network(ARTICLE, highlight="w5")
    with pytest.raises(KeyError, match="cannot highlight"):
        draw_network(ARTICLE, highlight={"E_o1"})  # only with show_error
    with pytest.raises(KeyError, match="unit_values"):
        draw_network(ARTICLE, unit_values={"q1": "1"})
    with pytest.raises(ValueError, match="value_format"):
        draw_network(ARTICLE, value_format="%.2f")
    with pytest.raises(TypeError, match="backprop.Network"):
        draw_network("2-2-2")


def test_highlighted_edges_are_drawn_in_their_colour() -> None:
    ax = _draw(ARTICLE, backward=True, highlight={"w5": COLORS["second"], "h1": COLORS["ink"]})
    colours = {gid: a.arrow_patch.get_edgecolor() for gid, a in _arrow_artists(ax).items()}
    assert matplotlib.colors.same_color(colours["w5"], COLORS["second"])
    assert matplotlib.colors.same_color(colours["w6"], COLORS["muted"])


def _arrow_artists(ax):
    return {a.get_gid()[5:]: a for a in ax.texts if (a.get_gid() or "").startswith("edge ")}


def test_layout_gives_every_position() -> None:
    layout = network_layout(ARTICLE, show_error=True)
    assert {"i1", "h2", "o1", "bias_1", "bias_2", "E_o1", "E_o2", "E_total"} <= set(layout)
    assert layout["h1"][0] > layout["i1"][0] and layout["h1"][1] > layout["h2"][1]
    ax = _draw(ARTICLE, show_error=True)
    patches = [p for p in ax.patches if isinstance(p, matplotlib.patches.Circle)]
    assert sorted(tuple(p.center) for p in patches) == sorted(
        layout[u] for layer in ARTICLE.unit_names for u in layer
    )


def test_fonts_are_legible_on_a_phone() -> None:
    ax = _draw(ARTICLE, show_error=True, edge_labels="names", unit_values={"h1": "0.59"}, **IO)
    assert min(t.get_fontsize() for t in ax.texts if t.get_text()) >= 10


def _crosses(p, q, box) -> bool:
    """Whether the segment p-q meets the box (sampled finely: an independent check)."""
    t = np.linspace(0, 1, 400)[:, None]
    points = p + t * (q - p)
    inside = (
        (points[:, 0] >= box.x0)
        & (points[:, 0] <= box.x1)
        & (points[:, 1] >= box.y0)
        & (points[:, 1] <= box.y1)
    )
    return bool(inside.any())
