"""``from_torch``: a PyTorch model of linear layers as a symdil ``Conv`` or ``Stack``.

Supported: ``nn.Conv1d/2d/3d``, ``nn.ConvTranspose1d/2d/3d``, ``nn.AvgPool1d/2d/3d`` (a depthwise
convolution with taps ``1/K``), ``nn.Identity`` and ``nn.Sequential`` of these.  Anything else is
refused naming the layer and why (a ReLU or a max pool is not linear; a batch norm is not
supported).  A module is recognised by its class in ``torch.nn``, not by its name: a subclass is
read only when it keeps the library's ``forward`` and has no forward hooks (a ``Conv1d`` subclass
that applies a ReLU in ``forward`` is refused).  Weights stay symbolic (``k^{(l)}_t``) unless
``weights="exact"``: then the module's values become exact rationals (every float is a binary
fraction, converted without rounding; NaN, infinities and meta-device weights are refused).
A bias makes the map affine, ``y = M a + b``: the result is then a ``Stack`` whose ``bias`` is
``b`` (symbolic ``b^{(l)}_o`` or exact).  PyTorch is imported only by the caller's module: this
file never imports it.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from typing import Any

import sympy

from ..core.conv import Conv
from ..core.spec import SymdilError, require_int
from ..core.symbols import indexed_symbol
from .model import Stack

WEIGHTS = ("symbolic", "exact")
_NONLINEAR = {
    "ReLU": "ReLU clips negative values", "LeakyReLU": "LeakyReLU bends at 0",
    "GELU": "GELU is a non-linear activation", "SiLU": "SiLU is a non-linear activation",
    "Sigmoid": "Sigmoid is a non-linear activation", "Tanh": "Tanh is a non-linear activation",
    "ELU": "ELU is a non-linear activation", "Softmax": "Softmax normalises by a sum of "
    "exponentials", "MaxPool1d": "max pooling picks the largest input",
    "MaxPool2d": "max pooling picks the largest input",
    "MaxPool3d": "max pooling picks the largest input",
    "Dropout": "dropout multiplies by random masks in training",
}


def _exact(value: float) -> sympy.Rational:
    fraction = Fraction(value)  # exact: a float is a binary fraction
    return sympy.Rational(fraction.numerator, fraction.denominator)


def _map(values: Any, fn: Any) -> Any:
    return [_map(v, fn) for v in values] if isinstance(values, list) else fn(values)


#: The modules symdil reads, by their class in ``torch.nn`` (never by a class's name alone).
SUPPORTED = tuple(f"{base}{dims}d" for base in ("Conv", "ConvTranspose", "AvgPool")
                  for dims in (1, 2, 3)) + ("Identity", "Sequential")


def _library_kind(module: Any, where: str) -> str | None:
    """The ``torch.nn`` class ``module`` computes as (its name), None when it is none of the
    supported ones.  A subclass counts only when it keeps the library's own ``forward`` (and
    ``_conv_forward``) and has no forward hooks: anything else may compute something else."""
    nn = sys.modules.get("torch.nn")  # loaded by the caller: a module is a torch object
    if nn is None or not isinstance(module, nn.Module):
        raise SymdilError(f"{where} must be a torch.nn.Module, got {type(module).__name__}")
    for name in SUPPORTED:
        library = getattr(nn, name)
        if not isinstance(module, library):
            continue
        kind = type(module).__name__
        for method in ("forward", "_conv_forward"):
            if getattr(type(module), method, None) is not getattr(library, method, None):
                raise SymdilError(
                    f"{where} ({kind}) overrides nn.{name}.{method}: what it computes is not "
                    f"nn.{name}'s linear map; symdil takes the library's own modules")
        if module._forward_hooks or module._forward_pre_hooks:
            raise SymdilError(f"{where} ({kind}) has forward hooks, which can change its "
                              "output; remove them (symdil reads the module's own map)")
        return name
    return None


def _checked_values(tensor: Any, where: str, what: str) -> Any:
    """The tensor's values as nested floats, refused when they are not real numbers."""
    if tensor.device.type == "meta":
        raise SymdilError(f"{where}: the {what} is on the meta device and has no values; "
                          "load them, or use weights='symbolic'")
    values = tensor.detach().double()
    if not bool(values.isfinite().all()):
        raise SymdilError(f"{where}: the {what} holds NaN or infinite values; exact weights "
                          "must be finite numbers")
    return values.tolist()


