"""The symbolic twin of a network: the same network as SymPy expressions.

Every quantity is a SymPy symbol (``i1``, ``w5``, ``net_h1``, ``out_o1``,
``E_total`` ...) with a *definition* one level down, built layer by layer from
the network's sizes, names, activations and error::

    net_h1 = w1 i1 + w2 i2 + b1        out_h1 = sigma(net_h1)
    net_o1 = w5 out_h1 + w6 out_h2 + b2
    E_o1 = 1/2 (t1 - out_o1)^2         E_total = E_o1 + E_o2

so that a chapter can work at the level the article does -- differentiate
E_total by out_o1, out_o1 by net_o1, net_o1 by w5 -- and then :meth:`Twin.expand`
any result down to the inputs, targets, weights and biases, to evaluate it or
to prove two expressions equal.  Nothing here uses the numeric code: the twin
is an independent check on it.

Two ways to differentiate, on purpose:

* :meth:`Twin.partial` differentiates the way the article reads, with the
  twin's own ``sigma``, whose derivative ``sigma (1 - sigma)`` is written into
  it.  Its results fold back into the article's compact forms (:meth:`Twin.compact`),
  so it is the one to *display*.
* :meth:`Twin.derive` first writes every sigmoid as ``1/(1 + exp(-x))`` and lets
  SymPy's own calculus do all the work.  It is the one to *prove* with: a claim
  checked against it can fail, even if the twin's ``sigma`` were wrong.

:meth:`Twin.equal` proves two expressions equal (see :func:`identical`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

import mpmath
import sympy as sp

from .names import Derivative, Quantity, latex_name, parse_key
from .network import Network

__all__ = ["sigma", "Twin", "twin", "identical", "ProofUndecidedError"]


class sigma(sp.Function):
    """The logistic sigmoid, 1 / (1 + e^(-x)), as a SymPy function.

    It prints as sigma, differentiates to sigma(x) (1 - sigma(x)) and rewrites
    to exponentials with ``.rewrite(sp.exp)``.  That derivative is written in
    here; :meth:`Twin.derive` never relies on it, and the tests prove it from
    the exponential form.
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


def _logistic(x: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-x))


#: The symbolic form of each elementwise activation.
_ACTIVATION_EXPRS = {
    "sigmoid": sigma,
    "tanh": sp.tanh,
    "relu": lambda x: sp.Max(0, x),
    "identity": lambda x: x,
}


class ProofUndecidedError(Exception):
    """A claimed identity passed every numeric test but could not be cancelled exactly."""


