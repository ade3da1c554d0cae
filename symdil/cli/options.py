"""Command-line options shared by the commands, and their parsing into ``Conv`` arguments.

Per-axis values are comma separated (``--stride 2,1``); padding items are an integer, ``B:A``
(before:after) or one word for every axis.  Parsing errors are ``SymdilError`` naming the option.
"""

from __future__ import annotations

import functools
import inspect
import re
import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Callable

import typer

from ..errors import SymdilError
from .common import user_errors

if TYPE_CHECKING:
    from ..conv import Conv

# ASCII digits only: int() would also accept other scripts' digits such as '٣', and '1_0'
_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_NUMBER_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(/[0-9]+)?\Z")
_FLOAT_INT_RE = re.compile(r"([+-]?[0-9]+)\.0*\Z")
#: Python refuses to convert longer digit strings (CVE-2020-10735); so does symdil, politely
MAX_DIGITS = sys.get_int_max_str_digits() or 4300
PADDING_WORDS = ("valid", "same", "full", "causal")


class PaddingMode(str, Enum):
    zeros = "zeros"
    circular = "circular"
    reflect = "reflect"
    replicate = "replicate"


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
InChannels = Annotated[str, typer.Option("--in-channels", metavar="INT",
                                         help="Input channels C_in.")]
OutChannels = Annotated[str, typer.Option("--out-channels", metavar="INT",
                                          help="Output channels C_out.")]
Groups = Annotated[str, typer.Option("--groups", metavar="INT",
                                     help="Groups (divides both channel counts).")]


def parse_int(option: str, text: str, allowed: str = "an integer") -> int:
    """The one integer reader of every command-line option: ASCII digits with an optional sign.

    ``1_0``, ``2.0``, ``1e3`` and digits of other scripts are refused (a count is written as
    digits), as is a number longer than Python converts (``MAX_DIGITS``); the message names the
    option and says how to write the value."""
    text = text.strip()
    if _INT_RE.match(text):
        digits = len(text.lstrip("+-"))
        if digits > MAX_DIGITS:
            raise SymdilError(f"{option} must be {allowed} of at most {MAX_DIGITS:,} digits, "
                              f"got one of {digits:,} digits")
        return int(text)
    hint = ""
    if "_" in text and _INT_RE.match(text.replace("_", "")):
        hint = f" (write it without '_': {text.replace('_', '')})"
    elif _FLOAT_INT_RE.match(text):
        hint = f" (write {_FLOAT_INT_RE.match(text).group(1)}, without the decimal point)"
    shown = text if len(text) <= 40 else text[:37] + "..."
    raise SymdilError(f"{option} must be {allowed}, got {shown!r}{hint}")


def _int(option: str, text: str) -> int:
    return parse_int(option, text, "an integer (or a comma list per axis)")


def _ints(option: str, text: str) -> int | tuple[int, ...]:
    items = [_int(option, item) for item in text.split(",")]
    return items[0] if len(items) == 1 else tuple(items)


def _looks_numeric(text: str) -> bool:
    return bool(text) and text[0] in "0123456789+-."


def parse_n(text: str) -> Any:
    items = [item.strip() for item in text.split(",")]
    if len(items) == 1 and not _looks_numeric(items[0]):
        return items[0]  # a symbol name: validated by Conv
    if len(items) > 1 and not all(_looks_numeric(item) for item in items):
        raise SymdilError(
            f"--n per axis must be integers (a symbolic n such as 'n' is 1-D only), got {text!r}"
        )
    values = tuple(_int("--n", item) for item in items)
    return values[0] if len(values) == 1 else values


def _tap(item: str) -> Any:
    import sympy

    if not _NUMBER_RE.match(item):
        raise SymdilError(f"--kernel taps must be numbers such as 1,-2,1 or 1/2,1/2; "
                          f"got {item!r}")
    if "/" in item:
        denominator = item.split("/")[1]
        if int(denominator) == 0:
            raise SymdilError(f"--kernel tap {item!r} divides by zero")
    if len(item.replace(".", "").replace("/", "").lstrip("+-")) > MAX_DIGITS:
        raise SymdilError(f"--kernel taps must have at most {MAX_DIGITS:,} digits")
    return sympy.Rational(item)


