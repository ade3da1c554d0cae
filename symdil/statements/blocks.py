"""Statements of an N-D and/or multi-channel derivation: sizes and windows per axis (read on the
axis' pattern), channel blocks, and the counts of the whole matrix."""

from __future__ import annotations

from typing import Any

from ..core.conv import Conv
from .base import Statement
from .build import _band, _g, _shown_kernel, _sizes, _tap
from .facts import (
    _slice_sum,
    axis_operator,
    block_facts,
    entry_groups,
    spatial_nonzeros,
    structure_facts,
)


def _prod(values: Any) -> int:
    out = 1
    for value in values:
        out *= value
    return out


def _axis_statements(op: Conv, a: int) -> list[Statement]:
    axis = op.axes[a]
    one = axis_operator(axis, axis.kernel_size)
    facts = structure_facts(one)
    out = []
    for statement in _sizes(one, facts):
        params = dict(statement.params)
        if "axis" in params:
            params["axis"] = a
        if statement.kind in ("crop", "causal", "later_inputs"):
            continue  # 1-D only (the whole 1-D pattern; N-D documents do not state causality)
        out.append(Statement(statement.kind, params))
    out.append(Statement("window", {"axis": a, "g": _g(axis)}))
    absent = tuple(_tap(axis, t) for t in facts.absent_offsets)
    if absent:
        if axis.transposed or axis.padding_mode == "zeros":
            out.append(Statement("absent_taps", {"axis": a, "taps": absent}))
        else:
            out.append(Statement("padding_only_taps", {"axis": a, "g": _g(axis), "taps": absent}))
    return out


