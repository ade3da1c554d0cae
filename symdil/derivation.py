"""The derivation of a convolution operator: what the document says, as data, and its rendering.

``Derivation(op)`` gathers the steps -- definition, sizes, matrix form, structure, borders, and the
transposed reading -- as numbers (``symdil.facts``) and pre-printed LaTeX (``symdil.printing``).
An N-D operator, or one with several channels, gets the block derivation instead
(``_BlockContext``, templates ``*/derivation_blocks.*.j2``): the flattening order, the partitioned
matrix, the (output channel, input channel) blocks with the zero blocks that groups give, and
per axis the block matrix ``[T_{r,c}]`` of a doubly (triply, ...) block Toeplitz operator whose
blocks are the operators of single kernel slices -- every count computed from the operator's
local rule, never from the full matrix.
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

import itertools
from typing import Any, Iterable, Sequence

import sympy

from .conv import Conv
from .facts import BlockFacts, BorderRow, Facts, structure_facts
from .printing import (
    DEFAULT_MAX_COLS,
    DEFAULT_MAX_ROWS,
    MARKER,
    PAGE_WIDTH,
    TIGHT_COLUMN_GAP,
    SymdilLatexPrinter,
    array_width,
    bracket_matrix,
    estimated_width,
    fitted_matrix_equation,
    general_symbol,
    grid_matrix,
    latex,
    latex_base,
    latex_index,
    marker_row,
    matrix_cells,
    matrix_equation,
    matrix_layout,
    partitioned_array,
    partitioned_cells,
    partitioned_vector,
    sum_latex,
    visible_indices,
)
from .spec import SymdilError

FORMATS = ("latex", "markdown", "html")

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


def _not_applicable_reason(detail: str) -> str:
    """The reason a check did not run: its detail without the leading "not applicable:"."""
    reason = detail
    while reason.lower().startswith("not applicable"):
        reason = reason[len("not applicable"):].lstrip(" :")
    return reason.rstrip(".")


def _optional_text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def normalize_verification(verification: Any) -> dict | None:
    """Plain data for the template: ``{"checks": [...], "not_applicable": [...], "statement"}``.

    Each check is ``{name, passed, applicable, detail}``; ``checks`` holds the ones that ran
    (``applicable`` true, the default for data without the key), ``not_applicable`` the others,
    whose ``detail`` is the reason without its leading "not applicable:"."""
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
        applicable = get(item, "applicable", True)
        if not isinstance(name, str) or not isinstance(passed, bool):
            raise SymdilError(f"each verification check needs a str 'name' and a bool 'passed', "
                              f"got {item!r}")
        if not isinstance(applicable, bool):
            raise SymdilError(f"a verification check's 'applicable' must be a bool, got "
                              f"{applicable!r} in {name!r}")
        detail = get(item, "detail", "")
        detail = "" if detail is None else str(detail).strip()
        detail_latex = _optional_text(get(item, "detail_latex"))
        if not applicable:
            detail = _not_applicable_reason(detail)
            detail_latex = detail_latex and _not_applicable_reason(detail_latex)
        # title (a human name, plain text) and detail_latex (a sentence with inline math, symdil's
        # own LaTeX) when present; the templates fall back to the escaped name and detail
        checks.append({"name": name, "passed": passed, "applicable": applicable,
                       "detail": detail, "title": _optional_text(get(item, "title")),
                       "detail_latex": detail_latex})
    failed = [check["name"] for check in checks if not check["passed"]]
    if failed:
        raise SymdilError(f"verification failed ({', '.join(failed)}); the derivation is not "
                          "rendered with a failed check in it")
    return {"checks": [check for check in checks if check["applicable"]],
            "not_applicable": [check for check in checks if not check["applicable"]],
            "statement": None if statement is None else str(statement).strip(),
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
    return latex_base(base) + "_{" + (index if isinstance(index, str) else latex_index(index)) + "}"


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



def _term(printer: SymdilLatexPrinter, coefficient: Any, symbol: str) -> str:
    """``coefficient symbol`` with the coefficient first, as in the sum (``1``/``-1`` dropped,
    a sum in parentheses)."""
    if coefficient == 1:
        return symbol
    if coefficient == -1:
        return "-" + symbol
    text = printer._print(coefficient)
    if isinstance(coefficient, sympy.Add):
        text = rf"\left({text}\right)"
    return text + r"\, " + symbol

class Derivation:
    """The derivation of a ``Conv``: 1-D with one channel (concrete, or the general case
    ``n="n"``), or N-D and/or with channels (the block structure; concrete sizes).

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
        self.printer = SymdilLatexPrinter()
        self.axis = op.axes[0]
        # N-D or several channels: the block structure (see _BlockContext)
        self._blocks = None
        if op.ndim > 1 or op.in_channels > 1 or op.out_channels > 1:
            self._blocks = _BlockContext(op, self.max_rows, self.max_cols)
            self.facts = self._blocks.facts  # a BlockFacts
            return
        self.facts: Facts | BlockFacts = structure_facts(op)

    # ----- public ----------------------------------------------------------------------------
    def render(self, fmt: str = "latex", standalone: bool = False, templates: Any = None,
               verification: Any = None, title: str | None = None, figures: bool = False,
               figure_stem: str | None = None) -> str:
        """The derivation as LaTeX or Markdown (see ``derive``).  ``figures``: the window and
        matrix figures (``symdil.figures``) too -- TikZ in LaTeX, in Markdown links to
        ``<figure_stem>-window.svg`` and ``-matrix.svg`` (``figure_files`` gives them)."""
        from .render import latex_text_error, needs_latin_fonts, render_document

        if fmt not in FORMATS:
            raise SymdilError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        if title is not None and not isinstance(title, str):
            raise SymdilError(f"title must be a string, got {title!r}")
        if fmt == "latex" and title is not None:
            error = latex_text_error(title, "title")
            if error is not None:
                raise error
        context = self.context()
        section = normalize_verification(verification)
        context["verification"] = section
        context["title"] = title
        context["standalone"] = bool(standalone)
        context["figures"] = None
        if figures:
            from .figures.embed import figure_context

            context["figures"] = figure_context(self.op, fmt, figure_stem)
        prose = [title]
        if section is not None:
            prose += [section["statement"]] + [
                check[key] for check in section["checks"] + section["not_applicable"]
                for key in ("name", "detail", "title")]
        context["latin_fonts"] = needs_latin_fonts(*prose)
        return render_document(fmt, standalone, context, templates)

    def _repr_markdown_(self) -> str:
        return self.render("markdown", standalone=False)

    def _repr_latex_(self) -> str:
        return "$$\n" + self.math_matrix_equation() + "\n$$"

    def math_matrix_equation(self) -> str:
        if self._blocks is not None:
            return self._blocks.matrix_equation()
        return matrix_equation(self.op, self.max_rows, self.max_cols)

    # ----- context ---------------------------------------------------------------------------
    def context(self) -> dict[str, Any]:
        """Everything the templates use: numbers, flags, words-free pre-printed LaTeX math."""
        if self._blocks is not None:
            return self._blocks.context()
        op, axis, facts = self.op, self.axis, self.facts
        padded = axis.pad_before > 0 or axis.pad_after > 0
        x = latex_base(op.input_symbol)
        xt = rf"\tilde{{{x}}}" if padded and not axis.transposed else x
        context: dict[str, Any] = {
            "blocks": False,
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
                        "last_input": latex_index(axis.n - 1),
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
        return {"kinds": kinds, "noun": "convolution", "math": (
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
        substituted = (rf"{y}_{{i}} = \sum_{{t=0}}^{{{last}}} {k}_{{t}}\, "
                       rf"{xt}_{{{latex_index(index)}}}")
        terms = []
        for t in range(K):
            coefficient = op.kernel[t]
            if coefficient == 0:
                continue
            symbol = rf"{xt}_{{{latex_index(index.subs(_T, t))}}}"
            terms.append(_term(self.printer, coefficient, symbol))
        expanded = f"{y}_{{i}} = " + _join_terms(terms)
        rows = rf"i = 0, \dots, {latex_index(self.facts.output_length - 1)}"
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
        substituted = (rf"{y}_{{r}} = \sum_{{j=0}}^{{{latex_index(n - 1)}}} "
                       rf"\sum_{{t=0}}^{{{K - 1}}} "
                       rf"\left[\, {condition} = r \,\right]\, {k}_{{{latex(tap)}}}\, {x}_{{j}}")
        source = (_R + p - d * _T)
        if s == 1:
            expanded = (rf"{y}_{{r}} = \sum_{{t=0}}^{{{K - 1}}} {k}_{{{latex(tap)}}}\, "
                        rf"{x}_{{{latex_index(source)}}}")
        else:
            expanded = (rf"{y}_{{r}} = \sum_{{\substack{{0 \le t \le {K - 1} \\ {s} \mid "
                        rf"{latex(source)}}}}} {k}_{{{latex_index(tap)}}}\, "
                        rf"{x}_{{({latex_index(source)})/{s}}}")
        return {"general": general, "substituted": substituted, "expanded": expanded,
                "rows": rf"r = 0, \dots, {latex_index(self.facts.output_length - 1)}",
                "padded_input": None,
                "scatter": rf"{y}_{{{latex_index(s * _J + d * _T - p)}}} \mathrel{{+}}= "
                           rf"{k}_{{{latex(tap)}}}\, {x}_{{j}}",
                "outside": rf"{x}_{{j}} = 0 \text{{ for }} j < 0 \text{{ or }} "
                           rf"j > {latex_index(n - 1)}"}

    def _padded_input(self, xt: str, x: str) -> str | None:
        axis = self.axis
        if xt == x:
            return None
        n = axis.n
        last = latex_index(n - 1)
        j = _J
        inside = rf"{x}_{{j}} & 0 \le j \le {last}"
        mode = axis.padding_mode
        if mode == "zeros":
            cases = [inside, r"0 & \text{otherwise (zero padding)}"]
        elif mode == "circular":
            cases = [rf"{x}_{{j \bmod {latex(n)}}} & \text{{for every }} j"]
        elif mode == "reflect":
            cases = [rf"{x}_{{-j}} & j < 0", inside,
                     rf"{x}_{{{latex_index(2 * (n - 1) - j)}}} & j > {last}"]
        else:  # replicate
            cases = [rf"{x}_{{0}} & j < 0", inside, rf"{x}_{{{last}}} & j > {last}"]
        return (rf"{xt}_{{j}} = \begin{{cases}} " + r" \\ ".join(cases) + r" \end{cases}"
                + rf"\qquad (-{axis.pad_before} \le j \le {latex_index(n - 1 + axis.pad_after)})")

    # ----- 2. sizes --------------------------------------------------------------------------
    def _sizes(self) -> dict[str, Any]:
        axis, facts = self.axis, self.facts
        g = latex  # every number through the printer (digit groups for large ones)
        K, s, d = g(axis.kernel_size), g(axis.stride), g(axis.dilation)
        pb, pa, n = g(axis.pad_before), g(axis.pad_after), g(axis.n)
        m = facts.output_length
        if axis.transposed:
            formula = r"(n-1)\,s - 2p + d\,(K-1) + p_{\mathrm{out}} + 1"
            numbers = (rf"({n} - 1) \cdot {s} - 2 \cdot {pb} + {d} \cdot ({K} - 1) + "
                       rf"{g(axis.output_padding)} + 1")
        elif axis.stride == 1:
            formula = r"n + p_{\mathrm{before}} + p_{\mathrm{after}} - d\,(K-1)"
            numbers = rf"{n} + {pb} + {pa} - {d} \cdot ({K} - 1)"
        else:
            formula = (r"\left\lfloor \frac{n + p_{\mathrm{before}} + p_{\mathrm{after}} - "
                       r"d\,(K-1) - 1}{s} \right\rfloor + 1")
            numbers = _floor_frac(rf"{n} + {pb} + {pa} - {d} \cdot ({K} - 1) - 1", s) + " + 1"
        output_length = f"m = {formula} = {numbers} = {g(m)}"
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
            "output_length_display": _chain("m", [formula, numbers, g(m)]),
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
        return {"equation": fitted_matrix_equation(self.op, self.max_rows, self.max_cols),
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
            interior = {"first": latex_index(first), "last": latex_index(last),
                        "range": rf"{latex_index(first)} \le {latex(outer)} \le "
                                 rf"{latex_index(last)}"}
        per_residue = facts.transposed.get("row_counts_by_residue") if axis.transposed else None
        untouched = None
        if facts.untouched is not None and facts.untouched.count:
            shown = [_sym(op.input_symbol if not axis.transposed else op.output_symbol, c)
                     for c in facts.untouched.first]
            more = facts.untouched.count > len(facts.untouched.first)
            untouched = {"count": facts.untouched.count, "list": ", ".join(shown),
                         "shown": len(shown), "more": more}
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
            "zero_taps_count": len(facts.zero_taps),
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
        """Every row (forward) / column (transposed) is whole: no border qualifies a claim about
        them."""
        facts = self.facts
        if facts.symbolic or facts.interior is None:
            return False
        # transposed: the columns (border rows that miss contributions do not change a column)
        lines = self.axis.n if self.axis.transposed else facts.output_length
        return facts.interior == (0, lines - 1)

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
                cut.append({"tap": tap, "position": rf"{xt}_{{{latex_index(hit.position)}}}"})
            elif not inside:
                folded.append({"tap": tap, "position": rf"{xt}_{{{latex_index(hit.position)}}}",
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
            "row": latex_index(row.row),
            "side": row.side,
            "equation": rf"{y}_{{{latex_index(row.row)}}} = " + sum_latex(terms, self.printer),
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
                   rf"\, {a_hat}_{{{latex_index(_R + d * _T - q)}}}")
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
            "rows": rf"r = 0, \dots, {latex_index(facts.output_length - 1)}",
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


def _chain(lhs: str, sides: Sequence[str]) -> str:
    """``lhs = a = b = c`` on one line when it fits a line, else on ``aligned`` lines, each
    ``= side`` joining the line above when it fits."""
    line = " = ".join([lhs, *sides])
    if estimated_width(line) <= PAGE_WIDTH:
        return line
    lines = [[sides[0]]]
    for side in sides[1:]:  # each further side joins the line above when it fits
        if estimated_width(lhs + " = " + " = ".join(lines[-1] + [side])) <= PAGE_WIDTH:
            lines[-1].append(side)
        else:
            lines.append([side])
    return (r"\begin{aligned} " + lhs + " &= " + r" \\ &= ".join(" = ".join(line)
                                                                for line in lines)
            + r" \end{aligned}")


def _toeplitz(axis: Any) -> bool:
    """The 1-D operator of ``axis`` is constant along its diagonals: stride 1 and no padding
    that folds taps (zero padding and transposed crops keep a Toeplitz matrix)."""
    from .facts import border_lines

    return axis.stride == 1 and not border_lines(_axis_operator(axis)).folded


def _interior(interior: tuple[Any, Any] | None) -> dict[str, Any] | None:
    """The interior lines ``first .. last`` for the templates (``single``: just one line)."""
    if interior is None:
        return None
    first, last = interior
    return {"first": latex_index(first), "last": latex_index(last), "single": first == last,
            "count": latex(last - first + 1)}


def _line_set(indices: Sequence[int], total: int) -> dict[str, Any] | None:
    """A set of rows or columns, for the words: the first ``first`` lines, the last ``last``
    lines, the ``listed`` others (printed), or ``all`` of them; None when empty.  ``plural``
    tells the verb (``every block row holds``, ``the first 2 block rows hold``)."""
    chosen = sorted(set(indices))
    if not chosen:
        return None
    if len(chosen) == total:
        return {"all": True, "first": 0, "last": 0, "listed": [], "plural": False}
    members = set(chosen)
    first = 0
    while first in members:
        first += 1
    last = 0
    while total - 1 - last in members:
        last += 1
    listed = [latex_index(i) for i in chosen if first <= i < total - last]
    return {"all": False, "first": first, "last": last, "listed": listed,
            "plural": len(chosen) > 1}


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


# --------------------------------------------------------------------------------------------
# N-D and channels: the block structure
# --------------------------------------------------------------------------------------------

#: How many of the innermost 1-D blocks are written out (all up to this many taps).
SHOWN_BLOCKS = 4
#: The definition is written out term by term up to this many kernel taps (one channel).
MAX_EXPANDED = 16
#: Room (points) for ``T_{0} =``, brackets and the space between blocks on a shared line.
BLOCK_NAME_WIDTH = 50.0


def _axis_word(a: int, ndim: int) -> str:
    """Index names: ``i``/``t``/``j`` in 1-D, ``i_{a}`` along axis a in N-D."""
    return "" if ndim == 1 else f"_{{{a}}}"


def _index_symbols(name: str, ndim: int) -> list[sympy.Symbol]:
    if ndim == 1:
        return [sympy.Symbol(name, integer=True)]
    return [sympy.Symbol(f"{name}_{a}", integer=True) for a in range(ndim)]


def _times(values: Iterable[Any]) -> str:
    return r" \times ".join(latex(v) for v in values)


class _BlockContext:
    """The template context of an N-D and/or multi-channel operator (see ``Derivation``)."""

    def __init__(self, op: Conv, max_rows: int, max_cols: int) -> None:
        from .facts import block_facts, block_symbol

        self.op = op
        self.max_rows = max_rows
        self.max_cols = max_cols
        self.facts = block_facts(op)
        self.ndim = op.ndim
        self.channels = op.in_channels > 1 or op.out_channels > 1
        self.block = block_symbol(op)
        self.printer = SymdilLatexPrinter()

    def matrix_equation(self) -> str:
        """The partitioned matrix when it fits, else the block view of the outermost level."""
        matrix = self._matrix()
        if matrix["shown"]:
            return matrix["equation"]
        if self.channels:
            return self._channel_blocks()["grid"]
        return self._level(self.facts.levels[0])["view"]

    # ----- names ---------------------------------------------------------------------------
    def _sup(self, *values: Any) -> str:
        """``^{(o,c)}`` when there are channels, else nothing."""
        if not self.channels:
            return ""
        return "^{(" + ",".join(v if isinstance(v, str) else latex(v) for v in values) + ")}"

    # ----- context -------------------------------------------------------------------------
    def context(self) -> dict[str, Any]:
        op, facts = self.op, self.facts
        axes = op.axes
        padded = any(axis.pad_before or axis.pad_after for axis in axes)
        x = latex_base(op.input_symbol)
        context: dict[str, Any] = {
            "blocks": True,
            "general": False,
            "ndim": self.ndim,
            "channels": self.channels,
            "transposed": op.transposed,
            "flip": op.flip,
            "padded": padded,
            "padding_mode": axes[0].padding_mode,
            "numbers": self._numbers(),
            "symbols": {"input": x, "padded": rf"\tilde{{{x}}}" if padded and not op.transposed
                        else x,
                        "kernel": latex_base(op.kernel_symbol),
                        "output": latex_base(op.output_symbol), "block": self.block},
            "axes": [self._axis(a) for a in range(self.ndim)],
            "kernel_values": self._kernel_values(),
            "definition": self._definition(),
            "sizes": self._sizes(),
            "flattening": self._flattening(),
            "matrix": self._matrix(),
            "channel_blocks": self._channel_blocks() if self.channels else None,
            "levels": [self._level(level) for level in facts.levels],
            "inner": self._inner(),
            "structure": self._structure(),
            "default_title": self._default_title(),
        }
        return context

    def _numbers(self) -> dict[str, Any]:
        op, facts = self.op, self.facts
        per_in, per_out = op.in_channels // op.groups, op.out_channels // op.groups
        return {
            "D": self.ndim, "C_in": op.in_channels, "C_out": op.out_channels, "G": op.groups,
            "per_in": per_in, "per_out": per_out,
            "rows": latex(facts.shape[0]), "cols": latex(facts.shape[1]),
            "nonzeros": latex(facts.nonzeros),
            "taps": _prod(axis.kernel_size for axis in op.axes),
            "kernel_shape": _times(axis.kernel_size for axis in op.axes),
            "input_shape": _times(axis.n for axis in op.axes),
            "output_shape": _times(axis.output_length for axis in op.axes),
            "weight_shape": _times(op.kernel_shape),
        }

    def _axis(self, a: int) -> dict[str, Any]:
        axis = self.op.axes[a]
        return {"index": a, "n": latex(axis.n), "K": axis.kernel_size, "s": axis.stride,
                "d": axis.dilation, "p_before": axis.pad_before, "p_after": axis.pad_after,
                "m": latex(axis.output_length), "word": axis.padding_word,
                "receptive_field": axis.receptive_field,
                "padded": bool(axis.pad_before or axis.pad_after),
                "output_padding": axis.output_padding,
                "sub": _axis_word(a, self.ndim)}

    def _default_title(self) -> dict[str, Any]:
        op = self.op
        kinds = []
        if op.transposed:
            kinds.append("transposed")
        if any(axis.stride > 1 for axis in op.axes):
            kinds.append("strided")
        if any(axis.dilation > 1 for axis in op.axes):
            kinds.append("dilated")
        if op.groups > 1:
            kinds.append("grouped")
        noun = f"{self.ndim}-D convolution" if self.ndim > 1 else "convolution"
        math = (rf"n = {_times(a.n for a in op.axes)},\ "
                rf"K = {_times(a.kernel_size for a in op.axes)}"
                + self._per_axis_title("s", [a.stride for a in op.axes])
                + self._per_axis_title("d", [a.dilation for a in op.axes]))
        if self.channels:
            math += (rf",\ C_{{\mathrm{{in}}}} = {op.in_channels},\ C_{{\mathrm{{out}}}} = "
                     rf"{op.out_channels}")
            if op.groups > 1:
                math += rf",\ G = {op.groups}"
        return {"kinds": kinds, "noun": noun, "math": math}

    def _per_axis_title(self, name: str, values: list[int]) -> str:
        if all(v == 1 for v in values):
            return ""
        text = str(values[0]) if len(values) == 1 else "(" + ", ".join(map(str, values)) + ")"
        return rf",\ {name} = {text}"

    def _kernel_values(self) -> str | None:
        op = self.op
        if op._kernel_values is None:
            return None
        if len(op.kernel) > 27:
            return None  # a long list helps nobody; the definition shows every tap's place
        values = ", ".join(self.printer._print(v) for v in op.kernel)
        return rf"({values})"

    # ----- 1. definition -------------------------------------------------------------------
    def _definition(self) -> dict[str, Any]:
        op = self.op
        D = self.ndim
        k, y = latex_base(op.kernel_symbol), latex_base(op.output_symbol)
        x = latex_base(op.input_symbol)
        padded = any(axis.pad_before or axis.pad_after for axis in op.axes)
        xt = rf"\tilde{{{x}}}" if padded and not op.transposed else x
        i = _index_symbols("i", D)
        t = _index_symbols("t", D)
        j = _index_symbols("j", D)
        names_i = [latex(v) for v in i]
        names_t = [latex(v) for v in t]
        sums_general = "".join(
            rf"\sum_{{{names_t[a]}=0}}^{{K{_axis_word(a, D)}-1}} " for a in range(D))
        sums = "".join(rf"\sum_{{{names_t[a]}=0}}^{{{axis.kernel_size - 1}}} "
                       for a, axis in enumerate(op.axes))
        taps_general = [rf"K{_axis_word(a, D)}-1-{names_t[a]}" if op.flip else names_t[a]
                        for a in range(D)]
        taps = [latex(axis.kernel_size - 1 - t[a]) if op.flip else names_t[a]
                for a, axis in enumerate(op.axes)]
        channel_general, channel_sum, in_channel_general, weight_general = self._channel_terms()
        if op.transposed:
            return self._definition_transposed(k, y, x, i, t, j, channel_general, channel_sum,
                                               in_channel_general, weight_general)
        where_general = ",\\, ".join(
            rf"s{_axis_word(a, D)} {names_i[a]} + d{_axis_word(a, D)} {names_t[a]} - "
            rf"p{_axis_word(a, D)}" for a in range(D))
        general = (rf"{y}{self._sup('o')}_{{{', '.join(names_i)}}} = {channel_general}"
                   rf"{sums_general}{k}{self._sup(*weight_general)}_{{{','.join(taps_general)}}}"
                   rf"\, {xt}{self._sup(in_channel_general)}_{{{where_general}}}")
        positions = [axis.stride * i[a] + axis.dilation * t[a] - axis.pad_before
                     for a, axis in enumerate(op.axes)]
        where = ",\\, ".join(latex(p) for p in positions)
        substituted = (rf"{y}{self._sup('o')}_{{{', '.join(names_i)}}} = {channel_sum}"
                       rf"{sums}{k}{self._sup(*self._weight_numbers())}_{{{','.join(taps)}}}"
                       rf"\, {xt}{self._sup(self._in_channel_numbers())}_{{{where}}}")
        expanded = None
        if not self.channels and _prod(axis.kernel_size for axis in op.axes) <= MAX_EXPANDED:
            lines: list[list[str]] = []
            for combo in itertools.product(*[range(axis.kernel_size) for axis in op.axes]):
                kidx = tuple(axis.kernel_size - 1 - c if op.flip else c
                             for c, axis in zip(combo, op.axes))
                flat = 0
                for c, axis in zip(kidx, op.axes):
                    flat = flat * axis.kernel_size + c
                value = op.kernel[flat]
                if not lines or combo[-1] == 0 or len(lines[-1]) == 4:
                    lines.append([])  # a line per kernel line (at most 4 terms)
                if value == 0:
                    continue
                index = ",\\, ".join(latex(p.subs(t[a], combo[a]))
                                     for a, p in enumerate(positions))
                lines[-1].append(_term(self.printer, value, rf"{xt}_{{{index}}}"))
            lines = [line for line in lines if line]
            lhs = rf"{y}_{{{', '.join(names_i)}}} = "
            if sum(len(line) for line in lines) <= 4:
                expanded = lhs + _join_terms([term for line in lines for term in line])
            else:
                rows = [_join_terms(line) for line in lines]
                rows = [row if index == 0 or row.startswith("-") else "+ " + row
                        for index, row in enumerate(rows)]
                rows = [row if not row.startswith("-") or index == 0 else "- " + row[1:].lstrip()
                        for index, row in enumerate(rows)]
                expanded = (r"\begin{aligned} " + lhs.replace(" = ", " ={}& ") + rows[0]
                            + "".join(r" \\ &" + row for row in rows[1:]) + r" \end{aligned}")
        ranges = ",\\ ".join(
            rf"0 \le {names_i[a]} \le {latex_index(axis.output_length - 1)}"
            for a, axis in enumerate(op.axes))
        if self.channels:
            ranges = rf"0 \le o \le {op.out_channels - 1},\ " + ranges
        return {"general": general, "substituted": substituted, "expanded": expanded,
                "rows": ranges, "padded_input": self._padded_input(x, xt, j),
                "groups": self._groups_text()}

    def _channel_terms(self) -> tuple[str, str, str, tuple[str, str]]:
        """The channel sum and indices of the definition: general and substituted."""
        op = self.op
        if not self.channels:
            return "", "", "", ("", "")
        per_in, per_out = op.in_channels // op.groups, op.out_channels // op.groups
        if op.transposed:
            # weight (c, o'): o' = o mod (C_out/G); inputs c of the group of o
            if op.groups == 1:
                return (r"\sum_{c=0}^{C_{\mathrm{in}}-1} ",
                        self._sum_c(per_in), "c", ("c", "o"))
            return (r"\sum_{c=0}^{C_{\mathrm{in}}/G-1} ", self._sum_c(per_in),
                    r"g C_{\mathrm{in}}/G + c", (r"g C_{\mathrm{in}}/G + c", "o'"))
        if op.groups == 1:
            return (r"\sum_{c=0}^{C_{\mathrm{in}}-1} ", self._sum_c(per_in), "c", ("o", "c"))
        del per_out
        return (r"\sum_{c=0}^{C_{\mathrm{in}}/G-1} ", self._sum_c(per_in),
                r"g C_{\mathrm{in}}/G + c", ("o", "c"))

    @staticmethod
    def _sum_c(count: int) -> str:
        return "" if count == 1 else rf"\sum_{{c=0}}^{{{count - 1}}} "

    def _group_of_o(self) -> Any:
        op = self.op
        o = sympy.Symbol("o", integer=True, nonnegative=True)
        per_out = op.out_channels // op.groups
        return sympy.floor(o / per_out) if per_out > 1 else o

    def _in_channel_numbers(self) -> str:
        """The input channel read by output channel o, with the numbers."""
        op = self.op
        if not self.channels:
            return ""
        per_in = op.in_channels // op.groups
        c = sympy.Symbol("c", integer=True, nonnegative=True) if per_in > 1 else 0
        if op.groups == 1:
            return "c" if per_in > 1 else "0"
        return latex(per_in * self._group_of_o() + c)

    def _weight_numbers(self) -> tuple[str, str]:
        op = self.op
        if not self.channels:
            return ("", "")
        per_in, per_out = op.in_channels // op.groups, op.out_channels // op.groups
        c = "c" if per_in > 1 else "0"
        if op.transposed:
            o_local = latex(sympy.Symbol("o", integer=True) % per_out) if (
                op.groups > 1 and per_out > 1) else ("0" if per_out == 1 else "o")
            return (self._in_channel_numbers(), o_local)
        return ("o", c)

    def _groups_text(self) -> dict[str, Any] | None:
        op = self.op
        if not self.channels or op.groups == 1:
            return None
        return {"group": r"g = \left\lfloor \frac{o}{C_{\mathrm{out}}/G} \right\rfloor"
                         + rf" = {latex(self._group_of_o())}",
                "local": r"o' = o \bmod (C_{\mathrm{out}}/G)"}

    def _padded_input(self, x: str, xt: str, j: list[sympy.Symbol]) -> dict[str, Any] | None:
        op = self.op
        if xt == x:
            return None
        D = self.ndim
        names = [latex(v) for v in j]
        inside = ",\\; ".join(rf"0 \le {names[a]} \le {latex_index(axis.n - 1)}"
                              for a, axis in enumerate(op.axes))
        ranges = ",\\ ".join(
            rf"{latex(-axis.pad_before)} \le {names[a]} \le {latex(axis.n - 1 + axis.pad_after)}"
            for a, axis in enumerate(op.axes))
        sup = self._sup("c")
        if op.axes[0].padding_mode == "zeros":
            cases = (rf"{xt}{sup}_{{{', '.join(names)}}} = \begin{{cases}} "
                     rf"{x}{sup}_{{{', '.join(names)}}} & {inside} \\ "
                     r"0 & \text{otherwise} \end{cases}")
        else:
            phi = ", ".join(rf"\varphi{_axis_word(a, D)}({names[a]})" for a in range(D))
            cases = rf"{xt}{sup}_{{{', '.join(names)}}} = {x}{sup}_{{{phi}}}"
        return {"equation": cases, "ranges": ranges}

    def _definition_transposed(self, k, y, x, i, t, j, channel_general, channel_sum,
                               in_channel_general, weight_general) -> dict[str, Any]:
        op = self.op
        D = self.ndim
        names_t = [latex(v) for v in t]
        names_j = [latex(v) for v in j]
        taps_general = [rf"K{_axis_word(a, D)}-1-{names_t[a]}" if op.flip else names_t[a]
                        for a in range(D)]
        taps = [latex(axis.kernel_size - 1 - t[a]) if op.flip else names_t[a]
                for a, axis in enumerate(op.axes)]
        target_general = ",\\, ".join(
            rf"s{_axis_word(a, D)} {names_j[a]} + d{_axis_word(a, D)} {names_t[a]} - "
            rf"p{_axis_word(a, D)}" for a in range(D))
        target = ",\\, ".join(latex(axis.stride * j[a] + axis.dilation * t[a] - axis.pad_before)
                              for a, axis in enumerate(op.axes))
        scatter_general = (rf"{y}{self._sup('o')}_{{{target_general}}} \mathrel{{+}}= "
                           rf"{k}{self._sup(*weight_general)}_{{{','.join(taps_general)}}}\, "
                           rf"{x}{self._sup(in_channel_general)}_{{{', '.join(names_j)}}}")
        scatter = (rf"{y}{self._sup('o')}_{{{target}}} \mathrel{{+}}= "
                   rf"{k}{self._sup(*self._weight_numbers())}_{{{','.join(taps)}}}\, "
                   rf"{x}{self._sup(self._in_channel_numbers())}_{{{', '.join(names_j)}}}")
        ranges = ",\\ ".join(
            rf"0 \le {names_j[a]} \le {latex_index(axis.n - 1)}" for a, axis in enumerate(op.axes))
        return {"general": scatter_general, "substituted": scatter,
                "sums": channel_general, "expanded": None, "rows": ranges,
                "padded_input": None, "groups": self._groups_text(),
                "crop": ",\\ ".join(
                    rf"0 \le {latex(v)} \le {latex_index(axis.output_length - 1)}"
                    for v, axis in zip(_index_symbols("r", D), op.axes)),
                "channel_sum": channel_sum}

    # ----- 2. sizes ------------------------------------------------------------------------
    def _sizes(self) -> dict[str, Any]:
        op, facts = self.op, self.facts
        per_axis = []
        for a, axis in enumerate(op.axes):
            one = Derivation(_axis_operator(axis), self.max_rows, self.max_cols)
            sizes = one._sizes()
            per_axis.append({
                "index": a, "output_length": sizes["output_length"],
                "receptive_field": sizes["receptive_field"], "padding": sizes["padding"],
                "same": sizes["same"], "span_minus_one": sizes["span_minus_one"],
                "full_length": sizes["full_length"], "word": axis.padding_word,
                "padded": bool(axis.pad_before or axis.pad_after),
                "transposed": axis.transposed, "output_padding": axis.output_padding,
            })
        rows_formula = (r"C_{\mathrm{out}} \cdot " if self.channels else "") + r" \cdot ".join(
            f"m{_axis_word(a, self.ndim)}" for a in range(self.ndim))
        cols_formula = (r"C_{\mathrm{in}} \cdot " if self.channels else "") + r" \cdot ".join(
            f"n{_axis_word(a, self.ndim)}" for a in range(self.ndim))
        rows_numbers = r" \cdot ".join(latex(v) for v in facts.output_shape[
            0 if self.channels else 1:])
        cols_numbers = r" \cdot ".join(latex(v) for v in facts.input_shape[
            0 if self.channels else 1:])
        return {
            "axes": per_axis,
            "shape": (rf"({rows_formula}) \times ({cols_formula}) = ({rows_numbers}) \times "
                      rf"({cols_numbers}) = {latex(facts.shape[0])} \times "
                      rf"{latex(facts.shape[1])}"),
        }

    # ----- 3. flattening -------------------------------------------------------------------
    def _flattening(self) -> dict[str, Any]:
        op = self.op
        D = self.ndim
        x, y = latex_base(op.input_symbol), latex_base(op.output_symbol)
        j = _index_symbols("j", D)
        i = _index_symbols("i", D)
        c = sympy.Symbol("c", integer=True)
        o = sympy.Symbol("o", integer=True)
        n = [axis.n for axis in op.axes]
        m = [axis.output_length for axis in op.axes]

        def flat(indices: list, sizes: list, channel: Any) -> tuple[str, str]:
            """``n_1 j_0 + j_1`` and ``3 j_0 + j_1``: the flat index, channel first."""
            letter = "n" if sizes is n else "m"
            general_terms, numeric_terms = [], []
            factors = [(list(range(D)), channel)] if self.channels else []
            factors += [(list(range(a + 1, D)), indices[a]) for a in range(D)]
            for later, index in factors:
                general_terms.append(" ".join([f"{letter}{_axis_word(b, D)}" for b in later]
                                              + [latex(index)]))
                weight = _prod(sizes[b] for b in later)
                numeric_terms.append(latex(index) if weight == 1 else
                                     f"{latex(weight)} {latex(index)}")
            return " + ".join(general_terms), " + ".join(numeric_terms)

        col_general, col_numbers = flat(j, n, c)
        row_general, row_numbers = flat(i, m, o)
        names_j = ", ".join(latex(v) for v in j)
        names_i = ", ".join(latex(v) for v in i)
        last_input = op.input_symbol_at(op.shape[1] - 1)
        last_output = op.output_symbol_at(op.shape[0] - 1)
        return {
            "column": (rf"{x}{self._sup('c')}_{{{names_j}}} \;\mapsto\; {col_general}"
                       + (f" = {col_numbers}" if col_numbers != col_general else "")),
            "row": (rf"{y}{self._sup('o')}_{{{names_i}}} \;\mapsto\; {row_general}"
                    + (f" = {row_numbers}" if row_numbers != row_general else "")),
            "last_input": self.printer._print(last_input),
            "last_column": latex(op.shape[1] - 1),
            "last_output": self.printer._print(last_output),
            "last_row": latex(op.shape[0] - 1),
            "input_vector": partitioned_vector(op, "input", column_gap=TIGHT_COLUMN_GAP),
            "output_vector": partitioned_vector(op, "output", column_gap=TIGHT_COLUMN_GAP),
            "inner_n": latex(op.axes[-1].n),
        }

    # ----- 4. the matrix -------------------------------------------------------------------
    def _matrix(self) -> dict[str, Any]:
        op = self.op
        equation = None
        if op.shape[0] <= FULL_MATRIX_ROWS and op.shape[1] <= FULL_MATRIX_COLS:
            layout, cells = partitioned_cells(op, FULL_MATRIX_ROWS, FULL_MATRIX_COLS)
            if array_width(cells, TIGHT_COLUMN_GAP) <= PAGE_WIDTH:
                equation = partitioned_array(cells, layout.row_lines, layout.col_lines)
        first = op.row(0)
        y0 = self.printer._print(op.output_symbol_at(0))
        terms = [(coef, op.input_symbol_at(col)) for col, coef in first.items()]
        return {
            "shown": equation is not None,
            "equation": equation,
            "first_row": _split_sum(y0, terms, self.printer),
            "first_row_count": len(first),
        }

    # ----- 5. channels ---------------------------------------------------------------------
    def _channel_blocks(self) -> dict[str, Any]:
        op = self.op
        info = self.facts.channels
        for limit in range(self.max_cols, 2, -1):
            cells = self._channel_cells(info, self.max_rows, limit)
            if array_width(cells) <= PAGE_WIDTH:
                break
        per_out, per_in = info.per_group
        linked_zero = info.zero_kernel_blocks
        return {
            "grid": grid_matrix(cells),
            "count": op.out_channels * op.in_channels,
            "rows": op.out_channels, "cols": op.in_channels,
            "block_rows": latex(info.block_shape[0]), "block_cols": latex(info.block_shape[1]),
            "nonzero": info.nonzero_blocks,
            "separated": info.separated_blocks,
            "zero_kernel": linked_zero,
            "linked": op.out_channels * op.in_channels - info.separated_blocks,
            "per_in": per_in, "per_out": per_out,
        }

    def _channel_cells(self, info: Any, max_rows: int, max_cols: int) -> list[list[str]]:
        """The (output, input) channel grid: ``M^{(o,c)}`` or ``0`` per block, elided."""
        op = self.op
        rows = visible_indices(op.out_channels, max_rows)
        cols = visible_indices(op.in_channels, max_cols)
        both = MARKER in rows and MARKER in cols
        cells = []
        for o in rows:
            if o is MARKER:
                cells.append(marker_row(cols, both))
                continue
            line = []
            for c in cols:
                if c is MARKER:
                    line.append(r"\cdots")
                elif info.nonzero[o][c]:
                    line.append(rf"M^{{({o},{c})}}")
                else:
                    line.append("0")
            cells.append(line)
        return cells

    def _pair_kernel(self, o: int, c: int) -> tuple:
        op = self.op
        taps = _prod(axis.kernel_size for axis in op.axes)
        for channel, offset in op._channel_pairs(o):
            if channel == c:
                return tuple(op.kernel[offset:offset + taps])
        return (sympy.Integer(0),) * taps

    # ----- 6. block levels -----------------------------------------------------------------
    def _level(self, level: Any) -> dict[str, Any]:
        op = self.op
        f = level.facts
        axis = op.axes[level.axis]
        a = level.axis
        D = self.ndim
        K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
        i_a, t_a, j_a = (sympy.Symbol(f"{name}_{a}", integer=True) for name in "itj")
        outer, inner = (i_a, j_a) if not axis.transposed else (j_a, i_a)
        layout, cells = self._fitted(level.pattern)
        view = grid_matrix(cells)
        rows_elided = MARKER in layout.rows
        cols_elided = MARKER in layout.cols
        label = self._label(level.prefix)
        lines = ", ".join(latex(v) for v in f.band_lines)
        merged = next((self.printer._print(value) for row in f.border_rows
                       for value in row.entries.values() if isinstance(value, sympy.Add)), None)
        borders = level.lines
        all_interior = borders.all_outer_interior
        grid_rows, grid_cols = level.grid
        return {
            "axis": a, "label": label,
            "labels": ", ".join(self.printer._print(v) for v in level.labels),
            "block_of": self._block_name(level.prefix),
            "view": view, "rows_elided": rows_elided, "cols_elided": cols_elided,
            "grid_rows": latex(grid_rows), "grid_cols": latex(grid_cols),
            "count": latex(grid_rows * grid_cols),
            "block_rows": latex(level.block_shape[0]), "block_cols": latex(level.block_shape[1]),
            "inner_dims": D - a - 1,
            "K": K, "s": s, "d": d, "p": p,
            "taps_at": latex(s * outer + d * t_a - p),
            "start": latex(s * outer - p),
            "outer": latex(outer), "inner": latex(inner), "tap": latex(t_a),
            "line_formula": rf"{latex(inner)} - {latex(s * outer)}" if s > 1 else
                            rf"{latex(inner)} - {latex(outer)}",
            "lines": lines,
            "band_width": f.band_width, "band_count": len(f.band_lines),
            "zero_lines": f.band_width - len(f.band_lines),
            "gap": d - 1,
            "regular": f.regular_band,
            "zero_slices": ", ".join(self.printer._print(level.labels[t])
                                     for t in level.zero_slices),
            "absent": ", ".join(self.printer._print(level.labels[self._tap(axis, t)])
                                for t in f.absent_offsets),
            "absent_count": len(f.absent_offsets),
            "nonzero_blocks": latex(level.nonzero_blocks),
            "zero_blocks": latex(grid_rows * grid_cols - level.nonzero_blocks),
            "per_line": f.per_interior_line,
            "interior": _interior(f.interior),
            "all_interior": all_interior,
            "short": _line_set(borders.short, borders.outer_count),
            "folded": _line_set(borders.folded, borders.outer_count),
            "lacking": _line_set(borders.lacking, borders.inner_count),
            "inputs": rf"0 \le {latex(j_a)} \le {latex_index(axis.n - 1)}",
            "merged": merged,
            "relation": self._relation(level, i_a, t_a, j_a),
            # block Toeplitz at this level and (all strides 1) below: doubly, triply, ...
            "toeplitz_levels": (D - a) if all(_toeplitz(ax) for ax in op.axes[a:]) else (
                1 if _toeplitz(axis) else 0),
            "next_label": self._label(level.prefix + (0,)) if level.axis < D - 2 else None,
        }

    def _fitted(self, op1d: Conv) -> tuple[Any, list[list[str]]]:
        """The layout and cells of a 1-D operator's matrix, with fewer columns than ``max_cols``
        when wide entries would not fit a line."""
        for cols in range(self.max_cols, 2, -1):
            layout = matrix_layout(op1d, self.max_rows, cols)
            cells = matrix_cells(layout, self.printer)
            if array_width(cells) <= PAGE_WIDTH:
                break
        return layout, cells

    @staticmethod
    def _tap(axis: Any, offset: int) -> int:
        return axis.kernel_size - 1 - offset if axis.flip else offset

    def _label(self, prefix: tuple[int, ...]) -> str:
        """``T_{0,t_1}``-style generic label of the blocks at the level after ``prefix``."""
        a = len(prefix)
        items = [str(v) for v in prefix] + [f"t_{{{a}}}"]
        return f"{self.block}_{{{','.join(items)}}}"

    def _block_name(self, prefix: tuple[int, ...]) -> str:
        """The operator whose blocks a level shows: M (or M^{(0,0)}), or T_{prefix}."""
        if not prefix:
            return "M^{(0,0)}" if self.channels else "M"
        return f"{self.block}_{{{','.join(str(v) for v in prefix)}}}"

    def _relation(self, level: Any, i_a: Any, t_a: Any, j_a: Any) -> str:
        """How the blocks act: output slice i_a gathers T_{t_a} times input slices."""
        op = self.op
        a = level.axis
        axis = op.axes[a]
        K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
        rest = ",:" * (self.ndim - a - 1)
        label_index = latex(K - 1 - t_a) if axis.flip else latex(t_a)
        block = f"{self.block}_{{{','.join([str(v) for v in level.prefix] + [label_index])}}}"
        if level.prefix:
            name = self._block_name(level.prefix)
            lhs, vec, vec_t = rf"({name}\, z)", "z", r"\tilde{z}"
        else:
            x = latex_base(op.input_symbol)
            y = latex_base(op.output_symbol)
            if self.channels:
                lhs = rf"(M^{{(0,0)}} {x}^{{(0)}})"
                vec = rf"{x}^{{(0)}}"
            else:
                lhs, vec = y, x
            padded = any(ax.pad_before or ax.pad_after for ax in op.axes)
            vec_t = rf"\tilde{{{x}}}" + ("^{(0)}" if self.channels else "") if (
                padded and not op.transposed) else vec
        if axis.transposed:
            return (rf"{lhs}_{{{latex(i_a)}{rest}}} = \sum_{{{latex(j_a)}=0}}^"
                    rf"{{{latex_index(axis.n - 1)}}} \sum_{{{latex(t_a)}=0}}^{{{K - 1}}} "
                    rf"\left[\, {latex(s * j_a + d * t_a - p)} = {latex(i_a)} \,\right]\, "
                    rf"{block}\, {vec}_{{{latex(j_a)}{rest}}}")
        return (rf"{lhs}_{{{latex(i_a)}{rest}}} = \sum_{{{latex(t_a)}=0}}^{{{K - 1}}} "
                rf"{block}\, {vec_t}_{{{latex(s * i_a + d * t_a - p)}{rest}}}")

    # ----- 7. the 1-D blocks written out ---------------------------------------------------
    def _inner(self) -> dict[str, Any] | None:
        """The innermost blocks: 1-D operators along the last axis, written out (elided).  In
        1-D with channels they are the channel blocks M^{(o,c)} (M^{(0,0)} is written out)."""
        from .facts import axis_operator, border_lines, structure_facts

        op = self.op
        last = op.axes[-1]
        kernel = self._pair_kernel(0, 0)
        size = last.kernel_size
        blocks = []
        if self.ndim == 1:
            prefix: tuple[int, ...] = ()
            count, shown = 1, [None]
        else:
            prefix = (0,) * (self.ndim - 2)
            count = op.axes[-2].kernel_size
            shown = list(range(count)) if count <= SHOWN_BLOCKS else [0, 1, count - 1]
        for t in shown:
            index = prefix + (() if t is None else (t,))
            offset = 0
            for value, axis in zip(index, op.axes[:-1]):
                offset = offset * axis.kernel_size + value
            values = kernel[offset * size:(offset + 1) * size]
            block = axis_operator(last, values)
            _, cells = self._fitted(block)
            name = ("M^{(0,0)}" if t is None else
                    f"{self.block}_{{{','.join(str(v) for v in index)}}}")
            blocks.append({"name": name, "matrix": bracket_matrix(cells),
                           "width": array_width(cells) + BLOCK_NAME_WIDTH})
        facts = structure_facts(axis_operator(last, last.kernel_size))
        borders = border_lines(axis_operator(last, last.kernel_size))
        one = Derivation(axis_operator(last, last.kernel_size), self.max_rows, self.max_cols)
        structure = one._structure()
        widths = sum(block.pop("width") for block in blocks)
        return {
            "blocks": blocks, "hidden": count - len(shown),
            "together": widths <= PAGE_WIDTH,
            "rows": latex(last.output_length), "cols": latex(last.n),
            "K": last.kernel_size, "s": last.stride, "d": last.dilation,
            "gap": last.dilation - 1,
            "band_width": facts.band_width, "regular": facts.regular_band,
            "lines": structure["lines"], "line_formula": structure["line_formula"],
            "per_line": facts.per_interior_line, "all_interior": borders.all_outer_interior,
            "short": _line_set(borders.short, borders.outer_count),
            "folded": _line_set(borders.folded, borders.outer_count),
            "lacking": _line_set(borders.lacking, borders.inner_count),
            "inputs": rf"0 \le j{_axis_word(self.ndim - 1, self.ndim)} \le {latex(last.n - 1)}",
            "axis": self.ndim - 1,
            "prefix_name": self._block_name(prefix) if prefix else None,
            "label": "M^{(o,c)}" if self.ndim == 1 else self._label(prefix),
            "padded": bool(last.pad_before or last.pad_after),
            "taps_at": structure["taps_at"], "start": structure["start"],
            "tap_range": _range("t", last.kernel_size),
        }

    # ----- 8. counts and cost --------------------------------------------------------------
    def _structure(self) -> dict[str, Any]:
        op, facts = self.op, self.facts
        outputs = facts.shape[0] if not op.transposed else facts.shape[1]
        per = facts.gather_multiplications // outputs
        return {
            "nonzeros": latex(facts.nonzeros),
            "gather": rf"{latex(outputs)} \cdot {latex(per)} = "
                      rf"{latex(facts.gather_multiplications)}",
            "dense": rf"{latex(facts.shape[0])} \cdot {latex(facts.shape[1])} = "
                     rf"{latex(facts.dense_multiplications)}",
            "per_output": per,
            "fewer": self._fewer() if facts.nonzeros < facts.gather_multiplications else None,
        }

    def _fewer(self) -> dict[str, bool]:
        """Why M has fewer non-zeros than products in the definition (each flag computed from
        the axes: an axis loses entries when padding cuts taps, or folds merge them)."""
        op = self.op
        lossy = any(facts.nonzeros < facts.gather_multiplications
                    for facts in self.facts.axis_facts)
        folding = not op.transposed and op.axes[0].padding_mode != "zeros"
        return {"cut": lossy and not folding, "merged": lossy and folding,
                "zero_taps": op._kernel_values is not None and any(v == 0 for v in op.kernel)}


#: The whole partitioned matrix is printed when it has at most this many rows/columns (and its
#: estimated width fits a line).
FULL_MATRIX_ROWS = 24
FULL_MATRIX_COLS = 24


def _axis_operator(axis: Any) -> Conv:
    from .facts import axis_operator

    return axis_operator(axis, axis.kernel_size)


def _split_sum(lhs: str, terms: list, printer: SymdilLatexPrinter) -> str:
    """``lhs = t_1 + t_2 + ...``, broken into ``aligned`` lines that fit a page line."""
    lines: list[list] = [[]]
    for term in terms:
        trial = lines[-1] + [term]
        if lines[-1] and estimated_width(sum_latex(trial, printer)) > PAGE_WIDTH - 60:
            lines.append([term])
        else:
            lines[-1] = trial
    texts = [sum_latex(line, printer) for line in lines]
    if len(texts) == 1:
        return f"{lhs} = {texts[0]}"
    rest = "".join(r" \\ &" + (text if text.startswith("-") else "+ " + text)
                   for text in texts[1:])
    return rf"\begin{{aligned}} {lhs} ={{}}& {texts[0]}{rest} \end{{aligned}}"


def _prod(values: Iterable[Any]) -> Any:
    result = 1
    for value in values:
        result *= value
    return result
