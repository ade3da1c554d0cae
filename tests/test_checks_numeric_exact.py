"""A numeric comparison never passes on NaN or infinity (issue 11 §5).

A 400-digit tap overflows float64: the NumPy check then compares in exact arithmetic (and still
catches a wrong matrix); PyTorch, which computes in float64 only, fails and says why.
"""

from __future__ import annotations

import importlib.util

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


def test_torch_is_not_applicable_on_overflow_with_the_reason() -> None:
    # issue 22: float64 cannot hold the values, so PyTorch's comparison is n/a (never a pass
    # computed from infinities, nor a FAIL of a correct operator); NumPy compares exactly
    pytest.importorskip("torch", reason="PyTorch is not installed (the [torch] extra, see README)")
    result = C.check_numeric(Conv(5, [HUGE, 1]), against="torch")
    assert not result.applicable and "overflow float64" in result.detail
    assert result.detail.startswith("not applicable:") and len(result.detail) < 300


def test_stack_numeric_compares_exactly_on_overflow(monkeypatch) -> None:
    from types import MappingProxyType

    from symdil import Stack
    from symdil.stack import checks as stack_checks
    from symdil.stack.model import Stack as StackClass

    stack = Stack(n=8, layers=[dict(kernel=[HUGE, 1]), dict(kernel=2)])
    result = stack_checks.check_numeric(stack)
    assert result.passed and "exact arithmetic" in result.detail
    if importlib.util.find_spec("torch") is not None:
        assert not stack_checks.check_numeric(stack, against="torch").applicable
    # a wrong composed row is caught in exact arithmetic
    rows = list(stack.rows)
    wrong = dict(rows[2])
    first = next(iter(wrong))
    wrong[first] = wrong[first] + 1
    rows[2] = MappingProxyType(wrong)
    monkeypatch.setattr(StackClass, "rows", property(lambda self: tuple(rows)))
    failed = stack_checks.check_numeric(stack)
    assert not failed.passed and "output 2" in failed.detail


def test_ordinary_values_stay_in_floats() -> None:
    result = C.check_numeric(Conv(8, [1, -2, 1], dilation=2))
    assert result.passed and "max |error|" in result.detail and "exact" not in result.detail
