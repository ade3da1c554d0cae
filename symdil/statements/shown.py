"""Statement kinds about what a document shows of the operator: which rows and columns of the
matrix are printed (the elision sentence), and the numeric kernel it prints."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import sympy

from .base import Evidence, register


def _ordered(indices: Sequence[Any], size: int) -> bool:
    """``indices`` (None: an ellipsis) are increasing indices of ``range(size)``; an ellipsis
    stands for at least one index, and indices without one between them are adjacent."""
    previous: Any = -1
    gap = False
    for index in list(indices) + [size]:
        if index is None:
            if gap:
                return False  # two ellipses in a row
            gap = True
            continue
        if not isinstance(index, (int, sympy.Integer)):
            return False
        step = int(index) - int(previous)
        if index != size and not 0 <= index < size:
            return False
        if (gap and step < 2) or (not gap and step != 1):
            return False
        previous, gap = index, False
    return True


@register("elision", "The printed matrix shows exactly the rows `rows` and columns `cols` of the "
          "`shape` matrix (None: an ellipsis standing for at least one row or column); the "
          "shown indices are increasing, indices with no ellipsis between them are adjacent, "
          "and every printed entry (`entries`: (row, column) -> value) is the matrix's.")
def _elision(params: Mapping[str, Any], ev: Evidence) -> bool:
    rows, cols = tuple(params["shape"])
    if (ev.row_count, ev.column_count) != (rows, cols):
        return False
    if not (_ordered(params["rows"], rows) and _ordered(params["cols"], cols)):
        return False
    matrix = ev.rows
    for (r, c), value in params["entries"].items():
        if sympy.expand(matrix[r].get(c, 0) - value) != 0:
            return False
    return True


@register("kernel_values", "The (flat) kernel is exactly `values`.")
def _kernel_values(params: Mapping[str, Any], ev: Evidence) -> bool:
    return tuple(ev.kernel) == tuple(params["values"])


@register("cost", "The definition costs `lines` x `per_line` = `total` products (per output "
          "gathered, or per input scattered: `scatter`) against rows x columns = `dense` for the "
          "dense product (the general case at stride > 1, where the products kept are not "
          "counted).")
def _cost(params: Mapping[str, Any], ev: Evidence) -> bool:
    lines = ev.column_count if params["scatter"] else ev.row_count
    per_line = 1
    for size in (tuple(ev.kernel_shape) if ev.kernel_shape else (1, 1, len(ev.kernel)))[1:]:
        per_line *= size
    return (params["lines"] == lines and params["per_line"] == per_line
            and params["total"] == lines * per_line
            and params["dense"] == ev.row_count * ev.column_count)


def _ravel(index: Sequence[int], shape: Sequence[int]) -> int:
    flat = 0
    for value, size in zip(index, shape):
        flat = flat * size + value
    return flat


@register("definition", "The operator is the convolution the parameters define: every output "
          "(channel, position) meets exactly the inputs and weights that the per-axis rule "
          "(`axes`: K, s, d, p, flip, mode, transposed), the channel groups (`groups`) and the "
          "shapes (`input_shape` (C_in, *n), `output_shape` (C_out, *m)) give -- a plain loop "
          "over the definition.")
def _definition(params: Mapping[str, Any], ev: Evidence) -> bool:
    import itertools

    from .kinds import expected_taps, kernel_shape

    input_shape, output_shape = tuple(params["input_shape"]), tuple(params["output_shape"])
    if (tuple(ev.input_shape), tuple(ev.output_shape)) != (input_shape, output_shape):
        return False
    axes = list(params["axes"])
    spatial_in, spatial_out = input_shape[1:], output_shape[1:]
    ksizes = [g["K"] for g in axes]
    per_axis = [expected_taps(g, n, m) for g, n, m in zip(axes, spatial_in, spatial_out)]
    groups = params["groups"]
    c_in, c_out = input_shape[0], output_shape[0]
    per_in, per_out = c_in // groups, c_out // groups
    transposed = axes[0]["transposed"]
    if tuple(kernel_shape(ev)) != ((c_in, per_out) if transposed else (c_out, per_in)) + tuple(
            ksizes):
        return False
    taps_per = 1
    for size in ksizes:
        taps_per *= size
    inputs_per = 1
    for size in spatial_in:
        inputs_per *= size
    row = 0
    for o in range(c_out):
        group = o // per_out
        for position in itertools.product(*(range(m) for m in spatial_out)):
            expected: dict[int, dict[int, int]] = {}
            lines = [per_axis[a][i] for a, i in enumerate(position)]
            for c in range(group * per_in, (group + 1) * per_in):
                lead = (c * per_out + o % per_out) if transposed else (o * per_in + c % per_in)
                for combo in itertools.product(*(sorted((j, t) for j, ts in line_.items()
                                                        for t in ts) for line_ in lines)):
                    column = c * inputs_per + _ravel([j for j, _ in combo], spatial_in)
                    weight = lead * taps_per + _ravel([t for _, t in combo], ksizes)
                    entry = expected.setdefault(column, {})
                    entry[weight] = entry.get(weight, 0) + 1
            if {c: dict(w) for c, w in ev.taps[row].items()} != expected:
                return False
            row += 1
    return row == ev.row_count
