"""The verification checks: each a small named function returning a ``CheckResult``.

Every check compares a *candidate* operator (by default the one ``Conv`` built) with something
derived another way, so each can fail: pass ``matrix=`` (and for the definition ``output=``) to
check a different, possibly wrong, operator against the convolution's parameters.  The checks are
sparse: O(m*K) work per operator, so n = 4096 takes seconds.

1. ``check_definition``     matrix * input = output vector = the defining sum (exact, SymPy)
2. ``check_dilation``       dilation d = dilation 1 with the zero-inserted kernel of length d(K-1)+1
3. ``check_stride``         stride s = rows 0, s, 2s, ... of the stride-1 operator (same padding)
4. ``check_transposition``  <Ta, b> = <a, T^T b>; transposed = forward transposed; zero insertion
5. ``check_polyphase``      dilation d = d ordinary convolutions on the phases of the padded input
6. ``check_formulas``       output length, padding, receptive field, zero diagonals vs counts
8. ``check_numeric``        random values vs an independent NumPy loop (and PyTorch on request)

Check 7, the general case (symbolic n), lives in ``symdil.general``.  Only the definition and the
numeric checks work in N-D yet; the others report "not applicable in N-D yet" explicitly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import sympy

from .conv import Conv
from .spec import SymdilError

Rows = list[dict[int, Any]]

TORCH_INSTALL = "pip install torch==2.13.0"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.  ``applicable=False`` marks a check that did not run (``passed`` is
    then True and ``detail`` starts with "not applicable:"), so a report never passes silently."""

    name: str
    passed: bool
    detail: str
    applicable: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


def not_applicable(name: str, reason: str) -> CheckResult:
    return CheckResult(name, True, f"not applicable: {reason}", applicable=False)


# ----- shared helpers -------------------------------------------------------------------------

def _prod(values: Sequence[int]) -> int:
    result = 1
    for value in values:
        result *= value
    return result


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _guard(name: str, op: Conv, nd_ok: bool = False) -> CheckResult | None:
    if op.symbolic:
        return not_applicable(name, f"n = {op.axes[0].n} is symbolic; see the general case")
    if op.ndim > 1 and not nd_ok:
        return not_applicable(name, f"not applicable in N-D yet ({op.ndim}-D operator)")
    return None


def candidate_rows(op: Conv, matrix: Any = None) -> tuple[tuple[int, int], Rows]:
    """(shape, rows as column -> non-zero coefficient) of ``matrix``, or of the op's own matrix."""
    if matrix is None:
        return op.shape, list(op.rows)
    shape = (int(matrix.shape[0]), int(matrix.shape[1]))
    rows: Rows = [{} for _ in range(shape[0])]
    for (r, c), value in sorted(matrix.todok().items()):
        if value != 0:
            rows[r][c] = value
    return shape, rows


def _same(a: Any, b: Any) -> bool:
    return a == b or sympy.expand(a - b) == 0


def compare_rows(got: Rows, want: Rows, got_shape: tuple[int, int],
                 want_shape: tuple[int, int], what: str) -> tuple[bool, str]:
    """Entry-by-entry equality of two sparse operators; the message names the first mismatch."""
    if tuple(got_shape) != tuple(want_shape):
        return False, f"shape {got_shape[0]}x{got_shape[1]} differs from {what} " \
                      f"{want_shape[0]}x{want_shape[1]}"
    bad = 0
    first = ""
    for r, (row_got, row_want) in enumerate(zip(got, want)):
        for c in sorted(set(row_got) | set(row_want)):
            a = row_got.get(c, sympy.Integer(0))
            b = row_want.get(c, sympy.Integer(0))
            if not _same(a, b):
                bad += 1
                if not first:
                    first = f"entry (row {r}, column {c}) (0-based) is {a}, {what} has {b}"
    if bad:
        return False, f"{bad} entries differ from {what}; first: {first}"
    return True, ""


def transpose_rows(rows: Rows, columns: int) -> Rows:
    result: Rows = [{} for _ in range(columns)]
    for r, row in enumerate(rows):
        for c, value in row.items():
            result[c][r] = value
    return result


def padded_sources(n: int, before: int, after: int, mode: str) -> list[int | None]:
    """For each position of the padded axis, the input index it holds (None: a zero).

    Written from the description of the padding modes (left block + input + right block), not from
    ``symdil.operator``: the checks need a second derivation, not the same code twice.
    """
    inner = list(range(n))
    if mode == "zeros":
        left, right = [None] * before, [None] * after
    elif mode == "circular":
        left, right = (inner[n - before:] if before else []), inner[:after]
    elif mode == "reflect":
        left, right = [before - i for i in range(before)], [n - 2 - i for i in range(after)]
    elif mode == "replicate":
        left, right = [0] * before, [n - 1] * after
    else:  # pragma: no cover - validated by spec
        raise SymdilError(f"unknown padding_mode {mode!r}")
    return left + inner + right


def _kernel_size(op: Conv) -> int:
    return op.axes[0].kernel_size


def nested_kernel(flat: Sequence[Any], shape: Sequence[int]) -> list:
    """A 1-D weight, flat in PyTorch's layout, as the nested (lead0, lead1, K) list Conv accepts."""
    lead0, lead1, size = shape
    return [[list(flat[(a * lead1 + b) * size:(a * lead1 + b + 1) * size]) for b in range(lead1)]
            for a in range(lead0)]


def variant(op: Conv, kernel_flat: Sequence[Any] | None = None, kernel_size: int | None = None,
            **changes: Any) -> Conv:
    """The same 1-D convolution with resolved numeric padding and some arguments changed."""
    shape = op.kernel_shape
    flat = op.kernel if kernel_flat is None else kernel_flat
    size = shape[2] if kernel_size is None else kernel_size
    args = {**op.args, "padding": tuple(op.padding),
            "kernel": nested_kernel(flat, (shape[0], shape[1], size))}
    args.update(changes)
    return Conv(**args)