def _layer_of(module: Any, where: str, channels: int, weights: str, ndim: int | None
              ) -> tuple[dict, Any] | None:
    """(Conv arguments, bias values or None) of one module, or None for nn.Identity."""
    library = _library_kind(module, where)
    kind = type(module).__name__
    if library == "Identity":
        return None
    if library is not None and library.startswith("Conv"):
        kind = library
        dims = int(kind[-2])
        transposed = kind.startswith("ConvTranspose")
        padding = module.padding
        if isinstance(padding, str):
            padding_value: Any = padding
        else:
            padding_value = tuple(padding) if dims > 1 else padding[0]
        args = dict(kernel=tuple(module.kernel_size) if dims > 1 else module.kernel_size[0],
                    stride=tuple(module.stride), dilation=tuple(module.dilation),
                    padding=padding_value, in_channels=module.in_channels,
                    out_channels=module.out_channels, groups=module.groups)
        if transposed:
            args.update(transposed=True, output_padding=tuple(module.output_padding))
        else:
            args["padding_mode"] = module.padding_mode
        if weights == "exact":
            args["kernel"] = _map(_checked_values(module.weight, where, "weight"), _exact)
        bias = None
        if module.bias is not None:
            bias = ([_exact(v) for v in _checked_values(module.bias, where, "bias")]
                    if weights == "exact" else "symbolic")
        return args, bias
    if library is not None and library.startswith("AvgPool"):
        kind = library
        dims = int(kind[-2])

        def per_axis(value: Any) -> tuple:
            return tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims

        sizes, strides, pads = (per_axis(module.kernel_size), per_axis(module.stride),
                                per_axis(module.padding))
        if module.ceil_mode:
            raise SymdilError(f"{where} ({kind}): ceil_mode=True adds partial windows with "
                              "their own divisor; only ceil_mode=False is a fixed linear map")
        if any(pads) and not module.count_include_pad:
            raise SymdilError(f"{where} ({kind}): count_include_pad=False divides border "
                              "windows by fewer samples; only count_include_pad=True is one "
                              "convolution")
        divisor = getattr(module, "divisor_override", None) or _prod(sizes)
        tap = sympy.Rational(1, divisor)
        kernel = [[_filled(sizes, tap)] for _ in range(channels)]
        return dict(kernel=kernel, stride=strides, padding=pads if dims > 1 else pads[0],
                    in_channels=channels, out_channels=channels, groups=channels), None
    reason = _NONLINEAR.get(kind)
    if reason is not None:
        raise SymdilError(f"{where} ({kind}) is not linear: {reason}, so the model is no "
                          "longer a matrix; symdil takes Conv, ConvTranspose, AvgPool, Identity "
                          "and Sequential")
    raise SymdilError(f"{where} ({kind}) is not supported: symdil takes Conv1d/2d/3d, "
                      "ConvTranspose1d/2d/3d, AvgPool1d/2d/3d, Identity and Sequential of these")


def _filled(sizes: tuple, value: Any) -> Any:
    if len(sizes) == 1:
        return [value] * sizes[0]
    return [_filled(sizes[1:], value) for _ in range(sizes[0])]


def _prod(values: Any) -> int:
    result = 1
    for value in values:
        result *= value
    return result


def from_torch(module: Any, n: Any, weights: str = "symbolic", in_channels: int | None = None
               ) -> Conv | Stack:
    """A ``Conv`` (one layer, no bias) or a ``Stack`` equal to ``module`` on inputs of length
    ``n`` (a tuple per axis in N-D).  ``weights``: "symbolic" (taps as symbols) or "exact" (the
    module's values as exact rationals).  ``in_channels``: the input's channels when the model
    starts with a pooling layer (default 1).  Raises ``SymdilError`` naming the layer."""
    if weights not in WEIGHTS:
        raise SymdilError(f"weights must be one of {', '.join(WEIGHTS)}, got {weights!r}")
    if in_channels is not None:
        in_channels = require_int("in_channels", in_channels, 1)
    if _library_kind(module, "the module") == "Sequential":
        items = [(f"layer {index} ('{name}')", child)
                 for index, (name, child) in enumerate(module.named_children(), start=1)]
    else:
        items = [("the module", module)]
    layers: list[dict] = []
    biases: list[Any] = []
    channels = in_channels or 1
    first_conv = True
    for where, child in items:
        if _library_kind(child, where) == "Sequential":
            raise SymdilError(f"{where} (Sequential): nested Sequential models are not "
                              "supported; flatten them with nn.Sequential(*a, *b)")
        if first_conv and in_channels is None and hasattr(child, "in_channels"):
            channels = child.in_channels
        layer = _layer_of(child, where, channels, weights, None)
        if layer is None:
            continue
        first_conv = False
        args, bias = layer
        channels = args["out_channels"]
        layers.append(args)
        biases.append(bias)
    if not layers:
        raise SymdilError("the model has no Conv, ConvTranspose or AvgPool layer (only "
                          "Identity): it is the identity map")
    numbered = []
    for number, bias in enumerate(biases, start=1):
        if bias == "symbolic":
            bias = [indexed_symbol("b", (o,), (number,))
                    for o in range(layers[number - 1]["out_channels"])]
        numbered.append(bias)
    if len(layers) == 1 and numbered[0] is None:
        try:
            return Conv(n=n, **layers[0])
        except SymdilError as error:
            raise SymdilError(f"{items[0][0]}: {error}") from None
    return Stack(n, layers, biases=numbered)
