"""Translations of the book: the Sphinx side of the Chinese edition.

The Chinese edition is built from the same notebooks as the English one, with
Sphinx's gettext workflow: ``tools/translations.py extract`` writes a template of
every message (paragraph, heading, list item, caption, alt text) and updates the
catalogs in ``locales/<language>/LC_MESSAGES/``; a build with ``language`` set
replaces each message by its translation.  Code, the outputs of code cells (tables,
formulas, figures) and display formulas are the same in every language, so they are
kept out of the catalogs.

This extension makes that work with notebooks:

* cell outputs and display math are marked untranslatable, so the catalogs hold
  only the book's prose (and the outputs stay exactly as nbval checked them);
  a figure's caption and its image's alt text are prose, and are translated;
* a translated paragraph is parsed on its own, without the notebook it came
  from, so its ``{glue:text}`` roles would find no glued values: the notebook's
  glue data, remembered while the notebook's own roles were read, is handed to it;
* the captions of the table of contents' parts are inserted after translation
  has run, and images' alt text is not collected by Sphinx: both are
  translated here;
* each page links to the same page in the other edition.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain

#: The editions: language code -> (folder under the English site, name in its language).
EDITIONS = {"en": ("", "English"), "zh_CN": ("zh_CN", "中文")}


class KeepOutputsUntranslated(SphinxTransform):
    """Mark code-cell outputs and display math as not for translation.

    Runs before Sphinx's own i18n transform (priority 20) and before the gettext
    builder collects messages, so neither sees them.
    """

    default_priority = 10

    def apply(self, **kwargs: Any) -> None:
        for container in self.document.findall(nodes.container):
            if "cell_output" in container.get("classes", []):
                for node in container.findall(nodes.TextElement):
                    if not _in_caption(node):  # a figure's caption is prose
                        node["translatable"] = False
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False


def _in_caption(node: nodes.Node) -> bool:
    while node is not None:
        if isinstance(node, (nodes.caption, nodes.legend)):
            return True
        node = node.parent
    return False


class ForgetTranslationDocuments(SphinxTransform):
    """Point the nodes of translated paragraphs at the page, not their own document.

    Sphinx parses each translation as a little document of its own; some of its
    nodes (references, for one) keep a pointer to it, and through its settings
    to the whole build environment.  Pickled with the page, that makes every
    page of the edition carry the environment along: the doctrees grow page by
    page and take seconds to load.
    """

    default_priority = 21  # just after the translation (20)

    def apply(self, **kwargs: Any) -> None:
        for node in self.document.findall():
            if getattr(node, "_document", None) not in (None, self.document):
                node._document = None  # it finds the page through its parents


class TranslateWhatSphinxMisses(SphinxTransform):
    """Translate the part captions of the table of contents, and images' alt text.

    sphinx-external-toc inserts the toctrees (priority 100) after translation
    has run, and Sphinx's gettext builder does not collect the alt text of the
    images myst-nb renders from cell outputs; both are looked up in the page's
    catalog here (``tools/translations.py`` puts the alt texts there).
    """

    default_priority = 110

    def apply(self, **kwargs: Any) -> None:
        config = self.config
        if not config.language or config.language == "en":
            return
        domain = docname_to_domain(self.env.docname, config.gettext_compact)
        dirs = [str(Path(self.env.srcdir, d)) for d in config.locale_dirs]
        catalog, found = init_locale(dirs, config.language, domain)
        if not found:
            return
        for toctree in self.document.findall(addnodes.toctree):
            if toctree.get("caption"):
                toctree["caption"] = catalog.gettext(toctree["caption"])
        translations = set(getattr(catalog, "_catalog", {}).values())
        for image in self.document.findall(nodes.image):
            alt = image.get("alt")
            if alt and catalog.gettext(alt) != alt:
                image["alt"] = catalog.gettext(alt)
            if alt and image["alt"] in translations:
                # Sphinx translates some alt texts itself but leaves them marked
                # untranslated; either way the image now speaks the edition's language.
                image["translated"] = True


def _patch_glue_retrieval() -> None:
    """Let glue roles in a translated paragraph read the notebook's glue data."""
    from myst_nb.ext.glue import directives, roles, utils

    original = utils.retrieve_glue_data
    if getattr(original, "book_i18n", False):
        return

    def retrieve_glue_data(document: nodes.document, key: str):
        env = getattr(document.settings, "env", None)
        if env is not None:
            stash = env.temp_data.setdefault("book_nb_renderer", {})
            if "nb_renderer" in document:  # the notebook itself, while it is parsed
                stash[env.docname] = document["nb_renderer"]
            elif env.docname in stash:  # a translated paragraph, parsed on its own
                document["nb_renderer"] = stash[env.docname]
                try:
                    return original(document, key)
                finally:  # the translated nodes join the page, which must stay picklable
                    del document["nb_renderer"]
        return original(document, key)

    retrieve_glue_data.book_i18n = True  # type: ignore[attr-defined]
    for module in (utils, roles, directives):
        if hasattr(module, "retrieve_glue_data"):
            module.retrieve_glue_data = retrieve_glue_data


