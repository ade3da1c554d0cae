"""Reading option texts into ``Conv`` arguments: ``7``, ``5,5``, ``n``, ``1,-2,1``, ``1:2``.

The one reader of the command line's operator options, shared by the CLI (``cli/options.py``
declares the options with Typer) and by claim annotations (``<!-- symdil: --n 6 -->``), so both
read a text the same way.  Every problem is one ``SymdilError`` naming the option.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from .errors import SymdilError

# ASCII digits only: int() would also accept other scripts' digits such as '٣', and '1_0'
_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_NUMBER_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(/[0-9]+)?\Z")
_FLOAT_INT_RE = re.compile(r"([+-]?[0-9]+)\.0*\Z")
#: Python refuses to convert longer digit strings (CVE-2020-10735); so does symdil, politely
MAX_DIGITS = sys.get_int_max_str_digits() or 4300
PADDING_WORDS = ("valid", "same", "full", "causal")


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
        from .conv import kernel_reading_error

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


def conv_from_texts(
    n: str,
    kernel: str,
    stride: str = "1",
    dilation: str = "1",
    padding: str = "0",
    padding_mode: str = "zeros",
    flip: bool = False,
    transposed: bool = False,
    output_padding: str = "0",
    input_symbol: str = "a",
    kernel_symbol: str = "k",
    in_channels: str = "1",
    out_channels: str = "1",
    groups: str = "1",
    output_symbol: str = "y",
) -> Any:
    """A ``Conv`` from option texts, read exactly as the command line reads them."""
    from .conv import Conv

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
    mode = padding_mode
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
        output_symbol=output_symbol,
        in_channels=parse_int("--in-channels", in_channels),
        out_channels=parse_int("--out-channels", out_channels),
        groups=parse_int("--groups", groups),
    )
    try:
        return Conv(**arguments)
    except SymdilError as error:
        raise _kernel_hint(error, padding) from None
