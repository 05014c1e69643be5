"""The reader's notebooks: each chapter as a learner runs it in plain Jupyter.

A chapter notebook is written for Jupyter Book. Its prose carries MyST roles
(``{glue:text}``, ``{term}``, ``{ref}``, ``{cite:p}`` ...) and directives
(exercises, solutions, literal includes) that Jupyter shows as raw syntax. This
module writes the *reader's notebook* of a chapter: the same code cells with the
same outputs, byte for byte, and the prose in plain Markdown, as the web book
shows it:

- a glued value becomes its value, formatted by myst-nb's rule and read from
  the notebook's own stored outputs;
- a glossary term becomes its text; a reference to a chapter or a section
  becomes its title in italics, one with explicit text that text; a reference to
  a figure, table, exercise or equation becomes its number as the book prints it
  ("Fig. 1.2", "(3.1)"), computed from _toc.yml the way Sphinx numbers them;
- a citation becomes the author-year text sphinxcontrib-bibtex prints
  ("[Mazur, 2015]"), in the bibliography's order;
- an exercise becomes a heading "Exercise N" in its own cell, its solution a
  heading "Solution to Exercise N" (folded in JupyterLab when the book folds it)
  with the solution's cells under it;
- a literalinclude becomes a code block holding the included source; an
  admonition a block quote; a labelled equation carries its number as
  ``\\tag{N}``; a captioned figure cell is followed by its caption;
- a label line ``(name)=`` is dropped; headings stay.

The first cell says where the notebook comes from and what it needs.

Run as a script, it writes the reader's notebooks of the chapters in _toc.yml
into a folder (``make lab`` opens them from _build/notebooks). The book build
writes them over the notebooks its download buttons offer (tools/book_fixes.py
calls :func:`write_downloads`).
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import mimetypes
import os
import posixpath
import re
import shutil
import sys
from ast import literal_eval
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent

GLUE_PREFIX = "application/papermill.record/"
# myst-nb's output priority for HTML (myst_nb.core.render.get_mime_priority).
MIME_PRIORITY = (
    "text/html",
    "image/svg+xml",
    "image/png",
    "image/gif",
    "image/jpeg",
    "text/markdown",
    "text/latex",
    "text/plain",
)
# Sphinx's numfig_format, plus sphinx-exercise's entry.
NUMFIG_FORMAT = {
    "figure": "Fig. %s",
    "table": "Table %s",
    "code-block": "Listing %s",
    "section": "Section %s",
    "exercise": "Exercise %s",
}
ADMONITIONS = {
    "admonition": "",
    "attention": "Attention",
    "caution": "Caution",
    "danger": "Danger",
    "error": "Error",
    "hint": "Hint",
    "important": "Important",
    "note": "Note",
    "seealso": "See also",
    "tip": "Tip",
    "warning": "Warning",
    "dropdown": "",
    "margin": "",
    "sidebar": "",
    "topic": "",
    "epigraph": "",
    "pull-quote": "",
    "highlights": "",
}
# Numbered amsmath environments (myst-parser numbers those without a star).
AMSMATH_NUMBERED = ("equation", "multline", "gather", "align", "alignat", "flalign", "eqnarray")

ROLE_NAME = re.compile(r"\{([a-zA-Z0-9_\-+:]+)\}")
EXPLICIT = re.compile(r"^(.+?)\s*(?<!\x00)<([^<]*?)>$", re.DOTALL)
HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
LABEL_LINE = re.compile(r"^ {0,3}\(([^()\s][^()]*)\)=\s*$")
FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,}|:{3,})(.*)$")
DIRECTIVE_INFO = re.compile(r"^\s*\{([a-zA-Z0-9_\-+:]+)\}\s*(.*?)\s*$")
MATH_OPEN = re.compile(r"^ {0,3}\$\$")
MATH_CLOSE_LABEL = re.compile(r"\$\$\s*(?:\(([^)$\r\n]+?)\))?\s*$")
AMSMATH_OPEN = re.compile(r"^ {0,3}\\begin\{(%s)(\*?)\}" % "|".join(AMSMATH_NUMBERED))
MD_SPECIAL = re.compile(r"([\\`*_\[\]<>$|~])")


# --------------------------------------------------------------------------- #
# myst-nb's formatting of {glue:text}
# --------------------------------------------------------------------------- #


def format_plain_text(text: str, fmt_spec: str) -> str:
    """Format a glued ``text/plain`` value exactly as myst-nb's ``glue:text`` does.

    A copy of ``myst_nb.core.variables.format_plain_text`` (importing myst-nb
    takes a second); tests/test_reader_converter.py checks the two agree.
    """
    try:
        value = literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if fmt_spec == "":
        return str(value)
    type_char = fmt_spec[-1]
    if type_char == "s":
        value = str(value)
    elif type_char in ("b", "c", "d", "o", "x", "X"):
        value = int(value)
    elif type_char in ("e", "E", "f", "F", "g", "G", "n", "%"):
        value = float(value)
    return format(value, fmt_spec)


def escape_markdown(text: str) -> str:
    """Text that Markdown shows literally (a glued string may hold ``*`` or ``$``)."""
    return MD_SPECIAL.sub(r"\\\1", text)


def glue_data(nb: Any) -> dict[str, dict]:
    """The glued values of a notebook, by name: mime type -> data, prefix removed."""
    found: dict[str, dict] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if not scrapbook:
                continue
            cut = len(scrapbook.get("mime_prefix", ""))
            found[scrapbook["name"]] = {k[cut:]: v for k, v in output.get("data", {}).items()}
    return found


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


# --------------------------------------------------------------------------- #
# Block structure of MyST Markdown
# --------------------------------------------------------------------------- #


@dataclass
class Text:
    lines: list[str]


@dataclass
class Fence:
    lines: list[str]


@dataclass
class Label:
    name: str


@dataclass
class MathBlock:
    body: str
    label: str | None
    lines: list[str]


@dataclass
class Directive:
    name: str
    argument: str
    options: dict[str, str]
    body: list[str]
    lines: list[str]


Block = Text | Fence | Label | MathBlock | Directive


def _parse_options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    """Split a directive's option block (``:key: value`` lines or YAML) from its body."""
    from myst_parser.parsers.options import options_to_items

    if body and body[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(body)) if body[i].strip() == "---")
        except StopIteration:
            return {}, body
        options = yaml.safe_load("\n".join(body[1:end])) or {}
        rest = body[end + 1 :]
        return {str(k): "" if v is None else str(v) for k, v in options.items()}, rest
    n = 0
    while n < len(body) and body[n].lstrip().startswith(":") and body[n].strip() != ":":
        n += 1
    items, _ = options_to_items("\n".join(line.strip()[1:] for line in body[:n]))
    rest = body[n:]
    if rest and not rest[0].strip():
        rest = rest[1:]
    return dict(items), rest


