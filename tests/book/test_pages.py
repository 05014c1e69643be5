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


def _plain_token_classes() -> list[str]:
    """The CSS classes of the tokens tools/book_fixes.py writes as bare text."""
    import sys

    from pygments.token import STANDARD_TYPES, string_to_tokentype

    sys.path.insert(0, str(ROOT / "tools"))
    from book_fixes import PLAIN_TOKENS

    return [STANDARD_TYPES[string_to_tokentype(name)] for name in PLAIN_TOKENS]


def _pygments_rules() -> dict[str, str]:
    """Each rule of the built pygments.css: selector -> declarations (comments dropped)."""
    import re

    css = re.sub(r"/\*.*?\*/", "", (HTML / "_static" / "pygments.css").read_text(encoding="utf-8"))
    return {
        " ".join(selector.split()): " ".join(body.split()).rstrip(";")
        for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)
    }


def test_code_tokens_written_as_text_look_like_the_text() -> None:
    """Tokens left as text are right only if the theme colours them as the text."""
    rules = _pygments_rules()
    themes = [t for t in ("light", "dark") if f'html[data-theme="{t}"] .highlight' in rules]
    assert themes == ["light", "dark"], sorted(rules)[:5]
    for theme in themes:
        text = rules[f'html[data-theme="{theme}"] .highlight']
        colour = next(d.strip() for d in text.split(";") if d.strip().startswith("color"))
        for css_class in _plain_token_classes():
            own = rules.get(f'html[data-theme="{theme}"] .highlight .{css_class}')
            assert own in (None, colour), f"{theme}: .{css_class} {{{own}}} against {{{text}}}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_code_blocks_have_no_span_for_a_plain_token(chapter: str) -> None:
    code = built.select(_soup(chapter), "div.highlight pre")
    assert code, f"{chapter}: no code block"
    spans = {s.get("class", [""])[0] for block in code for s in block.find_all("span")}
    assert "o" in spans, f"{chapter}: no highlighted operator"
    assert not spans & set(_plain_token_classes()), f"{chapter}: {sorted(spans)}"
