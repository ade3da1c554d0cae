"""A numeric comparison never passes on NaN or infinity (issue 11 §5).

A 400-digit tap overflows float64: the NumPy check then compares in exact arithmetic (and still
catches a wrong matrix); PyTorch, which computes in float64 only, fails and says why.
"""

from __future__ import annotations

import pytest
import sympy

from symdil import Conv
from symdil import checks as C

HUGE = 10**400


def test_an_overflowing_tap_is_compared_exactly() -> None:
    op = Conv(5, [HUGE, 1])
    result = C.check_numeric(op)
    assert result.passed, result.detail
    assert "exact arithmetic" in result.detail and "nan" not in result.detail


def test_exact_comparison_catches_a_wrong_matrix() -> None:
    op = Conv(5, [HUGE, 1])
    wrong = Conv(5, [1, HUGE]).matrix  # taps exchanged
    result = C.check_numeric(op, matrix=wrong)
    assert not result.passed and "exact arithmetic" in result.detail
    # one entry off by one in a 400-digit number: invisible in floats, caught exactly
    nearly = op.matrix
    nearly[0, 0] = HUGE + 1
    assert not C.check_numeric(op, matrix=nearly).passed


def test_symbol_times_huge_number_and_nd() -> None:
    x = sympy.Symbol("x")
    assert C.check_numeric(Conv(6, [x * HUGE, 2, -1], dilation=2, padding="same")).passed
    op = Conv((3, 4), [[HUGE, 1], [2, 3]], padding=1, padding_mode="reflect")
    result = C.check_numeric(op)
    assert result.passed and "exact arithmetic" in result.detail


def test_torch_fails_on_overflow_with_the_reason() -> None:
    pytest.importorskip("torch", reason="PyTorch is not installed (the [torch] extra, see README)")
    result = C.check_numeric(Conv(5, [HUGE, 1]), against="torch")
    assert not result.passed and "overflow float64" in result.detail


def test_ordinary_values_stay_in_floats() -> None:
    result = C.check_numeric(Conv(8, [1, -2, 1], dilation=2))
    assert result.passed and "max |error|" in result.detail and "exact" not in result.detail