def parse_blocks(text: str) -> list[Block]:
    """Split MyST Markdown into text, code fences, labels, display math and directives."""
    lines = text.split("\n")
    blocks: list[Block] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            blocks.append(Text(prose.copy()))
            prose.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE_OPEN.match(line)
        if fence:
            marker = fence.group(2)
            info = fence.group(3)
            directive = DIRECTIVE_INFO.match(info)
            if marker[0] == ":" and not directive:
                prose.append(line)
                i += 1
                continue
            close = re.compile(r"^ {0,3}%s{%d,}\s*$" % (re.escape(marker[0]), len(marker)))
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            raw = lines[i : j + 1]
            body = lines[i + 1 : j]
            flush()
            if directive:
                options, content = _parse_options(body)
                blocks.append(
                    Directive(directive.group(1), directive.group(2), options, content, raw)
                )
            else:
                blocks.append(Fence(raw))
            i = j + 1
            continue
        label = LABEL_LINE.match(line)
        if label:
            flush()
            blocks.append(Label(label.group(1).strip()))
            i += 1
            continue
        if MATH_OPEN.match(line):
            start = line.index("$$") + 2
            first = line[start:]
            j = i
            closing = MATH_CLOSE_LABEL.search(first) if "$$" in first else None
            if closing:
                body = first[: closing.start()]
            else:
                body_lines = [first]
                j = i + 1
                while j < len(lines) and "$$" not in lines[j]:
                    body_lines.append(lines[j])
                    j += 1
                if j == len(lines):
                    prose.append(line)
                    i += 1
                    continue
                closing = MATH_CLOSE_LABEL.search(lines[j])
                if closing is None:  # text after the closing $$: leave it alone
                    prose.extend(lines[i : j + 1])
                    i = j + 1
                    continue
                body_lines.append(lines[j][: closing.start()])
                body = "\n".join(body_lines)
            flush()
            blocks.append(MathBlock(body, closing.group(1), lines[i : j + 1]))
            i = j + 1
            continue
        prose.append(line)
        i += 1
    flush()
    return blocks


