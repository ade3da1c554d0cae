"""Issue 12 section 3: pages an author would paste -- term order, the full 2-D matrix when the
limits allow, punctuation after aligned equations, the `same` padding explained before it is
used, and a student sheet that does not print the regeneration command."""

from __future__ import annotations

import json
import re

import pytest
import sympy
from tools import assert_katex_ok, compile_latex
from typer.testing import CliRunner

from symdil import Conv, derive
from symdil.cli import app
from symdil.cli.matrix import matrix_json, matrix_text
from symdil.handout.document import Handout


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def _tap_orders(text: str, kernel: str = "k") -> list[list[int]]:
    """The tap indices of each printed sum, in printed order (1-D names k_3 / k_{3})."""
    return [[int(t) for t in re.findall(kernel + r"_\{?(\d+)\}?", line)]
            for line in text.splitlines() if re.search(kernel + r"_\{?\d", line)]


@pytest.mark.parametrize("op", [
    Conv(14, 3, dilation=2, padding=1), Conv(12, 3, dilation=2, stride=2, flip=True),
    Conv(6, 3, stride=2, transposed=True, padding=1), Conv(13, 12),
], ids=repr)
def test_kernel_first_and_tap_order_in_every_format(op: Conv) -> None:
    text = matrix_text(op)
    for line in (line for line in text.splitlines() if line.startswith("y_")):
        terms = line.split(" = ", 1)[1].split(" + ")
        assert all(term.lstrip("-(").startswith("k_") for term in terms), line
        taps = [int(re.match(r"\(?k_(\d+)", term.lstrip("-")).group(1)) for term in terms]
        assert taps == sorted(taps), line  # k_0 ... k_10, never string order
    document = json.loads(matrix_json(op))
    for string, expr in zip(document["output"], op.output):
        assert sympy.sympify(string) == expr  # reads back to the same expression
        taps = [int(t) for t in re.findall(r"k_(\d+)", string)]
        assert taps == sorted(taps) and string.startswith("k_"), string
    latex = derive(op)
    for line in latex.splitlines():
        if re.match(r"k_\{\d+\} a_\{\d+\}", line):
            orders = _tap_orders(line)
            assert orders[0] == sorted(orders[0]), line


def test_the_issue_example_reads_k0_a6_first() -> None:
    op = Conv(12, 3, dilation=2)
    assert "y_6 = k_0*a_6 + k_1*a_8 + k_2*a_10" in matrix_text(op)
    assert json.loads(matrix_json(op))["output"][6] == "k_0*a_6 + k_1*a_8 + k_2*a_10"
    assert "k_{0} a_{6} + k_{1} a_{8} + k_{2} a_{10}" in derive(op, max_rows=12, max_cols=14)


def test_full_doubly_block_toeplitz_matrix_when_the_limits_allow() -> None:
    # the whole matrix is printed when it is within the limits *and* fits the width: 25 columns
    # do not fit a column even in two parts, they do fit a page in two parts broken at a block
    # line (the one after block column 3: the second part starts indented)
    op = Conv((5, 5), (3, 3), padding="same")
    assert "too many to print" in derive(op)
    assert "too many to print" in derive(op, max_rows=30, max_cols=30)
    full = derive(op, max_rows=30, max_cols=30, width="page")
    assert "too many to print" not in full
    body = full[full.index("M = "):]
    body = body[:body.index(r"\end{aligned}")]
    arrays = re.findall(r"\\begin\{array\}\{([c|]+)\}(.*?)\\end\{array\}", body, re.S)
    assert [spec for spec, _ in arrays] == ["ccccc|ccccc|ccccc", "ccccc|ccccc"]
    for _, rows in arrays:  # 25 rows, lines between the 5 blocks of rows
        assert rows.count(r"\hline") == 4 and rows.count(r"\\") == 24
    compile_latex(derive(op, standalone=True, max_rows=30, max_cols=30))
    assert_katex_ok(derive(op, fmt="markdown", max_rows=30, max_cols=30, width="page"))
    result = run("derive", "--n", "5,5", "--kernel", "3,3", "--padding", "same",
                 "--max-rows", "25", "--max-cols", "25", "--width", "page")
    assert result.exit_code == 0 and "too many to print" not in result.stdout


def test_period_inside_aligned_equations() -> None:
    for op in (Conv((5, 5), (3, 3), padding="same"), Conv((6, 6), (4, 4))):
        for fmt in ("latex", "markdown"):
            text = derive(op, fmt=fmt)
            assert r"\end{aligned}." not in text
            assert not re.search(r"\\end\{aligned\}\s*\n\s*\.", text)
            assert r". \end{aligned}" in text


def test_same_padding_is_explained_before_the_length_uses_it() -> None:
    for op in (Conv(12, 3, padding="same", stride=2), Conv((5, 6), (3, 3), padding="same",
                                                         stride=2)):
        for fmt in ("latex", "markdown"):
            text = derive(op, fmt=fmt)
            target = text.index(r"m = \left\lceil \frac{n}{s} \right\rceil")
            general = text.index(r"\frac{n + p_{\mathrm{before}} + p_{\mathrm{after}}")
            assert target < general


def test_student_sheet_has_no_regeneration_command(tmp_path) -> None:
    handout = Handout(5, seed=314)
    for fmt in ("latex", "markdown"):
        sheet = handout.render(fmt)
        assert "--seed" not in sheet and "314" not in sheet.split("Notation")[0]
        assert f"version {handout.version}" in sheet
        key = handout.render(fmt, "solutions")
        assert "symdil handout --exercises 5 --seed 314" in key
        assert f"version {handout.version}" in key
        both = Handout(5, seed=314, solutions=True).render(fmt)
        sheet_part, key_part = both.split("Answer key", 1)
        assert "--seed" not in sheet_part and "--seed 314" in key_part
    assert Handout(5, seed=315).version != handout.version
