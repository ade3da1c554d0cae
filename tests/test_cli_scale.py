"""Sizes that would take minutes or gigabytes are elided or refused up front, never attempted."""

from __future__ import annotations

import pytest
import sympy
from typer.testing import CliRunner

import symdil
from symdil import Conv, SymdilError
from symdil.checks.cost import MAX_VERIFY_WORK
from symdil.cli import app
from symdil.cli.matrix import JSON_MAX_ENTRIES, TEXT_MAX_ROWS, matrix_text

runner = CliRunner()


def test_text_of_a_huge_operator_is_elided_and_correct():
    n = 10**20
    result = runner.invoke(app, ["matrix", "--n", str(n), "--kernel", "3", "--dilation", "2",
                                 "--stride", "2"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{(n - 5) // 2 + 1} x {n} operator, padding (0, 0)"
    table = [line for line in lines if line.startswith("[")]
    assert len(table) <= TEXT_MAX_ROWS
    assert table[0].split()[1:4] == ["k_0", "0", "k_1"]
    # every visible row shows its whole band (issue 12 section 3): k_2 of the last head row too
    assert all("k_2" in line for line in table if "⋮" not in line)
    assert "y_2 = k_0*a_4 + k_1*a_6 + k_2*a_8" in lines


def test_elided_text_rows_agree_with_the_operator():
    op = Conv(n=40, kernel=3, dilation=3, padding="same", padding_mode="reflect")
    text = matrix_text(op)
    shown = dict(line.split(" = ", 1) for line in text.splitlines() if line.startswith("y_"))
    for row in (0, 1, op.shape[0] - 1):
        expected = sum(coef * op.input[col] for col, coef in op.rows[row].items())
        assert sympy.sympify(shown[f"y_{row}"]) == expected
        # the kernel first in every term (issue 12 section 3)
        assert all(term.lstrip("(").startswith("k_") for term in shown[f"y_{row}"].split(" + "))


def test_small_text_is_complete():
    text = matrix_text(Conv(n=7, kernel=2, dilation=2))
    assert "⋯" not in text and text.count("y_") == 5


def test_json_refuses_a_dense_matrix_too_large():
    n = int(JSON_MAX_ENTRIES**0.5) + 10
    result = runner.invoke(app, ["matrix", "--n", str(n), "--kernel", "1", "-f", "json"])
    assert result.exit_code == 2
    assert "--format json writes the dense" in result.stderr and "Conv.rows" in result.stderr


def test_instance_checks_refuse_huge_operators_quickly():
    op = Conv(n=MAX_VERIFY_WORK // 3, kernel=3)
    with pytest.raises(SymdilError, match="verify's work must be at most"):
        symdil.verify(op)
    result = runner.invoke(app, ["derive", "--n", str(MAX_VERIFY_WORK), "--kernel", "3",
                                 "--verify"])
    assert result.exit_code == 2 and "--n n" in result.stderr
    # the general case has no such limit
    assert symdil.verify(Conv(n="n", kernel=3)).passed


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_taps_are_refused(bad):
    with pytest.raises(SymdilError, match="kernel taps must be finite"):
        Conv(n=5, kernel=[bad, 1])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--padding", "sam"], "one of valid, same, full, causal; got 'sam'"),
        (["--padding", "1:2:3"], "got '1:2:3'"),
        (["--n", "n,n"], "symbolic n such as 'n' is 1-D only"),
        (["--n", "5,5", "--kernel", "1,-2"], "concrete taps are 1-D only"),
        (["--n", "\u0663"], "n must be a positive integer or a symbol name"),
    ],
)
def test_option_messages_say_what_is_allowed(args, fragment):
    base = {"--n": "7", "--kernel": "2"}
    for key, value in zip(args[::2], args[1::2]):
        base[key] = value
    argv = ["matrix"] + [item for pair in base.items() for item in pair]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2 and fragment in result.stderr, result.output
