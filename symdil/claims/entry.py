r"""The entry of one cell -> an exact SymPy expression: symdil's own small LaTeX reader.

No general LaTeX parser: it reads numbers (``2``, ``-0.5``, ``\frac{1}{2}``, ``\text{0}``), indexed
symbols in the spellings authors use (``k_0``, ``k_{0}``, ``k0``, ``k[0]``, ``k_{11}``, ``k_{0 0}``,
``k_{0,1}``, ``k_{\mathrm{0}}``, ``\bm{k}_0``, ``\theta_1``, ``{ab}_{0}``, ``a^{(c)}_{i,j}``,
``k_{2}^{(0,1)}``, ``a_{n-1}``), sums, products (``\cdot``, ``\times``, juxtaposition),
parentheses and bounded integer powers.  Symbols are read *as written* (``RawRef``); huge powers
(``10^{10^{10}}``) are refused before they are evaluated.  Recognisably foreign content
(``\partial``, ``\star``, primes, commas …) raises ``Foreign``; a syntax error ``CellError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from ..core.spec import ACCENTS, GREEK
from .limits import MAX_EXPONENT, MAX_NUMBER_DIGITS, MAX_POWER_BITS
from .refs import CellError, Foreign, RawRef, raw_ref

_ELISION_IN_RE = re.compile(
    r"\\(?:[cvdlh]dots|iddots|adots|dots[cbmio]?)(?![A-Za-z])|\.\.\.|[…⋯⋮⋱]")
_FONTS = {"mathbf", "mathrm", "mathit", "mathsf", "mathnormal", "boldsymbol", "bm", "mathbb",
          "text", "textrm", "textit", "textbf", "mathtt", "texttt", "boxed", "underline",
          "overline", "pmb", "textnormal", "operatorname", "mbox"}
_SKIP_COMMANDS = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl",
                  "Biggr", "big", "Big", "bigg", "Bigg", "displaystyle", "textstyle",
                  "scriptstyle", "limits", "nolimits", "middle", "mathstrut", "strut"}
_FOREIGN_COMMANDS = {"partial": "a derivative", "nabla": "a gradient", "star": "a convolution "
                     "operator", "ast": "a convolution operator", "circledast": "a convolution "
                     "operator", "otimes": "a product operator", "odot": "a product operator",
                     "circ": "a composition", "sum": "a sum over an index", "prod": "a product "
                     "over an index", "mathcal": "a calligraphic name", "hat": "an accent",
                     "tilde": "an accent", "widetilde": "an accent", "widehat": "an accent",
                     "bar": "an accent", "vec": "an accent", "dot": "an accent", "mathrm{d}":
                     "a differential", "in": "a set membership", "le": "an inequality", "ge":
                     "an inequality", "leq": "an inequality", "geq": "an inequality", "top":
                     "a transpose", "intercal": "a transpose", "sigma(": "a function",
                     "pm": "a sign choice", "mp": "a sign choice", "infty": "infinity",
                     "int": "an integral", "lim": "a limit", "max": "a maximum", "min":
                     "a minimum", "exp": "a function", "log": "a function", "ln": "a function",
                     "sin": "a function", "cos": "a function", "tanh": "a function",
                     "mid": "a condition", "quad": "spacing with text", "forall": "a quantifier",
                     "rightarrow": "an arrow", "to": "an arrow", "mapsto": "an arrow",
                     "cdots": "an ellipsis"}


# ----- lexer ----------------------------------------------------------------------------------
_NUMBER_RE = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_COMMAND_RE = re.compile(r"\\([A-Za-z]+|.)", re.S)
_SPACE_RE = re.compile(r"\s*")


@dataclass
class _Token:
    kind: str  # num sym op open close frac sqrt
    value: object = None


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text, self.pos, self.tokens = text, 0, []

    def error(self, message: str) -> CellError:
        return CellError(message)

    def skip_space(self) -> None:
        self.pos = _SPACE_RE.match(self.text, self.pos).end()

    def group(self) -> str:
        """The text of a ``{...}`` group (or one character) at pos; pos moves past it."""
        self.skip_space()
        if self.pos >= len(self.text):
            raise self.error("a subscript, superscript or argument is missing")
        if self.text[self.pos] != "{":
            match = _COMMAND_RE.match(self.text, self.pos)
            if match:
                self.pos = match.end()
                return match[0]
            self.pos += 1
            return self.text[self.pos - 1]
        depth, start = 0, self.pos
        for index in range(self.pos, len(self.text)):
            char = self.text[index]
            if char == "{" and self.text[index - 1:index] != "\\":
                depth += 1
            elif char == "}" and self.text[index - 1:index] != "\\":
                depth -= 1
                if depth == 0:
                    self.pos = index + 1
                    return self.text[start + 1:index]
        raise self.error("a brace { is not closed")

    def run(self) -> list[_Token]:
        text = self.text
        while True:
            self.skip_space()
            if self.pos >= len(text):
                return self.tokens
            char = text[self.pos]
            if _ELISION_IN_RE.match(text, self.pos):
                return None  # type: ignore[return-value]  (an elided entry)
            if char.isdigit() or (char == "." and text[self.pos + 1:self.pos + 2].isdigit()):
                match = _NUMBER_RE.match(text, self.pos)
                digits = sum(c.isdigit() for c in match[0])
                if digits > MAX_NUMBER_DIGITS:
                    raise self.error(f"a number of {digits:,} digits; at most "
                                     f"{MAX_NUMBER_DIGITS:,} are read")
                self.pos = match.end()
                self.tokens.append(_Token("num", sympy.Rational(match[0])))
                self.after_atom()
            elif char.isalpha():
                self.pos += 1
                self.symbol(char)
            elif char in "+-*/":
                self.pos += 1
                self.tokens.append(_Token("op", char))
            elif char == "^":
                self.pos += 1
                self.power()
            elif char in "([":
                self.pos += 1
                self.tokens.append(_Token("open", char))
            elif char in ")]":
                self.pos += 1
                self.tokens.append(_Token("close", char))
                self.after_close()
            elif char == "{":
                self.brace_group()
            elif char == "}":
                raise self.error("a brace } closes nothing")
            elif char == ",":
                raise Foreign("a comma inside the cell (a list, not one entry)")
            elif char == "'":
                raise Foreign("a prime")
            elif char == "_":
                raise Foreign("a subscript on a bracket or group")
            elif char == "\\":
                self.command()
            elif char in "=<>":
                raise Foreign("a relation inside the cell")
            else:
                raise self.error(f"unexpected character {char!r}")

    def after_close(self) -> None:
        self.skip_space()
        if self.text[self.pos:self.pos + 1] == "_":
            raise Foreign("an indexed bracket such as (x \\star w)_i")

    def after_atom(self) -> None:
        pass

    def brace_group(self) -> None:
        start = self.pos
        content = self.group()
        self.skip_space()
        following = self.text[self.pos:self.pos + 1]
        if re.fullmatch(r"\s*[A-Za-z][A-Za-z0-9]*\s*", content) and following in ("_", "^", "'"):
            self.symbol_base(content.strip())  # {ab}_{0}: a multi-letter symbol
            return
        self.pos = start + 1
        self.tokens.append(_Token("open", "{"))
        self.nested("}")

    def nested(self, closing: str) -> None:
        """Lex a group's content up to its matching closing brace."""
        depth, start = 1, self.pos
        for index in range(self.pos, len(self.text)):
            char = self.text[index]
            if self.text[index - 1:index] == "\\":
                continue
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth == 0:
                inner = _Lexer(self.text[start:index]).run()
                if inner is None:
                    raise _Elided()
                self.tokens.extend(inner)
                self.tokens.append(_Token("close", "}"))
                self.pos = index + 1
                return
        raise self.error("a brace { is not closed")

    def command(self) -> None:
        match = _COMMAND_RE.match(self.text, self.pos)
        if match is None:
            raise self.error("a backslash ends the entry")
        name = match[1]
        self.pos = match.end()
        if name in GREEK:
            digits = re.compile(r"\d+").match(self.text, self.pos)
            if digits:  # \alpha0
                self.pos = digits.end()
                self.tokens.append(_Token("sym", RawRef(name, (digits[0],)).symbol))
            else:
                self.symbol_base(name)
        elif name in ("cdot", "times"):
            self.tokens.append(_Token("op", "*"))
        elif name in ("frac", "dfrac", "tfrac", "cfrac"):
            numerator, denominator = self.group(), self.group()
            self.tokens.append(_Token("frac", (_sub_tokens(numerator), _sub_tokens(denominator))))
        elif name == "sqrt":
            self.tokens.append(_Token("sqrt", _sub_tokens(self.group())))
        elif name in ("{", "}"):
            self.tokens.append(_Token("open" if name == "{" else "close", "("
                                      if name == "{" else ")"))
        elif name in ("lbrace", "lbrack", "langle"):
            self.tokens.append(_Token("open", "("))
        elif name in ("rbrace", "rbrack", "rangle"):
            self.tokens.append(_Token("close", ")"))
            self.after_close()
        elif name in _SKIP_COMMANDS or name in (",", ";", ":", "!", " "):
            pass
        elif name == "phantom" or name == "hphantom" or name == "vphantom":
            self.group()
        elif name in _FONTS:
            content = self.group().strip()
            if name == "mathrm" and content == "d":
                raise Foreign("a differential d")
            if re.fullmatch(r"[A-Za-z]+", content) or (content.startswith("\\")
                                                       and content[1:] in GREEK):
                self.symbol_base(content.lstrip("\\"))
            else:
                inner = _Lexer(content).run()
                if inner is None:
                    raise _Elided()
                self.tokens += [_Token("open", "{"), *inner, _Token("close", "}")]
        elif name in ACCENTS:
            save = self.pos
            content = self.group().strip()
            if not (re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", content) or (
                    content.startswith("\\") and content[1:] in GREEK)):
                self.pos = save
                raise Foreign(_FOREIGN_COMMANDS.get(name, "an accent"))
            self.symbol_base(f"\\{name}{{{content}}}")  # \tilde{x}_0: an accented letter
        elif name in _FOREIGN_COMMANDS:
            raise Foreign(_FOREIGN_COMMANDS[name])
        elif name in ("prime",):
            raise Foreign("a prime")
        else:
            raise self.error(f"unknown command \\{name}")

    def symbol(self, letter: str) -> None:
        match = re.compile(r"\d+").match(self.text, self.pos)
        if match and self.text[self.pos:self.pos + 1].isdigit():  # k0, a12: digits index
            self.pos = match.end()
            self.tokens.append(_Token("sym", RawRef(letter, (match[0],)).symbol))
            return
        self.symbol_base(letter)

    def symbol_base(self, base: str) -> None:
        sub: tuple[str, ...] = ()
        sup: tuple[str, ...] = ()
        primes = 0
        while True:
            self.skip_space()
            char = self.text[self.pos:self.pos + 1]
            if char == "_" and not sub:
                self.pos += 1
                sub = _index_parts(self.group())
            elif char == "[" and not sub and len(base) <= 1 + 10 * (base in GREEK):
                match = re.compile(r"\[\s*([0-9A-Za-z+\-\s,]+?)\s*\]").match(self.text, self.pos)
                if not match:
                    break
                self.pos = match.end()
                sub = _index_parts(match[1])
            elif char == "'":
                self.pos += 1
                primes += 1
            elif char == "^":
                save = self.pos
                self.pos += 1
                content = self.group().strip()
                channel = re.fullmatch(r"\(\s*([0-9A-Za-z,\s+-]+?)\s*\)", content)
                if channel and not sup:
                    sup = tuple(part.strip() for part in channel[1].split(","))
                elif content in ("\\prime", "{\\prime}", "'"):
                    primes += 1
                elif content in ("T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}"):
                    raise Foreign("a transpose")
                else:
                    self.pos = save  # a power: the parser reads it
                    break
            else:
                break
        self.tokens.append(_Token("sym", RawRef(base, sub, sup, primes).symbol))

    def power(self) -> None:
        self.skip_space()
        self.tokens.append(_Token("op", "^"))
        if self.text[self.pos:self.pos + 1].isdigit():  # x^23 is x^2 * 3
            self.tokens.append(_Token("num", sympy.Integer(self.text[self.pos])))
            self.pos += 1


