"""Check 7, the general case: the index formula proved for symbolic n and a symbolic row index.

The operator is written from its definition as sums of Kronecker deltas and SymPy evaluates them:

* forward: y = C P a, with the padding ``x~_q = sum_j delta(q, j + p_b) a_j`` and the strided
  dilated valid convolution ``y_i = sum_t k_t sum_q delta(q, s i + d t) x~_q``;
* transposed: ``T_{j,i} = sum_t k_t delta(j + p, s i + d t)`` (the scatter rule, cropped by p).

For an interior row i (all taps inside the input) the sums' range conditions are decided by SymPy
from the hypotheses alone: with non-negative integers A = s i - p_b and
B = n - 1 + p_b - s i - d(K-1) (so n = A + B + d(K-1) + 1), every condition simplifies to True
and what is left is ``y_i = sum_t k_t a_{s i + d t - p_b}`` -- for every n and i satisfying the
hypotheses, not for a sample of sizes.  A transposed operator is proved column by column (its
transpose is a forward operator): column i holds k_t in row s i + d t - p.

Border rows are derived the same way with i concrete (left border) or at a fixed distance from the
end (right border, one case per residue of n mod s) and n symbolic, and are then compared with the
library's rows (the symbolic operator's top rows, and every row of concrete instances for two
sizes per residue class).  Only 1-D, one channel, padding_mode 'zeros' (the case a symbolic n is
defined for).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import sympy
from sympy import KroneckerDelta, Lambda, Sum

from ..core.conv import Conv
from ..core.limits import MAX_STRIDE_RESIDUES
from .result import CheckResult, not_applicable
from .tools import num
from .tools import same as _same

NAME = "general_case"
RowOf = Callable[[Conv, int], dict]

_A = sympy.Symbol("A", integer=True, nonnegative=True)
_B = sympy.Symbol("B", integer=True, nonnegative=True)
_W = sympy.Symbol("W", integer=True, nonnegative=True)
_I = sympy.Symbol("i", integer=True, nonnegative=True)
_Q = sympy.Symbol("q", integer=True)
_J = sympy.Symbol("j", integer=True)
_F = sympy.Function("f")


@dataclass(frozen=True)
class GeneralResult(CheckResult):
    """A check result carrying the statement proved, as plain text and as LaTeX (for documents)."""

    statement: str | None = None
    statement_latex: str | None = None


def _default_row_of(conv: Conv, i: int) -> dict:
    return conv.row(i)


class _Unresolved(Exception):
    """A delta sum kept a condition the hypotheses should have decided: the proof failed."""


def _index_of(value: Any, base: sympy.IndexedBase) -> Any:
    """``a[c]`` -> c; 0 -> None; anything else (a Piecewise left over) is a failed proof."""
    if value == 0:
        return None
    if isinstance(value, sympy.Indexed) and value.base == base:
        return value.indices[0]
    raise _Unresolved(str(value))


class _Derivation:
    """The delta-sum derivation for one 1-D operator (numbers) with symbolic n."""

    def __init__(self, op: Conv) -> None:
        axis = op.axes[0]
        self.K, self.s, self.d = axis.kernel_size, axis.stride, axis.dilation
        self.pb, self.pa = axis.pad_before, axis.pad_after
        self.op_pad = axis.output_padding
        self.transposed = op.transposed
        self.flip = op.flip
        self.kernel = tuple(op.kernel)
        self.a = sympy.IndexedBase(op.input_symbol)
        self.b = sympy.IndexedBase("b")
        self.input_symbol = op.input_symbol
        self.output_symbol = op.output_symbol
        self.span1 = self.d * (self.K - 1)
        self._padded: dict[Any, Lambda] = {}
        self._taps: dict[tuple, Any] = {}

    def tap(self, t: int) -> Any:
        return self.kernel[self.K - 1 - t] if self.flip else self.kernel[t]

    # forward: x~_q = sum_j delta(q, j + p_b) a_j ;  y_i = sum_t k_t sum_q delta(q, s i + d t) x~_q
    def padded(self, n: Any) -> Lambda:
        if n not in self._padded:
            body = Sum(KroneckerDelta(_Q, _J + self.pb) * self.a[_J], (_J, 0, n - 1)).doit()
            self._padded[n] = Lambda(_Q, body)
        return self._padded[n]

    def forward_tap(self, si: Any, t: int, n: Any) -> Any:
        """sum_q delta(q, s i + d t) x~_q over the padded input, evaluated by SymPy."""
        key = (sympy.expand(si + self.d * t), n)
        if key not in self._taps:
            total = n + self.pb + self.pa
            value = Sum(KroneckerDelta(_Q, key[0]) * _F(_Q), (_Q, 0, total - 1)).doit()
            self._taps[key] = value.replace(_F, self.padded(n))
        return self._taps[key]

    def forward_row(self, si: Any, n: Any) -> dict:
        """Column index -> coefficient of the row whose first tap sits at padded position si."""
        row: dict[Any, Any] = {}
        for t in range(self.K):
            col = _index_of(self.forward_tap(si, t, n), self.a)
            if col is not None:
                row[col] = row.get(col, 0) + self.tap(t)
        return row

    # transposed: coefficient of a_i in <b, T a> = sum_t k_t sum_j delta(j + p, s i + d t) b_j
    def transposed_column(self, si: Any, m: Any) -> dict:
        column: dict[Any, Any] = {}
        for t in range(self.K):
            value = Sum(KroneckerDelta(_J + self.pb, si + self.d * t) * self.b[_J],
                        (_J, 0, m - 1)).doit()
            row = _index_of(value, self.b)
            if row is not None:
                column[row] = column.get(row, 0) + self.tap(t)
        return column

    def output_length(self, n: Any) -> Any:
        s, K, d = self.s, self.K, self.d
        return (n - 1) * s - 2 * self.pb + d * (K - 1) + self.op_pad + 1


# ----- formatting -----------------------------------------------------------------------------

def _affine(parts: list[tuple[int, str]], constant: int) -> str:
    text = ""
    for coef, var in parts:
        if coef == 0:
            continue
        piece = var if coef == 1 else f"{coef}{var}"
        text += piece if not text else f"+{piece}"
    if constant or not text:
        text += f"{constant:+d}" if text else str(constant)
    return text


def _term(coef: Any, symbol: str, latex: bool) -> str:
    coef = sympy.sympify(coef)
    if coef == 1:
        return symbol
    if coef == -1:
        return "-" + symbol
    text = sympy.latex(coef) if latex else sympy.sstr(coef)
    if isinstance(coef, sympy.Add):
        text = f"({text})"
    return f"{text}\\,{symbol}" if latex else f"{text} {symbol}"


def _join(terms: list[str]) -> str:
    if not terms:
        return "0"
    text = terms[0]
    for term in terms[1:]:
        text += f" - {term[1:]}" if term.startswith("-") else f" + {term}"
    return text


def _sum_text(pairs: list[tuple[Any, str]], latex: bool) -> str:
    return _join([_term(coef, symbol, latex) for coef, symbol in pairs if coef != 0])


def _floor(numerator: str, s: int, latex: bool) -> str:
    if s == 1:
        return numerator
    if latex:
        return rf"\left\lfloor ({numerator})/{s} \right\rfloor"
    return f"floor(({numerator})/{s})"


def _listing(items: list[str], what: str, latex: bool, limit: int = 6) -> str:
    """All items, or the first and last three of many (all of them are derived and checked)."""
    shown = [f"${item}$" if latex else item for item in items]
    if len(shown) <= limit:
        return "; ".join(shown)
    return (f"{'; '.join(shown[:3])}; ...; {'; '.join(shown[-3:])} ({len(shown)} border {what} "
            "in all, each derived and checked; first and last three shown)")


def _n_plus(offset: int) -> str:
    return _affine([(1, "n")], offset)


# ----- the check ------------------------------------------------------------------------------

def _symbolic_version(op: Conv) -> Conv:
    if op.symbolic:
        return op
    args = {**op.args, "n": "n", "padding": tuple(op.padding)}
    return Conv(**args)


def check_general(op: Conv, row_of: RowOf | None = None) -> GeneralResult | CheckResult:
    """7. Prove the index formula for symbolic n and symbolic row index (see the module doc).

    ``row_of(conv, i)`` gives row i of a ``Conv`` as column -> coefficient (default ``conv.row``);
    replace it to check another operator against the proof.  For a concrete op the proof is for
    the same kernel, stride, dilation and resolved padding with n symbolic.
    """
    if op.ndim > 1:
        return not_applicable(NAME,
                              f"the general case is proved in 1-D only ({op.ndim}-D operator)")
    if op.in_channels > 1 or op.out_channels > 1:
        return not_applicable(NAME, "the general case (symbolic n) is proved for one channel")
    if op.axes[0].padding_mode != "zeros":
        return not_applicable(NAME, f"padding_mode={op.axes[0].padding_mode!r}: the general case "
                                    "(symbolic n) is proved for 'zeros' padding")
    too_long = general_cost_problem(op)
    if too_long is not None:
        return not_applicable(NAME, too_long)
    row_of = row_of or _default_row_of
    symbolic = _symbolic_version(op)
    derivation = _Derivation(symbolic)
    try:
        if op.transposed:
            return _transposed(op, symbolic, derivation, row_of)
        return _forward(op, symbolic, derivation, row_of)
    except _Unresolved as error:
        return GeneralResult(NAME, False, f"a range condition was not decided by the hypotheses: "
                                          f"{error}")


def _compare(got: dict, want: dict, where: str, problems: list[str]) -> None:
    keys = set(got) | set(want)
    for key in sorted(keys, key=str):
        if not _same(sympy.sympify(got.get(key, 0)), sympy.sympify(want.get(key, 0))):
            problems.append(f"{where}: entry {key} is {got.get(key, 0)}, the proof gives "
                            f"{want.get(key, 0)}")
            return


def _forward(op: Conv, symbolic: Conv, dv: _Derivation, row_of: RowOf) -> GeneralResult:
    K, s, d, pb, pa, span1 = dv.K, dv.s, dv.d, dv.pb, dv.pa, dv.span1
    i_min = -(-pb // s)
    n_min = s * i_min + span1 + 1 - pb
    problems: list[str] = []

    # interior: n = A + B + d(K-1) + 1, s i = A + p_b, A, B >= 0
    n_interior = _A + _B + span1 + 1
    derived = sympy.Add(*[dv.tap(t) * dv.forward_tap(_A + pb, t, n_interior)
                          for t in range(K)])
    if derived.has(sympy.Piecewise, Sum, KroneckerDelta):
        raise _Unresolved(str(derived))
    formula = sympy.Add(*[dv.tap(t) * dv.a[s * _I + d * t - pb] for t in range(K)])
    if sympy.expand(derived.subs(_A, s * _I - pb) - formula) != 0:
        problems.append(f"interior rows: the delta sums give {derived}, not {formula}")

    def formula_row(i: int) -> dict:
        return {s * i + d * t - pb: dv.tap(t) for t in range(K)}

    # left border rows: i < i_min, n = n_min + B
    left = {i: dv.forward_row(s * i, n_min + _B) for i in range(i_min)}
    for i in range(min(i_min + 3, i_min + s + 1)):
        want = left[i] if i < i_min else formula_row(i)
        _compare(row_of(symbolic, i), want, f"row {i} of the symbolic operator", problems)

    # right border rows per residue c = n mod s: n = s W + c, W = W0 + B
    right: dict[int, dict[int, dict]] = {}
    instance_sizes = []
    for c in range(s):
        w0 = max(0, -(-(n_min - c) // s))
        n_expr = s * (w0 + _B) + c
        e_top = (c + pb + pa - span1 - 1) // s
        e_int = (c - 1 + pb - span1) // s
        right[c] = {}
        for e in range(e_int + 1, e_top + 1):
            row = dv.forward_row(s * (w0 + _B + e), n_expr)
            # columns as offsets from n
            right[c][e - e_top] = {sympy.expand(col - n_expr): coef for col, coef in row.items()}
        instance_sizes += [s * w + c for w in (w0, w0 + 1)]

    # every row of concrete instances: left border, interior formula, right border
    for n_value in sorted(set(instance_sizes)):
        instance = symbolic.replace(n=n_value)
        m = instance.output_length
        i_max = (n_value - 1 + pb - span1) // s
        for i in range(m):
            if i < i_min:
                want = left[i]
            elif i <= i_max:
                want = formula_row(i)
            else:
                offsets = right[n_value % s][i - (m - 1)]
                want = {n_value + int(off): coef for off, coef in offsets.items()}
            _compare(row_of(instance, i), want, f"n = {n_value}, row {i}", problems)
        if problems:
            break

    statement, latex = _forward_statement(dv, i_min, n_min, left, right)
    sizes, sizes_latex = _sizes_text(sorted(set(instance_sizes)), s)
    if problems:
        return GeneralResult(NAME, False, "; ".join(problems[:3]), statement=statement,
                             statement_latex=latex)
    detail = (f"proved with SymPy delta sums: {statement} Library rows agree: the symbolic "
              f"operator's top rows and every row at n = {sizes}.")
    axis = op.axes[0]
    if not op.symbolic and axis.padding_word == "same" and s > 1:
        detail += (f" (padding 'same' resolved for n = {axis.n}; with stride {s} 'same' pads "
                   "differently for other residues of n, the proof keeps these numbers.)")
    # the statement itself, once, here (the verification section does not repeat it)
    detail_latex = (f"Proved with SymPy delta sums: {latex[:1].lower()}{latex[1:]} The "
                    f"library's rows agree: the symbolic operator's top rows and every row at "
                    f"$n =$ {sizes_latex}.")
    return GeneralResult(NAME, True, detail, statement=statement, statement_latex=latex,
                         detail_latex=detail_latex)


def _sizes_text(values: list[int], stride: int) -> tuple[str, str]:
    """The instance sizes as text and LaTeX: listed when few, else summarised (two per residue of
    n mod s: 20,000 numbers at stride 10,000 would be the whole report)."""
    if len(values) <= 8:
        return ", ".join(map(str, values)), ", ".join(f"${value}$" for value in values)
    return (f"{values[0]}, ..., {values[-1]} ({len(values):,} values, two per residue of n mod "
            f"{stride:,})",
            f"${num(values[0])}, \\dots, {num(values[-1])}$ (${num(len(values))}$ values, two "
            f"per residue of $n \\bmod {num(stride)}$)")


def _forward_statement(dv: _Derivation, i_min: int, n_min: int, left: dict,
                       right: dict) -> tuple[str, str]:
    K, s, d, pb, pa, span1 = dv.K, dv.s, dv.d, dv.pb, dv.pa, dv.span1
    a, y = dv.input_symbol, dv.output_symbol
    i_max = _floor(_n_plus(pb - 1 - span1), s, False)
    i_max_tex = _floor(_n_plus(pb - 1 - span1), s, True)
    if s == 1:
        m_text = m_tex = _n_plus(pb + pa - span1)
    else:
        m_text = _floor(_n_plus(pb + pa - span1 - 1), s, False) + " + 1"
        m_tex = _floor(_n_plus(pb + pa - span1 - 1), s, True) + " + 1"
    index = [_affine([(s, "i")], d * t - pb) for t in range(K)]
    explicit = _sum_text([(dv.tap(t), f"{a}_{{{index[t]}}}") for t in range(K)], False)
    explicit_tex = _sum_text([(dv.tap(t), f"{a}_{{{index[t]}}}") for t in range(K)], True)
    general_index = _affine([(s, "i"), (d, "t")], -pb)
    symbolic_taps = all(isinstance(k, sympy.Symbol) for k in dv.kernel)
    kt = f"k_{{{K - 1}-t}}" if dv.flip else "k_t"
    sigma = f" = sum_{{t=0}}^{{{K - 1}}} {kt} {a}_{{{general_index}}}" if symbolic_taps else ""
    sigma_tex = (rf" = \sum_{{t=0}}^{{{K - 1}}} {kt}\,{a}_{{{general_index}}}"
                 if symbolic_taps else "")
    text = (f"For every integer n >= {n_min} and every row i with {i_min} <= i <= {i_max}: "
            f"{y}_i = {explicit}{sigma} (padding ({pb}, {pa}); m = {m_text} outputs).")
    tex = (rf"For every integer $n \ge {n_min}$ and every row $i$ with "
           rf"${i_min} \le i \le {i_max_tex}$: ${y}_i = {explicit_tex}{sigma_tex}$ "
           rf"(padding $({pb}, {pa})$; $m = {m_tex}$ outputs).")
    borders, borders_tex = [], []
    for i, row in left.items():
        pairs = [(coef, f"{a}_{{{col}}}") for col, coef in sorted(row.items())]
        borders.append(f"{y}_{{{i}}} = {_sum_text(pairs, False)}")
        borders_tex.append(f"{y}_{{{i}}} = {_sum_text(pairs, True)}")
    for c, rows in right.items():
        for back, row in sorted(rows.items()):
            pairs = [(coef, f"{a}_{{{_n_plus(int(off))}}}") for off, coef in
                     sorted(row.items(), key=lambda item: int(item[0]))]
            which = _affine([(1, "m")], back - 1)
            cond = f" if n = {c} mod {s}" if s > 1 else ""
            cond_tex = rf" \text{{ if }} n \equiv {c} \pmod{{{s}}}" if s > 1 else ""
            borders.append(f"{y}_{{{which}}} = {_sum_text(pairs, False)}{cond}")
            borders_tex.append(f"{y}_{{{which}}} = {_sum_text(pairs, True)}{cond_tex}")
    if borders:
        text += " Border rows (same n): " + _listing(borders, "rows", False) + "."
        tex += " Border rows (same $n$): " + _listing(borders_tex, "rows", True) + "."
    else:
        text += " Every row is interior (no border rows)."
        tex += " Every row is interior (no border rows)."
    return text, tex


def _transposed(op: Conv, symbolic: Conv, dv: _Derivation, row_of: RowOf) -> GeneralResult:
    K, s, d, p, span1, out_pad = dv.K, dv.s, dv.d, dv.pb, dv.span1, dv.op_pad
    i_min = -(-p // s)
    slack = min(0, (out_pad - p) // s)  # i_max = n - 1 + slack (never past the last input)
    n_min = max(1, i_min + 1 - slack)
    problems: list[str] = []

    # interior columns: s i = A + p, m - 1 = A + d(K-1) + B
    column = dv.transposed_column(_A + p, _A + _B + span1 + 1)
    formula = {s * _I + d * t - p: dv.tap(t) for t in range(K)}
    derived = {sympy.expand(row.subs(_A, s * _I - p)): coef for row, coef in column.items()}
    _compare(derived, formula, "interior columns", problems)

    n_expr = n_min + _B
    m_expr = dv.output_length(n_expr)
    left = {i: dv.transposed_column(s * i, m_expr) for i in range(i_min)}
    right = {}
    for r in range(max(0, -slack)):
        col = dv.transposed_column(s * (n_expr - 1 - r), m_expr)
        right[r] = {sympy.expand(row - m_expr): coef for row, coef in col.items()}

    sizes = [n_min, n_min + 1, n_min + 2]
    for n_value in sizes:
        instance = symbolic.replace(n=n_value)
        m = instance.output_length
        columns: list[dict] = [{} for _ in range(n_value)]
        for j in range(m):
            for col, coef in row_of(instance, j).items():
                if 0 <= col < n_value:
                    columns[col][j] = coef
                else:
                    problems.append(f"n = {n_value}, row {j}: column {col} out of range")
        for i in range(n_value):
            if i < i_min:
                want = left[i]
            elif i <= n_value - 1 + slack:
                want = {s * i + d * t - p: dv.tap(t) for t in range(K)}
            else:
                want = {m + int(off): coef for off, coef in right[n_value - 1 - i].items()}
            _compare(columns[i], want, f"n = {n_value}, column {i}", problems)
        if problems:
            break

    a, y = dv.input_symbol, dv.output_symbol
    kt = f"k_{{{K - 1}-t}}" if dv.flip else "k_t"
    row_index = _affine([(s, "i"), (d, "t")], -p)
    i_max = _affine([(1, "n")], slack - 1)
    m_text = _affine([(s, "n")], -s - 2 * p + span1 + out_pad + 1)
    text = (f"For every integer n >= {n_min} and every input i with {i_min} <= i <= {i_max}: "
            f"column i of the transposed operator holds {kt} in row {row_index} "
            f"(t = 0..{K - 1}) and zeros elsewhere, i.e. {a}_i contributes {kt} {a}_i to "
            f"{y}_{{{row_index}}} (m = {m_text} outputs).")
    tex = (rf"For every integer $n \ge {n_min}$ and every input $i$ with "
           rf"${i_min} \le i \le {i_max}$: column $i$ of the transposed operator holds ${kt}$ in "
           rf"row ${row_index}$ ($t = 0, \dots, {K - 1}$) and zeros elsewhere, i.e. ${a}_i$ "
           rf"contributes ${kt}\,{a}_i$ to ${y}_{{{row_index}}}$ ($m = {m_text}$ outputs).")
    borders, borders_tex = [], []
    for i, col in left.items():
        pairs = [(coef, f"{y}_{{{row}}}") for row, coef in sorted(col.items())]
        borders.append(f"{a}_{{{i}}} -> {_sum_text(pairs, False)}")
        borders_tex.append(rf"{a}_{{{i}}} \mapsto {_sum_text(pairs, True)}")
    for r, col in sorted(right.items(), reverse=True):
        pairs = [(coef, f"{y}_{{{_affine([(1, 'm')], int(off))}}}")
                 for off, coef in sorted(col.items(), key=lambda item: int(item[0]))]
        name = f"{a}_{{{_affine([(1, 'n')], -1 - r)}}}"
        borders.append(f"{name} -> {_sum_text(pairs, False)}")
        borders_tex.append(rf"{name} \mapsto {_sum_text(pairs, True)}")
    if borders:
        text += (" Border columns (input -> outputs it reaches): "
                 + _listing(borders, "columns", False) + ".")
        tex += (" Border columns (input $\\mapsto$ outputs it reaches): "
                + _listing(borders_tex, "columns", True) + ".")
    else:
        text += " Every column is interior (no border columns)."
        tex += " Every column is interior (no border columns)."
    if problems:
        return GeneralResult(NAME, False, "; ".join(problems[:3]), statement=text,
                             statement_latex=tex)
    detail = (f"proved with SymPy delta sums: {text} Library rows agree at n = "
              f"{', '.join(map(str, sizes))}.")
    detail_latex = (f"Proved with SymPy delta sums: {tex[:1].lower()}{tex[1:]} The library's "
                    f"rows agree at $n =$ {', '.join(f'${value}$' for value in sizes)}.")
    return GeneralResult(NAME, True, detail, statement=text, statement_latex=tex,
                         detail_latex=detail_latex)


# ----- cost -----------------------------------------------------------------------------------

#: The proof derives each border row with SymPy delta sums (4-20 ms each, more for wide padding)
#: and builds two small instances per residue of n mod s; past these it would run for more than
#: about ten seconds (measured: K = 3 and 800 border rows, 2,400 sums, 12 s; stride 20,000, 3.5 s).
MAX_DELTA_SUMS = 1_000
#: One case per residue of n mod s, as the derivation of a symbolic n (``MAX_STRIDE_RESIDUES``).
MAX_RESIDUES = MAX_STRIDE_RESIDUES
MAX_INSTANCE_ENTRIES = 400_000


def general_cost(op: Conv) -> tuple[int, int, int]:
    """(delta sums, residues of n mod s, instance row entries) of the proof, computed from the
    parameters before any work.  Forward: K taps x (the interior + ceil(p_b/s) top rows + p_a
    bottom rows over all residues -- Hermite's identity sums the per-residue counts to p_a);
    transposed: K x (the interior + the border columns)."""
    axis = op.axes[0]
    K, s, d = axis.kernel_size, axis.stride, axis.dilation
    pb, pa = axis.pad_before, axis.pad_after
    span = d * (K - 1)
    left = -(-pb // s)
    if axis.transposed:
        right = max(0, -((axis.output_padding - pb) // s))
        sums = K * (1 + left + right)
        entries = 3 * K * ((left + right + 3) * s + span + axis.output_padding + 1)
        return sums, 1, entries
    sums = K * (1 + left + pa)
    entries = 2 * K * (pb + pa + span + 3 * s)
    return sums, s, entries


def general_cost_problem(op: Conv) -> str | None:
    """Why the proof would take too long, naming the parameter and the limit (None: it fits)."""
    sums, residues, entries = general_cost(op)
    axis = op.axes[0]
    if residues > MAX_RESIDUES:
        return (f"stride must be at most {MAX_RESIDUES:,} for the general-case proof (one case per "
                f"residue of n mod stride), got {axis.stride:,}")
    if sums > MAX_DELTA_SUMS:
        return (f"the general-case proof derives every border row with SymPy delta sums: K x (1 + "
                f"border rows) = {sums:,} is more than {MAX_DELTA_SUMS:,} (kernel size "
                f"{axis.kernel_size:,}, padding ({axis.pad_before:,}, {axis.pad_after:,}), stride "
                f"{axis.stride:,})")
    if entries > MAX_INSTANCE_ENTRIES:
        return (f"the general-case proof would compare {entries:,} row entries of its instances, "
                f"more than {MAX_INSTANCE_ENTRIES:,} (kernel size {axis.kernel_size:,}, padding "
                f"({axis.pad_before:,}, {axis.pad_after:,}), stride {axis.stride:,})")
    return None