def _symbolic_kernel(op: Conv) -> bool:
    kernel = op.kernel
    return all(isinstance(k, sympy.Symbol) for k in kernel) and len(set(kernel)) == len(kernel)


def symbolic_probe(op: Conv) -> Conv:
    """The op itself when its taps are distinct symbols, else the same geometry with symbol taps
    (counting entries needs taps that cannot cancel or coincide)."""
    if _symbolic_kernel(op):
        return op
    args = {**op.args, "kernel": [axis.kernel_size for axis in op.axes]}
    if op.ndim == 1:
        args["kernel"] = op.axes[0].kernel_size
    return Conv(**args)


@dataclass(frozen=True)
class Geometry:
    """A forward 1-D convolution's numbers (channels included), for the checks' own derivations."""

    n: int
    kernel_size: int
    stride: int
    dilation: int
    pad_before: int
    pad_after: int
    mode: str
    flip: bool
    in_channels: int
    out_channels: int
    groups: int
    kernel: tuple
    kernel_shape: tuple

    @property
    def output_length(self) -> int:
        span = self.dilation * (self.kernel_size - 1) + 1
        return (self.n + self.pad_before + self.pad_after - span) // self.stride + 1

    def weight(self, lead0: int, lead1: int, t: int) -> Any:
        size = self.kernel_size
        if self.flip:
            t = size - 1 - t
        return self.kernel[(lead0 * self.kernel_shape[1] + lead1) * size + t]

    def channel_pairs(self, out_channel: int) -> list[tuple[int, int]]:
        """(input channel, local input channel) feeding ``out_channel``."""
        per_in = self.in_channels // self.groups
        per_out = self.out_channels // self.groups
        group = out_channel // per_out
        return [(group * per_in + local, local) for local in range(per_in)]

    def conv(self, n: int | None = None, **changes: Any) -> Conv:
        args = dict(n=self.n if n is None else n,
                    kernel=nested_kernel(self.kernel, self.kernel_shape), stride=self.stride,
                    dilation=self.dilation, padding=(self.pad_before, self.pad_after),
                    padding_mode=self.mode, flip=self.flip, in_channels=self.in_channels,
                    out_channels=self.out_channels, groups=self.groups)
        args.update(changes)
        return Conv(**args)


def forward_geometry(op: Conv) -> Geometry:
    """The op's geometry if forward; for a transposed op, its adjoint: the forward convolution of
    the same kernel, stride, dilation and padding on the transposed op's output length (whose first
    ``n`` rows, transposed, are the transposed op)."""
    axis = op.axes[0]
    if not op.transposed:
        return Geometry(axis.n, axis.kernel_size, axis.stride, axis.dilation, axis.pad_before,
                        axis.pad_after, axis.padding_mode, op.flip, op.in_channels,
                        op.out_channels, op.groups, tuple(op.kernel), op.kernel_shape)
    return Geometry(axis.output_length, axis.kernel_size, axis.stride, axis.dilation,
                    axis.pad_before, axis.pad_after, "zeros", op.flip, op.out_channels,
                    op.in_channels, op.groups, tuple(op.kernel), op.kernel_shape)


def adjoint_rows(op: Conv, rows: Rows, shape: tuple[int, int]) -> tuple[Rows, tuple[int, int]]:
    """For a transposed op: its candidate transposed (rows of the forward adjoint, first n per
    channel).  For a forward op: the rows unchanged."""
    if not op.transposed:
        return rows, shape
    return transpose_rows(rows, shape[1]), (shape[1], shape[0])


def restricted_forward_rows(geometry: Geometry, conv_rows: Rows, keep: int) -> Rows:
    """Rows i < keep of every output channel of a forward operator with ``geometry``."""
    m = geometry.output_length
    return [conv_rows[o * m + i] for o in range(geometry.out_channels) for i in range(keep)]


def _fail_or_pass(name: str, problems: list[str], evidence: str) -> CheckResult:
    if problems:
        return CheckResult(name, False, "; ".join(problems))
    return CheckResult(name, True, evidence)


# ----- 1. definition --------------------------------------------------------------------------

def definition_outputs(op: Conv) -> list[Any]:
    """The defining sums, written directly from the convolution's definition (any dimension).

    Forward: y[o, i] = sum_c sum_t w[o, c, t] x~[c, s*i + d*t] over the padded input x~ (flip: the
    kernel reversed).  Transposed: the scatter out[o, s*i + d*t - p] += w[c, o, t] x[c, i].
    """
    axes = op.axes
    ndim = len(axes)
    sizes = [axis.n for axis in axes]
    ksizes = [axis.kernel_size for axis in axes]
    strides = [axis.stride for axis in axes]
    dilations = [axis.dilation for axis in axes]
    lengths = [axis.output_length for axis in axes]
    inputs = op.input
    kernel = op.kernel
    lead1 = op.kernel_shape[1]
    taps_per_weight = _prod(ksizes)
    per_in = op.in_channels // op.groups
    per_out = op.out_channels // op.groups
    in_size, out_size = _prod(sizes), _prod(lengths)

    def flat(index: Sequence[int], shape: Sequence[int]) -> int:
        value = 0
        for i, size in zip(index, shape):
            value = value * size + i
        return value

    def weight(lead0: int, local: int, t: Sequence[int]) -> Any:
        if op.flip:
            t = [k - 1 - ti for k, ti in zip(ksizes, t)]
        return kernel[(lead0 * lead1 + local) * taps_per_weight + flat(t, ksizes)]

    positions = list(itertools.product(*[range(k) for k in ksizes]))
    terms: list[list[Any]] = [[] for _ in range(op.out_channels * out_size)]
    if not op.transposed:
        sources = [padded_sources(a.n, a.pad_before, a.pad_after, a.padding_mode) for a in axes]
        for o in range(op.out_channels):
            group = o // per_out
            for pos in itertools.product(*[range(m) for m in lengths]):
                bucket = terms[o * out_size + flat(pos, lengths)]
                for local in range(per_in):
                    c = group * per_in + local
                    for t in positions:
                        src = [sources[a][strides[a] * pos[a] + dilations[a] * t[a]]
                               for a in range(ndim)]
                        if None in src:
                            continue
                        bucket.append(weight(o, local, t) * inputs[c * in_size + flat(src, sizes)])
    else:
        pads = [axis.pad_before for axis in axes]
        for c in range(op.in_channels):
            group = c // per_in
            for pos in itertools.product(*[range(k) for k in sizes]):
                x = inputs[c * in_size + flat(pos, sizes)]
                for local in range(per_out):
                    o = group * per_out + local
                    for t in positions:
                        target = [pos[a] * strides[a] + t[a] * dilations[a] - pads[a]
                                  for a in range(ndim)]
                        if all(0 <= target[a] < lengths[a] for a in range(ndim)):
                            terms[o * out_size + flat(target, lengths)].append(
                                weight(c, local, t) * x)
    return [sympy.Add(*bucket) for bucket in terms]


