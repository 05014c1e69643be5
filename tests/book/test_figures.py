"""Every figure of every chapter can be cited and read without seeing it.

On each chapter page of the built book (a translation's too): every image sits
in a figure numbered by chapter ("Figure 3.2") with a caption, has alt text that
describes it (not a file name), and the text refers to every figure by its
number.  Labelled equations are numbered by chapter as well ("(3.2)").  The
README's "House style: figures and equations" says how a chapter does it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import built  # tests/book/built.py
import pytest

pytestmark = pytest.mark.book

HTML = Path(__file__).resolve().parents[2] / "_build" / "html"
# Alt text that is a file's name or a path or a hash, not a description.
FILE_LIKE = re.compile(r"(\.(png|jpe?g|gif|svg|webp|pdf)\b)|/|\\|\b[0-9a-f]{16,}\b", re.I)
MIN_ALT_WORDS = 4
MIN_CAPTION_WORDS = 6
# "Figure 3.2" or a translation of it: a chapter number and the figure's number in it.
NUMBER = re.compile(r"(\d+)\.(\d+)\s*$")


def _chapter_pages() -> list[Path]:
    if not HTML.is_dir():
        return []
    return sorted(
        p
        for p in HTML.rglob("*.html")
        if "chapters" in p.relative_to(HTML).parts[:-1]
        and not {"_static", "_sources", "_images"} & set(p.relative_to(HTML).parts)
    )


PAGES = _chapter_pages()
IDS = [p.relative_to(HTML).as_posix() for p in PAGES]


@cache
def _article(page: Path):
    soup = built.page(page)
    article = soup.select_one("main article") or soup.select_one("main") or soup.body
    return article


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _caption_number(figure) -> str:
    number = figure.select_one("figcaption .caption-number, .caption .caption-number")
    return number.get_text(" ", strip=True) if number else ""


def test_chapter_pages_were_built() -> None:
    assert PAGES, "no chapter pages in _build/html: run `make book` first"


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_every_image_has_alt_text_that_describes_it(page: Path) -> None:
    bad = []
    for img in _article(page).find_all("img"):
        alt = (img.get("alt") or "").strip()
        src = img.get("src", "")
        if not alt:
            bad.append(f"{src}: no alt text")
        elif FILE_LIKE.search(alt) or alt == Path(src).name:
            bad.append(f"{src}: alt text is a file name: {alt!r}")
        elif _words(alt) < MIN_ALT_WORDS:
            bad.append(f"{src}: alt text too short to describe the figure: {alt!r}")
    assert not bad, (
        f"{page.relative_to(HTML)}: give each figure cell "
        '{"mystnb": {"image": {"alt": "<one sentence>"}}} (README, House style):\n  '
        + "\n  ".join(bad)
    )


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_every_image_is_in_a_numbered_captioned_figure(page: Path) -> None:
    bad = []
    for img in _article(page).find_all("img"):
        figure = img.find_parent("figure") or img.find_parent(class_="figure")
        if figure is None:
            bad.append(f"{img.get('src')}: not in a figure")
    for figure in built.select(_article(page), "figure, div.figure"):
        where = figure.get("id") or (figure.img.get("src") if figure.img else "a figure")
        caption = figure.select_one("figcaption, .caption")
        text = caption.select_one(".caption-text") if caption else None
        if text is None or not text.get_text(strip=True):
            bad.append(f"{where}: no caption")
        elif _words(text.get_text(" ", strip=True)) < MIN_CAPTION_WORDS:
            bad.append(f"{where}: caption too short to say what to look at: {text.get_text()!r}")
        if not NUMBER.search(_caption_number(figure)):
            bad.append(f"{where}: no number like 'Figure 3.2' ({_caption_number(figure)!r})")
        if not (figure.get("id") or "").startswith("fig-"):
            bad.append(f"{where}: its name does not start with 'fig-' ({figure.get('id')!r})")
    assert not bad, (
        f"{page.relative_to(HTML)}: give each figure cell "
        '{"mystnb": {"figure": {"name": "fig-...", "caption": "..."}}} (README, House style):\n  '
        + "\n  ".join(bad)
    )


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_figures_and_equations_are_numbered_by_chapter(page: Path) -> None:
    """Figure 3.1, 3.2, ... and (3.1), (3.2), ...: one chapter number, counting from 1."""
    article = _article(page)
    figures = built.select(article, "figure, div.figure")
    equations = built.select(article, "span.eqno")
    for kind, numbers in (
        ("figure", [_caption_number(f) for f in figures]),
        ("equation", [e.get_text(strip=True).rstrip("#") for e in equations]),
    ):
        found = [NUMBER.search(n.strip("() ")) for n in numbers]
        if not numbers:
            continue
        assert all(found), f"{page.relative_to(HTML)}: {kind} numbers not by chapter: {numbers}"
        chapters = {m.group(1) for m in found}
        counts = [int(m.group(2)) for m in found]
        assert len(chapters) == 1, f"{page.relative_to(HTML)}: {kind}s of two chapters: {numbers}"
        assert counts == list(range(1, len(counts) + 1)), (
            f"{page.relative_to(HTML)}: {kind}s not numbered 1, 2, ...: {numbers}"
        )


def test_the_text_refers_to_every_figure() -> None:
    """Each figure is cited by number ({numref}) somewhere in the book."""
    pages = [p for p in HTML.rglob("*.html") if "_static" not in p.parts] if HTML.is_dir() else []
    cited: set[tuple[Path, str]] = set()
    for p in pages:
        soup = built.page(p)
        for a in built.select(soup, "a.reference.internal[href*='#fig-']"):
            target, _, anchor = a["href"].partition("#")
            cited.add(((p.parent / target).resolve() if target else p.resolve(), anchor))
    missing = [
        f"{page.relative_to(HTML)}#{figure['id']}"
        for page in PAGES
        for figure in built.select(_article(page), "figure[id], div.figure[id]")
        if (page.resolve(), figure["id"]) not in cited
    ]
    assert not missing, (
        "figures the text never refers to (write {numref}`fig-...` where the text "
        "discusses them):\n  " + "\n  ".join(missing)
    )
