"""The ordered statements of an operator's derivation (``symdil.statements(op)``).

The derivation decides here which claims exist, from the operator's geometry and its local rows
(``symdil.facts``); each claim's predicate (``symdil.statements.kinds``) re-derives it from rows.
1-D with one channel: sizes, structure, borders and the transposed reading (concrete n, or the
general case with parameters in n and m, claimed from ``valid_from`` on).  N-D and channels: the
sizes per axis, the per-axis patterns, channel blocks and the counts.
"""

from __future__ import annotations

from typing import Any

import sympy

from ..core.conv import Conv
from ..core.operator import axis_taps
from ..core.spec import Axis
from .base import Statement
from .facts import (
    Facts,
    _ceil_div,
    _clamped,
    _first_between,
    _stand_in_size,
    _uncovered,
    structure_facts,
)

M_SYMBOL = sympy.Symbol("m", integer=True, positive=True)
LISTED = 4


def _g(axis: Axis) -> dict[str, Any]:
    return {"K": axis.kernel_size, "s": axis.stride, "d": axis.dilation, "p": axis.pad_before,
            "flip": axis.flip, "mode": axis.padding_mode, "transposed": axis.transposed}


def _tap(axis: Axis, offset: int) -> int:
    return axis.kernel_size - 1 - offset if axis.flip else offset


