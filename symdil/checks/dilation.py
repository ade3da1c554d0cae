"""Check 2, the dilation identity: dilation d is dilation 1 with the zero-inserted kernel."""

from __future__ import annotations

from typing import Any

from ..core.conv import Conv
from .result import CheckResult, plural, symbolic_guard
from .tools import (
    axes_latex,
    axes_text,
    candidate_rows,
    compare_rows,
    count,
    num,
    pair_latex,
    per_axis_arg,
    shape_latex,
    shape_text,
    variant,
    zero_inserted,
)

NAME = "dilation_identity"


def check_dilation(op: Conv, matrix: Any = None) -> CheckResult:
    """2. The dilation-d operator equals the dilation-1 operator of the kernel zero-inserted along
    each axis (size d_a(K_a-1)+1), same stride and (resolved) padding."""
    name = NAME
    skipped = symbolic_guard(name, op)
    if skipped:
        return skipped
    axes = op.axes
    d = tuple(axis.dilation for axis in axes)
    spans = tuple(axis.receptive_field for axis in axes)
    # output_padding >= stride is not allowed with dilation 1; the same extra rows come from
    # output_padding zero taps after the zero-inserted kernel (before it when flipped).
    extra = tuple(axis.output_padding if op.transposed and axis.output_padding >= axis.stride
                  else 0 for axis in axes)
    notes = [f"; output_padding {e} >= stride carried by {e} extra zero taps"
             + (f" along axis {a}" if op.ndim > 1 else "") for a, e in enumerate(extra) if e]
    lead, trail = (extra, (0,) * op.ndim) if op.flip else ((0,) * op.ndim, extra)
    spread = zero_inserted(op.kernel, op.kernel_shape, d, lead, trail)
    output_padding = (per_axis_arg([axis.output_padding - e for axis, e in zip(axes, extra)])
                      if op.transposed else 0)
    reference = variant(op, spread, [s + e for s, e in zip(spans, extra)], dilation=1,
                        output_padding=output_padding)
    shape, rows = candidate_rows(op, matrix)
    ok, message = compare_rows(rows, list(reference.rows), shape, reference.shape,
                               "the dilation-1 operator of the zero-inserted kernel")
    if not ok:
        return CheckResult(name, False, message)
    if op.ndim == 1:
        shown = (f"length d(K-1)+1 = {spans[0]} ({count(d[0] - 1, 'zero')} between taps)")
        shown_latex = (f"length $d(K-1)+1 = {num(spans[0])}$ (${num(d[0] - 1)}$ "
                       f"{plural(d[0] - 1, 'zero', 'zeros')} between taps)")
    else:
        shown = (f"size d(K-1)+1 = {shape_text(spans)} "
                 f"({', '.join(count(da - 1, 'zero') for da in d)} between taps along the axes)")
        shown_latex = (f"size $d_a(K_a-1)+1 = {shape_latex(spans)}$ "
                       f"(${axes_latex([da - 1 for da in d])}$ zeros between taps along the "
                       f"axes)")
    carried = [f"; output padding ${num(e)} \\ge s$ is carried by ${num(e)}$ extra zero taps"
               + (f" along axis ${a}$" if op.ndim > 1 else "") for a, e in enumerate(extra) if e]
    latex = (f"The operator of dilation $d = {axes_latex(d)}$ equals, entry by entry, the "
             f"dilation-$1$ operator of the zero-inserted kernel of {shown_latex}, with padding "
             f"${pair_latex(op.padding)}${''.join(carried)}.")
    return CheckResult(name, True, f"dilation {axes_text(d)} = dilation 1 with the zero-inserted "
                                   f"kernel of {shown}, padding {op.padding}{''.join(notes)}",
                       detail_latex=latex)
