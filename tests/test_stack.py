"""``Stack`` against the independent reference chained by plain matrix products, brute-force
receptive-field regions, and torch (functional calls layer by layer, written here)."""

from __future__ import annotations

import importlib.util

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import Invalid, reference

from symdil import Stack, SymdilError
from symdil.render.printer import SymdilLatexPrinter
from symdil.stack.checks import verify_stack

WAVENET = [dict(kernel=2, dilation=d, padding="causal") for d in (1, 2, 4, 8)]


# ----- the example, by hand ----------------------------------------------------------
def test_wavenet_example_numbers() -> None:
    net = Stack(n=32, layers=WAVENET)
    assert net.matrix.shape == (32, 32)
    assert net.receptive_field == 16
    assert net.effective_stride == 1
    assert net.effective_padding == (15, 0)
    assert net.receptive_field_region(20) == (5, 20)
    assert net.receptive_field_region(0) == (-15, 0)
    k = {(layer, t): sympy.Symbol(f"k^{{({layer})}}_{t}") for layer in range(1, 5)
         for t in range(2)}
    a = sympy.symbols("a_0:32")
    # y_15 reads a_0..a_15; a_j enters through the taps given by the binary digits of 15 - j
    want = sympy.Add(*[a[15 - b] * sympy.Mul(*[k[(layer, 1 - ((b >> (layer - 1)) & 1))]
                                               for layer in range(1, 5)]) for b in range(16)])
    assert sympy.expand(net.output[15] - want) == 0
    single = net.single_conv()
    assert single.conv is not None and single.border == ()
    assert single.conv.axes[0].kernel_size == 16 and single.conv.padding == (15, 0)


def test_symbols_are_distinct_and_print() -> None:
    net = Stack(n=6, layers=[dict(kernel=2), dict(kernel=2, out_channels=2)])
    names = [str(t) for t in net.kernel]
    assert names == ["k^{(1)}_0", "k^{(1)}_1", "k^{(2,0,0)}_0", "k^{(2,0,0)}_1",
                     "k^{(2,1,0)}_0", "k^{(2,1,0)}_1"]
    printer = SymdilLatexPrinter()
    assert printer.doprint(net.kernel[3]) == "k^{(2,0,0)}_{1}"
    assert len(set(net.kernel)) == len(net.kernel)


def test_own_kernel_symbols_and_concrete_taps() -> None:
    net = Stack(n=6, layers=[dict(kernel=2, kernel_symbol="h"), dict(kernel=[1, -1])])
    assert [str(t) for t in net.kernel] == ["h_0", "h_1", "1", "-1"]
    with pytest.raises(SymdilError, match="layer 2: kernel_symbol 'h' is already layer 1's"):
        Stack(n=6, layers=[dict(kernel=2, kernel_symbol="h"), dict(kernel=2, kernel_symbol="h")])


@pytest.mark.parametrize("layers, message", [
    ([dict(kernel=3), dict(kernel=3, in_channels=2)],
     r"^layer 2: in_channels = 2 but layer 1 gives 1 channel\(s\)$"),
    ([dict(kernel=3), dict(kernel=4)],
     r"^layer 2: kernel span d\(K-1\)\+1 = 4 exceeds the padded input length 3$"),
    ([dict(kernel=2, n=5)], r"^layer 1: n is set by the chain"),
    ([dict(kernel=2, strid=2)], r"^layer 1: unknown layer argument\(s\) strid"),
    ([dict(stride=2)], r"^layer 1: kernel is required"),
    ([dict(kernel=2, stride=0)], r"^layer 1: stride must be a positive integer, got 0$"),
    ([], r"^layers must hold at least one layer"),
])
def test_invalid_chains_name_the_layer(layers, message) -> None:
    with pytest.raises(SymdilError, match=message):
        Stack(n=5, layers=layers)


def test_guard_refuses_before_building() -> None:
    net = Stack(n=4096, layers=[dict(kernel=2, dilation=2 ** j, padding="causal")
                                for j in range(10)])
    assert net.receptive_field == 1024 and net.effective_padding == (1023, 0)
    assert net.single_conv().conv is not None  # no product needed
    with pytest.raises(SymdilError, match=r"may have up to 3,670,528 non-zeros"):
        net.matrix  # noqa: B018
    assert "_rows" not in net.__dict__


# ----- independent reference ------------------------------------------------------------------
def reference_chain(n, layers, kernels):
    """Dense product of tests/reference.py's layer matrices and the lengths, or Invalid."""
    ns = n
    product = None
    channels = 1
    for spec, taps in zip(layers, kernels):
        spec = dict(spec)
        spec.setdefault("in_channels", channels)
        ref = reference(ns, kernel=spec.pop("kernel"),
                        kernel_values=None if taps is None else list(taps), **spec)
        matrix = sympy.Matrix(ref.matrix)
        product = matrix if product is None else matrix * product
        ns = ref.output_shape[1:] if len(ref.output_shape) > 2 else ref.output_shape[1]
        channels = ref.output_shape[0]
    return product


