"""Tables the chapters show: computed values beside the article's.

:func:`comparison` builds the book's standard table -- quantity | article |
backprop | SymPy | same | agrees -- as Markdown,
which Jupyter Book renders as a real table (with typeset math) and nbval
compares digit by digit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from IPython.display import Markdown

from .names import Derivative, latex_name, parse_key
from .published import Published, agrees, published

__all__ = ["label", "comparison", "markdown_table", "verdict", "SYMPY_TOLERANCE"]

#: backprop and SymPy must agree to this relative precision (floating point
#: rounding is around 1e-16; a changed formula is far larger).
SYMPY_TOLERANCE = 1e-12


def label(key: str) -> str:
    """LaTeX (in ``$...$``) for a quantity key: ``"dE_total/dw5"`` -> dE_total/dw5 typeset."""
    parsed = parse_key(key)
    suffix = f" ({parsed.note})" if parsed.note else ""
    base = parsed.base
    if isinstance(base, Derivative):
        top, bottom = latex_name(str(base.of)), latex_name(str(base.wrt))
        return rf"$\partial {top} / \partial {bottom}$" + suffix
    text = f"${latex_name(str(base))}"
    text += "^+$" if parsed.updated else "$"
    if parsed.step is not None:
        noun = "step" if parsed.step == 1 else "steps"
        text += f" after {parsed.step:,} {noun}"
    return text + suffix


def verdict(computed: float, entry: Published | str) -> str:
    """``"yes"``, or ``"no"`` with the reason the book found (see ``status``)."""
    entry = published(entry) if isinstance(entry, str) else entry
    if agrees(computed, entry):
        return "yes"
    reasons = {
        "misprint": "no: misprint",
        "rounding": "no: last digit (rounding)",
        "sequential": "no: sequential only",
    }
    return reasons.get(entry.status, "no")


def _digits(entry: Published) -> int:
    return entry.decimals + 3


def markdown_table(
    header: Iterable[str], rows: Iterable[Iterable[object]], align: str | None = None
) -> Markdown:
    """A Markdown table; ``align`` is one letter per column (``l``, ``r``, ``c``)."""
    header = [str(h) for h in header]
    for cell in header:
        outside_math = "".join(cell.split("$")[::2])
        if not any(ch.isalpha() for ch in outside_math):
            raise ValueError(
                f"table header {cell!r} needs a word outside the math: a screen reader "
                "cannot read a header that is empty or only a formula"
            )
    rows = [[str(cell) for cell in row] for row in rows]
    if any(len(row) != len(header) for row in rows):
        raise ValueError("every row needs one cell per column")
    align = align or "l" + "r" * (len(header) - 1)
    if len(align) != len(header) or set(align) - set("lrc"):
        raise ValueError(f"align needs one of l/r/c per column, got {align!r}")
    marks = {"l": ":--", "r": "--:", "c": ":-:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return Markdown("\n".join(lines))


def comparison(
    keys: Iterable[str],
    computed: Mapping[str, float],
    symbolic: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Markdown:
    """The book's table of computed versus published numbers.

    ``computed[key]`` is the value from :mod:`backprop`; ``symbolic[key]`` (if
    given) the SymPy twin's.  Values are shown to three more decimals than the
    article prints.  "same" says whether backprop and SymPy agree to
    :data:`SYMPY_TOLERANCE`; "agrees" whether the computed value rounds to the
    article's printed digits.
    """
    symbolic = symbolic or {}
    labels = labels or {}
    rows = []
    for key in keys:
        entry = published(key)
        if key not in computed:
            raise KeyError(f"no computed value for {key!r}")
        value = float(computed[key])
        digits = _digits(entry)
        if key in symbolic:
            exact = float(symbolic[key])
            close = math.isclose(value, exact, rel_tol=SYMPY_TOLERANCE, abs_tol=SYMPY_TOLERANCE)
            sym_cell, same = f"{exact:.{digits}f}", "yes" if close else "**NO**"
        else:
            sym_cell, same = "", ""
        rows.append(
            [
                labels.get(key, label(key)),
                entry.printed,
                f"{value:.{digits}f}",
                sym_cell,
                same,
                verdict(value, entry),
            ]
        )
    header = ["quantity", "article", "backprop", "SymPy", "same", "agrees"]
    if not symbolic:
        header, rows = header[:3] + header[5:], [row[:3] + row[5:] for row in rows]
        return markdown_table(header, rows, "lrrl")
    return markdown_table(header, rows, "lrrrcl")