class Twin:
    """The SymPy twin of one network (its structure; values come separately).

    ``symbols`` holds every symbol by name; ``leaves`` the ones nothing is
    defined by (inputs, targets, parameters, ``eta``); ``definitions`` each
    defined quantity in terms of the level below, in forward order.
    """

    def __init__(self, network: Network) -> None:
        if not isinstance(network, Network):
            raise TypeError(f"network must be a backprop.Network, got {type(network).__name__}")
        self.network = network
        units = network.unit_names
        S = self.symbols = {}

        def new(name: str) -> sp.Symbol:
            S[name] = sp.Symbol(name, real=True)
            return S[name]

        inputs = [new(u) for u in units[0]]
        targets = [new(f"t{j + 1}") for j in range(len(units[-1]))]
        params = {name: new(name) for name in network.param_names}
        new("eta")
        self.leaves: tuple[sp.Symbol, ...] = tuple(S.values())
        self.targets = tuple(targets)
        self.definitions: dict[sp.Symbol, sp.Expr] = {}
        below = inputs
        for l, act in enumerate(network.activations):
            layer = units[l + 1]
            nets = []
            for j, unit in enumerate(layer):
                bias_index = (0,) if network.biases[l].shape == (1,) else (j,)
                total = params[network.name_of("bias", l, bias_index)]
                for k, feed in enumerate(below):
                    total += params[network.name_of("weight", l, (j, k))] * feed
                nets.append(new(f"net_{unit}"))
                self.definitions[nets[-1]] = total
            outs = [new(f"out_{unit}") for unit in layer]
            if act.name == "softmax":
                norm = sum(sp.exp(n) for n in nets)
                for out, n in zip(outs, nets):
                    self.definitions[out] = sp.exp(n) / norm
            else:
                f = _ACTIVATION_EXPRS[act.name]
                for out, n in zip(outs, nets):
                    self.definitions[out] = f(n)
            below = outs
        terms = []
        half = sp.Rational(1, 2)
        for unit, t, out in zip(units[-1], targets, below):
            terms.append(new(f"E_{unit}"))
            if network.error.name == "squared":
                self.definitions[terms[-1]] = half * (t - out) ** 2
            elif network.error.name == "cross_entropy":
                self.definitions[terms[-1]] = -(t * sp.log(out) + (1 - t) * sp.log(1 - out))
            else:
                self.definitions[terms[-1]] = -t * sp.log(out)
        self.definitions[new("E_total")] = sp.Add(*terms)
        self._depends: dict[tuple[sp.Symbol, sp.Symbol], bool] = {}

    # -- symbols ---------------------------------------------------------------

    def symbol(self, name: str) -> sp.Symbol:
        """The twin's symbol called ``name`` (``"w5"``, ``"out_h1"``, ``"E_total"``)."""
        if not isinstance(name, str):
            raise TypeError(f"a symbol is named by a str, got {type(name).__name__}")
        try:
            return self.symbols[name]
        except KeyError:
            raise KeyError(f"unknown symbol {name!r}; known: {', '.join(self.symbols)}") from None

    def _expr(self, expr: object, what: str = "expr") -> sp.Expr:
        if isinstance(expr, str):
            return self.symbol(expr)
        if not isinstance(expr, sp.Basic):
            raise TypeError(
                f"{what} must be a SymPy expression or a symbol name, got {type(expr).__name__}"
            )
        return expr

    def depends_on(self, sym: sp.Symbol, wrt: sp.Symbol) -> bool:
        """Whether the quantity ``sym`` changes when ``wrt`` does."""
        key = (sym, wrt)
        if key not in self._depends:
            self._depends[key] = sym == wrt or (
                sym in self.definitions
                and any(self.depends_on(s, wrt) for s in self.definitions[sym].free_symbols)
            )
        return self._depends[key]

    # -- expanding and differentiating -----------------------------------------

    def expand(
        self, expr: sp.Expr | str, keep: Iterable[sp.Symbol] = (), elementary: bool = False
    ) -> sp.Expr:
        """Replace defined quantities by their definitions, down to the leaves.

        Symbols in ``keep`` are left standing (they are the variable a partial
        derivative is taken by).  With ``elementary=True`` every sigmoid is also
        written out as ``1/(1 + exp(-x))``, so the result contains nothing but
        SymPy's own functions.
        """
        expr = self._expr(expr)
        keep = set(keep)
        while True:
            defined = {
                s: self.definitions[s]
                for s in expr.free_symbols
                if s in self.definitions and s not in keep
            }
            if not defined:
                break
            expr = expr.xreplace(defined)
        return expr.replace(sigma, _logistic) if elementary else expr

    def partial(self, of: sp.Expr | str, wrt: sp.Symbol | str) -> sp.Expr:
        """The partial derivative of ``of`` by ``wrt``, the way the article means it.

        ``wrt`` may be a leaf (``w5``) or an intermediate quantity (``out_h1``).
        Every quantity that depends on ``wrt`` is expanded until ``wrt`` appears
        explicitly; everything else stays a symbol.  So ``partial("E_total",
        "out_o1")`` is ``out_o1 - t1`` and ``partial("E_total", "out_h1")`` sums the
        paths through o1 and o2.  Sigmoids differentiate by the twin's written-in
        rule; use :meth:`derive` for a derivative to prove things with.
        """
        of, wrt = self._expr(of, "of"), self._check_wrt(wrt)
        while True:
            above = {
                s: self.definitions[s]
                for s in of.free_symbols
                if s in self.definitions and s != wrt and self.depends_on(s, wrt)
            }
            if not above:
                break
            of = of.xreplace(above)
        return sp.diff(of, wrt)

    def derive(self, of: sp.Expr | str, wrt: sp.Symbol | str) -> sp.Expr:
        """The partial derivative of ``of`` by ``wrt``, by SymPy's calculus alone.

        ``of`` is written down to the leaves (keeping ``wrt`` if it is an
        intermediate quantity) with every sigmoid as ``1/(1 + exp(-x))``, then
        differentiated.  No derivative the twin was told enters the result.
        """
        of, wrt = self._expr(of, "of"), self._check_wrt(wrt)
        return sp.diff(self.expand(of, keep={wrt}, elementary=True), wrt)

    def _check_wrt(self, wrt: object) -> sp.Symbol:
        wrt = self._expr(wrt, "wrt")
        if not isinstance(wrt, sp.Symbol) or wrt not in self.symbols.values():
            raise ValueError(f"wrt must be one of the twin's symbols, got {wrt}")
        return wrt

    def compact(self, expr: sp.Expr | str) -> sp.Expr:
        """Write activation(net_x) as out_x, as the article does: sigma' = out (1 - out).

        Works at any depth of expansion: lower layers are folded first, so that
        sigma(b2 + w5 sigma(net_h1) + ...) becomes out_o1 too.
        """
        expr = self._expr(expr)
        network = self.network
        for l, act in enumerate(network.activations):
            if act.name not in ("sigmoid", "tanh", "relu"):
                continue
            forms = {}
            for unit in network.unit_names[l + 1]:
                out = self.symbols[f"out_{unit}"]
                net = self.symbols[f"net_{unit}"]
                f = self.definitions[out].func
                for form in (net, self.definitions[net], self.expand(net)):
                    forms[f(form) if act.name != "relu" else sp.Max(0, form)] = out
            expr = expr.xreplace(forms)
        return expr

    # -- keys --------------------------------------------------------------------

    def quantity(self, key: str, derive: bool = False) -> sp.Expr:
        """The expression for a quantity named as in :mod:`backprop.published`.

        ``"out_h1"`` is a symbol, ``"dE_total/dw5"`` the partial derivative,
        ``"delta_o1"`` is dE_total/dnet_o1, and ``"w5+"`` the weight after one
        gradient-descent step, w5 - eta dE_total/dw5.  Derivatives come from
        :meth:`partial` (for display), or with ``derive=True`` from :meth:`derive`
        (SymPy's calculus alone: for values that check the package independently).
        """
        d = self.derive if derive else self.partial
        parsed = parse_key(key)
        if parsed.step is not None:
            raise KeyError(f"no symbolic quantity called {key!r}: the twin has no training run")
        base = parsed.base
        if isinstance(base, Derivative):
            return d(self._symbol_of(base.of, key), self._symbol_of(base.wrt, key))
        if base.kind == "delta":
            return d(self.symbols["E_total"], self._symbol_of(Quantity("net", base.name), key))
        sym = self._symbol_of(base, key)
        if parsed.updated:
            if sym not in self.leaves or sym in self.targets or str(sym) == "eta":
                raise KeyError(f"{key!r}: only a parameter has a value after an update")
            return sym - self.symbols["eta"] * d(self.symbols["E_total"], sym)
        return sym

    def _symbol_of(self, q: Quantity, key: str) -> sp.Symbol:
        name = str(q)
        if name not in self.symbols:
            raise KeyError(f"no symbolic quantity called {key!r} ({name!r} is not a symbol)")
        return self.symbols[name]

    # -- values ------------------------------------------------------------------

    def substitutions(self, values: Mapping[str, float]) -> dict[sp.Symbol, sp.Rational]:
        """Leaf values as exact rationals: ``{"w5": 0.4}`` -> ``{w5: 2/5}``.

        A float is read as the shortest decimal that prints it (``0.05`` -> 1/20),
        so the twin computes with the article's decimals exactly.
        """
        subs = {}
        for name, value in values.items():
            sym = self.symbol(name)
            if sym not in self.leaves:
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

    def values(
        self, inputs: Iterable[float], targets: Iterable[float], eta: float | None = None
    ) -> dict[sp.Symbol, sp.Rational]:
        """Exact values for every leaf: the network's parameters, one sample, eta."""
        values = dict(zip((str(s) for s in self.leaves[: len(self.network.unit_names[0])]), inputs))
        values.update({str(t): v for t, v in zip(self.targets, targets)})
        values.update(self.network.params())
        if eta is not None:
            values["eta"] = eta
        return self.substitutions(values)

    def evaluate(
        self, expr: sp.Expr | str, subs: Mapping[sp.Symbol, sp.Expr], digits: int = 30
    ) -> float:
        """The value of ``expr`` with the leaves set by ``subs`` (see :meth:`substitutions`).

        The defined quantities ``expr`` needs are evaluated once each, layer by
        layer, from the exact leaf values with ``digits + 20`` significant
        digits; ``expr`` is then evaluated with them, so nothing is rounded to a
        float until the end.
        """
        expr = self._expr(expr)
        subs = dict(subs)
        missing = sorted(str(s) for s in self.expand(expr).free_symbols if s not in subs)
        if missing:
            raise ValueError(f"no value given for {', '.join(missing)}")
        precision = digits + 20
        known: dict[sp.Symbol, sp.Expr] = {s: sp.Float(v, precision) for s, v in subs.items()}
        wanted = expr.free_symbols
        for sym, definition in self.definitions.items():  # forward order
            if any(self.depends_on(w, sym) for w in wanted):
                known[sym] = definition.xreplace(known).evalf(precision)
        return float(expr.xreplace(known).evalf(digits))

    def equal(self, a: sp.Expr | str, b: sp.Expr | str) -> bool:
        """Prove ``a == b`` for all values of the leaves, or show that it is false.

        Both sides are written out in elementary functions down to the leaves
        (:meth:`expand` with ``elementary=True``) and compared by :func:`identical`.
        """
        return identical(
            self.expand(self._expr(a), elementary=True), self.expand(self._expr(b), elementary=True)
        )

    # -- typesetting -------------------------------------------------------------

    def latex(self, expr: sp.Expr | str, **options: object) -> str:
        """LaTeX for ``expr`` with the article's typography (net_{h1}, E_total ...)."""
        expr = self._expr(expr)
        names = {sym: latex_name(name) for name, sym in self.symbols.items()}
        options.setdefault("order", "none")  # keep t1 - out_o1 as the article writes it
        return sp.latex(expr, symbol_names=names, **options)

    def partial_tex(self, of: sp.Expr | str, wrt: sp.Expr | str) -> str:
        """LaTeX for the fraction d(of)/d(wrt), in the article's notation."""
        return r"\frac{\partial %s}{\partial %s}" % (self.latex(of), self.latex(wrt))


