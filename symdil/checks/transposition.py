"""Check 4, transposition: the adjoint built as the other kind of convolution, and the
zero-insertion reading of a transposed convolution.

``T^T`` equal to the adjoint entry by entry is the same statement as ``<T a, b> = <a, T^T b>`` for
all a and b (both sides are bilinear; their difference is sum over r, c of b_r a_c (T[r, c] -
A[c, r])), so it is checked sparsely, in time proportional to the non-zeros.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.conv import Conv
from . import sparse  # noqa: I001
from .result import CheckResult, fail_or_pass, plural, shape_mismatch, symbolic_guard
from .tools import (
    axes_latex,
    axes_text,
    candidate_rows,
    count,
    forward_geometry,
    nested_kernel,
    num,
    padded_sources,
    per_axis_arg,
    prod,
    restricted_forward_rows,
    shape_latex,
    shape_text,
    spatial,
)

NAME = "transposition"


def zero_insertion_rows(op: Conv) -> tuple[sparse.Sparse, tuple[int, int], str, str]:
    """A transposed op read per axis as: s-1 zeros between inputs, padding d(K-1)-p before and
    d(K-1)-p+output_padding after (negative: cropping), then a stride-1 convolution with the
    flipped kernel (flipped along every axis).  Built with a forward ``Conv``; returns (rows,
    shape, description, description as LaTeX)."""
    axes = op.axes
    n, m = spatial(op, "n"), spatial(op, "m")
    ksizes = tuple(axis.kernel_size for axis in axes)
    strides = tuple(axis.stride for axis in axes)
    c_in, c_out, g = op.in_channels, op.out_channels, op.groups
    per_in, per_out = c_in // g, c_out // g
    spread = tuple((axis.n - 1) * axis.stride + 1 for axis in axes)
    pads = tuple(axis.dilation * (axis.kernel_size - 1) - axis.pad_before for axis in axes)
    befores = tuple(max(pad, 0) for pad in pads)
    shifts = tuple(before - pad for before, pad in zip(befores, pads))
    afters = tuple(max(0, axis.output_length + shift + axis.dilation * (axis.kernel_size - 1)
                       - length - before)
                   for axis, shift, length, before in zip(axes, shifts, spread, befores))
    # forward weight layout (C_out, C_in/g, *K) from the transposed layout (C_in, C_out/g, *K)
    taps = prod(ksizes)
    weights: list[Any] = []
    for o in range(c_out):
        group, local_out = divmod(o, per_out)
        for local_in in range(per_in):
            start = ((group * per_in + local_in) * per_out + local_out) * taps
            weights.extend(op.kernel[start:start + taps])
    conv = Conv(n=per_axis_arg(spread), kernel=nested_kernel(weights, (c_out, per_in) + ksizes),
                stride=1, dilation=per_axis_arg([axis.dilation for axis in axes]),
                padding=per_axis_arg(tuple(zip(befores, afters))), flip=not op.flip,
                in_channels=c_in, out_channels=c_out, groups=g)
    lengths = spatial(conv, "m")
    source = sparse.of_conv(conv)
    # output (o, j) of the reading is row (o, j + shift) of the stride-1 convolution
    o, *j = sparse.unflat(np.arange(c_out * prod(m), dtype=np.int64), (c_out, *m))
    picked = sparse.take_rows(source, sparse.flat([o, *[ja + shift for ja, shift in
                                                        zip(j, shifts)]], (c_out, *lengths)))
    # its columns on the spread input (s - 1 zeros between inputs): keep the real inputs
    c, *q = sparse.unflat(picked.col, (c_in, *spread))
    keep = np.ones(len(c), dtype=bool)
    for qa, sa, na in zip(q, strides, n):
        keep &= (qa % sa == 0) & (qa // sa < na)
    columns = sparse.flat([c[keep], *[qa[keep] // sa for qa, sa in zip(q, strides)]], (c_in, *n))
    # the renumbering keeps the columns' order, so the entries stay sorted
    rows = sparse.Sparse((c_out * prod(m), c_in * prod(n)), picked.row[keep], columns,
                         picked.value[keep])
    after = tuple(pad + axis.output_padding for pad, axis in zip(pads, axes))
    zeros = ", ".join(count(s - 1, "zero") for s in strides)
    described = (f"{zeros} between inputs{' (per axis)' if len(axes) > 1 else ''}, padding "
                 f"d(K-1)-p = {axes_text(pads)} before and {axes_text(after)} after"
                 f"{' (negative: cropped)' if min(pads) < 0 else ''}, stride-1 convolution with "
                 f"the flipped kernel")
    cropped = " (negative: cropped)" if min(pads) < 0 else ""
    if len(axes) == 1:
        gap = strides[0] - 1
        zeros_latex = f"$s - 1 = {num(gap)}$ {plural(gap, 'zero', 'zeros')} between inputs"
    else:
        zeros_latex = (f"$s_a - 1 = {axes_latex([sa - 1 for sa in strides])}$ zeros between "
                       "inputs along the axes")
    described_latex = (f"{zeros_latex}"
                       f", padding $d(K-1)-p = {axes_latex(pads)}$ before and "
                       f"${axes_latex(after)}$ after{cropped}, then a stride-$1$ convolution with "
                       "the flipped kernel")
    return rows, (c_out * prod(m), c_in * prod(n)), described, described_latex


def _forward_adjoint(op: Conv) -> tuple[sparse.Sparse, str, Conv, tuple[int, ...]]:
    """A forward op's adjoint: M = C E (E pads/folds, C is the valid convolution on the padded
    input), whose adjoint is conv_transpose with padding 0 and output_padding = the stride's
    remainder per axis, its rows folded back by E^T."""
    axes = op.axes
    padded = tuple(axis.n + axis.pad_before + axis.pad_after for axis in axes)
    remainder = tuple((p - axis.receptive_field) % axis.stride for p, axis in zip(padded, axes))
    partner = Conv(n=per_axis_arg(spatial(op, "m")),
                   kernel=nested_kernel(op.kernel, op.kernel_shape),
                   stride=per_axis_arg([axis.stride for axis in axes]),
                   dilation=per_axis_arg([axis.dilation for axis in axes]), padding=0,
                   output_padding=per_axis_arg(remainder), transposed=True, flip=op.flip,
                   in_channels=op.out_channels, out_channels=op.in_channels, groups=op.groups)
    n = spatial(op, "n")
    partner_rows = sparse.of_conv(partner)
    # row (c, q) of the conv_transpose is a padded input position: E^T folds it onto input
    # (c, source(q)) or drops it (zero padding)
    c, *q = sparse.unflat(partner_rows.row, (op.in_channels, *padded))
    keep = np.ones(len(c), dtype=bool)
    j = []
    for a, qa in zip(axes, q):
        lookup = np.asarray([-1 if src is None else src for src in
                             padded_sources(a.n, a.pad_before, a.pad_after, a.padding_mode)],
                            dtype=np.int64)
        ja = lookup[qa]
        keep &= ja >= 0
        j.append(ja)
    target = sparse.flat([c[keep], *[ja[keep] for ja in j]], (op.in_channels, *n))
    adjoint = sparse.build((op.shape[1], op.shape[0]), target, partner_rows.col[keep],
                           partner_rows.value[keep])
    how = (f"conv_transpose (padding 0, output_padding {axes_text(remainder)}) with its rows "
           f"{'cropped' if axes[0].padding_mode == 'zeros' else 'folded'} by the padding")
    return adjoint, how, partner, remainder


def check_transposition(op: Conv, matrix: Any = None) -> CheckResult:
    """4. The adjoint built as the other kind of convolution (a transposed conv for a forward op, a
    forward conv for a transposed op) equals the candidate's transpose entry by entry (that is,
    <T a, b> = <a, T^T b> for all a, b); and a transposed conv equals its zero-insertion reading
    (per axis)."""
    name = NAME
    skipped = symbolic_guard(name, op)
    if skipped:
        return skipped
    shape, rows = candidate_rows(op, matrix)
    mismatch = shape_mismatch(name, op, shape)
    if mismatch:
        return mismatch
    axes = op.axes
    problems = []
    candidate = sparse.from_rows(rows, shape)
    if not op.transposed:
        adjoint, how, partner, remainder = _forward_adjoint(op)
        zi_rows, zi_shape, zi_text, zi_latex = zero_insertion_rows(partner)
        zi_target, zi_what = sparse.of_conv(partner), "that conv_transpose"
    else:
        m, n = spatial(op, "m"), spatial(op, "n")
        partner = Conv(n=per_axis_arg(m), kernel=nested_kernel(op.kernel, op.kernel_shape),
                       stride=per_axis_arg([axis.stride for axis in axes]),
                       dilation=per_axis_arg([axis.dilation for axis in axes]),
                       padding=per_axis_arg([axis.pad_before for axis in axes]), flip=op.flip,
                       in_channels=op.out_channels, out_channels=op.in_channels, groups=op.groups)
        adjoint = sparse.from_rows(
            restricted_forward_rows(forward_geometry(op), list(partner.rows), n),
            (shape[1], shape[0]))
        cut = spatial(partner, "m") != n
        first = (f"first {n[0]} rows" if op.ndim == 1 else
                 f"first {shape_text(n)} rows per channel")
        how = (f"the forward conv on {shape_text(m)} inputs (padding "
               f"{axes_text([axis.pad_before for axis in axes])}{f', {first}' if cut else ''})")
        zi_rows, zi_shape, zi_text, zi_latex = zero_insertion_rows(op)
        zi_target, zi_what = candidate, "the transposed operator"
    ok, message = sparse.compare(sparse.transpose(candidate), adjoint, "the adjoint " + how)
    if not ok:
        problems.append("T^T: " + message)
    ok, message = sparse.compare(zi_target, zi_rows, "the zero-insertion reading")
    if not ok:
        problems.append(f"{zi_what}: " + message)
    evidence = (f"T^T = {how}, entry by entry, hence <T a, b> = <a, T^T b> for all a, b; "
                f"zero-insertion reading of "
                f"{'the transposed op' if op.transposed else 'that conv_transpose'}: {zi_text}")
    if op.transposed:
        how_latex = (f"the forward convolution of the same kernel on ${shape_latex(m)}$ inputs "
                     f"(padding ${axes_latex([axis.pad_before for axis in axes])}$"
                     f"{', its first rows' if cut else ''})")
    else:
        how_latex = (f"the transposed convolution with padding $0$ and output padding "
                     f"${axes_latex(remainder)}$, its rows "
                     f"{'cropped' if axes[0].padding_mode == 'zeros' else 'folded'} by the padding")
    latex = (f"$T^{{\\mathsf T}}$ equals {how_latex}, entry by entry, so "
             f"$\\langle T a, b \\rangle = \\langle a, T^{{\\mathsf T}} b \\rangle$ for all "
             f"$a$, $b$; and {'the operator' if op.transposed else 'that transposed convolution'} "
             f"equals its zero-insertion reading: {zi_latex}.")
    return fail_or_pass(name, problems, evidence, latex)
