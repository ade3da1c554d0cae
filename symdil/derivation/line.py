"""The context of a 1-D, one-channel derivation (concrete n, or the general case ``n="n"``): the
numbers (``symdil.facts``) and the pre-printed LaTeX of each step -- definition, sizes, matrix,
structure, borders and the transposed reading.  The sentences' claims come from the statements
(``symdil.statements``); this context supplies the formulas they sit beside."""

from __future__ import annotations

from typing import Any

import sympy

from ..core.conv import Conv
from ..layout.elision import MARKER, visible_indices
from ..layout.matrices import AMSMATH_MAX_COLS, fitted_lone_matrix, fitted_matrix
from ..render.printer import (
    SymdilLatexPrinter,
    general_symbol,
    join_terms,
    latex,
    latex_base,
    latex_index,
    sum_latex,
)
from ..statements import Statement
from ..statements.facts import BorderRow, Facts, structure_facts
from .latex import (
    _chain,
    _entry,
    _factor,
    _floor_frac,
    _int,
    _listing,
    _range,
    _sym,
    _term,
    parameter_title,
    title_kinds,
)

#: How far above the borders' bound the printed general-case sketch may move ``valid_from``.
MAX_SKETCH_SHIFT = 2_000

_I = sympy.Symbol("i", integer=True)
_T = sympy.Symbol("t", integer=True)
_R = sympy.Symbol("r", integer=True)
_J = sympy.Symbol("j", integer=True)


class LineContext:
    """The template context of a 1-D, one-channel operator (see ``Derivation``)."""

    def __init__(self, op: Conv, max_rows: int, max_cols: int) -> None:
        self.op = op
        self.max_rows = max_rows
        self.max_cols = max_cols
        self.printer = SymdilLatexPrinter()
        self.axis = op.axes[0]
        self.facts: Facts = structure_facts(op)

    def context(self) -> dict[str, Any]:
        """Numbers, flags and words-free pre-printed LaTeX math of each step."""
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
        return {"kinds": title_kinds(self.op), "noun": "convolution",
                "math": parameter_title(self.op)}

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
        expanded = f"{y}_{{i}} = " + join_terms(terms)
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
    @property
    def printed(self) -> tuple[str, Any]:
        """The matrix equation as printed and its layout (the rows and columns it shows)."""
        if "_printed" not in self.__dict__:
            self.__dict__["_printed"] = fitted_matrix(self.op, self.max_rows, self.max_cols)
        return self.__dict__["_printed"]

    def shown_statements(self) -> list[Statement]:
        """What the document shows of the matrix, as a statement (from the printed layout)."""
        layout = self.printed[1]
        full = layout.entries["full"]
        entries = {(r, c): full[r].get(c, 0) for r in layout.rows if r is not MARKER
                   for c in layout.cols if c is not MARKER}
        return [Statement("elision", {"shape": tuple(self.op.shape), "rows": layout.rows,
                                      "cols": layout.cols, "entries": entries})]

    def with_sketch_bound(self, statements: list[Statement]) -> list[Statement]:
        """The general case: ``statements`` with ``valid_from`` raised to the smallest n from which
        the printed sketch (the ``elision`` statement: which rows and columns, and every printed
        entry) is right on every instance n = bound ... bound + 3s + K.  Near the bound the last
        columns can still hold a tap the sketch shows as 0."""
        from ..statements.evidence import instance

        valid = next(st for st in statements if st.kind == "valid_from")
        sketch = next(st for st in statements if st.kind == "elision")
        axis = self.axis
        window = 3 * axis.stride + axis.kernel_size
        bound = size = valid.params["bound"]
        while size <= bound + window:
            if not sketch.holds(instance(self.op, size)):
                bound = size + 1
                if bound > valid.params["bound"] + MAX_SKETCH_SHIFT:
                    from ..core.errors import SymdilError

                    raise SymdilError("the general case's printed matrix does not settle within "
                                      f"{MAX_SKETCH_SHIFT} sizes of n = {valid.params['bound']}")
            size += 1
        if bound == valid.params["bound"]:
            return statements
        raised = Statement("valid_from", {**dict(valid.params), "bound": bound, "sketch": True})
        return [raised if st is valid else st for st in statements]

    def _matrix(self) -> dict[str, Any]:
        # the layout the printed equation shows (fewer columns when the width asks for it)
        layout = self.printed[1]
        elided = MARKER in layout.rows or MARKER in layout.cols
        return {"equation": self.printed[0],
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
            _, forward_matrix = fitted_lone_matrix(forward, self.max_rows, self.max_cols,
                                                   self.printer)
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

    def _vector_cols(self) -> int:
        """Entries of the zero-inserted input, written as one ``bmatrix`` row: at most amsmath's
        10 columns (its ``MaxMatrixCols``; an 11th is a LaTeX error in a pasted snippet)."""
        return min(self.max_cols, AMSMATH_MAX_COLS)

    def _upsampled(self, x: str) -> str:
        axis = self.axis
        s = axis.stride
        if axis.symbolic:
            head = []
            for u in range(min(2 * s + 1, self._vector_cols() - 2)):
                head.append(_sym(self.op.input_symbol, u // s) if u % s == 0 else "0")
            entries = head + [r"\cdots", _sym(self.op.input_symbol, axis.n - 1)]
            return r"\begin{bmatrix} " + " & ".join(entries) + r" \end{bmatrix}^{\mathsf{T}}"
        length = (axis.n - 1) * s + 1
        shown = visible_indices(length, self._vector_cols())
        entries = []
        for u in shown:
            if u is MARKER:
                entries.append(r"\cdots")
            else:
                entries.append(_sym(self.op.input_symbol, u // s) if u % s == 0 else "0")
        return r"\begin{bmatrix} " + " & ".join(entries) + r" \end{bmatrix}^{\mathsf{T}}"
