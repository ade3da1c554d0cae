r"""A kernel written as numbers: the taps read from a numeric matrix of the claim.

Where the operator has one tap ``k_t`` (coefficient 1), the claim's number is the value of
``k_t``; every position of one tap must hold the same number.  The read values then stand in for
the taps everywhere (folded entries such as ``k_0 + k_2``, outputs), so the rest of the claim is
checked with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import sympy

from .cells import Cell


@dataclass(frozen=True)
class Disagreement:
    """Two positions of one tap holding different numbers (operator rows/columns 0-based)."""

    tap: sympy.Symbol
    first: tuple[Cell, int, int]
    second: tuple[Cell, int, int]


def read_kernel(placed: Iterable[tuple[Cell, int, int]], expected: Callable[[int, int], object],
                taps: set) -> tuple[dict, Disagreement | None]:
    """tap -> number from the numeric cells at their places (``expected(r, c)``: the operator's
    entry), or the first disagreement."""
    values: dict = {}
    seen: dict = {}
    for cell, r, c in placed:
        if cell.expr is None or cell.expr.free_symbols:
            continue
        entry = sympy.sympify(expected(r, c))
        if entry not in taps:
            continue
        if entry in values and values[entry] != cell.expr:
            return values, Disagreement(entry, seen[entry], (cell, r, c))
        if entry not in values:
            values[entry], seen[entry] = cell.expr, (cell, r, c)
    return values, None


def is_numeric(cells: Iterable[Cell]) -> bool:
    """Whether every entry is a number, and at least one is not zero."""
    exprs = [cell.expr for cell in cells if cell.expr is not None]
    return bool(exprs) and all(not e.free_symbols for e in exprs) and any(e != 0 for e in exprs)


def solve_kernel(equations: list[tuple[Cell, int, object]],
                 taps: list) -> tuple[dict, int | None, int]:
    """Taps from numbers: ``equations`` are (cell, row, the operator's expression in the taps
    there), taken in order.  Returns the general solution of the rows read (tap -> number, or an
    expression in the taps left free: ``k_0 -> 2 - k_2`` when only ``k_0 + k_2 = 2`` is
    written), the index of the first equation that contradicts the ones before it (None when
    none does), and how many equations were *checked*: implied by the ones before them rather
    than used to fix a tap.  At most one linear solve per tap: an equation the solution so far
    already decides is compared, not solved."""
    general: dict = {}
    system: list = []
    checked = 0
    unknown = set(taps)
    for index, (cell, _, expression) in enumerate(equations):
        expression = sympy.sympify(expression)
        value = sympy.expand(expression.xreplace(general)) if general else expression
        if not value.free_symbols & unknown:
            if value != cell.expr:
                return general, index, checked
            checked += 1
            continue
        system.append(expression - cell.expr)
        solved = sympy.linsolve(system, taps)
        if solved == sympy.S.EmptySet:
            return general, index, checked
        (point,) = solved
        general = dict(zip(taps, point))
    return general, None, checked


def fixed(general: dict) -> dict:
    """The taps a general solution determines (tap -> number)."""
    return {tap: value for tap, value in general.items() if not value.free_symbols}