def headings(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """The ATX headings among some lines of Markdown, as (level, text)."""
    for line in lines:
        match = HEADING.match(line)
        if match:
            yield len(match.group(1)), (match.group(2) or "").strip()


# --------------------------------------------------------------------------- #
# The book: table of contents, titles, labels and numbers
# --------------------------------------------------------------------------- #


@dataclass
class Doc:
    docname: str  # "chapters/01_forward_pass"
    path: Path
    secnum: tuple[int, ...]  # (3,) for chapter 3 of a numbered toc, () otherwise
    title: str = ""


@dataclass
class Target:
    docname: str
    kind: str  # "section", "figure", "table", "exercise", "equation", "other"
    title: str = ""  # Markdown source of a title or caption
    number: str = ""  # "1.2", or "" when not numbered


@dataclass
class Book:
    """What the converter needs to know about the whole book."""

    root: Path
    title: str = ""
    docs: dict[str, Doc] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)
    numfig_format: dict[str, str] = field(default_factory=dict)
    eqref_format: str = "({number})"
    math_numsep: str = "."
    secnum_depth: int = 1
    bibfiles: list[str] = field(default_factory=list)
    bibtex_style: str = "alpha"
    reference_style: str = "label"
    _notebooks: dict[str, Any] = field(default_factory=dict, repr=False)
    _glue: dict[str, dict] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, root: str | Path = ROOT) -> Book:
        root = Path(root).resolve()
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
        sphinx_config = (config.get("sphinx") or {}).get("config") or {}
        book = cls(
            root=root,
            title=str(config.get("title", "")),
            numfig_format={**NUMFIG_FORMAT, **(sphinx_config.get("numfig_format") or {})},
            eqref_format=sphinx_config.get("math_eqref_format") or "({number})",
            math_numsep=sphinx_config.get("math_numsep", "."),
            secnum_depth=int(sphinx_config.get("numfig_secnum_depth", 1)),
            bibfiles=list(
                config.get("bibtex_bibfiles") or sphinx_config.get("bibtex_bibfiles") or []
            ),
            bibtex_style=sphinx_config.get("bibtex_default_style", "alpha"),
            reference_style=sphinx_config.get("bibtex_reference_style", "label"),
        )
        book._read_toc()
        book._index()
        return book

    # -- table of contents ------------------------------------------------- #

    def _doc_path(self, docname: str) -> Path:
        for suffix in ("", ".ipynb", ".md"):
            path = self.root / (docname + suffix)
            if path.is_file():
                return path
        raise FileNotFoundError(f"{docname} in _toc.yml has no .ipynb or .md file")

    def _read_toc(self) -> None:
        toc = yaml.safe_load((self.root / "_toc.yml").read_text(encoding="utf-8"))
        defaults = toc.get("defaults") or {}
        chapter = 0

        def add(entry: dict, secnum: tuple[int, ...]) -> None:
            if "file" not in entry:
                return
            docname = re.sub(r"\.(ipynb|md)$", "", entry["file"])
            self.docs[docname] = Doc(docname, self._doc_path(docname), secnum)

        def walk(entries: list[dict], numbered: bool, prefix: tuple[int, ...]) -> None:
            nonlocal chapter
            count = 0
            for entry in entries or []:
                if numbered and not prefix:
                    chapter += 1
                    secnum: tuple[int, ...] = (chapter,)
                elif numbered:
                    count += 1
                    secnum = (*prefix, count)
                else:
                    secnum = ()
                add(entry, secnum)
                inner = entry.get("numbered", numbered)
                walk(entry.get("sections", []), bool(inner), secnum if inner else ())

        add({"file": toc["root"]}, ())
        if "parts" in toc:
            for part in toc["parts"]:
                numbered = part.get("numbered", toc.get("numbered", defaults.get("numbered")))
                walk(part.get("chapters", []), bool(numbered), ())
        else:
            numbered = toc.get("numbered", defaults.get("numbered"))
            walk(toc.get("chapters", []), bool(numbered), ())

    # -- labels, titles and numbers ---------------------------------------- #

    def _index(self) -> None:
        counters: dict[tuple[str, tuple[int, ...]], int] = {}

        def number(kind: str, doc: Doc) -> str:
            prefix = doc.secnum[: self.secnum_depth]
            counters[kind, prefix] = counters.get((kind, prefix), 0) + 1
            return ".".join(map(str, (*prefix, counters[kind, prefix])))

        for doc in self.docs.values():
            pending: list[str] = []
            for item in self.document_items(doc):
                if isinstance(item, Label):
                    pending.append(item.name.lower())
                    continue
                kind, title, name, numbered = item
                if kind == "heading" and not doc.title:
                    doc.title = title
                target_kind = "section" if kind == "heading" else kind
                num = number(kind, doc) if numbered else ""
                if kind == "equation":
                    num = self.math_numsep.join(num.rsplit(".", 1)) if num else ""
                names = pending + ([name.lower()] if name else [])
                pending = []
                for label in names:
                    self.targets[label] = Target(doc.docname, target_kind, title, num)

    def document_items(self, doc: Doc) -> Iterator[Any]:
        """The numbered and labelled things of a document, in reading order.

        Yields Label(name) for ``(name)=`` lines and (kind, title, name, numbered)
        for headings, figures, tables, exercises and display equations.
        """
        if doc.path.suffix == ".ipynb":
            nb = self.notebook(doc.docname)
            for cell in nb.cells:
                if cell.cell_type == "markdown":
                    yield from self._markdown_items(_text(cell.source))
                elif cell.cell_type == "code":
                    figure = figure_options(cell)
                    if figure is not None and has_display_output(cell):
                        name = str(figure.get("name", "") or "")
                        caption = str(figure.get("caption", "") or "")
                        yield ("figure", caption, name, bool(name and caption))
        else:
            text = doc.path.read_text(encoding="utf-8")
            if text.startswith("---\n"):
                end = text.find("\n---", 4)
                text = text[end + 4 :] if end > 0 else text
            yield from self._markdown_items(text)

    def _markdown_items(self, text: str) -> Iterator[Any]:
        for block in parse_blocks(text):
            if isinstance(block, Label):
                yield block
            elif isinstance(block, Text):
                for _, title in headings(block.lines):
                    yield ("heading", title, "", False)
                for line in block.lines:
                    match = AMSMATH_OPEN.match(line)
                    if match and not match.group(2):
                        yield ("equation", "", "", True)
            elif isinstance(block, MathBlock):
                yield ("equation", "", block.label or "", bool(block.label))
            elif isinstance(block, Directive):
                yield from self._directive_items(block)

    def _directive_items(self, block: Directive) -> Iterator[Any]:
        name, options = block.name, block.options
        label = options.get("label", "") or options.get("name", "")
        if name in ("exercise", "exercise-start"):
            yield ("exercise", block.argument, label, "nonumber" not in options)
        elif name in ("figure", "glue:figure"):
            caption = "\n".join(block.body).strip().split("\n\n")[0]
            yield (
                "figure",
                caption,
                options.get("name", ""),
                bool(options.get("name") and caption),
            )
        elif name in ("table", "list-table", "csv-table"):
            title = block.argument
            yield ("table", title, options.get("name", ""), bool(options.get("name") and title))
        elif name == "math":
            yield ("equation", "", options.get("label", ""), bool(options.get("label")))
        elif name in ADMONITIONS or name in ("solution", "solution-start"):
            yield from self._markdown_items("\n".join(block.body))
        elif label:
            yield ("other", block.argument, label, False)

    # -- notebooks and their glue ------------------------------------------ #

    def notebook(self, docname: str) -> Any:
        if docname not in self._notebooks:
            self._notebooks[docname] = nbformat.read(self.docs[docname].path, as_version=4)
        return self._notebooks[docname]

    def glue(self, docname: str) -> dict[str, dict]:
        if docname not in self._glue:
            self._glue[docname] = glue_data(self.notebook(docname))
        return self._glue[docname]

    def resolve_docname(self, target: str, fromdoc: str) -> str:
        """The docname a relative or absolute document path refers to."""
        target = re.sub(r"\.(ipynb|md)$", "", target.strip())
        if target.startswith("/"):
            docname = target.lstrip("/")
        else:
            docname = posixpath.normpath(posixpath.join(posixpath.dirname(fromdoc), target))
        return docname

    # -- citations ------------------------------------------------------- #

    @cached_property
    def _bibliography(self) -> tuple[list[str], dict, Any]:
        """Citation keys in the bibliography's order, their formatted entries, the style."""
        import pybtex.database
        import pybtex.plugin
        from sphinxcontrib.bibtex.plugin import find_plugin

        data = pybtex.database.BibliographyData()
        for bibfile in self.bibfiles:
            parsed = pybtex.database.parse_file(str(self.root / bibfile))
            for key, entry in parsed.entries.items():
                if key not in data.entries:
                    data.add_entry(key, entry)
        style = pybtex.plugin.find_plugin("pybtex.style.formatting", self.bibtex_style)()
        entries = list(style.sort(data.entries.values()))
        labels = list(style.format_labels(entries))
        formatted = {
            entry.key: (entry, style.format_entry(label, entry))
            for label, entry in zip(labels, entries)
        }
        reference_style = find_plugin(
            "sphinxcontrib.bibtex.style.referencing", self.reference_style
        )()
        return [entry.key for entry in entries], formatted, reference_style

    def cite(self, role: str, target: str) -> str:
        """A citation as sphinxcontrib-bibtex prints it, as plain text."""
        from pybtex.richtext import BaseMultipartText, Text
        from sphinxcontrib.bibtex.citation_target import parse_citation_targets
        from sphinxcontrib.bibtex.style.referencing import format_references
        from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo, SphinxReferenceText

        order, formatted, style = self._bibliography
        targets = {t.key: t for t in parse_citation_targets(target)}
        missing = set(targets) - set(formatted)
        if missing:
            raise KeyError(f"citation keys not in the bibliography: {sorted(missing)}")
        references = [
            (
                *formatted[key],
                SphinxReferenceInfo(None, "", "", key, None, targets[key].pre, targets[key].post),
            )
            for key in order
            if key in targets
        ]

        def plain(text: Any) -> Any:
            if isinstance(text, SphinxReferenceText):
                return Text(*[plain(part) for part in text.parts])
            if isinstance(text, BaseMultipartText):
                return text._create_similar([plain(part) for part in text.parts])
            return text

        return plain(format_references(style, role, references)).render_as("text")