def translated_pages(srcdir: str | Path, language: str = "zh_CN") -> set[str]:
    """The pages that have a catalog for ``language``, as docnames."""
    folder = Path(srcdir, "locales", language, "LC_MESSAGES")
    return {p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob("*.po")}


def _edition_link(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Put a link to the same page in the other edition at the top of every page."""
    if doctree is None:
        return
    translated = translated_pages(app.srcdir)
    if pagename not in translated:
        return
    language = app.config.language or "en"
    here = EDITIONS.get(language, EDITIONS["en"])[0]
    depth = pagename.count("/") + (1 if here else 0)
    up = "../" * depth
    links = []
    for code, (folder, name) in EDITIONS.items():
        if code == language:
            continue
        target = posixpath.join(folder, pagename + ".html") if folder else pagename + ".html"
        lang = code.replace("_", "-")
        links.append(
            f'<a class="edition-link" href="{up}{target}" hreflang="{lang}" lang="{lang}">'
            f"{name}</a>"
        )
        context.setdefault("metatags", "")
        context["metatags"] += f'\n<link rel="alternate" hreflang="{lang}" href="{up}{target}" />'
    if links:
        context["body"] = (
            '<nav class="edition-links" aria-label="Other editions">'
            + " ".join(links)
            + "</nav>\n"
            + context.get("body", "")
        )


def _link_to_the_english_page(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """A reference to a page the edition does not have links to the English page.

    The English edition is built first (``make book``); its inventory
    (``_build/html/objects.inv``) says where every label, term and equation lives.
    """
    language = app.config.language or "en"
    folder = EDITIONS.get(language, ("",))[0]
    if not folder:
        return None
    inventory = _english_inventory(Path(app.outdir).parent)
    if inventory is None:
        return None
    domain, kind = node.get("refdomain") or "std", node.get("reftype")
    target = node.get("reftarget", "")
    if domain == "std" and kind in ("ref", "numref"):
        kind = "label"
    if kind == "term":
        target = target.lower()
    if domain == "math" and kind in ("eq", "numref"):
        kind = "displaymath"
    entry = inventory.get(f"{domain}:{kind}", {}).get(target)
    if entry is None:
        return None
    _project, _version, uri, title = entry
    depth = env.docname.count("/") + 1
    reference = nodes.reference("", "", internal=False, refuri="../" * depth + uri)
    if node.get("refexplicit") or title in ("", "-"):
        reference += contnode
    else:
        reference += nodes.inline(title, title)
    return reference


_INVENTORIES: dict[Path, Any] = {}


def _english_inventory(folder: Path) -> dict | None:
    path = folder / "objects.inv"
    if path not in _INVENTORIES:
        if not path.exists():
            return None
        from sphinx.util.inventory import InventoryFile

        with path.open("rb") as f:
            _INVENTORIES[path] = InventoryFile.load(f, "", posixpath.join)
    return _INVENTORIES[path]


def setup(app: Any) -> dict:
    app.add_transform(KeepOutputsUntranslated)
    app.add_transform(ForgetTranslationDocuments)
    app.add_transform(TranslateWhatSphinxMisses)
    _patch_glue_retrieval()
    app.connect("html-page-context", _edition_link)
    app.connect("missing-reference", _link_to_the_english_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
