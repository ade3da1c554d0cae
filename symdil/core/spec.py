"""Validated geometry of a convolution: sizes per axis, padding resolved to (before, after).

All argument validation and its error messages live here.  Nothing in this module knows about SymPy
matrices, strings of LaTeX or the CLI; the only SymPy it touches is a symbolic input length ``n``
(the general case), whose output length stays a SymPy expression.
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass
from typing import Any

import sympy

from .errors import SymdilError

PADDING_WORDS = ("valid", "same", "full", "causal")
PADDING_MODES = ("zeros", "circular", "reflect", "replicate")
GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma "
    "tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
).split()
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")
#: A symbol inside a tap given through the API: a name as above, optionally with channel
#: superscripts and a subscript (``w``, ``w_0``, ``k^{(1)}_2``, ``k_{0,1}``, ``theta_a``).
_TAP_NAME_RE = re.compile(
    r"[A-Za-z][A-Za-z0-9]*(\^\{\([0-9,]+\)\})?(_([A-Za-z0-9]+|\{[A-Za-z0-9,]+\}))?\Z")
_TAP_PARTS_RE = re.compile(
    r"(?P<base>.+?)(\^\{\([0-9,]+\)\})?(_([A-Za-z0-9]+|\{[A-Za-z0-9,]+\}))?\Z")
#: Characters of a symbol name (a base such as ``alpha``, or a tap's name with its indices):
#: 100,000 letters exceeded TeX's capacity and took 30 s in HTML.
MAX_SYMBOL_NAME = 64
#: Letters the derivations use for their own indices and sizes (row i, tap t, input j, output r
#: of a transposed operator, output length m, stride s, dilation d, padding p, kernel size K, the
#: general-case proof's A, B, W, q): a symbolic length with one of these names would print
#: "0 <= i <= i - 5".
DERIVATION_NAMES = ("i", "j", "t", "r", "m", "q", "s", "d", "p", "K", "A", "B", "W")


def _fail(message: str) -> SymdilError:
    return SymdilError(message)


def plain_int(value: Any) -> Any:
    """An integer of any kind (``numpy.int64``, ``sympy.Integer``) as a Python int; anything
    else (a bool included) unchanged, for the caller's own message."""
    if isinstance(value, (numbers.Integral, sympy.Integer)) and not isinstance(value, bool):
        return int(value)
    return value


def require_int(name: str, value: Any, minimum: int) -> int:
    """Return ``value`` as an int if it is an integer >= minimum, else raise SymdilError."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, sympy.Integer)):
        raise _fail(f"{name} must be an integer >= {minimum}, got {value!r}")
    value = int(value)
    if value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise _fail(f"{name} must be {kind}, got {value}")
    return value


#: Accents a symbol name may carry (``\\tilde x``): each is a LaTeX command taking one letter.
ACCENTS = ("tilde", "hat", "bar", "check", "breve", "dot", "ddot", "vec", "widetilde",
           "widehat", "overline", "acute", "grave", "mathring")
_ACCENTED_RE = re.compile(r"\\(?P<accent>[a-z]+)\s*(?:\{\s*(?P<braced>\\?[A-Za-z][A-Za-z0-9]*)\s*\}"
                          r"|\s(?P<bare>\s*\\?[A-Za-z][A-Za-z0-9]*))(?P<primes>'{0,3})\Z")
_PRIMED_RE = re.compile(r"(?P<name>[A-Za-z][A-Za-z0-9]*)(?P<primes>'{1,3})\Z")


def validate_symbol_name(parameter: str, name: Any) -> str:
    """A symbol base: a letter followed by letters/digits, or a Greek letter name; optionally
    with one to three primes (``w'``) or under one accent (``\\tilde x``, ``\\hat{x}``, written
    back as ``\\hat{x}``).  Nothing else passes, so a name is safe to put in a document."""
    if isinstance(name, str) and len(name) > MAX_SYMBOL_NAME:
        raise _fail(f"{parameter} must have at most {MAX_SYMBOL_NAME} characters, got "
                    f"{len(name):,} ({name[:20]!r}…)")
    if isinstance(name, str):
        if _NAME_RE.match(name) or name in GREEK:
            return name
        primed = _PRIMED_RE.match(name)
        if primed and (_NAME_RE.match(primed["name"]) or primed["name"] in GREEK):
            return name
        accented = _ACCENTED_RE.match(name.strip())
        if accented and accented["accent"] in ACCENTS:
            inner = (accented["braced"] or accented["bare"]).strip()
            if not inner.startswith("\\") or inner[1:] in GREEK:
                return f"\\{accented['accent']}{{{inner}}}{accented['primes']}"
    raise _fail(
        f"{parameter} must be a letter optionally followed by letters/digits, or a Greek letter "
        f"name such as 'alpha', optionally with primes (w') or one accent (\\tilde x, "
        f"\\hat{{x}}), got {name!r}"
    )


def _tap_name_ok(name: str) -> bool:
    """A tap's symbol name: a base ``validate_symbol_name`` accepts as it is (``w``, ``theta``,
    ``w'``, ``\\hat{w}``), then optional channel superscripts and a subscript."""
    if _TAP_NAME_RE.match(name):
        return True
    parts = _TAP_PARTS_RE.match(name)
    if parts is None:
        return False
    try:
        return validate_symbol_name("symbol", parts["base"]) == parts["base"]
    except SymdilError:
        return False