class _Elided(Exception):
    pass


def _sub_tokens(text: str) -> list[_Token]:
    tokens = _Lexer(text).run()
    if tokens is None:
        raise _Elided()
    return tokens


_FONT_WRAP_RE = re.compile(r"\\(?:" + "|".join(sorted(_FONTS)) + r")\s*\{([^{}]*)\}")


def _index_parts(text: str) -> tuple[str, ...]:
    """``'1,2'`` / ``'1 2'`` / ``'\\mathrm{0}'`` / ``'n-1'`` -> the index parts as written."""
    text = _FONT_WRAP_RE.sub(r"\1", text).replace("{", "").replace("}", "").strip()
    if "," in text:
        parts = [part.strip() for part in text.split(",")]
    elif re.fullmatch(r"\d+(?:\s+\d+)+", text):
        parts = text.split()
    else:
        parts = [text.replace(" ", "")]
    if any(not part for part in parts):
        raise CellError(f"an empty index in {text!r}")
    return tuple(parts)


# ----- parser ---------------------------------------------------------------------------------
def parse_cell(text: str) -> sympy.Expr | None:
    """The value of one cell (None if it elides part of its entry); raise CellError / Foreign."""
    try:
        tokens = _Lexer(text.replace("\u2212", "-")).run()
    except _Elided:
        return None
    if tokens is None:
        return None
    if not tokens:
        return sympy.Integer(0)
    try:
        return _Parser(tokens).whole()
    except _Elided:
        return None


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens, self.pos = tokens, 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise CellError("the entry ends too early")
        self.pos += 1
        return token

    def whole(self) -> sympy.Expr:
        value = self.sum()
        if self.peek() is not None:
            raise CellError(f"unexpected {_describe(self.peek())}")
        return value

    def sum(self) -> sympy.Expr:
        token = self.peek()
        if token is None or (token.kind == "op" and token.value in "*/^"):
            raise CellError("an operand is missing")
        value = self.product()
        while (token := self.peek()) is not None and token.kind == "op" and token.value in "+-":
            self.pos += 1
            right = self.product()
            value = value + right if token.value == "+" else value - right
        return value

    def product(self) -> sympy.Expr:
        value = self.unary()
        while (token := self.peek()) is not None:
            if token.kind == "op" and token.value in "*/":
                self.pos += 1
                right = self.unary()
                value = value * right if token.value == "*" else value / _nonzero(right)
            elif token.kind in ("num", "sym", "open", "frac", "sqrt"):
                value = value * self.power()
            else:
                break
        return value

    def unary(self) -> sympy.Expr:
        token = self.peek()
        if token is not None and token.kind == "op" and token.value in "+-":
            self.pos += 1
            operand = self.unary()
            return -operand if token.value == "-" else operand
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.atom()
        token = self.peek()
        if token is not None and token.kind == "op" and token.value == "^":
            self.pos += 1
            token = self.peek()
            if token is not None and token.kind == "op" and token.value == "-":
                self.pos += 1
                exponent = -self.atom()
            else:
                exponent = self.atom()
            return bounded_power(base, exponent)
        return base

    def atom(self) -> sympy.Expr:
        token = self.take()
        if token.kind in ("num", "sym"):
            return token.value  # type: ignore[return-value]
        if token.kind == "frac":
            numerator, denominator = (_Parser(part).whole() for part in token.value)
            return numerator / _nonzero(denominator)
        if token.kind == "sqrt":
            radicand = _Parser(token.value).whole()
            if not radicand.is_number:
                raise CellError("\\sqrt of a symbol is not a convolution entry")
            return sympy.sqrt(radicand)
        if token.kind == "open":
            value = self.sum()
            closing = self.take()
            if closing.kind != "close":
                raise CellError(f"expected a closing bracket, got {_describe(closing)}")
            return value
        raise CellError(f"unexpected {_describe(token)}")


