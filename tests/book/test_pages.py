"""The built book has every chapter, each with what a reader expects of it."""

from __future__ import annotations

from pathlib import Path

import built  # tests/book/built.py
import pytest
import yaml
from bs4 import BeautifulSoup

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


CHAPTERS = [f for f in _toc_files() if f.startswith("chapters/")]


def _soup(name: str) -> BeautifulSoup:
    return built.page(HTML / f"{name}.html")


def test_every_notebook_is_in_the_table_of_contents() -> None:
    notebooks = {f"chapters/{p.stem}" for p in (ROOT / "chapters").glob("*.ipynb")}
    assert notebooks == set(CHAPTERS)


@pytest.mark.parametrize("name", _toc_files())
def test_page_was_built(name: str) -> None:
    assert (HTML / f"{name}.html").exists()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_offers_its_notebook_for_download(chapter: str) -> None:
    soup = _soup(chapter)
    links = [a["href"] for a in soup.find_all("a", href=True) if a["href"].endswith(".ipynb")]
    assert links, f"{chapter}: no download link for the notebook"
    target = (HTML / chapter).parent / links[0]
    assert target.resolve().is_file(), f"{chapter}: download link {links[0]} is broken"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_has_summary_exercises_and_a_figure(chapter: str) -> None:
    soup = _soup(chapter)
    headings = [h.get_text(" ", strip=True).rstrip("#").strip() for h in soup.find_all("h2")]
    assert "Summary" in headings, f"{chapter}: no Summary section ({headings})"
    assert "Exercises" in headings, f"{chapter}: no Exercises section"
    assert built.select(soup, ".solution, .dropdown"), f"{chapter}: no revealable solutions"
    assert built.select(soup, "main img"), f"{chapter}: no figure"
    first = soup.select_one("main section p")
    assert first is not None and first.get_text(strip=True), f"{chapter}: no opening text"


def test_glossary_is_linked_from_the_chapters() -> None:
    linked = sum(bool(built.select(_soup(c), 'a[href*="glossary.html#term-"]')) for c in CHAPTERS)
    assert linked == len(CHAPTERS), "every chapter should link at least one glossary term"


def test_bibliography_lists_the_sources() -> None:
    text = _soup("bibliography").get_text(" ", strip=True)
    for needle in ("Mazur", "Rumelhart", "Charlotte77"):
        assert needle in text
