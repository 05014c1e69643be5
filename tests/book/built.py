"""The built book's pages, each read and parsed once per test process.

Parsing a chapter page takes a few tenths of a second and the book tests ask for
each page many times, so they share these parses.  A parsed page is shared:
tests read it and never change it (select what to leave out instead of
removing it).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import soupsieve
from bs4 import BeautifulSoup


@functools.cache
def page(path: Path) -> BeautifulSoup:
    """The page at ``path`` (a built HTML file), parsed; not to be changed."""
    assert path.exists(), f"{path} was not built: run `make book`"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def outside(node, skipped: set[int]) -> bool:
    """Whether no element from ``skipped`` (their ``id()``s) holds ``node`` or is it."""
    if id(node) in skipped:
        return False
    return not any(id(parent) in skipped for parent in node.parents)


def select(root, selector: str) -> list:
    """``root.select(selector)``: the same elements in the same order, found faster.

    soupsieve tries the whole selector on each of a chapter's 14,000 elements, a
    few tenths of a second a call.  An element can only match a part of a
    selector list (``a, b``) if it has the tag and classes that the part's last
    compound names (``pre``, ``span.eqno``, ``.std-ref``, ``a[href]``), so one
    quick pass picks those out and soupsieve checks the whole selector on them
    alone.  ``test_select_finds_what_soupsieve_finds`` holds it to that.
    """
    if "(" in selector:  # a comma inside :is(...) or :not(...) would split it wrongly
        return root.select(selector)
    needs = []
    for part in selector.split(","):
        # The last compound, without its attribute tests and pseudo-classes.
        last = re.sub(r"\[[^\]]*\]", "", part.split()[-1]).split(":")[0]
        tag = re.match(r"[a-zA-Z][\w-]*", last)
        needs.append((tag.group(0) if tag else None, re.findall(r"\.([\w-]+)", last)))

    matches = soupsieve.compile(selector).match
    return [
        element
        for element, name, classes in _elements(root)
        if any(
            (tag is None or name == tag) and all(c in classes for c in wanted)
            for tag, wanted in needs
        )
        and matches(element)
    ]


_ELEMENTS: dict[int, tuple[object, list]] = {}


def _elements(root) -> list:
    """Every element under ``root``, in document order, with its name and classes (kept)."""
    kept = _ELEMENTS.get(id(root))
    if kept is None or kept[0] is not root:
        found = [(e, e.name, e.get("class") or ()) for e in root.descendants if e.name]
        kept = _ELEMENTS[id(root)] = (root, found)
    return kept[1]


def text(root, skip: str = "") -> str:
    """``root.get_text(" ")``, leaving out what the CSS selector ``skip`` selects."""
    skipped = {id(n) for n in select(root, skip)} if skip else set()
    return " ".join(s for s in root.strings if outside(s, skipped))