def _nonzero(value: sympy.Expr) -> sympy.Expr:
    if value == 0:
        raise CellError("division by zero")
    return value


def bounded_power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """``base ** exponent`` when it is small; a huge power is refused before it is evaluated."""
    if not exponent.is_Rational:
        raise CellError("only numeric exponents are read")
    if abs(exponent) > MAX_EXPONENT:
        raise CellError(f"the exponent {exponent} is larger than {MAX_EXPONENT}; symdil does not "
                        "evaluate huge powers")
    if base.is_Rational and base != 0:
        bits = max(abs(base.p).bit_length(), abs(base.q).bit_length())
        if bits * abs(exponent) > MAX_POWER_BITS:
            raise CellError(f"the power has about {int(bits * abs(exponent)):,} bits, more than "
                            f"{MAX_POWER_BITS:,}; symdil does not evaluate huge powers")
    if base == 0 and exponent < 0:
        raise CellError("division by zero")
    return base ** exponent


def _describe(token: _Token | None) -> str:
    if token is None:
        return "end of the entry"
    if token.kind == "sym":
        ref = raw_ref(token.value)
        return f"symbol {ref.latex() if ref else token.value}"
    return {"num": f"number {token.value}", "op": f"operator {token.value}",
            "open": f"bracket {token.value}", "close": f"bracket {token.value}",
            "frac": "\\frac", "sqrt": "\\sqrt"}[token.kind]
