"""The Chinese catalogs: complete, and faithful to their source in everything but words.

Every message of a translated page has a translation that is neither empty nor
fuzzy, and every translation keeps exactly the glue roles, references and
formulas of its English source and contains exactly the numbers its source
contains, no more and no fewer.  (That the catalogs hold every message of the
current pages is checked on the built book: tests/book/test_editions.py.)
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages import pofile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from translations import CATALOGS, has_words  # noqa: E402

ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$]+\$", re.S)
CODE = re.compile(r"`[^`]*`")
NUMBER = re.compile(r"(?<![A-Za-z_\d.])\d[\d.,]*")


def _messages(path: Path):
    with path.open("rb") as f:
        catalog = pofile.read_po(f)
    return [m for m in catalog if m.id]


CATALOG_FILES = sorted(CATALOGS.rglob("*.po"))
MESSAGES = [
    pytest.param(m, id=f"{p.relative_to(CATALOGS)}:{i}")
    for p in CATALOG_FILES
    for i, m in enumerate(_messages(p))
]


def roles(text: str) -> Counter:
    """Each role by kind and target: a term's or reference's shown text may change."""
    found = Counter()
    for kind, content in ROLE.findall(text):
        target = re.fullmatch(r"(?s).*<([^<>]+)>", content)
        if kind in ("term", "ref", "numref", "doc") and target:
            content = target.group(1)
        if kind == "term":
            content = content.lower()
        found[(kind, content.strip())] += 1
    return found


def formulas(text: str) -> Counter:
    return Counter(m.strip() for m in MATH.findall(ROLE.sub(" ", text)))


def numbers(text: str) -> Counter:
    prose = CODE.sub(" ", MATH.sub(" ", ROLE.sub(" ", text)))
    return Counter(n.rstrip(".,") for n in NUMBER.findall(prose))


def test_there_are_catalogs() -> None:
    assert CATALOG_FILES, "no catalogs in locales/zh_CN/LC_MESSAGES"


@pytest.mark.parametrize("message", MESSAGES)
def test_message_is_translated_faithfully(message) -> None:
    source, translation = str(message.id), str(message.string)
    assert translation.strip(), f"not translated: {source[:80]!r}"
    assert not message.fuzzy, f"fuzzy (the English changed; check the translation): {source[:80]!r}"
    assert roles(translation) == roles(source), "roles differ"
    assert formulas(translation) == formulas(source), "formulas differ"
    assert numbers(translation) == numbers(source), "numbers differ"


def test_the_checks_can_fail() -> None:
    source = "The error is {glue:text}`E_total:.9f` after {ref}`ch-forward`, $x = 1$, 0.05."
    assert roles("误差为 {glue:text}`E_total:.9f`，见 {ref}`ch-forward`") == roles(source)
    assert roles("误差为 {glue:text}`E_total:.8f`") != roles(source)
    assert formulas("$x = 2$") != formulas(source)
    assert numbers("输入 0.05") == numbers(source) and numbers("输入 0.06") != numbers(source)
    assert roles("{term}`前向传播 <forward pass>`") == roles("{term}`forward pass`")


def test_messages_without_words_are_left_out() -> None:
    assert has_words("The network and the forward pass")
    assert has_words("网络与前向传播")
    assert not has_words("$w_{1}$")
    assert not has_words("0.15")
    assert not has_words("{glue:text}`w5:.2f`")
