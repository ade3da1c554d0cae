"""The derivation of a convolution operator: what the document says, as data, and its rendering.

``Derivation(op)`` gathers the steps -- definition, sizes, matrix form, structure, borders, and the
transposed reading -- as numbers (``symdil.facts``) and pre-printed LaTeX (``symdil.printing``).
``Derivation.render(fmt, standalone, …)`` fills the Jinja2 templates (``symdil.render``); templates
hold layout and words only.  ``derive(op, …)`` is the one-call form.

In a notebook a ``Derivation`` displays as Markdown (``_repr_markdown_``: the whole derivation,
math for MathJax/KaTeX); ``_repr_latex_`` gives the matrix equation alone (MathJax renders math, not
LaTeX prose).

``verification`` (optional) is plain data for the verification section: a mapping or object with
``checks`` -- items with ``name``, ``passed``, ``detail`` (mappings or attributes) -- and an
optional ``statement`` (prose, escaped) for the general case, with an optional ``statement_math``
(LaTeX math displayed as is: only for formulas symdil itself prints, never user text) or
``statement_latex`` (a sentence with inline ``$math$``, as ``VerificationReport.statement_latex``
gives it; likewise never user text); a bare list of checks is accepted too.
``verification_section(report)`` turns a ``VerificationReport`` into that data.  A failed check
is never rendered silently: ``render`` raises
``SymdilError`` instead.
"""

from __future__ import annotations

from typing import Any, Iterable

import sympy

from .conv import Conv
from .facts import BorderRow, Facts, structure_facts
from .printing import (
    DEFAULT_MAX_COLS,
    DEFAULT_MAX_ROWS,
    MARKER,
    SymdilLatexPrinter,
    bracket_matrix,
    general_symbol,
    latex,
    latex_base,
    matrix_cells,
    matrix_equation,
    matrix_layout,
    sum_latex,
    visible_indices,
)
from .spec import SymdilError

FORMATS = ("latex", "markdown")

_I = sympy.Symbol("i", integer=True)
_T = sympy.Symbol("t", integer=True)
_R = sympy.Symbol("r", integer=True)
_J = sympy.Symbol("j", integer=True)


