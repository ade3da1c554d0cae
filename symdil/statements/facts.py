"""Structural facts of an operator as plain data (no strings of LaTeX).

``basic_facts`` feeds ``symdil matrix --format json``. ``structure_facts`` feeds the derivation:
every sentence of the document about zero diagonals, row starts, non-zeros per row, costs and
border rows is a field computed here from the operator's geometry (``Conv.axes``) and its local
rows (``Conv.row``), never from a full matrix, so it costs the same for n = 16 and n = 1,000,000.
The tests compare each field with counts taken from the built matrix.

``block_facts`` does the same for N-D operators and channels: the (output, input) channel blocks,
and per axis the block grid whose blocks are the operators of single kernel slices (see the
section "N-D and channels" below).

Vocabulary (1-D, one channel):

* forward: output row ``i`` reads padded positions ``s*i + d*t - p_before`` (window offset ``t``);
  an entry at column ``c`` of row ``i`` lies on the *line* ``c - s*i`` (a diagonal when s = 1).
* transposed: input column ``j`` writes rows ``s*j + d*t - p``; its entries lie on the lines
  ``r - s*j``.  Row/column roles swap: the "window" of a column is the rows it writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy

from ..core.conv import Conv
from ..core.operator import fold_index
from ..core.spec import Axis, SymdilError, make_axis


def basic_facts(op: Conv) -> dict[str, Any]:
    """The facts of ``symdil matrix --format json``.

    1-D: ``output_length``, ``padding`` [before, after], ``receptive_field``,
    ``zero_diagonals_between_taps`` (d-1), ``nonzeros``.  N-D: the per-axis ones become lists.
    """
    per_axis = {
        "output_length": [axis.output_length for axis in op.axes],
        "padding": [[axis.pad_before, axis.pad_after] for axis in op.axes],
        "receptive_field": [axis.receptive_field for axis in op.axes],
        "zero_diagonals_between_taps": [axis.dilation - 1 for axis in op.axes],
    }
    if op.ndim == 1:
        per_axis = {key: value[0] for key, value in per_axis.items()}
    return {**per_axis, "nonzeros": op.nonzeros}


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TapHit:
    """One kernel tap of a border row's window.

    ``offset`` is t (0..K-1, position in the window), ``tap`` the kernel index that multiplies it
    (K-1-t with ``flip``), ``position`` the padded-input position it meets (forward) or the input
    index it comes from (transposed; may lie outside the input), ``column`` the input column it
    actually reads (None: zero padding, the tap is cut).
    """

    offset: int
    tap: int
    position: Any
    column: Any


@dataclass(frozen=True)
class BorderRow:
    """An output row touched by the borders; ``entries`` is exactly the matrix row (col -> coef).

    ``row`` is an int, or in the general case a SymPy expression in m (``m - 1``); columns and
    positions are then expressions in n.
    """

    row: Any
    side: str  # "top", "bottom" or "both"
    hits: tuple[TapHit, ...]
    entries: dict


@dataclass(frozen=True)
class Untouched:
    """Columns never read (forward) / rows never written (transposed): count and first few."""

    count: int
    first: tuple[int, ...]


@dataclass(frozen=True)
class Facts:
    """What the derivation states about a 1-D, one-channel operator.  See the module docstring."""

    axis: Axis
    symbolic: bool
    output_length: Any
    receptive_field: int
    kernel_size: int
    stride: int
    dilation: int
    # band
    nonzero_taps: tuple[int, ...]  # kernel indices whose value is not 0
    zero_taps: tuple[int, ...]  # kernel indices whose value is 0 (numeric kernels)
    absent_offsets: tuple[int, ...]  # window offsets t that never meet an input sample
    band_lines: tuple[int, ...]  # occupied lines (c - s*i forward, r - s*j transposed), sorted
    band_width: int  # lines spanned from the first to the last occupied line
    regular_band: bool  # every tap present and non-zero: lines exactly d apart
    line_start: int  # forward: row i starts at column s*i + line_start (= -p_before)
    interior: tuple[Any, Any] | None  # first/last interior row (forward) or column (transposed)
    per_interior_line: int  # non-zeros of an interior row (forward) / column (transposed)
    nonzeros: Any  # of the whole matrix (None in the general case when it depends on n mod s)
    gather_multiplications: Any  # forward m*K; transposed (scatter) n*K
    dense_multiplications: Any  # m*n
    border_rows: tuple[BorderRow, ...]
    untouched: Untouched | None
    valid_from: int | None  # general case: the facts hold for every n >= valid_from
    padding: dict = field(default_factory=dict)  # why this padding (words same/full/causal)
    transposed: dict = field(default_factory=dict)  # transposed-only facts


# --------------------------------------------------------------------------------------------
# Helpers: arithmetic progressions and intervals (O(K), independent of n)
# --------------------------------------------------------------------------------------------


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def _clamped(lo: int, hi: int, lo_bound: int, hi_bound: int) -> tuple[int, int] | None:
    lo, hi = max(lo, lo_bound), min(hi, hi_bound)
    return (lo, hi) if lo <= hi else None


def _merged_spans(step: int, progressions: list[tuple[int, int]],
                  extra: set[int]) -> dict[int, list[list[int]]]:
    """The union of progressions ``(start, count)`` with ``step`` and of ``extra``, per residue
    class modulo ``step``: sorted disjoint quotient intervals ``[lo, hi]`` (member = residue +
    q * step)."""
    by_residue: dict[int, list[tuple[int, int]]] = {}
    for start, count in progressions:
        if count <= 0:
            continue
        residue, q = start % step, start // step
        by_residue.setdefault(residue, []).append((q, q + count - 1))
    for value in extra:
        by_residue.setdefault(value % step, []).append((value // step, value // step))
    merged: dict[int, list[list[int]]] = {}
    for residue, spans in by_residue.items():
        spans.sort()
        out: list[list[int]] = []
        for lo, hi in spans:
            if out and lo <= out[-1][1] + 1:
                out[-1][1] = max(out[-1][1], hi)
            else:
                out.append([lo, hi])
        merged[residue] = out
    return merged


def _first_between(step: int, outer: tuple[list[tuple[int, int]], set[int]],
                   inner: tuple[list[tuple[int, int]], set[int]], listed: int) -> tuple[int, ...]:
    """The first ``listed`` members of the union ``outer`` (progressions, extra) that are not in
    the union ``inner``: interval differences per residue class, O(intervals * listed) -- never
    a walk over the members in between (at n = 10**12 with stride 1,000 those are ~n)."""
    outer_spans = _merged_spans(step, *outer)
    inner_spans = _merged_spans(step, *inner)
    found: list[int] = []
    for residue, spans in outer_spans.items():
        holes = inner_spans.get(residue, [])
        taken = 0
        for lo, hi in spans:
            q = lo
            for hole_lo, hole_hi in holes:
                if taken >= listed or q > hi:
                    break
                if hole_hi < q:
                    continue
                while q < min(hole_lo, hi + 1) and taken < listed:
                    found.append(residue + q * step)
                    q += 1
                    taken += 1
                q = max(q, hole_hi + 1)
            while q <= hi and taken < listed:
                found.append(residue + q * step)
                q += 1
                taken += 1
    return tuple(sorted(found)[:listed])


def _uncovered(size: int, step: int, progressions: list[tuple[int, int]],
               extra: set[int], listed: int = 4) -> Untouched:
    """Members of range(size) not in any progression ``start, start+step, …`` (``(start, count)``)
    nor in ``extra``; counted by merging intervals per residue class."""
    merged = _merged_spans(step, progressions, extra)
    covered = sum(hi - lo + 1 for spans in merged.values() for lo, hi in spans)
    count = size - covered
    first: list[int] = []
    if count:
        candidates: list[int] = []
        # residue classes without any progression: their first member is the residue itself
        residue = 0
        found = 0
        while residue < min(step, size) and found < listed:
            if residue not in merged:
                candidates.extend(range(residue, min(size, residue + listed * step), step))
                found += 1
            residue += 1
        for residue, spans in merged.items():
            top = (size - 1 - residue) // step  # last quotient of this class inside range(size)
            q = 0
            taken = 0
            for lo, hi in spans:
                while q < lo and q <= top and taken < listed:
                    candidates.append(residue + q * step)
                    q += 1
                    taken += 1
                q = max(q, hi + 1)
            while q <= top and taken < listed:
                candidates.append(residue + q * step)
                q += 1
                taken += 1
        first = sorted(candidates)[:listed]
    return Untouched(count, tuple(first))


def _padding_reason(axis: Axis) -> dict[str, Any]:
    """Why the padding has its value (for the padding words), as numbers."""
    word = axis.padding_word
    span_minus_one = axis.dilation * (axis.kernel_size - 1)
    info: dict[str, Any] = {"word": word, "before": axis.pad_before, "after": axis.pad_after,
                            "span_minus_one": span_minus_one}
    if word == "same" and not axis.symbolic:
        target = _ceil_div(axis.n, axis.stride)
        info.update(target=target,
                    total=axis.pad_before + axis.pad_after,
                    raw_total=(target - 1) * axis.stride + span_minus_one + 1 - axis.n)
    return info


# --------------------------------------------------------------------------------------------
# Forward
# --------------------------------------------------------------------------------------------


def _kernel_split(op: Conv) -> tuple[tuple[int, ...], tuple[int, ...]]:
    zero = tuple(t for t, value in enumerate(op.kernel) if value == 0)
    nonzero = tuple(t for t in range(len(op.kernel)) if t not in zero)
    return nonzero, zero


def _tap_of(axis: Axis, offset: int) -> int:
    return axis.kernel_size - 1 - offset if axis.flip else offset


def _nonzero_offsets(op: Conv, axis: Axis) -> list[int]:
    """Window offsets t (ascending) whose tap (after ``flip``) is not a numeric zero."""
    nonzero, _ = _kernel_split(op)
    return [t for t in range(axis.kernel_size) if _tap_of(axis, t) in nonzero]


def _band(axis: Axis, offsets: list[int], reach: int, lines_count: int) -> tuple[dict, tuple, Any]:
    """The band of a 1-D operator, read along its lines (forward: rows, transposed: columns).

    Line i's offset-t entry sits at position s*i + d*t - p, which must lie in [0, reach - 1]
    (forward: inside the input, reach = n; transposed: inside the output, reach = m).  Returns
    ``ranges`` (offset t -> the lines (lo, hi) where it lands, or None), the diagonals ``lines``
    (d*t - p of the landing non-zero offsets, sorted) and ``interior`` (the lines where every
    offset lands, or None)."""
    K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
    last_line = lines_count - 1
    ranges = {
        t: _clamped(_ceil_div(p - d * t, s), (reach - 1 + p - d * t) // s, 0, last_line)
        for t in range(K)
    }
    lines = tuple(sorted(d * t - p for t in offsets if ranges[t] is not None))
    interior = _clamped(_ceil_div(p, s), (reach - 1 + p - d * (K - 1)) // s, 0, last_line)
    return ranges, lines, interior


def _forward_hits(axis: Axis, i: int) -> tuple[TapHit, ...]:
    s, d, p = axis.stride, axis.dilation, axis.pad_before
    hits = []
    for t in range(axis.kernel_size):
        position = s * i + d * t - p
        hits.append(TapHit(t, _tap_of(axis, t), position, fold_index(axis, position)))
    return tuple(hits)


def _forward_facts(op: Conv) -> Facts:
    axis = op.axes[0]
    n, K, s, d, p = axis.n, axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
    m = axis.output_length
    nonzero, zero = _kernel_split(op)
    nonzero_offsets = set(_nonzero_offsets(op, axis))
    # rows where window offset t meets the input itself: s*i + d*t - p in [0, n-1]
    ranges, lines, interior = _band(axis, sorted(nonzero_offsets), n, m)
    interior_count = 0 if interior is None else interior[1] - interior[0] + 1
    border = []
    if interior is None:
        border_indices: Any = range(m)
    else:
        border_indices = list(range(interior[0])) + list(range(interior[1] + 1, m))
    for i in border_indices:
        hits = _forward_hits(axis, i)
        outside = [h for h in hits if not 0 <= h.position < n]
        side = ("both" if outside[0].position < 0 and outside[-1].position >= n
                else "top" if outside[0].position < 0 else "bottom")
        border.append(BorderRow(i, side, hits, op.row(i)))
    per_row = len(nonzero_offsets)
    nonzeros = interior_count * per_row + sum(len(row.entries) for row in border)
    # columns read: interior rows give progressions (step s); border rows give explicit columns
    progressions = [(s * interior[0] + d * t - p, interior_count) for t in sorted(nonzero_offsets)
                    ] if interior is not None else []
    extra = {c for row in border for c in row.entries}
    untouched = _uncovered(n, s, progressions, extra)
    return Facts(
        axis=axis, symbolic=False, output_length=m, receptive_field=axis.receptive_field,
        kernel_size=K, stride=s, dilation=d, nonzero_taps=nonzero, zero_taps=zero,
        absent_offsets=tuple(t for t in range(K) if ranges[t] is None), band_lines=lines,
        band_width=(lines[-1] - lines[0] + 1) if lines else 0,
        regular_band=len(lines) == K, line_start=-p, interior=interior,
        per_interior_line=per_row, nonzeros=nonzeros, gather_multiplications=m * K,
        dense_multiplications=m * n, border_rows=tuple(border), untouched=untouched,
        valid_from=None, padding=_padding_reason(axis),
    )


# --------------------------------------------------------------------------------------------
# Transposed
# --------------------------------------------------------------------------------------------


def _transposed_hits(axis: Axis, r: int) -> tuple[TapHit, ...]:
    """Taps whose scatter lands on output row r: (r + p - d*t) divisible by s."""
    s, d, p, n = axis.stride, axis.dilation, axis.pad_before, axis.n
    hits = []
    for t in range(axis.kernel_size):
        q, rem = divmod(r + p - d * t, s)
        if rem == 0:
            inside = q >= 0 and (axis.symbolic or q < n)
            hits.append(TapHit(t, _tap_of(axis, t), q, q if inside else None))
    return tuple(hits)


def _transposed_shared(op: Conv, axis: Axis) -> dict[str, Any]:
    s, d, p, K = axis.stride, axis.dilation, axis.pad_before, axis.kernel_size
    m = axis.output_length
    forward = make_axis(m, K, s, d, p, "zeros", axis.flip, False, 0)
    nonzero_offsets = _nonzero_offsets(op, axis)
    counts = [sum(1 for t in nonzero_offsets if (rho + p - d * t) % s == 0) for rho in range(s)]
    return {
        "zeros_between_inputs": s - 1,
        "upsampled_length": (axis.n - 1) * s + 1,
        "equivalent_padding": d * (K - 1) - p,  # negative: crop instead of pad
        "extra_after": axis.output_padding,
        "zero_insertion_multiplications": m * K,
        "forward_output_length": forward.output_length,  # rows of C (C^T has that many columns)
        "transpose_of_forward": forward.output_length == axis.n,
        "row_counts_by_residue": tuple(counts),
        "full_length": (axis.n - 1) * s + d * (K - 1) + 1,
    }


def _transposed_facts(op: Conv) -> Facts:
    axis = op.axes[0]
    n, K, s, d, p = axis.n, axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
    m = axis.output_length
    nonzero, zero = _kernel_split(op)
    nonzero_offsets = set(_nonzero_offsets(op, axis))
    # columns j whose offset-t entry s*j + d*t - p lands in [0, m-1]
    ranges, lines, interior = _band(axis, sorted(nonzero_offsets), m, n)
    nonzeros = sum(ranges[t][1] - ranges[t][0] + 1 for t in nonzero_offsets
                   if ranges[t] is not None)
    border = []
    for r in _transposed_border_candidates(axis):
        hits = _transposed_hits(axis, r)
        cut = [h for h in hits if h.column is None]
        if not cut:
            continue
        low = any(h.position < 0 for h in cut)
        high = any(h.position >= n for h in cut)
        side = "both" if low and high else "top" if low else "bottom"
        border.append(BorderRow(r, side, hits, op.row(r)))
    progressions = [(s * ranges[t][0] + d * t - p, ranges[t][1] - ranges[t][0] + 1)
                    for t in sorted(nonzero_offsets) if ranges[t] is not None]
    untouched = _uncovered(m, s, progressions, set())
    return Facts(
        axis=axis, symbolic=False, output_length=m, receptive_field=axis.receptive_field,
        kernel_size=K, stride=s, dilation=d, nonzero_taps=nonzero, zero_taps=zero,
        absent_offsets=tuple(t for t in range(K) if ranges[t] is None), band_lines=lines,
        band_width=(lines[-1] - lines[0] + 1) if lines else 0,
        regular_band=len(lines) == K, line_start=-p, interior=interior,
        per_interior_line=len(nonzero_offsets), nonzeros=nonzeros,
        gather_multiplications=n * K, dense_multiplications=m * n,
        border_rows=tuple(border), untouched=untouched, valid_from=None,
        padding=_padding_reason(axis), transposed=_transposed_shared(op, axis),
    )


def _transposed_border_candidates(axis: Axis) -> list[int]:
    """Rows that may miss a contribution: near the top (r < d(K-1) - p) or below s(n-1) - p."""
    s, d, p = axis.stride, axis.dilation, axis.pad_before
    m = axis.output_length
    top = range(0, min(m, max(0, d * (axis.kernel_size - 1) - p)))
    bottom = range(max(0, s * (axis.n - 1) - p + 1), m)
    return sorted(set(top) | set(bottom))


@dataclass(frozen=True)
class BorderLines:
    """Which lines of a concrete 1-D, one-channel operator its borders change, as sorted indices.

    The *outer* lines are the ones a window slides along: rows (forward), columns (transposed).
    ``per_line`` is what a whole outer line holds: one non-zero entry per non-zero tap.

    * ``short``: outer lines with fewer non-zero entries than ``per_line`` -- forward with zero
      padding, a non-zero tap meets a padding sample and is cut; transposed, a non-zero tap would
      land outside the output and is cropped.  (Forward with another padding mode: empty.)
    * ``folded``: forward with a padding mode other than zeros: rows where a non-zero tap lands on
      padding and is folded back onto the input.
    * ``lacking``: transposed: rows that a non-zero tap would reach from an input outside
      ``0 .. n-1``, which does not exist (the contribution is missing).

    Only lines near the borders are examined (O(K + p) of them), never the whole matrix.
    """

    outer_count: int  # m (forward) / n (transposed)
    inner_count: int  # n (forward) / m (transposed)
    per_line: int
    all_outer_interior: bool  # every outer line is whole (no outer line touches a border)
    short: tuple[int, ...]
    folded: tuple[int, ...]
    lacking: tuple[int, ...]


def border_lines(op: Conv) -> BorderLines:
    """The ``BorderLines`` of a concrete 1-D, one-channel operator (see its docstring)."""
    if op.symbolic or op.ndim != 1 or op.in_channels != 1 or op.out_channels != 1:
        raise SymdilError("border_lines needs a concrete 1-D operator with one channel")
    axis = op.axes[0]
    n, K, s, d, p = axis.n, axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
    m = axis.output_length
    offsets = _nonzero_offsets(op, axis)
    short: list[int] = []
    folded: list[int] = []
    lacking: list[int] = []
    if not axis.transposed:
        interior = _clamped(_ceil_div(p, s), (n - 1 + p - d * (K - 1)) // s, 0, m - 1)
        for i in _outside(interior, m):
            if any(not 0 <= s * i + d * t - p < n for t in offsets):
                (short if axis.padding_mode == "zeros" else folded).append(i)
        return BorderLines(m, n, len(offsets), interior == (0, m - 1), tuple(short),
                           tuple(folded), ())
    interior = _clamped(_ceil_div(p, s), (m - 1 + p - d * (K - 1)) // s, 0, n - 1)
    for j in _outside(interior, n):
        if any(not 0 <= s * j + d * t - p < m for t in offsets):
            short.append(j)
    for r in _transposed_border_candidates(axis):
        for t in offsets:
            q, rem = divmod(r + p - d * t, s)
            if rem == 0 and not 0 <= q < n:
                lacking.append(r)
                break
    return BorderLines(n, m, len(offsets), interior == (0, n - 1), tuple(short), tuple(folded),
                       tuple(lacking))


def _outside(interior: tuple[int, int] | None, count: int) -> list[int]:
    """The lines of range(count) outside the interior range (all of them without one)."""
    if interior is None:
        return list(range(count))
    return list(range(interior[0])) + list(range(interior[1] + 1, count))


# --------------------------------------------------------------------------------------------
# The general case (symbolic n)
# --------------------------------------------------------------------------------------------


def _stand_in_size(axis: Axis) -> int:
    """A concrete n far above where the borders separate (for reading off the border rows)."""
    span = axis.dilation * (axis.kernel_size - 1) + 1
    return 4 * (span + axis.pad_before + axis.pad_after + 2) * axis.stride + 8


def _separation_size(op: Conv) -> int:
    """The smallest n from which the top border, an interior and the bottom border are separate
    and keep their shape, so that the general-case statements hold for every larger n."""
    axis = op.axes[0]
    s, d, p, K = axis.stride, axis.dilation, axis.pad_before, axis.kernel_size
    if not axis.transposed:
        # interior rows exist (first interior row ceil(p/s) reads up to position n-1); then the
        # top rows never reach the end and the bottom rows never reach the start
        return s * _ceil_div(p, s) - p + d * (K - 1) + 1
    top = _stand_in_size(axis)
    reference = _border_signature(op, top)
    signatures: dict[int, Any] = {}

    def signature(size: int) -> Any:
        if size not in signatures:
            signatures[size] = _border_signature(op, size)
        return signatures[size]

    for size in range(1, top + 1):
        if all(signature(candidate) == reference
               for candidate in range(size, min(size + s + 1, top + 1))):
            return size
    return top


def _border_signature(op: Conv, size: int) -> Any:
    """Border rows of the concrete operator of length ``size``: top ones as they are, bottom ones
    relative to the end (row - m, column - n)."""
    try:
        concrete = op.replace(n=size)
    except SymdilError:
        return None
    facts = structure_facts(concrete)
    if facts.interior is None:
        return None
    m = facts.output_length
    rows = []
    for row in facts.border_rows:
        if row.side == "both":
            return None
        if row.side == "top":
            rows.append(("top", row.row, tuple(sorted(row.entries.items()))))
        else:
            rows.append(("bottom", row.row - m, tuple((c - size, v) for c, v in
                                                       sorted(row.entries.items()))))
    return tuple(rows)


def general_tail_rows(op: Conv, count: int) -> list[tuple[int, dict[int, Any]]] | None:
    """The last ``count`` rows of a general-case operator as (row - m, {column - n: coefficient}),
    read off a concrete stand-in; None when they depend on n modulo the stride (forward, s > 1)."""
    axis = op.axes[0]
    if not axis.transposed and axis.stride > 1:
        return None
    size = _stand_in_size(axis)
    concrete = op.replace(n=size)
    m = concrete.output_length
    tail = []
    for back in range(min(count, m), 0, -1):
        entries = concrete.row(m - back)
        tail.append((-back, {c - size: v for c, v in entries.items()}))
    return tail


def _general_facts(op: Conv) -> Facts:
    axis = op.axes[0]
    n_symbol = axis.n
    m_symbol = sympy.Symbol("m", integer=True, positive=True)
    size = _stand_in_size(axis)
    concrete = structure_facts(op.replace(n=size))
    m_concrete = concrete.output_length
    bottom_known = axis.transposed or axis.stride == 1
    border = []
    for row in concrete.border_rows:
        if row.side == "top":
            border.append(row)
        elif bottom_known:
            shift = lambda value: None if value is None else n_symbol + (value - size)  # noqa: E731
            hits = tuple(TapHit(h.offset, h.tap, n_symbol + (h.position - size), shift(h.column))
                         for h in row.hits)
            entries = {n_symbol + (c - size): v for c, v in row.entries.items()}
            border.append(BorderRow(m_symbol + (row.row - m_concrete), row.side, hits, entries))
    m_expr = axis.output_length
    interior = None
    if concrete.interior is not None:
        first, last = concrete.interior
        s, d, p, K = axis.stride, axis.dilation, axis.pad_before, axis.kernel_size
        if axis.transposed:
            last_general = n_symbol + (last - size)
        else:
            last_general = sympy.floor((n_symbol - 1 + p - d * (K - 1)) / sympy.Integer(s))
        interior = (first, last_general)
    nonzeros = None
    if bottom_known:
        deficit = concrete.per_interior_line * (
            concrete.axis.n if axis.transposed else m_concrete) - concrete.nonzeros
        lines_count = n_symbol if axis.transposed else m_expr
        nonzeros = sympy.expand(concrete.per_interior_line * lines_count - deficit)
    K = axis.kernel_size
    transposed = {}
    if axis.transposed:
        s, d, p = axis.stride, axis.dilation, axis.pad_before
        transposed = dict(concrete.transposed)
        transposed.update(
            upsampled_length=(n_symbol - 1) * s + 1,
            zero_insertion_multiplications=m_expr * K,
            forward_output_length=n_symbol + (axis.output_padding // s),
            transpose_of_forward=axis.output_padding < s,
            full_length=(n_symbol - 1) * s + d * (K - 1) + 1,
        )
        del p
    return Facts(
        axis=axis, symbolic=True, output_length=m_expr, receptive_field=axis.receptive_field,
        kernel_size=K, stride=axis.stride, dilation=axis.dilation,
        nonzero_taps=concrete.nonzero_taps, zero_taps=concrete.zero_taps,
        absent_offsets=(), band_lines=concrete.band_lines, band_width=concrete.band_width,
        regular_band=concrete.regular_band, line_start=concrete.line_start, interior=interior,
        per_interior_line=concrete.per_interior_line, nonzeros=nonzeros,
        gather_multiplications=(n_symbol if axis.transposed else m_expr) * K,
        dense_multiplications=m_expr * n_symbol, border_rows=tuple(border), untouched=None,
        valid_from=_separation_size(op), padding=_padding_reason(axis), transposed=transposed,
    )


def structure_facts(op: Conv) -> Facts:
    """The structural facts of a 1-D, one-channel operator (concrete or general case)."""
    if op.ndim != 1 or op.in_channels != 1 or op.out_channels != 1:
        raise SymdilError(
            "derivations cover 1-D convolutions with one channel for now, got "
            f"ndim={op.ndim}, in_channels={op.in_channels}, out_channels={op.out_channels}"
        )
    if op.symbolic:
        return _general_facts(op)
    if op.axes[0].transposed:
        return _transposed_facts(op)
    return _forward_facts(op)


# --------------------------------------------------------------------------------------------
# N-D and channels: the block structure
# --------------------------------------------------------------------------------------------
#
# With one channel, the operator of an N-D convolution is a sum of Kronecker products: tap
# (t_0, ..., t_{D-1}) contributes k_{t_0,...} times E_0(t_0) ⊗ ... ⊗ E_{D-1}(t_{D-1}), where
# E_a(t) is the 0/1 matrix of tap t along axis a (the 1-D operator of that axis with a kernel that
# is 1 at t and 0 elsewhere).  Grouping the taps by their first index, the matrix is an
# m_0 x n_0 grid of blocks, and block (r, c) is the sum of the (D-1)-D operators T_t of the kernel
# slices k_{t,...} over the taps t that take output r to input c along axis 0: the block grid is
# itself the 1-D operator of axis 0 whose "taps" are the blocks T_t.  Channels add one more level
# (output channel, input channel) on top.  Everything below is computed from the axes and the
# local rule (O(K) per axis, independent of the sizes), never from the full matrix.


def axis_operator(axis: Axis, kernel: Any) -> Conv:
    """The 1-D operator of one axis (same length, stride, dilation, padding, mode, flip,
    transposed) with ``kernel``: a number of taps, or the taps themselves."""
    padding = axis.padding_word if axis.padding_word is not None else (
        axis.pad_before, axis.pad_after)
    return Conv(axis.n, kernel if isinstance(kernel, int) else list(kernel),
                stride=axis.stride, dilation=axis.dilation, padding=padding,
                padding_mode=axis.padding_mode, flip=axis.flip, transposed=axis.transposed,
                output_padding=axis.output_padding)


def entry_groups(axis: Axis) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """The entries of the 0/1 pattern of one axis, grouped: ``(count, taps)`` pairs, where
    ``taps`` are the kernel indices that meet in one entry (one tap, or several folded onto the
    same input by a padding mode) and ``count`` is how many entries have exactly these taps.

    Forward: interior rows hold every tap alone; the border rows are enumerated.  Transposed:
    every entry holds one tap; tap t fills the columns j with 0 <= s*j + d*t - p <= m - 1.
    """
    from ..core.operator import axis_taps

    K, s, d, p, n = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before, axis.n
    m = axis.output_length
    counts: dict[tuple[int, ...], int] = {}
    if axis.transposed:
        for t in range(K):
            span = _clamped(_ceil_div(p - d * t, s), (m - 1 + p - d * t) // s, 0, n - 1)
            if span is not None:
                key = (_tap_of(axis, t),)
                counts[key] = counts.get(key, 0) + span[1] - span[0] + 1
        return tuple((count, taps) for taps, count in sorted(counts.items()))
    interior = _clamped(_ceil_div(p, s), (n - 1 + p - d * (K - 1)) // s, 0, m - 1)
    if interior is None:
        border: Any = range(m)
    else:
        inside = interior[1] - interior[0] + 1
        for t in range(K):
            counts[(t,)] = counts.get((t,), 0) + inside
        border = list(range(interior[0])) + list(range(interior[1] + 1, m))
    for i in border:
        by_column: dict[int, list[int]] = {}
        for tap, column in axis_taps(axis, i):
            by_column.setdefault(column, []).append(tap)
        for taps in by_column.values():
            key = tuple(sorted(taps))
            counts[key] = counts.get(key, 0) + 1
    return tuple((count, taps) for taps, count in sorted(counts.items()))


def _slice_sum(kernel: tuple, taps: tuple[int, ...], size: int) -> tuple:
    """The sum of the kernel slices ``taps`` along the first axis (each ``size`` values)."""
    if len(taps) == 1:
        start = taps[0] * size
        return kernel[start:start + size]
    return tuple(sympy.Add(*[kernel[t * size + u] for t in taps]) for u in range(size))


def spatial_nonzeros(axes: tuple[Axis, ...], kernel: tuple) -> int:
    """Non-zero entries of the one-channel operator of ``axes`` with the flat kernel ``kernel``
    (exact: zero taps and folded taps that cancel leave no entry)."""
    if not axes:
        return 0 if kernel[0] == 0 else 1
    size = len(kernel) // axes[0].kernel_size
    cache: dict[tuple, int] = {}
    total = 0
    for count, taps in entry_groups(axes[0]):
        inner = _slice_sum(kernel, taps, size)
        if inner not in cache:
            cache[inner] = spatial_nonzeros(axes[1:], inner)
        total += count * cache[inner]
    return total


@dataclass(frozen=True)
class BlockLevel:
    """The blocks along one axis of the operator shown (channel block (0, 0), first blocks above).

    ``pattern`` is the 1-D operator of the axis whose taps are the block labels (``T_{t}``, or
    ``0`` for a tap whose block is zero); ``facts`` are its structure facts, so every sentence
    about block lines, block rows and borders reads exactly as in 1-D.  ``labels`` are the block
    names ``T_{prefix, t}`` by kernel index t.  ``nonzero_blocks`` counts the blocks of the grid
    that hold a non-zero entry (exactly; folded blocks that cancel are zero).
    """

    axis: int
    prefix: tuple[int, ...]
    grid: tuple[int, int]  # (m_a, n_a): block rows, block columns
    block_shape: tuple[int, int]  # rows and columns of one block
    labels: tuple[Any, ...]
    pattern: Conv
    facts: Facts
    nonzero_blocks: int
    zero_slices: tuple[int, ...]  # kernel indices whose block T is the zero matrix
    lines: BorderLines  # the block rows/columns the borders change (of ``pattern``)


@dataclass(frozen=True)
class ChannelBlocks:
    """The (output channel, input channel) grid: block (o, c) is the one-channel operator of the
    kernel k^{(o,c')} (forward; c' the index of c inside its group) when o and c share a group."""

    grid: tuple[int, int]  # (C_out, C_in)
    block_shape: tuple[int, int]
    per_group: tuple[int, int]  # (C_out/G, C_in/G)
    linked: tuple[tuple[bool, ...], ...]  # linked[o][c]: same group
    nonzero: tuple[tuple[bool, ...], ...]  # nonzero[o][c]: the block has a non-zero entry
    separated_blocks: int  # pairs that groups separate (zero blocks)
    zero_kernel_blocks: int  # linked pairs whose block is zero anyway (numeric zero kernel)
    nonzero_blocks: int
    weight: tuple[tuple[Any, ...], ...]  # weight[o][c]: (first, second) weight index, or None


@dataclass(frozen=True)
class BlockFacts:
    """What the derivation of an N-D and/or multi-channel operator states, as data."""

    ndim: int
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    shape: tuple[int, int]
    axis_facts: tuple[Facts, ...]  # per axis: the 1-D facts with a symbolic kernel
    channels: ChannelBlocks | None
    levels: tuple[BlockLevel, ...]  # axis 0 .. D-2, for channel block (0, 0)
    nonzeros: int
    gather_multiplications: int  # outputs x taps per output: C_out prod(m) * C_in/G prod(K)
    dense_multiplications: int


def _prod_int(values: Any) -> int:
    result = 1
    for value in values:
        result *= value
    return result


def _channel_kernels(op: Conv) -> dict[tuple[int, int], tuple[int, tuple]]:
    """(o, c) -> (weight offset, flat one-channel kernel) for the linked channel pairs."""
    taps = _prod_int(axis.kernel_size for axis in op.axes)
    kernel = op.kernel
    out = {}
    for o in range(op.out_channels):
        for channel, offset in op._channel_pairs(o):
            out[(o, channel)] = (offset // taps, tuple(kernel[offset:offset + taps]))
    return out


def _level_labels(symbol: str, prefix: tuple[int, ...], count: int) -> tuple[sympy.Symbol, ...]:
    from ..core.symbols import indexed_symbol

    return tuple(indexed_symbol(symbol, prefix + (t,)) for t in range(count))


def block_symbol(op: Conv) -> str:
    """The letter naming the blocks (T, or B/Q when T is one of the operator's symbols)."""
    used = {op.input_symbol, op.kernel_symbol, op.output_symbol}
    return next(letter for letter in ("T", "B", "Q", "U") if letter not in used)


def _levels(op: Conv, kernel: tuple) -> tuple[BlockLevel, ...]:
    """The block levels of the one-channel operator with flat kernel ``kernel``: along axis a,
    the blocks of T_{0,...,0} (a zeros), labelled T_{0,...,0,t}."""
    axes = op.axes
    symbol = block_symbol(op)
    levels = []
    prefix: tuple[int, ...] = ()
    current = kernel
    for a in range(len(axes) - 1):
        axis = axes[a]
        inner_axes = axes[a + 1:]
        size = len(current) // axis.kernel_size
        slices = [current[t * size:(t + 1) * size] for t in range(axis.kernel_size)]
        inner_nonzeros = [spatial_nonzeros(inner_axes, tuple(s)) for s in slices]
        labels = _level_labels(symbol, prefix, axis.kernel_size)
        values = [label if count else sympy.Integer(0)
                  for label, count in zip(labels, inner_nonzeros)]
        pattern = axis_operator(axis, values)
        nonzero_blocks = 0
        cache: dict[tuple, bool] = {}
        for count, taps in entry_groups(axis):
            inner = _slice_sum(current, taps, size)
            if inner not in cache:
                cache[inner] = spatial_nonzeros(inner_axes, inner) > 0
            nonzero_blocks += count * cache[inner]
        rows = _prod_int(ax.output_length for ax in inner_axes)
        cols = _prod_int(ax.n for ax in inner_axes)
        levels.append(BlockLevel(
            axis=a, prefix=prefix, grid=(axis.output_length, axis.n), block_shape=(rows, cols),
            labels=labels, pattern=pattern, facts=structure_facts(pattern),
            nonzero_blocks=nonzero_blocks,
            zero_slices=tuple(t for t, count in enumerate(inner_nonzeros) if not count),
            lines=border_lines(pattern)))
        prefix = prefix + (0,)
        current = tuple(slices[0])
    return tuple(levels)


def block_facts(op: Conv) -> BlockFacts:
    """The block structure of an N-D and/or multi-channel operator (concrete n)."""
    if op.symbolic:
        raise SymdilError("the block structure needs a concrete n")
    axes = op.axes
    rows = _prod_int(axis.output_length for axis in axes)
    cols = _prod_int(axis.n for axis in axes)
    kernels = _channel_kernels(op)
    c_out, c_in, groups = op.out_channels, op.in_channels, op.groups
    cache: dict[tuple, int] = {}
    counts: dict[tuple[int, int], int] = {}
    for pair, (_, kernel) in kernels.items():
        key = kernel if op._kernel_values is not None else ()  # symbolic: all alike
        if key not in cache:
            cache[key] = spatial_nonzeros(axes, kernel)
        counts[pair] = cache[key]
    channels = None
    if c_in > 1 or c_out > 1:
        per_out, per_in = c_out // groups, c_in // groups
        linked = tuple(tuple(o // per_out == c // per_in for c in range(c_in))
                       for o in range(c_out))
        nonzero = tuple(tuple(counts.get((o, c), 0) > 0 for c in range(c_in))
                        for o in range(c_out))

        def weight(o: int, c: int) -> Any:
            if (o, c) not in kernels:
                return None
            index = kernels[(o, c)][0]
            per = c_out // groups if op.transposed else c_in // groups
            return divmod(index, per)

        channels = ChannelBlocks(
            grid=(c_out, c_in), block_shape=(rows, cols), per_group=(per_out, per_in),
            linked=linked, nonzero=nonzero,
            separated_blocks=c_out * c_in - len(kernels),
            zero_kernel_blocks=sum(1 for count in counts.values() if count == 0),
            nonzero_blocks=sum(1 for count in counts.values() if count > 0),
            weight=tuple(tuple(weight(o, c) for c in range(c_in)) for o in range(c_out)))
    first = kernels[(0, 0)][1]
    taps = _prod_int(axis.kernel_size for axis in axes)
    return BlockFacts(
        ndim=len(axes), input_shape=op.input_shape, output_shape=op.output_shape,
        shape=op.shape,
        axis_facts=tuple(structure_facts(axis_operator(axis, axis.kernel_size)) for axis in axes),
        channels=channels, levels=_levels(op, first), nonzeros=sum(counts.values()),
        gather_multiplications=(
            c_in * cols * (c_out // groups) * taps if op.transposed
            else c_out * rows * (c_in // groups) * taps),
        dense_multiplications=op.shape[0] * op.shape[1],
    )
