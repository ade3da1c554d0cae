"""``Conv``: the public, immutable description of a convolution and its symbolic operator."""

from __future__ import annotations

import numbers
from functools import cached_property
from types import MappingProxyType
from typing import Any, Sequence

import sympy

from . import operator as _op
from .limits import (
    check_input_symbols,
    check_kernel_weights,
    check_operator_entries,
    check_output_terms,
)
from .spec import (
    SymdilError,
    make_axis,
    plain_int,
    require_int,
    validate_symbol_name,
    validate_tap_symbols,
)
from .symbols import indexed_symbol

_PARAMS = (
    "n", "kernel", "stride", "dilation", "padding", "padding_mode", "flip", "transposed",
    "output_padding", "input_symbol", "kernel_symbol", "output_symbol", "in_channels",
    "out_channels", "groups",
)


def _per_axis(name: str, value: Any, ndim: int) -> tuple:
    if isinstance(value, (tuple, list)):
        if len(value) != ndim:
            raise SymdilError(
                f"{name} must be one value or {ndim} values (one per axis), got {tuple(value)!r}"
                if ndim > 1 else f"{name} must be one value for a 1-D input, got {tuple(value)!r}"
            )
        return tuple(value)
    return (value,) * ndim


def _padding_per_axis(padding: Any, ndim: int) -> tuple:
    if isinstance(padding, str) or not isinstance(padding, (tuple, list)):
        return (padding,) * ndim
    if ndim == 1:
        # In 1-D a plain pair is (before, after); a 1-tuple holds the axis' own padding.
        if len(padding) == 1:
            return (padding[0],)
        return (tuple(padding),)
    if len(padding) != ndim:
        raise SymdilError(
            f"padding must be a word, one integer, or {ndim} items (one per axis: an integer or a "
            f"(before, after) pair), got {tuple(padding)!r}"
        )
    return tuple(tuple(p) if isinstance(p, list) else p for p in padding)


def _flatten(nested: Any, depth: int) -> tuple[list, tuple[int, ...]]:
    """Flatten a nested sequence of the given depth; return (values, shape)."""
    if depth == 0:
        return [nested], ()
    if not isinstance(nested, (list, tuple)) or not nested:
        raise SymdilError(f"kernel values must be a non-empty nested sequence, got {nested!r}")
    parts = [_flatten(item, depth - 1) for item in nested]
    shape = parts[0][1]
    if any(part[1] != shape for part in parts):
        raise SymdilError("kernel values must form a rectangular array (ragged nesting given)")
    return [v for part in parts for v in part[0]], (len(nested),) + shape


def _depth(value: Any) -> int:
    depth = 0
    while isinstance(value, (list, tuple)):
        if not value:
            raise SymdilError("kernel must not be an empty sequence")
        value = value[0]
        depth += 1
    return depth


def _tap_value(value: Any) -> sympy.Expr:
    if isinstance(value, str) or isinstance(value, bool):
        raise SymdilError(f"kernel taps must be numbers or SymPy expressions, got {value!r}")
    if isinstance(value, numbers.Number) or isinstance(value, sympy.Basic):
        tap = sympy.sympify(value)
        # sympy.true, Eq(x, 1), sets, matrices... are not values a kernel can hold
        if (not isinstance(tap, sympy.Expr) or isinstance(tap, sympy.MatrixBase)
                or not tap.is_commutative):
            raise SymdilError(f"kernel taps must be numbers or SymPy expressions, got {value!r} "
                              f"({type(value).__name__})")
        if tap.has(sympy.nan, sympy.oo, -sympy.oo, sympy.zoo):
            raise SymdilError(f"kernel taps must be finite, got {value!r}")
        if not tap.is_Number:
            validate_tap_symbols("kernel", tap)
        return tap
    raise SymdilError(f"kernel taps must be numbers or SymPy expressions, got {value!r}")


def _plain(value: Any) -> Any:
    """NumPy arrays and scalars become Python lists and numbers (``tolist``/``item``), so that
    ``Conv(numpy.int64(7), numpy.array([1, 2]))`` is ``Conv(7, [1, 2])``."""
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        return value.tolist()
    return value


