"""What the verification checks compare against: sparse rows, the layout, second derivations.

Every check in ``symdil.checks`` compares a candidate operator with the same operator derived
another way.  The other ways live here, written for any number of axes (1-D is the case of one):

* the layout: a row is ``o * prod(m) + flat(i)``, a column ``c * prod(n) + flat(j)`` (PyTorch's
  ``(C, *spatial)`` order, row-major); ``flat_index``/``unflat_index`` convert;
* sparse rows (a list of ``{column: coefficient}``): compared, transposed, selected;
* the padding read from the description of the modes (``padded_sources``), per axis: N-D padding
  is the product of the axes' paddings, as ``torch.nn.functional.pad`` builds it;
* the defining sums, a NumPy loop and PyTorch (independent evaluations of the definition);
* the zero-insertion reading of a transposed convolution, the polyphase form, the multiplication
  count, and the tap-by-tap reading of a matrix that the formulas check counts on.

None of it reuses ``symdil.operator``'s tap rule: the checks need a second derivation, not the
same code twice.  ``Conv`` is used only to build *other* convolutions (a stride-1, dilation-1,
transposed or phase operator) whose rows are then rearranged.
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


# ----- numbers and words ----------------------------------------------------------------------

def prod(values: Sequence[int]) -> int:
    result = 1
    for value in values:
        result *= value
    return result


def count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def axes_text(values: Sequence[Any]) -> str:
    """One value per axis: ``2`` for one axis, ``(2, 1)`` for several."""
    values = tuple(values)
    return str(values[0]) if len(values) == 1 else "(" + ", ".join(map(str, values)) + ")"


def shape_text(values: Sequence[Any]) -> str:
    """Sizes per axis: ``12`` for one axis, ``4x5`` for several."""
    return "x".join(map(str, values))


def per_axis_arg(values: Sequence[Any]) -> Any:
    """A ``Conv`` argument from one value per axis: the value itself in 1-D (where a tuple would
    mean something else, e.g. a (before, after) padding pair), the tuple in N-D."""
    values = tuple(values)
    return values[0] if len(values) == 1 else values


# ----- the flat layout --------------------------------------------------------------------------

def flat_index(index: Sequence[int], shape: Sequence[int]) -> int:
    """Row-major flat position of a multi-index."""
    value = 0
    for i, size in zip(index, shape):
        value = value * size + i
    return value


def unflat_index(flat: int, shape: Sequence[int]) -> tuple[int, ...]:
    """The multi-index of a row-major flat position (the leading index is not wrapped, so a
    position past the end shows as a leading index past its size)."""
    index = []
    for size in reversed(shape[1:]):
        flat, rem = divmod(flat, size)
        index.append(rem)
    index.append(flat)
    return tuple(reversed(index))


def spatial(op: Conv, which: str) -> tuple[int, ...]:
    """Input (``"n"``) or output (``"m"``) lengths per axis."""
    if which == "n":
        return tuple(axis.n for axis in op.axes)
    return tuple(axis.output_length for axis in op.axes)


# ----- sparse rows ------------------------------------------------------------------------------

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


def same(a: Any, b: Any) -> bool:
    """Exact equality of two SymPy expressions (structural first, then after expansion)."""
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
            if not same(a, b):
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


def remap_columns(row: dict[int, Any], in_shape: Sequence[int], stride: Sequence[int],
                  out_shape: Sequence[int]) -> dict[int, Any]:
    """Keep the columns (c, q) of ``row`` (shape ``in_shape`` = (C, *long)) whose every q_a is a
    multiple of stride_a and q_a / stride_a < out_shape[1 + a]; renumber them in ``out_shape``."""
    result = {}
    for col, coef in row.items():
        c, *q = unflat_index(col, in_shape)
        kept = []
        for qa, sa, na in zip(q, stride, out_shape[1:]):
            whole, rest = divmod(qa, sa)
            if rest or whole >= na:
                break
            kept.append(whole)
        else:
            result[flat_index((c, *kept), out_shape)] = coef
    return result


# ----- padding, kernels and variants -------------------------------------------------------------

def padded_sources(n: int, before: int, after: int, mode: str) -> list[int | None]:
    """For each position of one padded axis, the input index it holds (None: a zero).

    Written from the description of the padding modes (left block + input + right block), not from
    ``symdil.operator``.  In N-D the padded input is x~[q_0, q_1, ...] = x[src_0[q_0], src_1[q_1],
    ...] (a zero if any is None), as ``torch.nn.functional.pad`` pads axis by axis.
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


