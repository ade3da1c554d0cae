"""The sparse operator of a convolution: which kernel tap meets which input sample in each output.

Everything here is local: ``axis_taps`` gives the (kernel index, input index) pairs of one output
index along one axis in O(K), and ``row_entries`` combines the axes and channels of one output row.
Building the whole operator is m rows times that, O(m*K) work and memory; the matrix is never formed
densely.  Imports SymPy and the spec only.
"""

from __future__ import annotations

from typing import Any, Sequence

import sympy

from .spec import Axis


def fold_index(axis: Axis, j: int) -> int | None:
    """Map a position of the padded input to an input index (None: it lands in zero padding)."""
    n = axis.n
    if 0 <= j < n:
        return j
    mode = axis.padding_mode
    if mode == "zeros":
        return None
    if mode == "circular":
        return j % n
    if mode == "replicate":
        return 0 if j < 0 else n - 1
    # reflect: mirror about the edge sample without repeating it (padding < n, one reflection)
    return -j if j < 0 else 2 * (n - 1) - j


def axis_taps(axis: Axis, i: int) -> tuple[tuple[int, int], ...]:
    """(kernel index, input index) pairs that contribute to output ``i`` along ``axis``.

    Forward: y_i = sum_t k_t x~[s*i + d*t - p_before]  (x~: the padded input).
    Transposed: out[i_in*s + t*d - p] += k_t x[i_in], read backwards for output ``i``.
    With ``flip`` the kernel is reversed (true convolution).  Folded taps (padding modes) appear as
    several pairs with the same input index.
    """
    K, s, d, p = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
    last = K - 1
    pairs = []
    if axis.transposed:
        n = axis.n
        for t in range(K):
            q, r = divmod(i + p - d * t, s)
            if r == 0 and 0 <= q and (not isinstance(n, int) or q < n):
                pairs.append((last - t if axis.flip else t, q))
        return tuple(pairs)
    start = s * i - p
    symbolic = not isinstance(axis.n, int)
    for t in range(K):
        j = start + d * t
        if symbolic:
            # general case: rows near the top of a long input; only the left border can cut
            jj = j if j >= 0 else None
        else:
            jj = fold_index(axis, j)
        if jj is not None:
            pairs.append((last - t if axis.flip else t, jj))
    return tuple(pairs)


