"""What a stack document may say: one frozen record per statement, each with its own predicate.

A stack statement is the shared ``symdil.statements.base.Statement(kind, params)``, decided by
``holds(evidence)``, where ``evidence`` exposes the
operator's sparse rows as the interface agreed for statements says: ``rows`` (the composed
matrix, output row -> {input column: coefficient}), ``input_shape``/``output_shape``, and for a
stack ``layer_rows``/``layer_shapes`` (each layer's own operator), so a test can pass the rows of
an independent reference instead of symdil's.  ``stack_statements(stack)`` builds the statements
a stack document prints; the templates phrase them by kind and never decide a fact.

Kinds (registered with ``symdil.statements.base.register``): ``stack_layer_lengths`` (the table's
sizes), ``stack_receptive_field`` (r, S and P of layers 1..l along one axis), ``stack_product``
(the composed matrix is the product of the layers' matrices), ``stack_region`` (the input region
of one output), ``stack_single_conv`` (the stack is one convolution, or is except for the listed
border rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import sympy

from ..statements.base import Statement, register
from .model import Stack, _prod, _unflatten


@dataclass(frozen=True)
class StackEvidence:
    """Rows to decide statements on: the composed matrix and each layer's matrix."""

    rows: Sequence[Mapping[int, Any]]
    input_shape: tuple
    output_shape: tuple
    layer_rows: Sequence[Sequence[Mapping[int, Any]]]
    layer_shapes: Sequence[tuple[tuple, tuple]]  # (input_shape, output_shape) per layer

    @classmethod
    def of(cls, stack: Stack) -> "StackEvidence":
        return cls(stack.rows, stack.input_shape, stack.output_shape,
                   [layer.rows for layer in stack.layers],
                   [(layer.input_shape, layer.output_shape) for layer in stack.layers])


#: A stack statement is the shared ``symdil.statements`` record; its kinds (``stack_...``) are
#: registered below with their predicates.
StackStatement = Statement


def _same(a: Any, b: Any) -> bool:
    return sympy.expand(sympy.sympify(a) - sympy.sympify(b)) == 0


def _partial_supports(evidence: StackEvidence, upto: int) -> list[set[int]]:
    """Supports of the rows of M_upto ... M_1, composed from the layers' supports."""
    supports = [set(row) for row in evidence.layer_rows[0]]
    for rows in evidence.layer_rows[1:upto]:
        supports = [set().union(*[supports[c] for c in row]) if row else set() for row in rows]
    return supports


@register("stack_layer_lengths", "each layer's input and output shape, chained")
def _layer_lengths(params: Mapping[str, Any], evidence: StackEvidence) -> bool:
    shapes = [tuple(shape) for pair in evidence.layer_shapes for shape in pair]
    want = [tuple(shape) for pair in params["shapes"] for shape in pair]
    chained = all(evidence.layer_shapes[i][1] == evidence.layer_shapes[i + 1][0]
                  for i in range(len(evidence.layer_shapes) - 1))
    counts = all(len(rows) == _prod(shape[1]) for rows, shape in
                 zip(evidence.layer_rows, evidence.layer_shapes))
    return shapes == want and chained and counts


@register("stack_receptive_field", "receptive field, effective stride and padding of layers "
          "1..l along an axis, against the row supports")
