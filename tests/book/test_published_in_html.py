"""Every published number appears in the built book, beside its computed value.

For each entry of ``backprop.PUBLISHED`` (and the recomputed training figures)
there must be a row of a comparison table in the HTML book whose quantity is
that entry's, whose "article" cell is the number exactly as the article prints
it, and whose "backprop" cell holds the computed value.  For the numbers the
book reproduces, some such row must agree at the printed precision; for the
misprints, the row must show the computed value and say it does not agree.
"""

from __future__ import annotations

import re
from pathlib import Path

import built  # tests/book/built.py
import pytest

import backprop as bp
from backprop.tables import label

pytestmark = pytest.mark.book

HTML = Path(__file__).resolve().parents[2] / "_build" / "html"


def _normalise(text: str) -> str:
    """Cell text without math delimiters or spacing: comparable with ``label(key)``."""
    text = text.replace(r"\(", "").replace(r"\)", "").replace("$", "")
    return re.sub(r"\s+", "", text)


def _rows() -> list[dict[str, str]]:
    """Every row of every table with "article" and "backprop" columns, by header."""
    pages = sorted((HTML / "chapters").glob("*.html"))
    if not pages:
        pytest.fail("no chapter pages in _build/html: run `make book` first")
    rows = []
    for page in pages:
        soup = built.page(page)
        for table in soup.find_all("table"):
            header = [th.get_text(" ", strip=True) for th in table.find_all("th")]
            if "article" not in header or "backprop" not in header:
                continue
            for tr in table.find("tbody").find_all("tr"):
                cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
                row = dict(zip(header, cells))
                row["page"] = page.name
                rows.append(row)
    return rows


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _rows()


ENTRIES = list(bp.PUBLISHED.values()) + list(bp.RECOMPUTED.values())


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.key for e in ENTRIES])
def test_published_number_is_shown_beside_its_computed_value(rows, entry) -> None:
    wanted = _normalise(label(entry.key))
    mine = [r for r in rows if _normalise(r.get("quantity", "")) == wanted]
    assert mine, f"no table row for {entry.key!r} (label {label(entry.key)!r}) in the book"
    printed = [r for r in mine if r.get("article") == entry.printed]
    assert printed, (
        f"{entry.key!r}: the article's {entry.printed!r} is not printed as is; "
        f"rows show {[r.get('article') for r in mine]}"
    )
    computed = [float(r["backprop"]) for r in printed if re.fullmatch(r"-?\d+\.\d+", r["backprop"])]
    assert computed, f"{entry.key!r}: no computed value beside the article's number"
    if entry.status in ("reproduced", "sequential"):
        assert any(bp.agrees(value, entry) for value in computed), (
            f"{entry.key!r}: no row shows a computed value that agrees with {entry.printed}"
        )
    else:
        verdicts = [r.get("agrees", "") for r in printed]
        assert all(v.startswith("no") for v in verdicts), (
            f"{entry.key!r} is a {entry.status}, but a row calls it agreeing: {verdicts}"
        )
