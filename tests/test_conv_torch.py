"""``Conv`` against PyTorch: random numbers substituted for the symbols, float64 throughout.

Padding modes go through ``F.pad`` (reflect/replicate/circular/constant) followed by an unpadded
convolution; ``'same'`` through explicit pad amounts from the reference's own rule (and, at stride
1, through PyTorch's ``padding='same'``); transposed through ``conv_transpose1d/2d/3d``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reference import Invalid, reference, resolve

from symdil import Conv

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover - CI installs torch
    torch = F = None

# A mark, not a module-level skip: the skip is then reported per test, where conftest's
# SYMDIL_REQUIRE_TOOLS=1 turns it into a failure.
pytestmark = pytest.mark.skipif(
    torch is None, reason="torch not installed: the [torch] extra, see README"
)

WORDS = ("valid", "same", "full", "causal")
MODES = ("zeros", "circular", "reflect", "replicate")
FORWARD = {1: "conv1d", 2: "conv2d", 3: "conv3d"}
TRANSPOSED = {1: "conv_transpose1d", 2: "conv_transpose2d", 3: "conv_transpose3d"}


def evaluate(conv: Conv, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random kernel and input values; the outputs via ``.matrix`` and via ``.output``."""
    rng = np.random.default_rng(seed)
    kernel = rng.standard_normal(len(conv.kernel))
    inputs = rng.standard_normal(len(conv.input))
    values = dict(zip(conv.kernel, kernel, strict=True))
    values.update(zip(conv.input, inputs, strict=True))
    matrix = np.zeros(conv.shape)
    for (r, c), entry in conv.matrix.todok().items():
        matrix[r, c] = float(entry.xreplace(values))
    by_output = np.array([float(y.xreplace(values)) for y in conv.output])
    return kernel, inputs, matrix @ inputs, by_output


def per_axis(value, ndim: int) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * ndim


def padding_pairs(params: dict, ndim: int) -> list[tuple[int, int]]:
    padding = params.get("padding", 0)
    if isinstance(padding, str) or isinstance(padding, int):
        items = [padding] * ndim
    elif ndim == 1:
        items = [tuple(padding)]
    else:
        items = list(padding)
    sizes = per_axis(params["kernel"], ndim)
    strides = per_axis(params.get("stride", 1), ndim)
    dilations = per_axis(params.get("dilation", 1), ndim)
    ns = per_axis(params["n"], ndim)
    return [
        resolve(items[a], ns[a], sizes[a], strides[a], dilations[a]) for a in range(ndim)
    ]