def kernel_reading_error(value: Any, one_tap: str, name: str = "kernel") -> SymdilError:
    """A lone non-integer number as the kernel: it is neither a number of taps nor a list of taps.
    The message shows both readings (``one_tap`` spells one tap of this value in the caller's
    syntax: ``[3.0]`` in Python and TOML, ``3.0,`` on the command line)."""
    shown = value if isinstance(value, str) else repr(value)
    number = sympy.Rational(value) if isinstance(value, str) else sympy.nsimplify(value)
    if not number.is_finite:
        return SymdilError(f"{name} must be a number of taps (a positive integer such as 3) or a "
                           f"list of finite taps, got {shown}")
    if number.is_integer and number >= 1:
        size = int(number)
        return SymdilError(
            f"{name} {shown} is ambiguous: write {size} for {size} tap"
            f"{'s' if size != 1 else ''} (the kernel size), or {one_tap} for one tap of value "
            f"{shown}"
        )
    return SymdilError(f"{name} must be a number of taps (a positive integer such as 3) or a list "
                       f"of taps (for one tap of value {shown} write {one_tap}), got {shown}")


class Conv:
    """A convolution as a linear map, built symbolically.

    Semantics are PyTorch's: cross-correlation ``y_i = sum_t k_t x~[s*i + d*t - p_before]`` where
    ``x~`` is the input extended by the padding (``flip=True``: the kernel reversed, i.e. true
    convolution as ``numpy.convolve``); ``transposed=True`` is ``conv_transpose`` with the entry
    rule ``out[i*s + t*d - p] += k_t x[i]``.  ``padding='same'`` follows TensorFlow (output length
    ceil(n/s), the odd padding sample after).

    ``kernel`` is the number of taps K, or concrete taps; in 1-D any sequence is taps
    (``kernel=(3,)`` is one tap of value 3 — pass an int for a size).
    N-D: ``n``, ``kernel`` (sizes), ``stride``, ``dilation``, ``output_padding`` take one value per
    axis (an int broadcasts); ``padding`` is a word, an int, or one item per axis (int or
    (before, after)).  Channels follow PyTorch: input ``(C_in, *n)`` and output ``(C_out, *m)``
    flattened channel-major then row-major; ``.kernel`` is flat in the weight layout
    ``(C_out, C_in/groups, *K)`` (``(C_in, C_out/groups, *K)`` when transposed).

    Symbols: ``a_0`` / ``k_0`` in 1-D with one channel, ``a_{i,j}`` / ``k_{i,j}`` in N-D;
    with several channels the input carries ``^{(c)}`` and the kernel ``^{(o,c)}`` (the first two
    weight indices: (out, in) forward, (in, out) transposed).

    ``.matrix`` is a SymPy ``SparseMatrix`` (rows = outputs, columns = inputs; a fresh copy per
    access), built in O(m*K); ``.output`` is computed row by row from the sparse rows, never by a
    dense product.
    The object is immutable; every invalid argument raises ``SymdilError`` (a ``ValueError``).
    """

    __slots__ = ("_args", "axes", "in_channels", "out_channels", "groups", "flip", "transposed",
                 "input_symbol", "kernel_symbol", "output_symbol", "_kernel_values",
                 "_kernel_shape", "__dict__")

    def __init__(
        self,
        n: Any,
        kernel: Any,
        stride: Any = 1,
        dilation: Any = 1,
        padding: Any = 0,
        padding_mode: str = "zeros",
        flip: bool = False,
        transposed: bool = False,
        output_padding: Any = 0,
        input_symbol: str = "a",
        kernel_symbol: str = "k",
        output_symbol: str = "y",
        in_channels: int = 1,
        out_channels: int = 1,
        groups: int = 1,
    ) -> None:
        args = dict(zip(_PARAMS, (n, kernel, stride, dilation, padding, padding_mode, flip,
                                  transposed, output_padding, input_symbol, kernel_symbol,
                                  output_symbol, in_channels, out_channels, groups)))
        args = {key: _freeze(value) for key, value in args.items()}
        (n, kernel, stride, dilation, padding, padding_mode, flip, transposed, output_padding,
         input_symbol, kernel_symbol, output_symbol, in_channels, out_channels,
         groups) = args.values()
        set_ = object.__setattr__
        set_(self, "_args", args)
        names = {
            "input_symbol": validate_symbol_name("input_symbol", input_symbol),
            "kernel_symbol": validate_symbol_name("kernel_symbol", kernel_symbol),
            "output_symbol": validate_symbol_name("output_symbol", output_symbol),
        }
        # omicron prints as a Latin o: the two would look the same
        if len({"o" if name == "omicron" else name for name in names.values()}) != 3:
            raise SymdilError(
                "input_symbol, kernel_symbol and output_symbol must be different, got "
                f"{input_symbol!r}, {kernel_symbol!r}, {output_symbol!r}"
            )
        for key, value in names.items():
            set_(self, key, value)
        ns = tuple(n) if isinstance(n, (tuple, list)) else (n,)
        if not ns:
            raise SymdilError("n must be a length or a tuple of lengths, got ()")
        ndim = len(ns)
        c_in = require_int("in_channels", in_channels, 1)
        c_out = require_int("out_channels", out_channels, 1)
        g = require_int("groups", groups, 1)
        if c_in % g or c_out % g:
            raise SymdilError(
                f"groups must divide in_channels and out_channels, got groups={g}, "
                f"in_channels={c_in}, out_channels={c_out}"
            )
        set_(self, "in_channels", c_in)
        set_(self, "out_channels", c_out)
        set_(self, "groups", g)
        set_(self, "flip", flip)
        set_(self, "transposed", transposed)
        sizes, values, shape = self._parse_kernel(kernel, ndim, c_in, c_out, g, transposed)
        set_(self, "_kernel_values", values)
        set_(self, "_kernel_shape", shape)
        strides = _per_axis("stride", stride, ndim)
        dilations = _per_axis("dilation", dilation, ndim)
        output_paddings = _per_axis("output_padding", output_padding, ndim)
        paddings = _padding_per_axis(padding, ndim)
        axes = tuple(
            make_axis(ns[a], sizes[a], strides[a], dilations[a], paddings[a], padding_mode, flip,
                      transposed, output_paddings[a], f" (axis {a})" if ndim > 1 else "")
            for a in range(ndim)
        )
        if any(axis.symbolic for axis in axes) and (ndim > 1 or c_in > 1 or c_out > 1):
            raise SymdilError("a symbolic n is supported in 1-D with one channel only")
        if axes[0].symbolic and axes[0].n.name in names.values():
            raise SymdilError("n must differ from the input, kernel and output symbols, got "
                              f"{axes[0].n.name!r}; use another name such as 'n' or 'L'")
        set_(self, "axes", axes)

    @staticmethod
    def _parse_kernel(kernel, ndim, c_in, c_out, g, transposed):
        lead = (c_in, c_out // g) if transposed else (c_out, c_in // g)
        if isinstance(kernel, (list, tuple)):
            depth = _depth(kernel)
            if depth == 1 and ndim > 1:
                sizes = _per_axis("kernel", kernel, ndim)
                return sizes, None, lead + tuple(sizes)
            want = ndim + (2 if lead != (1, 1) else 0)
            if depth == ndim and lead == (1, 1):
                flat, shape = _flatten(kernel, depth)
                shape = lead + shape
            elif depth == ndim + 2:
                flat, shape = _flatten(kernel, depth)
            else:
                raise SymdilError(
                    f"kernel values must be nested {want} deep for {ndim}-D with weight shape "
                    f"{lead + ('K',) * ndim}, got depth {depth}"
                )
            if shape[:2] != lead:
                raise SymdilError(f"kernel values have channel shape {shape[:2]}, expected {lead}")
            return shape[2:], tuple(_tap_value(v) for v in flat), shape
        if ndim == 1 and isinstance(kernel, (numbers.Real, sympy.Number)) and not isinstance(
                kernel, (bool, numbers.Integral, sympy.Integer)):
            raise kernel_reading_error(kernel, f"[{kernel!r}]")
        sizes = _per_axis("kernel", kernel, ndim)
        return sizes, None, lead + tuple(
            require_int("kernel size", s, 1) if not isinstance(s, bool) else s for s in sizes
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Conv is immutable; use .replace(...) for a variant")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Conv is immutable")

    # ----- identity -------------------------------------------------------------------------
    @property
    def args(self) -> dict[str, Any]:
        """The constructor arguments, as given."""
        return dict(self._args)

    def replace(self, **changes: Any) -> "Conv":
        """A new Conv with some constructor arguments changed."""
        unknown = set(changes) - set(_PARAMS)
        if unknown:
            raise SymdilError(f"unknown Conv argument(s): {', '.join(sorted(unknown))}")
        return Conv(**{**self._args, **changes})

    def _key(self) -> tuple:
        """What equality compares: the resolved operator.  The geometry with padding resolved to
        (before, after) per axis (``padding="same"`` equals the same padding given as numbers),
        channels, groups, the taps (symbols, or values compared as SymPy expressions: ``1`` and
        ``1.0`` differ) and the three symbol names (they name the matrix's entries)."""
        axes = tuple(
            (axis.n, axis.kernel_size, axis.stride, axis.dilation, axis.pad_before,
             axis.pad_after, axis.padding_mode, axis.transposed, axis.output_padding, axis.flip)
            for axis in self.axes)
        return (axes, self.in_channels, self.out_channels, self.groups, self._kernel_shape,
                self._kernel_values, self.input_symbol, self.kernel_symbol, self.output_symbol)

    def __eq__(self, other: object) -> bool:
        """Equal when the resolved operators are equal (see ``_key``): ``Conv(7, 3,
        padding="same") == Conv(7, 3, padding=1)`` and ``Conv(numpy.int64(7), 2) == Conv(7, 2)``;
        ``repr`` still shows the arguments as given."""
        if not isinstance(other, Conv):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple:
        # rebuilt from the constructor arguments: copy, deepcopy and pickle (multiprocessing)
        # work, and caches (rows, matrix) are recomputed rather than carried along
        return (_rebuild, (self._args,))

    def __copy__(self) -> "Conv":
        return self  # immutable

    def __deepcopy__(self, memo: dict) -> "Conv":
        return self  # immutable: every part is immutable too

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._args.items())
        return f"Conv({shown})"

    # ----- geometry -------------------------------------------------------------------------
    @property
    def ndim(self) -> int:
        return len(self.axes)

    @property
    def symbolic(self) -> bool:
        """True when n is a symbol (the general case): no concrete matrix exists."""
        return self.axes[0].symbolic

    @property
    def input_shape(self) -> tuple:
        return (self.in_channels,) + tuple(axis.n for axis in self.axes)

    @property
    def output_shape(self) -> tuple:
        return (self.out_channels,) + tuple(axis.output_length for axis in self.axes)

    @property
    def output_length(self) -> Any:
        """Number of outputs along the axis (1-D) or tuple per axis (N-D)."""
        lengths = tuple(axis.output_length for axis in self.axes)
        return lengths[0] if self.ndim == 1 else lengths

    @property
    def padding(self) -> Any:
        """Resolved padding: (before, after) in 1-D, a tuple of such pairs in N-D."""
        pairs = tuple((axis.pad_before, axis.pad_after) for axis in self.axes)
        return pairs[0] if self.ndim == 1 else pairs

    @property
    def receptive_field(self) -> Any:
        """d(K-1)+1 (1-D) or one per axis (N-D)."""
        fields = tuple(axis.receptive_field for axis in self.axes)
        return fields[0] if self.ndim == 1 else fields

    @property
    def shape(self) -> tuple:
        """(rows, columns) of the operator matrix."""
        return (_prod(self.output_shape), _prod(self.input_shape))

    # ----- symbols --------------------------------------------------------------------------
    def input_symbol_at(self, col: int) -> sympy.Symbol:
        """The input symbol of flat column ``col`` (channel-major, then row-major)."""
        if self.symbolic:  # the general case is 1-D with one channel
            return indexed_symbol(self.input_symbol, (_index("column", col, None),))
        col = _index("column", col, self.shape[1])
        return self._symbol_at(self.input_symbol, col, self.input_shape, self.in_channels > 1)

    def output_symbol_at(self, row: int) -> sympy.Symbol:
        """The symbol naming output ``row`` (y_i), for display."""
        if self.symbolic:
            return indexed_symbol(self.output_symbol, (_index("row", row, None),))
        row = _index("row", row, self.shape[0])
        return self._symbol_at(self.output_symbol, row, self.output_shape, self.out_channels > 1)

    @staticmethod
    def _symbol_at(base: str, flat: int, shape: tuple, channels: bool) -> sympy.Symbol:
        index = _unflatten(flat, shape)
        return indexed_symbol(base, index[1:], index[:1] if channels else ())

    @cached_property
    def input(self) -> tuple:
        """The input symbols, flat in (C_in, *n) order."""
        self._need_concrete()
        check_input_symbols(self)
        return tuple(self.input_symbol_at(c) for c in range(self.shape[1]))

    @cached_property
    def kernel(self) -> tuple:
        """Kernel symbols or values, flat in PyTorch's weight layout (at most
        ``limits.MAX_KERNEL_WEIGHTS`` of them are built at once)."""
        if self._kernel_values is not None:
            return self._kernel_values
        check_kernel_weights(self)
        return tuple(self._kernel_at(f) for f in range(_prod(self._kernel_shape)))

    def _kernel_at(self, flat: int) -> Any:
        """Weight ``flat`` of the kernel, without building the others."""
        if self._kernel_values is not None:
            return self._kernel_values[flat]
        shape = self._kernel_shape
        idx = _unflatten(flat, shape)
        return indexed_symbol(self.kernel_symbol, idx[2:], idx[:2] if shape[:2] != (1, 1) else ())

    @property
    def kernel_shape(self) -> tuple:
        """The weight shape: (C_out, C_in/groups, *K), or (C_in, C_out/groups, *K) transposed."""
        return self._kernel_shape

    # ----- the operator ---------------------------------------------------------------------
    def _need_concrete(self) -> None:
        if self.symbolic:
            raise SymdilError(
                f"n = {self.axes[0].n} is symbolic: the operator has no concrete matrix; give an "
                "integer n, or use the general-case derivation"
            )

    def _channel_pairs(self, out_channel: int) -> tuple[tuple[int, int], ...]:
        per_group_in = self.in_channels // self.groups
        per_group_out = self.out_channels // self.groups
        group, local_out = divmod(out_channel, per_group_out)
        taps = _prod(self._kernel_shape[2:])
        pairs = []
        for local_in in range(per_group_in):
            channel = group * per_group_in + local_in
            if self.transposed:
                weight = channel * per_group_out + local_out
            else:
                weight = out_channel * per_group_in + local_in
            pairs.append((channel, weight * taps))
        return tuple(pairs)

    def row(self, r: int) -> dict[int, Any]:
        """Column -> coefficient of output row ``r``, computed locally in O(K) (for elision).

        In the general case (symbolic n) rows near the top are available: only the left border
        can cut them.
        """
        rows, output_shape, taps_per_weight = self._row_layout
        r = _index("row", r, rows)
        index = _unflatten(r, output_shape) if not self.symbolic else (0, r)
        taps = [_op.axis_taps(axis, i) for axis, i in zip(self.axes, index[1:])]
        # the kernel once built (a verification builds it) is read directly: building a tap
        # symbol per entry costs more than the row itself
        kernel = self.__dict__.get("kernel") or _LazyKernel(self)
        return _op.row_entries(self.axes, taps, self._pairs_of(index[0]), kernel,
                               taps_per_weight)

    def _pairs_of(self, out_channel: int) -> tuple[tuple[int, int], ...]:
        """``_channel_pairs`` of one output channel, computed once per channel that is asked for
        (never for all of them: printing 2 rows of 10**7 output channels must not cost 10**7)."""
        cache = self.__dict__.setdefault("_pairs_cache", {})
        pairs = cache.get(out_channel)
        if pairs is None:
            pairs = cache[out_channel] = self._channel_pairs(out_channel)
        return pairs

    @cached_property
    def _row_layout(self) -> tuple[int | None, tuple, int]:
        """(rows or None when symbolic, output shape, taps per weight), read once for ``row``."""
        if self.symbolic:
            return None, (), _prod(self._kernel_shape[2:])
        return self.shape[0], self.output_shape, _prod(self._kernel_shape[2:])

    @property
    def rows(self) -> tuple[MappingProxyType, ...]:
        """Every output row as a read-only mapping column -> non-zero coefficient."""
        return self._rows

    @cached_property
    def _rows(self) -> tuple[dict[int, Any], ...]:
        # all rows at once with NumPy index arithmetic (the same entries as ``row``, row by row;
        # the printed-rows check compares the two)
        row, col, coef, lowest = self._entries
        # a row lists its entries in tap order, as ``row`` does: lowest kernel index first
        order = _lexsort((col, lowest, row))
        row, col, coef = row[order], col[order], coef[order]
        bounds = _bounds(row, self.shape[0])
        cols, coefs = col.tolist(), coef.tolist()
        return tuple(MappingProxyType(dict(zip(cols[a:b], coefs[a:b])))
                     for a, b in zip(bounds, bounds[1:]))

    @cached_property
    def _entries(self) -> tuple[Any, Any, Any, Any]:
        """(row, column, coefficient, lowest kernel index) NumPy arrays of the non-zeros, sorted
        by row then column."""
        self._need_concrete()
        check_operator_entries(self, "Conv.rows/.matrix/.nonzeros")
        pairs = [self._channel_pairs(o) for o in range(self.out_channels)]
        return _op.all_entries(self.axes, pairs, _LazyKernel(self),
                               _prod(self._kernel_shape[2:]))

    @property
    def matrix(self) -> sympy.SparseMatrix:
        """The operator as a SymPy ``SparseMatrix`` (rows = outputs, columns = inputs).

        Each access returns a fresh copy (O(non-zeros)), so mutating it never changes the Conv.
        It is not an ``ImmutableSparseMatrix`` because building one sorts every entry into a SymPy
        ``Dict`` (20x the cost of the operator itself at n = 65,536); use ``.as_immutable()`` if
        you need one, and ``.rows`` for fast read-only access.
        """
        return self._matrix.copy()

    @cached_property
    def _matrix(self) -> sympy.SparseMatrix:
        entries = {(r, c): v for r, row in enumerate(self._rows) for c, v in row.items()}
        return sympy.SparseMatrix(*self.shape, entries)

    @cached_property
    def output(self) -> tuple:
        """The output expressions, flat in (C_out, *m) order: sums of coefficient * input."""
        self._need_concrete()
        check_output_terms(self)
        inputs = self.input
        return tuple(_op.row_output(row, inputs) for row in self._rows)

    @property
    def nonzeros(self) -> int:
        """Number of non-zero entries of the matrix."""
        return sum(len(row) for row in self._rows)

    # ----- notebook display (rendering is imported lazily; the core does not depend on it) --
    def _repr_latex_(self) -> str:
        from ..layout.matrices import conv_latex_equation

        return conv_latex_equation(self)

    def _repr_markdown_(self) -> str:
        return "$$" + self._repr_latex_().strip("$") + "$$"


