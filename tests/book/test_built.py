"""built.select finds what soupsieve's select finds, on a real chapter page."""

from __future__ import annotations

from pathlib import Path

import built  # tests/book/built.py
import pytest

pytestmark = pytest.mark.book

HTML = Path(__file__).resolve().parents[2] / "_build" / "html"
PAGE = HTML / "chapters" / "07_four_equations.html"

# Every selector the book tests pass to built.select, and a few harder ones.
SELECTORS = [
    "nav.edition-links, .headerlink, .toc-entry",
    ".math",
    "pre, code",
    "a[href]",
    "img[src]",
    ".untranslated",
    "figure, div.figure",
    "span.eqno",
    "a.reference.internal[href*='#fig-']",
    "figure[id], div.figure[id]",
    ".solution, .dropdown",
    "main img",
    'a[href*="glossary.html#term-"]',
    "span.pasted-text",
    ".std-term",
    ".std-ref, .std-numref",
    'a.reference.internal[href*="#equation-"]',
    ".bibtex-citation",
    "div.exercise .caption-number",
    "figure .caption-number",
    "main pre",
    "nav.edition-links, .headerlink, .toc-entry, .math, pre, code, script, style",
    'a[href$=".html"]',  # a dot inside an attribute test is no class
    "section > h2",
    "li:first-child a.reference",
    "a.reference:first-child",  # what follows the colon is no class
    "p:not(.caption) em",
]


@pytest.mark.parametrize("selector", SELECTORS)
def test_select_finds_what_soupsieve_finds(selector: str) -> None:
    root = built.page(PAGE).select_one("main")
    found = built.select(root, selector)
    assert [id(e) for e in found] == [id(e) for e in root.select(selector)]
    assert found or selector == ".untranslated", f"{selector} found nothing on the page"
