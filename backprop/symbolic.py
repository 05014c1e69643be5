"""The article's network as SymPy expressions: the twin of :func:`article_network`.

This module is the article's special case of :mod:`backprop.twin`, with the
twin's methods as plain functions, because every chapter of Part I works with
this one network::

    from backprop import symbolic as S
    S.partial("E_total", "w5")          # the article's way (display)
    S.derive("E_total", "w5")           # SymPy's calculus alone (proofs)
    S.equal(product, direct)            # a proof that can fail

Every quantity the article names is a symbol (``i1``, ``w5``, ``net_h1``,
``out_o1``, ``E_total`` ...) with a definition one level down::

    net_h1 = w1 i1 + w2 i2 + b1        out_h1 = sigma(net_h1)
    net_o1 = w5 out_h1 + w6 out_h2 + b2
    E_o1 = 1/2 (t1 - out_o1)^2         E_total = E_o1 + E_o2
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy as sp
from IPython.display import Math

from .article import article_network
from .twin import ProofUndecidedError, Twin, identical, sigma

__all__ = [
    "ARTICLE",
    "sigma",
    "symbol",
    "SYMBOLS",
    "LEAVES",
    "DEFINITIONS",
    "expand",
    "partial",
    "derive",
    "compact",
    "quantity",
    "substitutions",
    "evaluate",
    "equal",
    "identical",
    "ProofUndecidedError",
    "latex",
    "equation",
    "equations",
    "partial_tex",
]

#: The twin of the article's network.
ARTICLE = Twin(article_network())

#: Every symbol of the twin by name.
SYMBOLS: dict[str, sp.Symbol] = ARTICLE.symbols
#: The symbols nothing is defined in terms of: inputs, targets, parameters, eta.
LEAVES: tuple[sp.Symbol, ...] = ARTICLE.leaves
#: Each defined quantity in terms of the level below it, in forward order.
DEFINITIONS: dict[sp.Symbol, sp.Expr] = ARTICLE.definitions

symbol = ARTICLE.symbol
expand = ARTICLE.expand
partial = ARTICLE.partial
derive = ARTICLE.derive
compact = ARTICLE.compact
quantity = ARTICLE.quantity
substitutions = ARTICLE.substitutions
evaluate = ARTICLE.evaluate
equal = ARTICLE.equal
latex = ARTICLE.latex
partial_tex = ARTICLE.partial_tex


def equation(*sides: sp.Expr | str) -> Math:
    """Display ``a = b = ...`` typeset; a str side is taken as LaTeX as it is.

    ``equation(symbol("net_h1"), DEFINITIONS[symbol("net_h1")])`` shows the
    definition; a str such as ``r"\\frac{\\partial E}{\\partial w_5}"`` lets a
    chapter write a side the twin has no symbol for.
    """
    if len(sides) < 2:
        raise ValueError("an equation needs at least two sides")
    return Math(" = ".join(side if isinstance(side, str) else latex(side) for side in sides))


def equations(rows: Iterable[Iterable[sp.Expr | str]]) -> Math:
    """Display several equations aligned on their first ``=`` sign.

    Each row is a sequence of sides, as for :func:`equation`.
    """
    lines = []
    for sides in rows:
        parts = [side if isinstance(side, str) else latex(side) for side in sides]
        if len(parts) < 2:
            raise ValueError("an equation needs at least two sides")
        lines.append(parts[0] + " &= " + " = ".join(parts[1:]))
    return Math(r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}")
