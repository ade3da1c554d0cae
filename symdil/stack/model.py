"""``Stack``: a chain of convolutions as one exact operator, with its receptive-field arithmetic.

Layer ``l`` (counted from 1) is a ``Conv`` whose input is layer ``l-1``'s output: lengths and
channels chain, every ``Conv`` option is allowed per layer.  The composed operator
``M = M_L ... M_1`` is built row by row from sparse rows (row r of the product is the sum of the
coefficient-weighted rows of the product so far that row r of ``M_L`` reads), so the work is
proportional to the non-zeros of the partial products, never dense.

Receptive-field facts per axis (Araujo, Norris & Sim, "Computing Receptive Fields of
Convolutional Neural Networks", Distill 2019), with ``J_l = s_1 ... s_{l-1}`` the jump before
layer ``l``:

- receptive field   ``r = 1 + sum_l d_l (K_l - 1) J_l``
- effective stride  ``S = s_1 ... s_L``
- effective padding ``P = sum_l p_l J_l`` (before; ``p_l`` the layer's padding before)
- region of output ``i``: ``[u_i, v_i] = [S i - P, S i - P + r - 1]`` in input coordinates,
  i.e. the recurrence ``u <- s_l u - p_l``, ``v <- s_l v - p_l + d_l (K_l - 1)`` applied from the
  last layer down to the first.

A transposed layer (``out[i s + t d - p] += k_t x[i]``) enters the recurrence as a stride of
``1/s``: its output ``j`` reads the inputs ``(j + p - d t)/s`` that are integers.  Which taps
qualify depends on ``j mod s`` (a transposed layer's rows are not translates of each other), and a
dilated layer above it can skip every admissible position, so the regions are computed exactly by
mapping the set of positions (not just its ends) down through the layers; ``receptive_field`` is
then the largest region over all rows, ``effective_stride`` the fraction
``prod(forward s) / prod(transposed s)``, and no closed form is claimed.
``symdil.stack_checks`` proves every fact against the supports of the composed matrix's rows.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import sympy

from ..core.conv import Conv
from ..core.limits import check_kernel_weights
from ..core.spec import SymdilError, plain_int, require_int, validate_symbol_name
from ..core.symbols import indexed_symbol

#: The composed operator is refused when an upper bound of its non-zeros (computed before
#: anything is built) exceeds this: each entry is a SymPy polynomial (about 0.5 KB and ~25 us).
MAX_PRODUCT_NONZEROS = 2_000_000
#: Symbolic kernel weights of all layers together (each layer alone: core's MAX_KERNEL_WEIGHTS).
MAX_STACK_WEIGHTS = 100_000
#: Layers of one stack (each is a Conv; the document lists every one).
MAX_LAYERS = 1_000
#: With a transposed layer the regions are computed output by output (no closed form): at most
#: this many outputs along an axis.
MAX_SCANNED_OUTPUTS = 20_000
#: The composed kernel is built (as the candidate ``Conv``'s taps) when it has at most this many
#: weights (C_out * C_in * prod r) and its product makes at most this many products of taps.
MAX_COMPOSED_WEIGHTS = 100_000
MAX_COMPOSED_TERMS = 100_000
#: Work (candidate rows x the positions their cones visit) spent finding the border rows.
MAX_BORDER_WORK = 2_000_000
#: Border rows listed at most (rows of all channels).
MAX_BORDER_ROWS = 100_000
#: One composed row is built when it is a sum of at most this many products of taps (one per path
#: through the layers), found by counting paths first (at most MAX_ROW_POSITIONS positions).
MAX_ROW_TERMS = 20_000
MAX_ROW_POSITIONS = 400_000

_LAYER_KEYS = ("kernel", "stride", "dilation", "padding", "padding_mode", "flip", "transposed",
               "output_padding", "kernel_symbol", "in_channels", "out_channels", "groups")


def _prod(values: Sequence[Any]) -> Any:
    result = 1
    for value in values:
        result *= value
    return result


@dataclass(frozen=True)
class SingleConv:
    """What ``Stack.single_conv()`` found.

    ``conv``: the equivalent ``Conv`` when every row of the stack equals it, else None.
    ``candidate``: the convolution with stride ``prod(s_l)`` and the composed kernel (None when
    there is none: transposed layers, padding modes other than zeros -- or when its kernel is too
    large to build, see ``unbuilt``).  ``reason``: why ``conv`` is None ("" when it is not).
    ``border_indices``: per axis, the output indices whose rows read an intermediate zero-padded
    value that the single convolution computes from real inputs (with symbolic taps exactly the
    rows that differ from ``candidate``); ``border``: the flat rows with such an index along
    some axis.  Every other row is interior: equal to the candidate's.

    ``exists``: every row equals the single convolution (decided in closed form, also when the
    kernel is not built); ``stride``/``padding``/``size``: its geometry per axis (None without
    one); ``unbuilt``: why the candidate was not built although it exists ("" otherwise).
    """

    conv: Conv | None
    candidate: Conv | None
    reason: str
    border_indices: tuple[tuple[int, ...], ...]
    border: tuple[int, ...]
    exists: bool = False
    stride: tuple[int, ...] | None = None
    padding: tuple[tuple[int, int], ...] | None = None
    size: tuple[int, ...] | None = None
    unbuilt: str = ""

    def is_interior(self, row: int) -> bool:
        """Is flat output ``row`` equal to the candidate's row (needs a candidate)?"""
        return self.candidate is not None and row not in set(self.border)

    def __bool__(self) -> bool:
        return self.conv is not None


class _TooMuchWork(Exception):
    """Finding the border rows would take more than MAX_BORDER_WORK."""