def brute_region(net, axis, i):
    """The input positions output i reaches through the layers' defining index equations
    (infinite signals), written from the definitions: forward j = s i - p + d t, transposed
    i s + t d - p = j."""
    positions = {i}
    for layer in reversed(net.layers):
        ax = layer.axes[axis]
        s, d, K, p = ax.stride, ax.dilation, ax.kernel_size, ax.pad_before
        if layer.transposed:
            positions = {(j + p - d * t) // s for j in positions for t in range(K)
                         if (j + p - d * t) % s == 0}
        else:
            positions = {s * j - p + d * t for j in positions for t in range(K)}
    return (min(positions), max(positions)) if positions else None


def check_against_reference(n, layers):
    try:
        net = Stack(n=n, layers=layers)
    except SymdilError:
        with pytest.raises(Invalid):  # the reference refuses it too
            reference_chain(n, layers, [None] * len(layers))
        return None
    want = reference_chain(n, layers, [layer.kernel for layer in net.layers])
    got = net.matrix
    assert got.shape == want.shape
    for r in range(want.rows):
        for c in range(want.cols):
            assert sympy.expand(got[r, c] - want[r, c]) == 0, (r, c)
    # receptive-field facts against the reference's row supports and the brute-force regions
    out_shape, in_shape = net.output_shape, net.input_shape
    zeros = all(layer.axes[0].padding_mode == "zeros" for layer in net.layers)
    for r in range(want.rows):
        index = _unflat(r, out_shape)[1:]
        regions = [brute_region(net, a, index[a]) for a in range(net.ndim)]
        mine = net.receptive_field_region(index if net.ndim > 1 else index[0])
        if net.ndim == 1:
            assert mine == regions[0]
        else:
            assert mine == (None if None in regions else tuple(regions))
        for a, region in enumerate(regions):
            support = [_unflat(c, in_shape)[1 + a] for c in range(want.cols)
                       if sympy.expand(want[r, c]) != 0]
            if support and zeros:
                assert region[0] <= min(support) <= max(support) <= region[1]
    if net.forward_only:
        for a in range(net.ndim):
            r_closed, jump, pad = 1, 1, 0
            for layer in net.layers:
                ax = layer.axes[a]
                r_closed += ax.dilation * (ax.kernel_size - 1) * jump
                pad += ax.pad_before * jump
                jump *= ax.stride
            one = net.ndim == 1
            assert (net.receptive_field if one else net.receptive_field[a]) == r_closed
            assert (net.effective_stride if one else net.effective_stride[a]) == jump
            assert (net.effective_padding if one else net.effective_padding[a])[0] == pad
    # the closed forms that replaced row scans: the non-zero bound and the clean rows
    nonzeros = sum(1 for r in range(want.rows) for c in range(want.cols)
                   if sympy.expand(want[r, c]) != 0)
    assert net.nonzeros_bound >= nonzeros
    for a in range(net.ndim):
        clean = set()
        for i in range(net.layers[-1].axes[a].output_length):
            positions, ok = {i}, True
            for layer in reversed(net.layers):  # the defining index equations, every layer
                ax = layer.axes[a]
                s, d, K, p = ax.stride, ax.dilation, ax.kernel_size, ax.pad_before
                if layer.transposed:
                    positions = {(j + p - d * t) // s for j in positions for t in range(K)
                                 if (j + p - d * t) % s == 0}
                else:
                    positions = {s * j - p + d * t for j in positions for t in range(K)}
                ok = ok and all(0 <= q < ax.n for q in positions)
            if ok:
                clean.add(i)
        assert set(net.clean_indices(a)) == clean
    single = net.single_conv()
    if single.candidate is not None:
        cand = single.candidate.matrix
        for r in range(want.rows):
            equal = all(sympy.expand(cand[r, c] - want[r, c]) == 0 for c in range(want.cols))
            assert equal == (r not in single.border), r
        assert (single.conv is not None) == (not single.border)
    return net


def _unflat(flat, shape):
    index = []
    for size in reversed(shape):
        flat, rem = divmod(flat, size)
        index.append(rem)
    return tuple(reversed(index))


