r"""A symbol of a claim as written (``RawRef``: base, subscript and superscript parts, primes),
kept inside SymPy expressions as a placeholder ``Symbol``, and the two ways a cell fails."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy

from ..core.spec import GREEK


@dataclass(frozen=True)
class RawRef:
    """A symbol as written: ``base`` (``k``, ``theta``, ``ab``), subscript parts as written
    (``('11',)`` for ``k_{11}``, ``('0', '0')`` for ``k_{0 0}`` or ``k_{0,0}``), the parenthesised
    superscript parts (channels) and the number of primes."""

    base: str
    sub: tuple[str, ...] = ()
    sup: tuple[str, ...] = ()
    primes: int = 0

    @property
    def symbol(self) -> sympy.Symbol:
        return _raw_symbol(self)

    @property
    def letter(self) -> str:
        """The letter as a symbol option names it: ``w``, ``w'``, ``\\tilde{x}``."""
        return self.base + "'" * self.primes

    @property
    def marked(self) -> bool:
        """Whether the letter carries a prime or an accent (a different variable unless an
        option names it)."""
        return bool(self.primes) or self.base.startswith("\\")

    def latex(self) -> str:
        base = f"\\{self.base}" if self.base in GREEK else (
            self.base if len(self.base) == 1 and not self.primes else "{" + self.base + "}")
        sup = "^{(" + ",".join(self.sup) + ")}" if self.sup else ""
        sub = "_{" + ",".join(self.sub) + "}" if self.sub else ""
        if self.primes:
            base = base[:-1] + "'" * self.primes + "}"
        return base + sup + sub


_RAW_PREFIX = "\u27e6"


@lru_cache(maxsize=None)
def _raw_symbol(ref: RawRef) -> sympy.Symbol:
    return sympy.Symbol(f"{_RAW_PREFIX}{ref.base}|{';'.join(ref.sub)}|{';'.join(ref.sup)}|"
                        f"{ref.primes}")


def raw_ref(symbol: sympy.Basic) -> RawRef | None:
    """The ``RawRef`` behind a placeholder symbol of a parsed cell (None for other symbols)."""
    name = getattr(symbol, "name", "")
    if not name.startswith(_RAW_PREFIX):
        return None
    base, sub, sup, primes = name[1:].split("|")
    return RawRef(base, tuple(sub.split(";")) if sub else (), tuple(sup.split(";")) if sup else (),
                  int(primes))


class CellError(ValueError):
    """A cell that cannot be read (a syntax error or a refused size)."""


class Foreign(Exception):
    """A cell that is recognisably not part of a convolution (a derivative, a star, a prime)."""
