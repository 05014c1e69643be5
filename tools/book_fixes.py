"""A small Sphinx extension with the book's fixes to its HTML pages.

Jupyter Book 1.x registers sphinx-thebe's configuration script twice, and the
second copy re-declares a ``const``: every page then logs a JavaScript error.
This extension drops exact duplicates from each page's list of scripts.

It also makes the download button of each chapter offer the reader's notebook
(see tools/reader_notebooks.py) instead of the source notebook.

Two accessibility fixes (found by axe-core in tests/book/test_browser.py): the
entries of the bibliography become list items of their list, and the book's
title at the top of the sidebar sits in a navigation landmark.

Code blocks are drawn with fewer elements: the tokens the book's colours show as
plain text (names, punctuation, spaces: more than half of a chapter's code
tokens) are left as text instead of each in a span of its own. A long chapter
has about 4,000 elements fewer (of 14,000), and the page looks the same (a
pixel comparison of the code blocks found only anti-aliasing moved, no glyph);
tests/book/test_pages.py checks that those tokens' colour is the text's colour.

Four fixes make the build faster, each keeping the answers as they are:
pybtex looks its plugins up in the installed packages' entry points on every
citation (about 160 times a build, 10 ms each); Sphinx unpickles a whole
chapter's doctree for every {numref} that points into it (about 60 times a
build, 25-40 ms each) only to read the number of the figure or equation; the
Chinese search index looks each word up in a list of every Latin word of the
edition so far (about 11,000 look-ups in a list that grows to tens of
thousands: 2 s of the Chinese build); and myst-parser makes a spare docutils
document for every piece of Markdown it parses (3 ms each).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"


def _drop_duplicate_scripts(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[str] = set()
    unique = []
    for script in scripts:
        # An inline script has no file name ('' or None) and is known by its body.
        body = (getattr(script, "attributes", {}) or {}).get("body")
        key = f"body:{body}" if body else f"file:{getattr(script, 'filename', script)}"
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def _offer_reader_notebooks(app: Any, exception: Exception | None) -> None:
    """Make each chapter's download button offer the reader's notebook.

    The button links to the page's source copied into ``_sources/``; this writes
    the reader's notebook (tools/reader_notebooks.py: glued numbers, references
    and exercises written out) over that copy once the HTML is built. Any build
    of these notebooks (a translation in a subfolder too) offers the same files.
    """
    if exception is not None or app.builder.format != "html" or not app.config.html_copy_source:
        return
    from reader_notebooks import ConversionError, write_downloads
    from sphinx.util import logging

    try:
        write_downloads(
            app.outdir,
            app.srcdir,
            app.config.html_sourcelink_suffix,
            cache=Path(app.srcdir) / "_build" / ".reader-notebooks",
        )
    except (ConversionError, OSError) as error:
        logging.getLogger(__name__).warning(
            "reader's notebooks: %s", error, type="book_fixes", subtype="reader_notebooks"
        )


def _cite_as_list_items(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Give each bibliography entry the role its list needs.

    docutils writes a citation list as ``<div role="list">`` whose entries carry
    ``role="doc-biblioentry"``, a role that ARIA 1.3 deprecates and that no
    longer counts as a list item: screen readers then meet a list with no
    items (axe-core: aria-required-children, critical; aria-deprecated-role and
    aria-allowed-role on each entry).  Each entry becomes a ``listitem``.
    """
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _title_in_a_landmark(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Put the book's title at the top of the sidebar inside a navigation landmark.

    sphinx-book-theme shows it (a link to the first page) outside every
    landmark, so a screen reader's landmark list skips it (axe-core: region).
    ``templates/book-navbar-logo.html`` wraps the theme's own template in a
    ``<nav>`` labelled "Home" (translated by the theme).
    """
    sidebars = context.get("sidebars")
    if sidebars and "navbar-logo.html" in sidebars:
        context["sidebars"] = [
            "book-navbar-logo.html" if name == "navbar-logo.html" else name for name in sidebars
        ]


# Token types that pygments.css colours exactly as the text of a code block, in the
# light and the dark theme alike (tests/book/test_pages.py checks it).
PLAIN_TOKENS = ("Name", "Punctuation", "Text.Whitespace")


def _code_with_plain_tokens_as_text() -> None:
    """Make Sphinx's HTML highlighter write a plain-looking token as bare text.

    Pygments' HTML formatter gives every token of a type with a CSS class its own
    ``<span>``; a token of type ``Text`` has no class, and runs of text merge into
    one. Passing the types of ``PLAIN_TOKENS`` on as ``Text`` changes the
    markup, not what a reader sees, copies or searches.
    """
    from pygments.formatters import HtmlFormatter
    from pygments.token import Text, string_to_tokentype
    from sphinx.highlighting import PygmentsBridge

    if getattr(PygmentsBridge.html_formatter, "book_plain", False):
        return
    plain = {string_to_tokentype(name) for name in PLAIN_TOKENS}

    class PlainTokensFormatter(HtmlFormatter):
        book_plain = True

        def format_unencoded(self, tokensource: Any, outfile: Any) -> None:
            tokens = ((Text if kind in plain else kind, value) for kind, value in tokensource)
            super().format_unencoded(tokens, outfile)

    PygmentsBridge.html_formatter = PlainTokensFormatter


def _add_templates(app: Any, config: Any) -> None:
    config.templates_path = [*config.templates_path, str(TEMPLATES)]


def _remember_pybtex_entry_points() -> None:
    """Make pybtex's entry-point lookup remember its answers (the same for a whole build)."""
    import functools

    import pybtex.plugin

    lookup = pybtex.plugin.entry_points
    if getattr(lookup, "cache_info", None) is None:
        pybtex.plugin.entry_points = functools.lru_cache(maxsize=None)(lookup)


class _Words(set):
    """A set that takes words the way Sphinx's Chinese search adds them to its list."""

    def extend(self, words: Any) -> None:
        self.update(words)


def _latin_terms_as_a_set() -> None:
    """Let the Chinese search index ask ``word in latin_terms`` of a set, not a list.

    ``SearchChinese`` only ever extends ``latin_terms`` and asks whether a word is
    in it, so a set gives the same answers without scanning the list each time.
    """
    from sphinx.search.zh import SearchChinese

    if not isinstance(SearchChinese.latin_terms, _Words):
        SearchChinese.latin_terms = _Words(SearchChinese.latin_terms)


def _no_document_made_in_vain() -> None:
    """Let myst-parser make a spare docutils document only when it needs one.

    ``DocutilsRenderer.setup_render`` reads ``options.get("document",
    make_document())``, and Python makes the default even when a document is
    given: new default settings for every piece of Markdown parsed (3 ms each;
    the Chinese edition parses each of its 1,170 translated messages apart).
    While a document is given, ``make_document`` is not asked for one.
    """
    from myst_parser.mdit_to_docutils import base

    setup_render = base.DocutilsRenderer.setup_render
    if getattr(setup_render, "book_lazy", False):
        return

    def not_needed(*args: Any, **kwargs: Any) -> None:
        return None

    def setup_render_lazily(self: Any, options: dict, env: Any) -> None:
        if "document" not in options:
            return setup_render(self, options, env)
        make_document = base.make_document
        base.make_document = not_needed
        try:
            return setup_render(self, options, env)
        finally:
            base.make_document = make_document

    setup_render_lazily.book_lazy = True  # type: ignore[attr-defined]
    base.DocutilsRenderer.setup_render = setup_render_lazily  # type: ignore[method-assign]


# The doctrees the {numref}s of the current build read: (environment, {docname: doctree}).
_NUMREF_DOCTREES: list[Any] = [None, {}]


def _read_numref_targets_once() -> None:
    """Let Sphinx's {numref} resolution unpickle each target doctree once per build.

    ``StandardDomain._resolve_numref_xref`` reads ``env.get_doctree(docname)``
    only to find the target node and its type and number; it changes nothing.
    Within one build (one environment) the doctrees on disk do not change while
    references are resolved, so the first copy serves every later reference.
    """
    from sphinx.domains.std import StandardDomain

    resolve = StandardDomain._resolve_numref_xref
    if getattr(resolve, "book_once", False):
        return

    def resolve_once(self: Any, env: Any, *args: Any, **kwargs: Any) -> Any:
        if _NUMREF_DOCTREES[0] is not env:
            _NUMREF_DOCTREES[:] = [env, {}]
        trees = _NUMREF_DOCTREES[1]
        read = env.get_doctree

        def get_doctree(docname: str) -> Any:
            if docname not in trees:
                trees[docname] = read(docname)
            return trees[docname]

        env.get_doctree = get_doctree
        try:
            return resolve(self, env, *args, **kwargs)
        finally:
            del env.get_doctree

    resolve_once.book_once = True  # type: ignore[attr-defined]
    StandardDomain._resolve_numref_xref = resolve_once  # type: ignore[method-assign]


def _forget_numref_doctrees(app: Any, exception: Exception | None) -> None:
    _NUMREF_DOCTREES[:] = [None, {}]


def setup(app: Any) -> dict:
    _remember_pybtex_entry_points()
    _read_numref_targets_once()
    _latin_terms_as_a_set()
    _no_document_made_in_vain()
    _code_with_plain_tokens_as_text()
    app.connect("build-finished", _forget_numref_doctrees)
    app.connect("config-inited", _add_templates)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", _cite_as_list_items)
    app.connect("html-page-context", _title_in_a_landmark)
    app.connect("build-finished", _offer_reader_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
