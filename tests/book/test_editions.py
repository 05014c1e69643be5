"""The Chinese edition: every message translated, and nothing but the words changed.

For every page with a Chinese catalog, the built Chinese page shows no
untranslated message (Sphinx marks each one, ``translation_progress_classes``),
so the catalogs hold every message of today's pages; and its numbers, formulas,
code and links are those of the English page.  Both editions link each page to
its counterpart.
"""

from __future__ import annotations

import os
import posixpath
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))  # BOOK_HTML: another build
sys.path.insert(0, str(ROOT / "tools"))

import built  # noqa: E402  (tests/book/built.py)
from translations import LANGUAGE, translated_pages  # noqa: E402

PAGES = translated_pages()
NUMBER = re.compile(r"(?<![A-Za-z_\d.])-?\d[\d.,]*\d|(?<![A-Za-z_\d.])\d")


def _soup(path: Path) -> BeautifulSoup:
    return built.page(path)


def _main(soup: BeautifulSoup):
    return soup.select_one("main article") or soup.select_one("main")


# What is the same in both editions by construction: the links between them, the
# headings' anchor marks, a page's own table of contents.
NAVIGATION = "nav.edition-links, .headerlink, .toc-entry"


def _site_path(page_path: Path, href: str) -> str:
    """A link as a path from the site's root, the same for both editions."""
    if href.startswith(("http:", "https:", "mailto:", "#")):
        return href
    base = page_path.parent.relative_to(HTML).as_posix()
    target = posixpath.normpath(posixpath.join(base, href))
    return target.removeprefix(f"{LANGUAGE}/")


def _facts(path: Path) -> dict[str, Counter]:
    main = _main(_soup(path))
    skipped = {id(n) for n in built.select(main, NAVIGATION)}

    def shown(selector: str) -> list:
        return [n for n in built.select(main, selector) if built.outside(n, skipped)]

    maths = [" ".join(m.get_text().split()) for m in shown(".math")]
    code = [c.get_text() for c in shown("pre, code")]
    links = [_site_path(path, a["href"]) for a in shown("a[href]")]
    images = [posixpath.basename(i["src"]) for i in shown("img[src]")]
    text = built.text(main, f"{NAVIGATION}, .math, pre, code, script, style")
    return {
        "numbers": Counter(n.rstrip(".,") for n in NUMBER.findall(text)),
        "formulas": Counter(maths),
        "code": Counter(code),
        "links": Counter(links),
        "images": Counter(images),
    }


def test_the_edition_has_pages() -> None:
    assert PAGES, "no translated pages (catalogs in locales/zh_CN/LC_MESSAGES)"


@pytest.mark.parametrize("page", PAGES)
def test_every_message_is_translated(page: str) -> None:
    soup = _soup(HTML / LANGUAGE / f"{page}.html")
    main = _main(soup)
    skipped = {id(n) for n in built.select(main, NAVIGATION)}
    left = [
        n.get_text(" ", strip=True)[:80]
        for n in built.select(main, ".untranslated")
        if built.outside(n, skipped)
    ]
    assert not left, (
        f"{page}: untranslated (run `make translations`, then translate):\n" + "\n".join(left)
    )


@pytest.mark.parametrize("page", PAGES)
def test_only_the_words_differ(page: str) -> None:
    english = _facts(HTML / f"{page}.html")
    chinese = _facts(HTML / LANGUAGE / f"{page}.html")
    for kind in english:
        missing = english[kind] - chinese[kind]
        extra = chinese[kind] - english[kind]
        assert not missing and not extra, (
            f"{page}: {kind} differ between the editions; only in English: "
            f"{list(missing.elements())[:8]}, only in Chinese: {list(extra.elements())[:8]}"
        )


@pytest.mark.parametrize("page", PAGES)
def test_each_page_links_to_its_counterpart(page: str) -> None:
    for path, other in (
        (HTML / f"{page}.html", HTML / LANGUAGE / f"{page}.html"),
        (HTML / LANGUAGE / f"{page}.html", HTML / f"{page}.html"),
    ):
        link = _soup(path).select_one("nav.edition-links a.edition-link")
        assert link is not None, f"{path.relative_to(HTML)}: no link to the other edition"
        target = (path.parent / link["href"]).resolve()
        assert target == other.resolve(), f"{path.relative_to(HTML)} links to {link['href']}"


@pytest.mark.parametrize("page", [p for p in PAGES if p.startswith("chapters/")])
def test_chinese_pages_offer_the_same_readers_notebook(page: str) -> None:
    name = f"{page}.ipynb"
    english = HTML / "_sources" / name
    chinese = HTML / LANGUAGE / "_sources" / name
    assert chinese.read_bytes() == english.read_bytes()