def parse_kernel(text: str, ndim: int) -> Any:
    """An integer is the number of taps; anything else is a list of taps.  A lone number that is
    not an integer is refused (``3.0``: three taps, or one tap of value 3?); a trailing comma
    makes a one-tap list (``3.0,``)."""
    stripped = text.strip()
    if stripped[:1] in "[(" and stripped[-1:] in "])" and len(stripped) > 1:
        inner = ",".join(part.strip() for part in stripped[1:-1].split(","))
        raise SymdilError(f"--kernel {text!r}: write taps as {inner}, without brackets")
    one_tap_list = stripped.endswith(",") and ndim == 1
    items = [item.strip() for item in (stripped[:-1] if one_tap_list else stripped).split(",")]
    if ndim > 1:
        if not all(_INT_RE.match(item) for item in items) or any(
                value < 1 for value in (_int("--kernel", item) for item in items)):
            shown = text if len(text) <= 40 else text[:37] + "..."
            raise SymdilError(
                f"--kernel in {ndim}-D is the kernel size per axis (positive integers such as "
                f"3,3); concrete taps are 1-D only, got {shown!r}"
            )
        return _ints("--kernel", text)
    if len(items) == 1 and not one_tap_list and _INT_RE.match(items[0]):
        return _int("--kernel", items[0])
    taps = [_tap(item) for item in items]
    if len(taps) == 1 and not one_tap_list:
        from ..conv import kernel_reading_error

        raise kernel_reading_error(items[0], f"{items[0]},", "--kernel")
    return taps


def parse_padding(text: str, ndim: int) -> Any:
    """A word (any case), or a list of per-axis items (int or (before, after))."""
    text = text.strip()
    if text.lower() in PADDING_WORDS:
        return text.lower()
    items = []
    allowed = f"an integer, B:A (before:after), or one of {', '.join(PADDING_WORDS)}"
    for item in text.split(","):
        item = item.strip()
        if item.lower() in PADDING_WORDS:
            raise SymdilError(
                f"--padding words apply to every axis; give one word, got {text!r}"
            )
        parts = item.split(":")
        if len(parts) > 2 or not all(_INT_RE.match(part.strip()) for part in parts):
            per_axis = " (per axis, comma separated)" if ndim > 1 else ""
            shown = item if len(item) <= 40 else item[:37] + "..."
            raise SymdilError(f"--padding must be {allowed}{per_axis}; got {shown!r}")
        values = [parse_int("--padding", part) for part in parts]
        items.append(tuple(values) if len(values) == 2 else values[0])
    return items


def _kernel_hint(error: SymdilError, padding: str) -> SymdilError:
    """Add a way out to 'the kernel is longer than the input'."""
    message = str(error)
    if "exceeds the padded input length" in message and padding.strip().lower() in (
            "0", "valid"):
        return SymdilError(f"{message}; pad the input: --padding same (output as long as the "
                           "input) or --padding full (every overlap)")
    return error


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
    in_channels: InChannels = "1",
    out_channels: OutChannels = "1",
    groups: Groups = "1",
) -> Conv:
    """Build a ``Conv`` from the command-line strings.

    Its signature, with Typer's annotations, is also the declaration of the options every
    operator command shares (see ``conv_command``)."""
    from ..conv import Conv

    n_value = parse_n(n)
    ndim = len(n_value) if isinstance(n_value, tuple) else 1
    padding_value = parse_padding(padding, ndim)
    if isinstance(padding_value, list):
        if ndim == 1 and len(padding_value) != 1:
            hint = ""
            if len(padding_value) == 2 and all(isinstance(v, int) for v in padding_value):
                hint = f"; did you mean {padding_value[0]}:{padding_value[1]} (before:after)?"
            raise SymdilError(
                f"--padding for one axis is an integer, B:A or a word, got {padding!r}{hint}"
            )
        padding_value = padding_value[0] if len(padding_value) == 1 else tuple(padding_value)
    mode = padding_mode.value if isinstance(padding_mode, PaddingMode) else padding_mode
    arguments = dict(
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
        in_channels=parse_int("--in-channels", in_channels),
        out_channels=parse_int("--out-channels", out_channels),
        groups=parse_int("--groups", groups),
    )
    try:
        return Conv(**arguments)
    except SymdilError as error:
        raise _kernel_hint(error, padding) from None


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