def _offset_ranges(axis: Axis, lines: int, reach: int) -> dict[int, tuple[int, int] | None]:
    """Offset t -> the outer lines (lo, hi) where its position s*i + d*t - p lands in [0, reach)."""
    K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
    return {t: _clamped(_ceil_div(p - d * t, s), (reach - 1 + p - d * t) // s, 0, lines - 1)
            for t in range(K)}


def _nonzero_offsets(op: Conv, axis: Axis) -> list[int]:
    return [t for t in range(axis.kernel_size) if op.kernel[_tap(axis, t)] != 0]


# --------------------------------------------------------------------------------------------
# 1-D, concrete
# --------------------------------------------------------------------------------------------


def _progressions(op: Conv, facts: Facts, offsets: list[int]) -> tuple[list, set[int]]:
    """The inner indices (inputs forward, outputs transposed) that ``offsets`` reach: arithmetic
    progressions (start, count) with step s, plus explicit border entries (forward)."""
    axis = op.axes[0]
    n, m, s, d, p = axis.n, axis.output_length, axis.stride, axis.dilation, axis.pad_before
    if axis.transposed:
        ranges = _offset_ranges(axis, n, m)
        return [(s * ranges[t][0] + d * t - p, ranges[t][1] - ranges[t][0] + 1)
                for t in offsets if ranges[t]], set()
    interior = facts.interior
    count = 0 if interior is None else interior[1] - interior[0] + 1
    progressions = [(s * interior[0] + d * t - p, count) for t in offsets] if interior else []
    chosen = {_tap(axis, t) for t in offsets}
    extra = {h.column for row in facts.border_rows for h in row.hits
             if h.column is not None and h.tap in chosen}
    return progressions, extra


def _untouched(op: Conv, facts: Facts) -> list[Statement]:
    """Inner indices no tap reaches (unread inputs / empty outputs) and those reached only with
    zero weight (zero-valued taps, or folded taps that cancel)."""
    axis = op.axes[0]
    size = axis.output_length if axis.transposed else axis.n
    s = axis.stride
    every = list(range(axis.kernel_size))
    reach_all, extra_all = _progressions(op, facts, every)
    unread = _uncovered(size, s, reach_all, extra_all)
    if axis.transposed:
        reach_nz, extra_nz = _progressions(op, facts, _nonzero_offsets(op, axis))
    else:  # border rows: what is left after folding and cancelling
        reach_nz, _ = _progressions(op, facts, _nonzero_offsets(op, axis))
        extra_nz = {c for row in facts.border_rows for c in row.entries}
    zero_columns = _uncovered(size, s, reach_nz, extra_nz, listed=0)
    zero_weight = zero_columns.count - unread.count
    first_kind, second_kind = (("empty_outputs", "zero_weight_outputs") if axis.transposed
                               else ("unread_inputs", "zero_weight_inputs"))
    out = []
    if unread.count:
        out.append(Statement(first_kind, {"count": unread.count, "first": unread.first}))
    if zero_weight:
        # read, but only by zero weights: in the union of all taps' reach, not the non-zero ones'
        first = _first_between(s, (reach_all, extra_all), (reach_nz, extra_nz), LISTED)
        out.append(Statement(second_kind, {"count": zero_weight, "first": first}))
    return out


#: Border lines examined one by one for zero lines (rows forward, columns transposed) at most;
#: beyond (no interior line and a huge n), the zero lines are not stated.
MAX_ZERO_LINE_SCAN = 100_000


def _zero_lines(op: Conv, facts: Facts) -> list[Statement]:
    """The other side of ``_untouched``: forward, the outputs that are zero rows (no tap lands,
    or only zero ones: ``empty_outputs`` / ``zero_weight_outputs``); transposed, the inputs that
    reach no output (``unread_inputs``) or only through zero taps (``zero_weight_inputs``).
    Only border lines can be empty; interior ones are zero only when every tap is."""
    axis = op.axes[0]
    K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
    interior = facts.interior
    every_zero = all(value == 0 for value in op.kernel)
    if axis.transposed:
        count, reach = axis.n, axis.output_length
        if interior is not None:  # only the border columns, never a loop over n
            outer: Any = list(range(interior[0])) + list(range(interior[1] + 1, count))
        elif count <= MAX_ZERO_LINE_SCAN:
            outer = range(count)
        else:
            return []
        empty, zero = [], []
        for j in outer:
            landed = [t for t in range(K) if 0 <= s * j + d * t - p < reach]
            if not landed:
                empty.append(j)
            elif all(op.kernel[_tap(axis, t)] == 0 for t in landed):
                zero.append(j)
        kinds = ("unread_inputs", "zero_weight_inputs")
    else:
        count = axis.output_length
        empty = [row.row for row in facts.border_rows
                 if all(hit.column is None for hit in row.hits)]
        zero = [row.row for row in facts.border_rows if not row.entries
                and any(hit.column is not None for hit in row.hits)]
        kinds = ("empty_outputs", "zero_weight_outputs")
    zero_count = len(zero)
    if every_zero and interior is not None:
        zero_count += interior[1] - interior[0] + 1
        zero = sorted(zero + list(range(interior[0], min(interior[1] + 1,
                                                          interior[0] + LISTED))))
    out = []
    if empty:
        out.append(Statement(kinds[0], {"count": len(empty), "first": tuple(empty[:LISTED])}))
    if zero_count:
        out.append(Statement(kinds[1], {"count": zero_count, "first": tuple(zero[:LISTED])}))
    return out


def _products(op: Conv, facts: Facts) -> Statement:
    axis = op.axes[0]
    n, m, K = axis.n, axis.output_length, axis.kernel_size
    if axis.transposed:
        ranges = _offset_ranges(axis, n, m)
        landed = sum(r[1] - r[0] + 1 for r in ranges.values() if r)
        lines, merged = n, 0
    else:
        lines = m
        if axis.padding_mode == "zeros":
            ranges = _offset_ranges(axis, m, n)
            landed, merged = sum(r[1] - r[0] + 1 for r in ranges.values() if r), 0
        else:
            landed = m * K
            merged = sum(sum(1 for h in row.hits if h.column is not None)
                         - len({h.column for h in row.hits if h.column is not None})
                         for row in facts.border_rows)
    total = lines * K
    nonzeros = facts.nonzeros
    return Statement("products_count", {
        "scatter": axis.transposed, "lines": lines, "per_line": K, "total": total,
        "dense": m * n, "kept": nonzeros, "cut": total - landed, "merged": merged,
        "zeroed": landed - merged - nonzeros})


def _band(op: Conv, facts: Facts) -> Statement:
    axis = op.axes[0]
    s = axis.stride
    interior = facts.interior
    nonzero = _nonzero_offsets(op, axis)
    d, p = axis.dilation, axis.pad_before
    border_set: set[int] = set()
    if interior is None:
        lines_set: set[int] = set()
        outer_count = axis.n if axis.transposed else axis.output_length
        for i in range(outer_count):
            for c in _outer_entries(op, i):
                lines_set.add(c - s * i)
        return Statement("band", {"axis": 0, "g": _g(axis), "first": None, "last": None,
                                  "lines": tuple(sorted(lines_set)), "border_lines": (),
                                  "span": _span(lines_set)})
    lines = {d * t - p for t in nonzero}
    if not axis.transposed:
        for row in facts.border_rows:
            border_set.update(c - s * row.row for c in row.entries)
    else:
        count = axis.n
        for j in list(range(interior[0])) + list(range(interior[1] + 1, count)):
            border_set.update(r - s * j for r in _outer_entries(op, j))
    return Statement("band", {"axis": 0, "g": _g(axis), "first": interior[0],
                              "last": interior[1], "lines": tuple(sorted(lines)),
                              "border_lines": tuple(sorted(border_set - lines)),
                              "span": _span(lines)})


def _span(lines: Any) -> tuple[int, int] | None:
    """The lines the band spans: from its first non-zero line to its last (a line that holds only
    zero-valued taps at either end is not part of it); None without a non-zero line."""
    return (min(lines), max(lines)) if lines else None


def _outer_entries(op: Conv, i: int) -> list[int]:
    """Non-zero entries of outer line i: columns of row i (forward), rows of column i
    (transposed)."""
    axis = op.axes[0]
    if not axis.transposed:
        return list(op.row(i))
    K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
    m = axis.output_length
    return [s * i + d * t - p for t in range(K)
            if 0 <= s * i + d * t - p < m and op.kernel[_tap(axis, t)] != 0]


def _cuts(op: Conv, rows: Any) -> list[int]:
    axis = op.axes[0]
    out = []
    for i in rows:
        count = axis.kernel_size - len(axis_taps(axis, i))
        if count <= 0:
            break
        out.append(count)
    return out


def _border_statements(op: Conv, facts: Facts) -> list[Statement]:
    axis = op.axes[0]
    g = _g(axis)
    out: list[Statement] = []
    if axis.transposed:
        # rows that a tap (zero-valued ones included) would reach from an input outside
        K, s, d, p, n = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before, axis.n
        top = bottom = both = 0
        for r in _transposed_candidates(axis):
            sources = [q for t in range(K) for q, rem in [divmod(r + p - d * t, s)] if rem == 0]
            low, high = any(q < 0 for q in sources), any(q >= n for q in sources)
            both += low and high
            top += low and not high
            bottom += high and not low
    else:
        m = axis.output_length
        top = sum(1 for row in facts.border_rows if row.side == "top")
        bottom = sum(1 for row in facts.border_rows if row.side == "bottom")
        both = sum(1 for row in facts.border_rows if row.side == "both")
    if top == 0 and bottom == 0 and both == 0:
        out.append(Statement("no_borders", {"axis": 0, "g": g}))
        return out
    # a row that touches both ends is counted once, as such (not once at each end)
    out.append(Statement("border_rows", {"axis": 0, "g": g, "top": top, "bottom": bottom,
                                         "both": both, "modulus": 1}))
    if not axis.transposed and axis.padding_mode == "zeros" and facts.interior is not None:
        out.append(Statement("cut_rows", {"axis": 0, "side": "top", "modulus": 1,
                                          "by_residue": {0: tuple(_cuts(op, range(m)))}}))
        out.append(Statement("cut_rows", {"axis": 0, "side": "bottom", "modulus": 1,
                                          "by_residue": {0: tuple(_cuts(op, range(m - 1, -1,
                                                                                   -1)))}}))
    return out


def _transposed_candidates(axis: Axis) -> list[int]:
    """Rows near the ends that may miss a contribution (O(K + p), independent of n)."""
    s, d, p = axis.stride, axis.dilation, axis.pad_before
    m = axis.output_length
    top = range(0, min(m, max(0, d * (axis.kernel_size - 1) - p)))
    bottom = range(max(0, s * (axis.n - 1) - p + 1), m)
    return sorted(set(top) | set(bottom))


def border_row_statement(op: Conv, row: Any) -> Statement:
    axis = op.axes[0]
    cut, folded, merged = [], [], []
    by_column: dict[Any, list[int]] = {}
    for hit in row.hits:
        if hit.column is None:
            cut.append((hit.tap, hit.position))
            continue
        by_column.setdefault(hit.column, []).append(hit.tap)
        if not axis.transposed and hit.column != hit.position:
            folded.append((hit.tap, hit.position, hit.column))
    for column, taps in by_column.items():
        if len(taps) > 1:
            merged.append((tuple(sorted(taps)), column))
    return Statement("border_row", {"g": _g(axis), "row": row.row, "entries": dict(row.entries),
                                    "cut": tuple(cut), "folded": tuple(folded),
                                    "merged": tuple(merged)})


def _sizes(op: Conv, facts: Facts) -> list[Statement]:
    axis = op.axes[0]
    g = _g(axis)
    out = [Statement("output_length", {"axis": 0, "length": facts.output_length})]
    if axis.transposed:
        q = axis.dilation * (axis.kernel_size - 1) - axis.pad_before
        out.append(Statement("crop", {"g": g, "full_length": facts.transposed["full_length"],
                                      "start": axis.pad_before,
                                      "end": axis.pad_before - axis.output_padding}))
        del q
    else:
        out.append(Statement("padding", {"axis": 0, "g": g, "before": axis.pad_before,
                                         "after": axis.pad_after}))
        word = axis.padding_word
        if word == "same":
            span = axis.dilation * (axis.kernel_size - 1)
            if op.symbolic:
                target, total = axis.n, span
            else:
                target = _ceil_div(axis.n, axis.stride)
                total = axis.pad_before + axis.pad_after
            out.append(Statement("same_padding", {
                "axis": 0, "K": axis.kernel_size, "s": axis.stride, "d": axis.dilation,
                "target": target, "total": total, "before": axis.pad_before,
                "after": axis.pad_after}))
        elif word == "full":
            out.append(Statement("full_overlap", {"axis": 0, "g": g}))
        elif word == "causal":
            out.append(_causality(op))
    out.append(Statement("receptive_field", {"axis": 0, "g": g,
                                             "size": axis.receptive_field}))
    return out


def _causality(op: Conv) -> Statement:
    """``causal`` when no row reads a later input, else ``later_inputs`` with those rows."""
    axis = op.axes[0]
    s, p = axis.stride, axis.pad_before
    later = []
    if not op.symbolic:
        # only rows whose window starts in the padding can fold onto later inputs
        for i in range(min(axis.output_length, _ceil_div(p, s) + 1)):
            # the inputs the row reads: non-zero entries (T6: not an input met only by a zero
            # tap, nor one whose folded taps cancel)
            columns = sorted(c for c in op.row(i) if c > s * i)
            if columns:
                later.append((i, tuple(columns)))
    if later:
        return Statement("later_inputs", {"axis": 0, "s": s, "rows": tuple(later)})
    return Statement("causal", {"axis": 0, "s": s})


def _structure(op: Conv, facts: Facts) -> list[Statement]:
    axis = op.axes[0]
    g = _g(axis)
    out: list[Statement] = [Statement("window", {"axis": 0, "g": g, "n": axis.n})]
    interior = facts.interior
    if interior is not None and interior[1] != interior[0]:
        out.append(Statement("shift", {"axis": 0, "g": g, "first": interior[0],
                                       "last": interior[1]}))
    if not op.symbolic:
        out.append(_band(op, facts))
    else:
        lines = {axis.dilation * t - axis.pad_before for t in _nonzero_offsets(op, axis)}
        out.append(Statement("band", {"axis": 0, "g": g, "first": interior[0],
                                      "last": interior[1], "lines": tuple(sorted(lines)),
                                      "border_lines": (), "span": _span(lines)}))
    absent = tuple(_tap(axis, t) for t in facts.absent_offsets)
    if absent:
        if axis.transposed or axis.padding_mode == "zeros":
            out.append(Statement("absent_taps", {"axis": 0, "taps": absent}))
        else:
            out.append(Statement("padding_only_taps", {"axis": 0, "g": g, "taps": absent}))
    if facts.zero_taps:
        out.append(Statement("zero_taps", {"taps": tuple(facts.zero_taps)}))
    if interior is not None:
        out.append(Statement("interior", {"axis": 0, "g": g, "first": interior[0],
                                          "last": interior[1],
                                          "per_line": facts.per_interior_line}))
        residues = _residues(op, facts) if axis.transposed else None
        if residues is not None:
            out.append(residues)
    else:
        out.append(Statement("no_interior", {"axis": 0, "g": g}))
    if facts.nonzeros is not None:
        out.append(Statement("nonzeros", {"count": facts.nonzeros}))
    return out


def _residues(op: Conv, facts: Facts) -> Statement:
    """Transposed: rows away from the borders and their contributions per residue mod s."""
    axis = op.axes[0]
    K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
    counts = tuple(facts.transposed["row_counts_by_residue"])
    first = max(0, d * (K - 1) - p)
    if op.symbolic:
        # rows up to s(n-1) - p, or to the last row m - 1 when that comes first
        last = (axis.n - 1) * s - p if p <= d * (K - 1) + axis.output_padding else \
            axis.output_length - 1
    else:
        last = min(axis.output_length - 1, s * (axis.n - 1) - p)
    if not op.symbolic and first > last:
        return None
    return Statement("residue_counts", {"axis": 0, "s": s, "first": first, "last": last,
                                        "counts": counts})


def _transposed(op: Conv, facts: Facts) -> list[Statement]:
    axis = op.axes[0]
    g = _g(axis)
    K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
    m = facts.output_length
    out = []
    forward_rows = facts.transposed["forward_output_length"]
    extra = sympy.expand(forward_rows - axis.n)
    if extra == 0:
        out.append(Statement("transpose_of_forward", {"g": g, "forward_n": m}))
    else:
        out.append(Statement("forward_transpose_columns", {
            "g": g, "forward_n": m, "forward_rows": forward_rows, "extra": int(extra)}))
    out.append(Statement("zero_insertion", {
        "g": g, "zeros_between": s - 1, "upsampled_length": facts.transposed["upsampled_length"],
        "pad_start": d * (K - 1) - p, "pad_end": d * (K - 1) - p + axis.output_padding}))
    return out


def _zero_insertion_products(op: Conv) -> Statement:
    axis = op.axes[0]
    n, m, K = axis.n, axis.output_length, axis.kernel_size
    ranges = _offset_ranges(axis, n, m)
    landed = sum(r[1] - r[0] + 1 for r in ranges.values() if r)
    return Statement("zero_insertion_products", {"total": m * K, "with_inputs": landed,
                                                 "with_zeros": m * K - landed})


def _shown_kernel(op: Conv) -> list[Statement]:
    """The numeric kernel, when the document prints its values."""
    if op._kernel_values is None:
        return []
    return [Statement("kernel_values", {"values": tuple(op.kernel)})]


def _shape(op: Conv) -> Statement:
    return Statement("shape", {"rows": op.shape[0], "cols": op.shape[1]})


def one_dimensional(op: Conv) -> list[Statement]:
    """The statements of a concrete 1-D, one-channel derivation, in document order."""
    if op.symbolic:
        return general(op)
    facts = structure_facts(op)
    out = _shown_kernel(op) + _sizes(op, facts) + [_shape(op)] + _structure(op, facts)
    out += _untouched(op, facts) + _zero_lines(op, facts)
    out.append(_products(op, facts))
    out += _border_statements(op, facts)
    out += [border_row_statement(op, row) for row in _shown(facts.border_rows)]
    if op.axes[0].transposed:
        out += _transposed(op, facts)
        out.append(_zero_insertion_products(op))
    return out


def _shown(rows: tuple) -> list:
    """The border rows a document lists (the first 3 and the last 3)."""
    if len(rows) > 6:
        return list(rows[:3]) + list(rows[-3:])
    return list(rows)


# --------------------------------------------------------------------------------------------
# 1-D, the general case
# --------------------------------------------------------------------------------------------


def _linear(op: Conv, value: Any, sizes: tuple[int, int]) -> Any:
    """The expression a*n + b through two stand-in values (exact when the quantity is linear
    in n from the bound on, which the instances then confirm)."""
    n = op.axes[0].n
    first, second = (value(op.replace(n=size)) for size in sizes)
    slope = sympy.Rational(second - first, sizes[1] - sizes[0])
    return sympy.expand(slope * n + first - slope * sizes[0])


def valid_from(op: Conv, facts: Facts | None = None) -> int:
    """The smallest n the general-case statements claim to hold for: where the borders are
    separate (``facts.valid_from``) and, transposed, some row lies away from both borders."""
    axis = op.axes[0]
    facts = facts or structure_facts(op)
    bound = facts.valid_from
    if axis.transposed:
        K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
        first = max(0, d * (K - 1) - p)
        bound = max(bound, _ceil_div(first + p, s) + 1)
    return bound


def general(op: Conv) -> list[Statement]:
    """The statements of the general case: parameters in n (and m), claimed for every
    n >= ``valid_from``."""
    axis = op.axes[0]
    g = _g(axis)
    facts = structure_facts(op)
    bound = valid_from(op, facts)
    out = [Statement("valid_from", {"g": g, "bound": bound})]
    out += _shown_kernel(op) + _sizes(op, facts) + [_shape(op)] + _structure(op, facts)
    size = _stand_in_size(axis)
    sizes = (size, size + axis.stride)
    linear_ok = axis.transposed or axis.stride == 1
    if linear_ok:
        concrete = one_dimensional(op.replace(n=size))
        products = next(st for st in concrete if st.kind == "products_count")
        params = {}
        for key in ("lines", "total", "dense", "kept", "cut", "merged", "zeroed"):
            params[key] = _linear(op, lambda c, key=key: _param(c, "products_count", key),
                                  sizes)
        params["dense"] = sympy.expand(axis.output_length * axis.n)
        out.append(Statement("products_count", {**dict(products.params), **params}))
    else:  # stride > 1: the products kept are not linear in n; the cost is
        lines = axis.n if axis.transposed else axis.output_length
        out.append(Statement("cost", {
            "scatter": axis.transposed, "lines": lines, "per_line": axis.kernel_size,
            "total": sympy.expand(lines * axis.kernel_size),
            "dense": sympy.expand(axis.output_length * axis.n)}))
    out += _general_borders(op, facts)
    out += [border_row_statement(op, row) for row in _shown(facts.border_rows)]
    if axis.transposed:
        out += _transposed(op, facts)
        with_inputs = _linear(op, lambda c: _param(c, "zero_insertion_products", "with_inputs"),
                              sizes)
        total = sympy.expand(axis.output_length * axis.kernel_size)
        out.append(Statement("zero_insertion_products", {
            "total": total, "with_inputs": with_inputs,
            "with_zeros": sympy.expand(total - with_inputs)}))
    return out


def _param(op: Conv, kind: str, key: str) -> Any:
    for statement in one_dimensional(op):
        if statement.kind == kind:
            return statement.params[key]
    raise KeyError(kind)


def _general_borders(op: Conv, facts: Facts) -> list[Statement]:
    """Border counts of the general case; the bottom may depend on n mod s (forward, s > 1)."""
    axis = op.axes[0]
    g = _g(axis)
    s = axis.stride
    modulus = 1 if axis.transposed else s
    base = _stand_in_size(axis)
    by_residue_rows: dict[int, int] = {}
    by_residue_cuts: dict[int, tuple[int, ...]] = {}
    top = top_cuts = None
    both = 0
    for rho in range(modulus):
        size = base + (rho - base) % modulus
        concrete = op.replace(n=size)
        concrete_facts = structure_facts(concrete)
        statements = _border_statements(concrete, concrete_facts)
        rows = next((st for st in statements if st.kind == "border_rows"), None)
        top = 0 if rows is None else rows.params["top"]
        by_residue_rows[rho] = 0 if rows is None else rows.params["bottom"]
        both = max(both, 0 if rows is None else rows.params["both"])
        cuts = [st for st in statements if st.kind == "cut_rows"]
        if not axis.transposed:
            m = concrete.output_length
            top_cuts = tuple(_cuts(concrete, range(m)))
            by_residue_cuts[rho] = tuple(_cuts(concrete, range(m - 1, -1, -1)))
        del cuts
    out: list[Statement] = []
    if top == 0 and not any(by_residue_rows.values()):
        return [Statement("no_borders", {"axis": 0, "g": g})]
    bottom: Any = by_residue_rows[0] if modulus == 1 else by_residue_rows
    # from the bound on the borders are separate: no row touches both ends
    out.append(Statement("border_rows", {"axis": 0, "g": g, "top": top, "bottom": bottom,
                                         "both": both, "modulus": modulus}))
    if not axis.transposed:
        out.append(Statement("cut_rows", {"axis": 0, "side": "top", "modulus": 1,
                                          "by_residue": {0: top_cuts}}))
        out.append(Statement("cut_rows", {"axis": 0, "side": "bottom", "modulus": modulus,
                                          "by_residue": by_residue_cuts}))
    return out
