"""Statement kinds of the block levels of an N-D operator: along axis a, the operator
T_{0,...,0} (a zeros; M^{(0,0)} itself for a = 0) is a grid of blocks, the blocks of one kernel
slice each (summed where padding folds them).  These predicates read that grid off M (see
``kinds._prefix_block``) and the axis' pattern (``kinds.line``)."""

from __future__ import annotations

from typing import Any, Mapping

from .base import Evidence, register
from .kinds import (
    _complete,
    _prefix_block,
    _tap,
    _unravel,
    block_pairs,
    kernel_shape,
    line,
    nonzero_value,
)


def _grid(ev: Evidence, axis: int, transposed: bool) -> dict[int, set[int]] | None:
    """Outer block line -> inner block indices holding a non-zero block (forward: block rows ->
    block columns; transposed: block columns -> block rows)."""
    pairs = block_pairs(ev, axis)
    if pairs is None:
        return None
    out: dict[int, set[int]] = {}
    for i, j in pairs:
        outer, inner = (j, i) if transposed else (i, j)
        out.setdefault(outer, set()).add(inner)
    return out


@register("zero_slices", "Along `axis`, the kernel slices listed (index t on that axis, the "
          "earlier axes' indices 0, channel pair (0, 0)) are all zero; the others are not.")
def _zero_slices(params: Mapping[str, Any], ev: Evidence) -> bool:
    shape = kernel_shape(ev)
    axis = params["axis"]
    zero: dict[int, bool] = {}
    for flat, value in enumerate(ev.kernel):
        index = _unravel(flat, shape)
        if index[:2] != (0, 0) or any(v != 0 for v in index[2:2 + axis]):
            continue
        t = index[2 + axis]
        zero[t] = zero.get(t, True) and value == 0
    return {t for t, is_zero in zero.items() if is_zero} == set(params["slices"])


@register("empty_slices", "Along `axis`, the kernel slices listed are not zero, yet their "
          "blocks are: their taps never meet an input, or cancel where the padding folds them "
          "together.")
def _empty_slices(params: Mapping[str, Any], ev: Evidence) -> bool:
    shape = kernel_shape(ev)
    axis = params["axis"]
    for t in params["slices"]:
        prefix = (0,) * axis + (t,)
        values = [value for flat, value in enumerate(ev.kernel)
                  if _unravel(flat, shape)[:2] == (0, 0)
                  and _unravel(flat, shape)[2:3 + axis] == prefix]
        if all(value == 0 for value in values):
            return False  # a zero kernel slice is a zero_slices statement
        block = _prefix_block(ev, axis + 1, prefix)
        if block is not None and any(nonzero_value(v) for v in block.values()):
            return False
    return bool(params["slices"])


@register("block_rows", "Along `axis`: the outer block lines `first`..`last` (block rows; block "
          "columns transposed) are whole and hold `per_line` non-zero blocks each; the non-zero "
          "blocks lie on `lines`; the `short` lines hold fewer, the padding folds kernel slices "
          "in the `folded` block rows, and the `lacking` block rows miss a slice from outside.")
def _block_rows(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    a = params["axis"]
    transposed = g["transposed"]
    grid = _grid(ev, a, transposed)
    if grid is None:
        return False
    pattern = line(ev, a)
    K, s, d, p = g["K"], g["s"], g["d"], g["p"]
    outer_count = pattern.n if transposed else pattern.m
    first, last = params["first"], params["last"]
    for i in range(outer_count):
        whole = _complete(g, pattern, i)
        inside = first is not None and first <= i <= last
        if whole != inside:
            return False
        if inside and len(grid.get(i, ())) != params["per_line"]:
            return False
    lines = {inner - s * outer for outer, inners in grid.items() for inner in inners}
    interior_lines = {inner - s * outer for outer, inners in grid.items() for inner in inners
                      if first is not None and first <= outer <= last}
    claimed = set(params["lines"])
    if "border_lines" in params:
        # every non-zero block lies on a stated line: the interior's, or one the border adds
        if lines != claimed | set(params["border_lines"]) or claimed & set(params["border_lines"]):
            return False
        if first is None and params["border_lines"]:
            return False
        if params.get("span") is not None and claimed and (
                min(claimed), max(claimed)) != tuple(params["span"]):
            return False
    if g["mode"] == "zeros" or transposed:
        if first is not None and interior_lines != claimed:
            return False
        short = {i for i in range(outer_count) if len(grid.get(i, ())) < params["per_line"]}
        if short != set(params["short"]):
            return False
    elif first is not None and interior_lines != set(params["lines"]):
        return False
    nonzero = [t for t in range(K) if _tap(t, K, g["flip"]) not in params["zero_slices"]]
    if not transposed:
        folded = set()
        if g["mode"] != "zeros":
            for i in range(pattern.m):
                for t in nonzero:
                    position = s * i + d * t - p
                    if not 0 <= position < pattern.n:
                        tap = _tap(t, K, g["flip"])
                        if not any(tap in w for w in pattern.taps[i].values()):
                            return False  # a folded slice must show in the row
                        folded.add(i)
        return folded == set(params["folded"]) and not params["lacking"]
    lacking = set()
    for r in range(pattern.m):
        for t in nonzero:
            q, rem = divmod(r + p - d * t, s)
            if rem == 0 and not 0 <= q < pattern.n:
                if _tap(t, K, g["flip"]) in pattern.taps[r].get(q, {}):
                    return False
                lacking.add(r)
    return lacking == set(params["lacking"]) and not params["folded"]
