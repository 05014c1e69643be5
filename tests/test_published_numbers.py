"""Every number the article publishes, recomputed through the package's public API.

Each entry of ``backprop.PUBLISHED`` is checked at the article's printed
precision, and the entries the article gets wrong are checked to be wrong in
exactly the way their ``status`` says.
"""

from __future__ import annotations

import pytest

import backprop as bp
from backprop.published import PUBLISHED_LIST, decimals

ORDERS = bp.ORDERS


def _keys(status: str) -> list[str]:
    return [k for k, p in bp.PUBLISHED.items() if p.status == status]


@pytest.mark.parametrize("key", _keys("reproduced"))
def test_reproduced_by_the_walkthrough(key: str) -> None:
    """Set-up, forward pass, both gradient tables, updated weights."""
    computed = bp.article_value(key, "simultaneous")
    entry = bp.published(key)
    assert bp.agrees(computed, entry), (
        f"{key}: computed {bp.format_like(computed, entry)}, article prints {entry.printed}"
    )


@pytest.mark.parametrize("key", _keys("sequential"))
def test_training_figures_come_from_the_sequential_update(key: str) -> None:
    entry = bp.published(key)
    sequential = bp.article_value(key, "sequential")
    simultaneous = bp.article_value(key, "simultaneous")
    assert bp.agrees(sequential, entry), f"{key}: sequential gives {sequential!r}"
    assert not bp.agrees(simultaneous, entry), f"{key}: simultaneous also agrees"


@pytest.mark.parametrize("key", list(bp.RECOMPUTED))
def test_simultaneous_training_figures(key: str) -> None:
    """The textbook update: 0.291027774 after one step, 0.0000351019 after 10,000."""
    assert bp.agrees(bp.article_value(key), bp.published(key))


def test_issue_figures_for_both_orders() -> None:
    """The figures the foundation issue names, spelled out once more."""
    sim = bp.article_training("simultaneous", 10000)
    seq = bp.article_training("sequential", 10000)
    assert bp.agrees(sim.errors[1], "E_total@1 (simultaneous)")
    assert bp.agrees(sim.errors[10000], "E_total@10000 (simultaneous)")
    assert bp.agrees(seq.errors[1], "E_total@1")
    assert bp.agrees(seq.errors[10000], "E_total@10000")
    assert bp.agrees(seq.output("o1")[10000], "out_o1@10000")
    assert bp.agrees(seq.output("o2")[10000], "out_o2@10000")


@pytest.mark.parametrize("key", ["w1+", "w2+", "w3+", "w4+"])
def test_walkthrough_uses_the_original_output_weights(key: str) -> None:
    entry = bp.published(key)
    assert bp.agrees(bp.article_value(key, "simultaneous"), entry)
    assert not bp.agrees(bp.article_value(key, "sequential"), entry)


@pytest.mark.parametrize("key", ["w5+", "w6+", "w7+", "w8+"])
def test_output_weights_do_not_depend_on_the_order(key: str) -> None:
    assert bp.article_value(key, "simultaneous") == bp.article_value(key, "sequential")


def test_prose_out_o1_is_a_misprint() -> None:
    prose, figure = bp.published("out_o1 (prose)"), bp.published("out_o1")
    computed = bp.article_value("out_o1")
    assert bp.agrees(computed, figure)
    assert not bp.agrees(computed, prose)
    assert prose.status == "misprint"


def test_english_final_error_is_the_simultaneous_error_after_9999_steps() -> None:
    entry = bp.published("E_total@10000 (English)")
    run = bp.article_training("simultaneous", 10000)
    for order in ORDERS:
        assert not bp.agrees(bp.article_training(order, 10000).errors[10000], entry)
    matching = [k for k, e in enumerate(run.errors) if bp.agrees(e, entry)]
    assert matching == [9999]


def test_chinese_final_error_is_the_sequential_one() -> None:
    entry = bp.published("E_total@10000")
    run = bp.article_training("sequential", 10000)
    assert bp.agrees(run.errors[10000], entry)
    assert not bp.agrees(run.errors[9999], entry)


def test_dE_o2_dout_h1_is_one_unit_off_by_double_rounding() -> None:
    entry = bp.published("dE_o2/dout_h1")
    assert entry.status == "rounding"
    exact = bp.article_value("dE_o2/dout_h1")
    unit = 10.0**-entry.decimals
    assert 0.5 * unit < abs(exact - entry.value) < 1.5 * unit
    # Rounding delta_o2 to the article's nine decimals first reproduces the print.
    net = bp.article_network()
    delta_o2 = bp.backward(net, bp.article_inputs(), bp.article_targets())["delta_o2"]
    from decimal import Decimal

    product = bp.round_printed(delta_o2, entry.decimals) * Decimal(bp.published("w7").printed)
    assert str(bp.round_printed(product, entry.decimals)) == entry.printed
    assert str(bp.round_printed(product, entry.decimals, ties="even")) != entry.printed
    # The sum the article builds from it still agrees.
    assert bp.agrees(bp.article_value("dE_total/dout_h1"), "dE_total/dout_h1")


def test_every_published_number_is_checked_here() -> None:
    statuses = {p.status for p in bp.PUBLISHED.values()}
    assert statuses <= {"reproduced", "sequential", "misprint", "rounding"}
    assert len(bp.PUBLISHED) == len(PUBLISHED_LIST), "two published numbers share a key"


# -- the comparison helpers themselves -------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "places"),
    [("0.40", 2), ("0.5", 1), ("0.593269992", 9), ("-0.019049119", 9), ("0.0000351085", 10)],
)
def test_decimals(printed: str, places: int) -> None:
    assert decimals(printed) == places


def test_agrees_is_half_a_unit_in_the_last_place() -> None:
    entry = bp.Published("x", "0.40", "text", "test")
    assert bp.agrees(0.404999, entry)
    assert bp.agrees(0.395001, entry)
    assert not bp.agrees(0.4051, entry)
    assert not bp.agrees(0.3949, entry)
    assert bp.format_like(0.123456, entry) == "0.12"
