"""Check 8, numeric: random values in the candidate operator against an independent NumPy loop
over the definition, or against PyTorch's convolution.

Floats first; when a value is not finite in float64 (a 400-digit tap overflows), the NumPy check
is redone in exact arithmetic (integer inputs, exact taps, object arrays) -- a NaN or an infinity
never passes a comparison.  PyTorch computes in float64 only: there a non-finite value fails.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import sympy

from ..core.conv import Conv
from ..core.spec import SymdilError
from .result import CheckResult, not_applicable, shape_mismatch, symbolic_guard
from .tools import Rows, candidate_rows, num, same

#: How to get PyTorch, as README's set-up section says it: the [torch] extra, CPU build.
TORCH_INSTALL = ('the [torch] extra: pip install ".[torch]" --extra-index-url '
                 "https://download.pytorch.org/whl/cpu (from the symdil folder)")


class _NotFinite(Exception):
    """A value overflowed float64 (or is not a number)."""


def random_values(op: Conv, seed: int, exact: bool = False
                  ) -> tuple[np.ndarray, np.ndarray, dict]:
    """Random inputs (shape (C_in, *n)) and weights (kernel_shape); symbol -> value for the taps.

    Floats by default (raises ``_NotFinite`` when a weight is not finite in float64); ``exact``:
    integers from -9 to 9 for the inputs and the tap symbols, exact weights (object arrays)."""
    rng = np.random.default_rng(seed)
    symbols: dict = {}
    if exact:
        x = np.array([sympy.Integer(int(v)) for v in rng.integers(-9, 10, size=op.shape[1])],
                     dtype=object).reshape(op.input_shape)
        weights = np.empty(len(op.kernel), dtype=object)
        for w, tap in enumerate(op.kernel):
            for symbol in sorted(tap.free_symbols, key=str):
                symbols.setdefault(symbol, sympy.Integer(int(rng.integers(-9, 10))))
            weights[w] = tap.xreplace(symbols) if symbols else tap
        return x, weights.reshape(op.kernel_shape), symbols
    x = rng.standard_normal(op.input_shape)
    weights = np.empty(len(op.kernel))
    for w, tap in enumerate(op.kernel):
        if tap.free_symbols:
            for symbol in sorted(tap.free_symbols, key=str):
                symbols.setdefault(symbol, rng.standard_normal())
            value = tap.xreplace(symbols)
        else:
            value = tap
        try:
            weights[w] = float(value)
        except (OverflowError, TypeError):
            raise _NotFinite(str(tap)) from None
        if not np.isfinite(weights[w]):
            raise _NotFinite(str(tap))
    return x, weights.reshape(op.kernel_shape), symbols


_NUMPY_MODES = {"zeros": "constant", "circular": "wrap", "reflect": "reflect", "replicate": "edge"}


def numpy_reference(op: Conv, x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The definition evaluated with NumPy (any dimension), independent of the symbolic code.
    Object arrays (exact numbers) are evaluated exactly."""
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
        mode = _NUMPY_MODES[axes[0].padding_mode]
        padded = (np.pad(x, pads, mode=mode, constant_values=0) if mode == "constant"
                  else np.pad(x, pads, mode=mode))
        y = np.zeros((op.out_channels, *lengths), dtype=x.dtype)
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
    out = np.zeros((op.out_channels, *full), dtype=x.dtype)
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


def evaluate_rows(rows: Rows, x_flat: np.ndarray, symbols: dict, exact: bool = False
                  ) -> np.ndarray:
    """M x with the tap symbols replaced by numbers (each distinct coefficient evaluated once);
    ``exact``: SymPy numbers in an object array."""
    if not exact:
        return _evaluate_rows_float(rows, x_flat, symbols)
    cache: dict[Any, Any] = {}
    y = np.zeros(len(rows), dtype=object if exact else float)
    for r, row in enumerate(rows):
        total: Any = sympy.Integer(0) if exact else 0.0
        for c, coef in row.items():
            value = cache.get(coef)
            if value is None:
                value = coef.xreplace(symbols) if symbols else coef
                if not exact:
                    try:
                        value = float(value)
                    except (OverflowError, TypeError):
                        raise _NotFinite(str(coef)) from None
                cache[coef] = value
            total += value * x_flat[c]
        y[r] = total
    return y


