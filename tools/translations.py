"""Build the Chinese edition, and keep its catalogs in step with the book.

The Chinese edition is built from the same notebooks and pages as the English
one: Sphinx replaces each paragraph, heading, list item, caption and alt text by
its translation from ``locales/zh_CN/LC_MESSAGES/<page>.po`` (one catalog per
page).  Code, the outputs of code cells and display formulas are the same in
both editions (see ``tools/book_i18n.py``).  Usage::

    python tools/translations.py extract   # messages -> _build/gettext/*.pot,
                                            # then update the catalogs (make translations)
    python tools/translations.py build      # the Chinese edition -> _build/html/zh_CN
    python tools/translations.py build --strict --all   # warnings are errors, fresh

``extract`` keeps every existing translation; a message whose English text
changed keeps its old translation marked fuzzy (and a fuzzy translation is not
used, so the page shows the English until a translator looks at it).  Messages
with no words (numbers, symbols) are left out.

The Chinese edition contains the pages that have a catalog, under the same parts
of the table of contents; the English edition links every such page to its
translation and back.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import yaml
from babel.messages import pofile
from babel.messages.catalog import Catalog

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE = "zh_CN"
LOCALES = ROOT / "locales"
CATALOGS = LOCALES / LANGUAGE / "LC_MESSAGES"
BUILD = ROOT / "_build"

#: A message is prose if it has a word of two letters or more outside math and code.
_NOT_WORDS = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\\[A-Za-z]+|\{[^}]*\}", re.S)


def has_words(message: str) -> bool:
    """Whether a message holds words to translate (not only numbers and symbols)."""
    return re.search(r"[A-Za-z\u4e00-\u9fff]{2,}", _NOT_WORDS.sub(" ", message)) is not None


def alt_texts(page: Path | str) -> list[tuple[str, tuple[str, int]]]:
    """The alt texts of a notebook's figures (cell metadata), with where they are.

    Sphinx does not collect them: the images are rendered from cell outputs.
    """
    path = ROOT / f"{page}.ipynb"
    if not path.exists():
        return []
    notebook = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for index, cell in enumerate(notebook["cells"]):
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
        if alt:
            found.append((alt, (f"../../{page}.ipynb", index)))
    return found


def translated_pages() -> list[str]:
    """The pages that have a catalog, as docnames, in a stable order."""
    return sorted(
        p.relative_to(CATALOGS).with_suffix("").as_posix() for p in CATALOGS.rglob("*.po")
    )


def _sphinx(
    builder: str, outdir: Path, doctrees: Path, overrides: dict, strict: bool, fresh: bool
) -> int:
    from jupyter_book.sphinx import build_sphinx

    config = {"latex_individualpages": False, "gettext_compact": False, **overrides}
    config.setdefault("external_toc_path", str(ROOT / "_toc.yml"))
    result = build_sphinx(
        ROOT,
        outdir,
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides=config,
        builder=builder,
        doctreedir=doctrees,
        warningiserror=strict,
        keep_going=True,
        freshenv=fresh,
        quiet=True,
    )
    return 0 if result == 0 else 1


def extract(strict: bool = False, pages: list[str] | None = None) -> int:
    """Collect the messages of every page and bring the catalogs up to date.

    With ``pages``, only those pages' catalogs are updated (the templates of
    every page are written either way).
    """
    pot_dir = BUILD / "gettext"
    targets = {"gettext_additional_targets": ["image"]}  # alt text too
    status = _sphinx("gettext", pot_dir, BUILD / ".doctrees-gettext", targets, strict, fresh=True)
    if status:
        return status
    for pot in sorted(pot_dir.rglob("*.pot")):
        page = pot.relative_to(pot_dir).with_suffix("")
        with pot.open("rb") as f:
            template = pofile.read_po(f)
        for message in list(template):
            if message.id and not has_words(str(message.id)):
                del template[message.id]
        for alt, where in alt_texts(page):
            template.add(alt, locations=[where])
        with pot.open("wb") as f:  # the template as the catalogs see it
            pofile.write_po(f, template, width=0)
        path = CATALOGS / page.with_suffix(".po")
        if not path.exists() or (pages and page.as_posix() not in pages):
            continue  # a page nobody has started to translate, or one left alone
        with path.open("rb") as f:
            catalog = pofile.read_po(f, locale=LANGUAGE)
        catalog.update(template, update_header_comment=False)
        catalog.obsolete.clear()
        _write(catalog, path)
        print(f"updated {path.relative_to(ROOT)}")
    return 0


def start(page: str) -> int:
    """Create an empty catalog for ``page`` from the last extraction."""
    pot = BUILD / "gettext" / f"{page}.pot"
    if not pot.exists():
        print(f"no template {pot}: run `python tools/translations.py extract` first")
        return 1
    with pot.open("rb") as f:
        template = pofile.read_po(f)
    catalog = Catalog(locale=LANGUAGE, project="Backpropagation, Step by Step")
    for message in template:
        if message.id and has_words(str(message.id)):
            catalog.add(message.id, "", locations=message.locations)
    path = CATALOGS / f"{page}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(catalog, path)
    print(f"created {path.relative_to(ROOT)}")
    return 0


def _write(catalog: Catalog, path: Path) -> None:
    with path.open("wb") as f:
        pofile.write_po(f, catalog, width=0, omit_header=False, sort_output=False)


def _edition_toc(pages: list[str]) -> Path:
    """The table of contents of the Chinese edition: the translated pages only."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = []
    keep = set(pages) | {"bibliography"}  # the citations of every page point there
    for part in toc.get("parts", []):
        chapters = [c for c in part["chapters"] if c["file"] in keep]
        if chapters:
            parts.append({**part, "chapters": chapters})
    toc["parts"] = parts
    handle = tempfile.NamedTemporaryFile(
        "w", suffix=".yml", prefix="toc-zh-", dir=BUILD, delete=False, encoding="utf-8"
    )
    with handle:
        yaml.safe_dump(toc, handle, allow_unicode=True, sort_keys=False)
    return Path(handle.name)


