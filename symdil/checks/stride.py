"""Check 3, the stride identity: stride s keeps every s-th row (transposed: column) of stride 1."""

from __future__ import annotations

import itertools
from typing import Any

from ..core.conv import Conv
from .result import CheckResult, plural, symbolic_guard
from .tools import (
    axes_latex,
    axes_text,
    candidate_rows,
    compare_rows,
    count,
    flat_index,
    num,
    pair_latex,
    per_axis_arg,
    remap_columns,
    shape_latex,
    shape_text,
    spatial,
    variant,
)

NAME = "stride_identity"


def check_stride(op: Conv, matrix: Any = None) -> CheckResult:
    """3. Forward: the stride-s operator is the stride-1 operator's rows at multi-indices
    (s_0 i_0, s_1 i_1, ...) of every output channel, same resolved padding (1-D: rows 0, s, 2s,
    ...).  Transposed: it is the columns at (s_0 j_0, ...) of the stride-1 transposed operator on
    (n_a-1)s_a+1+output_padding_a inputs per axis (s_a-1 zeros inserted between inputs)."""
    name = NAME
    skipped = symbolic_guard(name, op)
    if skipped:
        return skipped
    axes = op.axes
    s = tuple(axis.stride for axis in axes)
    n, m = spatial(op, "n"), spatial(op, "m")
    shape, rows = candidate_rows(op, matrix)
    if not op.transposed:
        # at stride 1 the identity reads every row of the operator itself (no second build)
        reference = op if set(s) == {1} else variant(op, stride=1)
        m1 = spatial(reference, "m")
        # stride 1: every row, built at once; else only the selected rows, one by one (Conv.row
        # is local), so the work is the stride-s operator's, not the s times larger stride-1 one
        row_of = reference.rows.__getitem__ if set(s) == {1} else reference.row
        selected = [dict(row_of(flat_index((o, *[sa * ia for sa, ia in zip(s, i)]),
                                           (op.out_channels, *m1))))
                    for o in range(op.out_channels)
                    for i in itertools.product(*[range(length) for length in m])]
        if op.ndim == 1:
            what = f"rows 0, {s[0]}, ... of the stride-1 operator"
            evidence = (f"stride {s[0]} = rows {_progression(s[0], m[0], False)} of the "
                        f"stride-1 operator ({m1[0]} rows, padding {op.padding})")
            if s[0] == 1:
                # at stride 1 the identity selects every row: say so rather than a tautology
                latex = (f"At stride $1$ this check is trivial: the operator keeps every one of "
                         f"the ${num(m1[0])}$ rows of the stride-$1$ operator (padding "
                         f"${pair_latex(op.padding)}$), entry by entry.")
            else:
                latex = (f"The stride-${num(s[0])}$ operator is rows "
                         f"${_progression(s[0], m[0])}$ of the stride-$1$ operator "
                         f"(${num(m1[0])}$ rows, padding ${pair_latex(op.padding)}$), entry by "
                         "entry.")
        else:
            at = ", ".join(f"{sa} i_{a}" for a, sa in enumerate(s))
            what = f"the stride-1 operator's rows at ({at})"
            evidence = (f"stride {axes_text(s)} = the rows at multi-indices ({at}) of every "
                        f"output channel of the stride-1 operator (output {shape_text(m1)} per "
                        f"channel, padding {op.padding})")
            at_latex = ", ".join(f"{sa} i_{a}" for a, sa in enumerate(s))
            latex = (f"The operator of stride ${axes_latex(s)}$ is the rows at multi-indices "
                     f"$({at_latex})$ of every output channel of the stride-$1$ operator (output "
                     f"${shape_latex(m1)}$ per channel, padding ${pair_latex(op.padding)}$), "
                     "entry by entry.")
        ok, message = compare_rows(rows, selected, shape, op.shape, what)
    else:
        long_n = tuple((axis.n - 1) * axis.stride + 1 + axis.output_padding for axis in axes)
        reference = variant(op, n=per_axis_arg(long_n), stride=1, output_padding=0)
        selected = [remap_columns(ref_row, (op.in_channels, *long_n), s, op.input_shape)
                    for ref_row in reference.rows]
        gaps = ", ".join(count(sa - 1, "zero") for sa in s)
        padded = any(axis.output_padding for axis in axes)
        if op.ndim == 1:
            what = f"columns 0, {s[0]}, ... of the stride-1 transposed operator"
            evidence = (f"transposed stride {s[0]} = columns {_progression(s[0], n[0], False)} "
                        f"of the stride-1 transposed operator on {long_n[0]} inputs ({gaps} "
                        f"between inputs{', output_padding zeros after' if padded else ''})")
            latex = (f"The transposed operator of stride ${num(s[0])}$ is columns "
                     f"${_progression(s[0], n[0])}$ of the stride-$1$ transposed operator on "
                     f"${num(long_n[0])}$ inputs ($s - 1 = {num(s[0] - 1)}$ "
                     f"{plural(s[0] - 1, 'zero', 'zeros')} between inputs"
                     f"{', output-padding zeros after' if padded else ''}), entry by entry.")
        else:
            at = ", ".join(f"{sa} j_{a}" for a, sa in enumerate(s))
            what = f"the stride-1 transposed operator's columns at ({at})"
            evidence = (f"transposed stride {axes_text(s)} = the columns at multi-indices ({at}) "
                        f"of the stride-1 transposed operator on {shape_text(long_n)} inputs "
                        f"({gaps} between inputs along the axes"
                        f"{', output_padding zeros after' if padded else ''})")
            at_latex = ", ".join(f"{sa} j_{a}" for a, sa in enumerate(s))
            latex = (f"The transposed operator of stride ${axes_latex(s)}$ is the columns at "
                     f"multi-indices $({at_latex})$ of the stride-$1$ transposed operator on "
                     f"${shape_latex(long_n)}$ inputs ($s_a - 1$ zeros between inputs along each "
                     f"axis{', output-padding zeros after' if padded else ''}), entry by entry.")
        ok, message = compare_rows(rows, selected, shape, op.shape, what)
    if not ok:
        return CheckResult(name, False, message)
    return CheckResult(name, True, evidence, detail_latex=latex)


def _progression(step: int, count: int, latex: bool = True) -> str:
    """``0, 2, \\dots, 10`` (every index written out when there are at most three)."""
    values = [step * i for i in range(min(count, 3))]
    write = num if latex else str
    if count <= 3:
        return ", ".join(write(v) for v in values)
    dots = "\\dots" if latex else "..."
    return f"0, {write(step)}, {dots}, {write(step * (count - 1))}"
