"""What a document prints is what the checks examined (issue 9 §2).

Documents print rows through ``Conv.row(r)``; the other checks read ``Conv.rows``.  These mutation
tests make the printed path wrong (``Conv.row``, or the bottom rows of a general-case layout) while
the rows the checks read stay right, and require ``verify`` to fail; the rows the printed-rows
check compares the general case with are the defining sums, checked here against
``tests/reference.py``.
"""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import reference

from symdil import Conv
from symdil import checks as C
from symdil.core.conv import Conv as ConvClass
from symdil.statements import facts
from symdil.verification import verify

real_row = ConvClass.row


def _wrong_row(target):
    """Conv.row with row ``target`` (an int, or "last") altered: its first coefficient doubled."""
    def row(self, r):
        entries = dict(real_row(self, r))
        last = None if self.symbolic else self.shape[0] - 1
        if entries and (r == target or (target == "last" and r == last)):
            first = next(iter(entries))
            entries[first] = 2 * entries[first]
        return entries
    return row


def _shifted_row(target):
    """Conv.row with row ``target``'s entries moved one column right (an off-by-one print)."""
    def row(self, r):
        entries = dict(real_row(self, r))
        if r == target:
            return {c + 1: v for c, v in entries.items()}
        return entries
    return row


@pytest.mark.parametrize(("op", "mutant"), [
    (Conv(12, 3, stride=2, dilation=2, padding="same"), _wrong_row(0)),
    (Conv(12, 3, stride=2, dilation=2, padding="same"), _wrong_row("last")),
    (Conv(12, 3, stride=2, dilation=2, padding="same"), _shifted_row(3)),
    (Conv(9, 3, dilation=2, padding=2, padding_mode="reflect"), _wrong_row(0)),
    (Conv(6, 3, stride=2, padding=1, transposed=True, output_padding=1), _wrong_row("last")),
    (Conv((5, 6), (2, 3), padding="same", in_channels=2, out_channels=2), _shifted_row(7)),
])
def test_a_wrong_printed_row_fails_verify(monkeypatch, op, mutant) -> None:
    op.rows  # noqa: B018 - the rows the checks read are built before the printed path breaks
    monkeypatch.setattr(ConvClass, "row", mutant)
    report = verify(op)
    assert not report.passed
    failed = {check.name: check for check in report.failed}
    assert "printed_rows" in failed
    assert "differ from the rows" in failed["printed_rows"].detail


@pytest.mark.parametrize("op", [
    Conv("n", 3, dilation=2, padding="same"),
    Conv("n", 3, stride=2, dilation=2, padding=(1, 2)),
    Conv("n", 2, stride=2, padding=1, transposed=True, output_padding=1),
])
def test_a_wrong_printed_top_row_fails_the_general_case(monkeypatch, op) -> None:
    monkeypatch.setattr(ConvClass, "row", _wrong_row(1))
    report = verify(op)
    assert not report.passed
    assert "printed_rows" in [check.name for check in report.failed]


def test_a_wrong_printed_bottom_row_fails_the_general_case(monkeypatch) -> None:
    """The general case prints its last row from a concrete stand-in (facts.general_tail_rows);
    shift it one column and the printed-rows check sees it."""
    real_tail = facts.general_tail_rows

    def shifted_tail(op, count):
        tail = real_tail(op, count)
        return None if tail is None else [(back, {c - 1: v for c, v in entries.items()})
                                          for back, entries in tail]

    op = Conv("n", 3, dilation=2, padding="causal")
    assert verify(op).passed
    monkeypatch.setattr(facts, "general_tail_rows", shifted_tail)
    report = verify(op)
    assert [check.name for check in report.failed] == ["printed_rows"]


def test_every_row_is_compared() -> None:
    result = C.check_printed_rows(Conv(10, 3, dilation=2, padding="full"))
    assert result.passed and "all 14 rows" in result.detail
    general = C.check_printed_rows(Conv("n", 3, padding="causal"))
    assert general.passed and "bottom row" in general.detail


@settings(max_examples=40)
@given(st.integers(1, 12), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3),
       st.sampled_from(["valid", "same", "full", "causal", (1, 2), 2]),
       st.sampled_from(["zeros", "circular", "reflect", "replicate"]), st.booleans())
def test_the_defining_rows_are_the_reference_rows(n, K, s, d, padding, mode, flip) -> None:
    """The printed-rows check compares the general case with ``definition_rows``: those are the
    independent reference's rows."""
    try:
        op = Conv(n, K, stride=s, dilation=d, padding=padding, padding_mode=mode, flip=flip)
    except ValueError:
        return
    ref = reference(n=n, kernel=K, stride=s, dilation=d, padding=op.padding, padding_mode=mode,
                    flip=flip, kernel_values=list(op.kernel))
    rows = C.definition_rows(op)
    dense = [[row.get(c, sympy.Integer(0)) for c in range(op.shape[1])] for row in rows]
    assert [[sympy.expand(a - b) for a, b in zip(x, y)] for x, y in zip(dense, ref.matrix)] == \
        [[0] * op.shape[1] for _ in rows]


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3),
       st.sampled_from(["valid", "full", "causal", "same", 1, (0, 2), (2, 1)]), st.booleans(),
       st.booleans())
def test_general_case_printed_rows_pass(K, s, d, padding, transposed, flip) -> None:
    try:
        if transposed:
            op = Conv("n", K, stride=s, dilation=d, padding=1 if padding == 1 else 0,
                      transposed=True, output_padding=max(s, d) - 1, flip=flip)
        else:
            op = Conv("n", K, stride=s, dilation=d, padding=padding, flip=flip)
    except ValueError:
        return
    result = C.check_printed_rows(op)
    assert result.passed, (op, result.detail)