class Stack:
    """A chain of convolutions ``y = M_L ... M_1 a`` built exactly with SymPy.

    ``n``: the input length (a tuple per axis in N-D); ``layers``: dicts of ``Conv`` keyword
    arguments without ``n`` (it is the previous layer's output length), or ``Conv`` objects whose
    ``n`` matches the chain.  A layer's ``in_channels`` defaults to the previous layer's
    ``out_channels``.  Layer ``l``'s kernel taps are the symbols ``k^{(l)}_t`` (with channels
    ``k^{(l,o,c)}_t``; base ``kernel_symbol``) unless the layer gives concrete taps or its own
    ``kernel_symbol``.  Every invalid argument raises ``SymdilError`` naming the layer.
    """

    def __init__(self, n: Any, layers: Sequence[Mapping[str, Any] | Conv],
                 input_symbol: str = "a", kernel_symbol: str = "k",
                 output_symbol: str = "y", biases: Sequence[Any] | None = None) -> None:
        names = {"input_symbol": validate_symbol_name("input_symbol", input_symbol),
                 "kernel_symbol": validate_symbol_name("kernel_symbol", kernel_symbol),
                 "output_symbol": validate_symbol_name("output_symbol", output_symbol)}
        if len(set(names.values())) != 3:
            raise SymdilError("input_symbol, kernel_symbol and output_symbol must be different, "
                              f"got {input_symbol!r}, {kernel_symbol!r}, {output_symbol!r}")
        self.input_symbol, self.kernel_symbol, self.output_symbol = names.values()
        if isinstance(layers, (str, bytes, Mapping)) or not isinstance(layers, Sequence):
            raise SymdilError(f"layers must be a list of layers (dicts of Conv arguments or "
                              f"Conv objects), got {layers!r}")
        if not layers:
            raise SymdilError("layers must hold at least one layer, got []")
        if len(layers) > MAX_LAYERS:
            raise SymdilError(f"layers must hold at most {MAX_LAYERS:,} layers, got "
                              f"{len(layers):,}")
        ns = tuple(n) if isinstance(n, (tuple, list)) else (n,)
        if not ns:
            raise SymdilError("n must be a length or a tuple of lengths, got ()")
        if any(isinstance(value, (str, sympy.Symbol)) for value in ns):
            raise SymdilError(f"a stack needs a concrete n (its layers' lengths chain), got {n!r}")
        ns = tuple(require_int("n" if len(ns) == 1 else f"n (axis {a})", value, 1)
                   for a, value in enumerate(ns))
        self.n = ns[0] if len(ns) == 1 else ns
        built: list[Conv] = []
        lengths = ns
        channels = None
        seen_bases: dict[str, int] = {}
        self._weights = 0  # symbolic kernel weights made so far (MAX_STACK_WEIGHTS)
        for number, layer in enumerate(layers, start=1):
            conv = self._layer(number, layer, lengths, channels, len(built) == len(layers) - 1,
                               seen_bases)
            built.append(conv)
            lengths = tuple(axis.output_length for axis in conv.axes)
            channels = conv.out_channels
        self.layers: tuple[Conv, ...] = tuple(built)
        del self._weights
        self._refuse_row_scans()
        self.biases: tuple[tuple | None, ...] = self._biases(biases)

    def _refuse_row_scans(self) -> None:
        """A transposed layer's regions have no closed form: they are computed output by
        output, so the outputs along each axis are bounded before any of it is done."""
        number = next((k for k, layer in enumerate(self.layers, 1) if layer.transposed), None)
        if number is None:
            return
        for a in range(self.ndim):
            longest = max(max(layer.axes[a].n, layer.axes[a].output_length)
                          for layer in self.layers)
            if longest > MAX_SCANNED_OUTPUTS:
                where = "" if self.ndim == 1 else f" (axis {a})"
                raise SymdilError(
                    f"n{where}: with a transposed layer (layer {number}) the regions are "
                    f"computed output by output; the layers' lengths must be at most "
                    f"{MAX_SCANNED_OUTPUTS:,}, got {longest:,}")

    def _biases(self, biases: Sequence[Any] | None) -> tuple[tuple | None, ...]:
        if biases is None:
            return (None,) * len(self.layers)
        if isinstance(biases, (str, bytes)) or len(biases) != len(self.layers):
            raise SymdilError(f"biases must hold one entry per layer ({len(self.layers)}), "
                              f"None or one value per output channel, got {biases!r}")
        out = []
        for number, (layer, bias) in enumerate(zip(self.layers, biases), start=1):
            if bias is None:
                out.append(None)
                continue
            values = tuple(bias) if isinstance(bias, (list, tuple)) else None
            if values is None or len(values) != layer.out_channels:
                raise SymdilError(f"layer {number}: bias must be {layer.out_channels} value(s) "
                                  f"(one per output channel), got {bias!r}")
            try:
                out.append(tuple(sympy.sympify(v, strict=True) for v in values))
            except (sympy.SympifyError, TypeError):
                raise SymdilError(f"layer {number}: bias values must be numbers or SymPy "
                                  f"expressions, got {bias!r}") from None
        return tuple(out)

    # ----- building the layers ---------------------------------------------------------------
    def _layer(self, number: int, layer: Any, lengths: tuple[int, ...], channels: int | None,
               last: bool, seen_bases: dict[str, int]) -> Conv:
        where = f"layer {number}"
        if isinstance(layer, Conv):
            given = layer.args
            if tuple(axis.n for axis in layer.axes) != lengths:
                shown = lengths[0] if len(lengths) == 1 else lengths
                raise SymdilError(f"{where}: n = {given['n']!r} does not match the length "
                                  f"{shown!r} it receives from the chain")
            args = {key: given[key] for key in _LAYER_KEYS}
        elif isinstance(layer, Mapping):
            unknown = sorted(set(layer) - set(_LAYER_KEYS))
            if "n" in unknown:
                raise SymdilError(f"{where}: n is set by the chain (the input length, then each "
                                  "layer's output length); leave it out")
            if unknown:
                raise SymdilError(f"{where}: unknown layer argument(s) {', '.join(unknown)} "
                                  f"(allowed: {', '.join(_LAYER_KEYS)})")
            if "kernel" not in layer:
                raise SymdilError(f"{where}: kernel is required (a number of taps or the taps)")
            args = dict(layer)
        else:
            raise SymdilError(f"{where} must be a dict of Conv arguments or a Conv, got "
                              f"{layer!r}")
        # the first layer's in_channels is the input's; later ones must match the chain
        args.setdefault("in_channels", 1 if channels is None else channels)
        if channels is not None and args["in_channels"] != channels:
            raise SymdilError(f"{where}: in_channels = {args['in_channels']!r} but layer "
                              f"{number - 1} gives {channels} channel(s)")
        base = args.get("kernel_symbol", self.kernel_symbol)
        concrete = isinstance(args["kernel"], (list, tuple)) and not (
            len(lengths) > 1 and _depth(args["kernel"]) == 1)
        n_value = lengths[0] if len(lengths) == 1 else lengths
        symbols = dict(input_symbol=self.input_symbol if number == 1 else "a",
                       output_symbol=self.output_symbol if last else "y")
        try:
            if concrete or base != self.kernel_symbol:
                if not concrete:
                    if base in (self.input_symbol, self.output_symbol) or base in seen_bases:
                        other = (f"layer {seen_bases[base]}'s" if base in seen_bases
                                 else "an input/output symbol")
                        raise SymdilError(f"kernel_symbol {base!r} is already {other}; each "
                                          "layer needs its own")
                    seen_bases[base] = number
                    kernel_symbol = base
                else:
                    kernel_symbol = "k"
                for key in ("input_symbol", "output_symbol"):
                    if symbols[key] == kernel_symbol:
                        symbols[key] = "b" if kernel_symbol != "b" else "c"
                return Conv(n=n_value, **{**args, "kernel_symbol": kernel_symbol}, **symbols)
            probe = Conv(n=n_value, **{**args, "kernel_symbol": "k"},
                         **{"input_symbol": "a", "output_symbol": "y"})
            check_kernel_weights(probe)
            self._weights += _prod(probe.kernel_shape)
            if self._weights > MAX_STACK_WEIGHTS:
                raise SymdilError(f"the layers up to this one have {self._weights:,} symbolic "
                                  f"kernel weights in all, more than {MAX_STACK_WEIGHTS:,}: use "
                                  "fewer layers, channels or taps")
            values = _layer_symbols(self.kernel_symbol, number, probe.kernel_shape)
            args = {**args, "kernel": values, "kernel_symbol": "k"}
            if symbols["input_symbol"] == "k" or symbols["output_symbol"] == "k":
                args["kernel_symbol"] = "q"
            return Conv(n=n_value, **args, **symbols)
        except SymdilError as error:
            raise SymdilError(f"{where}: {error}") from None

    # ----- identity --------------------------------------------------------------------------
    def __repr__(self) -> str:
        return (f"Stack(n={self.n!r}, layers={list(self.layers)!r}, "
                f"input_symbol={self.input_symbol!r}, kernel_symbol={self.kernel_symbol!r}, "
                f"output_symbol={self.output_symbol!r}"
                + (f", biases={list(self.biases)!r})" if any(self.biases) else ")"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Stack) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))

    # ----- geometry --------------------------------------------------------------------------
    @property
    def ndim(self) -> int:
        return self.layers[0].ndim

    @property
    def input_shape(self) -> tuple:
        return self.layers[0].input_shape

    @property
    def output_shape(self) -> tuple:
        return self.layers[-1].output_shape

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the composed matrix."""
        return (_prod(self.output_shape), _prod(self.input_shape))

    @property
    def output_length(self) -> Any:
        return self.layers[-1].output_length

    @property
    def forward_only(self) -> bool:
        """No transposed layer: the closed forms of Araujo et al. hold."""
        return not any(layer.transposed for layer in self.layers)

    def _per_axis(self, values: Sequence[Any]) -> Any:
        return values[0] if self.ndim == 1 else tuple(values)

    def jumps(self, axis: int = 0) -> tuple[Any, ...]:
        """``J_l`` before each layer along ``axis``: the input-sample distance between adjacent
        outputs of layer ``l-1`` (``J_1 = 1``); ``Fraction`` after a transposed layer."""
        cache = self.__dict__.setdefault("_jump_cache", {})
        if axis not in cache:
            cache[axis] = self._jumps(axis)
        return cache[axis]

    def _jumps(self, axis: int) -> tuple[Any, ...]:
        jump: Any = 1
        out = []
        for layer in self.layers:
            out.append(jump)
            s = layer.axes[axis].stride
            jump = Fraction(jump) / s if layer.transposed else jump * s
            if isinstance(jump, Fraction) and jump.denominator == 1:
                jump = int(jump)
        return tuple(out)

    def receptive_fields(self, axis: int = 0) -> tuple[int, ...]:
        """The receptive field after each layer (layers 1..l) along ``axis``."""
        return tuple(self._receptive_field(axis, upto) for upto in range(1, len(self.layers) + 1))

    def _receptive_field(self, axis: int, upto: int) -> int:
        layers = self.layers[:upto]
        if not any(layer.transposed for layer in layers):
            # closed form: r = 1 + sum_l d_l (K_l - 1) J_l
            jump, total = 1, 1
            for layer in layers:
                ax = layer.axes[axis]
                total += ax.dilation * (ax.kernel_size - 1) * jump
                jump *= ax.stride
            return total
        # with transposed layers the region depends on the row: the largest over all rows
        best = 0
        for i in range(layers[-1].axes[axis].output_length):
            region = self._region(axis, i, upto)
            if region is not None:
                best = max(best, region[1] - region[0] + 1)
        return best

    @property
    def receptive_field(self) -> Any:
        """``r = 1 + sum_l d_l (K_l - 1) prod_{i<l} s_i`` per axis (the largest region over the
        rows when there are transposed layers)."""
        return self._per_axis([self._receptive_field(a, len(self.layers))
                               for a in range(self.ndim)])

    @property
    def effective_stride(self) -> Any:
        """``prod s_l`` per axis; a ``Fraction`` ``prod(forward s)/prod(transposed s)`` with
        transposed layers (an int when it is whole)."""
        values = []
        for a in range(self.ndim):
            stride: Any = Fraction(1)
            for layer in self.layers:
                s = layer.axes[a].stride
                stride = stride / s if layer.transposed else stride * s
            values.append(int(stride) if stride.denominator == 1 else stride)
        return self._per_axis(values)

    @property
    def effective_padding(self) -> Any:
        """``(before, after)`` per axis: the first output's region starts ``before`` samples
        ahead of the input (``sum_l p_l J_l`` without transposed layers) and the last output's
        region ends ``after`` samples past its end (negative: inputs no output reads)."""
        values = []
        for a in range(self.ndim):
            m = self.layers[-1].axes[a].output_length
            n = self.layers[0].axes[a].n
            if self.forward_only:  # the hulls are affine in i: the ends of rows 0 and m - 1
                slope, low, high = self._hulls(a)[0]
                values.append((-low, slope * (m - 1) + high - (n - 1)))
                continue
            first = self._first_nonempty(a, range(m))
            last = self._first_nonempty(a, range(m - 1, -1, -1))
            if first is None:
                values.append((0, 0))
            else:
                values.append((-first[0], last[1] - (n - 1)))
        return self._per_axis(values)

    def _first_nonempty(self, axis: int, rows: Any) -> tuple[int, int] | None:
        for i in rows:
            region = self._region(axis, i, len(self.layers))
            if region is not None:
                return region
        return None

    def receptive_field_region(self, i: Any) -> Any:
        """The input region ``(u_i, v_i)`` (both ends included, possibly in the padding) of
        output index ``i`` (a tuple of output positions in N-D); None for an output no input
        reaches (a transposed layer's empty rows)."""
        index = tuple(i) if isinstance(i, (tuple, list)) else (i,)
        if len(index) != self.ndim or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in index):
            wanted = ("an output index" if self.ndim == 1
                      else f"{self.ndim} output indices (one per axis)")
            raise SymdilError(f"i must be {wanted}, got {i!r}")
        for a, value in enumerate(index):
            m = self.layers[-1].axes[a].output_length
            if not 0 <= value < m:
                raise SymdilError(f"i{'' if self.ndim == 1 else f' (axis {a})'} must be an "
                                  f"output index in [0, {m}), got {value}")
        regions = [self._region(a, value, len(self.layers)) for a, value in enumerate(index)]
        if self.ndim == 1:
            return regions[0]
        return None if any(r is None for r in regions) else tuple(regions)

    def _region(self, axis: int, i: int, upto: int) -> tuple[int, int] | None:
        """Map output ``i`` back through layers upto..1: the recurrence on the interval ends
        for forward layers (an affine map keeps the ends); with a transposed layer the exact
        position sets, since only the positions divisible by its stride reach an input."""
        layers = self.layers[:upto]
        if not any(layer.transposed for layer in layers):
            low, high = i, i
            for layer in reversed(layers):
                ax = layer.axes[axis]
                low = ax.stride * low - ax.pad_before
                high = ax.stride * high - ax.pad_before + ax.dilation * (ax.kernel_size - 1)
            return low, high
        positions = {i}
        for layer in reversed(layers):
            ax = layer.axes[axis]
            s, d, K, p = ax.stride, ax.dilation, ax.kernel_size, ax.pad_before
            if layer.transposed:  # output j reads input (j + p - d t)/s when it is an integer
                positions = {(j + p - d * t) // s for j in positions for t in range(K)
                             if (j + p - d * t) % s == 0}
            else:
                positions = {s * j - p + d * t for j in positions for t in range(K)}
            if not positions:
                return None
        return min(positions), max(positions)

    def _hulls(self, axis: int) -> list[tuple[int, int, int]]:
        """Forward layers: per layer l (0-based), ``(A, B, C)`` with the positions output ``i``
        reads at layer l's input spanning exactly ``[A i + B, A i + C]`` (the ends are read: all
        first taps, all last taps), the layers above l mapped down without borders."""
        cache = self.__dict__.setdefault("_hull_cache", {})
        if axis not in cache:
            slope, low, high = 1, 0, 0
            out = []
            for layer in reversed(self.layers):
                ax = layer.axes[axis]
                slope, low, high = (ax.stride * slope, ax.stride * low - ax.pad_before,
                                    ax.stride * high - ax.pad_before
                                    + ax.dilation * (ax.kernel_size - 1))
                out.append((slope, low, high))
            cache[axis] = out[::-1]
        return cache[axis]

    def clean_indices(self, axis: int) -> range | frozenset[int]:
        """Output indices along ``axis`` whose rows read no padded position at any layer (exact
        position sets): their support is their region's read set whatever the padding mode.
        Forward layers: an interval (a ``range``), from the hulls in closed form."""
        cache = self.__dict__.setdefault("_clean_cache", {})
        if axis in cache:
            return cache[axis]
        m = self.layers[-1].axes[axis].output_length
        if not any(layer.transposed for layer in self.layers):
            first, last = 0, m - 1
            for layer, (slope, low, high) in zip(self.layers, Stack._hulls(self, axis)):
                # 0 <= slope i + low and slope i + high <= n_l - 1
                first = max(first, -(low // slope))
                last = min(last, (layer.axes[axis].n - 1 - high) // slope)
            cache[axis] = range(first, max(first, last + 1))
            return cache[axis]
        clean = set()
        for i in range(m):
            positions = {i}
            ok = True
            for layer in reversed(self.layers):
                ax = layer.axes[axis]
                s, d, K, p = ax.stride, ax.dilation, ax.kernel_size, ax.pad_before
                if layer.transposed:
                    positions = {(j + p - d * t) // s for j in positions for t in range(K)
                                 if (j + p - d * t) % s == 0}
                else:
                    positions = {s * j - p + d * t for j in positions for t in range(K)}
                if any(not 0 <= q < ax.n for q in positions):
                    ok = False
                    break
            if ok:
                clean.add(i)
        cache[axis] = frozenset(clean)
        return cache[axis]

    # ----- symbols ---------------------------------------------------------------------------
    @property
    def kernel(self) -> tuple:
        """Every layer's taps, layer after layer (each flat in PyTorch's weight layout)."""
        return tuple(tap for layer in self.layers for tap in layer.kernel)

    @property
    def input(self) -> tuple:
        return self.layers[0].input

    def output_symbol_at(self, row: int) -> sympy.Symbol:
        return self.layers[-1].output_symbol_at(row)

    def input_symbol_at(self, col: int) -> sympy.Symbol:
        return self.layers[0].input_symbol_at(col)

    #: a stack always has a concrete n (the printer's general case does not apply)
    symbolic = False

    def row(self, r: int) -> dict[int, Any]:
        """Row ``r`` of the composed matrix alone, without the product: the unit row vector
        carried down through the layers' rows (work ~ the row's cone), for elided printing."""
        r = plain_int(r)
        if not isinstance(r, int) or isinstance(r, bool) or not 0 <= r < self.shape[0]:
            raise SymdilError(f"row must be an integer in [0, {self.shape[0]}), got {r!r}")
        if "_rows" in self.__dict__:
            return dict(self._rows[r])
        cache = self.__dict__.setdefault("_row_cache", {})
        if r in cache:
            return dict(cache[r])
        self._check_row_terms(r)
        # monomials (tuples of factors) carried down, multiplied out once at the end (products
        # multiplied layer after layer cost the square of the depth)
        paths: dict[int, list[tuple]] = {r: [()]}
        for layer in reversed(self.layers):
            acc: dict[int, list[tuple]] = {}
            for j, monomials in paths.items():
                for col, coef in layer.row(j).items():
                    acc.setdefault(col, []).extend((coef,) + mono for mono in monomials)
            paths = acc
        vector = {}
        for col in sorted(paths):
            value = sympy.Add(*[sympy.Mul(*mono) for mono in paths[col]])
            if value != 0:
                vector[col] = value
        cache[r] = vector
        return dict(vector)

    def _check_row_terms(self, r: int) -> None:
        """Refuse row ``r`` when it is a sum of more than MAX_ROW_TERMS products of taps: the
        paths from output r down to the inputs, counted with integers first (positions clipped
        to each layer's input, as the row itself is)."""
        index = _unflatten(r, self.output_shape)[1:]
        if self.forward_only:  # positions per level at most: the clipped hull, the tap choices
            bound, choices = 0, 1
            for layer, hulls in zip(reversed(self.layers), zip(*[
                    reversed(self._hulls(a)) for a in range(self.ndim)])):
                choices *= layer.out_channels * _prod(ax.kernel_size for ax in layer.axes)
                width = _prod(max(0, min(ax.n - 1, slope * i + high) - max(0, slope * i + low)
                                  + 1) for ax, (slope, low, high), i in
                              zip(layer.axes, hulls, index))
                bound += min(choices, width * layer.in_channels)
            if bound > MAX_ROW_POSITIONS:
                raise SymdilError(
                    f"row {r} of the composed matrix reaches up to {bound:,} positions through "
                    f"the layers, more than {MAX_ROW_POSITIONS:,}: use a smaller n or fewer, "
                    "shorter layers")
        counts = {r: 1}
        visited = 0
        for layer in reversed(self.layers):
            below: dict[int, int] = {}
            for j, paths in counts.items():
                for col in layer.row(j):
                    below[col] = below.get(col, 0) + paths
            counts = below
            visited += len(counts)
            if visited > MAX_ROW_POSITIONS:
                raise SymdilError(
                    f"row {r} of the composed matrix reaches more than {MAX_ROW_POSITIONS:,} "
                    "positions through the layers: use a smaller n or fewer, shorter layers")
        terms = sum(counts.values())
        if terms > MAX_ROW_TERMS:
            raise SymdilError(
                f"row {r} of the composed matrix is a sum of {terms:,} products of taps (one "
                f"per path through the layers), more than {MAX_ROW_TERMS:,}: use fewer or "
                "shorter layers")

    # ----- the composed operator -------------------------------------------------------------
    @cached_property
    def nonzeros_bound(self) -> int:
        """An upper bound of the composed matrix's non-zeros, computed without building it:
        per axis, the sum over output positions of the region clipped to the input (with zero
        padding), multiplied over the axes and by the channel counts (a row can read no more).
        Another padding mode folds reads back into the input, so a row can read more than its
        region: there, each row is bounded by its paths through the layers (prod K) and n."""
        zeros = all(layer.axes[0].padding_mode == "zeros" for layer in self.layers)
        per_axis = []
        for a in range(self.ndim):
            n = self.layers[0].axes[a].n
            m = self.layers[-1].axes[a].output_length
            if not zeros:
                per_axis.append(m * min(n, _prod(layer.axes[a].kernel_size
                                                 for layer in self.layers)))
                continue
            if self.forward_only:  # closed form: the hulls are affine in i
                slope, low, high = self._hulls(a)[0]
                per_axis.append(clipped_sum(slope, low, high, n, m) if zeros
                                else m * min(n, high - low + 1))
                continue
            counts = 0
            for i in range(self.layers[-1].axes[a].output_length):
                region = self._region(a, i, len(self.layers))
                if region is not None:
                    low, high = region
                    counts += max(0, min(high, n - 1) - max(low, 0) + 1)
            per_axis.append(counts)
        return _prod(per_axis) * self.layers[0].in_channels * self.layers[-1].out_channels

    def _guard(self) -> None:
        bound = self.nonzeros_bound
        if bound > MAX_PRODUCT_NONZEROS:
            raise SymdilError(
                f"the composed matrix may have up to {bound:,} non-zeros, more than "
                f"{MAX_PRODUCT_NONZEROS:,}; use a smaller n (receptive_field, "
                "receptive_field_region and single_conv() need no product)")

    @cached_property
    def _rows(self) -> tuple[MappingProxyType, ...]:
        self._guard()
        product = [dict(row) for row in self.layers[0].rows]
        for layer in self.layers[1:]:
            product = [compose_row(row, product) for row in layer.rows]
        return tuple(MappingProxyType(row) for row in product)

    @property
    def rows(self) -> tuple[MappingProxyType, ...]:
        """Every row of ``M_L ... M_1`` as a read-only mapping column -> coefficient."""
        return self._rows

    @property
    def matrix(self) -> sympy.SparseMatrix:
        """The composed operator ``M_L ... M_1`` as a SymPy ``SparseMatrix`` (a fresh copy)."""
        entries = {(r, c): v for r, row in enumerate(self._rows) for c, v in row.items()}
        return sympy.SparseMatrix(*self.shape, entries)

    @cached_property
    def bias(self) -> tuple | None:
        """The offset ``b`` of the affine map ``y = M a + b`` (None without biases): each
        layer's bias, carried through the layers after it, ``b = sum_l M_L ... M_{l+1} b_l``
        (padding of an intermediate signal is zero, as in PyTorch)."""
        if all(bias is None for bias in self.biases):
            return None
        self._guard()  # one offset per output, carried through every layer's rows
        offset: list | None = None
        for layer, bias in zip(self.layers, self.biases):
            if offset is not None:
                offset = [sympy.Add(*[coef * offset[c] for c, coef in row.items()])
                          for row in layer.rows]
            if bias is not None:
                size = _prod(layer.output_shape[1:])
                offset = offset or [sympy.Integer(0)] * layer.shape[0]
                offset = [value + bias[r // size] for r, value in enumerate(offset)]
        return tuple(sympy.expand(value) for value in offset)

    @cached_property
    def output(self) -> tuple:
        """Each output as an exact polynomial in the taps of all layers and the inputs (plus
        the offset ``b`` when there are biases)."""
        inputs = self.input
        bias = self.bias or (0,) * self.shape[0]
        return tuple(sympy.Add(*[sympy.Mul(coef, inputs[col]) for col, coef in row.items()],
                               offset) for row, offset in zip(self._rows, bias))

    @property
    def nonzeros(self) -> int:
        return sum(len(row) for row in self._rows)

    # ----- the single equivalent convolution -------------------------------------------------
    def composed_kernel(self) -> dict[tuple[int, int], dict[tuple[int, ...], Any]]:
        """(out channel, in channel) -> {offset per axis: tap}: the product of the layers'
        dilated kernels in the z-domain, layer ``l``'s taps at offsets ``d_l t J_l``.
        Forward layers only (raises ``SymdilError`` otherwise)."""
        if not self.forward_only:
            raise SymdilError("the composed kernel needs forward layers only (a transposed "
                              "layer upsamples)")
        weights, terms = self.composed_size()
        if weights > MAX_COMPOSED_WEIGHTS or terms > MAX_COMPOSED_TERMS:
            raise SymdilError(f"the composed kernel has {weights:,} weights and takes "
                              f"{terms:,} products of taps; at most {MAX_COMPOSED_WEIGHTS:,} "
                              f"and {MAX_COMPOSED_TERMS:,} are built: use fewer or shorter "
                              "layers")
        # each entry a list of monomials (tuples of factors), multiplied out once at the end:
        # multiplying SymPy products layer after layer costs the square of the depth
        composed: dict[tuple[int, int], dict[tuple[int, ...], list[tuple]]] = {
            (c, c): {(0,) * self.ndim: [()]} for c in range(self.layers[0].in_channels)}
        jumps = [self.jumps(a) for a in range(self.ndim)]
        for number, layer in enumerate(self.layers):
            scale = [jumps[a][number] for a in range(self.ndim)]
            taps = _layer_taps(layer)
            nxt: dict[tuple[int, int], dict[tuple[int, ...], list[tuple]]] = {}
            for (o, m), kernel in taps.items():
                for (m2, c), below in composed.items():
                    if m2 != m:
                        continue
                    acc = nxt.setdefault((o, c), {})
                    for offset, coef in kernel.items():
                        shifted = tuple(off * sc for off, sc in zip(offset, scale))
                        for offset2, monomials in below.items():
                            key = tuple(x + y for x, y in zip(shifted, offset2))
                            acc.setdefault(key, []).extend((coef,) + mono for mono in monomials)
            composed = {pair: dict(sorted(acc.items())) for pair, acc in sorted(nxt.items())}
        return {pair: {key: sympy.Add(*[sympy.Mul(*mono) for mono in monomials])
                       for key, monomials in entries.items()}
                for pair, entries in composed.items()}

    def single_conv(self) -> SingleConv:
        """The stack as one convolution: stride ``prod s_l``, taps the composed kernel, padding
        the effective padding; ``.conv`` is it when every row agrees, else None with
        ``.reason``, and ``.border`` says which rows do not (see ``SingleConv``).  Computed
        once per stack."""
        if "_single" not in self.__dict__:
            self.__dict__["_single"] = self._single_conv()
        return self.__dict__["_single"]

    def composed_size(self) -> tuple[int, int]:
        """(weights, products of taps) of the composed kernel, before building it: C_out *
        C_in * prod r, and the products the polynomial product forms (each product of the
        layers below meets each tap that reads its channel)."""
        weights = self.layers[-1].out_channels * self.layers[0].in_channels
        for a in range(self.ndim):
            weights *= self._receptive_field(a, len(self.layers))
        terms = total = self.layers[0].in_channels
        for layer in self.layers:
            per_channel = layer.out_channels // layer.groups
            terms *= per_channel * _prod(ax.kernel_size for ax in layer.axes)
            total += terms
        return weights, total

    def _single_conv(self) -> SingleConv:
        m = tuple(self.layers[-1].axes[a].output_length for a in range(self.ndim))
        none: tuple[tuple[int, ...], ...] = tuple(() for _ in m)
        if not self.forward_only:
            number = next(k for k, layer in enumerate(self.layers, 1) if layer.transposed)
            return SingleConv(None, None, f"layer {number} is transposed: it upsamples, and a "
                              "stack that upsamples is not one strided convolution", none, ())
        for number, layer in enumerate(self.layers, 1):
            mode = layer.axes[0].padding_mode
            if mode != "zeros":
                return SingleConv(None, None, f"layer {number} pads with {mode!r}: the padded "
                                  "values depend on the border, the stack is not "
                                  "shift-invariant there", none, ())
        c_out = self.layers[-1].out_channels
        spans = [self._receptive_field(a, len(self.layers)) for a in range(self.ndim)]
        strides = [_prod(layer.axes[a].stride for layer in self.layers)
                   for a in range(self.ndim)]
        pads = [self.effective_padding] if self.ndim == 1 else list(self.effective_padding)
        # a region ending before the input's end (after < 0) means unread inputs, no padding
        padding = [(before, max(after, 0)) for before, after in pads]
        for a, (n, (before, after), span, stride) in enumerate(
                zip(self.input_shape[1:], padding, spans, strides)):
            if n + before + after < span:
                return SingleConv(None, None, f"no single convolution: its kernel span {span} "
                                  f"exceeds the padded input length {n + before + after}",
                                  none, ())
            length = (n + before + after - span) // stride + 1
            if length != m[a]:
                shown = tuple(m)
                return SingleConv(None, None, "the single convolution would have output "
                                  f"length {length} along axis {a}, the stack "
                                  f"{shown[0] if len(shown) == 1 else shown}", none, ())
        geometry = dict(stride=tuple(strides), padding=tuple(padding), size=tuple(spans))
        try:
            per_axis = tuple(self._border_indices(a) for a in range(self.ndim))
        except _TooMuchWork as error:
            return SingleConv(None, None, f"not decided: {error}", none, (), **geometry)
        inner = [size - len(indices) for size, indices in zip(m, per_axis)]
        count = c_out * (_prod(m) - _prod(inner))
        if count > MAX_BORDER_ROWS:
            return SingleConv(None, None, f"not decided: {count:,} border rows, more than "
                              f"{MAX_BORDER_ROWS:,} are listed", none, (), **geometry)
        border = self._border_rows(per_axis) if count else []
        exists = not border
        weights, terms = self.composed_size()
        unbuilt = ""
        if weights > MAX_COMPOSED_WEIGHTS:
            unbuilt = (f"its composed kernel has {weights:,} weights, more than the "
                       f"{MAX_COMPOSED_WEIGHTS:,} that are built")
        elif terms > MAX_COMPOSED_TERMS:
            unbuilt = (f"its composed kernel is a sum of {terms:,} products of taps, more than "
                       f"the {MAX_COMPOSED_TERMS:,} that are multiplied out")
        candidate = None if unbuilt else self._candidate(spans, strides, padding)
        if border:
            shown = ", ".join(map(str, border[:6])) + (", ..." if len(border) > 6 else "")
            reason = (f"{len(border)} border row(s) ({shown}) read intermediate zero padding "
                      "where the single convolution reads inputs")
            return SingleConv(None, candidate, reason, per_axis, tuple(border), False,
                              **geometry, unbuilt=unbuilt)
        return SingleConv(candidate, candidate, "", per_axis, (), exists, **geometry,
                          unbuilt=unbuilt)

    def _candidate(self, spans: list[int], strides: list[int],
                   padding: list[tuple[int, int]]) -> Conv:
        composed = self.composed_kernel()
        c_in, c_out = self.layers[0].in_channels, self.layers[-1].out_channels
        weights = []
        for o in range(c_out):
            per_in = []
            for c in range(c_in):
                taps = composed.get((o, c), {})
                flat = [taps.get(index, sympy.Integer(0))
                        for index in _indices(tuple(spans))]
                per_in.append(_nest(flat, spans))
            weights.append(per_in)
        kernel = weights[0][0] if (c_in, c_out) == (1, 1) else weights
        return Conv(n=self.n, kernel=kernel, stride=self._per_axis(strides),
                    padding=padding[0] if self.ndim == 1 else tuple(padding),
                    in_channels=c_in, out_channels=c_out,
                    input_symbol=self.input_symbol, output_symbol=self.output_symbol,
                    kernel_symbol=self.kernel_symbol)

    def _border_rows(self, per_axis: tuple[tuple[int, ...], ...]) -> list[int]:
        """The flat rows with a border index along some axis, in order (without visiting the
        other rows: per channel, the rows of each axis's border indices)."""
        shape = self.output_shape
        rows: set[int] = set()
        for a, indices in enumerate(per_axis):
            for index in itertools.product(*[
                    indices if b == a else range(size) for b, size in enumerate(shape[1:])]):
                flat = 0
                for size, value in zip(shape[1:], index):
                    flat = flat * size + value
                rows.add(flat)
        per_channel = _prod(shape[1:])
        return [o * per_channel + r for o in range(shape[0]) for r in sorted(rows)]

    def _border_indices(self, axis: int) -> tuple[int, ...]:
        """Output indices along ``axis`` whose rows read harmful intermediate padding: a
        position ``q`` outside layer ``l``'s input ``[0, n_{l-1})`` whose own region in the
        stack's input (under layers 1..l-1) meets ``[0, n)``, where the single convolution would
        compute a value from real inputs and the stack has a zero.  Only the rows whose hull
        meets a harmful interval are examined (an interval of rows per interval, in closed
        form), within MAX_BORDER_WORK (else ``_TooMuchWork``)."""
        m = self.layers[-1].axes[axis].output_length
        n = self.layers[0].axes[axis].n
        harmful: list[tuple[int, list[tuple[int, int]]]] = []
        jump, start, span = 1, 0, 1  # layers 1..l-1: region of q is [jump q - start, ... + span-1]
        for number, layer in enumerate(self.layers):
            ax = layer.axes[axis]
            if number:
                length = ax.n
                intervals = []
                low = math.ceil(Fraction(start - span + 1, jump))
                if low <= -1:
                    intervals.append((max(low, -ax.pad_before), -1))
                high = math.floor(Fraction(n - 1 + start, jump))
                if high >= length:
                    intervals.append((length, min(high, length - 1 + ax.pad_after)))
                intervals = [(lo, hi) for lo, hi in intervals if lo <= hi]
                if intervals:
                    harmful.append((number, intervals))
            start += ax.pad_before * jump
            span += ax.dilation * (ax.kernel_size - 1) * jump
            jump *= ax.stride
        if not harmful:
            return ()
        hulls = self._hulls(axis)
        candidates: set[int] = set()
        cone = sum(min(_prod(layer.axes[axis].kernel_size for layer in self.layers[k:]),
                       high - low + 1) for k, (_, low, high) in enumerate(hulls))
        for number, intervals in harmful:
            slope, low, high = hulls[number]
            for lo, hi in intervals:  # rows whose hull [slope i + low, slope i + high] meets it
                first = max(0, -((high - lo) // slope))
                last = min(m - 1, (hi - low) // slope)
                if (len(candidates) + max(0, last - first + 1)) * cone > MAX_BORDER_WORK:
                    raise _TooMuchWork(
                        f"finding the border rows would examine more than {MAX_BORDER_WORK:,} "
                        f"positions (about {max(0, last - first + 1):,} rows near a border, "
                        f"each reading up to {cone:,} positions)")
                candidates.update(range(first, last + 1))
        return tuple(i for i in sorted(candidates) if self._reads(axis, i, harmful))

    def _reads(self, axis: int, i: int, harmful: list) -> bool:
        """Does output ``i`` read a harmful position at some layer?  Hulls first (cheap), then
        exact position sets for the rows whose hull meets a suspect interval."""
        hulls = {}
        low, high = i, i
        for number in range(len(self.layers) - 1, 0, -1):
            ax = self.layers[number].axes[axis]
            low = ax.stride * low - ax.pad_before
            high = ax.stride * high - ax.pad_before + ax.dilation * (ax.kernel_size - 1)
            hulls[number] = (low, high)
        targets = dict(harmful)
        if not any(lo <= hull[1] and hull[0] <= hi for number, hull in hulls.items()
                   for lo, hi in targets.get(number, [])):
            return False
        positions = {i}
        for number in range(len(self.layers) - 1, 0, -1):
            ax = self.layers[number].axes[axis]
            s, d, K, p = ax.stride, ax.dilation, ax.kernel_size, ax.pad_before
            positions = {s * q - p + d * t for q in positions for t in range(K)}
            for q in positions:
                if not 0 <= q < ax.n and any(lo <= q <= hi for lo, hi in targets.get(number, [])):
                    if self._virtual_reads_input(axis, number, q):
                        return True
            positions = {q for q in positions if 0 <= q < ax.n}
            if not positions:
                return False
        return False

    def _virtual_reads_input(self, axis: int, number: int, q: int) -> bool:
        """Would the single convolution's value at position ``q`` of layer ``number``'s input
        (an intermediate padding position of the stack) read a real input?  Exact: the
        positions it reads through layers ``number-1 .. 1`` without any border."""
        key = (axis, number, q)
        cache = self.__dict__.setdefault("_virtual_cache", {})
        if key not in cache:
            slope, low, high = 1, 0, 0
            for layer in reversed(self.layers[:number]):
                ax = layer.axes[axis]
                slope, low, high = (ax.stride * slope, ax.stride * low - ax.pad_before,
                                    ax.stride * high - ax.pad_before
                                    + ax.dilation * (ax.kernel_size - 1))
            n = self.layers[0].axes[axis].n
            first, last = slope * q + low, slope * q + high  # both read (all first/last taps)
            if 0 <= first < n or 0 <= last < n:
                cache[key] = True
                return True
            if last < 0 or first >= n:
                cache[key] = False
                return False
            reads = _prod(layer.axes[axis].kernel_size for layer in self.layers[:number])
            if reads > MAX_BORDER_WORK:
                raise _TooMuchWork(f"a padded position's region reads {reads:,} positions")
            positions = {q}
            for layer in reversed(self.layers[:number]):
                ax = layer.axes[axis]
                positions = {ax.stride * x - ax.pad_before + ax.dilation * t
                             for x in positions for t in range(ax.kernel_size)}
            n = self.layers[0].axes[axis].n
            cache[key] = any(0 <= x < n for x in positions)
        return cache[key]


# ----- helpers --------------------------------------------------------------------------------

def clipped_sum(slope: int, low: int, high: int, n: int, m: int) -> int:
    """``sum_{i=0}^{m-1} |[slope i + low, slope i + high] & [0, n - 1]|`` in closed form: the
    length is linear in i between the points where an end crosses 0 or n - 1 (O(1), any n)."""
    def length(i: int) -> int:
        return max(0, min(slope * i + high, n - 1) - max(slope * i + low, 0) + 1)

    cuts = {0, m, -(low // slope), (n - 1 - high) // slope + 1, -(high // slope),
            (n - 1 - low) // slope + 1}
    points = sorted(c for c in cuts if 0 <= c <= m)
    total = 0
    for first, end in zip(points, points[1:]):
        if end > first:  # linear and of one sign on [first, end - 1]
            total += (length(first) + length(end - 1)) * (end - first) // 2
    return total


def compose_row(row: Mapping[int, Any], product: Sequence[Mapping[int, Any]]) -> dict[int, Any]:
    """Row ``row`` of ``M_l`` times the product so far: sum of ``coef * product[col]``."""
    acc: dict[int, list] = {}
    for col, coef in row.items():
        for j, value in product[col].items():
            acc.setdefault(j, []).append(coef * value)
    out = {}
    for j in sorted(acc):
        terms = acc[j]
        value = terms[0] if len(terms) == 1 else sympy.Add(*terms)
        if value != 0:
            out[j] = value
    return out


def _depth(value: Any) -> int:
    depth = 0
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
        depth += 1
    return depth


def _indices(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    import itertools

    return list(itertools.product(*[range(k) for k in shape]))


def _nest(flat: list, shape: Sequence[int]) -> Any:
    if len(shape) == 1:
        return list(flat)
    step = len(flat) // shape[0]
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _unflatten(flat: int, shape: Sequence[int]) -> tuple[int, ...]:
    index = []
    for size in reversed(shape):
        flat, rem = divmod(flat, size)
        index.append(rem)
    return tuple(reversed(index))


def _layer_symbols(base: str, number: int, shape: tuple[int, ...]) -> Any:
    """Nested taps ``k^{(l)}_t`` (one channel) or ``k^{(l,o,c)}_t`` in the weight layout."""
    channels = shape[:2] != (1, 1)
    flat = [indexed_symbol(base, index[2:], (number,) + (index[:2] if channels else ()))
            for index in _indices(shape)]
    return _nest(flat, shape)


def _layer_taps(layer: Conv) -> dict[tuple[int, int], dict[tuple[int, ...], Any]]:
    """(out, in) channel -> {offset d*t per axis: tap at that offset} of a forward layer."""
    shape = layer.kernel_shape
    sizes = shape[2:]
    per_group_in = layer.in_channels // layer.groups
    per_group_out = layer.out_channels // layer.groups
    taps: dict[tuple[int, int], dict[tuple[int, ...], Any]] = {}
    kernel = layer.kernel
    for flat, index in enumerate(_indices(shape)):
        o, local_in, position = index[0], index[1], index[2:]
        c = (o // per_group_out) * per_group_in + local_in
        if layer.flip:
            position = tuple(k - 1 - t for k, t in zip(sizes, position))
        offset = tuple(ax.dilation * t for ax, t in zip(layer.axes, position))
        value = kernel[flat]
        if value != 0:
            entry = taps.setdefault((o, c), {})
            entry[offset] = entry.get(offset, 0) + value
    return taps