def _check_limit(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 3:
        raise SymdilError(f"{name} must be an integer >= 3 (first entries, an ellipsis and the "
                          f"last entry), got {value!r}")
    return value


def verification_section(report: Any) -> dict:
    """The data of a verification section from a ``symdil.verify`` report (checks and the
    general-case statement as LaTeX)."""
    return {"checks": [check.to_json() for check in report.checks],
            "statement_latex": report.statement_latex}


def normalize_verification(verification: Any) -> dict | None:
    """Plain data for the template: ``{"checks": [{name, passed, detail}], "statement"}``."""
    if verification is None:
        return None

    def get(item: Any, key: str, default: Any = None) -> Any:
        if isinstance(item, dict):
            return item.get(key, default)
        return getattr(item, key, default)

    statement_math = statement_latex = None
    if isinstance(verification, (list, tuple)):
        checks_in: Iterable = verification
        statement = None
    else:
        statement_math = get(verification, "statement_math", None)
        statement_latex = get(verification, "statement_latex", None)
        checks_in = get(verification, "checks", None)
        if checks_in is None:
            raise SymdilError("verification must be a list of checks or have 'checks', got "
                              f"{type(verification).__name__}")
        statement = get(verification, "statement", None)
    checks = []
    for item in checks_in:
        name = get(item, "name")
        passed = get(item, "passed")
        if not isinstance(name, str) or not isinstance(passed, bool):
            raise SymdilError(f"each verification check needs a str 'name' and a bool 'passed', "
                              f"got {item!r}")
        detail = get(item, "detail", "")
        checks.append({"name": name, "passed": passed,
                       "detail": "" if detail is None else str(detail)})
    failed = [check["name"] for check in checks if not check["passed"]]
    if failed:
        raise SymdilError(f"verification failed ({', '.join(failed)}); the derivation is not "
                          "rendered with a failed check in it")
    return {"checks": checks, "statement": None if statement is None else str(statement),
            "statement_math": None if statement_math is None else str(statement_math),
            "statement_latex": None if statement_latex is None else str(statement_latex),
            "passed": True}


# --------------------------------------------------------------------------------------------
# Small LaTeX builders (math only; words live in the templates)
# --------------------------------------------------------------------------------------------


def _floor_frac(numerator: str, denominator: int) -> str:
    if denominator == 1:
        return numerator
    return rf"\left\lfloor \frac{{{numerator}}}{{{denominator}}} \right\rfloor"


def _sym(base: str, index: Any) -> str:
    return latex_base(base) + "_{" + (index if isinstance(index, str) else latex(index)) + "}"


def _join_terms(terms: list[str]) -> str:
    text = ""
    for term in terms:
        if not text:
            text = term
        elif term.startswith("-"):
            text += " - " + term[1:].lstrip()
        else:
            text += " + " + term
    return text or "0"


class Derivation:
    """The derivation of a 1-D, one-channel ``Conv`` (concrete, or the general case ``n="n"``).

    ``max_rows``/``max_cols`` bound the displayed matrices (counting the ellipsis); larger ones are
    elided and only their visible entries are built, so the cost does not depend on n.
    """

    def __init__(self, op: Conv, max_rows: int = DEFAULT_MAX_ROWS,
                 max_cols: int = DEFAULT_MAX_COLS) -> None:
        if not isinstance(op, Conv):
            raise SymdilError(f"derive needs a symdil.Conv, got {type(op).__name__}")
        self.op = op
        self.max_rows = _check_limit("max_rows", max_rows)
        self.max_cols = _check_limit("max_cols", max_cols)
        self.facts: Facts = structure_facts(op)
        self.axis = op.axes[0]
        self.printer = SymdilLatexPrinter()

    # ----- public ----------------------------------------------------------------------------
    def render(self, fmt: str = "latex", standalone: bool = False, templates: Any = None,
               verification: Any = None, title: str | None = None) -> str:
        """The derivation as LaTeX or Markdown (see ``derive``)."""
        from .render import render_document

        if fmt not in FORMATS:
            raise SymdilError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        if title is not None and not isinstance(title, str):
            raise SymdilError(f"title must be a string, got {title!r}")
        context = self.context()
        context["verification"] = normalize_verification(verification)
        context["title"] = title
        context["standalone"] = bool(standalone)
        return render_document(fmt, standalone, context, templates)

    def _repr_markdown_(self) -> str:
        return self.render("markdown", standalone=False)

    def _repr_latex_(self) -> str:
        return "$$\n" + self.math_matrix_equation() + "\n$$"

    def math_matrix_equation(self) -> str:
        return matrix_equation(self.op, self.max_rows, self.max_cols)

    # ----- context ---------------------------------------------------------------------------
    def context(self) -> dict[str, Any]:
        """Everything the templates use: numbers, flags, words-free pre-printed LaTeX math."""
        op, axis, facts = self.op, self.axis, self.facts
        padded = axis.pad_before > 0 or axis.pad_after > 0
        x = latex_base(op.input_symbol)
        xt = rf"\tilde{{{x}}}" if padded and not axis.transposed else x
        context: dict[str, Any] = {
            "general": op.symbolic,
            "transposed": axis.transposed,
            "flip": axis.flip,
            "padded": padded,
            "padding_word": axis.padding_word,
            "padding_mode": axis.padding_mode,
            "numbers": {
                "n": latex(axis.n), "K": axis.kernel_size, "s": axis.stride, "d": axis.dilation,
                "p_before": axis.pad_before, "p_after": axis.pad_after,
                "output_padding": axis.output_padding, "m": latex(facts.output_length),
                "receptive_field": facts.receptive_field,
            },
            "symbols": {"input": x, "padded": xt, "kernel": latex_base(op.kernel_symbol),
                        "output": latex_base(op.output_symbol),
                        "inputs": _listing(op.input_symbol, axis.n),
                        "taps": _listing(op.kernel_symbol, axis.kernel_size),
                        "last_input": latex(axis.n - 1),
                        "tap_range": _range("t", axis.kernel_size)},
            "kernel_values": self._kernel_values(),
            "definition": self._definition(xt),
            "sizes": self._sizes(),
            "matrix": self._matrix(),
            "structure": self._structure(),
            "borders": self._borders(),
            "transposed_reading": self._transposed() if axis.transposed else None,
            "default_title": self._default_title(),
        }
        return context

    def _default_title(self) -> dict[str, Any]:
        axis = self.axis
        kinds = []
        if axis.transposed:
            kinds.append("transposed")
        if axis.stride > 1:
            kinds.append("strided")
        if axis.dilation > 1:
            kinds.append("dilated")
        return {"kinds": kinds, "math": (
            ("" if axis.symbolic else f"n = {latex(axis.n)},\\ ") +
            f"K = {axis.kernel_size},\\ s = {axis.stride},\\ "
            f"d = {axis.dilation}" + (
                f",\\ p = ({axis.pad_before}, {axis.pad_after})" if (
                    axis.pad_before or axis.pad_after) else ""))}

    def _kernel_values(self) -> str | None:
        if self.op._kernel_values is None:
            return None
        k = latex_base(self.op.kernel_symbol)
        values = ", ".join(self.printer._print(v) for v in self.op.kernel)
        return f"({k}_{{0}}, \\dots, {k}_{{{self.axis.kernel_size - 1}}}) = ({values})"

    # ----- 1. definition ---------------------------------------------------------------------
    def _definition(self, xt: str) -> dict[str, str]:
        op, axis = self.op, self.axis
        K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
        k = latex_base(op.kernel_symbol)
        y = latex_base(op.output_symbol)
        x = latex_base(op.input_symbol)
        last = K - 1
        if axis.transposed:
            return self._definition_transposed(k, y, x)
        general_index = r"s i + d t - p_{\mathrm{before}}"
        if axis.flip:
            index = s * _I + d * (last - _T) - p
            general = rf"{y}_{{i}} = \sum_{{t=0}}^{{K-1}} {k}_{{t}}\, {xt}_{{s i + d (K-1-t) - " \
                      r"p_{\mathrm{before}}}"
        else:
            index = s * _I + d * _T - p
            general = rf"{y}_{{i}} = \sum_{{t=0}}^{{K-1}} {k}_{{t}}\, {xt}_{{{general_index}}}"
        substituted = rf"{y}_{{i}} = \sum_{{t=0}}^{{{last}}} {k}_{{t}}\, {xt}_{{{latex(index)}}}"
        terms = []
        for t in range(K):
            coefficient = op.kernel[t]
            if coefficient == 0:
                continue
            terms.append(self._term(coefficient, rf"{xt}_{{{latex(index.subs(_T, t))}}}"))
        expanded = f"{y}_{{i}} = " + _join_terms(terms)
        rows = rf"i = 0, \dots, {latex(self.facts.output_length - 1)}"
        return {
            "general": general, "substituted": substituted, "expanded": expanded, "rows": rows,
            "padded_input": self._padded_input(xt, x),
            "correlation": rf"{y}_{{i}} = \sum_{{t}} {k}_{{t}}\, {x}_{{i + t}}",
            "convolution": rf"{y}_{{i}} = \sum_{{t}} {k}_{{t}}\, {x}_{{i - t}}",
        }

    def _definition_transposed(self, k: str, y: str, x: str) -> dict[str, str]:
        axis = self.axis
        K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
        n = axis.n
        tap = (K - 1 - _T) if axis.flip else _T
        tap_general = "K-1-t" if axis.flip else "t"
        general = (rf"{y}_{{r}} = \sum_{{j=0}}^{{n-1}} \sum_{{t=0}}^{{K-1}} "
                   rf"\left[\, s j + d t - p = r \,\right]\, {k}_{{{tap_general}}}\, {x}_{{j}}")
        condition = latex(s * _J + d * _T - p)
        substituted = (rf"{y}_{{r}} = \sum_{{j=0}}^{{{latex(n - 1)}}} \sum_{{t=0}}^{{{K - 1}}} "
                       rf"\left[\, {condition} = r \,\right]\, {k}_{{{latex(tap)}}}\, {x}_{{j}}")
        source = (_R + p - d * _T)
        if s == 1:
            expanded = (rf"{y}_{{r}} = \sum_{{t=0}}^{{{K - 1}}} {k}_{{{latex(tap)}}}\, "
                        rf"{x}_{{{latex(source)}}}")
        else:
            expanded = (rf"{y}_{{r}} = \sum_{{\substack{{0 \le t \le {K - 1} \\ {s} \mid "
                        rf"{latex(source)}}}}} {k}_{{{latex(tap)}}}\, "
                        rf"{x}_{{({latex(source)})/{s}}}")
        return {"general": general, "substituted": substituted, "expanded": expanded,
                "rows": rf"r = 0, \dots, {latex(self.facts.output_length - 1)}",
                "padded_input": None,
                "scatter": rf"{y}_{{{latex(s * _J + d * _T - p)}}} \mathrel{{+}}= "
                           rf"{k}_{{{latex(tap)}}}\, {x}_{{j}}",
                "outside": rf"{x}_{{j}} = 0 \text{{ for }} j < 0 \text{{ or }} j > {latex(n - 1)}"}

    def _term(self, coefficient: Any, symbol: str) -> str:
        """``coefficient symbol`` with the coefficient first, as in the sum."""
        if coefficient == 1:
            return symbol
        if coefficient == -1:
            return "-" + symbol
        text = self.printer._print(coefficient)
        if isinstance(coefficient, sympy.Add):
            text = rf"\left({text}\right)"
        return text + r"\, " + symbol

    def _padded_input(self, xt: str, x: str) -> str | None:
        axis = self.axis
        if xt == x:
            return None
        n = axis.n
        last = latex(n - 1)
        j = _J
        inside = rf"{x}_{{j}} & 0 \le j \le {last}"
        mode = axis.padding_mode
        if mode == "zeros":
            cases = [inside, r"0 & \text{otherwise (zero padding)}"]
        elif mode == "circular":
            cases = [rf"{x}_{{j \bmod {latex(n)}}} & \text{{for every }} j"]
        elif mode == "reflect":
            cases = [rf"{x}_{{-j}} & j < 0", inside,
                     rf"{x}_{{{latex(2 * (n - 1) - j)}}} & j > {last}"]
        else:  # replicate
            cases = [rf"{x}_{{0}} & j < 0", inside, rf"{x}_{{{last}}} & j > {last}"]
        return (rf"{xt}_{{j}} = \begin{{cases}} " + r" \\ ".join(cases) + r" \end{cases}"
                + rf"\qquad (-{axis.pad_before} \le j \le {latex(n - 1 + axis.pad_after)})")

    # ----- 2. sizes --------------------------------------------------------------------------
    def _sizes(self) -> dict[str, Any]:
        axis, facts = self.axis, self.facts
        g = latex  # every number through the printer (digit groups for large ones)
        K, s, d = g(axis.kernel_size), g(axis.stride), g(axis.dilation)
        pb, pa, n = g(axis.pad_before), g(axis.pad_after), g(axis.n)
        m = facts.output_length
        if axis.transposed:
            formula = r"m = (n-1)\,s - 2p + d\,(K-1) + p_{\mathrm{out}} + 1"
            numbers = (rf"({n} - 1) \cdot {s} - 2 \cdot {pb} + {d} \cdot ({K} - 1) + "
                       rf"{g(axis.output_padding)} + 1")
        elif axis.stride == 1:
            formula = r"m = n + p_{\mathrm{before}} + p_{\mathrm{after}} - d\,(K-1)"
            numbers = rf"{n} + {pb} + {pa} - {d} \cdot ({K} - 1)"
        else:
            formula = (r"m = \left\lfloor \frac{n + p_{\mathrm{before}} + p_{\mathrm{after}} - "
                       r"d\,(K-1) - 1}{s} \right\rfloor + 1")
            numbers = _floor_frac(rf"{n} + {pb} + {pa} - {d} \cdot ({K} - 1) - 1", s) + " + 1"
        output_length = f"{formula} = {numbers} = {g(m)}"
        receptive = rf"d\,(K-1) + 1 = {d} \cdot ({K} - 1) + 1 = {g(facts.receptive_field)}"
        padding = facts.padding
        same = None
        if padding.get("target") is not None:
            target, total = g(padding["target"]), g(padding["total"])
            same = {
                "target": rf"m = \left\lceil \frac{{n}}{{s}} \right\rceil = \left\lceil "
                          rf"\frac{{{n}}}{{{s}}} \right\rceil = {target}",
                "total": (rf"\max\bigl((m-1)\,s + d\,(K-1) + 1 - n,\ 0\bigr) = "
                          rf"\max({g(padding['target'] - 1)} \cdot {s} + {d} \cdot ({K} - 1) + 1 "
                          rf"- {n},\ 0) = {total}"),
                "split": (rf"p_{{\mathrm{{before}}}} = \left\lfloor \frac{{{total}}}"
                          rf"{{2}} \right\rfloor = {pb},\quad p_{{\mathrm{{after}}}} = "
                          rf"{total} - {pb} = {pa}"),
            }
        return {
            "output_length": output_length,
            "receptive_field": receptive,
            "padding": rf"(p_{{\mathrm{{before}}}}, p_{{\mathrm{{after}}}}) = ({pb}, {pa})",
            "span_minus_one": rf"d\,(K-1) = {d} \cdot ({K} - 1) = "
                              rf"{g(axis.dilation * (axis.kernel_size - 1))}",
            "same": same,
            "full_length": None if not axis.transposed else (
                rf"(n-1)\,s + d\,(K-1) + 1 = {g(facts.transposed['full_length'])}"),
            "shape": rf"m \times n = {_factor(m)} \times {_factor(axis.n)}",
        }

    # ----- 3. matrix form --------------------------------------------------------------------
    def _matrix(self) -> dict[str, Any]:
        layout = matrix_layout(self.op, self.max_rows, self.max_cols)
        elided = MARKER in layout.rows or MARKER in layout.cols
        return {"equation": matrix_equation(self.op, self.max_rows, self.max_cols),
                "elided": elided, "rows_elided": MARKER in layout.rows,
                "cols_elided": MARKER in layout.cols}

    # ----- 4. structure ----------------------------------------------------------------------
    def _structure(self) -> dict[str, Any]:
        op, axis, facts = self.op, self.axis, self.facts
        K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
        k = latex_base(op.kernel_symbol)
        x = latex_base(op.input_symbol)
        line_var = (_I, _J) if not axis.transposed else (_J, _R)
        outer, inner = line_var  # forward: row i, column j; transposed: column j, row i
        lines = ", ".join(latex(v) for v in facts.band_lines)
        interior = None
        if facts.interior is not None:
            first, last = facts.interior
            interior = {"first": latex(first), "last": latex(last),
                        "range": rf"{latex(first)} \le {latex(outer)} \le {latex(last)}"}
        per_residue = facts.transposed.get("row_counts_by_residue") if axis.transposed else None
        untouched = None
        if facts.untouched is not None and facts.untouched.count:
            shown = [_sym(op.input_symbol if not axis.transposed else op.output_symbol, c)
                     for c in facts.untouched.first]
            more = facts.untouched.count > len(facts.untouched.first)
            untouched = {"count": facts.untouched.count,
                         "list": ", ".join(shown) + (r", \dots" if more else "")}
        return {
            "taps_at": latex(s * outer + d * _T - p),
            "start": latex(s * outer - p),
            "lines": lines,
            "line_formula": rf"{latex(inner)} - {latex(s * outer)}" if s > 1 else
                            rf"{latex(inner)} - {latex(outer)}",
            "band_width": facts.band_width,
            "band_count": len(facts.band_lines),
            "zero_lines": facts.band_width - len(facts.band_lines),
            "regular": facts.regular_band,
            "gap": d - 1,
            "absent": ", ".join(rf"{k}_{{{self._tap(t)}}}" for t in facts.absent_offsets),
            "absent_count": len(facts.absent_offsets),
            "zero_taps": ", ".join(rf"{k}_{{{t}}}" for t in facts.zero_taps),
            "interior": interior,
            "per_line": facts.per_interior_line,
            "nonzeros": None if facts.nonzeros is None else latex(facts.nonzeros),
            "gather": self._product(self._lines_count(), K, facts.gather_multiplications),
            "dense": self._product(facts.output_length, axis.n, facts.dense_multiplications),
            "cheaper": self._cheaper(),
            "untouched": untouched,
            "valid_from": facts.valid_from,
            "per_residue": None if per_residue is None else {
                "min": min(per_residue), "max": max(per_residue),
                "pattern": ", ".join(str(c) for c in per_residue),
                "uniform": len(set(per_residue)) == 1,
            },
            "extra_shift": s - 1,
            "input": x,
            "fewer": self._fewer(),
            "all_interior": self._all_interior(),
            "folds": any(hit.column is not None and hit.column != hit.position
                         for row in facts.border_rows for hit in row.hits),
        }

    def _all_interior(self) -> bool:
        """Every row (forward) / column (transposed) is interior: no border qualifies a claim."""
        facts = self.facts
        if facts.symbolic or facts.interior is None:
            return False
        lines = self.axis.n if self.axis.transposed else facts.output_length
        return facts.interior == (0, lines - 1) and not facts.border_rows

    def _fewer(self) -> dict[str, Any] | None:
        """Why the matrix has fewer non-zeros than the K products per output (input, transposed)."""
        facts = self.facts
        if facts.nonzeros is None:
            return None
        missing = sympy.simplify(facts.gather_multiplications - facts.nonzeros)
        if missing == 0:
            return None
        rows = facts.border_rows
        lines = self.axis.n if self.axis.transposed else facts.output_length
        return {
            "missing": latex(missing),
            "cropped": latex(sympy.expand(facts.per_interior_line * lines - facts.nonzeros)),
            "zero_products": latex(sympy.expand(len(facts.zero_taps) * lines)),
            "cut": any(hit.column is None for row in rows for hit in row.hits),
            "merged": any(len({h.column for h in row.hits if h.column is not None})
                          < sum(1 for h in row.hits if h.column is not None) for row in rows),
            "zero_taps": bool(facts.zero_taps),
            "untouched": None,
        }

    def _lines_count(self) -> Any:
        return self.axis.n if self.axis.transposed else self.facts.output_length

    def _product(self, a: Any, b: Any, value: Any) -> str:
        text = rf"{_factor(a)} \cdot {_factor(b)}"
        value = sympy.expand(value)
        if value.has(sympy.floor, sympy.ceiling):
            return text  # expanding a floor product reads worse than the product itself
        return rf"{text} = {latex(value)}"

    def _cheaper(self) -> bool | None:
        facts = self.facts
        if isinstance(facts.gather_multiplications, int):
            return facts.gather_multiplications < facts.dense_multiplications
        return None

    def _tap(self, offset: int) -> int:
        return self.axis.kernel_size - 1 - offset if self.axis.flip else offset

    # ----- 5. borders ------------------------------------------------------------------------
    def _borders(self) -> dict[str, Any]:
        rows = self.facts.border_rows
        head, tail = 3, 3
        if len(rows) > head + tail:
            shown = list(rows[:head]) + list(rows[-tail:])
            hidden = len(rows) - head - tail
        else:
            shown, hidden = list(rows), 0
        return {
            "count": len(rows),
            "top": sum(1 for row in rows if row.side in ("top", "both")),
            "bottom": sum(1 for row in rows if row.side in ("bottom", "both")),
            "rows": [self._border_row(row) for row in shown],
            "hidden": hidden,
            "hidden_after": head if hidden else None,
        }

    def _border_row(self, row: BorderRow) -> dict[str, Any]:
        op, axis = self.op, self.axis
        k = latex_base(op.kernel_symbol)
        y = latex_base(op.output_symbol)
        x = latex_base(op.input_symbol)
        xt = rf"\tilde{{{x}}}"
        terms = [(coef, general_symbol(op.input_symbol, _int(c))) for c, coef in
                 row.entries.items()]
        cut, folded = [], []
        for hit in row.hits:
            tap = rf"{k}_{{{hit.tap}}}"
            if axis.transposed:
                if hit.column is None:
                    cut.append({"tap": tap, "source": _sym(op.input_symbol, hit.position)})
                continue
            inside = hit.column is not None and hit.column == hit.position
            if hit.column is None:
                cut.append({"tap": tap, "position": rf"{xt}_{{{latex(hit.position)}}}"})
            elif not inside:
                folded.append({"tap": tap, "position": rf"{xt}_{{{latex(hit.position)}}}",
                               "input": _sym(op.input_symbol, hit.column)})
        merged = []
        by_column: dict[Any, list[int]] = {}
        for hit in row.hits:
            if hit.column is not None:
                by_column.setdefault(hit.column, []).append(hit.tap)
        for column, taps in by_column.items():
            if len(taps) > 1:
                merged.append({"input": _sym(op.input_symbol, column), "count": len(taps),
                               "coefficient": self.printer._print(row.entries.get(
                                   column, 0) if not isinstance(column, sympy.Basic)
                                   else _entry(row.entries, column)),
                               "taps": ", ".join(rf"{k}_{{{t}}}" for t in sorted(taps))})
        return {
            "row": latex(row.row),
            "side": row.side,
            "equation": rf"{y}_{{{latex(row.row)}}} = " + sum_latex(terms, self.printer),
            "cut": cut,
            "folded": folded,
            "merged": merged,
        }

    # ----- 6. transposed ---------------------------------------------------------------------
    def _transposed(self) -> dict[str, Any]:
        op, axis, facts = self.op, self.axis, self.facts
        info = facts.transposed
        K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
        x = latex_base(op.input_symbol)
        k = latex_base(op.kernel_symbol)
        y = latex_base(op.output_symbol)
        forward = op.replace(transposed=False, n=facts.output_length if not op.symbolic else
                             op.args["n"], output_padding=0)
        forward_matrix = None
        if not op.symbolic:
            layout = matrix_layout(forward, self.max_rows, self.max_cols)
            forward_matrix = bracket_matrix(matrix_cells(layout, self.printer))
        upsampled = self._upsampled(x)
        q = info["equivalent_padding"]
        flipped = ", ".join(rf"{k}_{{{self._tap(K - 1 - t)}}}" for t in range(K))
        a_hat = rf"\hat{{{x}}}"
        reversed_tap = latex(self._tap_expr(K - 1 - _T))
        reading = (rf"{y}_{{r}} = \sum_{{t=0}}^{{{K - 1}}} {k}_{{{reversed_tap}}}"
                   rf"\, {a_hat}_{{{latex(_R + d * _T - q)}}}")
        return {
            "forward_matrix": forward_matrix,
            "forward_n": latex(facts.output_length),
            "forward_rows": latex(info["forward_output_length"]),
            "exact_transpose": info["transpose_of_forward"],
            "zeros_between": info["zeros_between_inputs"],
            "upsampled": upsampled,
            "upsampled_length": latex(info["upsampled_length"]),
            "equivalent_padding": q,
            "crop": -q if q < 0 else 0,
            "extra_after": info["extra_after"],
            "flipped_kernel": f"({flipped})",
            "reading": reading,
            "a_hat": a_hat,
            "zero_insertion": self._product(facts.output_length, K,
                                            info["zero_insertion_multiplications"]),
            "with_inputs": None if facts.nonzeros is None else latex(facts.nonzeros),
            "with_zeros": None if facts.nonzeros is None else latex(sympy.expand(
                info["zero_insertion_multiplications"] - facts.nonzeros)),
            "rows": rf"r = 0, \dots, {latex(facts.output_length - 1)}",
            "full_length": latex(info["full_length"]),
            "crop_padding": p,
            "s": s,
        }

    def _tap_expr(self, offset: Any) -> Any:
        return self.axis.kernel_size - 1 - offset if self.axis.flip else offset

    def _upsampled(self, x: str) -> str:
        axis = self.axis
        s = axis.stride
        if axis.symbolic:
            head = []
            for u in range(min(2 * s + 1, self.max_cols - 2)):
                head.append(_sym(self.op.input_symbol, u // s) if u % s == 0 else "0")
            entries = head + [r"\cdots", _sym(self.op.input_symbol, axis.n - 1)]
            return r"\begin{bmatrix} " + " & ".join(entries) + r" \end{bmatrix}^{\mathsf{T}}"
        length = (axis.n - 1) * s + 1
        shown = visible_indices(length, self.max_cols)
        entries = []
        for u in shown:
            if u is MARKER:
                entries.append(r"\cdots")
            else:
                entries.append(_sym(self.op.input_symbol, u // s) if u % s == 0 else "0")
        return r"\begin{bmatrix} " + " & ".join(entries) + r" \end{bmatrix}^{\mathsf{T}}"


def _range(var: str, count: int) -> str:
    """``t = 0, 1`` for a few values, ``t = 0, \\dots, 5`` for more."""
    if count <= 4:
        return f"{var} = " + ", ".join(str(v) for v in range(count))
    return f"{var} = 0, \\dots, {count - 1}"


def _listing(base: str, count: Any) -> str:
    """``a_{0}, a_{1}, a_{2}`` for a few, ``a_{0}, a_{1}, \\dots, a_{n - 1}`` for many."""
    if isinstance(count, int) and count <= 4:
        return ", ".join(_sym(base, i) for i in range(count))
    return f"{_sym(base, 0)}, {_sym(base, 1)}, \\dots, {_sym(base, count - 1)}"


def _factor(value: Any) -> str:
    """A factor of a product: parenthesised when it is a sum."""
    text = latex(value)
    return f"({text})" if isinstance(value, sympy.Add) else text


def _int(value: Any) -> Any:
    if isinstance(value, sympy.Integer):
        return int(value)
    return value


def _entry(entries: dict, column: Any) -> Any:
    for key, value in entries.items():
        if sympy.simplify(key - column) == 0:
            return value
    return 0


def derive(
    op: Conv,
    fmt: str = "latex",
    standalone: bool = False,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cols: int = DEFAULT_MAX_COLS,
    templates: Any = None,
    verification: Any = None,
    title: str | None = None,
) -> str:
    """The step-by-step derivation of ``op`` as LaTeX (``fmt="latex"``) or Markdown.

    LaTeX: a snippet for ``\\input`` (needs ``amsmath``) unless ``standalone``, then a complete
    ``article``.  Markdown: math in ``$…$``/``$$…$$`` (GitHub, KaTeX); ``standalone`` adds the
    title.
    ``title`` (prose, escaped) applies to standalone documents only.  ``templates`` is a folder
    whose files override the built-in templates by name.  Same input, byte-identical output.
    """
    if title is not None and not standalone:
        raise SymdilError("title applies to standalone documents; pass standalone=True "
                          "(--standalone) with it")
    return Derivation(op, max_rows, max_cols).render(fmt, standalone, templates, verification,
                                                     title)
