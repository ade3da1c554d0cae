"""Command-line options shared by the commands, and their parsing into ``Conv`` arguments.

Per-axis values are comma separated (``--stride 2,1``); padding items are an integer, ``B:A``
(before:after) or one word for every axis.  Parsing errors are ``SymdilError`` naming the option.
"""

from __future__ import annotations

import functools
import inspect
import re
from enum import Enum
from typing import Annotated, Any, Callable

import sympy
import typer

from ..conv import Conv
from ..spec import PADDING_WORDS, SymdilError
from .common import user_errors

# ASCII digits only: int() would also accept other scripts' digits such as '٣'
_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_NUMBER_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(/[0-9]+)?\Z")


class PaddingMode(str, Enum):
    zeros = "zeros"
    circular = "circular"
    reflect = "reflect"
    replicate = "replicate"


N = Annotated[str, typer.Option("--n", help="Input length (e.g. [bold]7[/]), per axis "
                                "[bold]5,5[/], or a symbol such as [bold]n[/] for the general "
                                "case.")]
Kernel = Annotated[str, typer.Option("--kernel", "-k", help="Number of taps K (per axis "
                                     "[bold]3,3[/]), or 1-D taps as numbers: [bold]1,-2,1[/].")]
Stride = Annotated[str, typer.Option("--stride", "-s", help="Stride s (per axis: 2,1).")]
Dilation = Annotated[str, typer.Option("--dilation", "-d", help="Dilation d (per axis: 1,2).")]
Padding = Annotated[str, typer.Option("--padding", "-p", help="An integer, [bold]B:A[/] "
                                      "(before:after), per axis [bold]1:0,2[/], or one of "
                                      "valid, same, full, causal.")]
Mode = Annotated[PaddingMode, typer.Option("--padding-mode", help="How padding is filled.")]
Flip = Annotated[bool, typer.Option("--flip", help="True convolution (kernel reversed) instead "
                                    "of cross-correlation.")]
Transposed = Annotated[bool, typer.Option("--transposed", help="Transposed convolution "
                                          "(PyTorch conv_transpose).")]
OutputPadding = Annotated[str, typer.Option("--output-padding", help="Extra outputs of a "
                                            "transposed convolution (per axis allowed).")]
InputSymbol = Annotated[str, typer.Option("--input-symbol", help="Base name of the inputs.")]
KernelSymbol = Annotated[str, typer.Option("--kernel-symbol", help="Base name of the taps.")]
InChannels = Annotated[int, typer.Option("--in-channels", help="Input channels C_in.")]
OutChannels = Annotated[int, typer.Option("--out-channels", help="Output channels C_out.")]
Groups = Annotated[int, typer.Option("--groups", help="Groups (divides both channel counts).")]


def _int(option: str, text: str) -> int:
    text = text.strip()
    if not _INT_RE.match(text):
        raise SymdilError(f"{option} must be an integer (or a comma list per axis), got {text!r}")
    return int(text)


def _ints(option: str, text: str) -> int | tuple[int, ...]:
    items = [_int(option, item) for item in text.split(",")]
    return items[0] if len(items) == 1 else tuple(items)


def parse_n(text: str) -> Any:
    items = [item.strip() for item in text.split(",")]
    if len(items) == 1 and not _INT_RE.match(items[0]):
        return items[0]  # a symbol name: validated by Conv
    if len(items) > 1 and not all(_INT_RE.match(item) for item in items):
        raise SymdilError(
            f"--n per axis must be integers (a symbolic n such as 'n' is 1-D only), got {text!r}"
        )
    values = tuple(_int("--n", item) for item in items)
    return values[0] if len(values) == 1 else values


def parse_kernel(text: str, ndim: int) -> Any:
    """An integer is the number of taps; anything else is a list of taps.  A lone number that is
    not an integer is refused (``3.0``: three taps, or one tap of value 3?); a trailing comma
    makes a one-tap list (``3.0,``)."""
    text = text.strip()
    one_tap_list = text.endswith(",") and ndim == 1
    items = [item.strip() for item in (text[:-1] if one_tap_list else text).split(",")]
    if ndim > 1:
        if not all(_INT_RE.match(item) and int(item) >= 1 for item in items):
            raise SymdilError(
                f"--kernel in {ndim}-D is the kernel size per axis (positive integers such as "
                f"3,3); concrete taps are 1-D only, got {text!r}"
            )
        return _ints("--kernel", text)
    if len(items) == 1 and not one_tap_list and _INT_RE.match(items[0]):
        return _int("--kernel", items[0])
    taps = []
    for item in items:
        if not _NUMBER_RE.match(item):
            raise SymdilError(
                f"--kernel taps must be numbers such as 1,-2,1 or 1/2,1/2; got {item!r}"
            )
        taps.append(sympy.Rational(item))
    if len(taps) == 1 and not one_tap_list:
        from ..conv import kernel_reading_error

        raise kernel_reading_error(items[0], f"{items[0]},", "--kernel")
    return taps