def _receptive_field(params: Mapping[str, Any], evidence: StackEvidence) -> bool:
    """Every row of M_upto ... M_1 reads inside [S i - P, S i - P + r - 1] along the axis (rows
    whose region lies in the input; all rows with zero padding), and a row whose region lies in
    the input reads exactly its region, of size r (when such a row exists)."""
    upto, axis, r, stride, before = (params[k] for k in ("upto", "axis", "r", "stride",
                                                         "before"))
    in_shape = evidence.layer_shapes[0][0]
    out_shape = evidence.layer_shapes[upto - 1][1]
    n = in_shape[axis + 1]
    regions = params.get("regions")  # exact regions (transposed layers): {i: (u, v) or None}
    for row, support in enumerate(_partial_supports(evidence, upto)):
        i = _unflatten(row, out_shape)[axis + 1]
        if regions is None:
            low, high = stride * i - before, stride * i - before + r - 1
        else:
            region = regions.get(i)
            if region is None:
                if support and (params["zeros"] or i in params["clean"]):
                    return False
                continue
            low, high = region
        inside = 0 <= low and high <= n - 1
        if params.get("clean") is not None:
            # a padding mode folds border reads back into the input, a transposed layer's
            # cropped outputs are absent: only rows that read no padding are exact
            inside = i in params["clean"]
            if not inside and not params["zeros"]:
                continue
        if not support:
            continue
        positions = [_unflatten(c, in_shape)[axis + 1] for c in support]
        if not low <= min(positions) <= max(positions) <= high:
            return False
        if inside and (min(positions), max(positions)) != (low, high):
            return False
        if inside and regions is not None and high - low + 1 > r:
            return False
    return True


@register("stack_product", "the composed rows are the product of the layers' rows")
def _product(params: Mapping[str, Any], evidence: StackEvidence) -> bool:
    product = [dict(row) for row in evidence.layer_rows[0]]
    for rows in evidence.layer_rows[1:]:
        nxt = []
        for row in rows:
            acc: dict[int, Any] = {}
            for c, coef in row.items():
                for j, value in product[c].items():
                    acc[j] = acc.get(j, 0) + coef * value
            nxt.append(acc)
        product = nxt
    if len(product) != len(evidence.rows):
        return False
    return all(_same(got.get(c, 0), want.get(c, 0)) for got, want in zip(evidence.rows, product)
               for c in set(got) | set(want))