def twin(network: Network) -> Twin:
    """The symbolic twin of ``network`` (see :class:`Twin`)."""
    return Twin(network)


# -- proving identities -------------------------------------------------------------


def identical(a: sp.Expr, b: sp.Expr, *, points: int = 3, seed: int = 2016) -> bool:
    """Whether ``a`` and ``b`` are the same function of their symbols.

    Two stages, both quick, and the first one fails fast:

    1. Both sides are evaluated at a few random rational points with 50
       significant digits.  If they differ anywhere, the claim is false and the
       answer is ``False`` (a false claim costs milliseconds).
    2. Every function application (``exp(...)``, ``log(...)``, ``tanh(...)``) is
       replaced, innermost first, by a fresh symbol (``exp(k x)`` by a power of
       one symbol), so the difference becomes a rational function of ordinary
       symbols; if it cancels to zero, the two sides agree for every value of
       the symbols, and the answer is ``True``.

    Should stage 2 fail to cancel a difference that stage 1 found to be zero,
    :class:`ProofUndecidedError` is raised: no answer is ever left running.
    """
    a, b = sp.sympify(a), sp.sympify(b)
    free = sorted(a.free_symbols | b.free_symbols, key=str)
    rng = random.Random(seed)
    if free:
        with mpmath.workdps(50):
            tried = 0
            for _ in range(10 * points):
                point = {s: mpmath.mpf(rng.randint(-300, 300)) / rng.randint(97, 199) for s in free}
                try:
                    x, y = _numeric(a, point, {}), _numeric(b, point, {})
                except (ZeroDivisionError, ValueError):
                    continue
                if abs(x - y) > mpmath.mpf(10) ** -35 * max(1, abs(x), abs(y)):
                    return False
                tried += 1
                if tried == points:
                    break
    for split_sums in (False, True):
        difference = _as_rational_function(a - b, split_sums)
        if sp.cancel(sp.together(difference)) == 0:
            return True
    raise ProofUndecidedError(
        "the two sides agree at random points to 35 digits but the difference did not "
        "cancel exactly; the claim is probably true but is not proved"
    )


