"""Names of the input, kernel and output symbols, and how to read them back.

A symbol is named ``<base>[^{(channels)}]_<indices>``: ``a_0`` and ``k_2`` in 1-D with one channel,
``a_{1,2}`` in N-D, ``k^{(o,c)}_{1,2}`` when there are channels.  ``split_name`` reverses
``indexed_name`` so that a printer can typeset the base, the superscript and the subscript
unambiguously (SymPy's own printer would read ``a1_0`` as ``a_{1 0}``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import sympy

_SPLIT_RE = re.compile(
    r"(?P<base>(?:\\[a-z]+\{\\?[A-Za-z][A-Za-z0-9]*\}|[A-Za-z][A-Za-z0-9]*)'*)"
    r"(?:\^\{\((?P<sup>[0-9,]+)\)\})?_(?P<sub>[0-9]+|\{[0-9,]+\})\Z"
)


def indexed_name(base: str, sub: tuple[int, ...], sup: tuple[int, ...] = ()) -> str:
    subscript = str(sub[0]) if len(sub) == 1 else "{" + ",".join(map(str, sub)) + "}"
    superscript = "^{(" + ",".join(map(str, sup)) + ")}" if sup else ""
    return f"{base}{superscript}_{subscript}"


@lru_cache(maxsize=None)
def indexed_symbol(base: str, sub: tuple[int, ...], sup: tuple[int, ...] = ()) -> sympy.Symbol:
    return sympy.Symbol(indexed_name(base, sub, sup))


def split_name(name: str) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """``'k^{(0,1)}_{2,3}'`` -> ``('k', ('2', '3'), ('0', '1'))``; None for other names."""
    match = _SPLIT_RE.match(name)
    if match is None:
        return None
    sub = match["sub"].strip("{}").split(",")
    sup = tuple(match["sup"].split(",")) if match["sup"] else ()
    return match["base"], tuple(sub), sup