@register("stack_region", "the input region of one output (and of its most central translate)")
def _region(params: Mapping[str, Any], evidence: StackEvidence) -> bool:
    """Output ``index`` reads inside ``region`` (per axis), exactly the region when it lies in
    the input; and a translate of it -- output ``index + q * period`` reads ``region + q *
    shift`` along each axis -- lies in the input and is read exactly, so a region reaching into
    the padding is decided too (when the input is long enough for such a translate)."""
    index, region = tuple(params["index"]), params["region"]
    in_shape, out_shape = evidence.input_shape, evidence.output_shape
    support = evidence.rows[params["row"]]
    if params.get("positions") is not None:
        # T4: a row whose padding folds reads exactly these input positions along each axis
        for axis, positions in enumerate(params["positions"]):
            if {_unflatten(c, in_shape)[axis + 1] for c in support} != set(positions):
                return False
    if region is None:
        return not support or not params["zeros"]

    def hull(cols: Any, axis: int) -> tuple[int, int] | None:
        positions = [_unflatten(c, in_shape)[axis + 1] for c in cols]
        return (min(positions), max(positions)) if positions else None

    zeros = params["zeros"]
    clean = params.get("clean")

    def exact(axis: int, i: int, low: int, high: int) -> bool:
        """Is output index i's read set along the axis its whole region?"""
        if clean is None:  # zero padding, forward layers: a region inside the input is read
            return 0 <= low and high < in_shape[axis + 1]
        return i in clean[axis]

    for axis, (low, high) in enumerate(region):
        seen = hull(support, axis)
        if seen is None:
            continue
        if zeros and not low <= seen[0] <= seen[1] <= high:
            return False
        if exact(axis, index[axis], low, high) and seen != (low, high):
            return False
    # a translate inside the input, read exactly
    choices = []
    for axis, (low, high) in enumerate(region):
        period, shift = params["period"][axis], params["shift"][axis]
        n, m = in_shape[axis + 1], out_shape[axis + 1]
        options = [q for q in range(-(index[axis] // period), (m - 1 - index[axis]) // period + 1)
                   if 0 <= low + q * shift and high + q * shift < n
                   and exact(axis, index[axis] + q * period, low + q * shift, high + q * shift)]
        if not options:
            return True  # no translate fits in this input: the region is not decided further
        # the most central translate: its true region lies inside too whenever the input is
        # long enough for it, so a claim that differs shows in that row's support
        choices.append(min(options, key=lambda q: (abs(2 * (low + q * shift) + high - low
                                                       - (n - 1)), q)))
    position = tuple(i + q * p for i, q, p in zip(index, choices, params["period"]))
    row = _unflatten(params["row"], out_shape)[0]  # the same output channel
    for size, value in zip(out_shape[1:], position):
        row = row * size + value
    for axis, (low, high) in enumerate(region):
        shifted = (low + choices[axis] * params["shift"][axis],
                   high + choices[axis] * params["shift"][axis])
        if hull(evidence.rows[row], axis) != shifted:
            return False
    return True


@register("stack_polynomial", "the composed taps c_t are the coefficients of the product of the "
          "layers' polynomials K_l(z) = sum_t k_(tap l t) z^t taken at z^(d_l J_l) -- tap K-1-t at "
          "offset t in a flipped layer --, and row `row` of the stack holds them from column "
          "`start` on")
def _polynomial(params: Mapping[str, Any], evidence: StackEvidence) -> bool:
    z = sympy.Symbol("z")
    product = sympy.Integer(1)
    for taps, power in params["factors"]:
        product *= sum(tap * z ** (offset * power) for offset, tap in enumerate(taps))
    coefficients = sympy.Poly(sympy.expand(product), z).all_coeffs()[::-1]
    taps = list(params["taps"])
    coefficients += [0] * (len(taps) - len(coefficients))
    if len(coefficients) != len(taps) or not all(
            _same(a, b) for a, b in zip(coefficients, taps)):
        return False
    row = evidence.rows[params["row"]]
    want = {params["start"] + t: c for t, c in enumerate(taps) if sympy.expand(c) != 0}
    return set(row) == set(want) and all(_same(row[c], want[c]) for c in want)


@register("stack_single_conv", "the stack equals one convolution except on the listed border rows")
def _single_conv(params: Mapping[str, Any], evidence: StackEvidence) -> bool:
    from ..core.conv import Conv

    n = evidence.input_shape[1:]
    candidate = Conv(n=n[0] if len(n) == 1 else n, **params["conv"])
    border = set(params["border"])
    if tuple(candidate.output_shape) != tuple(evidence.output_shape):
        return False
    for r, (got, want) in enumerate(zip(evidence.rows, candidate.rows)):
        equal = all(_same(got.get(c, 0), want.get(c, 0)) for c in set(got) | set(want))
        if equal == (r in border) and (r not in border or params["symbolic"]):
            return False
    return True


class _Sub:
    """Layers 1..upto of a stack, for ``clean_indices`` of a partial product."""

    def __init__(self, stack: Stack, upto: int) -> None:
        self.layers = stack.layers[:upto]
        self.__dict__["_clean_cache"] = {}

    clean_indices = Stack.clean_indices


def stack_statements(stack: Stack) -> list[StackStatement]:
    """The statements of a stack document, in document order."""
    zeros = all(layer.axes[0].padding_mode == "zeros" for layer in stack.layers)
    out = [Statement("stack_layer_lengths", {"shapes": [
        (layer.input_shape, layer.output_shape) for layer in stack.layers]})]
    for axis in range(stack.ndim):
        fields = stack.receptive_fields(axis)
        jumps = stack.jumps(axis)
        for upto in range(1, len(stack.layers) + 1):
            sub = stack.layers[:upto]
            forward = not any(layer.transposed for layer in sub)
            params: dict[str, Any] = {"upto": upto, "axis": axis, "r": fields[upto - 1],
                                      "zeros": zeros, "closed_form": forward}
            if not (zeros and forward):
                params["clean"] = _Sub(stack, upto).clean_indices(axis)
            if forward:
                before = sum(layer.axes[axis].pad_before * jumps[k]
                             for k, layer in enumerate(sub))
                stride = _prod([layer.axes[axis].stride for layer in sub])
                params.update(stride=stride, before=before)
            else:
                m = sub[-1].axes[axis].output_length
                params.update(stride=None, before=None, regions={
                    i: stack._region(axis, i, upto) for i in range(m)})
            out.append(Statement("stack_receptive_field", params))
    out.append(Statement("stack_product", {"layers": len(stack.layers)}))
    m = stack.output_shape[1:]
    for index in (tuple(0 for _ in m), tuple(size - 1 for size in m)):
        region = [stack._region(a, index[a], len(stack.layers)) for a in range(stack.ndim)]
        flat = 0
        for size, value in zip(m, index):
            flat = flat * size + value
        period, shift = [], []
        for a in range(stack.ndim):
            forward = _prod([layer.axes[a].stride for layer in stack.layers
                             if not layer.transposed])
            transposed = _prod([layer.axes[a].stride for layer in stack.layers
                                if layer.transposed])
            period.append(transposed)  # out shift by prod(transposed s) = in shift prod(s)
            shift.append(forward)
        positions = None
        if not zeros and stack.forward_only:
            # T4: the padding folds this row's reads back into the input: the exact positions
            # it reads, per axis, from the row itself (exact coefficients, cancellation included)
            in_shape = stack.input_shape
            support = stack.row(flat)
            positions = tuple(tuple(sorted({_unflatten(c, in_shape)[a + 1] for c in support}))
                              for a in range(stack.ndim))
            if all(set(p) == set(range(u, v + 1)) for p, (u, v) in zip(
                    positions, region if None not in region else [])) and None not in region:
                positions = None  # the row reads its region as it is: nothing folds
        out.append(Statement("stack_region", {
            "positions": positions,
            "row": flat, "index": index, "zeros": zeros, "period": tuple(period),
            "clean": None if zeros and stack.forward_only else tuple(
                stack.clean_indices(a) for a in range(stack.ndim)),
            "shift": tuple(shift), "region": None if None in region else tuple(region)}))
    single = stack.single_conv()
    polynomial = _polynomial_statement(stack, single)
    if single.candidate is not None:
        conv = single.candidate.args
        keys = ("kernel", "stride", "padding", "in_channels", "out_channels", "input_symbol",
                "output_symbol", "kernel_symbol")
        out.append(Statement("stack_single_conv", {
            "conv": {key: conv[key] for key in keys}, "border": single.border,
            "symbolic": all(isinstance(t, sympy.Symbol) for t in stack.kernel),
            "exists": single.conv is not None}))
    if polynomial is not None:
        out.append(polynomial)
    return out


def _polynomial_statement(stack: Stack, single: Any) -> Statement | None:
    """C(z) of a 1-D one-channel stack with a single-convolution candidate: each layer's taps in
    offset order (reversed for a flipped layer, T5), the power d_l J_l, and an interior row that
    holds the composed taps."""
    candidate = single.candidate
    if candidate is None or stack.ndim != 1 or not all(
            layer.in_channels == layer.out_channels == 1 for layer in stack.layers):
        return None
    jumps = stack.jumps(0)
    factors = []
    for number, layer in enumerate(stack.layers):
        axis = layer.axes[0]
        K = axis.kernel_size
        taps = tuple(layer.kernel[K - 1 - t] if axis.flip else layer.kernel[t] for t in range(K))
        factors.append((taps, axis.dilation * jumps[number]))
    border = set(single.border)
    axis = candidate.axes[0]
    size = len(candidate.kernel)

    def whole(r: int) -> bool:  # the row equals the candidate's, which reads all its taps
        start = axis.stride * r - axis.pad_before
        return r not in border and 0 <= start and start + size <= axis.n

    first = max(0, -(-axis.pad_before // axis.stride))
    row = next((r for r in range(first, min(first + len(border) + 2, candidate.shape[0]))
                if whole(r)), None)
    if row is None:
        return None
    return Statement("stack_polynomial", {
        "factors": tuple(factors), "taps": tuple(candidate.kernel), "row": row,
        "start": axis.stride * row - axis.pad_before})
