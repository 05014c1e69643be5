"""The numbers the article publishes, each once, exactly as printed.

The article (a Chinese retelling of Matt Mazur's "A Step by Step Backpropagation
Example") prints its numbers in two places: in the prose, and in figures that are
lost from the Chinese text but survive in the English original.  Every printed
number the book checks lives in :data:`PUBLISHED`, as the *string* the article
prints, so that its precision is part of the record: ``"0.40"`` is a claim to two
decimal places, ``"0.593269992"`` to nine.

A computed value *agrees* with a published one when it rounds to the printed
digits, i.e. when they differ by at most half a unit in the last printed place.
That is the only comparison the book and its tests make.

Not every printed number is right.  :attr:`Published.status` records what the
book found on recomputing it: ``"reproduced"`` by the algorithm the article
describes; ``"sequential"``, reproduced only when the output-layer weights are
updated before the hidden-layer gradients are computed; ``"rounding"``, one unit
off in the last digit because an intermediate was rounded first; or
``"misprint"``.
The chapters show the evidence for each; the tests check it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

__all__ = [
    "Published",
    "PUBLISHED",
    "RECOMPUTED",
    "published",
    "agrees",
    "decimals",
    "format_like",
    "round_printed",
]


@dataclass(frozen=True)
class Published:
    """One number as the article prints it.

    ``key`` names the quantity in the book's notation (``"dE_total/dw5"``,
    ``"w5+"`` for w5 after one update, ``"E_total@10000"`` for the error after
    10,000 updates).  ``printed`` is the article's text, digit for digit.
    ``where`` says whether the article prints it in its prose (``"text"``) or in
    one of its lost figures (``"figure"``, the numbers of the English original).
    """

    key: str
    printed: str
    where: str
    section: str
    status: str = "reproduced"
    note: str = ""

    @property
    def value(self) -> float:
        """The printed number as a float."""
        return float(self.printed)

    @property
    def decimals(self) -> int:
        """How many digits the article prints after the decimal point."""
        return decimals(self.printed)


def decimals(printed: str) -> int:
    """Digits after the decimal point in a printed number (``"0.40"`` -> 2)."""
    exponent = Decimal(printed).as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"not a finite printed number: {printed!r}")
    return max(0, -exponent)


def agrees(computed: float, entry: Published | str) -> bool:
    """Whether ``computed`` rounds to the digits the article prints.

    ``entry`` is a :class:`Published` or its key.  The test is
    ``|computed - printed| <= 0.5 * 10**-decimals``: the computed value would be
    printed the same way at the article's precision (a hair of slack absorbs
    the binary representation of the printed decimal).
    """
    if isinstance(entry, str):
        entry = published(entry)
    if isinstance(computed, (str, bytes, bool)):
        raise TypeError(
            f"computed value for {entry.key!r} must be a real number, got {type(computed).__name__}"
        )
    if not isinstance(computed, (int, float)):
        try:
            computed = float(computed)  # numpy scalars, SymPy Floats
        except (TypeError, ValueError):
            raise TypeError(
                f"computed value for {entry.key!r} must be a real number, "
                f"got {type(computed).__name__}"
            ) from None
    if not math.isfinite(computed):
        raise ValueError(f"computed value for {entry.key!r} is not finite: {computed}")
    half_unit = 0.5 * 10.0**-entry.decimals
    return abs(computed - entry.value) <= half_unit * (1 + 1e-9)


def round_printed(value: float | Decimal | str, places: int, ties: str = "away") -> Decimal:
    """``value`` rounded to ``places`` decimals exactly, as a hand calculation prints it.

    A float is read as the shortest decimal that prints it.  Ties go away from
    zero (``"away"``, rounding by hand) or to the even digit (``"even"``).  The
    result is a :class:`~decimal.Decimal`, so that a chain of roundings -- the
    article rounds its intermediate numbers -- can be replayed without binary
    error.
    """
    modes = {"away": ROUND_HALF_UP, "even": ROUND_HALF_EVEN}
    if ties not in modes:
        raise ValueError(f"ties must be 'away' or 'even', got {ties!r}")
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ValueError(f"places must be a non-negative integer, got {places!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        try:
            value = float(value)  # numpy scalars
        except (TypeError, ValueError):
            raise TypeError(f"cannot round a {type(value).__name__}") from None
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot round {value!r}: not a finite number")
    return number.quantize(Decimal(1).scaleb(-places), rounding=modes[ties])


def format_like(computed: float, entry: Published | str) -> str:
    """``computed`` written with as many decimals as the article prints."""
    if isinstance(entry, str):
        entry = published(entry)
    return f"{float(computed):.{entry.decimals}f}"


_MISPRINTED_OUT_O1 = (
    "The prose prints 0.75136079 where the figure, and the computation, give 0.75136507: "
    "a copying slip, not another computation (chapter 1 checks which slips it could be)."
)
_DOUBLE_ROUNDING = (
    "One unit off in the last digit: the exact value rounds to -0.019049118. Rounding "
    "delta_o2 to nine decimals first and then multiplying by w7 gives -0.0190491185, a "
    "tie, which rounds away from zero to the printed digits."
)
_ORIGINAL_INPUT = (
    "Printed in brackets and labelled 原输入 ('original input'); the values are the "
    "targets, not the inputs."
)
_SEQUENTIAL = (
    "Reproduced only by the sequential update: the hidden-layer gradients use "
    "the already-updated w5..w8."
)

PUBLISHED_LIST: tuple[Published, ...] = (
    # The set-up: inputs, targets, initial weights and biases, learning rate.
    Published("i1", "0.05", "text", "set-up"),
    Published("i2", "0.10", "text", "set-up"),
    Published("t1", "0.01", "text", "set-up", note="target for o1"),
    Published("t2", "0.99", "text", "set-up", note="target for o2"),
    Published("w1", "0.15", "text", "set-up"),
    Published("w2", "0.20", "text", "set-up"),
    Published("w3", "0.25", "text", "set-up"),
    Published("w4", "0.30", "text", "set-up"),
    Published("w5", "0.40", "text", "set-up"),
    Published("w6", "0.45", "text", "set-up"),
    Published("w7", "0.50", "text", "set-up"),
    Published("w8", "0.55", "text", "set-up"),
    Published("b1", "0.35", "figure", "set-up", note="shared by h1 and h2"),
    Published("b2", "0.60", "figure", "set-up", note="shared by o1 and o2"),
    Published("eta", "0.5", "text", "set-up", note="learning rate"),
    # The forward pass.
    Published("net_h1", "0.3775", "figure", "forward"),
    Published("out_h1", "0.593269992", "figure", "forward"),
    Published("out_h2", "0.596884378", "figure", "forward"),
    Published("net_o1", "1.105905967", "figure", "forward"),
    Published("out_o1", "0.75136507", "figure", "forward"),
    Published("out_o1 (prose)", "0.75136079", "text", "forward", "misprint", _MISPRINTED_OUT_O1),
    Published("out_o2", "0.772928465", "text", "forward"),
    Published("E_o1", "0.274811083", "figure", "forward"),
    Published("E_o2", "0.023560026", "figure", "forward"),
    Published("E_total", "0.298371109", "text", "forward"),
    # The output layer.
    Published("dE_total/dout_o1", "0.74136507", "figure", "output layer"),
    Published("dout_o1/dnet_o1", "0.186815602", "figure", "output layer"),
    Published("dnet_o1/dw5", "0.593269992", "figure", "output layer"),
    Published("dE_total/dw5", "0.082167041", "figure", "output layer"),
    Published("w5+", "0.35891648", "figure", "output layer"),
    Published("w6+", "0.408666186", "figure", "output layer"),
    Published("w7+", "0.511301270", "figure", "output layer"),
    Published("w8+", "0.561370121", "figure", "output layer"),
    # The hidden layer.
    Published(
        "dE_o1/dnet_o1", "0.138498562", "figure", "hidden layer", note="the output delta of o1"
    ),
    Published("dnet_o1/dout_h1", "0.40", "figure", "hidden layer", note="equals w5"),
    Published("dE_o1/dout_h1", "0.055399425", "figure", "hidden layer"),
    Published(
        "dE_o2/dout_h1", "-0.019049119", "figure", "hidden layer", "rounding", _DOUBLE_ROUNDING
    ),
    Published("dE_total/dout_h1", "0.036350306", "figure", "hidden layer"),
    Published("dout_h1/dnet_h1", "0.241300709", "figure", "hidden layer"),
    Published("dnet_h1/dw1", "0.05", "figure", "hidden layer", note="equals i1"),
    Published("dE_total/dw1", "0.000438568", "figure", "hidden layer"),
    Published("w1+", "0.149780716", "figure", "hidden layer"),
    Published("w2+", "0.19956143", "figure", "hidden layer"),
    Published("w3+", "0.24975114", "figure", "hidden layer"),
    Published("w4+", "0.29950229", "figure", "hidden layer"),
    # Training.
    Published("E_total@1", "0.291027924", "text", "training", "sequential", _SEQUENTIAL),
    Published("E_total@10000", "0.000035085", "text", "training", "sequential", _SEQUENTIAL),
    Published(
        "E_total@10000 (English)",
        "0.0000351085",
        "text",
        "training",
        "misprint",
        "The English original's figure; it matches neither update after 10,000 "
        "steps. Of the twenty thousand errors of both runs, only the simultaneous "
        "update's after 9,999 steps prints as it: very probably what was printed "
        "(chapter 6 gives the odds).",
    ),
    Published("out_o1@10000", "0.015912196", "text", "training", "sequential", _SEQUENTIAL),
    Published("out_o2@10000", "0.984065734", "text", "training", "sequential", _SEQUENTIAL),
    # The last sentence prints, in brackets, what the trained outputs should be
    # compared with, and calls it the "original input" (原输入): the values are
    # the targets.
    Published("t1 (原输入)", "0.01", "text", "training", note=_ORIGINAL_INPUT),
    Published("t2 (原输入)", "0.99", "text", "training", note=_ORIGINAL_INPUT),
)

#: Every published number, by key, in the order the article prints them.
PUBLISHED: dict[str, Published] = {p.key: p for p in PUBLISHED_LIST}

#: Independent recomputations recorded when the book was written (not printed
#: by the article): the textbook "simultaneous" update's training figures.
#: They anchor the regression tests; the book recomputes them, never copies them.
RECOMPUTED: dict[str, Published] = {
    p.key: p
    for p in (
        Published("E_total@1 (simultaneous)", "0.291027774", "recomputed", "training"),
        Published("E_total@10000 (simultaneous)", "0.0000351019", "recomputed", "training"),
        Published("out_o1@10000 (simultaneous)", "0.015913620", "recomputed", "training"),
        Published("out_o2@10000 (simultaneous)", "0.984064274", "recomputed", "training"),
    )
}


def published(key: str) -> Published:
    """The published (or recomputed) entry called ``key``; a clear error if none."""
    if not isinstance(key, str):
        raise TypeError(
            f"a published number is looked up by its key (a str), got {type(key).__name__}"
        )
    for table in (PUBLISHED, RECOMPUTED):
        if key in table:
            return table[key]
    known = ", ".join(list(PUBLISHED) + list(RECOMPUTED))
    raise KeyError(f"no published number called {key!r}; known keys: {known}")
