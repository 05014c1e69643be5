"""A small Sphinx extension with the book's fixes to its HTML pages.

Jupyter Book 1.x registers sphinx-thebe's configuration script twice, and the
second copy re-declares a ``const``: every page then logs a JavaScript error.
This extension drops exact duplicates from each page's list of scripts.
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


def setup(app: Any) -> dict:
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
