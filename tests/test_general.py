"""Check 7, the general case: the proof holds, its stated ranges are exact, and it catches wrong rows.

The stated range of interior rows is compared with tests/reference.py (an independent dense
builder): for many n, the rows whose K taps all fall inside the input are exactly the stated ones.
"""

from __future__ import annotations

import re

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st
from reference import reference

from symdil import Conv, SymdilError
from symdil.checks import check_general

n = sympy.Symbol("n", integer=True)


def test_issue_example_statement() -> None:
    result = check_general(Conv("n", 3, dilation=2, stride=2))
    assert result.passed
    assert result.statement == (
        "For every integer n >= 5 and every row i with 0 <= i <= floor((n-5)/2): "
        "y_i = k_0 a_{2i} + k_1 a_{2i+2} + k_2 a_{2i+4} = sum_{t=0}^{2} k_t a_{2i+2t} "
        "(padding (0, 0); m = floor((n-5)/2) + 1 outputs). Every row is interior (no border rows)."
    )
    assert r"\sum_{t=0}^{2} k_t\,a_{2i+2t}" in result.statement_latex


def test_border_rows_are_stated_per_residue() -> None:
    result = check_general(Conv(12, 3, stride=2, dilation=2, padding="same"))  # padding (1, 2)
    assert result.passed
    text = result.statement
    assert "n >= 6" in text and "1 <= i <= floor((n-4)/2)" in text
    assert "y_{0} = k_1 a_{1} + k_2 a_{3}" in text
    assert "y_{m-1} = k_0 a_{n-3} + k_1 a_{n-1} if n = 0 mod 2" in text
    assert "y_{m-1} = k_0 a_{n-4} + k_1 a_{n-2} if n = 1 mod 2" in text


def test_flipped_numeric_kernel() -> None:
    result = check_general(Conv("n", [1, -2, 1], dilation=3, padding="full", flip=True))
    assert result.passed
    assert "y_i = a_{i-6} - 2 a_{i-3} + a_{i}" in result.statement


def test_transposed_column_statement() -> None:
    result = check_general(Conv("n", 3, stride=2, dilation=2, padding=1, transposed=True,
                                output_padding=1))
    assert result.passed
    assert "column i of the transposed operator holds k_t in row 2i+2t-1" in result.statement
    assert "a_{0} -> k_1 y_{1} + k_2 y_{3}" in result.statement


# ----- the stated range is exact (independent reference) --------------------------------------
def _stated_range(statement: str) -> tuple[int, int, sympy.Expr]:
    match = re.search(r"n >= (\d+) and every (?:row|input) i with (-?\d+) <= i <= (.+?):",
                      statement)
    assert match, statement
    upper = sympy.sympify(match[3], locals={"n": n})
    return int(match[1]), int(match[2]), upper


@given(K=st.integers(1, 4), s=st.integers(1, 3), d=st.integers(1, 3),
       before=st.integers(0, 5), after=st.integers(0, 5), flip=st.booleans())
def test_forward_interior_range_is_exact(K, s, d, before, after, flip) -> None:
    try:
        op = Conv("n", K, stride=s, dilation=d, padding=(before, after), flip=flip)
    except SymdilError:  # pragma: no cover - every pair is valid with a symbolic n
        assume(False)
    result = check_general(op)
    assert result.passed, result.detail
    n_min, i_min, upper = _stated_range(result.statement)
    for size in range(max(1, n_min - 3), n_min + 2 * s + 3):
        try:
            ref = reference(size, K, s, d, (before, after), flip=flip)
        except Exception:
            continue
        inside = [i for i in range(len(ref.matrix))
                  if 0 <= s * i - before and s * i - before + d * (K - 1) <= size - 1]
        if size >= n_min:
            stated = list(range(i_min, int(upper.subs(n, size)) + 1))
            assert inside == stated, (size, inside, stated)
            # and on those rows the reference holds exactly the index formula
            for i in inside:
                taps = {s * i + d * t - before: (K - 1 - t if flip else t) for t in range(K)}
                nonzero = {c: v for c, v in enumerate(ref.matrix[i]) if v != 0}
                assert nonzero == {c: ref.kernel[t] for c, t in taps.items()}
        else:
            assert not inside, (size, "no interior row below the stated n")


@given(K=st.integers(1, 4), s=st.integers(1, 3), d=st.integers(1, 3), p=st.integers(0, 5),
       data=st.data())
def test_transposed_interior_range_is_exact(K, s, d, p, data) -> None:
    output_padding = data.draw(st.integers(0, max(s, d) - 1))
    op = Conv("n", K, stride=s, dilation=d, padding=p, transposed=True,
              output_padding=output_padding)
    result = check_general(op)
    assert result.passed, result.detail
    n_min, i_min, upper = _stated_range(result.statement)
    for size in range(n_min, n_min + 4):
        try:
            ref = reference(size, K, s, d, p, transposed=True, output_padding=output_padding)
        except Exception:
            continue
        m = len(ref.matrix)
        inside = [i for i in range(size) if 0 <= s * i - p and s * i - p + d * (K - 1) <= m - 1]
        assert inside == list(range(i_min, int(upper.subs(n, size)) + 1))


# ----- it fails on wrong operators -------------------------------------------------------------
def _swapped_row(conv: Conv, i: int) -> dict:
    kernel = list(conv.kernel)
    kernel[0], kernel[1] = kernel[1], kernel[0]
    args = {**conv.args, "kernel": kernel, "padding": tuple(conv.padding)}
    return Conv(**args).row(i)


def _shifted_row(conv: Conv, i: int) -> dict:
    return {c + 1: v for c, v in conv.row(i).items()}


def _wrong_last_row(conv: Conv, i: int) -> dict:
    """The last row holding an entry (a right border row) doubled."""
    row = conv.row(i)
    if conv.symbolic:
        return row
    last = max(r for r in range(conv.output_length) if conv.row(r))
    return {c: 2 * v for c, v in row.items()} if i == last else row


def _dropped_left_border(conv: Conv, i: int) -> dict:
    """A builder that forgets that taps in the left padding vanish (it wraps them instead)."""
    if conv.symbolic or i > 0:
        return conv.row(i)
    return conv.replace(padding_mode="circular").row(i)


@pytest.mark.parametrize("row_of", [_swapped_row, _shifted_row, _wrong_last_row,
                                    _dropped_left_border])
def test_general_case_catches_wrong_rows(row_of) -> None:
    op = Conv("n", 3, stride=2, dilation=2, padding=(2, 1))
    assert check_general(op).passed
    result = check_general(op, row_of=row_of)
    assert not result.passed
    assert result.detail


def test_transposed_general_case_catches_wrong_rows() -> None:
    op = Conv("n", 3, stride=2, dilation=2, padding=1, transposed=True)
    assert not check_general(op, row_of=_shifted_row).passed
    assert not check_general(op, row_of=_wrong_last_row).passed


def test_not_applicable_cases_say_so() -> None:
    for op, word in ((Conv((4, 4), 2), "1-D only"),
                     (Conv(8, 2, in_channels=2, out_channels=2), "channel"),
                     (Conv(8, 3, padding=1, padding_mode="reflect"), "zeros")):
        result = check_general(op)
        assert not result.applicable and result.passed
        assert result.detail.startswith("not applicable") and word in result.detail