class _LazyKernel:
    """``conv.kernel[i]`` built on demand: a row needs only its own taps, so printing a few rows
    of an operator with many channels does not build every weight."""

    __slots__ = ("_conv",)

    def __init__(self, conv: "Conv") -> None:
        self._conv = conv

    def __getitem__(self, flat: int) -> Any:
        return self._conv._kernel_at(flat)


def _rebuild(args: dict[str, Any]) -> "Conv":
    return Conv(**args)


def _lexsort(keys: tuple) -> Any:
    import numpy as np

    return np.lexsort(keys)


def _bounds(row: Any, rows: int) -> list[int]:
    import numpy as np

    return np.searchsorted(row, np.arange(rows + 1)).tolist()


def _freeze(value: Any) -> Any:
    """Nested lists (and NumPy arrays) become tuples, so stored arguments cannot change behind
    the Conv's back; NumPy integers become ints (``numbers.Integral`` but not ``int``)."""
    value = _plain(value)
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, int)):
        return int(value)
    return value


def _index(name: str, value: Any, limit: int | None) -> int:
    value = plain_int(value)  # numpy.int64(1) is row 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (
        limit is not None and value >= limit
    ):
        allowed = f"[0, {limit})" if limit is not None else ">= 0"
        raise SymdilError(f"{name} must be an integer in {allowed}, got {value!r}")
    return value


def _prod(values: Sequence[Any]) -> Any:
    result = 1
    for value in values:
        result *= value
    return result


def _unflatten(flat: int, shape: Sequence[int]) -> tuple[int, ...]:
    index = []
    for size in reversed(shape):
        flat, rem = divmod(flat, size)
        index.append(rem)
    return tuple(reversed(index))
