"""An independent reference for ``symdil.Conv``, written from the issue's formulas as plain loops.

It shares no code with ``symdil``: padding is resolved from the issue's rules, the padded input is
built explicitly (index lists per axis, as ``torch.nn.functional.pad`` builds it), the forward
operator is a direct cross-correlation over that padded input, and the transposed operator is the
scatter rule ``out[i*s + t*d - p] += k_t x[i]``.  The matrix is dense (a list of lists of SymPy
expressions), fine for the small sizes the tests use.

Naming follows the documented convention: ``a_0``/``k_0`` in 1-D with one channel, ``a_{i,j}`` in
N-D, and ``^{(c)}`` on inputs / ``^{(o,c)}`` on kernel taps when there are several channels.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import sympy


class Invalid(Exception):
    """The configuration is invalid under the issue's rules (Conv must refuse it)."""


@dataclass
class Reference:
    matrix: list[list[Any]]  # rows: flat outputs (C_out, *m); columns: flat inputs (C_in, *n)
    output: list[Any]                # matrix times input
    input: list[sympy.Symbol]
    kernel: list[Any]                # flat in PyTorch's weight layout
    kernel_shape: tuple[int, ...]
    output_shape: tuple[int, ...]    # (C_out, *m)
    input_shape: tuple[int, ...]     # (C_in, *n)
    padding: list[tuple[int, int]]   # per axis
    receptive_field: list[int]       # per axis


def _name(base: str, sub: tuple[int, ...], sup: tuple[int, ...]) -> sympy.Symbol:
    subscript = str(sub[0]) if len(sub) == 1 else "{" + ",".join(str(i) for i in sub) + "}"
    superscript = "^{(" + ",".join(str(i) for i in sup) + ")}" if sup else ""
    return sympy.Symbol(base + superscript + "_" + subscript)


def _tuple(value: Any, ndim: int) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * ndim


def _axis_padding(padding: Any, ndim: int) -> list:
    """Per-axis padding items (an int, a (before, after) pair or a word)."""
    if isinstance(padding, str) or isinstance(padding, int):
        return [padding] * ndim
    if ndim == 1:
        return [tuple(padding)] if len(padding) == 2 else [padding[0]]
    return list(padding)


def resolve(item: Any, n: int, K: int, s: int, d: int) -> tuple[int, int]:
    """(before, after) for one axis from the issue's rules."""
    span = d * (K - 1)
    if item == "valid":
        return 0, 0
    if item == "full":
        return span, span
    if item == "causal":
        return span, 0
    if item == "same":
        out = (n + s - 1) // s  # ceil(n/s)
        total = max((out - 1) * s + span + 1 - n, 0)
        return total // 2, total - total // 2
    if isinstance(item, int):
        return item, item
    return tuple(item)


def padded_sources(n: int, before: int, after: int, mode: str) -> list[int | None]:
    """For each position of the padded axis, the input index it holds (None: a zero).

    Built the way the padding is described (left block + input + right block), not by a formula
    for an arbitrary position.
    """
    inner = list(range(n))
    if mode == "zeros":
        left, right = [None] * before, [None] * after
    elif mode == "circular":  # the last `before` samples go in front, the first `after` behind
        left, right = inner[n - before:] if before else [], inner[:after]
    elif mode == "reflect":  # x[before], ..., x[1] | x | x[n-2], ..., x[n-1-after]
        left = [before - i for i in range(before)]
        right = [n - 2 - i for i in range(after)]
    elif mode == "replicate":
        left, right = [0] * before, [n - 1] * after
    else:
        raise Invalid(mode)
    return left + inner + right