def row_entries(
    axes: Sequence[Axis],
    taps: Sequence[tuple[tuple[int, int], ...]],
    channel_pairs: Sequence[tuple[int, int]],
    kernel: Sequence[Any],
    kernel_channel_size: int,
) -> dict[int, Any]:
    """Column -> coefficient of one output row, in tap order: the column met by the lowest kernel
    index (flat, in the weight layout) comes first, ties in column order.  Forward without flip
    that is column order; flipped and transposed rows run the other way.

    ``taps[a]`` are the pairs of this row's index along axis ``a``; ``channel_pairs`` lists
    (input channel, kernel channel offset) pairs feeding this row's output channel; ``kernel`` is
    flat
    in PyTorch's weight layout, each (out, in) channel pair owning ``kernel_channel_size`` taps.
    """
    sizes = [axis.n for axis in axes]
    ksizes = [axis.kernel_size for axis in axes]
    hits: dict[int, list[int]] = {}
    if len(axes) == 1:
        n = sizes[0]
        if len(channel_pairs) == 1 and len({j for _, j in taps[0]}) == len(taps[0]):
            # one kernel index per column (no folding, one channel pair): no sums to form
            channel, koffset = channel_pairs[0]
            base = channel * n if channel else 0  # an int even when n is a symbol
            entries = {}
            for t, j in sorted(taps[0]):  # tap order (one tap per column)
                coef = kernel[koffset + t]
                if not (coef.is_Number and coef == 0):
                    entries[base + j] = coef
            return entries
        for channel, koffset in channel_pairs:
            base = channel * n if channel else 0  # an int even when n is a symbol
            for t, j in taps[0]:
                hits.setdefault(base + j, []).append(koffset + t)
    else:
        plane = _prod(sizes)
        # (flat column, flat kernel index) of every combination of the axes' pairs, the last
        # axis varying fastest (itertools.product's order)
        combos = [(0, 0)]
        for pairs, size, ksize in zip(taps, sizes, ksizes):
            combos = [(col * size + j, kidx * ksize + t) for col, kidx in combos
                      for t, j in pairs]
        if len(channel_pairs) == 1 and len({col for col, _ in combos}) == len(combos):
            # one kernel index per column (no folding, one channel pair): no sums to form
            channel, koffset = channel_pairs[0]
            base = channel * plane
            entries = {}
            for kidx, col in sorted((kidx, col) for col, kidx in combos):  # tap order
                coef = kernel[koffset + kidx]
                if not (coef.is_Number and coef == 0):
                    entries[base + col] = coef
            return entries
        for col, kidx in combos:
            for channel, koffset in channel_pairs:
                hits.setdefault(channel * plane + col, []).append(koffset + kidx)
    entries = {}
    # tap order: the entry of the lowest kernel index first (column order breaks ties), so that
    # every printed sum reads k_0 a_6 + k_1 a_8 + k_2 a_10 like the definition
    for col in sorted(hits, key=lambda col: (min(hits[col]), col)):
        idx = hits[col]
        coef = kernel[idx[0]] if len(idx) == 1 else sympy.Add(*[kernel[k] for k in idx])
        # only a number can be zero here (SymPy cancels k - k to 0); `!= 0` on every symbol
        # would run SymPy's comparison machinery once per entry
        if not (coef.is_Number and coef == 0):
            entries[col] = coef
    return entries


def _prod(values: Sequence[int]) -> int:
    result = 1
    for value in values:
        result *= value
    return result


def row_output(entries: dict[int, Any], inputs: Sequence[sympy.Symbol]) -> Any:
    """The output expression of one row: sum of coefficient * input (SymPy orders an ``Add`` its
    own way; printers take the terms from the row, in tap order)."""
    return sympy.Add(*[sympy.Mul(coef, inputs[col]) for col, coef in entries.items()])


def axis_table(axis: Axis) -> Any:
    """``axis_taps`` of every output index of a concrete axis at once: an (entries, 3) NumPy
    array of (output index, kernel index, input index), in the order of
    ``[(i, t, j) for i in range(m) for t, j in axis_taps(axis, i)]`` (the same rule, evaluated
    on arrays; ``Conv.row`` keeps the scalar form and the printed-rows check compares them)."""
    import numpy as np

    K, s, d, p, n = axis.kernel_size, axis.stride, axis.dilation, axis.pad_before, axis.n
    m = axis.output_length
    i = np.arange(m, dtype=np.int64)[:, None]
    t = np.arange(K, dtype=np.int64)[None, :]
    if axis.transposed:
        q, r = np.divmod(i + p - d * t, s)
        keep = (r == 0) & (q >= 0) & (q < n)
        j = q
    else:
        j = s * i - p + d * t
        inside = (j >= 0) & (j < n)
        mode = axis.padding_mode
        if mode == "zeros":
            keep = inside
        else:
            keep = np.ones_like(inside)
            if mode == "circular":
                j = j % n
            elif mode == "replicate":
                j = np.clip(j, 0, n - 1)
            else:  # reflect: mirror about the edge sample without repeating it
                j = np.where(j < 0, -j, np.where(j >= n, 2 * (n - 1) - j, j))
    kernel_index = (K - 1 - t) if axis.flip else t
    i, kernel_index = np.broadcast_to(i, keep.shape), np.broadcast_to(kernel_index, keep.shape)
    return np.stack([i[keep], kernel_index[keep], j[keep]], axis=1).reshape(-1, 3)