def check_definition(op: Conv, matrix: Any = None, output: Sequence[Any] | None = None
                     ) -> CheckResult:
    """1. ``matrix * input == output`` and ``output == the defining sum``, entry by entry, exactly
    (SymPy, after expansion).  ``matrix``/``output`` default to the op's own."""
    name = "definition"
    skipped = _guard(name, op, nd_ok=True)
    if skipped:
        return skipped
    shape, rows = candidate_rows(op, matrix)
    outputs = list(op.output if output is None else output)
    defined = definition_outputs(op)
    problems = []
    if shape != op.shape:
        problems.append(f"matrix shape {shape[0]}x{shape[1]} differs from the definition's "
                        f"{op.shape[0]}x{op.shape[1]}")
    if len(outputs) != len(defined):
        problems.append(f"output vector has {len(outputs)} entries, the definition {len(defined)}")
    if problems:
        return CheckResult(name, False, "; ".join(problems))
    inputs = op.input
    product_bad = [r for r, row in enumerate(rows)
                   if not _same(sympy.Add(*[coef * inputs[c] for c, coef in row.items()]),
                                outputs[r])]
    sum_bad = [r for r in range(len(defined)) if not _same(outputs[r], defined[r])]
    symbol = op.output_symbol_at
    if product_bad:
        r = product_bad[0]
        problems.append(f"matrix*input differs from the output vector in {len(product_bad)} rows; "
                        f"first row {r} (0-based, {symbol(r)}): {outputs[r]}")
    if sum_bad:
        r = sum_bad[0]
        problems.append(f"output differs from the defining sum in {len(sum_bad)} rows; first row "
                        f"{r} (0-based): {symbol(r)} = {outputs[r]}, definition gives {defined[r]}")
    kind = "scatter out[s*i+d*t-p] += k_t a_i" if op.transposed else \
        "y_i = sum_t k_t x~[s*i+d*t] over the padded input"
    return _fail_or_pass(name, problems, f"{len(defined)} outputs: matrix*input = output = "
                                         f"defining sum ({kind}), exact after expansion")


# ----- 2. dilation identity -------------------------------------------------------------------

def zero_inserted(kernel: Sequence[Any], kernel_shape: Sequence[int], dilation: int,
                  lead_zeros: int = 0, trail_zeros: int = 0) -> list[Any]:
    """Every weight's taps with d-1 zeros between them (length d(K-1)+1), flat."""
    size = kernel_shape[2]
    result = []
    zero = sympy.Integer(0)
    for w in range(kernel_shape[0] * kernel_shape[1]):
        taps = kernel[w * size:(w + 1) * size]
        spread = [zero] * (dilation * (size - 1) + 1)
        for t, value in enumerate(taps):
            spread[dilation * t] = value
        result.extend([zero] * lead_zeros + spread + [zero] * trail_zeros)
    return result


def check_dilation(op: Conv, matrix: Any = None) -> CheckResult:
    """2. The dilation-d operator equals the dilation-1 operator of the zero-inserted kernel
    (length d(K-1)+1), same stride and (resolved) padding."""
    name = "dilation_identity"
    skipped = _guard(name, op)
    if skipped:
        return skipped
    axis = op.axes[0]
    d, K, s = axis.dilation, axis.kernel_size, axis.stride
    span = d * (K - 1) + 1
    extra = 0
    note = ""
    if op.transposed and axis.output_padding >= s:
        # output_padding >= stride is not allowed with dilation 1; the same extra rows come from
        # output_padding zero taps after the zero-inserted kernel (before it when flipped).
        extra = axis.output_padding
        note = f"; output_padding {extra} >= stride carried by {extra} extra zero taps"
    lead, trail = (extra, 0) if op.flip else (0, extra)
    spread = zero_inserted(op.kernel, op.kernel_shape, d, lead, trail)
    reference = variant(op, spread, span + extra, dilation=1,
                        output_padding=axis.output_padding - extra if op.transposed else 0)
    shape, rows = candidate_rows(op, matrix)
    ok, message = compare_rows(rows, list(reference.rows), shape, reference.shape,
                               "the dilation-1 operator of the zero-inserted kernel")
    if not ok:
        return CheckResult(name, False, message)
    return CheckResult(name, True, f"dilation {d} = dilation 1 with the zero-inserted kernel of "
                                   f"length d(K-1)+1 = {span} ({_count(d - 1, 'zero')} between "
                                   f"taps), "
                                   f"padding {op.padding}{note}")