def torch_result(params: dict, kernel: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    ndim = len(params["n"]) if isinstance(params["n"], tuple) else 1
    c_in, c_out = params.get("in_channels", 1), params.get("out_channels", 1)
    groups = params.get("groups", 1)
    transposed = params.get("transposed", False)
    ns = per_axis(params["n"], ndim)
    sizes = per_axis(params["kernel"], ndim)
    lead = (c_in, c_out // groups) if transposed else (c_out, c_in // groups)
    x = torch.tensor(inputs, dtype=torch.float64).reshape((1, c_in) + ns)
    w = torch.tensor(kernel, dtype=torch.float64).reshape(lead + sizes)
    if params.get("flip"):
        w = w.flip(list(range(2, 2 + ndim)))
    stride = per_axis(params.get("stride", 1), ndim)
    dilation = per_axis(params.get("dilation", 1), ndim)
    pairs = padding_pairs(params, ndim)
    if transposed:
        conv = getattr(F, TRANSPOSED[ndim])
        y = conv(x, w, stride=stride, padding=tuple(b for b, _ in pairs),
                 output_padding=per_axis(params.get("output_padding", 0), ndim), groups=groups,
                 dilation=dilation)
    else:
        pads: list[int] = []
        for before, after in reversed(pairs):  # F.pad lists the last axis first
            pads += [before, after]
        mode = params.get("padding_mode", "zeros")
        x = F.pad(x, pads, mode="constant" if mode == "zeros" else mode)
        y = getattr(F, FORWARD[ndim])(x, w, stride=stride, dilation=dilation, groups=groups)
    return y.reshape(-1).numpy()


def compare(params: dict, seed: int) -> None:
    conv = Conv(**params)
    kernel, inputs, by_matrix, by_output = evaluate(conv, seed)
    expected = torch_result(params, kernel, inputs)
    assert by_matrix.shape == expected.shape
    np.testing.assert_allclose(by_matrix, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(by_output, expected, rtol=1e-10, atol=1e-10)


def valid(params: dict) -> bool:
    """Skip configurations the issue's rules refuse (their rejection is tested elsewhere)."""
    try:
        reference(**params)
    except Invalid:
        return False
    return True


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@st.composite
def forward_1d(draw) -> dict:
    return dict(
        n=draw(st.integers(1, 10)),
        kernel=draw(st.integers(1, 4)),
        stride=draw(st.integers(1, 3)),
        dilation=draw(st.integers(1, 3)),
        padding=draw(
            st.integers(0, 3) | st.tuples(st.integers(0, 3), st.integers(0, 3))
            | st.sampled_from(WORDS)
        ),
        padding_mode=draw(st.sampled_from(MODES)),
        flip=draw(st.booleans()),
    )


@SETTINGS
@given(forward_1d(), st.integers(0, 2**32 - 1))
def test_conv1d(params: dict, seed: int) -> None:
    assume(valid(params))
    compare(params, seed)


@st.composite
def transposed_any(draw, ndim: int) -> dict:
    stride = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    groups = draw(st.integers(1, 2))
    top = {1: 6, 2: 3, 3: 2}[ndim]
    params = dict(
        n=tuple(draw(st.integers(1, top)) for _ in range(ndim)),
        kernel=tuple(draw(st.integers(1, 3)) for _ in range(ndim)),
        stride=stride,
        dilation=dilation,
        padding=tuple(draw(st.integers(0, 2)) for _ in range(ndim)),
        output_padding=tuple(
            draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)
        ),
        flip=draw(st.booleans()),
        transposed=True,
        groups=groups,
        in_channels=groups * draw(st.integers(1, 2)),
        out_channels=groups * draw(st.integers(1, 2)),
    )
    if ndim == 1:  # in 1-D a sequence kernel means concrete taps: give the size as an int
        params["kernel"] = params["kernel"][0]
        params["n"] = params["n"][0]
        params["padding"] = params["padding"][0]
    return params


@SETTINGS
@given(st.sampled_from([1, 1, 2, 3]).flatmap(transposed_any), st.integers(0, 2**32 - 1))
def test_conv_transpose(params: dict, seed: int) -> None:
    assume(valid(params))
    compare(params, seed)


@st.composite
def forward_nd(draw) -> dict:
    ndim = draw(st.sampled_from([2, 2, 3]))
    top = 5 if ndim == 2 else 3
    groups = draw(st.integers(1, 2))
    return dict(
        n=tuple(draw(st.integers(1, top)) for _ in range(ndim)),
        kernel=tuple(draw(st.integers(1, 3)) for _ in range(ndim)),
        stride=tuple(draw(st.integers(1, 2)) for _ in range(ndim)),
        dilation=tuple(draw(st.integers(1, 2)) for _ in range(ndim)),
        padding=draw(
            st.sampled_from(WORDS)
            | st.integers(0, 2)
            | st.tuples(*[st.integers(0, 2) | st.tuples(st.integers(0, 2), st.integers(0, 2))]
                        * ndim)
        ),
        padding_mode=draw(st.sampled_from(MODES)),
        flip=draw(st.booleans()),
        groups=groups,
        in_channels=groups * draw(st.integers(1, 2)),
        out_channels=groups * draw(st.integers(1, 2)),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(forward_nd(), st.integers(0, 2**32 - 1))
def test_conv2d_conv3d(params: dict, seed: int) -> None:
    assume(valid(params))
    compare(params, seed)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("ndim", [1, 2])
@pytest.mark.parametrize("dilation", [1, 2])
@pytest.mark.parametrize("kernel", [2, 3, 4])
def test_same_matches_torch_padding_same(ndim: int, dilation: int, kernel: int) -> None:
    """At stride 1 TensorFlow's split equals PyTorch's own ``padding='same'``."""
    n = (7, 6)[:ndim] if ndim > 1 else 7
    conv = Conv(n=n, kernel=kernel, dilation=dilation, padding="same", in_channels=2,
                out_channels=3)
    weights, inputs, by_matrix, _ = evaluate(conv, 1234 + kernel)
    x = torch.tensor(inputs).reshape((1,) + conv.input_shape)
    w = torch.tensor(weights).reshape(conv.kernel_shape)
    y = getattr(F, FORWARD[ndim])(x, w, padding="same", dilation=dilation)
    np.testing.assert_allclose(by_matrix, y.reshape(-1).numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_nn_module_padding_mode(mode: str, ndim: int) -> None:
    """``nn.Conv{1,2,3}d(padding_mode=...)`` with PyTorch doing the padding itself."""
    n = (5, 4, 3)[:ndim]
    padding = (2, 1, 1)[:ndim]
    stride = (2, 1, 1)[:ndim]
    dilation = (1, 2, 1)[:ndim]
    conv = Conv(n=n if ndim > 1 else n[0], kernel=(3, 2, 2)[:ndim] if ndim > 1 else 3,
                stride=stride, dilation=dilation, padding=padding if ndim > 1 else padding[0],
                padding_mode=mode, in_channels=4, out_channels=2, groups=2)
    weights, inputs, by_matrix, by_output = evaluate(conv, 99 + ndim)
    module_class = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}[ndim]
    module = module_class(4, 2, conv.kernel_shape[2:], stride=stride, padding=padding,
                          dilation=dilation, groups=2, bias=False, padding_mode=mode)
    module = module.double()
    with torch.no_grad():
        module.weight.copy_(torch.tensor(weights).reshape(conv.kernel_shape))
        y = module(torch.tensor(inputs).reshape((1,) + conv.input_shape))
    np.testing.assert_allclose(by_matrix, y.reshape(-1).numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(by_output, y.reshape(-1).numpy(), rtol=1e-10, atol=1e-10)


def test_seed_example_numerically() -> None:
    conv = Conv(n=7, kernel=2, dilation=2)
    weights, inputs, by_matrix, _ = evaluate(conv, 7)
    y = F.conv1d(torch.tensor(inputs).reshape(1, 1, 7), torch.tensor(weights).reshape(1, 1, 2),
                 dilation=2)
    np.testing.assert_allclose(by_matrix, y.reshape(-1).numpy(), rtol=1e-12)