def all_entries(
    axes: Sequence[Axis],
    channel_pairs: Sequence[Sequence[tuple[int, int]]],
    kernel: Sequence[Any],
    kernel_channel_size: int,
) -> tuple[Any, Any, Any, Any]:
    """The non-zero entries of the operator as NumPy arrays (row, column, coefficient, lowest
    kernel index of the entry; sorted by row, then column), the same as ``row_entries`` row by
    row (which lists a row in tap order: sort by (row, lowest kernel index, column) for that):
    the per-axis (kernel index, input index) pairs of ``axis_taps`` are combined across axes and
    channels with index arithmetic; a coefficient is a tap of ``kernel`` as it is, or the SymPy
    sum of the taps folded onto one column (in the order ``row_entries`` meets them).

    ``channel_pairs[o]`` lists the (input channel, kernel offset) pairs of output channel ``o``.
    """
    import numpy as np

    sizes = [axis.n for axis in axes]
    lengths = [axis.output_length for axis in axes]
    ksizes = [axis.kernel_size for axis in axes]
    rows_per_channel, columns_per_channel = _prod(lengths), _prod(sizes)
    # per axis: one element per (output index, pair), in the order of axis_taps
    spatial_row = np.zeros(1, dtype=np.int64)
    spatial_col = np.zeros(1, dtype=np.int64)
    spatial_tap = np.zeros(1, dtype=np.int64)
    for axis, length, size, ksize in zip(axes, lengths, sizes, ksizes):
        index = axis_table(axis)
        # the Cartesian product with the axes so far, this axis varying fastest
        spatial_row = (spatial_row[:, None] * length + index[None, :, 0]).reshape(-1)
        spatial_col = (spatial_col[:, None] * size + index[None, :, 2]).reshape(-1)
        spatial_tap = (spatial_tap[:, None] * ksize + index[None, :, 1]).reshape(-1)
    # output channels, then their (input channel, kernel offset) pairs
    pairs = [(o, c, offset) for o, channel in enumerate(channel_pairs) for c, offset in channel]
    pair = np.asarray(pairs, dtype=np.int64).reshape(-1, 3)
    row = (pair[:, 0:1] * rows_per_channel + spatial_row[None, :]).reshape(-1)
    col = (pair[:, 1:2] * columns_per_channel + spatial_col[None, :]).reshape(-1)
    tap = (pair[:, 2:3] + spatial_tap[None, :]).reshape(-1)
    total_rows = len(channel_pairs) * rows_per_channel
    columns = int(col.max()) + 1 if len(col) else 1
    if total_rows * columns < 2 ** 62:
        order = np.argsort(row * columns + col, kind="stable")
    else:  # pragma: no cover - no such operator fits in memory
        order = np.lexsort((col, row))
    row, col, tap = row[order], col[order], tap[order]
    # only the taps used are read (``kernel`` may build each on demand)
    used = np.unique(tap)
    values = np.fromiter((kernel[k] for k in used.tolist()), dtype=object, count=len(used))
    zero_tap = np.fromiter((bool(k.is_Number and k == 0) for k in values), dtype=bool,
                           count=len(values))
    first = np.ones(len(row), dtype=bool)
    if len(row):
        first[1:] = (row[1:] != row[:-1]) | (col[1:] != col[:-1])
    position = np.searchsorted(used, tap)
    coef = values[position]
    keep = ~zero_tap[position]
    if not first.all():
        # folded taps: several kernel indices on one column, added as row_entries adds them
        starts = np.flatnonzero(first)
        ends = np.append(starts[1:], len(row))
        keep = keep[starts]
        coef = coef[starts]
        tap_list = tap.tolist()
        for g in np.flatnonzero(ends - starts > 1).tolist():
            total = sympy.Add(*[kernel[k] for k in tap_list[starts[g]:ends[g]]])
            coef[g] = total
            keep[g] = not (total.is_Number and total == 0)
        lowest = np.minimum.reduceat(tap, starts)
        row, col = row[starts], col[starts]
    else:
        lowest = tap
    return row[keep], col[keep], coef[keep], lowest[keep]
