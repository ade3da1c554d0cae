"""Per-axis CLI values (`--n 5,5 --padding 1:0,2`) and channels reach Conv exactly as in Python."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from symdil import Conv
from symdil.cli import app
from symdil.cli.matrix import matrix_json

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "conv"),
    [
        (["--n", "5,5", "--kernel", "3,3", "--stride", "2,1", "--dilation", "1,2",
          "--padding", "1:0,2"],
         dict(n=(5, 5), kernel=(3, 3), stride=(2, 1), dilation=(1, 2), padding=((1, 0), 2))),
        (["--n", "4,4", "--kernel", "2", "--in-channels", "2", "--out-channels", "4",
          "--groups", "2"],
         dict(n=(4, 4), kernel=2, in_channels=2, out_channels=4, groups=2)),
        (["--n", "3,4,2", "--kernel", "2,2,1", "--padding", "same", "--padding-mode", "circular"],
         dict(n=(3, 4, 2), kernel=(2, 2, 1), padding="same", padding_mode="circular")),
        (["--n", "3,2", "--kernel", "2", "--stride", "2", "--transposed", "--output-padding", "1,0"],
         dict(n=(3, 2), kernel=2, stride=2, transposed=True, output_padding=(1, 0))),
    ],
)
def test_cli_matches_python(args, conv):
    result = runner.invoke(app, ["matrix", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(matrix_json(Conv(**conv)))


def test_nd_facts_are_per_axis():
    result = runner.invoke(app, ["matrix", "--n", "5,5", "--kernel", "3,3", "--stride", "2,1",
                                 "--dilation", "1,2", "--padding", "1:0,2", "-f", "json"])
    facts = json.loads(result.stdout)["facts"]
    assert facts["padding"] == [[1, 0], [2, 2]]
    assert facts["output_length"] == [2, 5]  # (5+1-3)//2+1, (5+4-5)//1+1
    assert facts["receptive_field"] == [3, 5]
    assert facts["zero_diagonals_between_taps"] == [0, 1]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--n", "4,4", "--kernel", "2", "--groups", "3", "--in-channels", "2"],
         "groups must divide"),
        (["--n", "4,4", "--kernel", "2,2,2"], "kernel must be one value or 2 values"),
        (["--n", "4,4", "--kernel", "2", "--padding", "1,same"], "--padding words apply"),
        (["--n", "4,x", "--kernel", "2"], "--n per axis must be integers"),
    ],
)
def test_nd_errors(args, fragment):
    result = runner.invoke(app, ["matrix", *args])
    assert result.exit_code == 2 and fragment in result.stderr, result.output


@pytest.mark.parametrize(
    "conv",
    [
        dict(n=(3, 4), kernel=(2, 2), dilation=(1, 2)),
        dict(n=(3, 3), kernel=2, in_channels=2, out_channels=4, groups=2, padding=1,
             padding_mode="reflect"),
        dict(n=(2, 3), kernel=2, stride=2, transposed=True, in_channels=2, out_channels=2),
        dict(n=7, kernel=[1, -2, 1], padding="same", padding_mode="circular"),
        dict(n=6, kernel=3, dilation=2, input_symbol="alpha", kernel_symbol="w1"),
    ],
)
def test_json_strings_read_back_with_sympify(conv):
    import sympy

    op = Conv(**conv)
    document = json.loads(matrix_json(op))
    assert [sympy.sympify(s) for s in document["input"]] == list(op.input)
    assert [sympy.sympify(s) for s in document["kernel"]] == list(op.kernel)
    assert [sympy.sympify(s) for s in document["output"]] == list(op.output)
    matrix = op.matrix
    for r, row in enumerate(document["matrix"]):
        assert [sympy.sympify(s) for s in row] == list(matrix.row(r))


def test_json_keeps_1d_names_plain():
    document = json.loads(matrix_json(Conv(n=7, kernel=2, dilation=2)))
    assert document["output"][0] == "k_0*a_0 + k_1*a_2"
