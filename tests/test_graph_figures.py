"""The graph drawing: every node and edge drawn once, layers in order, labels clear and true."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop as bp  # noqa: E402
from backprop.engine import Value, network_graph, topological_order  # noqa: E402
from backprop.figures import COLORS, use_book_style  # noqa: E402
from backprop.graph_figures import (  # noqa: E402
    draw_graph,
    graph_layout,
    op_symbol,
    path_nodes,
)


def _article():
    return network_graph(bp.article_network(), bp.article_inputs(), bp.article_targets())


def _deeper():
    net = bp.Network.random([3, 3, 2, 2], seed=4, activations=["tanh", "relu", "sigmoid"])
    return network_graph(net, [0.2, -0.4, 0.9], [0.1, 0.8])


@pytest.fixture(autouse=True)
def _book_style():
    use_book_style()
    yield
    plt.close("all")


def _gids(ax, prefix):
    return [
        t.get_gid()[len(prefix) + 1 :]
        for t in ax.texts
        if (t.get_gid() or "").startswith(prefix + " ")
    ]


def _drawn(ax):
    """Draw the figure, as saving it would, and turn warnings into errors meanwhile."""
    ax.figure.canvas.draw()
    return ax


def test_the_whole_article_graph_draws_every_node_and_edge_once() -> None:
    graph = _article()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = _drawn(draw_graph(graph))
    nodes = graph.nodes
    assert len(_gids(ax, "node")) == len(nodes) == 47
    assert len(_gids(ax, "edge")) == sum(len(v.parents) for v in nodes) == 52
    named_ops = {v.name for v in nodes if v.name and v.parents}
    assert set(_gids(ax, "name")) == named_ops
    assert {"net_o1", "out_h1", "E_o1", "E_total"} <= named_ops


def test_the_operations_are_drawn_with_their_symbols() -> None:
    graph = _article()
    ax = draw_graph(graph)
    texts = [t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("node ")]
    symbols = {"+": "+", "*": "×", "sigmoid": "σ", "**2": "$x^{2}$"}
    for op, symbol in symbols.items():
        assert texts.count(symbol) == graph.count()[op]
    assert texts.count("$w_{5}$") == 1 and texts.count("0.5") == 2 and texts.count("−1") == 2
    assert op_symbol("*") == "×" and op_symbol("sigmoid") == "σ" and op_symbol("**3") == "$x^{3}$"
    assert op_symbol("softplus") == "softplus"  # an unknown operation keeps its name


@pytest.mark.parametrize("direction", ["right", "up"])
def test_every_edge_runs_forwards_through_the_layers(direction) -> None:
    for graph in (_article(), _deeper()):
        layout = graph_layout(graph, direction=direction)
        axis = 0 if direction == "right" else 1
        for p, c in layout.edges:
            assert layout.layers[p] < layout.layers[c]
            assert layout.positions[p][axis] < layout.positions[c][axis]
        # an operation sits right after its last parent; a leaf right before its first use
        for i in range(len(layout.nodes)):
            parents = [p for p, c in layout.edges if c == i]
            children = [c for p, c in layout.edges if p == i]
            if parents:
                assert layout.layers[i] == 1 + max(layout.layers[p] for p in parents)
            elif children:
                assert layout.layers[i] == min(layout.layers[c] for c in children) - 1


def test_nodes_of_a_layer_keep_their_order_and_distance() -> None:
    layout = graph_layout(_deeper())
    for layer in set(layout.layers):
        members = sorted(
            (i for i, l in enumerate(layout.layers) if l == layer), key=layout.ranks.__getitem__
        )
        ys = [layout.positions[i][1] for i in members]
        assert all(a - b >= 0.5 - 1e-9 for a, b in zip(ys, ys[1:]))  # top to bottom, spaced


def test_the_layout_has_few_crossings_and_reads_in_name_order() -> None:
    layout = graph_layout(_article())
    assert layout.crossings() <= 8
    top = {name: layout.position(name)[1] for name in ("w1", "w2", "w3", "w4", "net_h1", "net_h2")}
    assert top["w1"] > top["w2"] > top["w3"] > top["w4"] and top["net_h1"] > top["net_h2"]


def test_path_nodes_from_w5_is_the_single_chain_to_the_error() -> None:
    graph = _article()
    path = path_nodes(graph, "w5", "E_total")
    assert path[0] is graph["w5"] and path[-1] is graph["E_total"]
    assert [v.op for v in path[1:]] == ["*", "+", "+", "sigmoid", "*", "+", "**2", "*", "+"]
    assert {"net_o1", "out_o1", "E_o1"} <= {v.name for v in path}
    two = path_nodes(graph, "out_h1", "E_total")  # through o1 and through o2
    assert {"net_o1", "net_o2", "E_o1", "E_o2"} <= {v.name for v in two}
    with pytest.raises(ValueError, match="no path from 'w5' to 'net_h1'"):
        path_nodes(graph, "w5", "net_h1")


def test_between_draws_the_path_and_its_context() -> None:
    graph = _article()
    layout = graph_layout(graph, between=("w5", "E_total"), direction="up")
    path = path_nodes(graph, "w5", "E_total")
    context = {layout.nodes[i].name or layout.nodes[i].op for i in layout.context}
    assert len(layout.nodes) == len(path) + len(layout.context)
    assert context == {"out_h1", "b2", "*", "const", "t1", "E_o2"}
    xs = {round(layout.position(v)[0], 6) for v in path}
    assert len(xs) == 1  # the path runs straight up
    x = xs.pop()
    assert all(layout.positions[i][0] < x for i in layout.context)  # with its context left


def test_adjoints_and_local_derivatives_are_the_engines_numbers() -> None:
    graph = _article()
    graph.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = _drawn(
            draw_graph(
                graph,
                between=("w5", "E_total"),
                direction="up",
                adjoints=True,
                edge_labels="local",
                value_format=".6f",
            )
        )
    texts = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    assert texts["adjoint w5"] == f"{graph['w5'].grad:.6f}"
    assert texts["adjoint net_o1"] == f"{graph['net_o1'].grad:.6f}"
    assert texts["adjoint E_total"] == "1.000000"
    sigmoid_edge = texts["local net_o1 -> out_o1"]
    assert sigmoid_edge == "×" + f"{graph['out_o1'].local[0]:.6f}"
    # the adjoint below is the adjoint above times the local derivative between
    path = path_nodes(graph, "w5", "E_total")
    for below, above in zip(path, path[1:]):
        local = above.local[[p is below for p in above.parents].index(True)]
        assert below.grad == pytest.approx(local * above.grad, rel=1e-15)
    # only the path's nodes get adjoints, and no constant
    assert len(_gids(ax, "adjoint")) == len(path)
    assert len(_gids(ax, "local")) == len(path) - 1


CLEAR = {
    "whole": {},
    "paths from w1, with adjoints": dict(between=("w1", "E_total"), adjoints=True),
    "one path, upwards, with every number": dict(
        adjoints=True, edge_labels="local", direction="up"
    ),
}


@pytest.mark.parametrize(("make", "last_weight"), [(_article, "w5"), (_deeper, "w16")])
@pytest.mark.parametrize("options", CLEAR)
def test_labels_touch_no_node_edge_or_other_label(make, last_weight, options) -> None:
    graph = make()
    graph.backward()
    chosen = dict(CLEAR[options])
    if options.startswith("one path"):
        assert len(path_nodes(graph, last_weight, "E_total")) == 10  # a single path
        chosen["between"] = (last_weight, "E_total")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _drawn(draw_graph(graph, **chosen))


def test_a_whole_graph_with_every_adjoint_draws_and_says_where_it_is_crowded() -> None:
    graph = _deeper()
    graph.backward()
    with pytest.warns(UserWarning, match="no clear spot for"):
        ax = _drawn(draw_graph(graph, adjoints=True, spacing=(0.5, 0.5)))
    assert len(_gids(ax, "adjoint")) == sum(v.op != "const" for v in graph.nodes)


def test_highlight_colours_the_path_and_greys_the_rest() -> None:
    graph = _article()
    path = path_nodes(graph, "w5", "E_total")
    ax = draw_graph(graph, highlight=path)
    colours = {
        a.get_gid(): a.arrow_patch.get_edgecolor()
        for a in ax.texts
        if (a.get_gid() or "").startswith("edge ")
    }
    lit = [
        gid
        for gid, colour in colours.items()
        if np.allclose(colour, matplotlib.colors.to_rgba(COLORS["highlight"]))
    ]
    assert len(lit) == len(path) - 1
    assert any(gid.startswith("edge w5 -> ") for gid in lit)
    grey = matplotlib.colors.to_rgba(COLORS["muted"])
    assert sum(np.allclose(c, grey) for c in colours.values()) == len(colours) - len(lit)


def test_a_graph_built_by_hand_draws_with_its_own_operations() -> None:
    a, b = Value(0.7, name="a"), Value(-1.3, name="b")
    end = ((a * b).exp() + (a**2).log()).tanh()
    end.name = "f"
    end.backward()
    ax = _drawn(draw_graph(end, adjoints=True, direction="up"))
    symbols = {t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("node ")}
    assert {"exp", "ln", "tanh", "×", "+", "$x^{2}$"} <= symbols
    assert len(_gids(ax, "edge")) == sum(len(v.parents) for v in topological_order(end))


def test_natural_size_fits_the_book() -> None:
    ax = draw_graph(_article())
    width, height = ax.figure.get_size_inches()
    assert 5.5 < width <= 7.3 and 2.0 < height < 4.5


def test_clear_errors() -> None:
    graph = _article()
    with pytest.raises(ValueError, match="backward sweep has not run"):
        draw_graph(graph, adjoints=True)
    with pytest.raises(KeyError, match="no value called 'w9'"):
        draw_graph(graph, highlight={"w9"})
    with pytest.raises(TypeError, match="collection of names"):
        draw_graph(graph, highlight="w5")
    with pytest.raises(ValueError, match="direction must be"):
        draw_graph(graph, direction="left")
    with pytest.raises(ValueError, match="edge_labels must be"):
        draw_graph(graph, edge_labels="values")
    with pytest.raises(ValueError, match="value_format"):
        draw_graph(graph, value_format="%d")
    with pytest.raises(ValueError, match="spacing must be positive"):
        draw_graph(graph, spacing=(0.5, 0))
    with pytest.raises(ValueError, match="pair"):
        draw_graph(graph, between="w5")
    with pytest.raises(TypeError, match="Graph"):
        draw_graph(bp.article_network())
    with pytest.raises(KeyError, match="not a node of this graph"):
        draw_graph(graph, highlight=[Value(1.0)])