def _translated_title() -> str:
    """The book's title as the front page's catalog translates it (or as it is)."""
    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    path = CATALOGS / "intro.po"
    if path.exists():
        with path.open("rb") as f:
            message = pofile.read_po(f).get(title)
        if message is not None and message.string and not message.fuzzy:
            return str(message.string)
    return title


def build(strict: bool = False, fresh: bool = False, html: Path | None = None) -> int:
    """Build the Chinese edition into ``<html>/zh_CN`` (``html`` is _build/html by default).

    ``html`` holds the English edition, built first: pages the Chinese edition
    does not have are linked there.
    """
    html = Path(html) if html else BUILD / "html"
    pages = translated_pages()
    if not pages:
        print("no catalogs in locales/: nothing to build")
        return 0
    BUILD.mkdir(exist_ok=True)
    toc = _edition_toc(pages)
    try:
        overrides = {
            "html_title": _translated_title(),
            "language": LANGUAGE,
            "locale_dirs": ["locales/"],
            "gettext_additional_targets": ["image"],
            "translation_progress_classes": "untranslated",
            "external_toc_path": str(toc),
        }
        doctrees = html.parent / f".doctrees-{LANGUAGE}"
        return _sphinx("html", html / LANGUAGE, doctrees, overrides, strict, fresh)
    finally:
        toc.unlink()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["extract", "start", "build"])
    parser.add_argument(
        "pages", nargs="*", help="start: the page to start; extract: only these pages' catalogs"
    )
    parser.add_argument("--strict", action="store_true", help="warnings are errors")
    parser.add_argument("--all", action="store_true", help="read every page again")
    parser.add_argument(
        "--html", type=Path, help="for build: the English edition's folder (default _build/html)"
    )
    args = parser.parse_args(argv)
    if args.command == "extract":
        return extract(args.strict, args.pages)
    if args.command == "start":
        if len(args.pages) != 1:
            parser.error("start needs one page")
        return start(args.pages[0])
    return build(args.strict, args.all, args.html)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