def parse_padding(text: str, ndim: int) -> Any:
    """A word, or a list of per-axis items (int or (before, after))."""
    text = text.strip()
    if text in PADDING_WORDS:
        return text
    items = []
    allowed = f"an integer, B:A (before:after), or one of {', '.join(PADDING_WORDS)}"
    for item in text.split(","):
        item = item.strip()
        if item in PADDING_WORDS:
            raise SymdilError(
                f"--padding words apply to every axis; give one word, got {text!r}"
            )
        parts = item.split(":")
        if len(parts) > 2 or not all(_INT_RE.match(part.strip()) for part in parts):
            per_axis = " (per axis, comma separated)" if ndim > 1 else ""
            raise SymdilError(f"--padding must be {allowed}{per_axis}; got {item!r}")
        values = [int(part) for part in parts]
        items.append(tuple(values) if len(values) == 2 else values[0])
    return items


def conv_from_options(
    n: N,
    kernel: Kernel,
    stride: Stride = "1",
    dilation: Dilation = "1",
    padding: Padding = "0",
    padding_mode: Mode = PaddingMode.zeros,
    flip: Flip = False,
    transposed: Transposed = False,
    output_padding: OutputPadding = "0",
    input_symbol: InputSymbol = "a",
    kernel_symbol: KernelSymbol = "k",
    in_channels: InChannels = 1,
    out_channels: OutChannels = 1,
    groups: Groups = 1,
) -> Conv:
    """Build a ``Conv`` from the command-line strings.

    Its signature, with Typer's annotations, is also the declaration of the options every
    operator command shares (see ``conv_command``)."""
    n_value = parse_n(n)
    ndim = len(n_value) if isinstance(n_value, tuple) else 1
    padding_value = parse_padding(padding, ndim)
    if isinstance(padding_value, list):
        if ndim == 1 and len(padding_value) != 1:
            raise SymdilError(
                f"--padding for one axis is an integer, B:A or a word, got {padding!r}"
            )
        padding_value = padding_value[0] if len(padding_value) == 1 else tuple(padding_value)
    mode = padding_mode.value if isinstance(padding_mode, PaddingMode) else padding_mode
    return Conv(
        n=n_value,
        kernel=parse_kernel(kernel, ndim),
        stride=_ints("--stride", stride),
        dilation=_ints("--dilation", dilation),
        padding=padding_value,
        padding_mode=mode,
        flip=flip,
        transposed=transposed,
        output_padding=_ints("--output-padding", output_padding),
        input_symbol=input_symbol,
        kernel_symbol=kernel_symbol,
        in_channels=in_channels,
        out_channels=out_channels,
        groups=groups,
    )


_CONV_PARAMETERS = tuple(inspect.signature(conv_from_options, eval_str=True).parameters.values())


def conv_command(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the shared operator options: it receives the validated ``op`` instead.

    ``command(op, **own_options)``; the wrapper's signature is the shared options followed by the
    command's own ones, so Typer shows them all and ``--help`` lists them in that order.  Invalid
    options become the usual one-line error with exit status 2.
    """
    own = [p for name, p in inspect.signature(command, eval_str=True).parameters.items()
           if name != "op"]

    @functools.wraps(command)
    def wrapper(**options: Any) -> Any:
        conv_args = {p.name: options.pop(p.name) for p in _CONV_PARAMETERS}
        with user_errors():
            op = conv_from_options(**conv_args)
        return command(op, **options)

    parameters = [*_CONV_PARAMETERS, *own]
    wrapper.__signature__ = inspect.Signature(parameters, return_annotation=None)
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    del wrapper.__wrapped__  # Typer must read the new signature, not the command's
    return wrapper