def figure_options(cell: Any) -> dict | None:
    options = cell.get("metadata", {}).get("mystnb", {}).get("figure")
    return options if isinstance(options, dict) else None


def has_display_output(cell: Any) -> bool:
    """Whether a code cell shows a display output (the ones myst-nb wraps in a figure)."""
    for output in cell.get("outputs", []):
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue
        scrapbook = output.get("metadata", {}).get("scrapbook")
        if scrapbook and scrapbook.get("mime_prefix"):
            continue  # a glued value the book does not show here
        return True
    return False


# --------------------------------------------------------------------------- #
# Converting one notebook
# --------------------------------------------------------------------------- #


@dataclass
class CellBreak:
    """Start a new Markdown cell here (for exercise and solution headings)."""

    metadata: dict = field(default_factory=dict)


@dataclass
class Attachment:
    name: str
    mime: str
    data: str  # base64 or text, as nbformat stores it


Item = str | CellBreak | Attachment


class ConversionError(ValueError):
    pass


class Converter:
    """Converts the notebook of one document of a book."""

    def __init__(self, book: Book, docname: str) -> None:
        self.book = book
        self.docname = docname
        self.doc = book.docs[docname]
        self.section_level = 1  # level of the last heading of the source seen
        self.exercise_titles: dict[str, str] = {}
        self.attachments: list[Attachment] = []  # images waiting for their cell
        self.shown: list[tuple[str, str]] = []  # (role, Markdown) for every role converted

    # -- inline ------------------------------------------------------------ #

    def inline(self, text: str) -> str:
        """Replace the roles in a stretch of Markdown prose (not inside code or math)."""
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch == "\\" and i + 1 < n:
                out.append(text[i : i + 2])
                i += 2
                continue
            if ch == "{":
                match = ROLE_NAME.match(text, i)
                if match and match.end() < n and text[match.end()] == "`":
                    j = match.end()
                    while j < n and text[j] == "`":
                        j += 1
                    ticks = j - match.end()
                    close = text.find("`" * ticks, j + 1)
                    if close != -1:
                        content = text[j:close].replace("\n", " ")
                        out.append(self.role(match.group(1), content))
                        i = close + ticks
                        continue
            if ch == "`":
                j = i
                while j < n and text[j] == "`":
                    j += 1
                ticks = text[i:j]
                close = re.compile(r"(?<!`)%s(?!`)" % ticks).search(text, j)
                if close:
                    out.append(text[i : close.end()])
                    i = close.end()
                else:
                    out.append(ticks)
                    i = j
                continue
            if ch == "$":
                end = self._math_end(text, i)
                if end:
                    out.append(text[i:end])
                    i = end
                    continue
            out.append(ch)
            i += 1
        return "".join(out)

    @staticmethod
    def _math_end(text: str, i: int) -> int:
        """End of the inline math starting at ``text[i]`` (a ``$``), or 0 if none."""
        if text.startswith("$$", i):
            close = text.find("$$", i + 2)
            return close + 2 if close != -1 else 0
        if i + 1 >= len(text) or text[i + 1].isspace():
            return 0
        j = i + 1
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text[j] == "$":
                if text[j - 1].isspace() or (j + 1 < len(text) and text[j + 1].isdigit()):
                    return 0
                return j + 1
            j += 1
        return 0

    def role(self, name: str, content: str) -> str:
        """What the book shows for one role, as Markdown."""
        shown = self._role(name, content)
        self.shown.append((name, shown))
        return shown

    def _role(self, name: str, content: str) -> str:
        explicit = EXPLICIT.match(content)
        text, target = (explicit.group(1), explicit.group(2)) if explicit else (None, content)
        if name == "glue:text":
            return self.glue_text(content)
        if name in ("glue", "glue:", "glue:any"):
            return self.glue_any(content, inline=True)
        if name == "glue:md":
            return self.glue_md(content)
        if name == "term":
            return text if text is not None else content
        if name in ("ref", "numref", "doc", "eq"):
            return self.reference(name, text, target)
        if name == "cite" or name.startswith("cite:"):
            role = name.split(":", 1)[1] if ":" in name else "p"
            return self.book.cite(role, content)
        if name == "math":
            return f"${content}$"
        if name in ("sub", "sup"):
            return f"<{name}>{content}</{name}>"
        if name == "abbr":
            return text if text is not None else content
        # {index}, {download}, {kbd}, {code}, {py:func} ...: what the page shows
        return text if text is not None else content

    def reference(self, name: str, text: str | None, target: str) -> str:
        fmt = self.book.numfig_format
        if name == "doc":
            if text is not None:
                return text
            docname = self.book.resolve_docname(target, self.docname)
            if docname not in self.book.docs:
                raise ConversionError(f"{self.docname}: {{doc}} to unknown document {target!r}")
            return f"*{self.title_of(docname)}*"
        label = target.strip().lower()
        found = self.book.targets.get(label)
        if found is None:
            raise ConversionError(f"{self.docname}: {{{name}}} to unknown label {target!r}")
        if name == "eq":
            if not found.number:
                raise ConversionError(f"{self.docname}: {{eq}} to unnumbered {target!r}")
            return self.book.eqref_format.format(number=found.number)
        if name == "numref":
            pattern = text if text is not None else fmt.get(found.kind, "%s")
            return (
                pattern.replace("%s", found.number)
                .replace("{number}", found.number)
                .replace("{name}", self.title_markdown(found))
            )
        if text is not None:
            return text
        if found.kind == "exercise" and found.number:  # sphinx-exercise: numref style
            return fmt["exercise"] % found.number
        if found.kind == "section":
            return f"*{self.title_markdown(found)}*"
        return self.title_markdown(found)

    def title_of(self, docname: str) -> str:
        doc = self.book.docs[docname]
        return self._convert_title(docname, doc.title)

    def title_markdown(self, target: Target) -> str:
        return self._convert_title(target.docname, target.title)

    def _convert_title(self, docname: str, title: str) -> str:
        return Converter(self.book, docname).inline(title)

    # -- glue ------------------------------------------------------------- #

    def _glued(self, key: str) -> dict:
        docname = self.docname
        if "::" in key:
            path, key = key.split("::", 1)
            docname = self.book.resolve_docname(path, self.docname)
        try:
            return self.book.glue(docname)[key]
        except KeyError:
            raise ConversionError(f"{self.docname}: no glued value {key!r} in {docname}") from None

    def glue_text(self, content: str) -> str:
        parts = content.rsplit(":", 1)
        key, fmt = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "s")
        data = self._glued(key)
        if "text/plain" not in data:
            raise ConversionError(f"{self.docname}: glued {key!r} has no text/plain")
        return escape_markdown(format_plain_text(_text(data["text/plain"]), fmt))

    def glue_md(self, content: str) -> str:
        parts = content.rsplit(":", 1)
        key, fmt = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "commonmark")
        data = self._glued(key)
        if "text/markdown" not in data:
            raise ConversionError(f"{self.docname}: glued {key!r} has no text/markdown")
        markdown = _text(data["text/markdown"]).strip()
        return self.inline(markdown) if fmt == "myst" else markdown

    def glue_any(self, key: str, inline: bool) -> str:
        data = self._glued(key)
        mime = next((m for m in MIME_PRIORITY if m in data), None)
        if mime is None:
            raise ConversionError(f"{self.docname}: glued {key!r} has nothing to show")
        value = data[mime]
        if mime.startswith("image/"):
            return self.attach(re.sub(r"[^\w.-]", "_", key.split("::")[-1]), mime, value, key)
        value = _text(value)
        if mime == "text/plain":
            return escape_markdown(value) if inline else f"```text\n{value.rstrip()}\n```"
        return value.strip()

    # -- blocks ------------------------------------------------------------ #

    def blocks(self, text: str) -> list[Item]:
        items: list[Item] = []
        for block in parse_blocks(text):
            if isinstance(block, Text):
                for level, _ in headings(block.lines):
                    self.section_level = level
                paragraphs = re.split(r"\n[ \t]*\n", "\n".join(block.lines))
                items += [self.inline(p.strip("\n")) for p in paragraphs if p.strip()]
            elif isinstance(block, Fence):
                items.append("\n".join(block.lines))
            elif isinstance(block, Label):
                continue
            elif isinstance(block, MathBlock):
                items.append(self.math(block.body, block.label))
            else:
                items += self.directive(block)
            items += self.attachments
            self.attachments = []
        return items

    def math(self, body: str, label: str | None) -> str:
        body = body.strip("\n")
        if label:
            found = self.book.targets.get(label.lower())
            if found and found.number:
                body = f"{body.rstrip()} \\tag{{{found.number}}}"
        return f"$${body}$$"

    def directive(self, block: Directive) -> list[Item]:
        name, arg, options = block.name, block.argument, block.options
        body = "\n".join(block.body)
        if name in ("exercise", "exercise-start"):
            level = min(self.section_level + 1, 6)
            label = (options.get("label") or "").lower()
            found = self.book.targets.get(label)
            title = "Exercise"
            if "nonumber" not in options and found and found.number:
                title = self.book.numfig_format["exercise"] % found.number
            if arg:
                title += f" ({self.inline(arg)})"
            self.exercise_titles[label] = title
            return [CellBreak(), "#" * level + " " + title, *self.blocks(body)]
        if name in ("solution", "solution-start"):
            level = min(self.section_level + 2, 6)
            title = self.exercise_titles.get(arg.strip().lower())
            if title is None:
                found = self.book.targets.get(arg.strip().lower())
                title = self.book.numfig_format["exercise"] % found.number if found else "Exercise"
            metadata = {}
            if "dropdown" in options.get("class", "").split():
                metadata["jp-MarkdownHeadingCollapsed"] = True
            # The heading alone in its cell: folding it folds the whole solution.
            heading = "#" * level + f" Solution to {title}"
            return [CellBreak(metadata), heading, CellBreak(), *self.blocks(body)]
        if name in ("exercise-end", "solution-end"):
            return []
        if name == "literalinclude":
            return [self.literalinclude(arg, options)]
        if name in ("code-block", "code", "sourcecode", "code-cell"):
            language = arg.split()[0] if arg else ""
            return [f"```{language}\n{body}\n```"]
        if name == "math":
            label = options.get("label")
            return [self.math(body, label)]
        if name in ("glue", "glue:", "glue:any"):
            return [self.glue_any(arg, inline=False)]
        if name == "glue:md":
            return [self.glue_md(f"{arg}:{options.get('format', 'commonmark')}")]
        if name == "glue:math":
            latex = _text(self._glued(arg).get("text/latex", "")).strip().strip("$")
            return [self.math(latex, options.get("label"))]
        if name == "glue:figure":
            return [self.glue_any(arg, inline=False), *self.caption(options.get("name", ""), body)]
        if name == "figure":
            return [*self.image(arg, options), *self.caption(options.get("name", ""), body)]
        if name == "image":
            return self.image(arg, options)
        if name in ("table", "list-table", "csv-table"):
            found = self.book.targets.get((options.get("name") or "").lower())
            head = self.inline(arg)
            if found and found.number:
                head = f"**{self.book.numfig_format['table'] % found.number}** {head}"
            return ([head] if head else []) + self.blocks(body)
        if name in ADMONITIONS:
            title = self.inline(arg) if arg else ADMONITIONS[name]
            inner = self._join(i for i in self.blocks(body) if isinstance(i, str))
            quoted = "\n".join(("> " + line).rstrip() for line in inner.split("\n"))
            return [f"> **{title}**\n>\n{quoted}" if title else quoted]
        if name in ("bibliography", "glossary", "toctree", "tableofcontents", "raw"):
            return [] if name != "raw" or arg.strip() != "html" else [body]
        # anything else: its content, as prose
        return self.blocks(body)

    def caption(self, name: str, caption: str) -> list[Item]:
        caption = caption.strip()
        if not caption:
            return []
        found = self.book.targets.get(name.lower()) if name else None
        text = self.inline(caption)
        if found and found.number:
            return [f"**{self.book.numfig_format['figure'] % found.number}** {text}"]
        return [f"*{text}*"]

    def attach(self, stem: str, mime: str, data: Any, alt: str) -> str:
        """Markdown showing an image stored as an attachment of its cell."""
        name = stem + (mimetypes.guess_extension(mime) or "")
        self.attachments.append(Attachment(name, mime, data))
        return f"![{alt}](attachment:{name})"

    def image(self, path: str, options: dict) -> list[Item]:
        alt = options.get("alt", "")
        if re.match(r"^[a-z]+://", path):
            return [f"![{alt}]({path})"]
        file = (self.doc.path.parent / path).resolve()
        if not file.is_file():
            raise ConversionError(f"{self.docname}: image {path!r} not found")
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        data = (
            file.read_text(encoding="utf-8")
            if mime == "image/svg+xml"
            else base64.b64encode(file.read_bytes()).decode("ascii")
        )
        return [self.attach(file.stem, mime, data, alt)]

    def literalinclude(self, path: str, options: dict[str, str]) -> str:
        from sphinx.directives.code import LiteralIncludeReader

        file = (self.doc.path.parent / path).resolve()
        typed: dict[str, Any] = {}
        for key, value in options.items():
            if key in ("dedent", "tab-width", "lineno-start"):
                typed[key] = int(value) if value.strip() else None
            elif value == "" and key not in ("prepend", "append"):
                typed[key] = True
            else:
                typed[key] = value
        reader = LiteralIncludeReader(
            str(file), typed, SimpleNamespace(source_encoding="utf-8-sig")
        )
        text, _ = reader.read()
        language = options.get("language") or {".py": "python"}.get(file.suffix, "")
        caption = options.get("caption")
        code = f"```{language}\n{text.rstrip()}\n```"
        return f"{self.inline(caption)}\n\n{code}" if caption else code

    @staticmethod
    def _join(items: Iterable[str]) -> str:
        return "\n\n".join(item.strip("\n") for item in items if item.strip())

    # -- whole notebook ---------------------------------------------------- #

    def header(self) -> str:
        page = self.docname + ".html"
        title = self.title_of(self.docname) if self.doc.title else self.docname
        return (
            f"> **{self.book.title}** · *{title}*\n"
            ">\n"
            f"> This notebook is generated from the book's chapter `{self.docname}.ipynb`"
            f" (the page `{page}`). The text shows every number, reference and exercise"
            " as the book prints them; the code cells are the chapter's own.\n"
            ">\n"
            "> To run it you need the book's `backprop` package and `myst-nb` (it provides"
            " `glue`). From a clone of the book's repository, `make lab` installs both and"
            " opens the chapters in JupyterLab; in an environment of your own, run"
            " `pip install -e . myst-nb` in the clone. Then run the cells from the top"
            " (*Run → Run All Cells*)."
        )

    def convert(self) -> Any:
        source = self.book.notebook(self.docname)
        nb = nbformat.v4.new_notebook()
        nb.nbformat, nb.nbformat_minor = source.nbformat, source.nbformat_minor
        nb.metadata = copy.deepcopy(source.metadata)
        header = nbformat.v4.new_markdown_cell(self.header())
        header.id = "reader-notebook"
        nb.cells.append(header)
        for cell in source.cells:
            if cell.cell_type == "markdown":
                if "remove-cell" in cell.get("metadata", {}).get("tags", []):
                    continue
                nb.cells += self.markdown_cells(cell)
            else:
                nb.cells.append(copy.deepcopy(cell))
                figure = figure_options(cell) if cell.cell_type == "code" else None
                if figure and figure.get("caption") and has_display_output(cell):
                    [caption] = self.caption(str(figure.get("name", "")), str(figure["caption"]))
                    caption_cell = nbformat.v4.new_markdown_cell(caption)
                    caption_cell.id = _cell_id(cell.get("id", "figure"), "caption")
                    nb.cells.append(caption_cell)
        nbformat.validate(nb)
        return nb

    def markdown_cells(self, cell: Any) -> list[Any]:
        items = self.blocks(_text(cell.source))
        cells: list[Any] = []
        current: list[Item] = []
        metadata: dict = copy.deepcopy(dict(cell.get("metadata", {})))

        def close() -> None:
            text = self._join(i for i in current if isinstance(i, str))
            if text:
                new = nbformat.v4.new_markdown_cell(text, metadata=metadata)
                attachments = {
                    a.name: {a.mime: a.data} for a in current if isinstance(a, Attachment)
                }
                if attachments:
                    new.attachments = attachments
                base = cell.get("id") or "cell"
                new.id = base if not cells else _cell_id(base, str(len(cells)))
                cells.append(new)

        for item in items:
            if isinstance(item, CellBreak):
                close()
                current = []
                metadata = dict(item.metadata)
            else:
                current.append(item)
        close()
        return cells