#: SymPy's functions and their mpmath twins, for :func:`_numeric`.
_MPMATH = {
    sp.exp: mpmath.exp,
    sp.log: mpmath.log,
    sp.tanh: mpmath.tanh,
    sp.sin: mpmath.sin,
    sp.cos: mpmath.cos,
    sp.Abs: abs,
    sp.Heaviside: lambda x: (
        mpmath.mpf(1) if x > 0 else (mpmath.mpf(0) if x < 0 else mpmath.mpf(0.5))
    ),
    sp.Max: lambda *xs: max(xs),
    sp.Min: lambda *xs: min(xs),
}


def _numeric(expr: sp.Expr, point: dict, memo: dict):
    """The value of ``expr`` at ``point`` in mpmath arithmetic, each shared subexpression once."""
    if expr in memo:
        return memo[expr]
    if expr.is_Symbol:
        value = point[expr]
    elif expr.is_Number:
        value = mpmath.mpf(expr.p) / expr.q if expr.is_Rational else mpmath.mpf(expr)
    elif expr.is_Add:
        value = mpmath.fsum(_numeric(arg, point, memo) for arg in expr.args)
    elif expr.is_Mul:
        value = mpmath.fprod(_numeric(arg, point, memo) for arg in expr.args)
    elif expr.is_Pow:
        base, exponent = expr.args
        value = _numeric(base, point, memo) ** _numeric(exponent, point, memo)
    elif expr.func in _MPMATH:
        value = _MPMATH[expr.func](*(_numeric(arg, point, memo) for arg in expr.args))
    elif isinstance(expr, sigma):
        value = 1 / (1 + mpmath.exp(-_numeric(expr.args[0], point, memo)))
    else:  # anything else: SymPy's own evaluation
        value = mpmath.mpmathify(
            expr.xreplace({s: sp.Float(v, 60) for s, v in point.items()}).evalf(60)
        )
    memo[expr] = value
    return value


