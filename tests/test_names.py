"""Every network has names, from one scheme; keys are parsed in one place."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import backprop as bp
from backprop.names import Derivative, Quantity, parse_key

#: The article's own table of names (its lost figure), kept by hand as a fixture:
#: the default names of a 2-2-2 network must be exactly these.
ARTICLE_TABLE = {
    "w1": ("weight", 0, (0, 0)),
    "w2": ("weight", 0, (0, 1)),
    "w3": ("weight", 0, (1, 0)),
    "w4": ("weight", 0, (1, 1)),
    "w5": ("weight", 1, (0, 0)),
    "w6": ("weight", 1, (0, 1)),
    "w7": ("weight", 1, (1, 0)),
    "w8": ("weight", 1, (1, 1)),
    "b1": ("bias", 0, (0,)),
    "b2": ("bias", 1, (0,)),
}


def test_default_names_are_the_articles() -> None:
    net = bp.article_network()
    assert not net.names.explicit, "the article's names come from the default scheme"
    assert net.param_names == list(ARTICLE_TABLE)
    for name, (kind, layer, index) in ARTICLE_TABLE.items():
        ref = bp.ParamRef(kind, layer, index)
        assert net.locate(name) == ref == bp.ARTICLE_PARAMS[name]
        assert net.name_of(kind, layer, index) == name
    assert net.unit_names == (("i1", "i2"), ("h1", "h2"), ("o1", "o2")) == bp.ARTICLE_UNITS


def test_deep_network_names() -> None:
    net = bp.Network.random((2, 3, 3, 2), seed=1)
    assert net.unit_names == (
        ("i1", "i2"),
        ("h1.1", "h1.2", "h1.3"),
        ("h2.1", "h2.2", "h2.3"),
        ("o1", "o2"),
    )
    assert net.param_names == [f"w{n}" for n in range(1, 22)] + [f"b{n}" for n in range(1, 9)]
    for name in net.param_names:
        ref = net.locate(name)
        assert net.name_of(ref.kind, ref.layer, ref.index) == name
    assert net.locate("w7") == bp.ParamRef("weight", 1, (0, 0))
    assert net.describe("w7") == "h1.1 → h2.1"
    assert net.describe("b8") == "bias → o2"
    assert net.unit("h2.3") == (2, 2)
    assert net.names.unit_name(2, 2) == "h2.3"


def test_names_of_a_large_network_are_computed_not_stored() -> None:
    net = bp.Network.random((784, 256, 10), seed=0)
    assert net.names.given_params is None and net.names._units is None
    assert net.locate("w203264") == bp.ParamRef("weight", 1, (9, 255))
    assert net.name_of("bias", 1, (9,)) == "b266"
    assert net.unit("h256") == (1, 255) and net.unit("o10") == (2, 9)
    assert net.names._units is None, "looking up one unit must not build the whole list"


def test_explicit_names_are_stored_with_a_reverse_index() -> None:
    refs = {"up": bp.ParamRef("weight", 0, (0, 0)), "shift": bp.ParamRef("bias", 0, (0,))}
    net = bp.Network([np.ones((1, 1))], [np.zeros(1)], param_names=refs, unit_names=[["x"], ["y"]])
    assert net.param_names == ["up", "shift"]
    assert net.name_of("bias", 0, (0,)) == "shift"
    bwd = bp.backward(net, [0.5], [0.3])
    assert bwd["dE_total/dup"] == bwd.weight_grads[0][0, 0]
    assert bwd["dnet_y/dshift"] == 1.0
    trained = bp.train(net, [0.5], [0.3], steps=2, learning_rate=0.5).network
    assert trained.param_names == ["up", "shift"] and trained.unit_names == (("x",), ("y",))


@pytest.mark.parametrize(
    ("key", "base", "updated", "step", "note"),
    [
        ("E_total", Quantity("E_total"), False, None, None),
        ("E_o1", Quantity("E", "o1"), False, None, None),
        ("out_h1.2", Quantity("out", "h1.2"), False, None, None),
        ("w5+", Quantity("name", "w5"), True, None, None),
        (
            "dE_o2/dout_h1",
            Derivative(Quantity("E", "o2"), Quantity("out", "h1")),
            False,
            None,
            None,
        ),
        (
            "dE_total/dw5",
            Derivative(Quantity("E_total"), Quantity("name", "w5")),
            False,
            None,
            None,
        ),
        ("E_total@10000 (English)", Quantity("E_total"), False, 10000, "English"),
        ("out_o1 (prose)", Quantity("out", "o1"), False, None, "prose"),
        ("t1 (原输入)", Quantity("name", "t1"), False, None, "原输入"),
    ],
)
def test_parse_key(key, base, updated, step, note) -> None:
    parsed = parse_key(key)
    assert (parsed.base, parsed.updated, parsed.step, parsed.note) == (base, updated, step, note)


def test_every_published_key_parses() -> None:
    for key in list(bp.PUBLISHED) + list(bp.RECOMPUTED):
        parse_key(key)


def test_keys_are_parsed_in_one_module_only() -> None:
    """No module but names.py carries a pattern for keys like dE_total/dw5."""
    package = Path(bp.__file__).parent
    for path in package.glob("*.py"):
        if path.name == "names.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"re\.(compile|match|fullmatch|search)\(", source), path.name


def test_a_unit_named_total_is_refused() -> None:
    with pytest.raises(ValueError, match="'total' is reserved"):
        bp.Network([np.ones((1, 1))], [np.zeros(1)], unit_names=[["x"], ["total"]])


def test_records_of_a_deep_network_by_default_names() -> None:
    net = bp.Network.random((2, 3, 3, 2), seed=4)
    x, t = np.array([0.3, -0.2]), np.array([0.2, 0.7])
    bwd = bp.backward(net, x, t)
    assert bwd["out_h1.2"] == bwd.forward.out[1][0, 1]
    assert bwd["net_h2.3"] == bwd.forward.net[1][0, 2]
    assert bwd["dE_total/dout_h2.1"] == bwd.dE_dout[1][0, 0]
    assert bwd["dE_o2/dout_h2.3"] == bwd.via[1][0, 1, 2]
    assert bwd["dnet_h2.1/dout_h1.3"] == net.weights[1][0, 2]
    assert bwd["delta_h1.1"] == bwd.delta[0][0, 0]
    assert bwd["dE_total/dw7"] == bwd.weight_grads[1][0, 0]


def test_batch_records_have_one_entry_per_sample() -> None:
    net = bp.article_network()
    x = np.array([[0.05, 0.10], [0.2, 0.3], [0.4, 0.1]])
    t = np.array([[0.01, 0.99], [0.5, 0.5], [0.3, 0.6]])
    bwd = bp.backward(net, x, t)
    assert bwd["dnet_o1/dw5"].shape == (3,)
    np.testing.assert_array_equal(bwd["dnet_o1/dw5"], x[:0].sum() + bwd.forward.out[1][:, 0])
    np.testing.assert_array_equal(bwd["dnet_o1/dw7"], np.zeros(3))
    np.testing.assert_array_equal(bwd["dnet_o1/db2"], np.ones(3))
    np.testing.assert_array_equal(bwd["dnet_o1/dout_h1"], np.full(3, net.param("w5")))
    assert isinstance(bwd["dE_total/dw5"], float)


def test_twin_symbols_follow_the_default_names() -> None:
    twin = bp.Twin(bp.Network.random((2, 3, 3, 2), seed=0))
    assert {"out_h1.2", "net_h2.3", "E_o2", "w21", "b8", "t2"} <= set(twin.symbols)
    assert twin.latex(twin.symbol("out_h1.2")) == r"\mathrm{out}_{h1.2}"
    assert isinstance(twin.quantity("dE_total/dw21"), sp.Expr)
