"""Check 1, the definition: every row of the operator is the defining sum, exactly.

The defining sums are written here from the convolution's definition (any dimension), sparsely:
forward ``y[o, i] = sum_c sum_t w[o, c, t] x~[c, s*i + d*t]`` over the padded input ``x~`` (read
from the description of the padding modes, ``tools.padded_sources``; flip: the kernel reversed);
transposed, the scatter ``out[o, s*i + d*t - p] += w[c, o, t] x[c, i]``.  A row is compared column
by column (coefficients exactly, SymPy), so the work is proportional to the non-zeros.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import sympy

from ..core.conv import Conv
from . import sparse  # noqa: I001
from .result import CheckResult, symbolic_guard
from .tools import Rows, candidate_rows, num, padded_sources, prod, same

NAME = "definition"
#: ``Conv.output`` is one SymPy sum per row (about 60 µs per non-zero on the machine README's
#: figures come from): up to this many non-zeros the check builds it and compares it with the
#: rows; beyond, it says so (documents print y_i from the rows, which are always checked).
OUTPUT_CHECK_LIMIT = 20_000


def _product(per_axis: Sequence[Sequence[tuple[int, int, int]]], sizes: Sequence[int],
             lengths: Sequence[int], ksizes: Sequence[int], flip: bool
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every combination of one (index, tap, position) triple per axis, the last axis varying
    fastest: (flat index in ``lengths``, flat kernel index, flat position in ``sizes``)."""
    index = np.zeros(1, dtype=np.int64)
    kernel = np.zeros(1, dtype=np.int64)
    position = np.zeros(1, dtype=np.int64)
    for triples, size, length, k in zip(per_axis, sizes, lengths, ksizes):
        arr = np.asarray(triples, dtype=np.int64).reshape(-1, 3)
        taps = k - 1 - arr[:, 1] if flip else arr[:, 1]
        index = (index[:, None] * length + arr[None, :, 0]).reshape(-1)
        kernel = (kernel[:, None] * k + taps[None, :]).reshape(-1)
        position = (position[:, None] * size + arr[None, :, 2]).reshape(-1)
    return index, kernel, position


