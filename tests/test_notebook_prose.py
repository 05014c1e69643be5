"""The book's first rule, checked: no number is typed into the prose.

Every digit a reader sees in a chapter's text must come from a computation,
glued in with ``{glue:text}``.  This test strips from each markdown cell (and
from each figure's caption and alt text) what may legitimately hold digits --
code, math, glue/ref/cite/term roles, directive options, labels -- and fails on
any digit left in the words.

The one exception is the problem's givens -- the inputs, targets, initial
weights, biases and learning rate -- which may be typed exactly as the article
prints them (``0.05``, ``0.10``, ...), because a sentence such as "the input
0.05" reads better than a glued value.  Any other number is still refused.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import backprop as bp

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


#: The givens, exactly as the article prints them: the only numbers one may type.
GIVENS = {p.printed for p in bp.PUBLISHED.values() if p.section == "set-up"}


def _typed_numbers(text: str) -> list[str]:
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    # A number is a digit that does not end a name: "0.5" and "10,000" count,
    # the unit names "o1", "h2" and the layer name "L3" do not.  A sentence's
    # full stop or comma after a number is not part of it.
    found = re.findall(r"(?<![A-Za-z_\d.])\d[\d.,]*", text)
    return [n for n in (f.rstrip(".,") for f in found) if n not in GIVENS]


def _prose(cell) -> list[str]:
    """The texts of a cell a reader reads: markdown, and a figure's caption and alt text."""
    if cell.cell_type == "markdown":
        return [cell.source]
    options = cell.metadata.get("mystnb", {})
    return [
        str(options.get("figure", {}).get("caption", "")),
        str(options.get("image", {}).get("alt", "")),
    ]


def test_givens_may_be_typed_but_nothing_else() -> None:
    assert _typed_numbers("the inputs 0.05 and 0.10, and a rate of 0.5.") == []
    assert _typed_numbers("an error of 0.298371109") == ["0.298371109"]
    assert _typed_numbers("after 10,000 steps") == ["10,000"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_number_is_typed_into_the_prose(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    found = []
    for index, cell in enumerate(notebook.cells):
        for text in _prose(cell):
            found += [f"cell {index}: {word}" for word in _typed_numbers(text)]
    assert not found, "numbers typed into the prose (glue them instead):\n" + "\n".join(found)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_no_number_is_typed_into_the_pages(path: Path) -> None:
    found = _typed_numbers(path.read_text(encoding="utf-8"))
    assert not found, f"numbers typed into {path.name}: {found}"
