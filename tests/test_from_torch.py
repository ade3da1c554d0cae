"""``symdil.from_torch`` against the PyTorch modules themselves, on random integers."""

from __future__ import annotations

import importlib.util
import random

import pytest
import sympy

from symdil import Conv, Stack, SymdilError, from_torch

pytestmark = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                reason="PyTorch not installed (pip install torch)")


def _integer_weights(model, rng):
    import torch

    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(torch.randint(-3, 4, parameter.shape, generator=rng).double())
    return model.double()


def _torch_output(model, x, shape):
    import torch

    with torch.no_grad():
        y = model(torch.tensor(x, dtype=torch.float64).reshape(1, *shape))
    return [float(v) for v in y.reshape(-1)]


def _symdil_output(op, x, values=None):
    inputs = dict(zip(op.input, x))
    values = values or {}
    return [float(sympy.sympify(y).xreplace(values).xreplace(inputs)) for y in op.output]


def _values_from(model, op):
    """Symbol -> the module's value, read from the weights in PyTorch's layout."""
    layers = [m for m in model if type(m).__name__.startswith("Conv")] \
        if type(model).__name__ == "Sequential" else [model]
    convs = op.layers if isinstance(op, Stack) else (op,)
    values = {}
    conv_layers = [c for c in convs if not all(not t.free_symbols for t in c.kernel)]
    for module, conv in zip(layers, conv_layers):
        for symbol, value in zip(conv.kernel, module.weight.detach().reshape(-1).tolist()):
            values[symbol] = sympy.Integer(int(value))
    if isinstance(op, Stack):
        number = 0
        for conv, bias in zip(convs, op.biases):
            if conv in conv_layers:
                module = layers[number]
                number += 1
                if bias is not None:
                    for symbol, value in zip(bias, module.bias.detach().tolist()):
                        values[symbol] = sympy.Integer(int(value))
    return values


MODELS = [
    ("wavenet", lambda nn: nn.Sequential(*[nn.Conv1d(1, 1, 2, dilation=d, bias=False)
                                           for d in (1, 2, 4)]), (1, 12)),
    ("channels+bias", lambda nn: nn.Sequential(nn.Conv1d(2, 4, 3, padding=1, groups=2),
                                               nn.Identity(),
                                               nn.ConvTranspose1d(4, 1, 3, stride=2, padding=1,
                                                                  output_padding=1)), (2, 5)),
    ("pool", lambda nn: nn.Sequential(nn.Conv1d(1, 2, 3, padding="same", bias=False),
                                      nn.AvgPool1d(2)), (1, 8)),
    ("2d", lambda nn: nn.Sequential(nn.Conv2d(1, 2, (2, 3), stride=(2, 1), padding=(1, 0),
                                              padding_mode="reflect"),
                                    nn.AvgPool2d(2, stride=1, padding=1)), (1, 5, 6)),
    ("3d", lambda nn: nn.Conv3d(1, 1, 2, dilation=(1, 2, 1), bias=False), (1, 3, 4, 3)),
    ("3d transposed", lambda nn: nn.ConvTranspose3d(1, 1, 2, stride=2, bias=False), (1, 2, 2, 2)),
]


@pytest.mark.parametrize("name, make, shape", MODELS, ids=[m[0] for m in MODELS])
def test_exact_and_symbolic_weights_match_torch(name, make, shape) -> None:
    import torch
    from torch import nn

    model = _integer_weights(make(nn), torch.Generator().manual_seed(1))
    rng = random.Random(2)
    x = [rng.randint(-4, 4) for _ in range(int(torch.tensor(shape).prod()))]
    want = _torch_output(model, x, shape)
    n = shape[1] if len(shape) == 2 else shape[1:]
    exact = from_torch(model, n, weights="exact", in_channels=shape[0])
    assert _symdil_output(exact, x) == want
    symbolic = from_torch(model, n, in_channels=shape[0])
    assert _symdil_output(symbolic, x, _values_from(model, symbolic)) == want


def test_single_layer_is_a_conv_and_bias_makes_a_stack() -> None:
    from torch import nn

    op = from_torch(nn.Conv1d(1, 1, 3, bias=False), 6)
    assert isinstance(op, Conv) and op == Conv(6, 3, stride=(1,), dilation=(1,), padding=0,
                                               padding_mode="zeros")
    affine = from_torch(nn.Conv1d(1, 1, 3), 6)
    assert isinstance(affine, Stack)
    b = sympy.Symbol("b^{(1)}_0")
    assert affine.bias == (b,) * 4
    assert affine.output[0] == affine.rows[0][0] * affine.input[0] + affine.rows[0][1] \
        * affine.input[1] + affine.rows[0][2] * affine.input[2] + b


def test_exact_weights_are_the_float_values_exactly() -> None:
    import torch
    from torch import nn

    conv = nn.Conv1d(1, 1, 2, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[[0.1, -2.5]]]))
    op = from_torch(conv, 3, weights="exact")
    assert op.kernel == (sympy.Rational(13421773, 134217728), sympy.Rational(-5, 2))
    assert float(op.kernel[0]) == float(torch.tensor(0.1, dtype=torch.float32))