def _cell_id(base: str, suffix: str) -> str:
    return f"{base[: 63 - len(suffix)]}-{suffix}"


# --------------------------------------------------------------------------- #
# Entry points
# --------------------------------------------------------------------------- #


def chapters(book: Book) -> list[str]:
    """The docnames of the book's notebooks, in reading order."""
    return [d.docname for d in book.docs.values() if d.path.suffix == ".ipynb"]


def reader_notebook(docname: str, book: Book | None = None) -> Any:
    """The reader's notebook of one chapter (an nbformat NotebookNode)."""
    book = book or Book.load()
    return Converter(book, docname).convert()


def reader_notebook_text(docname: str, book: Book | None = None) -> str:
    """The reader's notebook as the text of an .ipynb file."""
    return nbformat.writes(reader_notebook(docname, book)) + "\n"


def write_notebooks(
    outdir: str | Path, root: str | Path = ROOT, docnames=None, update: bool = False
) -> list[Path]:
    """Write reader's notebooks into one folder, by file name; return the paths written.

    Without docnames, every chapter of the book. With update, a notebook newer than
    its chapter is left as it is (a reader may have run and edited it).
    """
    book = Book.load(root)
    docnames = list(docnames or chapters(book))
    names = [posixpath.basename(d) for d in docnames]
    if len(set(names)) < len(names):
        raise ValueError(f"two chapters share a file name: {sorted(names)}")
    Path(outdir).mkdir(parents=True, exist_ok=True)
    written = []
    for docname, name in zip(docnames, names):
        path = Path(outdir) / f"{name}.ipynb"
        source = book.docs[docname].path
        if update and path.exists() and path.stat().st_mtime >= source.stat().st_mtime:
            continue
        path.write_text(reader_notebook_text(docname, book), encoding="utf-8")
        written.append(path)
    return written