def _evaluate_rows_float(rows: Rows, x_flat: np.ndarray, symbols: dict) -> np.ndarray:
    """``evaluate_rows`` in floats with NumPy: each distinct coefficient evaluated once (in the
    order first met, so the first one that is not a finite float is the one named), the products
    added row by row in column order (``np.bincount`` adds in array order, as the loop would)."""
    codes: dict[Any, int] = {}
    coded = np.fromiter((codes.setdefault(coef, len(codes)) for row in rows
                         for coef in row.values()), dtype=np.int64)
    values = np.zeros(len(codes), dtype=float)
    for k, coef in enumerate(codes):
        value = coef.xreplace(symbols) if symbols else coef
        try:
            values[k] = float(value)
        except (OverflowError, TypeError):
            raise _NotFinite(str(coef)) from None
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    row_of = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    cols = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=len(coded))
    x = np.asarray(x_flat, dtype=float)
    return np.bincount(row_of, weights=values[coded] * x[cols], minlength=len(rows))


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
    evaluation of the definition (``against="torch"``: with PyTorch's convolution instead).

    A value that is not finite in float64 never passes: the NumPy comparison is then made in
    exact arithmetic; the PyTorch one (float64 only) is not applicable, saying why."""
    name = "numeric" if against is None else f"numeric_{against}"
    if against not in (None, "torch"):
        raise SymdilError(f"against must be None or 'torch', got {against!r}")
    skipped = symbolic_guard(name, op)
    if skipped:
        return skipped
    shape, rows = candidate_rows(op, matrix)
    mismatch = shape_mismatch(name, op, shape)
    if mismatch:
        return mismatch
    if against is None:
        who = "an independent NumPy loop over the definition"
        who_latex = "an independent NumPy loop over the definition"
    else:
        kind = "conv_transpose" if op.transposed else "conv"
        who = f"torch.nn.functional.{kind}{op.ndim}d (float64)"
        noun = "transposed convolution" if op.transposed else "convolution"
        who_latex = f"PyTorch's {op.ndim}-D {noun} in double precision"
    try:
        x, weights, symbols = random_values(op, seed)
        got = evaluate_rows(rows, x.reshape(-1), symbols)
        if against is None:
            want = numpy_reference(op, x, weights).reshape(-1)
        else:
            want = torch_reference(op, x, weights).reshape(-1)
        if want.shape == got.shape and not (np.isfinite(got).all() and np.isfinite(want).all()):
            raise _NotFinite("a sum")
    except _NotFinite as error:
        if against is not None:
            source = str(error) if len(str(error)) <= 40 else f"{str(error)[:30]}…"
            return not_applicable(name, f"the values overflow float64 (from {source}), which "
                                        f"{who} computes in; the NumPy check compares this "
                                        "operator in exact arithmetic")
        return _exact(op, rows, seed, name, who)
    if want.shape != got.shape:
        return CheckResult(name, False, f"{who} gives {want.size} outputs, the operator "
                                        f"{got.size}")
    scale = max(1.0, float(np.abs(want).max(initial=0.0)))
    error = np.abs(got - want)
    worst = int(error.argmax()) if error.size else 0
    if error.size and error[worst] > 1e-9 * scale:
        return CheckResult(name, False, f"output {worst} (0-based) is {got[worst]:.12g}, {who} "
                                        f"gives {want[worst]:.12g}")
    largest = float(error.max(initial=0.0))
    exponent = f"{largest:.1e}"
    mantissa, power = exponent.split("e")
    latex_error = "0" if largest == 0 else f"{mantissa} \\times 10^{{{int(power)}}}"
    return CheckResult(name, True, f"{got.size} outputs with random inputs and taps (seed {seed}) "
                                   f"agree with {who}: max |error| {exponent}",
                       detail_latex=f"All ${num(got.size)}$ outputs for random inputs and taps "
                                    f"(seed ${seed}$) agree with {who_latex}: the largest error is "
                                    f"${latex_error}$.")


def _exact(op: Conv, rows: Rows, seed: int, name: str, who: str) -> CheckResult:
    """The NumPy comparison in exact arithmetic (floats overflowed)."""
    x, weights, symbols = random_values(op, seed, exact=True)
    got = evaluate_rows(rows, x.reshape(-1), symbols, exact=True)
    want = numpy_reference(op, x, weights).reshape(-1)
    if want.shape != got.shape:
        return CheckResult(name, False, f"{who} gives {want.size} outputs, the operator "
                                        f"{got.size}")
    for r, (a, b) in enumerate(zip(got, want)):
        if not same(sympy.sympify(a), sympy.sympify(b)):
            return CheckResult(name, False, f"output {r} (0-based) is {a}, {who} gives {b} "
                                            "(exact arithmetic: the values overflow float64)")
    return CheckResult(name, True, f"{got.size} outputs with random integer inputs and taps "
                                   f"(seed {seed}) agree with {who}, in exact arithmetic "
                                   "(the values overflow float64): error 0",
                       detail_latex=f"All ${num(got.size)}$ outputs for random integer inputs "
                                    f"and taps (seed ${seed}$) agree with an independent NumPy "
                                    "loop over the definition, in exact arithmetic (the values "
                                    "overflow floating point): the error is $0$.")