def _products(op: Conv, nonzeros: int) -> Statement:
    landed = entries = 1
    for axis in op.axes:
        groups = entry_groups(axis)
        entries *= sum(count for count, _ in groups)
        landed *= sum(count * len(taps) for count, taps in groups)
    pairs = op.out_channels * (op.in_channels // op.groups)
    landed *= pairs
    entries *= pairs
    per_line = op.kernel_shape[1] * _prod(axis.kernel_size for axis in op.axes)
    lines = op.shape[1] if op.transposed else op.shape[0]
    total = lines * per_line
    return Statement("products_count", {
        "scatter": op.transposed, "lines": lines, "per_line": per_line, "total": total,
        "dense": op.shape[0] * op.shape[1], "kept": nonzeros, "cut": total - landed,
        "merged": landed - entries, "zeroed": entries - nonzeros})


def _level_statements(op: Conv, level: Any) -> list[Statement]:
    """The block lines of one level: whole lines, the band, short/folded/lacking lines, and the
    zero kernel slices."""
    axis = op.axes[level.axis]
    facts, lines = level.facts, level.lines
    interior = facts.interior
    out = []
    zero_kernel = _zero_kernel_slices(op, level.axis)
    if zero_kernel:
        out.append(Statement("zero_slices", {"axis": level.axis, "slices": zero_kernel}))
    empty = tuple(t for t in level.zero_slices if t not in zero_kernel)
    if empty:
        out.append(Statement("empty_slices", {"axis": level.axis, "slices": empty}))
    # the block lines, as in 1-D: those of the interior block rows, and those the folded blocks of
    # the border rows add (every block line when no block row is interior)
    band_lines, border = _block_lines(op, level)
    out.append(Statement("block_rows", {
        "axis": level.axis, "g": _g(axis), "per_line": lines.per_line,
        "first": None if interior is None else interior[0],
        "last": None if interior is None else interior[1],
        "lines": band_lines, "border_lines": border,
        "span": (min(band_lines), max(band_lines)) if band_lines else None,
        "short": tuple(lines.short),
        "folded": tuple(lines.folded), "lacking": tuple(lines.lacking),
        "zero_slices": tuple(level.zero_slices)}))
    return out


def _level_kernel(op: Conv, level_axis: int) -> tuple:
    """The kernel of T_{0,...,0} (``level_axis`` zeros) of channel pair (0, 0), flat."""
    kernel = tuple(op.kernel[:_prod(op.kernel_shape[2:])])  # channel pair (0, 0) comes first
    for axis in op.axes[:level_axis]:
        kernel = kernel[:len(kernel) // axis.kernel_size]
    return kernel


def _block_lines(op: Conv, level: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(lines, border_lines) of a block level, as in 1-D: the block lines of the interior block
    rows and those the border rows add -- every block line when no block row is interior.  A
    folded block is the sum of the kernel slices that land on it, and that sum can be zero
    (T3: the blocks of the border rows are read off the actual slices, not their labels)."""
    band = _band(level.pattern, level.facts).params
    axis = op.axes[level.axis]
    if axis.transposed or axis.padding_mode == "zeros":
        return tuple(band["lines"]), tuple(band["border_lines"])
    current = _level_kernel(op, level.axis)
    size = len(current) // axis.kernel_size
    inner_axes = op.axes[level.axis + 1:]
    found: set[int] = set()
    for row in level.facts.border_rows:
        by_column: dict[int, list[int]] = {}
        for hit in row.hits:
            if hit.column is not None:
                by_column.setdefault(hit.column, []).append(hit.tap)
        for column, taps in by_column.items():
            if spatial_nonzeros(inner_axes, _slice_sum(current, tuple(sorted(taps)), size)):
                found.add(column - axis.stride * row.row)
    if level.facts.interior is None:
        return tuple(sorted(found)), ()
    lines = tuple(band["lines"])
    return lines, tuple(sorted(found - set(lines)))


def _zero_kernel_slices(op: Conv, axis: int) -> tuple[int, ...]:
    """Kernel indices t along ``axis`` whose slice (earlier axes' indices 0, channel pair (0, 0))
    is all zero."""
    if op._kernel_values is None:
        return ()
    shape = op.kernel_shape
    size = _prod(shape[2:])
    zero: dict[int, bool] = {}
    for flat in range(size):  # channel pair (0, 0) comes first in the weight layout
        index = []
        rest = flat
        for extent in reversed(shape[2:]):
            rest, value = divmod(rest, extent)
            index.append(value)
        index.reverse()
        if any(v != 0 for v in index[:axis]):
            continue
        t = index[axis]
        zero[t] = zero.get(t, True) and op.kernel[flat] == 0
    return tuple(sorted(t for t, is_zero in zero.items() if is_zero))


def _offset_of_tap(axis: Any, tap: int) -> int:
    return axis.kernel_size - 1 - tap if axis.flip else tap


def _zero_kernel_blocks(op: Conv) -> int:
    """Linked channel pairs whose kernel is all zero (numeric kernels)."""
    if op._kernel_values is None:
        return 0
    size = _prod(op.kernel_shape[2:])
    count = 0
    for o in range(op.out_channels):
        for _, offset in op._channel_pairs(o):
            if all(value == 0 for value in op.kernel[offset:offset + size]):
                count += 1
    return count


def block_statements(op: Conv) -> list[Statement]:
    """The statements of an N-D and/or multi-channel operator (concrete sizes)."""
    facts = block_facts(op)
    out: list[Statement] = [Statement("definition", {
        "input_shape": tuple(op.input_shape), "output_shape": tuple(op.output_shape),
        "groups": op.groups, "axes": tuple(_g(axis) for axis in op.axes)})]
    out += _shown_kernel(op)
    out += [Statement("output_length", {"axis": a, "length": axis.output_length})
            for a, axis in enumerate(op.axes)]
    # an axis along which no tap lands makes M zero: nothing about the other axes shows in M
    if all(entry_groups(axis) for axis in op.axes):
        for a in range(op.ndim):
            out += [st for st in _axis_statements(op, a) if st.kind != "output_length"]
    out.append(Statement("shape", {"rows": facts.shape[0], "cols": facts.shape[1]}))
    # the block grid of each level, when its operator T_{0,...,0} shows in M (tap 0 lands along
    # every axis before it)
    visible = all(entry_groups(axis) for axis in op.axes)  # else M is zero
    for level in facts.levels if visible else ():
        earlier = op.axes[:level.axis]
        if all(_tap(axis, _offset_of_tap(axis, 0)) == 0 and _offset_of_tap(axis, 0) not in
               structure_facts(axis_operator(axis, axis.kernel_size)).absent_offsets
               for axis in earlier):
            out.append(Statement("nonzero_blocks", {"axis": level.axis,
                                                    "count": level.nonzero_blocks}))
            out += _level_statements(op, level)
    if not visible and facts.levels:
        # M is zero: its own grid (axis 0) still counts its blocks, all of them zero
        out.append(Statement("nonzero_blocks", {"axis": facts.levels[0].axis,
                                                "count": facts.levels[0].nonzero_blocks}))
    if facts.channels is not None:
        info = facts.channels
        zero_kernel = _zero_kernel_blocks(op)
        out.append(Statement("channel_blocks", {
            "grid": info.grid, "groups": op.groups, "transposed": op.transposed,
            "separated": info.separated_blocks, "zero_kernel": zero_kernel,
            "empty": info.zero_kernel_blocks - zero_kernel, "nonzero": info.nonzero_blocks}))
    if visible:
        out.append(_inner_band(op))
    # a level's taps that never land are said with its block lines; without them, not at all
    stated_levels = {st.params["axis"] for st in out if st.kind == "block_rows"}
    out = [st for st in out if st.kind not in ("absent_taps", "padding_only_taps")
           or st.params["axis"] == op.ndim - 1 or st.params["axis"] in stated_levels]
    out.append(Statement("nonzeros", {"count": facts.nonzeros}))
    out.append(_products(op, facts.nonzeros))
    return out


def _inner_band(op: Conv) -> Statement:
    """The band of the 1-D blocks along the last axis: where the taps land (zero-valued ones
    included, as the axis' pattern reads them), and the lines the folded entries of the border
    rows add."""
    a = op.ndim - 1
    axis = op.axes[a]
    one = axis_operator(axis, axis.kernel_size)
    params = dict(_band(one, structure_facts(one)).params)
    params["axis"] = a
    return Statement("band", params)