def validate_tap_symbols(parameter: str, tap: Any) -> None:
    """Every symbol and undefined function inside a tap expression has a name documents can
    typeset as it is (``_TAP_NAME_RE``, at most ``MAX_SYMBOL_NAME`` characters): a name such as
    ``\\input{/tmp/x}`` given through the API would otherwise reach LaTeX and TikZ verbatim."""
    from sympy.core.function import AppliedUndef

    for node in sympy.preorder_traversal(tap):
        if isinstance(node, sympy.Symbol):
            name = node.name
        elif isinstance(node, AppliedUndef):
            name = node.func.__name__
        else:
            continue
        if len(name) > MAX_SYMBOL_NAME:
            raise _fail(f"{parameter} holds a symbol of {len(name):,} characters "
                        f"({name[:20]!r}…); at most {MAX_SYMBOL_NAME} are allowed")
        if not _tap_name_ok(name):
            raise _fail(f"{parameter} holds the symbol {name!r}: a symbol name must be a letter "
                        "followed by letters/digits, with an optional subscript such as w_0 or "
                        "k_{0,1}")


def validate_length_name(parameter: str, name: str) -> str:
    """A symbolic input length: a name that is neither one of the derivation's own letters
    (``DERIVATION_NAMES``) nor a name SymPy defines (``pi``, ``E``, ``I``, ``oo``, ``N``,
    ``beta``...), which would print as a constant and read back as one."""
    if not _NAME_RE.match(name) or len(name) > MAX_SYMBOL_NAME:
        shown = repr(name) if len(name) <= MAX_SYMBOL_NAME else f"{len(name):,} characters"
        raise _fail(f"{parameter} must be a positive integer or a symbol name such as 'n' (at "
                    f"most {MAX_SYMBOL_NAME} characters), got {shown}")
    if name in DERIVATION_NAMES:
        raise _fail(f"{parameter} must not be one of the derivation's own letters "
                    f"({', '.join(DERIVATION_NAMES)}), got {name!r}; use another name such as "
                    "'n' or 'L'")
    if name in vars(sympy):
        raise _fail(f"{parameter} must not be a name SymPy defines (a constant or function such "
                    f"as pi, E, I, oo, N), got {name!r}; use another name such as 'n' or 'L'")
    return name


@dataclass(frozen=True)
class Axis:
    """One spatial axis of a convolution, fully resolved.

    ``n`` is the length of the operator's *input* along this axis (for a transposed convolution
    too);
    it is an int, or a SymPy Symbol for the general case.  ``pad_before``/``pad_after`` are the
    resolved padding; ``padding_word`` remembers the word it came from (``None`` for numbers).
    """

    n: Any
    kernel_size: int
    stride: int = 1
    dilation: int = 1
    pad_before: int = 0
    pad_after: int = 0
    padding_mode: str = "zeros"
    transposed: bool = False
    output_padding: int = 0
    flip: bool = False
    padding_word: str | None = None

    @property
    def symbolic(self) -> bool:
        return not isinstance(self.n, int)

    @property
    def receptive_field(self) -> int:
        """d(K-1)+1: the span of input samples one output sees (before striding)."""
        return self.dilation * (self.kernel_size - 1) + 1

    @property
    def output_length(self) -> Any:
        """Forward: floor((n + p_b + p_a - d(K-1) - 1)/s) + 1.
        Transposed: (n-1)s - 2p + d(K-1) + output_padding + 1."""
        s, span = self.stride, self.receptive_field
        if self.transposed:
            return (self.n - 1) * s - 2 * self.pad_before + span - 1 + self.output_padding + 1
        padded = self.n + self.pad_before + self.pad_after
        if self.symbolic:
            return sympy.floor((padded - span) / sympy.Integer(s)) + 1
        return (padded - span) // s + 1


