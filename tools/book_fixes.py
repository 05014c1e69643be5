"""A small Sphinx extension with the book's fixes to its HTML pages.

Jupyter Book 1.x registers sphinx-thebe's configuration script twice, and the
second copy re-declares a ``const``: every page then logs a JavaScript error.
This extension drops exact duplicates from each page's list of scripts.

It also makes the download button of each chapter offer the reader's notebook
(see tools/reader_notebooks.py) instead of the source notebook.
"""

from __future__ import annotations

from typing import Any


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
        write_downloads(app.outdir, app.srcdir, app.config.html_sourcelink_suffix)
    except (ConversionError, OSError) as error:
        logging.getLogger(__name__).warning(
            "reader's notebooks: %s", error, type="book_fixes", subtype="reader_notebooks"
        )


def setup(app: Any) -> dict:
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("build-finished", _offer_reader_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
