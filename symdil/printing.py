"""LaTeX for symdil's mathematics: a SymPy ``LatexPrinter`` subclass and the elided matrix equation.

``SymdilLatexPrinter`` prints symdil's symbol names unambiguously (``k^{(0,1)}_{2}``, ``{a1}_{0}``,
``\\alpha_{0}``) and everything else the way SymPy does. ``matrix_equation`` typesets ``M a = y``
as three matrices; a matrix larger than the limits is elided (first rows/columns, the last row, the
last columns, ``\\cdots``/``\\vdots``/``\\ddots``; every row and column of the budget is used) and
only its visible entries are built, through ``Conv.row`` (local, O(K) per row), so the cost does
not depend on n. The output is valid in LaTeX (amsmath) and KaTeX/MathJax alike.

N-D and channels: ``partitioned_matrix`` prints the operator with lines between its blocks (one
line between the blocks of 1-D operators, two between higher levels), elided level by level;
``partitioned_vector`` the flattened input/output aligned with it; ``grid_matrix`` a block matrix
of labels (``T_{0}``, ``M^{(0,1)}``, ``0``).  Their widths are estimated (``estimated_width``) so
that a matrix too wide for a page is replaced by its block views.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from .spec import GREEK
from .symbols import indexed_symbol, split_name

#: Default limits of the derivation's matrices: they fit a page and amsmath's 10 columns.
DEFAULT_MAX_ROWS = 8
DEFAULT_MAX_COLS = 10
#: amsmath's ``MaxMatrixCols``: wider matrices are typeset as ``array`` inside ``\\left[ \\right]``.
AMSMATH_MAX_COLS = 10
ZERO_STYLES = {"0": "0", "dot": r"\cdot", "blank": ""}

MARKER = None  # an elided stretch of rows or columns
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
    return (0 if symbols else 1, [symbol_key(symbol) for symbol in symbols],
            sympy.default_sort_key(term))


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
    text = ""
    for coef, symbol in terms:
        term = term_latex(coef, symbol, printer)
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


# --------------------------------------------------------------------------------------------
# Elision: which rows and columns are shown
# --------------------------------------------------------------------------------------------


def visible_indices(size: int, limit: int | None, tail: int = 1) -> list[int | None]:
    """Indices shown out of ``size``: all when they fit ``limit``, else head, MARKER, tail.

    ``tail`` (>= 1) last indices are kept; the head gets the rest of the budget (``limit``
    counts the marker).
    """
    if limit is None or size <= limit:
        return list(range(size))
    limit = max(limit, 3)
    tail = max(1, min(tail, limit - 2))
    head = limit - 1 - tail
    return list(range(head)) + [MARKER] + list(range(size - tail, size))


def bracket_matrix(cells: Sequence[Sequence[str]]) -> str:
    """``bmatrix`` (up to amsmath's 10 columns), else ``array`` in ``\\left[ \\right]``."""
    cols = max((len(line) for line in cells), default=1)
    body = " \\\\\n".join(" & ".join(line) for line in cells)
    if cols <= AMSMATH_MAX_COLS:
        return "\\begin{bmatrix}\n" + body + "\n\\end{bmatrix}"
    return (
        "\\left[\\begin{array}{" + "c" * cols + "}\n" + body + "\n\\end{array}\\right]"
    )


def column_vector(entries: Sequence[str]) -> str:
    return bracket_matrix([[entry] for entry in entries])


@dataclass(frozen=True)
class Layout:
    """The visible part of an operator matrix: rows and columns shown (MARKER for an ellipsis).

    Rows/columns are ints for concrete operators; in the general case (symbolic n) tail rows and
    columns are SymPy expressions counted from the end (``m - 1``, ``n - 2``).
    """

    rows: tuple
    cols: tuple
    # row -> {col: coefficient}, restricted to visible columns, and the full row (for y)
    entries: dict
    outputs: dict


#: An elided stretch hides at least this many rows or columns (hiding fewer saves no room and
#: reads as a gap in the pattern).
MIN_HIDDEN = 3


def visible_set(wanted: Any, size: int) -> list:
    """Sorted ``wanted`` indices of ``range(size)`` with MARKER for every gap of at least
    ``MIN_HIDDEN`` indices (smaller gaps are shown)."""
    out: list = []
    previous = -1
    for index in sorted(set(wanted)):
        gap = index - previous - 1
        if gap >= MIN_HIDDEN:
            out.append(MARKER)
        else:
            out.extend(range(previous + 1, index))
        out.append(index)
        previous = index
    gap = size - previous - 1
    if gap >= MIN_HIDDEN:
        out.append(MARKER)
    else:
        out.extend(range(previous + 1, size))
    return out


def _band(entries: dict) -> range:
    """The columns from a row's first non-zero to its last (empty for a zero row)."""
    return range(min(entries), max(entries) + 1) if entries else range(0)


def elided_rows_cols(n_rows: int, n_cols: int, row: Any, max_rows: int | None,
                     max_cols: int | None) -> tuple[list, list]:
    """The rows and columns shown of an ``n_rows`` x ``n_cols`` banded matrix (``row(r)``: its
    non-zeros ``{column: value}``), with MARKER for the elided stretches.  The rules:

    * an ellipsis hides at least ``MIN_HIDDEN`` (3) rows or columns: a matrix at most two larger
      than the limit is shown whole;
    * the visible columns are the whole bands of the visible rows (and the first and last
      column), so every visible row shows all its non-zeros and the ellipses carry the band;
      fewer head rows are shown until those columns fit ``max_cols`` (first rows, an ellipsis and
      the last row; else first rows and an ellipsis);
    * only when no such choice fits (a band wider than the limit) are bands cut: the first
      columns, an ellipsis and the last row's band, showing only rows with a visible non-zero,
      so that no visible row looks zero because its non-zeros were hidden.
    """
    row_limit = n_rows if max_rows is None else max(max_rows, 3)
    col_limit = n_cols if max_cols is None else max(max_cols, 3)
    cache: dict[int, dict] = {}

    def entries(r: int) -> dict:
        if r not in cache:
            cache[r] = row(r)
        return cache[r]

    def columns(rows: list, ends: int | None) -> list:
        """Whole bands (``ends`` None) or the first and last ``ends`` columns of each band."""
        wanted = {0, n_cols - 1}
        for r in rows:
            if r is MARKER:
                continue
            band = _band(entries(r))
            wanted.update(band if ends is None else (*band[:ends], *band[-ends:]))
        return visible_set(wanted, n_cols)


    whole = [list(range(n_rows))] if n_rows < row_limit + MIN_HIDDEN else []
    with_last, without_last = [], []
    if n_rows >= 2 + MIN_HIDDEN:
        for h in range(min(row_limit - 2, n_rows - 1 - MIN_HIDDEN), 0, -1):
            with_last.append(list(range(h)) + [MARKER, n_rows - 1])
    if n_rows >= 1 + MIN_HIDDEN:
        for h in range(min(row_limit - 1, n_rows - MIN_HIDDEN), 0, -1):
            without_last.append(list(range(h)) + [MARKER])
    many = [rows for rows in with_last if len(rows) > 3] + [
        rows for rows in without_last if len(rows) > 3]
    few = [rows for rows in with_last if len(rows) <= 3] + [
        rows for rows in without_last if len(rows) <= 3]
    candidates = whole + many + few
    if n_cols < col_limit + MIN_HIDDEN:
        return candidates[0], list(range(n_cols))
    for rows in candidates:
        cols = columns(rows, None)
        if len(cols) <= col_limit:
            return rows, cols
    # a band wider than the limit: the classic cut -- the first columns, an ellipsis, the last
    # row's band (at most half the columns) -- showing only rows with a visible non-zero
    last = entries(n_rows - 1)
    tail = max(1, min(n_cols - min(last), (col_limit - 1) // 2)) if last else 1
    cols = list(range(col_limit - 1 - tail)) + [MARKER] + list(range(n_cols - tail, n_cols))
    shown = {c for c in cols if c is not MARKER}

    def honest(r: Any) -> bool:
        return r is MARKER or not entries(r) or any(c in shown for c in entries(r))

    for rows in candidates:
        if all(honest(r) for r in rows):
            return rows, cols
    rows = candidates[-1]
    return rows, columns(rows, 1)  # not reached for a band matrix: row 0 starts in column 0


def _layout_concrete(op: Any, max_rows: int | None, max_cols: int | None) -> Layout:
    rows, cols = elided_rows_cols(*op.shape, op.row, max_rows, max_cols)
    full = {r: op.row(r) for r in rows if r is not MARKER}
    inputs = {c: op.input_symbol_at(c) for c in cols if c is not MARKER}
    outputs = {
        r: tuple((coef, op.input_symbol_at(c)) for c, coef in entries.items())
        for r, entries in full.items()
    }
    return Layout(tuple(rows), tuple(cols), {"full": full, "inputs": inputs}, outputs)


def _layout_general(op: Any, max_rows: int | None, max_cols: int | None) -> Layout:
    """The general case: top rows exactly, the bottom row from a concrete stand-in when it does not
    depend on n modulo the stride (stride 1, or transposed).  As for concrete operators, every
    visible row shows its whole band: the head rows are reduced until their bands fit."""
    from .facts import general_tail_rows  # facts knows the geometry of the bottom border

    max_rows = max_rows or 8
    max_cols = max_cols or 10
    n = op.axes[0].n
    m_expr = op.axes[0].output_length
    tail = general_tail_rows(op, 1)  # [(row_from_end, {col_from_end: coef})] or None
    tail_cols = 1
    if tail:
        tail_cols = max(1, max((-min(cols) for _, cols in tail if cols), default=1))
    rows: list = []
    full: dict = {}
    head_limit = max(1, max_rows - 1 - (len(tail) if tail else 0))
    chosen: list = [0]
    for h in range(head_limit, 0, -1):
        wanted = {0}
        for r in range(h):
            # symbolic n: Conv.row's columns are SymPy Integers; make them ints
            full[r] = full.get(r) or {int(c): v for c, v in op.row(r).items()}
            wanted.update(_band(full[r]))
        head_cols = visible_set(wanted, max(wanted) + 1)
        if len(head_cols) + 1 + tail_cols <= max_cols or h == 1:
            chosen = head_cols
            rows = list(range(h))
            break
    if len(chosen) + 1 + tail_cols > max_cols:  # one row's band is wider than the limit
        tail_cols = max(1, min(tail_cols, (max_cols - 1) // 2))
        chosen = list(range(max_cols - 1 - tail_cols))
        first = min(full[0]) if full.get(0) else 0
        if first >= len(chosen):  # keep row 0's first non-zero visible, drop the last columns
            tail_cols = 0
            chosen = list(range(max(max_cols - 1, first + 1)))
    full = {r: full[r] for r in rows}
    cols: list = chosen + [MARKER] + [n - j for j in range(tail_cols, 0, -1)]
    rows.append(MARKER)
    if tail:
        for back, entries in tail:
            r = m_expr + back
            rows.append(r)
            full[r] = {n + c: coef for c, coef in entries.items()}
    inputs = {c: general_symbol(op.input_symbol, c) for c in cols if c is not MARKER}
    outputs = {
        r: tuple((coef, general_symbol(op.input_symbol, c)) for c, coef in entries.items())
        for r, entries in full.items()
    }
    return Layout(tuple(rows), tuple(cols), {"full": full, "inputs": inputs}, outputs)


def matrix_layout(op: Any, max_rows: int | None = None, max_cols: int | None = None) -> Layout:
    """The visible rows/columns of ``op``'s matrix and their entries (None limits: everything)."""
    if op.symbolic:
        return _layout_general(op, max_rows, max_cols)
    return _layout_concrete(op, max_rows, max_cols)


def marker_row(cols: Sequence, both: bool) -> list[str]:
    """The cells of an elided row: \\ddots under an elided column, \\vdots elsewhere (only at
    the ends when both rows and columns are elided)."""
    cells = []
    last = len(cols) - 1
    for index, c in enumerate(cols):
        if c is MARKER:
            cells.append(r"\ddots")
        elif not both or index in (0, last):
            cells.append(r"\vdots")
        else:
            cells.append("")
    return cells


def matrix_cells(layout: Layout, printer: SymdilLatexPrinter) -> list[list[str]]:
    both = MARKER in layout.rows and MARKER in layout.cols
    cells = []
    for r in layout.rows:
        if r is MARKER:
            cells.append(marker_row(layout.cols, both))
            continue
        entries = layout.entries["full"][r]
        line = []
        for c in layout.cols:
            line.append(r"\cdots" if c is MARKER else printer.entry(entries.get(c, 0)))
        cells.append(line)
    return cells


def matrix_equation(
    op: Any,
    max_rows: int | None = None,
    max_cols: int | None = None,
    zero: str = "0",
) -> str:
    """The LaTeX body (no ``\\[ \\]``/``$$``) of ``M a = y``: operator, input column, output column.

    With ``max_rows``/``max_cols`` (counting the ellipsis) a larger matrix is elided; None shows
    everything.  Only visible entries are built (``op.row``), never ``op.matrix``.  ``zero`` styles
    zero entries: ``"0"``, ``"dot"`` (``\\cdot``) or ``"blank"``.  Up to 10 visible columns use
    ``bmatrix``; wider ones ``\\left[\\begin{array}…\\end{array}\\right]`` (amsmath's
    ``MaxMatrixCols`` need not be raised).
    """
    matrix, inputs, outputs = _equation_cells(op, max_rows, max_cols, zero)
    return (bracket_matrix(matrix) + "\n" + bracket_matrix(inputs) + "\n=\n"
            + bracket_matrix(outputs))


def _equation_cells(op: Any, max_rows: int | None, max_cols: int | None,
                    zero: str = "0") -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """The printed cells of ``M``, of the input column and of the output column."""
    if zero not in ZERO_STYLES:
        raise ValueError(f"zero must be one of {', '.join(ZERO_STYLES)}, got {zero!r}")
    printer = SymdilLatexPrinter({"zero": zero})
    layout = matrix_layout(op, max_rows, max_cols)
    inputs = [[r"\vdots" if c is MARKER else printer._print(layout.entries["inputs"][c])]
              for c in layout.cols]
    outputs = [[r"\vdots" if r is MARKER else sum_latex(layout.outputs[r], printer)]
               for r in layout.rows]
    return matrix_cells(layout, printer), inputs, outputs


#: Room (points) that brackets and ``=`` take around the three arrays of ``M a = y``.
EQUATION_SPACING = 40.0


def fitted_matrix_equation(op: Any, max_rows: int, max_cols: int,
                           width: float | None = None) -> str:
    """``matrix_equation`` made to fit a line of ``width`` points (default ``PAGE_WIDTH``): on one
    line when it fits; else ``M a`` on one line and ``= y`` on the next (``aligned``), with fewer
    columns (down to 3) when ``M a`` alone is still too wide."""
    width = PAGE_WIDTH if width is None else width
    for cols in range(max_cols, 2, -1):
        matrix, inputs, outputs = _equation_cells(op, max_rows, cols)
        left = array_width(matrix) + array_width(inputs) + EQUATION_SPACING
        if left + array_width(outputs) <= width:
            return (bracket_matrix(matrix) + "\n" + bracket_matrix(inputs) + "\n=\n"
                    + bracket_matrix(outputs))
        if left <= width or cols == 3:
            return ("\\begin{aligned}\n&" + bracket_matrix(matrix) + "\n" + bracket_matrix(inputs)
                    + " \\\\\n&\\qquad = " + bracket_matrix(outputs) + "\n\\end{aligned}")
    raise AssertionError("unreachable: cols == 3 returns")


def elided_vector(values: Sequence[Any] | None, size: int, limit: int | None,
                  value_at: Any = None) -> str:
    """A column vector of ``size`` entries, elided like the matrix columns (``value_at(i)``)."""
    printer = SymdilLatexPrinter()
    shown = visible_indices(size, limit)
    get = value_at if value_at is not None else (lambda i: values[i])
    return column_vector(
        [r"\vdots" if i is MARKER else printer.entry(get(i)) for i in shown]
    )


# --------------------------------------------------------------------------------------------
# Partitioned matrices (N-D and channels): blocks separated by lines
# --------------------------------------------------------------------------------------------
#
# The rows of an N-D operator are indexed by (output channel, i_0, ..., i_{D-1}) and its columns
# by (input channel, j_0, ..., j_{D-1}), flattened row-major.  Each index is a *level*; every
# level but the last groups consecutive rows/columns into blocks.  A *slot* is a visible row or
# column: a full index tuple, or a prefix ending in MARKER (an elided stretch at that level).

#: Visible rows/columns of a partitioned matrix (counting ellipses): it fits a page at 11pt.
PARTITION_MAX_ROWS = 16
PARTITION_MAX_COLS = 16


def _visible(size: int, limit: int) -> list:
    """``visible_indices``, and for an outer level also ``limit = 1``: the first index and an
    ellipsis (the other groups are dropped when even head-and-tail does not fit)."""
    if limit == 1 and size > 1:
        return [0, MARKER]
    return visible_indices(size, limit)


def _slots(sizes: Sequence[int], limits: Sequence[int]) -> list[tuple]:
    if not sizes:
        return [()]
    inner = _slots(sizes[1:], limits[1:])
    out: list[tuple] = []
    for index in _visible(sizes[0], limits[0]):
        if index is MARKER:
            out.append((MARKER,))
        else:
            out.extend((index,) + rest for rest in inner)
    return out


def _slot_count(sizes: Sequence[int], limits: Sequence[int]) -> int:
    """``len(_slots(sizes, limits))`` without listing them."""
    if not sizes:
        return 1
    shown = _visible(sizes[0], limits[0])
    full = sum(1 for index in shown if index is not MARKER)
    return full * _slot_count(sizes[1:], limits[1:]) + (len(shown) - full)


def level_limits(sizes: Sequence[int], budget: int) -> tuple[int, ...]:
    """Per-level limits so that the visible slots fit ``budget``: the level with the most
    visible entries gives one up first (inner ones on ties), down to 3 (first, ellipsis, last);
    then outer levels keep only their first group (limit 1), outermost first."""
    limits = [min(size, budget) for size in sizes]
    while _slot_count(sizes, limits) > budget:
        candidates = [(limits[level], level) for level in range(len(sizes))
                      if limits[level] > 3]
        if candidates:
            _, level = max(candidates)
            limits[level] -= 1
            continue
        outer = [level for level in range(len(sizes) - 1) if limits[level] > 1]
        if not outer:
            break
        limits[outer[0]] = 1
    return tuple(limits)


def _boundary(previous: tuple, current: tuple, levels: int) -> int | None:
    """The level of the block boundary between two consecutive slots (None inside a block)."""
    for level, (a, b) in enumerate(zip(previous, current)):
        if a is MARKER or b is MARKER or a != b:
            return level if level < levels - 1 else None
    return None


def _ravel(index: tuple, sizes: Sequence[int]) -> int:
    flat = 0
    for i, size in zip(index, sizes):
        flat = flat * size + i
    return flat


@dataclass(frozen=True)
class PartitionedLayout:
    """The visible slots of a partitioned operator matrix and the block boundaries between them.

    ``row_lines[k]``/``col_lines[k]`` is the number of lines (0, 1 or 2) drawn before slot k + 1:
    one line between blocks of the deepest block level, two between blocks of higher levels.
    """

    row_sizes: tuple[int, ...]
    col_sizes: tuple[int, ...]
    rows: tuple[tuple, ...]
    cols: tuple[tuple, ...]
    row_lines: tuple[int, ...]
    col_lines: tuple[int, ...]


def _lines(slots: Sequence[tuple], levels: int, deepest: int) -> tuple[int, ...]:
    out = []
    for previous, current in zip(slots, slots[1:]):
        level = _boundary(previous, current, levels)
        out.append(0 if level is None else (1 if level >= deepest else 2))
    return tuple(out)


def partition_levels(op: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Row and column levels: the channel level (when there are channels) then the axes."""
    m = tuple(axis.output_length for axis in op.axes)
    n = tuple(axis.n for axis in op.axes)
    if op.in_channels > 1 or op.out_channels > 1:
        return (op.out_channels,) + m, (op.in_channels,) + n
    return m, n


def partitioned_layout(op: Any, max_rows: int = PARTITION_MAX_ROWS,
                       max_cols: int = PARTITION_MAX_COLS) -> PartitionedLayout:
    """The visible rows and columns of ``op``'s partitioned matrix (no entry is built here)."""
    row_sizes, col_sizes = partition_levels(op)
    rows = _slots(row_sizes, level_limits(row_sizes, max_rows))
    cols = _slots(col_sizes, level_limits(col_sizes, max_cols))
    levels = len(row_sizes)
    deepest = levels - 2  # the level whose blocks hold 1-D operators
    return PartitionedLayout(row_sizes, col_sizes, tuple(rows), tuple(cols),
                             _lines(rows, levels, deepest), _lines(cols, levels, deepest))


def _full(slot: tuple, sizes: Sequence[int]) -> bool:
    return len(slot) == len(sizes) and MARKER not in slot


def _flat_row(op: Any, slot: tuple, sizes: Sequence[int]) -> int:
    """Flat row/column of a full slot (the channel level is absent for one-channel operators)."""
    return _ravel(slot, sizes)


#: A zero-width strut that keeps superscripts off a horizontal line above them.
STRUT = r"\rule{0pt}{2.6ex}"


def partitioned_array(cells: Sequence[Sequence[str]], row_lines: Sequence[int],
                      col_lines: Sequence[int], transpose_mark: bool = False) -> str:
    """``array`` in ``\\left[ \\right]`` with ``lines`` (0, 1 or 2) after each row/column."""
    spec = "c"
    for lines in col_lines:
        spec += "|" * lines + "c"
    body = []
    for k, line in enumerate(cells):
        text = " & ".join(line)
        if k and row_lines[k - 1] and any("^{" in cell for cell in line):
            text = STRUT + " " + text
        if k < len(cells) - 1:
            text += " \\\\" + (" \\hline" * row_lines[k])
        body.append(text)
    mark = "^{\\mathsf{T}}" if transpose_mark else ""
    return ("\\left[\\begin{array}{" + spec + "}\n" + "\n".join(body) + "\n\\end{array}\\right]"
            + mark)


def partitioned_matrix(op: Any, max_rows: int = PARTITION_MAX_ROWS,
                       max_cols: int = PARTITION_MAX_COLS, zero: str = "dot") -> str:
    """The operator matrix with lines between its blocks, elided level by level; only visible
    entries are built (``op.row``), so the cost does not depend on the sizes."""
    layout, cells = partitioned_cells(op, max_rows, max_cols, zero)
    return partitioned_array(cells, layout.row_lines, layout.col_lines)


def partitioned_cells(op: Any, max_rows: int = PARTITION_MAX_ROWS,
                      max_cols: int = PARTITION_MAX_COLS,
                      zero: str = "dot") -> tuple[PartitionedLayout, list[list[str]]]:
    """The layout and printed cells of ``partitioned_matrix``."""
    printer = SymdilLatexPrinter({"zero": zero})
    layout = partitioned_layout(op, max_rows, max_cols)
    rows_cache: dict[int, dict] = {}
    cells = []
    for r_slot in layout.rows:
        line = []
        full_row = _full(r_slot, layout.row_sizes)
        if full_row:
            flat = _flat_row(op, r_slot, layout.row_sizes)
            if flat not in rows_cache:
                rows_cache[flat] = op.row(flat)
            entries = rows_cache[flat]
        for c_slot in layout.cols:
            full_col = _full(c_slot, layout.col_sizes)
            if full_row and full_col:
                line.append(printer.entry(entries.get(_ravel(c_slot, layout.col_sizes), 0)))
            elif full_row:
                line.append(r"\cdots")
            elif full_col:
                line.append(r"\vdots")
            else:
                line.append(r"\ddots")
        cells.append(line)
    return layout, cells


def partitioned_vector(op: Any, side: str, max_entries: int = PARTITION_MAX_COLS,
                       max_width: float | None = None, column_gap: float = 10.0) -> str:
    """The flattened input (``side="input"``, aligned with the matrix columns) or output
    (``"output"``, aligned with its rows) as a partitioned row vector, transposed.  At most
    ``max_entries`` entries (counting ellipses), fewer if their estimated width exceeds
    ``max_width`` points (default: a page line) with ``column_gap`` points between entries."""
    max_width = PAGE_WIDTH if max_width is None else max_width
    printer = SymdilLatexPrinter()
    symbol_at = op.input_symbol_at if side == "input" else op.output_symbol_at
    for budget in range(max_entries, 2, -1):
        layout = partitioned_layout(op, budget if side == "output" else PARTITION_MAX_ROWS,
                                    budget if side == "input" else PARTITION_MAX_COLS)
        slots, sizes, lines = ((layout.cols, layout.col_sizes, layout.col_lines)
                               if side == "input"
                               else (layout.rows, layout.row_sizes, layout.row_lines))
        cells = [printer._print(symbol_at(_ravel(slot, sizes))) if _full(slot, sizes)
                 else r"\cdots" for slot in slots]
        if array_width([cells], column_gap) <= max_width:
            break
    return partitioned_array([cells], (), lines, transpose_mark=True)


#: The width (points, as ``estimated_width`` counts them) a displayed array may take: the line
#: of a default ``article`` (345 pt at 10 pt, where a snippet is most often ``\\input``) less the
#: ``M = `` before it and the brackets -- so standalone documents (A4, 11 pt) fit with room.
PAGE_WIDTH = 330.0
#: The gap between the columns of the flattened vectors and of the full partitioned matrix: the
#: LaTeX templates set ``\\arraycolsep`` to 3 pt in those displays (amsmath's 5 pt leaves a
#: 12-column matrix a few points too wide for a default article).
TIGHT_COLUMN_GAP = 6.0
_COMMAND_RE = re.compile(r"\\([A-Za-z]+)")
_STACKED_RE = re.compile(r"\^\{([^{}]*)\}_\{([^{}]*)\}")
_GLYPH_COMMANDS = {"cdots": 2.5, "ldots": 2.5, "dots": 2.5, "vdots": 1, "ddots": 2.5, "cdot": 0.5,
                   "alpha": 1}


#: Baseline widths (points, 11 pt) that differ from the 6 pt of a lowercase letter or digit:
#: capitals, and binary operators and relations with the space around them.
_GLYPH_WIDTHS = {**{letter: 8.0 for letter in "ABCDEFGHIJKLNOPQRSTUVXYZ"}, "M": 10.5, "W": 10.5,
                 "+": 11.0, "-": 11.0, "=": 12.0}


def estimated_width(cell: str) -> float:
    """A rough width in points (11pt) of a simple math cell such as ``k^{(0,1)}_{2,3}``: 6 pt per
    lowercase glyph on the baseline (8 to 10.5 for a capital, 11 to 12 for ``+``, ``-``, ``=``
    with their spacing), 0.7 of that in a sub- or superscript."""
    # a superscript and a subscript on the same base stack: the wider one counts
    cell = _STACKED_RE.sub(lambda m: "_{" + max(m.group(1), m.group(2), key=len) + "}", cell)
    width = 0.0
    depth = 0  # script nesting: braces opened right after ^ or _
    stack: list[bool] = []
    index = 0
    script_next = False
    while index < len(cell):
        char = cell[index]
        if char == "\\":
            match = _COMMAND_RE.match(cell, index)
            name = match.group(1) if match else ""
            index += len(name) + 1 if match else 2
            glyphs = _GLYPH_COMMANDS.get(name, 1 if name not in ("left", "right", "mathrm",
                                                                  "tilde", "hat", "mathsf")
                                         else 0)
            width += glyphs * (4.2 if depth or script_next else 6.0)
            script_next = False
            continue
        if char in "^_":
            script_next = True
        elif char == "{":
            stack.append(script_next)
            depth += script_next
            script_next = False
        elif char == "}":
            depth -= stack.pop() if stack else 0
        elif not char.isspace() and char != "&":
            scripted = depth or script_next
            glyph = _GLYPH_WIDTHS.get(char, 6.0)
            if scripted and char in "+-=":
                glyph = 6.0  # no spacing around operators in scripts
            width += glyph * 0.7 if scripted else glyph
            script_next = False
        index += 1
    return width


def array_width(cells: Sequence[Sequence[str]], column_gap: float = 10.0) -> float:
    """Estimated width of an array: the widest cell of every column plus the column gaps."""
    cols = max((len(line) for line in cells), default=0)
    widths = [max((estimated_width(line[c]) for line in cells if c < len(line)), default=0.0)
              for c in range(cols)]
    return sum(widths) + column_gap * cols


def grid_matrix(cells: Sequence[Sequence[str]]) -> str:
    """A block matrix with a line between every two block rows and block columns (``array``
    inside ``\\left[ \\right]``, valid in LaTeX and KaTeX)."""
    rows = len(cells)
    cols = max((len(line) for line in cells), default=1)
    return partitioned_array(cells, (1,) * (rows - 1), (1,) * (cols - 1))