def nested_kernel(flat: Sequence[Any], shape: Sequence[int]) -> list:
    """A weight, flat in PyTorch's layout, as the nested (lead0, lead1, *K) list Conv accepts."""
    flat = list(flat)
    if len(shape) == 1:
        return flat
    step = len(flat) // shape[0]
    return [nested_kernel(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def variant(op: Conv, kernel_flat: Sequence[Any] | None = None,
            kernel_size: int | Sequence[int] | None = None, **changes: Any) -> Conv:
    """The same convolution with resolved numeric padding and some arguments changed (per-axis
    values as ``Conv`` takes them).  ``kernel_flat``/``kernel_size``: other taps (flat in the
    weight layout) of other sizes per axis (an int in 1-D)."""
    shape = op.kernel_shape
    if kernel_size is None:
        sizes = tuple(shape[2:])
    elif isinstance(kernel_size, int):
        sizes = (kernel_size,)
    else:
        sizes = tuple(kernel_size)
    flat = op.kernel if kernel_flat is None else kernel_flat
    args = {**op.args, "padding": op.padding,
            "kernel": nested_kernel(flat, tuple(shape[:2]) + sizes)}
    args.update(changes)
    return Conv(**args)


def symbolic_kernel(op: Conv) -> bool:
    """True when every tap is a distinct symbol (entries can then be read back tap by tap)."""
    kernel = op.kernel
    return all(isinstance(k, sympy.Symbol) for k in kernel) and len(set(kernel)) == len(kernel)


def symbolic_probe(op: Conv) -> Conv:
    """The op itself when its taps are distinct symbols, else the same geometry with symbol taps
    (counting entries needs taps that cannot cancel or coincide)."""
    if symbolic_kernel(op):
        return op
    sizes = [axis.kernel_size for axis in op.axes]
    return Conv(**{**op.args, "kernel": sizes[0] if op.ndim == 1 else sizes})


def zero_inserted(kernel: Sequence[Any], kernel_shape: Sequence[int],
                  dilation: int | Sequence[int], lead_zeros: int | Sequence[int] = 0,
                  trail_zeros: int | Sequence[int] = 0) -> list[Any]:
    """Every weight's taps with d_a - 1 zeros between them along each axis (size d_a(K_a-1)+1,
    plus ``lead_zeros``/``trail_zeros`` per axis), flat in the weight layout."""
    sizes = tuple(kernel_shape[2:])
    ndim = len(sizes)

    def each(value: int | Sequence[int]) -> tuple[int, ...]:
        return (value,) * ndim if isinstance(value, int) else tuple(value)

    d, lead, trail = each(dilation), each(lead_zeros), each(trail_zeros)
    new_sizes = tuple(b + da * (k - 1) + 1 + a for k, da, b, a in zip(sizes, d, lead, trail))
    per, new_per = prod(sizes), prod(new_sizes)
    places = [flat_index([b + da * t for t, da, b in zip(unflat_index(f, sizes), d, lead)],
                         new_sizes) for f in range(per)]
    zero = sympy.Integer(0)
    result: list[Any] = []
    for w in range(kernel_shape[0] * kernel_shape[1]):
        spread = [zero] * new_per
        for f, place in enumerate(places):
            spread[place] = kernel[w * per + f]
        result.extend(spread)
    return result


# ----- forward geometry ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Geometry:
    """A forward convolution's numbers, one per axis (channels included), for the checks' own
    derivations."""

    n: tuple[int, ...]
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    pad_before: tuple[int, ...]
    pad_after: tuple[int, ...]
    mode: str
    flip: bool
    in_channels: int
    out_channels: int
    groups: int
    kernel: tuple
    kernel_shape: tuple

    @property
    def padded(self) -> tuple[int, ...]:
        return tuple(n + b + a for n, b, a in zip(self.n, self.pad_before, self.pad_after))

    @property
    def output_length(self) -> tuple[int, ...]:
        return tuple((p - d * (k - 1) - 1) // s + 1 for p, d, k, s in
                     zip(self.padded, self.dilation, self.kernel_size, self.stride))

    def sources(self) -> list[list[int | None]]:
        return [padded_sources(n, b, a, self.mode)
                for n, b, a in zip(self.n, self.pad_before, self.pad_after)]

    def conv(self, n: Sequence[int] | None = None, **changes: Any) -> Conv:
        """This convolution as a ``Conv`` (``n`` and ``changes`` override, per-axis values as
        ``Conv`` takes them)."""
        args = dict(n=per_axis_arg(self.n if n is None else n),
                    kernel=nested_kernel(self.kernel, self.kernel_shape),
                    stride=per_axis_arg(self.stride), dilation=per_axis_arg(self.dilation),
                    padding=per_axis_arg(tuple(zip(self.pad_before, self.pad_after))),
                    padding_mode=self.mode, flip=self.flip, in_channels=self.in_channels,
                    out_channels=self.out_channels, groups=self.groups)
        args.update(changes)
        return Conv(**args)


def forward_geometry(op: Conv) -> Geometry:
    """The op's geometry if forward; for a transposed op, its adjoint: the forward convolution of
    the same kernel, stride, dilation and padding on the transposed op's output lengths (whose
    first ``n_a`` rows along each axis, transposed, are the transposed op)."""
    axes = op.axes

    def each(attribute: str) -> tuple:
        return tuple(getattr(axis, attribute) for axis in axes)

    common = (each("kernel_size"), each("stride"), each("dilation"), each("pad_before"),
              each("pad_after"))
    if not op.transposed:
        return Geometry(each("n"), *common, axes[0].padding_mode, op.flip, op.in_channels,
                        op.out_channels, op.groups, tuple(op.kernel), op.kernel_shape)
    return Geometry(each("output_length"), *common, "zeros", op.flip, op.out_channels,
                    op.in_channels, op.groups, tuple(op.kernel), op.kernel_shape)


def adjoint_rows(op: Conv, rows: Rows, shape: tuple[int, int]) -> tuple[Rows, tuple[int, int]]:
    """For a transposed op: its candidate transposed (rows of the forward adjoint, first n_a per
    axis and channel).  For a forward op: the rows unchanged."""
    if not op.transposed:
        return rows, shape
    return transpose_rows(rows, shape[1]), (shape[1], shape[0])


def restricted_forward_rows(geometry: Geometry, conv_rows: Sequence[dict], keep: Sequence[int]
                            ) -> Rows:
    """Rows with i_a < keep_a along every axis, of every output channel, of a forward operator
    with ``geometry`` (in the flat order of shape (C_out, *keep))."""
    m = geometry.output_length
    return [conv_rows[flat_index((o, *i), (geometry.out_channels, *m))]
            for o in range(geometry.out_channels)
            for i in itertools.product(*[range(k) for k in keep])]


# ----- the definition, three ways -----------------------------------------------------------------

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
    taps_per_weight = prod(ksizes)
    per_in = op.in_channels // op.groups
    per_out = op.out_channels // op.groups
    in_size, out_size = prod(sizes), prod(lengths)

    def weight(lead0: int, local: int, t: Sequence[int]) -> Any:
        if op.flip:
            t = [k - 1 - ti for k, ti in zip(ksizes, t)]
        return kernel[(lead0 * lead1 + local) * taps_per_weight + flat_index(t, ksizes)]

    positions = list(itertools.product(*[range(k) for k in ksizes]))
    terms: list[list[Any]] = [[] for _ in range(op.out_channels * out_size)]
    if not op.transposed:
        sources = [padded_sources(a.n, a.pad_before, a.pad_after, a.padding_mode) for a in axes]
        for o in range(op.out_channels):
            group = o // per_out
            for pos in itertools.product(*[range(m) for m in lengths]):
                bucket = terms[o * out_size + flat_index(pos, lengths)]
                for local in range(per_in):
                    c = group * per_in + local
                    for t in positions:
                        src = [sources[a][strides[a] * pos[a] + dilations[a] * t[a]]
                               for a in range(ndim)]
                        if None in src:
                            continue
                        bucket.append(weight(o, local, t)
                                      * inputs[c * in_size + flat_index(src, sizes)])
    else:
        pads = [axis.pad_before for axis in axes]
        for c in range(op.in_channels):
            group = c // per_in
            for pos in itertools.product(*[range(k) for k in sizes]):
                x = inputs[c * in_size + flat_index(pos, sizes)]
                for local in range(per_out):
                    o = group * per_out + local
                    for t in positions:
                        target = [pos[a] * strides[a] + t[a] * dilations[a] - pads[a]
                                  for a in range(ndim)]
                        if all(0 <= target[a] < lengths[a] for a in range(ndim)):
                            terms[o * out_size + flat_index(target, lengths)].append(
                                weight(c, local, t) * x)
    return [sympy.Add(*bucket) for bucket in terms]


def random_values(op: Conv, seed: int) -> tuple[np.ndarray, np.ndarray, dict]:
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


# ----- transposition: the zero-insertion reading -------------------------------------------------

def zero_insertion_rows(op: Conv) -> tuple[Rows, tuple[int, int], str]:
    """A transposed op read per axis as: s-1 zeros between inputs, padding d(K-1)-p before and
    d(K-1)-p+output_padding after (negative: cropping), then a stride-1 convolution with the
    flipped kernel (flipped along every axis).  Built with a forward ``Conv``; returns (rows,
    shape, description)."""
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
    conv_rows = conv.rows
    rows: Rows = []
    for o in range(c_out):
        for j in itertools.product(*[range(length) for length in m]):
            source = conv_rows[flat_index((o, *[a + b for a, b in zip(j, shifts)]),
                                          (c_out, *lengths))]
            rows.append(remap_columns(source, (c_in, *spread), strides, (c_in, *n)))
    after = tuple(pad + axis.output_padding for pad, axis in zip(pads, axes))
    zeros = ", ".join(count(s - 1, "zero") for s in strides)
    described = (f"{zeros} between inputs{' (per axis)' if len(axes) > 1 else ''}, padding "
                 f"d(K-1)-p = {axes_text(pads)} before and {axes_text(after)} after"
                 f"{' (negative: cropped)' if min(pads) < 0 else ''}, stride-1 convolution with "
                 f"the flipped kernel")
    return rows, (c_out * prod(m), c_in * prod(n)), described


# ----- polyphase ---------------------------------------------------------------------------------

def polyphase_rows(geometry: Geometry) -> tuple[Rows, dict[tuple[int, ...], tuple[int, ...]]]:
    """Rows of a forward convolution computed phase by phase: phase r = (r_0, r_1, ...) is
    x~[r_0::d_0, r_1::d_1, ...] of the padded input, an ordinary (dilation 1, stride 1, valid)
    convolution per phase, output i read from phase ((s_a i_a) mod d_a) at position
    ((s_a i_a) div d_a).  Returns (rows, phase -> phase output lengths)."""
    g = geometry
    padded = g.padded
    sources = g.sources()
    m = g.output_length
    needed_per_axis = [sorted({(s * i) % d for i in range(length)})
                       for s, d, length in zip(g.stride, g.dilation, m)]
    phase_rows, phase_lengths, phase_outputs = {}, {}, {}
    for r in itertools.product(*needed_per_axis):
        lengths = tuple(len(range(ra, pa, d)) for ra, pa, d in zip(r, padded, g.dilation))
        conv = g.conv(n=lengths, stride=1, dilation=1, padding=0, padding_mode="zeros")
        phase_rows[r], phase_lengths[r] = conv.rows, lengths
        phase_outputs[r] = spatial(conv, "m")
    n_total = prod(g.n)
    rows: Rows = []
    for o in range(g.out_channels):
        for i in itertools.product(*[range(length) for length in m]):
            split = [divmod(s * ia, d) for s, ia, d in zip(g.stride, i, g.dilation)]
            q = tuple(part[0] for part in split)
            r = tuple(part[1] for part in split)
            lengths = phase_lengths[r]
            row: dict[int, Any] = {}
            for col, coef in phase_rows[r][flat_index((o, *q), (g.out_channels,
                                                                *phase_outputs[r]))].items():
                c, *u = unflat_index(col, (g.in_channels, *lengths))
                j = [src[ra + d * ua] for src, ra, d, ua in zip(sources, r, g.dilation, u)]
                if None in j:
                    continue
                key = c * n_total + flat_index(j, g.n)
                row[key] = row.get(key, 0) + coef
            rows.append({c: v for c, v in row.items() if v != 0})
    return rows, phase_outputs


def multiplication_count(geometry: Geometry, keep: Sequence[int] | None = None
                         ) -> tuple[int, int, int]:
    """(prod(m_a K_a) * C_out * C_in/g, taps landing in zero padding, taps folded onto a column
    another tap of the same row already uses), by index arithmetic over rows i_a < keep_a.

    A row's taps are the product of its per-axis taps, so every count is a product over the axes
    of per-axis sums: taps present (not in zero padding) and distinct columns."""
    g = geometry
    sources = g.sources()
    rows = g.output_length if keep is None else tuple(keep)
    total = present = distinct = g.out_channels * (g.in_channels // g.groups)
    for src, s, d, k, length in zip(sources, g.stride, g.dilation, g.kernel_size, rows):
        axis_present = axis_distinct = 0
        for i in range(length):
            cols = [src[s * i + d * t] for t in range(k)]
            found = [c for c in cols if c is not None]
            axis_present += len(found)
            axis_distinct += len(set(found))
        total *= k * length
        present *= axis_present
        distinct *= axis_distinct
    return total, total - present, present - distinct


# ----- formulas: reading a matrix tap by tap ---------------------------------------------------

@dataclass(frozen=True)
class Tap:
    """One kernel tap found in a matrix entry: its weight (lead = position of its (out, in) or
    (in, out) channel pair in the weight layout), its index per axis in padded order (flip undone),
    and where it sits: output channel and index, input channel and index."""

    term: Any
    lead: int
    u: tuple[int, ...]
    out_channel: int
    i: tuple[int, ...]
    in_channel: int
    j: tuple[int, ...]


def read_taps(op: Conv, rows: Rows) -> tuple[list[Tap], str]:
    """Every tap of ``rows`` (the operator of ``op``, whose taps must be distinct symbols); an
    entry that is not a sum of distinct taps gives ([], the reason)."""
    ksizes = tuple(axis.kernel_size for axis in op.axes)
    per_weight = prod(ksizes)
    index = {symbol: w for w, symbol in enumerate(op.kernel)}
    out_shape, in_shape = op.output_shape, op.input_shape
    taps = []
    for r, row in enumerate(rows):
        o, *i = unflat_index(r, out_shape)
        for col, coef in row.items():
            c, *j = unflat_index(col, in_shape)
            terms = sympy.Add.make_args(sympy.expand(coef))
            if any(term not in index for term in terms):
                return [], (f"entry (row {r}, column {col}) (0-based) = {coef} is not a sum of "
                            "distinct taps")
            for term in terms:
                lead, rest = divmod(index[term], per_weight)
                t = unflat_index(rest, ksizes)
                u = tuple(k - 1 - ta for k, ta in zip(ksizes, t)) if op.flip else t
                taps.append(Tap(term, lead, u, o, tuple(i), c, tuple(j)))
    return taps, ""


def tap_lines(op: Conv, taps: Sequence[Tap], axis: int
              ) -> tuple[dict[tuple, dict[int, int]], str]:
    """The lines along ``axis``: key (context, line index) -> {tap index u_a: position}.

    A line is an output row of a forward op (positions: input indices along the axis) or an input
    column of a transposed op (positions: output indices); in N-D the context fixes the weight,
    the taps along the other axes and the line's indices along the other axes, so each line is a
    1-D operator's row.  A tap found twice in a line gives ({}, the reason)."""
    lines: dict[tuple, dict[int, int]] = {}
    for tap in taps:
        line, pos = (tap.j, tap.i) if op.transposed else (tap.i, tap.j)
        context = (tap.lead, tap.u[:axis] + tap.u[axis + 1:], line[:axis] + line[axis + 1:])
        key = (context, line[axis])
        found = lines.setdefault(key, {})
        if tap.u[axis] in found:
            return {}, f"tap {tap.term} appears twice in line {key[1]} (0-based)"
        found[tap.u[axis]] = pos[axis]
    return lines, ""


def misplaced_channel(op: Conv, taps: Sequence[Tap]) -> tuple[str, set]:
    """The first tap outside the (output, input) channel block its weight belongs to under the
    groups rule ("" if none), and the set of non-zero blocks."""
    per_in, per_out = op.in_channels // op.groups, op.out_channels // op.groups
    blocks = set()
    for tap in taps:
        if op.transposed:
            c, local_out = divmod(tap.lead, per_out)
            o = (c // per_in) * per_out + local_out
        else:
            o, local_in = divmod(tap.lead, per_in)
            c = (o // per_out) * per_in + local_in
        blocks.add((tap.out_channel, tap.in_channel))
        if (tap.out_channel, tap.in_channel) != (o, c):
            return (f"tap {tap.term} sits in the block (output channel {tap.out_channel}, input "
                    f"channel {tap.in_channel}); with groups={op.groups} it belongs to "
                    f"({o}, {c})"), blocks
    return "", blocks


def tap_gaps(taps: dict[int, int]) -> set:
    """Distance between successive taps of one line, per tap step."""
    us = sorted(taps)
    return {(taps[b] - taps[a]) / (b - a) for a, b in zip(us, us[1:])}
