"""``verify_stack``: the checks of a ``Stack``, each comparing what the stack claims with something
computed another way, so each can fail.

1. ``product``          the composed rows = the layers applied one after another to the input
                        symbols (expression substitution, not the sparse row product)
2. ``receptive field``  every row's support (its non-zero columns, per axis) lies in the region
                        ``[u_i, v_i]``; rows that see their whole region have support hull exactly
                        ``[u_i, v_i]``, of size ``receptive_field``, starting at ``S i - P``
3. ``single conv``      interior rows equal the single convolution's rows, border rows differ
4. ``numeric``          random integers through each layer's NumPy reference in turn (and
                        ``torch.nn.Sequential`` with ``against="torch"``)
"""

from __future__ import annotations

import random
from typing import Any, Sequence

import numpy as np
import sympy

from ..checks import TORCH_INSTALL, CheckResult, numpy_reference, same
from ..checks.numeric import evaluate_rows
from ..checks.result import not_applicable
from ..checks.verify import VerificationReport, torch_available
from ..core.spec import SymdilError
from .model import MAX_PRODUCT_NONZEROS, Stack, _prod, _unflatten

#: Largest composed operator the checks build (they expand every entry).
MAX_CHECK_OUTPUTS = 4_096
#: The checks multiply products of taps layer after layer: at most this many products of taps
#: (paths through the layers, all rows) times the layers squared.
MAX_CHECK_WORK = 4_000_000


#: Rows of all the layers' own operators together (the checks build each layer's rows).
MAX_LAYER_ROWS = 200_000
#: Samples of one layer's padded input (channels x padded lengths) the numeric check builds.
MAX_PADDED_SAMPLES = 10_000_000


def padded_size(layer: Any) -> int:
    """Channels x the padded input length per axis: the array the numeric check pads."""
    return layer.in_channels * _prod(ax.n + ax.pad_before + ax.pad_after for ax in layer.axes)


def total_paths(stack: Stack, limit: int) -> int:
    """The products of taps of the whole composed matrix (paths from an output to an input,
    counted with integers over the layers' supports), stopping once past ``limit``."""
    counts = [1] * stack.shape[1]
    for layer in stack.layers:
        counts = [sum(counts[col] for col in layer.row(r)) for r in range(layer.shape[0])]
        if sum(counts) > limit:
            return sum(counts)
    return sum(counts)


