"""The built book's pages, each read and parsed once per test process.

Parsing a chapter page takes a few tenths of a second and the book tests ask for
each page many times, so they share these parses.  A parsed page is shared:
tests read it and never change it (select what to leave out instead of
removing it).
"""

from __future__ import annotations

import functools
from pathlib import Path

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


def text(root, skip: str = "") -> str:
    """``root.get_text(" ")``, leaving out what the CSS selector ``skip`` selects."""
    skipped = {id(n) for n in root.select(skip)} if skip else set()
    return " ".join(s for s in root.strings if outside(s, skipped))
