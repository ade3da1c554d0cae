"""What the checks share: the flat layout, sparse rows, padding read from its description,
variants of an operator, the forward geometry, and a few words and LaTeX helpers.

Every check in ``symdil.checks`` compares a candidate operator with the same operator derived
another way; each family keeps its own second derivation in its own file (the defining sums in
``definition``, the zero-insertion reading in ``transposition``, the phases in ``polyphase``, the
tap-by-tap reading in ``formulas``, NumPy and PyTorch in ``numeric``).  What several families use
lives here, written for any number of axes (1-D is the case of one):

* the layout: a row is ``o * prod(m) + flat(i)``, a column ``c * prod(n) + flat(j)`` (PyTorch's
  ``(C, *spatial)`` order, row-major); ``flat_index``/``unflat_index`` convert;
* sparse rows (a list of ``{column: coefficient}``): compared, transposed, selected;
* the padding read from the description of the modes (``padded_sources``), per axis: N-D padding
  is the product of the axes' paddings, as ``torch.nn.functional.pad`` builds it.

None of it reuses ``symdil.operator``'s tap rule: the checks need a second derivation, not the
same code twice.  ``Conv`` is used only to build *other* convolutions (a stride-1, dilation-1,
transposed or phase operator) whose rows are then rearranged.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Sequence

import sympy

from ..core.conv import Conv
from ..core.spec import SymdilError

Rows = list[dict[int, Any]]

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


# ----- LaTeX pieces (numbers and tuples the checks computed; never user text) -------------------

def num(value: Any) -> str:
    """An integer for inline math: ``1{,}481{,}544`` from five digits on (LaTeX and KaTeX)."""
    from ..render.printer import group_digits

    return group_digits(int(value))


def axes_latex(values: Sequence[Any]) -> str:
    """One value per axis as math: ``2`` for one axis, ``(2, 1)`` for several."""
    values = tuple(values)
    if len(values) == 1:
        return num(values[0])
    return "(" + ", ".join(num(v) for v in values) + ")"


def shape_latex(values: Sequence[Any]) -> str:
    """Sizes per axis as math: ``12`` or ``4 \\times 5``."""
    return r" \times ".join(num(v) for v in values)


def pair_latex(pair: Sequence[Any]) -> str:
    """A (before, after) padding pair, or one pair per axis, as math."""
    if pair and isinstance(pair[0], (tuple, list)):
        return "(" + ", ".join(pair_latex(p) for p in pair) + ")"
    return "(" + ", ".join(num(v) for v in pair) + ")"


def expr_latex(expr: Any) -> str:
    """A coefficient or expression symdil built, printed as documents print it."""
    from ..render.printer import latex

    return latex(expr)


def per_axis_arg(values: Sequence[Any]) -> Any:
    """A ``Conv`` argument from one value per axis: the value itself in 1-D (where a tuple would
    mean something else, e.g. a (before, after) padding pair), the tuple in N-D."""
    values = tuple(values)
    return values[0] if len(values) == 1 else values


# ----- the flat layout --------------------------------------------------------------------------

def flat_index(index: Sequence[int], shape: Sequence[int]) -> int:
    """Row-major flat position of a multi-index."""
    if len(shape) == 2:  # (channel, position): every 1-D layout, written out for speed
        return index[0] * shape[1] + index[1]
    value = 0
    for i, size in zip(index, shape):
        value = value * size + i
    return value


def unflat_index(flat: int, shape: Sequence[int]) -> tuple[int, ...]:
    """The multi-index of a row-major flat position (the leading index is not wrapped, so a
    position past the end shows as a leading index past its size)."""
    if len(shape) == 2:  # (channel, position): every 1-D layout, written out for speed
        return divmod(flat, shape[1])
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
        if nonzero(value):
            rows[r][c] = value
    return shape, rows


def nonzero(value: Any) -> bool:
    """``value != 0`` for a coefficient, without SymPy's comparison machinery: an expression that
    is not a number is never structurally zero (SymPy cancels ``k - k`` to the number 0)."""
    if isinstance(value, (int, float)):
        return value != 0
    return not (value.is_Number and value == 0)


def accumulate(row: dict[int, Any], col: int, value: Any) -> None:
    """``row[col] += value`` (a first value is stored as it is, not added to 0)."""
    row[col] = row[col] + value if col in row else value


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
        if row_got == row_want:  # identical coefficients (SymPy's == is structural)
            continue
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