# What a reader's notebook can be made from: everything in the book's folder but these
# folders, and hidden ones (.git, .venv, the test runner's caches, ...).
NOT_SOURCES = {"_build", "locales", "node_modules", "__pycache__"}


def sources_fingerprint(root: str | Path = ROOT) -> str:
    """A fingerprint of every file a reader's notebook can be made from.

    A conversion reads the chapters, the configuration, the bibliography, images
    and, through ``literalinclude``, the package's own source: every file of the
    book's folder (but builds, hidden folders such as caches and virtual
    environments, and the translations) goes into the fingerprint, with its
    name, and so does this converter.
    """
    root = Path(root).resolve()
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(
            d
            for d in subfolders
            if d not in NOT_SOURCES and not d.startswith(".") and not d.endswith(".egg-info")
        )
        for name in sorted(files):
            path = Path(folder) / name
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def write_downloads(
    html_outdir: str | Path,
    root: str | Path = ROOT,
    sourcelink_suffix: str = "",
    cache: str | Path | None = None,
) -> list[Path]:
    """Put each chapter's reader's notebook where its page's download button points.

    Sphinx copies a page's source to ``_sources/<docname><suffix><sourcelink_suffix>``
    and the theme's download button links there. This writes the reader's notebook
    over that copy, for every notebook page of the book, so that any edition built
    from these notebooks (the English book, a translation in a subfolder) offers
    the same reader's notebooks.

    With a ``cache`` folder, the notebooks are kept there under the fingerprint of
    their sources (:func:`sources_fingerprint`), and a build whose sources have
    not changed since (the second edition of the same build, say) copies them
    instead of converting every chapter again (about 2.5 s).
    """
    book = Book.load(root)
    kept = Path(cache) / sources_fingerprint(root) if cache is not None else None
    docnames = chapters(book)
    written = []
    for docname in docnames:
        sourcename = docname + ".ipynb"
        if sourcelink_suffix != ".ipynb":
            sourcename += sourcelink_suffix
        path = Path(html_outdir) / "_sources" / sourcename
        path.parent.mkdir(parents=True, exist_ok=True)
        copy_of = kept / f"{docname}.ipynb" if kept is not None else None
        if copy_of is not None and copy_of.is_file():
            text = copy_of.read_text(encoding="utf-8")
        else:
            text = reader_notebook_text(docname, book)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    if kept is not None and not kept.is_dir():  # every chapter converted: keep them
        shutil.rmtree(Path(cache), ignore_errors=True)  # older fingerprints are of no use
        for docname, path in zip(docnames, written):
            (kept / f"{docname}.ipynb").parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, kept / f"{docname}.ipynb")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="chapter notebooks (default: all)")
    parser.add_argument("--out", help="output folder (default: _build/notebooks of the book)")
    parser.add_argument("--root", default=str(ROOT), help="the book's folder")
    parser.add_argument(
        "--update", action="store_true", help="leave notebooks newer than their chapter alone"
    )
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    docnames = [
        Path(p).resolve().relative_to(root).with_suffix("").as_posix() for p in args.notebooks
    ]
    out = Path(args.out) if args.out else root / "_build" / "notebooks"
    try:
        for path in write_notebooks(out, root, docnames or None, update=args.update):
            print(f"wrote {path}")
    except ConversionError as error:
        print(f"reader_notebooks: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
