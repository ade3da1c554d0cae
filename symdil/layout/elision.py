"""Elision: which rows and columns of an operator matrix are shown.

A matrix larger than the limits is elided (first rows/columns, the last row, the last columns,
an ellipsis between; every row and column of the budget is used) and only its visible entries are
built, through ``Conv.row`` (local, O(K) per row), so the cost does not depend on n.  ``Layout``
is what ``matrix_layout`` decides; ``PartitionedLayout`` the same for N-D and channel operators,
level by level.  The text, LaTeX, HTML and figure writers all read these records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ..render.printer import general_symbol

#: Default limits of every printed matrix -- ``matrix`` (text, LaTeX, HTML), ``derive``,
#: ``figure --kind matrix``, 1-D and N-D alike (``--max-rows``/``--max-cols``, counting the
#: ellipses).  The width decides the rest: a matrix within the limits that does not fit the
#: line gives up columns until it does (``layout.matrices``), so a 4 x 16 matrix is whole on a
#: page and elided in a column.
DEFAULT_MAX_ROWS = 16
DEFAULT_MAX_COLS = 16

MARKER = None  # an elided stretch of rows or columns


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

    def columns(rows: list, ends: int | None) -> list | None:
        """Whole bands (``ends`` None) or the first and last ``ends`` columns of each band; None
        when a whole band is wider than the limit (it cannot fit, and listing it would cost its
        width: a circular row spans all n columns, a 3-D row about two planes)."""
        wanted = {0, n_cols - 1}
        for r in rows:
            if r is MARKER:
                continue
            band = _band(entries(r))
            if ends is None and band.stop - band.start > col_limit:
                return None
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
    # at least the first two rows (the shift) and the last row whenever they fit; then the
    # first two rows; then the first and the last; then the first alone
    many = [rows for rows in with_last if len(rows) > 3] + [
        rows for rows in without_last if len(rows) > 3]
    few = ([rows for rows in without_last if len(rows) == 3]
           + [rows for rows in with_last if len(rows) <= 3]
           + [rows for rows in without_last if len(rows) < 3])
    candidates = whole + many + few
    if n_cols < col_limit + MIN_HIDDEN:
        return candidates[0], list(range(n_cols))
    for rows in candidates:
        cols = columns(rows, None)
        if cols is not None and len(cols) <= col_limit:
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
    from ..statements.facts import (
        general_tail_rows,  # facts knows the geometry of the bottom border
    )

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


# --------------------------------------------------------------------------------------------
# Partitioned matrices (N-D and channels): blocks separated by lines
# --------------------------------------------------------------------------------------------
#
# The rows of an N-D operator are indexed by (output channel, i_0, ..., i_{D-1}) and its columns
# by (input channel, j_0, ..., j_{D-1}), flattened row-major.  Each index is a *level*; every
# level but the last groups consecutive rows/columns into blocks.  A *slot* is a visible row or
# column: a full index tuple, or a prefix ending in MARKER (an elided stretch at that level).

#: Visible rows/columns of a partitioned matrix (counting ellipses): the same defaults.
PARTITION_MAX_ROWS = DEFAULT_MAX_ROWS
PARTITION_MAX_COLS = DEFAULT_MAX_COLS


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


def flat_lines(indices: Sequence[Any], sizes: Sequence[int]) -> tuple[int, ...]:
    """The block lines (0, 1 or 2, as ``PartitionedLayout``'s) between consecutive visible flat
    rows or columns of a partitioned matrix whose levels have ``sizes``: a line where two
    neighbours lie in different blocks, none next to an ellipsis (MARKER)."""
    levels = len(sizes)
    deepest = levels - 2
    out = []
    for previous, current in zip(indices, indices[1:]):
        if previous is MARKER or current is MARKER:
            out.append(0)
            continue
        level = _boundary(_unravel(previous, sizes), _unravel(current, sizes), levels)
        out.append(0 if level is None else (1 if level >= deepest else 2))
    return tuple(out)


def _unravel(flat: int, sizes: Sequence[int]) -> tuple[int, ...]:
    index = []
    for size in reversed(sizes):
        flat, rest = divmod(flat, size)
        index.append(rest)
    return tuple(reversed(index))