def resolve_padding(
    padding: Any, n: Any, kernel_size: int, stride: int, dilation: int, transposed: bool
) -> tuple[int, int, str | None]:
    """Resolve one axis' padding to (before, after, word)."""
    span_minus_one = dilation * (kernel_size - 1)
    if isinstance(padding, str):
        word = padding
        if word not in PADDING_WORDS:
            raise _fail(
                f"padding must be an integer, a (before, after) pair or one of "
                f"{', '.join(PADDING_WORDS)}; got {padding!r}"
            )
        if transposed and word != "valid":
            raise _fail(
                f"padding={word!r} is not defined for a transposed convolution; "
                "use a symmetric integer padding"
            )
        if word == "valid":
            return 0, 0, word
        if word == "full":
            return span_minus_one, span_minus_one, word
        if word == "causal":
            return span_minus_one, 0, word
        # TensorFlow's rule: output length ceil(n/s); the odd one goes after.
        if not isinstance(n, int):
            if stride != 1:
                raise _fail(
                    "padding='same' with stride > 1 depends on n mod stride; give a concrete n"
                )
            total = span_minus_one
        else:
            out = -(-n // stride)
            total = max((out - 1) * stride + span_minus_one + 1 - n, 0)
        return total // 2, total - total // 2, word
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise _fail(f"padding pair must be (before, after), got {padding!r}")
        before = require_int("padding before", padding[0], 0)
        after = require_int("padding after", padding[1], 0)
        if transposed and before != after:
            raise _fail(
                f"a transposed convolution needs symmetric padding, got (before, after) = "
                f"({before}, {after})"
            )
        return before, after, None
    if isinstance(padding, bool) or not isinstance(padding, (numbers.Integral, sympy.Integer)):
        raise _fail(
            f"padding must be an integer, a (before, after) pair or one of "
            f"{', '.join(PADDING_WORDS)}; got {padding!r}"
        )
    p = require_int("padding", padding, 0)
    return p, p, None


def make_axis(
    n: Any,
    kernel_size: Any,
    stride: Any = 1,
    dilation: Any = 1,
    padding: Any = 0,
    padding_mode: str = "zeros",
    flip: bool = False,
    transposed: bool = False,
    output_padding: Any = 0,
    axis_label: str = "",
) -> Axis:
    """Validate one axis and resolve its padding.

    ``axis_label`` (e.g. ' (axis 1)') goes into the error messages."""
    where = axis_label
    if isinstance(n, sympy.Symbol):
        n = n.name
    if isinstance(n, str):
        n = sympy.Symbol(validate_length_name(f"n{where}", n), integer=True, positive=True)
    else:
        n = require_int(f"n{where}", n, 1)
    kernel_size = require_int(f"kernel size{where}", kernel_size, 1)
    stride = require_int(f"stride{where}", stride, 1)
    dilation = require_int(f"dilation{where}", dilation, 1)
    if padding_mode not in PADDING_MODES:
        raise _fail(f"padding_mode must be one of {', '.join(PADDING_MODES)}, got {padding_mode!r}")
    if not isinstance(flip, bool):
        raise _fail(f"flip must be True or False, got {flip!r}")
    if not isinstance(transposed, bool):
        raise _fail(f"transposed must be True or False, got {transposed!r}")
    output_padding = require_int(f"output_padding{where}", output_padding, 0)
    if transposed:
        if padding_mode != "zeros":
            raise _fail(
                f"padding_mode={padding_mode!r} is not defined for a transposed convolution; "
                "only 'zeros' is"
            )
        limit = max(stride, dilation)
        if output_padding >= limit:
            raise _fail(
                f"output_padding{where} must be smaller than max(stride, dilation) = {limit}, "
                f"got {output_padding}"
            )
    elif output_padding:
        raise _fail(
            f"output_padding{where} only applies to a transposed convolution, got {output_padding}"
        )
    before, after, word = resolve_padding(padding, n, kernel_size, stride, dilation, transposed)
    if not isinstance(n, int) and padding_mode != "zeros":
        raise _fail(f"padding_mode={padding_mode!r} needs a concrete n, got the symbol {n}")
    if isinstance(n, int):
        if padding_mode == "circular" and max(before, after) > n:
            raise _fail(
                f"circular padding{where} must be at most n = {n} on each side, "
                f"got (before, after) = ({before}, {after})"
            )
        if padding_mode == "reflect" and max(before, after) >= n:
            raise _fail(
                f"reflect padding{where} must be smaller than n = {n} on each side, "
                f"got (before, after) = ({before}, {after})"
            )
    axis = Axis(n, kernel_size, stride, dilation, before, after, padding_mode, transposed,
                output_padding, flip, word)
    if isinstance(n, int):
        if transposed:
            if axis.output_length < 1:
                raise _fail(
                    f"transposed output length{where} (n-1)s - 2p + d(K-1) + output_padding + 1 = "
                    f"{axis.output_length} is not positive; reduce padding = {before}"
                )
        elif n + before + after < axis.receptive_field:
            raise _fail(
                f"kernel span d(K-1)+1 = {axis.receptive_field} exceeds the padded input length "
                f"{n + before + after}{where}"
            )
    return axis
