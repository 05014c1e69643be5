"""Each chapter page offers the reader's notebook for download, and it reads and runs.

The download button of a chapter links to a notebook in _build/html/_sources; the
book build writes the reader's notebook there (tools/book_fixes.py calls
tools/reader_notebooks.py). These tests read the link from the built page and check
the notebook behind it: valid, no MyST syntax left in its prose, the same words and
numbers as the page, and the chapter's code cells unchanged. The code cells being
the chapter's own, byte for byte, nbval's run of chapters/ (which executes every
chapter from top to bottom in a fresh kernel and compares every output) is the run
of the reader's notebook too; the rest of a reader's notebook is Markdown.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT / "tools"))

import built  # noqa: E402  (tests/book/built.py)
import reader_notebooks as rn  # noqa: E402

# What MyST syntax would look like if a construct slipped through the converter.
LEFTOVERS = {
    "role": re.compile(r"\{[\w:+-]+\}`"),
    "directive": re.compile(r"^[ \t]*(`{3,}|~{3,}|:{3,})[ \t]*\{", re.M),
    "label line": re.compile(r"^[ \t]*\([^()\s]+\)=[ \t]*$", re.M),
    "directive option": re.compile(r"^[ \t]*:(label|class|name|pyobject|dedent):", re.M),
    "equation label": re.compile(r"\$\$\s*\([\w-]+\)\s*$", re.M),
}
# The shortest chapter, run top to bottom by test_readers_notebook_runs.


def _chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    return [f for f in files + toc.get("chapters", []) if str(f).startswith("chapters/")]


CHAPTERS = _chapters()


@functools.cache
def _book() -> rn.Book:
    return rn.Book.load(ROOT)


@functools.cache
def _converted(chapter: str) -> tuple[str, list[tuple[str, str]]]:
    """The reader's notebook of today's chapter, as text, and the roles it converted."""
    converter = rn.Converter(_book(), chapter)
    nb = converter.convert()
    return nbformat.writes(nb) + "\n", converter.shown


def _page(chapter: str) -> BeautifulSoup:
    return built.page(HTML / f"{chapter}.html")


def _download(chapter: str) -> Path:
    """The notebook the page's download button links to."""
    page = HTML / f"{chapter}.html"
    assert page.exists(), f"{page} was not built: run `make book`"
    notebooks = set(re.findall(r'href="([^"#]+\.ipynb)"', page.read_text(encoding="utf-8")))
    assert len(notebooks) == 1, f"{chapter}: download links {notebooks}"
    [link] = notebooks
    path = ((HTML / chapter).parent / link).resolve()
    assert path.is_file(), f"{chapter}: download link {link} is broken"
    return path


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_download_is_the_readers_notebook(chapter: str) -> None:
    path = _download(chapter)
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    header = nb.cells[0]
    assert header.cell_type == "markdown" and "generated from the book" in header.source
    assert f"{chapter}.html" in header.source and "backprop" in header.source
    assert text == _converted(chapter)[0], (
        f"{path} is not the reader's notebook of today's {chapter}.ipynb: run `make book`"
    )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_readers_notebook_has_no_myst_syntax_left(chapter: str) -> None:
    nb = nbformat.read(_download(chapter), as_version=4)
    found = [
        f"{what} in cell {i}: {match.group(0)!r}"
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "markdown"
        for what, pattern in LEFTOVERS.items()
        for match in pattern.finditer(cell.source)
    ]
    assert not found, f"{chapter}: " + "; ".join(found)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_readers_notebook_keeps_the_code_cells(chapter: str) -> None:
    nb = nbformat.read(_download(chapter), as_version=4)
    source = nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type != "markdown"]
    assert code == [c for c in source.cells if c.cell_type != "markdown"]


def _texts(page: BeautifulSoup, selector: str, titles: bool = False) -> list[str]:
    """The texts of the elements of the page's main part that a CSS selector picks.

    Without titles, not those in admonition titles (the links of "Solution to
    Exercise N", which the converter writes as headings).
    """
    return [
        e.get_text().translate(_QUOTES)
        for e in built.select(page.select_one("main"), selector)
        if titles or not e.find_parent(class_="admonition-title")
    ]


#: The page typesets quotes ("SmartQuotes"); a notebook keeps them straight.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _plain(markdown: str) -> str:
    """The text a Markdown snippet of the converter shows (no italics, no escapes)."""
    return re.sub(r"\\(.)", r"\1", markdown.strip("*")).translate(_QUOTES)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_readers_notebook_says_what_the_page_says(chapter: str) -> None:
    """Every glued number, term, reference, citation and number reads as on the page."""
    text, shown = _converted(chapter)
    nb = nbformat.reads(text, as_version=4)
    page = _page(chapter)

    def roles(*names: str) -> list[str]:
        return [_plain(text) for name, text in shown if name in names]

    assert roles("glue:text") == _texts(page, "span.pasted-text")
    assert roles("term") == _texts(page, ".std-term")
    assert roles("ref", "numref") == _texts(page, ".std-ref, .std-numref")
    assert roles("eq") == _texts(page, 'a.reference.internal[href*="#equation-"]')
    assert roles("cite", "cite:p", "cite:t") == _texts(page, ".bibtex-citation")

    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    numbers = {
        "exercise": (r"^#+ (Exercise [\d.]+)", "div.exercise .caption-number"),
        "figure": (r"^\*\*(Fig\. [\d.]+)\*\*", "figure .caption-number"),
        "equation": (r"\\tag\{([\d.]+)\}", "span.eqno"),
    }
    for what, (pattern, selector) in numbers.items():
        ours = re.findall(pattern, markdown, re.M)
        theirs = [re.sub(r"[^\w. ]", "", t).strip() for t in _texts(page, selector, True)]
        assert ours == theirs, f"{chapter}: {what} numbers differ from the page"

    pres = {pre.get_text().strip() for pre in built.select(page, "main pre")}
    for block in re.findall(r"^```python\n(.*?)\n```$", markdown, re.M | re.S):
        assert block.strip() in pres, f"{chapter}: included code differs from the page"