# ----- 3. stride identity ---------------------------------------------------------------------

def check_stride(op: Conv, matrix: Any = None) -> CheckResult:
    """3. Forward: the stride-s operator is rows 0, s, 2s, ... of the stride-1 operator with the
    same resolved padding.  Transposed: it is columns 0, s, 2s, ... of the stride-1 transposed
    operator on (n-1)s+1+output_padding inputs (s-1 zeros inserted between inputs)."""
    name = "stride_identity"
    skipped = _guard(name, op)
    if skipped:
        return skipped
    axis = op.axes[0]
    s, n, m = axis.stride, axis.n, axis.output_length
    shape, rows = candidate_rows(op, matrix)
    if not op.transposed:
        reference = variant(op, stride=1)
        m1 = reference.output_length
        ref_rows = list(reference.rows)
        selected = [ref_rows[o * m1 + s * i] for o in range(op.out_channels) for i in range(m)]
        ok, message = compare_rows(rows, selected, shape, op.shape,
                                   f"rows 0, {s}, ... of the stride-1 operator")
        evidence = (f"stride {s} = rows 0, {s}, ..., {s * (m - 1)} of the stride-1 operator "
                    f"({m1} rows, padding {op.padding})")
    else:
        long_n = (n - 1) * s + 1 + axis.output_padding
        reference = variant(op, n=long_n, stride=1, output_padding=0)
        selected = []
        for ref_row in reference.rows:
            row = {}
            for col, coef in ref_row.items():
                c, q = divmod(col, long_n)
                if q % s == 0 and q // s < n:
                    row[c * n + q // s] = coef
            selected.append(row)
        ok, message = compare_rows(rows, selected, shape, op.shape,
                                   f"columns 0, {s}, ... of the stride-1 transposed operator")
        evidence = (f"transposed stride {s} = columns 0, {s}, ..., {s * (n - 1)} of the stride-1 "
                    f"transposed operator on {long_n} inputs ({_count(s - 1, 'zero')} between "
                    f"inputs"
                    f"{', output_padding zeros after' if axis.output_padding else ''})")
    return CheckResult(name, ok, message if not ok else evidence)


# ----- 4. transposition -----------------------------------------------------------------------

def zero_insertion_rows(op: Conv) -> tuple[Rows, tuple[int, int], str]:
    """A transposed op read as: s-1 zeros between inputs, padding d(K-1)-p before and
    d(K-1)-p+output_padding after (negative: cropping), then a stride-1 convolution with the
    flipped kernel.  Built with a forward ``Conv``; returns (rows, shape, description)."""
    axis = op.axes[0]
    n, K, s, d, p = axis.n, axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
    out_pad, m = axis.output_padding, axis.output_length
    c_in, c_out, g = op.in_channels, op.out_channels, op.groups
    per_in, per_out = c_in // g, c_out // g
    spread_len = (n - 1) * s + 1
    pad = d * (K - 1) - p
    before = max(pad, 0)
    shift = before - pad
    after = max(0, m + shift + d * (K - 1) - spread_len - before)
    # forward weight layout (C_out, C_in/g, K) from the transposed layout (C_in, C_out/g, K)
    weights = []
    for o in range(c_out):
        group, local_out = divmod(o, per_out)
        for local_in in range(per_in):
            c = group * per_in + local_in
            start = (c * per_out + local_out) * K
            weights.append(list(op.kernel[start:start + K]))
    conv = Conv(n=spread_len, kernel=[weights[o * per_in:(o + 1) * per_in] for o in range(c_out)],
                stride=1, dilation=d, padding=(before, after), flip=not op.flip,
                in_channels=c_in, out_channels=c_out, groups=g)
    length = conv.output_length
    conv_rows = conv.rows
    rows: Rows = []
    for o in range(c_out):
        for j in range(m):
            row = {}
            for col, coef in conv_rows[o * length + j + shift].items():
                c, q = divmod(col, spread_len)
                if q % s == 0:
                    row[c * n + q // s] = coef
            rows.append(row)
    described = (f"{_count(s - 1, 'zero')} between inputs, padding d(K-1)-p = {pad} before and "
                 f"{pad + out_pad} after{' (negative: cropped)' if pad < 0 else ''}, stride-1 "
                 f"convolution with the flipped kernel")
    return rows, (c_out * m, c_in * n), described


def _inner_products(rows: Rows, adjoint: Rows, inputs: Sequence[Any]) -> bool:
    """<M a, b> == <a, A b> symbolically, where ``adjoint`` holds the rows of A (one per input)."""
    bs = [sympy.Symbol(f"_adjoint_b{r}") for r in range(len(rows))]
    lhs = sympy.Add(*[bs[r] * coef * inputs[c] for r, row in enumerate(rows)
                      for c, coef in row.items()])
    rhs = sympy.Add(*[inputs[c] * coef * bs[r] for c, row in enumerate(adjoint)
                      for r, coef in row.items()])
    return sympy.expand(lhs - rhs) == 0


def check_transposition(op: Conv, matrix: Any = None) -> CheckResult:
    """4. The adjoint built as the other kind of convolution (a transposed conv for a forward op, a
    forward conv for a transposed op) satisfies <T a, b> = <a, T^T b> symbolically and equals the
    candidate's transpose; and a transposed conv equals its zero-insertion reading."""
    name = "transposition"
    skipped = _guard(name, op)
    if skipped:
        return skipped
    axis = op.axes[0]
    shape, rows = candidate_rows(op, matrix)
    if shape != op.shape:
        return CheckResult(name, False, f"shape {shape[0]}x{shape[1]} differs from the "
                                        f"operator's {op.shape[0]}x{op.shape[1]}")
    n, s, d = axis.n, axis.stride, axis.dilation
    problems = []
    if not op.transposed:
        # M = C E: E pads/folds, C is the valid convolution on the padded input, whose adjoint is
        # conv_transpose with padding 0 and output_padding = the stride's remainder.
        padded = n + axis.pad_before + axis.pad_after
        m = axis.output_length
        remainder = (padded - axis.receptive_field) % s
        partner = Conv(n=m, kernel=nested_kernel(op.kernel, op.kernel_shape), stride=s,
                       dilation=d, padding=0, output_padding=remainder, transposed=True,
                       flip=op.flip, in_channels=op.out_channels, out_channels=op.in_channels,
                       groups=op.groups)
        sources = padded_sources(n, axis.pad_before, axis.pad_after, axis.padding_mode)
        adjoint: Rows = [{} for _ in range(op.shape[1])]
        for r, row in enumerate(partner.rows):
            c, q = divmod(r, padded)
            j = sources[q]
            if j is None:
                continue
            target = adjoint[c * n + j]
            for col, coef in row.items():
                target[col] = target.get(col, 0) + coef
        adjoint = [{c: v for c, v in row.items() if v != 0} for row in adjoint]
        how = (f"conv_transpose (padding 0, output_padding {remainder}) with its rows "
               f"{'cropped' if axis.padding_mode == 'zeros' else 'folded'} by the padding")
        zi_rows, zi_shape, zi_text = zero_insertion_rows(partner)
        zi_target, zi_what = list(partner.rows), "that conv_transpose"
    else:
        partner = Conv(n=axis.output_length, kernel=nested_kernel(op.kernel, op.kernel_shape),
                       stride=s, dilation=d, padding=axis.pad_before, flip=op.flip,
                       in_channels=op.out_channels, out_channels=op.in_channels, groups=op.groups)
        adjoint = restricted_forward_rows(forward_geometry(op), list(partner.rows), n)
        how = (f"the forward conv on {axis.output_length} inputs (padding {axis.pad_before}"
               f"{f', first {n} rows' if partner.output_length != n else ''})")
        zi_rows, zi_shape, zi_text = zero_insertion_rows(op)
        zi_target, zi_what = rows, "the transposed operator"
    if not _inner_products(rows, adjoint, op.input):
        problems.append(f"<T a, b> != <a, A b> with A = {how}")
    ok, message = compare_rows(transpose_rows(rows, shape[1]), adjoint, (shape[1], shape[0]),
                               (shape[1], shape[0]), "the adjoint " + how)
    if not ok:
        problems.append("T^T: " + message)
    ok, message = compare_rows(zi_target, zi_rows, zi_shape, zi_shape, "the zero-insertion reading")
    if not ok:
        problems.append(f"{zi_what}: " + message)
    evidence = (f"<T a, b> = <a, T^T b> symbolically and T^T = {how}; zero-insertion reading of "
                f"{'the transposed op' if op.transposed else 'that conv_transpose'}: {zi_text}")
    return _fail_or_pass(name, problems, evidence)


# ----- 5. polyphase ---------------------------------------------------------------------------

def polyphase_rows(geometry: Geometry) -> tuple[Rows, dict[int, int]]:
    """Rows of a forward convolution computed phase by phase: phase r = x~[r::d] of the padded
    input, an ordinary (dilation 1, stride 1, valid) convolution per phase, output i read from
    phase (s*i) mod d at position (s*i) div d.  Returns (rows, phase -> phase output length)."""
    g = geometry
    padded = g.n + g.pad_before + g.pad_after
    sources = padded_sources(g.n, g.pad_before, g.pad_after, g.mode)
    m = g.output_length
    needed = sorted({(g.stride * i) % g.dilation for i in range(m)})
    phase_rows, phase_lengths, phase_outputs = {}, {}, {}
    for r in needed:
        length = len(range(r, padded, g.dilation))
        conv = g.conv(n=length, stride=1, dilation=1, padding=0, padding_mode="zeros")
        phase_rows[r], phase_lengths[r] = conv.rows, length
        phase_outputs[r] = conv.output_length
    rows: Rows = []
    for o in range(g.out_channels):
        for i in range(m):
            q, r = divmod(g.stride * i, g.dilation)
            length = phase_lengths[r]
            row: dict[int, Any] = {}
            for col, coef in phase_rows[r][o * phase_outputs[r] + q].items():
                c, u = divmod(col, length)
                j = sources[r + g.dilation * u]
                if j is not None:
                    row[c * g.n + j] = row.get(c * g.n + j, 0) + coef
            rows.append({c: v for c, v in row.items() if v != 0})
    return rows, phase_outputs


def multiplication_count(geometry: Geometry, keep: int | None = None) -> tuple[int, int, int]:
    """(m*K*C_out*C_in/g, taps landing in zero padding, taps folded onto a column another tap of the
    same row already uses), counted by index arithmetic over rows i < keep."""
    g = geometry
    sources = padded_sources(g.n, g.pad_before, g.pad_after, g.mode)
    rows = g.output_length if keep is None else keep
    per_row = g.in_channels // g.groups
    total = cut = merged = 0
    for i in range(rows):
        cols = [sources[g.stride * i + g.dilation * t] for t in range(g.kernel_size)]
        present = [c for c in cols if c is not None]
        total += g.kernel_size
        cut += g.kernel_size - len(present)
        merged += len(present) - len(set(present))
    factor = g.out_channels * per_row
    return total * factor, cut * factor, merged * factor


def check_polyphase(op: Conv, matrix: Any = None) -> CheckResult:
    """5. Atrous = space-to-batch: the dilation-d convolution equals d ordinary convolutions on the
    d interleaved phases of the padded input, re-interleaved (stride s: output i from phase
    (s*i) mod d).  Phases are taken of the *padded* input, so every padding mode is covered.  The
    sparse form's multiplication count m*K is checked against the non-zeros: nnz = m*K - (taps in
    zero padding) - (taps folded onto a shared column).  A transposed op is checked through its
    transpose (a forward convolution)."""
    name = "polyphase"
    skipped = _guard(name, op)
    if skipped:
        return skipped
    geometry = forward_geometry(op)
    shape, rows = candidate_rows(op, matrix)
    if shape != op.shape:
        return CheckResult(name, False, f"shape {shape[0]}x{shape[1]} differs from the "
                                        f"operator's {op.shape[0]}x{op.shape[1]}")
    rows, shape = adjoint_rows(op, rows, shape)
    keep = op.axes[0].n if op.transposed else geometry.output_length
    phase, lengths = polyphase_rows(geometry)
    if op.transposed:
        phase = restricted_forward_rows(geometry, phase, keep)
    problems = []
    ok, message = compare_rows(rows, phase, shape, shape, "the polyphase form")
    if not ok:
        problems.append(message)
    d, s, K = geometry.dilation, geometry.stride, geometry.kernel_size
    m = geometry.output_length
    if s == 1 and sum(lengths.values()) != m:
        problems.append(f"phase output lengths {lengths} do not add up to m = {m}")
    total, cut, merged = multiplication_count(geometry, keep)
    if _symbolic_kernel(op) or matrix is None:
        # counted with symbol taps: numeric taps could cancel or be zero
        count_rows = rows if _symbolic_kernel(op) else adjoint_rows(
            symbolic_probe(op), list(symbolic_probe(op).rows), op.shape)[0]
        nonzeros = sum(len(row) for row in count_rows)
        if nonzeros != total - cut - merged:
            problems.append(f"non-zeros {nonzeros} != m*K*channels - cut - merged = {total} - {cut}"
                            f" - {merged}")
        counted = f"non-zeros {nonzeros} = {total} - {cut} in zero padding - {merged} folded"
    else:
        counted = "non-zeros not counted (a given matrix with numeric taps may cancel entries)"
    who = "of the transpose " if op.transposed else ""
    split = ", ".join(f"phase {r}: {lengths[r]}" for r in sorted(lengths))
    used = "" if len(lengths) == d else f", {len(lengths)} used"
    evidence = (f"{d} phases {who}of the padded input{used} ({split} outputs"
                f"{'' if s == 1 else ', output i read at (s*i) div d of phase (s*i) mod d'}); "
                f"sparse form: {total} multiplications (m*K per channel pair), the same as "
                f"dilation 1 (zero-inserted kernel: {total // K * (d * (K - 1) + 1)}); {counted}")
    return _fail_or_pass(name, problems, evidence)


# ----- 6. formulas vs counts ------------------------------------------------------------------

def _tap_lines(op: Conv, rows: Rows, problems: list[str]) -> dict[tuple[int, int], dict[int, int]]:
    """Per line (weight, index): padded-order tap u -> position.  A line is an output row of a
    forward op (positions: input columns) or an input column of a transposed op (positions: output
    rows)."""
    axis = op.axes[0]
    K = axis.kernel_size
    m, n = axis.output_length, axis.n
    index = {symbol: w for w, symbol in enumerate(op.kernel)}
    lines: dict[tuple[int, int], dict[int, int]] = {}
    for r, row in enumerate(rows):
        i = r % m
        for col, coef in row.items():
            j = col % n
            for term in sympy.Add.make_args(sympy.expand(coef)):
                if term not in index:
                    problems.append(f"entry (row {r}, column {col}) (0-based) = {coef} is not a "
                                    "sum of distinct taps")
                    return lines
                lead, t = divmod(index[term], K)
                u = K - 1 - t if op.flip else t
                key, pos = ((lead, j), i) if op.transposed else ((lead, i), j)
                taps = lines.setdefault(key, {})
                if u in taps:
                    problems.append(f"tap {term} appears twice in line {key[1]} (0-based)")
                    return lines
                taps[u] = pos
    return lines


def _gaps(taps: dict[int, int]) -> set:
    us = sorted(taps)
    return {(taps[b] - taps[a]) / (b - a) for a, b in zip(us, us[1:])}


def check_formulas(op: Conv, matrix: Any = None) -> CheckResult:
    """6. Output length, padding split, receptive field and zero diagonals between taps (formulas
    from the geometry) agree with what is counted in the built matrix.

    Counted on the operator with symbol taps (``matrix`` must then use the op's tap symbols): each
    row (forward) or column (transposed) is a line of taps; the spacing g of its taps gives the
    zero diagonals g-1 and the receptive field g(K-1)+1; successive lines' first taps give the
    stride and the padding before; the last line gives the padding after (up to the s-1 padded
    samples a stride leaves unused) or, transposed, the output_padding.  With reflect, circular
    or replicate padding the folded border rows can mimic ordinary ones (the matrix alone does not
    determine the geometry there), so only the rows the formulas put inside the input are
    counted; the folded rows are checked by the definition check."""
    name = "formulas"
    skipped = _guard(name, op)
    if skipped:
        return skipped
    probe = symbolic_probe(op)
    axis = probe.axes[0]
    K, s, d, n, m = axis.kernel_size, axis.stride, axis.dilation, axis.n, axis.output_length
    shape, rows = candidate_rows(probe, matrix)
    problems: list[str] = []
    counted_m = shape[0] // probe.out_channels
    if shape[1] != probe.shape[1]:
        problems.append(f"{shape[1]} columns, expected {probe.shape[1]}")
    if counted_m * probe.out_channels != shape[0] or counted_m != m:
        problems.append(f"output length: formula {m}, counted {shape[0]} rows / "
                        f"{probe.out_channels} channel(s)")
        return CheckResult(name, False, "; ".join(problems))
    lines = _tap_lines(probe, rows, problems)
    if problems:
        return CheckResult(name, False, "; ".join(problems))
    notes = []
    total_lines = len(lines)
    if axis.padding_mode != "zeros" and not op.transposed:
        # a folded border row can look like an ordinary one (e.g. replicate with K = 1), so the
        # geometry is counted on the rows the formulas put inside the input; the folded border
        # rows are the definition check's business
        lines = {key: taps for key, taps in lines.items()
                 if 0 <= s * key[1] - axis.pad_before
                 and s * key[1] - axis.pad_before + d * (K - 1) <= n - 1}
        notes.append("folded border rows left to the definition check")
    if not lines:
        # every tap lands in the padding or is cropped: only the shape can be counted
        return _fail_or_pass(name, problems, f"output length {m} (counted {counted_m} rows); the "
                                             "matrix has no unfolded tap to count on")
    if K > 1 and all(len(taps) == 1 for taps in lines.values()):
        return _fail_or_pass(name, problems, f"output length {m} (counted {counted_m} rows); no "
                                             "line holds two taps, so spacing, stride and padding "
                                             "are not countable in so small an operator")
    spacings = sorted({gap for taps in lines.values() for gap in _gaps(taps)})
    if K > 1:
        if len(spacings) != 1:
            return CheckResult(name, False, f"lines show different tap spacings {spacings}")
        gap = spacings[0]
        if gap != int(gap) or gap < 1:
            return CheckResult(name, False, f"taps are spaced {gap} apart (expected {d})")
        gap = int(gap)
    else:
        gap = 1
    clean = {}
    for key, taps in lines.items():
        u, pos = next(iter(taps.items()))
        clean[key] = pos - gap * u  # where tap 0 sits (may lie in the padding)
    counted_on = sorted(clean)
    steps = {clean[(lead, i + 1)] - clean[(lead, i)] for lead, i in counted_on
             if (lead, i + 1) in counted_on}
    if len(steps) > 1:
        problems.append(f"lines advance by {sorted(steps)} (not one stride)")
    if steps:
        stride = min(steps)
    else:
        stride = s
        notes.append("no two successive lines: stride taken from the formula")
    lines_total = n if op.transposed else m
    formula_before, formula_after = axis.pad_before, axis.pad_after
    wanted = {
        # with one tap there is no gap to count: d - 1 is then a statement about nothing
        "zero diagonals between taps": (d - 1, gap - 1) if K > 1 else (0, 0),
        "receptive field": (axis.receptive_field, gap * (K - 1) + 1),
    }
    befores = {stride * i - clean[(lead, i)] for lead, i in counted_on}
    before = min(befores)
    if len(befores) > 1:
        problems.append(f"first taps imply different padding before: {sorted(befores)}")
    wanted["stride"] = (s, stride)
    wanted["padding before"] = (formula_before, before)
    ref_key = counted_on[len(counted_on) // 2]
    last_pos = clean[ref_key] + stride * (lines_total - 1 - ref_key[1]) + gap * (K - 1)
    if op.transposed:
        tail = m - 1 - last_pos  # output rows after the last input's last tap
        if tail != axis.output_padding - formula_after:
            problems.append(f"output_padding: formula {axis.output_padding}, counted "
                            f"{tail + formula_after} (rows after the last tap {tail} + "
                            f"padding {formula_after})")
        after_text = (f", output_padding {axis.output_padding} (rows after the last tap: "
                      f"{tail} = output_padding - padding)")
    else:
        used = last_pos - (n - 1)
        if not 0 <= formula_after - used < stride:
            problems.append(f"padding after: formula {formula_after}, counted {used} used "
                            f"(+ at most {stride - 1} unused)")
        after_text = (f", padding after {formula_after} (last tap reaches {used} past the "
                      f"input, {formula_after - used} unused < stride)")
    for label, (formula, counted) in wanted.items():
        if formula != counted:
            problems.append(f"{label}: formula {formula}, counted {counted}")
    spacing = _count(d - 1, "zero diagonal") + " between taps" if K > 1 else "one tap"
    evidence = (f"output length {m} (counted {counted_m} rows), padding before {formula_before}"
                f"{after_text}, stride {s}, receptive field {axis.receptive_field}, {spacing}; "
                f"counted on {len(counted_on)} of {total_lines} "
                f"{'columns' if op.transposed else 'rows'}"
                f"{''.join('; ' + note for note in notes)}")
    return _fail_or_pass(name, problems, evidence)


# ----- 8. numeric -----------------------------------------------------------------------------

def _random_values(op: Conv, seed: int) -> tuple[np.ndarray, np.ndarray, dict]:
    """Random inputs (shape (C_in, *n)) and weights (kernel_shape); symbol -> value for the taps."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(op.input_shape)
    symbols = {}
    weights = np.empty(len(op.kernel))
    for w, tap in enumerate(op.kernel):
        if tap.free_symbols:
            for symbol in sorted(tap.free_symbols, key=str):
                symbols.setdefault(symbol, rng.standard_normal())
            weights[w] = float(tap.xreplace(symbols))
        else:
            weights[w] = float(tap)
    return x, weights.reshape(op.kernel_shape), symbols


_NUMPY_MODES = {"zeros": "constant", "circular": "wrap", "reflect": "reflect", "replicate": "edge"}


def numpy_reference(op: Conv, x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The definition evaluated with NumPy (any dimension), independent of the symbolic code."""
    axes = op.axes
    ndim = len(axes)
    per_in = op.in_channels // op.groups
    per_out = op.out_channels // op.groups
    ksizes = [axis.kernel_size for axis in axes]
    if op.flip:
        weights = weights[(slice(None), slice(None)) + (slice(None, None, -1),) * ndim]
    lengths = [axis.output_length for axis in axes]
    if not op.transposed:
        pads = [(0, 0)] + [(axis.pad_before, axis.pad_after) for axis in axes]
        padded = np.pad(x, pads, mode=_NUMPY_MODES[axes[0].padding_mode])
        y = np.zeros((op.out_channels, *lengths))
        for o in range(op.out_channels):
            group = o // per_out
            for local in range(per_in):
                c = group * per_in + local
                for t in itertools.product(*[range(k) for k in ksizes]):
                    window = tuple(slice(axis.dilation * ti,
                                         axis.dilation * ti + axis.stride * (m - 1) + 1,
                                         axis.stride)
                                   for axis, ti, m in zip(axes, t, lengths))
                    y[o] += weights[(o, local) + t] * padded[(c,) + window]
        return y
    full = [(axis.n - 1) * axis.stride + axis.dilation * (axis.kernel_size - 1) + 1
            + axis.output_padding for axis in axes]
    out = np.zeros((op.out_channels, *full))
    for c in range(op.in_channels):
        group = c // per_in
        for local in range(per_out):
            o = group * per_out + local
            for t in itertools.product(*[range(k) for k in ksizes]):
                window = tuple(slice(axis.dilation * ti,
                                     axis.dilation * ti + axis.stride * (axis.n - 1) + 1,
                                     axis.stride)
                               for axis, ti in zip(axes, t))
                out[(o,) + window] += weights[(c, local) + t] * x[c]
    crop = tuple(slice(axis.pad_before, axis.pad_before + m) for axis, m in zip(axes, lengths))
    return out[(slice(None),) + crop]


def evaluate_rows(rows: Rows, x_flat: np.ndarray, symbols: dict) -> np.ndarray:
    """M x with the tap symbols replaced by numbers (each distinct coefficient evaluated once)."""
    cache: dict[Any, float] = {}
    y = np.zeros(len(rows))
    for r, row in enumerate(rows):
        total = 0.0
        for c, coef in row.items():
            value = cache.get(coef)
            if value is None:
                value = cache[coef] = float(coef.xreplace(symbols)) if symbols else float(coef)
            total += value * x_flat[c]
        y[r] = total
    return y


def torch_reference(op: Conv, x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """PyTorch's conv{1,2,3}d / conv_transpose{1,2,3}d (float64); raises SymdilError if torch is
    missing."""
    try:
        import torch
        import torch.nn.functional as functional
    except ImportError:
        raise SymdilError(f"the PyTorch cross-check needs torch, which is not installed: "
                          f"{TORCH_INSTALL}") from None
    ndim = op.ndim
    if ndim > 3:
        raise SymdilError(f"PyTorch has no {ndim}-D convolution")
    axes = op.axes
    xt = torch.from_numpy(x).unsqueeze(0)
    wt = torch.from_numpy(np.ascontiguousarray(weights))
    if op.flip:
        wt = wt.flip(list(range(2, 2 + ndim)))
    strides = [axis.stride for axis in axes]
    dilations = [axis.dilation for axis in axes]
    if op.transposed:
        fn = getattr(functional, f"conv_transpose{ndim}d")
        y = fn(xt, wt, stride=strides, padding=[axis.pad_before for axis in axes],
               output_padding=[axis.output_padding for axis in axes], groups=op.groups,
               dilation=dilations)
    else:
        pads: list[int] = []
        for axis in reversed(axes):
            pads += [axis.pad_before, axis.pad_after]
        mode = axes[0].padding_mode
        torch_mode = {"zeros": "constant"}.get(mode, mode)
        padded = functional.pad(xt, pads, mode=torch_mode) if any(pads) else xt
        fn = getattr(functional, f"conv{ndim}d")
        y = fn(padded, wt, stride=strides, dilation=dilations, groups=op.groups)
    return y.squeeze(0).numpy()


def check_numeric(op: Conv, matrix: Any = None, against: str | None = None, seed: int = 0
                  ) -> CheckResult:
    """8. Random values substituted into the candidate operator, compared with an independent NumPy
    evaluation of the definition (``against="torch"``: with PyTorch's convolution instead)."""
    name = "numeric" if against is None else f"numeric_{against}"
    skipped = _guard(name, op, nd_ok=True)
    if skipped:
        return skipped
    shape, rows = candidate_rows(op, matrix)
    if shape != op.shape:
        return CheckResult(name, False, f"shape {shape[0]}x{shape[1]} differs from the "
                                        f"operator's {op.shape[0]}x{op.shape[1]}")
    x, weights, symbols = _random_values(op, seed)
    got = evaluate_rows(rows, x.reshape(-1), symbols)
    if against is None:
        want = numpy_reference(op, x, weights).reshape(-1)
        who = "an independent NumPy loop over the definition"
    elif against == "torch":
        want = torch_reference(op, x, weights).reshape(-1)
        kind = "conv_transpose" if op.transposed else "conv"
        who = f"torch.nn.functional.{kind}{op.ndim}d (float64)"
    else:
        raise SymdilError(f"against must be None or 'torch', got {against!r}")
    if want.shape != got.shape:
        return CheckResult(name, False, f"{who} gives {want.size} outputs, the operator "
                                        f"{got.size}")
    scale = max(1.0, float(np.abs(want).max(initial=0.0)))
    error = np.abs(got - want)
    worst = int(error.argmax()) if error.size else 0
    if error.size and error[worst] > 1e-9 * scale:
        return CheckResult(name, False, f"output {worst} (0-based) is {got[worst]:.12g}, {who} "
                                        f"gives {want[worst]:.12g}")
    return CheckResult(name, True, f"{got.size} outputs with random inputs and taps (seed {seed}) "
                                   f"agree with {who}: max |error| "
                                   f"{float(error.max(initial=0.0)):.1e}")
