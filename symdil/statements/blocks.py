"""Statements of an N-D and/or multi-channel derivation: sizes and windows per axis (read on the
axis' pattern), channel blocks, and the counts of the whole matrix."""

from __future__ import annotations

from typing import Any

from ..core.conv import Conv
from .base import Statement
from .build import _g, _sizes, _tap
from .facts import axis_operator, block_facts, entry_groups, structure_facts


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
        if statement.kind in ("crop",):
            continue  # 1-D only (reads the whole 1-D pattern)
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
    out.append(Statement("block_rows", {
        "axis": level.axis, "g": _g(axis), "per_line": lines.per_line,
        "first": None if interior is None else interior[0],
        "last": None if interior is None else interior[1],
        "lines": tuple(facts.band_lines), "short": tuple(lines.short),
        "folded": tuple(lines.folded), "lacking": tuple(lines.lacking),
        "zero_slices": tuple(level.zero_slices)}))
    return out


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
    out: list[Statement] = [Statement("output_length", {"axis": a, "length": axis.output_length})
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
    if facts.channels is not None:
        info = facts.channels
        zero_kernel = _zero_kernel_blocks(op)
        out.append(Statement("channel_blocks", {
            "grid": info.grid, "groups": op.groups, "transposed": op.transposed,
            "separated": info.separated_blocks, "zero_kernel": zero_kernel,
            "empty": info.zero_kernel_blocks - zero_kernel, "nonzero": info.nonzero_blocks}))
    out.append(Statement("nonzeros", {"count": facts.nonzeros}))
    out.append(_products(op, facts.nonzeros))
    return out