@pytest.mark.parametrize("module, message", [
    ("nn.Sequential(nn.Conv1d(1, 1, 2), nn.ReLU())",
     r"^layer 2 \('1'\) \(ReLU\) is not linear: ReLU clips negative values"),
    ("nn.MaxPool1d(2)", r"^the module \(MaxPool1d\) is not linear: max pooling picks"),
    ("nn.Sequential(nn.BatchNorm1d(1))", r"^layer 1 \('0'\) \(BatchNorm1d\) is not supported"),
    ("nn.AvgPool1d(3, padding=1, count_include_pad=False)", r"count_include_pad=False"),
    ("nn.Sequential(nn.Identity())", r"only Identity"),
    ("nn.Sequential(nn.Conv1d(1, 2, 3), nn.Conv1d(1, 1, 2))",
     r"^layer 2: in_channels = 1 but layer 1 gives 2 channel\(s\)$"),
])
def test_refusals_name_the_layer(module, message) -> None:
    from torch import nn

    with pytest.raises(SymdilError, match=message):
        from_torch(eval(module, {"nn": nn}), 8)
    with pytest.raises(SymdilError, match="weights must be one of symbolic, exact"):
        from_torch(nn.Conv1d(1, 1, 2), 8, weights="float")


# ----- modules that only look like the library's (issue 22) ----------------------------------
def _look_alikes():
    import torch
    from torch import nn

    class ConvReLU1d(nn.Conv1d):  # a convolution whose forward is not linear
        def forward(self, x):
            return torch.relu(super().forward(x))

    class Doubled1d(nn.Conv1d):
        def _conv_forward(self, x, weight, bias):
            return 2 * super()._conv_forward(x, weight, bias)

    class ConvBlock1d(nn.Module):  # named like a convolution, is not one
        def __init__(self):
            super().__init__()
            self.inner = nn.Conv1d(1, 1, 2)

        def forward(self, x):
            return self.inner(x)

    class Wrapped(nn.Sequential):
        def forward(self, x):
            return super().forward(x) + 1

    hooked = nn.Conv1d(1, 1, 2)
    hooked.register_forward_hook(lambda module, inputs, output: output * 2)
    return [
        (ConvReLU1d(1, 1, 2), r"^the module \(ConvReLU1d\) overrides nn\.Conv1d\.forward"),
        (nn.Sequential(nn.Conv1d(1, 1, 2), ConvReLU1d(1, 1, 2)),
         r"^layer 2 \('1'\) \(ConvReLU1d\) overrides nn\.Conv1d\.forward"),
        (Doubled1d(1, 1, 2), r"overrides nn\.Conv1d\._conv_forward"),
        (ConvBlock1d(), r"^the module \(ConvBlock1d\) is not supported"),
        (Wrapped(nn.Conv1d(1, 1, 2)), r"\(Wrapped\) overrides nn\.Sequential\.forward"),
        (hooked, r"has forward hooks"),
        ("not a module", r"^the module must be a torch\.nn\.Module, got str$"),
    ]


def test_look_alikes_are_refused_not_read_as_linear() -> None:
    for module, message in _look_alikes():
        with pytest.raises(SymdilError, match=message):
            from_torch(module, 8)


def test_a_subclass_keeping_forward_is_read_and_agrees_with_torch() -> None:
    import torch
    from torch import nn

    class Named1d(nn.Conv1d):
        pass

    model = _integer_weights(Named1d(1, 1, 3, padding=1, bias=False), torch.Generator().manual_seed(1))
    op = from_torch(model, 7, weights="exact")
    x = list(range(-3, 4))
    assert _symdil_output(op, x) == _torch_output(model, x, (1, 7))


def test_values_that_are_not_numbers_are_refused() -> None:
    import torch
    from torch import nn

    nan = nn.Conv1d(1, 1, 2)
    infinite = nn.Conv1d(1, 1, 2)
    with torch.no_grad():
        nan.weight[0, 0, 1] = float("nan")
        infinite.bias[0] = float("-inf")
    meta = nn.Conv1d(1, 1, 2, device="meta")
    for module, message in [(nan, r"the weight holds NaN or infinite values"),
                            (infinite, r"the bias holds NaN or infinite values"),
                            (meta, r"the weight is on the meta device and has no values")]:
        with pytest.raises(SymdilError, match=message):
            from_torch(module, 8, weights="exact")
    # symbolic weights read no values: the geometry alone is exact
    assert from_torch(meta, 8).layers[0].axes[0].kernel_size == 2


@pytest.mark.parametrize("value, message", [
    (0, r"^in_channels must be a positive integer, got 0$"),
    (2.0, r"^in_channels must be an integer >= 1, got 2\.0$"),
    (True, r"in_channels"),
])
def test_in_channels_is_validated(value, message) -> None:
    from torch import nn

    with pytest.raises(SymdilError, match=message):
        from_torch(nn.AvgPool1d(2), 8, in_channels=value)
