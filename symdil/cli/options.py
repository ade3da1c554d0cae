"""Command-line options shared by the commands, and their parsing into ``Conv`` arguments.

Per-axis values are comma separated (``--stride 2,1``); padding items are an integer, ``B:A``
(before:after) or one word for every axis.  Parsing errors are ``SymdilError`` naming the option.
"""

from __future__ import annotations

import functools
import inspect
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Callable, Optional

import typer

from ..core.options import (  # noqa: F401 (the CLI's readers, re-exported for its commands)
    MAX_DIGITS,
    PADDING_WORDS,
    _int,
    _ints,
    _kernel_hint,
    conv_from_texts,
    parse_int,
    parse_kernel,
    parse_n,
    parse_padding,
)
from .common import user_errors

if TYPE_CHECKING:
    from ..core.conv import Conv


class PaddingMode(str, Enum):
    zeros = "zeros"
    circular = "circular"
    reflect = "reflect"
    replicate = "replicate"


Width = Annotated[Optional[str], typer.Option(
    "--width", metavar="column|page|LENGTH",
    help="The line a document is pasted into: [bold]column[/] (a two-column article, 229.5pt; "
    "the default for snippets and figures), [bold]page[/] (a one-column article, 345pt; the "
    "default for --standalone and HTML) or a length such as [bold]8cm[/]; every display and "
    "figure is laid out to fit it.")]


N = Annotated[str, typer.Option("--n", metavar="N", help="Input length (e.g. [bold]7[/]), "
                                "per axis [bold]5,5[/], or a symbol such as [bold]n[/] for the "
                                "general case.")]
Kernel = Annotated[str, typer.Option("--kernel", "-k", metavar="K", help="Number of taps K "
                                     "(per axis [bold]3,3[/]), or 1-D taps as numbers: "
                                     "[bold]1,-2,1[/].")]
Stride = Annotated[str, typer.Option("--stride", "-s", metavar="S", help="Stride s (per axis: "
                                     "2,1).")]
Dilation = Annotated[str, typer.Option("--dilation", "-d", metavar="D", help="Dilation d (per "
                                       "axis: 1,2).")]
Padding = Annotated[str, typer.Option("--padding", "-p", metavar="P", help="An integer, "
                                      "[bold]B:A[/] (before:after), per axis [bold]1:0,2[/], or "
                                      "one of valid, same, full, causal (any case).")]
Mode = Annotated[PaddingMode, typer.Option("--padding-mode", case_sensitive=False,
                                           help="How padding is filled.")]
Flip = Annotated[bool, typer.Option("--flip", help="True convolution (kernel reversed) instead "
                                    "of cross-correlation.")]
Transposed = Annotated[bool, typer.Option("--transposed", help="Transposed convolution "
                                          "(PyTorch conv_transpose).")]
OutputPadding = Annotated[str, typer.Option("--output-padding", metavar="P", help="Extra "
                                            "outputs of a transposed convolution (per axis "
                                            "allowed).")]
InputSymbol = Annotated[str, typer.Option("--input-symbol", metavar="NAME",
                                          help="Base name of the inputs.")]
KernelSymbol = Annotated[str, typer.Option("--kernel-symbol", metavar="NAME",
                                           help="Base name of the taps.")]
OutputSymbol = Annotated[str, typer.Option("--output-symbol", metavar="NAME",
                                           help="Base name of the outputs (names may carry "
                                                "primes [bold]w'[/] or an accent "
                                                "[bold]\\tilde x[/], as every symbol option).")]
InChannels = Annotated[str, typer.Option("--in-channels", metavar="INT",
                                         help="Input channels C_in.")]
OutChannels = Annotated[str, typer.Option("--out-channels", metavar="INT",
                                          help="Output channels C_out.")]
Groups = Annotated[str, typer.Option("--groups", metavar="INT",
                                     help="Groups (divides both channel counts).")]


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
    output_symbol: OutputSymbol = "y",
    in_channels: InChannels = "1",
    out_channels: OutChannels = "1",
    groups: Groups = "1",
) -> Conv:
    """Build a ``Conv`` from the command-line strings.

    Its signature, with Typer's annotations, is also the declaration of the options every
    operator command shares (see ``conv_command``)."""
    mode = padding_mode.value if isinstance(padding_mode, PaddingMode) else padding_mode
    return conv_from_texts(n, kernel, stride, dilation, padding, mode, flip, transposed,
                           output_padding, input_symbol, kernel_symbol, in_channels,
                           out_channels, groups, output_symbol)


def _parameters(function: Callable[..., Any]) -> list[inspect.Parameter]:
    """The parameters of ``function`` with their annotations evaluated (``op: Conv`` is left as
    written: it is not an option, and evaluating it would import SymPy)."""
    names = function.__globals__
    return [p if p.name == "op" or not isinstance(p.annotation, str)
            else p.replace(annotation=eval(p.annotation, names))  # noqa: S307 (our own source)
            for p in inspect.signature(function).parameters.values()]


_CONV_PARAMETERS = tuple(_parameters(conv_from_options))


def conv_command(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the shared operator options: it receives the validated ``op`` instead.

    ``command(op, **own_options)``; the wrapper's signature is the shared options followed by the
    command's own ones, so Typer shows them all and ``--help`` lists them in that order.  Invalid
    options become the usual one-line error with exit status 2.
    """
    own = [p for p in _parameters(command) if p.name != "op"]

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