@pytest.mark.parametrize("n, layers", [
    (12, WAVENET[:3]),
    (10, [dict(kernel=3, dilation=d, padding="same") for d in (1, 2)]),
    (11, [dict(kernel=3, stride=2, padding=1), dict(kernel=2, dilation=2, stride=2)]),
    (5, [dict(kernel=3, stride=2, padding=1, transposed=True, output_padding=1),
         dict(kernel=3, dilation=2)]),
    (9, [dict(kernel=3, stride=2), dict(kernel=3, stride=2, transposed=True)]),
    (8, [dict(kernel=2, out_channels=2), dict(kernel=3, out_channels=2, groups=2, padding=1),
         dict(kernel=1, out_channels=1)]),
    (7, [dict(kernel=3, padding=2, padding_mode="circular"), dict(kernel=2, flip=True)]),
    ((5, 4), [dict(kernel=(2, 3), padding=(1, (2, 0))),
              dict(kernel=2, stride=(2, 1), dilation=2, padding="same")]),
])
def test_against_reference_examples(n, layers) -> None:
    check_against_reference(n, layers)


PADDINGS = (0, 1, "valid", "same", "full", "causal", (1, 0))


@st.composite
def stacks(draw, ndim):
    n = draw(st.integers(3, 9)) if ndim == 1 else tuple(draw(st.integers(3, 5))
                                                        for _ in range(ndim))
    layers = []
    channels = 1
    for _ in range(draw(st.integers(1, 3))):
        transposed = draw(st.booleans()) and draw(st.booleans())
        layer = dict(kernel=draw(st.integers(1, 3)), stride=draw(st.integers(1, 2)),
                     dilation=draw(st.integers(1, 2)))
        if transposed:
            layer.update(transposed=True, padding=draw(st.integers(0, 1)),
                         output_padding=draw(st.integers(0, 1)))
        else:
            layer["padding"] = draw(st.sampled_from(PADDINGS))
            layer["padding_mode"] = draw(st.sampled_from(("zeros", "zeros", "circular",
                                                          "reflect", "replicate")))
            layer["flip"] = draw(st.booleans())
        out = draw(st.sampled_from((1, 1, 2)))
        groups = 2 if channels == 2 and out == 2 and draw(st.booleans()) else 1
        layer.update(out_channels=out, groups=groups)
        channels = out
        layers.append(layer)
    return n, layers


@settings(max_examples=60)
@given(stacks(1))
def test_random_1d_stacks_against_reference(case) -> None:
    check_against_reference(*case)


@settings(max_examples=20)
@given(stacks(2))
def test_random_2d_stacks_against_reference(case) -> None:
    check_against_reference(*case)


@settings(max_examples=25)
@given(stacks(1))
def test_random_stacks_verify(case) -> None:
    n, layers = case
    try:
        net = Stack(n=n, layers=layers)
    except SymdilError:
        return
    report = verify_stack(net)
    assert report.passed, [c.detail for c in report.failed]


# ----- torch --------------------------------------------------------------------------------
def _torch_chain(net, x, weights):
    """Layer by layer with torch.nn.functional (padding applied explicitly with F.pad)."""
    import torch
    import torch.nn.functional as F

    y = torch.tensor(x, dtype=torch.float64).unsqueeze(0)
    for layer, w in zip(net.layers, weights):
        ndim = layer.ndim
        wt = torch.tensor(w, dtype=torch.float64)
        if layer.flip:
            wt = wt.flip(list(range(2, 2 + ndim)))
        strides = [ax.stride for ax in layer.axes]
        dilations = [ax.dilation for ax in layer.axes]
        if layer.transposed:
            fn = getattr(F, f"conv_transpose{ndim}d")
            y = fn(y, wt, stride=strides, dilation=dilations, groups=layer.groups,
                   padding=[ax.pad_before for ax in layer.axes],
                   output_padding=[ax.output_padding for ax in layer.axes])
        else:
            pads = []
            for ax in reversed(layer.axes):
                pads += [ax.pad_before, ax.pad_after]
            mode = {"zeros": "constant"}.get(layer.axes[0].padding_mode,
                                             layer.axes[0].padding_mode)
            y = F.pad(y, pads, mode=mode)
            y = getattr(F, f"conv{ndim}d")(y, wt, stride=strides, dilation=dilations,
                                           groups=layer.groups)
    return y.squeeze(0).reshape(-1).tolist()


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch not installed")
@settings(max_examples=40)
@given(st.one_of(stacks(1), stacks(2)), st.randoms(use_true_random=False))
def test_random_stacks_against_torch(case, rng) -> None:
    import numpy as np

    n, layers = case
    try:
        net = Stack(n=n, layers=layers)
    except SymdilError:
        return
    values = {tap: rng.randint(-3, 3) for tap in net.kernel}
    weights = [np.array([values[t] for t in layer.kernel], dtype=float).reshape(
        layer.kernel_shape) for layer in net.layers]
    x = [rng.randint(-4, 4) for _ in range(net.shape[1])]
    want = _torch_chain(net, np.array(x, dtype=float).reshape(net.input_shape), weights)
    got = [float(sum(coef.xreplace(values) * x[c] for c, coef in row.items()))
           for row in net.rows]
    assert got == want
