"""The article's network as SymPy expressions: a symbolic twin of the numbers.

Every quantity the article names is a SymPy symbol (``i1``, ``w5``, ``net_h1``,
``out_o1``, ``E_total`` ...) with a *definition* one level down::

    net_h1 = w1 i1 + w2 i2 + b1        out_h1 = sigma(net_h1)
    net_o1 = w5 out_h1 + w6 out_h2 + b2
    E_o1 = 1/2 (t1 - out_o1)^2         E_total = E_o1 + E_o2

so that a chapter can work at the level the article does -- differentiate
E_total by out_o1, out_o1 by net_o1, net_o1 by w5 -- and then :func:`expand`
any result down to the inputs, targets, weights and biases, to evaluate it or
to prove two expressions equal.  Nothing here uses numpy or :mod:`backprop`'s
numeric code: it is an independent check on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache

import sympy as sp
from IPython.display import Math

__all__ = [
    "sigma",
    "symbol",
    "SYMBOLS",
    "LEAVES",
    "DEFINITIONS",
    "expand",
    "partial",
    "compact",
    "quantity",
    "substitutions",
    "evaluate",
    "equal",
    "latex",
    "equation",
    "equations",
    "partial_tex",
]


class sigma(sp.Function):
    """The logistic sigmoid, 1 / (1 + e^(-x)), as a SymPy function.

    It prints as sigma, differentiates to sigma(x) (1 - sigma(x)) and rewrites
    to exponentials with ``.rewrite(sp.exp)``; the book proves the derivative
    from the exponential form rather than taking it on trust.
    """

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x = self.args[0]
        return sigma(x) * (1 - sigma(x))

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return r"\sigma\left(%s\right)" % printer._print(self.args[0])


_LEAF_NAMES = "i1 i2 t1 t2 w1 w2 w3 w4 w5 w6 w7 w8 b1 b2 eta".split()
_DEFINED_NAMES = (
    "net_h1 net_h2 out_h1 out_h2 net_o1 net_o2 out_o1 out_o2 E_o1 E_o2 E_total"
).split()

#: Every symbol of the twin by name.
SYMBOLS: dict[str, sp.Symbol] = {
    name: sp.Symbol(name, real=True) for name in _LEAF_NAMES + _DEFINED_NAMES
}


def symbol(name: str) -> sp.Symbol:
    """The twin's symbol called ``name`` (``"w5"``, ``"out_h1"``, ``"E_total"``)."""
    if not isinstance(name, str):
        raise TypeError(f"a symbol is named by a str, got {type(name).__name__}")
    try:
        return SYMBOLS[name]
    except KeyError:
        raise KeyError(f"unknown symbol {name!r}; known: {', '.join(SYMBOLS)}") from None


_s = SYMBOLS
#: The symbols nothing is defined in terms of: inputs, targets, parameters, eta.
LEAVES: tuple[sp.Symbol, ...] = tuple(_s[n] for n in _LEAF_NAMES)

#: Each defined quantity in terms of the level below it, in forward order.
DEFINITIONS: dict[sp.Symbol, sp.Expr] = {
    _s["net_h1"]: _s["w1"] * _s["i1"] + _s["w2"] * _s["i2"] + _s["b1"],
    _s["net_h2"]: _s["w3"] * _s["i1"] + _s["w4"] * _s["i2"] + _s["b1"],
    _s["out_h1"]: sigma(_s["net_h1"]),
    _s["out_h2"]: sigma(_s["net_h2"]),
    _s["net_o1"]: _s["w5"] * _s["out_h1"] + _s["w6"] * _s["out_h2"] + _s["b2"],
    _s["net_o2"]: _s["w7"] * _s["out_h1"] + _s["w8"] * _s["out_h2"] + _s["b2"],
    _s["out_o1"]: sigma(_s["net_o1"]),
    _s["out_o2"]: sigma(_s["net_o2"]),
    _s["E_o1"]: sp.Rational(1, 2) * (_s["t1"] - _s["out_o1"]) ** 2,
    _s["E_o2"]: sp.Rational(1, 2) * (_s["t2"] - _s["out_o2"]) ** 2,
    _s["E_total"]: _s["E_o1"] + _s["E_o2"],
}


def _check_expr(expr: object, what: str = "expr") -> sp.Expr:
    if isinstance(expr, str):
        return symbol(expr)
    if not isinstance(expr, sp.Basic):
        raise TypeError(
            f"{what} must be a SymPy expression or a symbol name, got {type(expr).__name__}"
        )
    return expr


@cache
def _depends_on(sym: sp.Symbol, wrt: sp.Symbol) -> bool:
    """Whether the defined quantity ``sym`` changes when ``wrt`` does."""
    if sym == wrt:
        return True
    if sym not in DEFINITIONS:
        return False
    return any(_depends_on(s, wrt) for s in DEFINITIONS[sym].free_symbols)


def expand(expr: sp.Expr | str, keep: Iterable[sp.Symbol] = ()) -> sp.Expr:
    """Replace defined quantities by their definitions, down to the leaves.

    Symbols in ``keep`` are left standing (they are the variable a partial
    derivative is taken by).
    """
    expr = _check_expr(expr)
    keep = set(keep)
    while True:
        defined = {
            s: DEFINITIONS[s] for s in expr.free_symbols if s in DEFINITIONS and s not in keep
        }
        if not defined:
            return expr
        expr = expr.xreplace(defined)


