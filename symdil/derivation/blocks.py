"""The context of an N-D and/or multi-channel derivation: the flattening order, the partitioned
matrix, the (output channel, input channel) blocks with the zero blocks that groups give, and per
axis the block matrix ``[T_{r,c}]`` of a doubly (triply, ...) block Toeplitz operator whose blocks
are the operators of single kernel slices -- every count computed from the operator's local rule
(``symdil.facts.block_facts``), never from the full matrix."""

from __future__ import annotations

import itertools
from typing import Any

import sympy

from ..core.conv import Conv
from ..layout.elision import MARKER, matrix_layout, visible_indices
from ..layout.matrices import (
    TIGHT_COLUMN_GAP,
    bracket_matrix,
    fitted_partitioned,
    grid_matrix,
    marker_row,
    matrix_cells,
    partitioned_cells,
    partitioned_vector,
)
from ..layout.width import current_width
from ..render.measure import array_width, display_width, estimated_width
from ..render.printer import SymdilLatexPrinter, join_terms, latex, latex_base, latex_index
from ..statements.facts import structure_facts
from .latex import (
    _axis_operator,
    _axis_word,
    _index_symbols,
    _interior,
    _line_set,
    _prod,
    _range,
    _split_sum,
    _term,
    _times,
    _toeplitz,
    _with_period,
    parameter_title,
    title_kinds,
)
from .line import LineContext

#: How many of the innermost 1-D blocks are written out (all up to this many taps).
SHOWN_BLOCKS = 4
#: The definition is written out term by term up to this many kernel taps (one channel).
MAX_EXPANDED = 16
#: Room (points) for ``T_{0} =``, brackets and the space between blocks on a shared line.
BLOCK_NAME_WIDTH = 50.0


class BlockContext:
    """The template context of an N-D and/or multi-channel operator (see ``Derivation``)."""

    def __init__(self, op: Conv, max_rows: int, max_cols: int) -> None:
        from ..statements.facts import block_facts, block_symbol

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
        noun = f"{self.ndim}-D convolution" if self.ndim > 1 else "convolution"
        return {"kinds": title_kinds(self.op), "noun": noun,
                "math": parameter_title(self.op)}

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
                expanded = lhs + join_terms([term for line in lines for term in line])
            else:
                # a line per kernel line, itself broken where it is wider than the page's line
                room = current_width() - estimated_width(lhs) - 20.0
                fitted: list[list[str]] = []
                for line in lines:
                    fitted.append([])
                    for term in line:
                        if fitted[-1] and estimated_width(
                                join_terms(fitted[-1] + [term])) > room:
                            fitted.append([])
                        fitted[-1].append(term)
                rows = [join_terms(line) for line in fitted]
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
        return {"general": general, "substituted": substituted,
                "expanded": expanded and _with_period(expanded),
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
            if display_width(cases) > current_width():  # one condition per axis, stacked
                stacked = r" \\ ".join(rf"0 \le {names[a]} \le {latex_index(axis.n - 1)}"
                                        for a, axis in enumerate(op.axes))
                cases = cases.replace(inside, r"\begin{array}{l} " + stacked + r" \end{array}")
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
            one = LineContext(_axis_operator(axis), self.max_rows, self.max_cols)
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
        rows, cols = op.shape
        # printed whole when it is within the limits (--max-rows 25 --max-cols 25 gives a
        # teacher the doubly block Toeplitz picture of a 5 x 5 input) and fits the width, in
        # one piece or broken at a block line into two
        if rows <= self.max_rows and cols <= self.max_cols:
            layout, cells = partitioned_cells(op, rows, cols)
            equation = fitted_partitioned(cells, layout.row_lines, layout.col_lines,
                                          room=28.0, gap=TIGHT_COLUMN_GAP)
        first = op.row(0)
        y0 = self.printer._print(op.output_symbol_at(0))
        terms = [(coef, op.input_symbol_at(col)) for col, coef in first.items()]
        return {
            "shown": equation is not None,
            "equation": equation,
            "first_row": _with_period(_split_sum(y0, terms, self.printer)),
            "first_row_count": len(first),
        }

    # ----- 5. channels ---------------------------------------------------------------------
    def _channel_blocks(self) -> dict[str, Any]:
        op = self.op
        info = self.facts.channels
        for limit in range(self.max_cols, 2, -1):
            cells = self._channel_cells(info, self.max_rows, limit)
            if array_width(cells) <= current_width():
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
            if array_width(cells) + 45.0 <= current_width():  # its name, "=", brackets
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
        from ..statements.facts import axis_operator, border_lines

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
        one = LineContext(axis_operator(last, last.kernel_size), self.max_rows,
                          self.max_cols)
        structure = one._structure()
        widths = sum(block.pop("width") for block in blocks)
        return {
            "blocks": blocks, "hidden": count - len(shown),
            "together": widths <= current_width(),
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
