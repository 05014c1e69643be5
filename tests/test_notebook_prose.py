"""The book's first rule, checked: no number is typed into the prose.

Every digit a reader sees in a chapter's text must come from a computation,
glued in with ``{glue:text}``.  This test strips from each markdown cell what
may legitimately hold digits -- code, math, glue/ref/cite/term roles, directive
options, labels -- and fails on any digit left in the words.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
PAGES = [ROOT / name for name in ("intro.md", "glossary.md", "bibliography.md")]

STRIP = [
    re.compile(r"```.*?```", re.S),  # fenced blocks: code, directives
    re.compile(r"\$\$.*?\$\$", re.S),  # display math
    re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S),  # amsmath environments
    re.compile(r"\$[^$]+\$"),  # inline math
    re.compile(r"\{[\w:-]+\}`[^`]*`"),  # roles: {glue:text}`...`, {ref}`...`, {cite:p}`...`
    re.compile(r"`[^`]*`"),  # inline code
    re.compile(r"^\([\w-]+\)=\s*$", re.M),  # target labels
    re.compile(r"^:[\w-]+:.*$", re.M),  # directive options
    re.compile(r"\[[^\]]*\]\([^)]*\)"),  # links (their targets hold file names)
    re.compile(r"^>.*[\u4e00-\u9fff].*$", re.M),  # quoted Chinese source text
    re.compile(r"^\s*\d+\.\s", re.M),  # numbered-list markers
]


def _typed_numbers(text: str) -> list[str]:
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    # A number is a digit that does not end a name: "0.5" and "10,000" count,
    # the unit names "o1", "h2" and the layer name "L3" do not.
    return re.findall(r"(?<![A-Za-z_\d.])\d[\d.,]*", text)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_number_is_typed_into_the_prose(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            found += [f"cell {index}: {word}" for word in _typed_numbers(cell.source)]
    assert not found, "numbers typed into the prose (glue them instead):\n" + "\n".join(found)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_no_number_is_typed_into_the_pages(path: Path) -> None:
    found = _typed_numbers(path.read_text(encoding="utf-8"))
    assert not found, f"numbers typed into {path.name}: {found}"