def partial(of: sp.Expr | str, wrt: sp.Symbol | str) -> sp.Expr:
    """The partial derivative of ``of`` by ``wrt``, the way the article means it.

    ``wrt`` may be a leaf (``w5``) or an intermediate quantity (``out_h1``).
    Every quantity that depends on ``wrt`` is expanded until ``wrt`` appears
    explicitly; everything else stays a symbol.  So ``partial("E_total",
    "out_o1")`` is ``out_o1 - t1`` and ``partial("E_total", "out_h1")`` sums the
    paths through o1 and o2.
    """
    of, wrt = _check_expr(of, "of"), _check_expr(wrt, "wrt")
    if not isinstance(wrt, sp.Symbol) or wrt not in SYMBOLS.values():
        raise ValueError(f"wrt must be one of the twin's symbols, got {wrt}")
    while True:
        above = {
            s: DEFINITIONS[s]
            for s in of.free_symbols
            if s in DEFINITIONS and s != wrt and _depends_on(s, wrt)
        }
        if not above:
            break
        of = of.xreplace(above)
    return sp.diff(of, wrt)


def compact(expr: sp.Expr | str) -> sp.Expr:
    """Write sigma(net_x) as out_x, as the article does: sigma' = out (1 - out).

    Works at any depth of expansion: the hidden outputs are folded first, so
    that sigma(b2 + w5 sigma(net_h1) + ...) becomes out_o1 too.
    """
    expr = _check_expr(expr)
    for layer in (("out_h1", "out_h2"), ("out_o1", "out_o2")):
        forms = {}
        for name in layer:
            net = DEFINITIONS[_s[name]].args[0]
            for form in (net, DEFINITIONS[net], expand(net)):
                forms[sigma(form)] = _s[name]
        expr = expr.xreplace(forms)
    return expr


_DERIVATIVE = re.compile(r"d(\w+)/d(\w+)$")


def quantity(key: str) -> sp.Expr:
    """The expression for a quantity named as in :mod:`backprop.published`.

    ``"out_h1"`` is a symbol, ``"dE_total/dw5"`` the partial derivative,
    ``"delta_o1"`` is dE_total/dnet_o1, and ``"w5+"`` the weight after one
    gradient-descent step, w5 - eta dE_total/dw5.
    """
    if not isinstance(key, str):
        raise TypeError(f"a quantity is named by a str, got {type(key).__name__}")
    if key in SYMBOLS:
        return SYMBOLS[key]
    if key.endswith("+") and key[:-1] in SYMBOLS and SYMBOLS[key[:-1]] in LEAVES:
        w = SYMBOLS[key[:-1]]
        return w - _s["eta"] * partial(_s["E_total"], w)
    if key.startswith("delta_"):
        return partial(_s["E_total"], symbol("net_" + key[len("delta_") :]))
    match = _DERIVATIVE.match(key)
    if match:
        return partial(symbol(match.group(1)), symbol(match.group(2)))
    raise KeyError(f"no symbolic quantity called {key!r}")


def substitutions(values: Mapping[str, float]) -> dict[sp.Symbol, sp.Rational]:
    """Leaf values as exact rationals: ``{"w5": 0.4}`` -> ``{w5: 2/5}``.

    A float is read as the shortest decimal that prints it (``0.05`` -> 1/20),
    so the twin computes with the article's decimals exactly.
    """
    subs = {}
    for name, value in values.items():
        sym = symbol(name)
        if sym not in LEAVES:
            raise ValueError(
                f"{name!r} is computed from other quantities; "
                "only inputs, targets, parameters and eta take values"
            )
        if isinstance(value, bool) or not isinstance(value, (int, float, sp.Rational)):
            try:
                value = float(value)  # numpy scalars
            except (TypeError, ValueError):
                raise TypeError(
                    f"value for {name!r} must be a real number, got {type(value).__name__}"
                ) from None
        subs[sym] = sp.Rational(repr(float(value))) if isinstance(value, float) else value
    return subs


def evaluate(expr: sp.Expr | str, subs: Mapping[sp.Symbol, sp.Expr], digits: int = 30) -> float:
    """The value of ``expr`` with the leaves set by ``subs`` (see :func:`substitutions`)."""
    full = expand(expr).xreplace(dict(subs))
    missing = sorted(str(s) for s in full.free_symbols)
    if missing:
        raise ValueError(f"no value given for {', '.join(missing)}")
    return float(full.evalf(digits))


def equal(a: sp.Expr | str, b: sp.Expr | str) -> bool:
    """Prove ``a == b`` for all values of the leaves (after expanding both)."""
    difference = (expand(a) - expand(b)).rewrite(sp.exp)
    return sp.simplify(difference) == 0


_LATEX_NAMES = {
    **{n: f"{n[0]}_{{{n[1:]}}}" for n in _LEAF_NAMES if n != "eta"},
    "eta": r"\eta",
    **{n: r"\mathrm{%s}_{%s}" % tuple(n.split("_")) for n in _DEFINED_NAMES[:8]},
    "E_o1": "E_{o1}",
    "E_o2": "E_{o2}",
    "E_total": r"E_{\mathrm{total}}",
}


def latex(expr: sp.Expr | str, **options: object) -> str:
    """LaTeX for ``expr`` with the article's typography (net_{h1}, E_total ...)."""
    expr = _check_expr(expr)
    names = {SYMBOLS[n]: tex for n, tex in _LATEX_NAMES.items()}
    options.setdefault("order", "none")  # keep t1 - out_o1 as the article writes it
    return sp.latex(expr, symbol_names=names, **options)


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


def partial_tex(of: sp.Expr | str, wrt: sp.Expr | str) -> str:
    """LaTeX for the fraction d(of)/d(wrt), in the article's notation.

    For naming a derivative on the left of an equation before SymPy computes it:
    ``equation(partial_tex("E_total", "w5"), partial("E_total", "w5"))``.
    """
    return r"\frac{\partial %s}{\partial %s}" % (latex(of), latex(wrt))
