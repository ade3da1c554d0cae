"""Hostile inputs of issue 22: every one ends in a clear one-line error or a correct answer."""

from __future__ import annotations

import pytest

from symdil import Conv, SymdilError
from symdil.claims import parse_claim
from symdil.claims.compare import compare_claim


class Unreadable:
    """A value that must never be read: reading it fails the test."""

    def __float__(self):  # pragma: no cover - reached only by a regression
        raise AssertionError("a value was read before the count was checked")

    def _sympy_(self):  # pragma: no cover - reached only by a regression
        raise AssertionError("a value was read before the count was checked")


def test_input_values_are_counted_before_any_is_read():
    claim = parse_claim(r"\[\begin{bmatrix} k_0 & k_1 \end{bmatrix}\]")
    with pytest.raises(SymdilError, match=r"one value per input \(2\), got 60,000"):
        compare_claim(claim, Conv(2, 2), input_values=[Unreadable()] * 60_000)
    with pytest.raises(SymdilError, match="at most 400 with a symbolic n"):
        compare_claim(claim, Conv("n", 2), input_values=[Unreadable()] * 401)