def _as_rational_function(expr: sp.Expr, split_sums: bool = False) -> sp.Expr:
    """``expr`` with each function application replaced by a symbol, innermost first.

    ``exp(k x)`` becomes ``E**k`` for one symbol ``E`` and every integer ``k``, so
    that ``exp(x) exp(-x)`` and ``exp(2x) / exp(x)**2`` still cancel; with
    ``split_sums``, ``exp(a + b)`` becomes ``exp(a) exp(b)`` first.
    """
    count = 0
    fresh: dict[sp.Expr, sp.Symbol] = {}
    while True:
        atoms = [
            f
            for f in expr.atoms(sp.Function, sp.Max, sp.Min)
            if not any(arg.atoms(sp.Function, sp.Max, sp.Min) for arg in f.args)
        ]
        if not atoms:
            return expr
        replacements: dict[sp.Expr, sp.Expr] = {}
        parts: dict[sp.Expr, list[tuple[sp.Expr, sp.Rational]]] = {}
        for f in atoms:
            if f.func == sp.exp:
                terms = sp.Add.make_args(sp.expand(f.args[0])) if split_sums else (f.args[0],)
                parts[f] = []
                for term in terms:
                    power, rest = sp.factor_terms(term).as_coeff_Mul()
                    if not power.is_Rational:
                        power, rest = sp.Integer(1), term
                    parts[f].append((rest, power))
            else:
                if f not in fresh:
                    count += 1
                    fresh[f] = sp.Symbol(f"_F{count}")
                replacements[f] = fresh[f]
        # exp(p/q x) for several fractions p/q: one symbol for exp(x/L), L the
        # common denominator, so exp(x/2) and exp(x/4) become E**2 and E.
        denominators: dict[sp.Expr, int] = {}
        for pieces in parts.values():
            for rest, power in pieces:
                denominators[rest] = sp.ilcm(denominators.get(rest, 1), power.q)
        for f, pieces in parts.items():
            factors = []
            for rest, power in pieces:
                base = denominators[rest]
                key = sp.exp(rest / base, evaluate=False)
                if key not in fresh:
                    count += 1
                    fresh[key] = sp.Symbol(f"_F{count}")
                factors.append(fresh[key] ** (power * base))
            replacements[f] = sp.Mul(*factors)
        expr = expr.xreplace(replacements)