def definition_entries(op: Conv) -> sparse.Sparse:
    """The operator's non-zeros from the defining sums, as sorted arrays (values added in the
    order of the sum where several taps fold onto one column; zeros left out)."""
    axes = op.axes
    sizes = [axis.n for axis in axes]
    ksizes = [axis.kernel_size for axis in axes]
    lengths = [axis.output_length for axis in axes]
    kernel = sparse.objects(op.kernel)
    lead1 = op.kernel_shape[1]
    taps = prod(ksizes)
    per_in = op.in_channels // op.groups
    per_out = op.out_channels // op.groups
    in_size, out_size = prod(sizes), prod(lengths)
    if not op.transposed:
        sources = [padded_sources(a.n, a.pad_before, a.pad_after, a.padding_mode) for a in axes]
        # per axis: (output index, tap, input index) of every tap that meets an input sample
        reads = [[(i, t, src[a.stride * i + a.dilation * t]) for i in range(m)
                  for t in range(a.kernel_size) if src[a.stride * i + a.dilation * t] is not None]
                 for a, src, m in zip(axes, sources, lengths)]
        out_index, kf, in_index = _product(reads, sizes, lengths, ksizes, op.flip)
        # y[o, i] += w[o, local, t] x~[group * per_in + local, ...]
        pairs = [(o, (o * lead1 + local) * taps, ((o // per_out) * per_in + local) * in_size)
                 for o in range(op.out_channels) for local in range(per_in)]
        pair = np.asarray(pairs, dtype=np.int64).reshape(-1, 3)
        rows = (pair[:, 0:1] * out_size + out_index[None, :]).reshape(-1)
        cols = (pair[:, 2:3] + in_index[None, :]).reshape(-1)
        weights = (pair[:, 1:2] + kf[None, :]).reshape(-1)
    else:
        # per axis: (input index, tap, output index) of the scatter's kept writes
        writes = [[(j, t, j * a.stride + t * a.dilation - a.pad_before) for j in range(a.n)
                   for t in range(a.kernel_size)
                   if 0 <= j * a.stride + t * a.dilation - a.pad_before < m]
                  for a, m in zip(axes, lengths)]
        in_index, kf, out_index = _product(writes, lengths, sizes, ksizes, op.flip)
        # out[group * per_out + local, target] += w[c, local, t] x[c, j]
        pairs = [((c // per_in) * per_out + local, (c * lead1 + local) * taps, c)
                 for c in range(op.in_channels) for local in range(per_out)]
        pair = np.asarray(pairs, dtype=np.int64).reshape(-1, 3)
        rows = (pair[:, 0:1] * out_size + out_index[None, :]).reshape(-1)
        cols = (pair[:, 2:3] * in_size + in_index[None, :]).reshape(-1)
        weights = (pair[:, 1:2] + kf[None, :]).reshape(-1)
    return sparse.build(op.shape, rows, cols, kernel[weights])


def definition_rows(op: Conv) -> Rows:
    """The operator's rows (column -> coefficient, zeros left out) from the defining sums."""
    return sparse.to_rows(definition_entries(op))


def definition_row(axis: Any, n: int, kernel: Sequence[Any], r: int) -> dict[int, Any]:
    """Row ``r`` of a 1-D, one-channel operator with ``axis``'s geometry at input length ``n``
    (which may differ from ``axis.n``: the general case's instances), from the defining sum alone
    in O(K) -- the same entries as ``definition_rows`` of that instance, without building it.
    Forward ``y_r = sum_t k_t x~[s*r + d*t]``, ``x~`` the padded input (``tools.padded_sources``'s
    blocks, read one position at a time); transposed, the writes of the scatter
    ``out[s*j + d*t - p] += k_t x[j]`` that land on ``r``."""
    K, s, d = axis.kernel_size, axis.stride, axis.dilation
    before, after = axis.pad_before, axis.pad_after
    hits: dict[int, list[Any]] = {}
    for t in range(K):
        tap = kernel[K - 1 - t if axis.flip else t]
        if axis.transposed:
            j, rest = divmod(r + before - d * t, s)
            source = j if rest == 0 and 0 <= j < n else None
        else:
            source = padded_source(n, before, after, axis.padding_mode, s * r + d * t)
        if source is not None:
            hits.setdefault(source, []).append(tap)
    row = {}
    for col, taps in hits.items():
        coef = taps[0] if len(taps) == 1 else sympy.Add(*taps)
        if not (coef.is_Number and coef == 0):  # only a number can be zero here
            row[col] = coef
    return row


def padded_source(n: int, before: int, after: int, mode: str, q: int) -> int | None:
    """``padded_sources(n, before, after, mode)[q]`` without listing the padded axis."""
    if q < before:
        block, k = "left", q
    elif q < before + n:
        return q - before
    else:
        block, k = "right", q - before - n
    if mode == "zeros":
        return None
    if mode == "circular":
        return n - before + k if block == "left" else k
    if mode == "reflect":
        return before - k if block == "left" else n - 2 - k
    return 0 if block == "left" else n - 1  # replicate


def definition_outputs(op: Conv) -> list[Any]:
    """The defining sums as expressions (sum of coefficient * input symbol per output)."""
    inputs = op.input
    return [sympy.Add(*[coef * inputs[c] for c, coef in row.items()])
            for row in definition_rows(op)]


def _output_matches(expr: Any, row: dict[int, Any], columns: dict[Any, int],
                    inputs: Sequence[Any]) -> bool:
    """Whether the output expression is sum of coef * input over ``row``: its terms are read back
    (input symbol, coefficient) without building a second sum; anything unusual is expanded."""
    found: dict[int, Any] = {}
    for term in sympy.Add.make_args(expr):
        if term == 0:
            continue
        factors = sympy.Mul.make_args(term)
        symbols = [f for f in factors if f in columns]
        if len(symbols) != 1:
            break
        others = [f for f in factors if f is not symbols[0]]
        coef = others[0] if len(others) == 1 else sympy.Mul(*others)
        col = columns[symbols[0]]
        if col in found:
            break
        found[col] = coef
    else:
        if found.keys() == row.keys() and all(same(found[c], row[c]) for c in row):
            return True
    return same(expr, sympy.Add(*[coef * inputs[c] for c, coef in row.items()]))


def check_definition(op: Conv, matrix: Any = None, output: Sequence[Any] | None = None
                     ) -> CheckResult:
    """1. Every row of ``matrix`` (default: the op's own) equals the defining sum, coefficient by
    coefficient, exactly; and the output vector (``output``, default ``Conv.output`` up to
    ``OUTPUT_CHECK_LIMIT`` non-zeros) is matrix * input."""
    skipped = symbolic_guard(NAME, op)
    if skipped:
        return skipped
    shape, rows = candidate_rows(op, matrix)
    defined = definition_entries(op)
    problems = []
    ok, message = sparse.compare(sparse.from_rows(rows, shape), defined, "the defining sum")
    if not ok:
        problems.append(message)
    nonzeros = sum(len(row) for row in rows)
    if output is None and nonzeros <= OUTPUT_CHECK_LIMIT:
        output = op.output
    if output is not None and not problems:
        outputs = list(output)
        if len(outputs) != len(rows):
            problems.append(f"output vector has {len(outputs)} entries, the matrix {len(rows)} "
                            "rows")
        else:
            inputs = op.input
            columns = {symbol: c for c, symbol in enumerate(inputs)}
            bad = [r for r, (expr, row) in enumerate(zip(outputs, rows))
                   if not _output_matches(expr, row, columns, inputs)]
            if bad:
                r = bad[0]
                problems.append(f"matrix*input differs from the output vector in {len(bad)} "
                                f"rows; first row {r} (0-based, {op.output_symbol_at(r)}): "
                                f"{outputs[r]}")
    if problems:
        return CheckResult(NAME, False, "; ".join(problems))
    m = len(rows)
    kind, kind_latex = formula(op)
    if output is not None:
        text = (f"{m} outputs: matrix*input = output = {kind}, exact, "
                f"coefficient by coefficient")
        latex = (f"All ${num(m)}$ outputs satisfy $M a = y$ and equal {kind_latex}, exactly, "
                 "coefficient by coefficient.")
    else:
        text = (f"{m} rows of the matrix = {kind}, exact, coefficient by "
                f"coefficient; the output vector (one SymPy sum per row) was not built: "
                f"{nonzeros:,} non-zeros > {OUTPUT_CHECK_LIMIT:,}, and documents print y_i from "
                "these rows")
        latex = (f"All ${num(m)}$ rows of $M$ equal {kind_latex}, exactly, coefficient by "
                 "coefficient (documents print $y_i$ from these rows).")
    return CheckResult(NAME, True, text, detail_latex=latex)


def formula(op: Conv) -> tuple[str, str]:
    """The defining sum the check compares with, as the document's section 1 writes it (text,
    LaTeX): forward ``y_i = sum_t k_t a~[s*i + d*t - p_before]`` over the padded input indexed
    from ``-p_before``; transposed, the sums the scatter ``y[s*j + d*t - p] += k_t a_j``
    collects.  Flip reverses the tap (``k_{K-1-t}``); N-D reads it along each axis, channels
    sum it over the input channels each output channel is connected to."""
    tap = tap_latex = "k_{K-1-t}" if op.flip else "k_t"
    if op.transposed:
        text = f"the sums collected by the scatter y[s*j+d*t-p] += {tap} a_j"
        latex = (r"the sums collected by the scatter $y_{sj+dt-p} \mathrel{+}= "
                 f"{tap_latex} a_j$ over $j$ and $t$")
    else:
        text = (f"the defining sum y_i = sum_t {tap} a~[s*i+d*t-p_before] over the padded "
                "input a~ (indexed from -p_before)")
        latex = (r"the defining sum $y_i = \sum_t " + tap_latex
                 + r" \tilde a_{si+dt-p_{\mathrm{before}}}$ over the padded input $\tilde a$ "
                 r"(indexed from $-p_{\mathrm{before}}$)")
    if op.ndim > 1:
        text += ", along each axis"
        latex += ", along each axis"
    if op.in_channels > 1 or op.out_channels > 1:
        text += ", summed over the input channels each output channel is connected to"
        latex += ", summed over the input channels each output channel is connected to"
    return text, latex