def verify_stack(stack: Stack, against: str | None = None, seed: int = 0) -> VerificationReport:
    """Run every stack check; ``against="torch"`` adds the ``nn.Sequential`` comparison."""
    if against not in (None, "torch"):
        raise SymdilError(f"against must be None or 'torch', got {against!r}")
    if against == "torch" and not torch_available():
        raise SymdilError(f"--against torch needs PyTorch, which is not installed: "
                          f"{TORCH_INSTALL}")
    from .proof import proof_problem, prove_stack

    too_large = None
    if stack.shape[0] > MAX_CHECK_OUTPUTS:
        too_large = (f"the stack checks build and expand the composed operator: "
                     f"{stack.shape[0]:,} outputs is more than {MAX_CHECK_OUTPUTS:,}")
    elif stack.nonzeros_bound > MAX_PRODUCT_NONZEROS:
        too_large = (f"the composed matrix may have up to {stack.nonzeros_bound:,} non-zeros, "
                     f"more than {MAX_PRODUCT_NONZEROS:,}")
    elif sum(layer.shape[0] for layer in stack.layers) > MAX_LAYER_ROWS:
        too_large = (f"the layers have {sum(layer.shape[0] for layer in stack.layers):,} "
                     f"rows in all, more than the {MAX_LAYER_ROWS:,} the checks build")
    elif max(padded_size(layer) for layer in stack.layers) > MAX_PADDED_SAMPLES:
        too_large = (f"a layer's padded input has {max(map(padded_size, stack.layers)):,} "
                     f"samples, more than the {MAX_PADDED_SAMPLES:,} the numeric check pads")
    else:
        depth = len(stack.layers) ** 2
        paths = total_paths(stack, MAX_CHECK_WORK // depth)
        if paths * depth > MAX_CHECK_WORK:
            too_large = (f"the composed matrix is a sum of {paths:,}+ products of taps over "
                         f"{len(stack.layers)} layers; the stack checks multiply at most "
                         f"{MAX_CHECK_WORK:,} (products x layers squared)")
    uncovered = proof_problem(stack)
    if too_large is not None and uncovered is not None:
        raise SymdilError(f"{too_large}; verify a smaller n or fewer layers (the every-n proof "
                          f"does not apply: {uncovered})")
    if too_large is not None:
        # the proof covers every n; the instance checks need the product: not run at this n
        skipped = f"not applicable: {too_large} (the general case covers every n)"
        results = [prove_stack(stack)] + [
            CheckResult(name, True, skipped, applicable=False, title=title)
            for name, title in (("product", "Composed product"),
                                ("receptive_field", "Receptive field"),
                                ("single_conv", "Single convolution"), ("numeric", None))]
        if against == "torch":
            results.append(CheckResult("numeric_torch", True, skipped, applicable=False))
        return _report(results)
    results = [check_product(stack), check_receptive_field(stack), check_single_conv(stack),
               check_numeric(stack, seed=seed)]
    if against == "torch":
        results.append(check_numeric(stack, against="torch", seed=seed))
    if uncovered is None:
        results.append(prove_stack(stack))
    return _report(results)


def _report(results: list[CheckResult]) -> VerificationReport:
    return VerificationReport(tuple(results))


def _result(name: str, title: str | None, passed: bool, detail: str) -> CheckResult:
    return CheckResult(name, passed, detail, title=title)


# ----- 1. product ----------------------------------------------------------------------------

def check_product(stack: Stack, rows: Sequence[dict] | None = None) -> CheckResult:
    """The composed rows (or ``rows``) against the layers applied in turn to the inputs."""
    name = "product"
    title = "Composed product"
    rows = stack.rows if rows is None else rows
    values: list[Any] = list(stack.input)
    for layer, bias in zip(stack.layers, stack.biases):
        size = _prod(layer.output_shape[1:])
        values = [sympy.Add(*[coef * values[col] for col, coef in row.items()],
                            bias[r // size] if bias else 0)
                  for r, row in enumerate(layer.rows)]
    inputs = stack.input
    offsets = stack.bias or (0,) * len(rows)
    for r, (row, want) in enumerate(zip(rows, values)):
        got = sympy.Add(*[coef * inputs[col] for col, coef in row.items()], offsets[r])
        if sympy.expand(got - want) != 0:
            return _result(name, title, False, f"row {r}: the product gives {got}, the layers "
                                            f"applied in turn give {want}")
    if len(rows) != len(values):
        return _result(name, title, False, f"{len(rows)} rows, the layers give {len(values)}")
    nonzeros = sum(len(row) for row in rows)
    affine = " and the offset b" if stack.bias is not None else ""
    return _result(name, title, True, f"all {len(rows)} rows of M_{len(stack.layers)} ... M_1 "
                                   f"({nonzeros} non-zeros){affine} equal the layers applied "
                                   "one after another to the input symbols")


# ----- 2. receptive field ---------------------------------------------------------------------

def structural_supports(stack: Stack) -> list[set[int]]:
    """Each composed row's columns, from the layers' supports alone (no coefficients): what a
    row reads whatever the taps (concrete taps can cancel an entry, never add one)."""
    supports = [set(row) for row in stack.layers[0].rows]
    for layer in stack.layers[1:]:
        supports = [set().union(*[supports[col] for col in row]) if row else set()
                    for row in layer.rows]
    return supports


def read_positions(stack: Stack, axis: int, i: int) -> set[int]:
    """The input positions along ``axis`` that output index ``i`` reaches through the layers,
    exactly: each layer's padding mode folds a position outside its input back onto it (zero
    padding drops it), and a transposed layer's output j comes from the inputs (j + p - d t)/s
    that are integers inside its input."""
    positions = {i}
    for layer in reversed(stack.layers):
        ax = layer.axes[axis]
        s, d, K, p, n = ax.stride, ax.dilation, ax.kernel_size, ax.pad_before, ax.n
        if layer.transposed:
            positions = {(j + p - d * t) // s for j in positions for t in range(K)
                         if (j + p - d * t) % s == 0 and 0 <= (j + p - d * t) // s < n}
            continue
        reached = set()
        for j in positions:
            for t in range(K):
                q = s * j - p + d * t
                if not 0 <= q < n:
                    mode = ax.padding_mode
                    if mode == "zeros":
                        continue
                    q = (q % n if mode == "circular" else 0 if mode == "replicate" and q < 0
                         else n - 1 if mode == "replicate" else -q if q < 0
                         else 2 * (n - 1) - q)
                reached.add(q)
        positions = reached
    return positions


def check_receptive_field(stack: Stack, supports: Sequence[set[int]] | None = None
                          ) -> CheckResult:
    """Regions, receptive field, effective stride and padding against the row supports."""
    name = "receptive_field"
    title = "Receptive field"
    if supports is None:
        symbolic = all(isinstance(t, sympy.Symbol) for t in stack.kernel)
        supports = ([set(row) for row in stack.rows] if symbolic
                    else structural_supports(stack))
    zeros = all(layer.axes[0].padding_mode == "zeros" for layer in stack.layers)
    in_shape, out_shape = stack.input_shape, stack.output_shape
    ndim = stack.ndim
    fields = [stack.receptive_field] if ndim == 1 else list(stack.receptive_field)
    strides = [stack.effective_stride] if ndim == 1 else list(stack.effective_stride)
    pads = [stack.effective_padding] if ndim == 1 else list(stack.effective_padding)
    closed = stack.forward_only
    full_rows = 0
    folded_rows = 0
    widest = [0] * ndim
    problems: list[str] = []
    for r, support in enumerate(supports):
        index = _unflatten(r, out_shape)[1:]
        regions = [stack._region(a, index[a], len(stack.layers)) for a in range(ndim)]
        cols = [_unflatten(c, in_shape)[1:] for c in support]
        if not cols:
            continue
        hull = [(min(c[a] for c in cols), max(c[a] for c in cols)) for a in range(ndim)]
        inside_input = all(reg is not None and 0 <= reg[0] and reg[1] < in_shape[a + 1]
                           for a, reg in enumerate(regions)) if zeros and closed else all(
            index[a] in stack.clean_indices(a) for a in range(ndim))
        if not (zeros or inside_input):
            # a padding mode folds this row's taps back into the input: its support lies in the
            # positions the folding reads, computed exactly per axis
            folded_rows += 1
            for a in range(ndim):
                reads = read_positions(stack, a, index[a])
                outside = sorted({c[a] for c in cols} - reads)
                if outside:
                    problems.append(f"row {r} reads positions {outside} along axis {a}, which "
                                    "its folded region does not reach")
            continue
        for a in range(ndim):
            widest[a] = max(widest[a], hull[a][1] - hull[a][0] + 1)
            region = regions[a]
            if region is None:
                problems.append(f"row {r} reads columns but its region along axis {a} is empty")
            elif not region[0] <= hull[a][0] <= hull[a][1] <= region[1]:
                problems.append(f"row {r}: support {hull[a]} along axis {a} is not inside the "
                                f"region {region}")
        if all(hull[a] == regions[a] for a in range(ndim)):
            full_rows += 1
            for a in range(ndim):
                size = hull[a][1] - hull[a][0] + 1
                if size > fields[a]:
                    problems.append(f"row {r}: region of size {size} along axis {a} exceeds "
                                    f"the receptive field {fields[a]}")
                if closed and size != fields[a]:
                    problems.append(f"row {r}: region of size {size} along axis {a}, the "
                                    f"closed form gives {fields[a]}")
                if closed and hull[a][0] != strides[a] * index[a] - pads[a][0]:
                    problems.append(f"row {r}: region starts at {hull[a][0]} along axis {a}, "
                                    f"S i - P = {strides[a]} * {index[a]} - {pads[a][0]}")
        if len(problems) > 3:
            break
    if problems:
        return _result(name, title, False, "; ".join(problems[:3]))
    axes = lambda values: str(values[0]) if ndim == 1 else str(tuple(values))  # noqa: E731
    # no "every" over a subset: the rows whose padding folds are checked against their exact reads
    lies = ("every row's support lies in its region" if not folded_rows else
            f"the support of every row but the {folded_rows} whose padding folds lies in its "
            f"region; those {folded_rows} read only positions their folded region reaches "
            "(exact sets)")
    if full_rows == 0:
        return _result(name, title, True, f"{lies}; no row sees "
                                       f"its whole region (the widest sees {axes(widest)} of "
                                       f"r = {axes(fields)}), so r is an upper bound here")
    if any(w != f for w, f in zip(widest, fields)):
        if closed:  # every row that reads its whole region reads r samples
            return _result(name, title, False, f"the widest row support is {axes(widest)}, "
                                            f"the receptive field {axes(fields)}")
        # a transposed stack's largest region may belong only to rows the border cuts
        return _result(name, title, True, f"every row's support lies in its region; "
                                       f"{full_rows} row(s) see their whole region, none of "
                                       f"the largest (the widest reads {axes(widest)} of "
                                       f"r = {axes(fields)}), so r is an upper bound here")
    form = ("r = 1 + sum d_l (K_l - 1) J_l, region [S i - P, S i - P + r - 1]" if closed
            else "the region recurrence (transposed layers)")
    return _result(name, title, True, f"{lies}; {full_rows} "
                                   f"row(s) see their whole region, of size r = {axes(fields)} "
                                   f"({form}; S = {axes(strides)}, P = {axes(pads)})")


# ----- 3. single convolution ------------------------------------------------------------------

def check_single_conv(stack: Stack, rows: Sequence[dict] | None = None) -> CheckResult:
    """Interior rows equal the single convolution's rows; border rows (symbolic taps) differ."""
    name = "single_conv"
    title = "Single convolution"
    single = stack.single_conv()
    if single.candidate is None:
        return CheckResult(name, True, f"not applicable: {single.reason}", applicable=False,
                           title=title)
    rows = stack.rows if rows is None else rows
    border = set(single.border)
    symbolic = all(isinstance(t, sympy.Symbol) for t in stack.kernel)
    problems = []
    for r, (row, want) in enumerate(zip(rows, single.candidate.rows)):
        equal = all(same(row.get(c, 0), want.get(c, 0)) for c in set(row) | set(want))
        if r not in border and not equal:
            problems.append(f"interior row {r} differs from the single convolution's")
        elif r in border and symbolic and equal:
            problems.append(f"border row {r} equals the single convolution's row")
        if len(problems) >= 3:
            break
    if problems:
        return _result(name, title, False, "; ".join(problems))
    shape = stack.shape[0]
    kernel = single.candidate.axes
    sizes = "x".join(str(axis.kernel_size) for axis in kernel)
    what = (f"every one of the {shape} rows equals the single convolution (stride "
            f"{'x'.join(str(a.stride) for a in kernel)}, {sizes} composed taps)")
    if border:
        what = (f"{shape - len(border)} interior rows equal the single convolution (stride "
                f"{'x'.join(str(a.stride) for a in kernel)}, {sizes} composed taps); the "
                f"{len(border)} border rows differ" + ("" if symbolic else
                                                       " structurally (concrete taps)"))
    if stack.bias is not None:
        what += " (the linear part M; the offset b is separate)"
    return _result(name, title, True, what)


# ----- 4. numeric -----------------------------------------------------------------------------

def _random_weights(stack: Stack, rng: random.Random) -> tuple[dict, list[np.ndarray]]:
    """Symbol -> random integer, and each layer's weights as exact numbers (object arrays)."""
    values: dict = {}
    arrays = []
    for layer in stack.layers:
        flat = []
        for tap in layer.kernel:
            if tap.free_symbols:
                for symbol in sorted(tap.free_symbols, key=str):
                    values.setdefault(symbol, sympy.Integer(rng.randint(-3, 3)))
                flat.append(tap.xreplace(values))
            else:
                flat.append(tap)
        arrays.append(np.array(flat, dtype=object).reshape(layer.kernel_shape))
    return values, arrays


def _as_floats(arrays: Sequence[np.ndarray]) -> list[np.ndarray] | None:
    """The weights in float64, or None when one is not finite there (a 400-digit tap)."""
    try:
        floats = [np.array([float(v) for v in array.reshape(-1)],
                           dtype=np.float64).reshape(array.shape) for array in arrays]
    except (OverflowError, TypeError):
        return None
    return floats if all(np.isfinite(array).all() for array in floats) else None


def check_numeric(stack: Stack, against: str | None = None, seed: int = 0) -> CheckResult:
    """Random integer taps and inputs: the composed rows against each layer's NumPy reference
    (or ``torch.nn.Sequential``) applied in turn.  When a value is not finite in float64 the
    NumPy comparison is made in exact arithmetic and PyTorch's is not applicable."""
    name = "numeric" if against is None else "numeric_torch"
    title = None
    rng = random.Random(seed)
    values, exact_arrays = _random_weights(stack, rng)
    inputs = [rng.randint(-5, 5) for _ in range(stack.shape[1])]
    arrays = _as_floats(exact_arrays)
    exact = arrays is None
    if not exact:
        x = np.array(inputs, dtype=np.float64)
        float_values = {symbol: float(value) for symbol, value in values.items()}
        got = evaluate_rows(stack.rows, x, float_values)
        exact = not np.isfinite(got).all()
    if exact:
        if against is not None:
            return not_applicable(name, "the values overflow float64, which torch.nn.Sequential "
                                        "computes in; the NumPy check compares the stack in "
                                        "exact arithmetic")
        arrays = exact_arrays
        x = np.array([sympy.Integer(v) for v in inputs], dtype=object)
        got = evaluate_rows(stack.rows, x, values, exact=True)
    signal = x.reshape(stack.input_shape)
    if against is None:
        for layer, weights in zip(stack.layers, arrays):
            signal = numpy_reference(layer, signal, weights)
        want = signal.reshape(-1)
        source = "NumPy loops layer after layer"
    else:
        want = torch_sequential_output(stack, signal, arrays)
        source = "torch.nn.Sequential"
    if exact:
        agree = want.shape == got.shape and all(a == b for a, b in zip(got, want))
        how = "exactly (exact arithmetic: the values overflow float64)"
    else:
        # integer taps and inputs: float64 is exact; a non-integer tap (weights="exact" from a
        # model) rounds in both computations, so they are compared to 1e-9 relative
        integers = all(float(v).is_integer() for array in arrays for v in array.reshape(-1))
        agree = want.shape == got.shape and (
            np.array_equal(got, want) if integers
            else np.allclose(got, want, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(want).max())))
        how = "exactly" if integers else "to 1e-9 relative (non-integer taps)"
    if not agree:
        if want.shape != got.shape:
            bad = -1
        else:
            bad = next(i for i, (a, b) in enumerate(zip(got.tolist(), want.tolist())) if a != b)
        return _result(name, title, False, f"{source} differs (output {bad})")
    return _result(name, title, True, f"{len(got)} outputs equal {source} {how} on random "
                                   f"integer inputs (seed {seed}); the linear part M")


def to_torch_sequential(stack: Stack, arrays: Sequence[np.ndarray] | None = None) -> Any:
    """An ``nn.Sequential`` computing the stack (float64): a padding module then a convolution
    per forward layer (torch's own padding is symmetric), ``ConvTranspose`` for transposed
    layers; ``arrays`` give the weights (as laid out in ``layer.kernel_shape``)."""
    try:
        import torch
        from torch import nn
    except ImportError:
        raise SymdilError(f"the PyTorch cross-check needs torch, which is not installed: "
                          f"{TORCH_INSTALL}") from None
    modules = []
    ndim = stack.ndim
    if ndim > 3:
        raise SymdilError(f"PyTorch has no {ndim}-D convolution")
    for number, layer in enumerate(stack.layers):
        axes = layer.axes
        kwargs = dict(stride=[a.stride for a in axes], dilation=[a.dilation for a in axes],
                      groups=layer.groups, bias=False, dtype=torch.float64)
        sizes = [a.kernel_size for a in axes]
        if layer.transposed:
            conv = getattr(nn, f"ConvTranspose{ndim}d")(
                layer.in_channels, layer.out_channels, sizes, padding=[a.pad_before for a in axes],
                output_padding=[a.output_padding for a in axes], **kwargs)
        else:
            pads: list[int] = []
            for axis in reversed(axes):
                pads += [axis.pad_before, axis.pad_after]
            if any(pads):
                modules.append(_pad_module(nn, axes[0].padding_mode, pads, ndim))
            conv = getattr(nn, f"Conv{ndim}d")(layer.in_channels, layer.out_channels, sizes,
                                               **kwargs)
        if arrays is not None:
            weight = torch.from_numpy(np.ascontiguousarray(arrays[number]))
            if layer.flip:
                weight = weight.flip(list(range(2, 2 + ndim)))
            with torch.no_grad():
                conv.weight.copy_(weight)
        modules.append(conv)
    return nn.Sequential(*modules)


def _pad_module(nn: Any, mode: str, pads: list[int], ndim: int) -> Any:
    if mode == "zeros":
        return getattr(nn, f"ZeroPad{ndim}d")(tuple(pads))
    cls = {"circular": "CircularPad", "reflect": "ReflectionPad",
           "replicate": "ReplicationPad"}[mode]
    return getattr(nn, f"{cls}{ndim}d")(tuple(pads))


def torch_sequential_output(stack: Stack, signal: np.ndarray, arrays: Sequence[np.ndarray]
                            ) -> np.ndarray:
    import torch

    model = to_torch_sequential(stack, arrays)
    with torch.no_grad():
        y = model(torch.from_numpy(np.ascontiguousarray(signal)).unsqueeze(0))
    return y.squeeze(0).numpy().reshape(-1)


__all__ = ["check_numeric", "check_product", "check_receptive_field", "check_single_conv",
           "structural_supports", "to_torch_sequential", "verify_stack"]