def reference(
    n: Any,
    kernel: Any,
    stride: Any = 1,
    dilation: Any = 1,
    padding: Any = 0,
    padding_mode: str = "zeros",
    flip: bool = False,
    transposed: bool = False,
    output_padding: Any = 0,
    in_channels: int = 1,
    out_channels: int = 1,
    groups: int = 1,
    input_symbol: str = "a",
    kernel_symbol: str = "k",
    kernel_values: list | None = None,
    with_output: bool = True,
) -> Reference:
    """The dense operator for the given parameters (same meaning as ``symdil.Conv``'s).

    ``kernel`` is the kernel size (an int or one per axis); ``kernel_values``, if given, are
    concrete taps flat in PyTorch's weight layout (otherwise symbols are made).  Raises
    ``Invalid`` when the configuration is refused by the issue's rules.  ``with_output=False``
    leaves ``output`` empty (the matrix alone is much cheaper).
    """
    ns = tuple(n) if isinstance(n, (tuple, list)) else (n,)
    ndim = len(ns)
    sizes = _tuple(kernel, ndim)
    strides, dilations = _tuple(stride, ndim), _tuple(dilation, ndim)
    output_paddings = _tuple(output_padding, ndim)
    items = _axis_padding(padding, ndim)
    if in_channels % groups or out_channels % groups:
        raise Invalid("groups")

    pads, lengths = [], []
    for a in range(ndim):
        na, K, s, d, op = ns[a], sizes[a], strides[a], dilations[a], output_paddings[a]
        if transposed:
            if padding_mode != "zeros" or op >= max(s, d):
                raise Invalid("transposed mode / output_padding")
            if isinstance(items[a], str) and items[a] != "valid":
                raise Invalid("transposed word")
        elif op:
            raise Invalid("output_padding without transposed")
        before, after = resolve(items[a], na, K, s, d)
        if before < 0 or after < 0:
            raise Invalid("negative padding")
        if transposed and before != after:
            raise Invalid("asymmetric transposed padding")
        if padding_mode == "reflect" and max(before, after) >= na:
            raise Invalid("reflect padding")
        if padding_mode == "circular" and max(before, after) > na:
            raise Invalid("circular padding")
        if transposed:
            m = (na - 1) * s - 2 * before + d * (K - 1) + op + 1
        else:
            m = (na + before + after - d * (K - 1) - 1) // s + 1
        if m < 1:
            raise Invalid("empty output")
        pads.append((before, after))
        lengths.append(m)

    c_in, c_out, g = in_channels, out_channels, groups
    lead = (c_in, c_out // g) if transposed else (c_out, c_in // g)
    kernel_shape = lead + tuple(sizes)
    weight_index = list(itertools.product(*[range(k) for k in kernel_shape]))
    if kernel_values is None:
        kernel_flat = [
            _name(kernel_symbol, idx[2:], idx[:2] if lead != (1, 1) else ()) for idx in weight_index
        ]
    else:
        kernel_flat = [sympy.sympify(v) for v in kernel_values]
    assert len(kernel_flat) == len(weight_index)
    weight = dict(zip(weight_index, kernel_flat, strict=True))

    input_index = list(itertools.product(range(c_in), *[range(k) for k in ns]))
    inputs = [_name(input_symbol, idx[1:], idx[:1] if c_in > 1 else ()) for idx in input_index]
    column = {idx: col for col, idx in enumerate(input_index)}
    output_index = list(itertools.product(range(c_out), *[range(k) for k in lengths]))
    row_of = {idx: row for row, idx in enumerate(output_index)}
    matrix = [[sympy.Integer(0)] * len(inputs) for _ in output_index]
    kernel_positions = list(itertools.product(*[range(k) for k in sizes]))

    def tap(t: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(k - 1 - ti for k, ti in zip(sizes, t, strict=True)) if flip else t

    per_in, per_out = c_in // g, c_out // g
    if not transposed:
        sources = [padded_sources(ns[a], *pads[a], padding_mode) for a in range(ndim)]
        for out_idx in output_index:
            o, pos = out_idx[0], out_idx[1:]
            group = o // per_out
            for local_in in range(per_in):
                c = group * per_in + local_in
                for t in kernel_positions:
                    src = []
                    for a in range(ndim):
                        # position in the padded input: s*i + d*t (padded coordinates start at 0)
                        src.append(sources[a][strides[a] * pos[a] + dilations[a] * t[a]])
                    if any(j is None for j in src):
                        continue
                    col = column[(c,) + tuple(src)]
                    matrix[row_of[out_idx]][col] += weight[(o, local_in) + tap(t)]
    else:
        for in_idx in input_index:
            c, pos = in_idx[0], in_idx[1:]
            group = c // per_in
            for local_out in range(per_out):
                o = group * per_out + local_out
                for t in kernel_positions:
                    target = tuple(
                        pos[a] * strides[a] + t[a] * dilations[a] - pads[a][0] for a in range(ndim)
                    )
                    if not all(0 <= target[a] < lengths[a] for a in range(ndim)):
                        continue
                    row = row_of[(o,) + target]
                    matrix[row][column[in_idx]] += weight[(c, local_out) + tap(t)]

    output = [
        sympy.Add(*[coef * x for coef, x in zip(row, inputs, strict=True) if coef != 0])
        for row in matrix
    ] if with_output else []
    return Reference(
        matrix=matrix,
        output=output,
        input=inputs,
        kernel=kernel_flat,
        kernel_shape=kernel_shape,
        output_shape=(c_out,) + tuple(lengths),
        input_shape=(c_in,) + tuple(ns),
        padding=pads,
        receptive_field=[d * (k - 1) + 1 for d, k in zip(dilations, sizes, strict=True)],
    )
