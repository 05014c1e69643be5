"""The speed fixes of tools/book_fixes.py give the answers Sphinx and myst-parser gave."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import book_fixes  # noqa: E402


def test_latin_terms_answer_as_the_list_did():
    from sphinx.search.zh import SearchChinese

    book_fixes._latin_terms_as_a_set()
    book_fixes._latin_terms_as_a_set()  # a second setup changes nothing
    terms = SearchChinese.latin_terms
    assert isinstance(terms, book_fixes._Words)
    terms.extend(["sigmoid", "w5", "sigmoid"])
    assert "sigmoid" in terms and "w5" in terms and "tanh" not in terms


def test_a_given_document_is_used_and_no_spare_one_is_made(monkeypatch):
    from docutils.utils import new_document
    from myst_parser.config.main import MdParserConfig
    from myst_parser.mdit_to_docutils import base

    book_fixes._no_document_made_in_vain()
    made = []

    def make_document(*args, **kwargs):
        made.append(args)
        return new_document("spare")

    monkeypatch.setattr(base, "make_document", make_document)
    renderer = base.DocutilsRenderer(parser=None)
    given = new_document("given")
    renderer.setup_render({"myst_config": MdParserConfig(), "document": given}, {})
    assert renderer.document is given and made == []
    assert base.make_document is make_document  # put back after the call
    renderer.setup_render({"myst_config": MdParserConfig()}, {})
    assert renderer.document.get("source") == "spare" and len(made) == 1


def test_plain_tokens_are_written_as_text_and_the_code_reads_the_same():
    import html
    import re

    from sphinx.highlighting import PygmentsBridge

    source = "net = bp.Network.random((2, 2), seed=0)  # a comment\nprint(net.sizes[0] + 1)\n"
    before = PygmentsBridge("html", "default").highlight_block(source, "python")
    book_fixes._code_with_plain_tokens_as_text()
    book_fixes._code_with_plain_tokens_as_text()  # a second setup changes nothing
    after = PygmentsBridge("html", "default").highlight_block(source, "python")

    def text(markup: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", markup))

    assert text(after) == text(before)
    assert text(after).strip() == source.strip()
    assert re.search(r'<span class="(n|p|w)">', before)
    assert not re.search(r'<span class="(n|p|w)">', after)
    for kept in ("o", "mi", "c1", "nb"):  # operators, numbers, comments, builtins
        assert f'<span class="{kept}">' in after
    assert after.count("<span") < before.count("<span") / 2
