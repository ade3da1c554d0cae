"""The sparse operator of a convolution: which kernel tap meets which input sample in each output.

Everything here is local: ``axis_taps`` gives the (kernel index, input index) pairs of one output
index along one axis in O(K), and ``row_entries`` combines the axes and channels of one output row.
Building the whole operator is m rows times that, O(m*K) work and memory; the matrix is never formed
densely.  Imports SymPy and the spec only.
"""

from __future__ import annotations

import itertools
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
        for channel, koffset in channel_pairs:
            base = channel * n if channel else 0  # an int even when n is a symbol
            for t, j in taps[0]:
                hits.setdefault(base + j, []).append(koffset + t)
    else:
        plane = _prod(sizes)
        for combo in itertools.product(*taps):
            col = 0
            kidx = 0
            for (t, j), size, ksize in zip(combo, sizes, ksizes):
                col = col * size + j
                kidx = kidx * ksize + t
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
