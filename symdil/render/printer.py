"""LaTeX and plain text for symdil's mathematics: a SymPy ``LatexPrinter`` subclass and a
``StrPrinter`` subclass.

``SymdilLatexPrinter`` prints symdil's symbol names unambiguously (``k^{(0,1)}_{2}``, ``{a1}_{0}``,
``\\alpha_{0}``) and everything else the way SymPy does; ``latex``/``sstr`` and the term helpers
(``sum_latex``, ``sum_text``) print the sums of an output row in kernel-first order.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from ..core.spec import GREEK
from ..core.symbols import indexed_symbol, split_name

#: Default limits of the derivation's matrices: they fit a page and amsmath's 10 columns.
ZERO_STYLES = {"0": "0", "dot": r"\cdot", "blank": ""}
_GENERAL_RE = re.compile(r"(?P<base>[A-Za-z][A-Za-z0-9]*)_\{(?P<sub>[^{}]*)\}\Z")


def group_digits(value: int) -> str:
    """``1{,}000{,}000`` for five digits and more (LaTeX and KaTeX); smaller numbers as they are."""
    text = str(abs(value))
    if len(text) >= 5:
        groups = []
        while text:
            groups.insert(0, text[-3:])
            text = text[:-3]
        text = "{,}".join(groups)
    return ("-" if value < 0 else "") + text


def latex_base(name: str) -> str:
    """A symbol base: ``a``, ``\\alpha``, or ``{a1}`` (braced: a subscript binds to all of it)."""
    if name == "omicron":  # LaTeX has no \omicron: the letter is a Latin o
        return "o"
    if name in GREEK:
        return "\\" + name
    if len(name) == 1:
        return name
    return "{" + name + "}"


#: What a symbol or function name may hold when the printer writes it out: every name symdil
#: makes, and nothing TeX reads as a command, a comment, a parameter or an alignment.
_TYPESETTABLE_RE = re.compile(r"[A-Za-z0-9_^{}(), +\-]*\Z")


def _check_typesettable(name: str) -> None:
    """The last guard before a name reaches a document (``Conv`` validates names at the door;
    this catches any other way in): refuse a backslash, ``%``, ``#``, ``$``, ``&``..."""
    if not _TYPESETTABLE_RE.match(name) or name.count("{") != name.count("}"):
        from ..core.errors import SymdilError

        raise SymdilError(f"the symbol {name[:40]!r} cannot be typeset: a symbol name holds "
                          "letters, digits and a subscript such as w_0 or k_{0,1}")


class SymdilLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer, with symdil's symbol names and bmatrix matrices.

    Settings (besides SymPy's): ``zero`` -- how a zero *matrix entry* looks (``"0"``, ``"dot"``,
    ``"blank"``); ``digit_groups`` -- ``1{,}000{,}000`` for large numbers (False for subscripts:
    an index reads ``a_{999999}`` like the symbols' own indices); ``mat_str="bmatrix"`` with
    ``mat_delim=""`` so brackets do not double up.
    """

    printmethod = "_symdil_latex"
    _default_settings = {
        **LatexPrinter._default_settings,
        "mat_str": "bmatrix",
        "mat_delim": "",
        "zero": "0",
        "digit_groups": True,
    }

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list:
        # natural order (k_2 before k_10) instead of SymPy's string order
        return sorted(sympy.Add.make_args(expr), key=natural_term_key)

    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        parts = split_name(expr.name)
        if parts is None:
            _check_typesettable(expr.name)
            if expr.name in GREEK or len(expr.name) == 1 or expr.name.isalnum():
                return latex_base(expr.name)
            general = _GENERAL_RE.match(expr.name)
            if general:  # an index counted from the end, made by general_symbol
                return latex_base(general["base"]) + "_{" + general["sub"] + "}"
            return super()._print_Symbol(expr, style)
        base, sub, sup = parts
        text = latex_base(base)
        if sup:
            text += "^{(" + ",".join(sup) + ")}"
        return text + "_{" + ",".join(sub) + "}"

    def _hprint_Function(self, func: str) -> str:
        _check_typesettable(func)
        return super()._hprint_Function(func)

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        base = latex_base(str(expr.base.label))
        indices = ",".join(self._print(index) for index in expr.indices)
        return base + "_{" + indices + "}"

    def _number(self, value: int) -> str:
        return group_digits(value) if self._settings["digit_groups"] else str(value)

    def _print_Integer(self, expr: sympy.Integer) -> str:
        return self._number(int(expr))

    def _print_int(self, expr: int) -> str:
        return self._number(int(expr))

    def _print_Rational(self, expr: sympy.Rational) -> str:
        if expr.q == 1:
            return self._number(int(expr.p))
        return super()._print_Rational(expr)

    def _print_floor(self, expr: Any, exp: Any = None) -> str:
        return self._bracket(expr, r"\left\lfloor ", r" \right\rfloor", exp)

    def _print_ceiling(self, expr: Any, exp: Any = None) -> str:
        return self._bracket(expr, r"\left\lceil ", r" \right\rceil", exp)

    def _bracket(self, expr: Any, left: str, right: str, exp: Any) -> str:
        # (n - 5)/2 reads better than n/2 - 5/2 inside a floor
        numerator, denominator = sympy.fraction(sympy.together(expr.args[0]))
        if denominator != 1:
            inner = rf"\frac{{{self._print(numerator)}}}{{{self._print(denominator)}}}"
        else:
            inner = self._print(numerator)
        tex = left + inner + right
        return rf"{tex}^{{{exp}}}" if exp is not None else tex

    def entry(self, value: Any) -> str:
        """A matrix entry: zeros in the configured style."""
        if value == 0:
            return ZERO_STYLES[self._settings["zero"]]
        return self._print(value)


def general_symbol(base: str, index: Any) -> sympy.Symbol:
    """``base_index`` for an int index (``a_4``) or an expression in n (``a_{n - 3}``)."""
    if isinstance(index, int):
        return indexed_symbol(base, (index,))
    return sympy.Symbol(f"{base}_{{{latex_index(index)}}}")


def symbol_key(symbol: sympy.Symbol) -> tuple:
    """Natural order of symdil's names: ``k_2`` before ``k_10``, ``a_{0,9}`` before ``a_{0,10}``
    (SymPy orders names as strings)."""
    parts = split_name(symbol.name)
    if parts is None:
        return (symbol.name, (), ())
    base, sub, sup = parts
    return (base, tuple(int(v) for v in sup), tuple(int(v) for v in sub))


def natural_term_key(term: Any) -> tuple:
    """Terms with symbols first, by their symbols in natural order; constants last."""
    symbols = sorted(getattr(term, "free_symbols", ()), key=symbol_key)
    return (0 if symbols else 1, [symbol_key(symbol) for symbol in symbols], -_degree(term),
            sympy.default_sort_key(term))


def _degree(term: Any) -> int:
    """The total integer degree of a product (``3 n^2``: 2): higher powers of the same symbols
    print first (``3 n^{2} - n``, not ``- n + 3 n^{2}``)."""
    degree = 0
    for factor in sympy.Mul.make_args(term):
        base, exponent = factor.as_base_exp()
        if getattr(base, "free_symbols", None) and getattr(exponent, "is_Integer", False):
            degree += int(exponent)
    return degree


def term_latex(coef: Any, symbol: Any, printer: "SymdilLatexPrinter | None" = None) -> str:
    """``coef symbol`` with the coefficient (the kernel) first: ``k_{0} a_{6}``, ``-2 a_{1}``,
    ``\\left(k_{0} + k_{1}\\right) a_{0}``; a coefficient 1 or -1 is dropped."""
    printer = printer or SymdilLatexPrinter()
    coef = sympy.sympify(coef)
    name = printer._print(symbol)
    if coef == 1:
        return name
    if coef == -1:
        return "-" + name
    text = printer._print(coef)
    if isinstance(coef, sympy.Add):
        text = r"\left(" + text + r"\right)"
    return text + " " + name


def sum_latex(terms: Sequence[tuple[Any, Any]], printer: "SymdilLatexPrinter | None" = None) -> str:
    """``coef * symbol`` terms joined in the given order (an operator row's order is tap order:
    ``k_{0} a_{6} + k_{1} a_{8} + k_{2} a_{10}``); ``0`` for no terms."""
    printer = printer or SymdilLatexPrinter()
    return join_terms([term_latex(coef, symbol, printer) for coef, symbol in terms])


def join_terms(terms: Sequence[str]) -> str:
    """Printed LaTeX terms joined by ``+``, a leading minus turned into `` - ``; ``0`` for none."""
    text = ""
    for term in terms:
        if not text:
            text = term
        elif term.startswith("-"):
            text += " - " + term[1:].lstrip()
        else:
            text += " + " + term
    return text or "0"


class SymdilStrPrinter(StrPrinter):
    """SymPy's string form with symdil's conventions: sums in natural order (``k_2 + k_10``), and a
    symbol whose name is not a Python identifier (N-D and channel names such as ``a_{0,1}`` or
    ``k^{(0,1)}_{2}``) written ``Symbol('a_{0,1}')``, so that every string reads back with
    ``sympy.sympify`` to exactly the same expression."""

    _default_settings = {**StrPrinter._default_settings, "readable": False}

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        if self._settings["readable"] or expr.name.isidentifier():
            return expr.name
        return f"Symbol({expr.name!r})"

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list:
        return sorted(sympy.Add.make_args(expr), key=natural_term_key)


def sstr(expr: Any, readable: bool = False) -> str:
    """``expr`` in SymPy syntax (``SymdilStrPrinter``); reads back with ``sympy.sympify``.
    ``readable``: symbol names as they are (``k^{(0,1)}_2``), for people rather than sympify."""
    return SymdilStrPrinter({"readable": readable}).doprint(expr)


def term_text(coef: Any, symbol: Any, readable: bool = False) -> str:
    """``coef*symbol`` in SymPy syntax, kernel first: ``k_0*a_6``, ``-2*a_1``,
    ``(k_0 + k_1)*a_0``."""
    coef = sympy.sympify(coef)
    name = sstr(symbol, readable)
    if coef == 1:
        return name
    if coef == -1:
        return "-" + name
    text = sstr(coef, readable)
    if isinstance(coef, sympy.Add):
        text = "(" + text + ")"
    return text + "*" + name


def sum_text(terms: Sequence[tuple[Any, Any]], readable: bool = False) -> str:
    """``coef*symbol`` terms in SymPy syntax, in the given order (an operator row's tap order):
    ``k_0*a_6 + k_1*a_8 + k_2*a_10``; ``0`` for no terms.  ``sympy.sympify`` reads it back to the
    row's expression (unless ``readable``: names as they are, for a terminal)."""
    text = ""
    for coef, symbol in terms:
        term = term_text(coef, symbol, readable)
        if not text:
            text = term
        elif term.startswith("-"):
            text += " - " + term[1:]
        else:
            text += " + " + term
    return text or "0"


def latex(expr: Any, **settings: Any) -> str:
    """Print ``expr`` with ``SymdilLatexPrinter``."""
    return SymdilLatexPrinter(settings).doprint(expr)


def latex_index(expr: Any) -> str:
    """An index for a subscript: digits without groups (``999999``, ``n - 3``), as symbol names
    print their indices, so one sentence never mixes ``a_{999{,}998}`` and ``a_{999996}``."""
    return latex(expr, digit_groups=False)
