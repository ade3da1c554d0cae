"""`symdil matrix` through Typer's CliRunner: formats, the JSON contract, errors (exit 2, one line)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from symdil import __version__
from symdil.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_version_and_help():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"symdil {__version__}"
    for flag in ("--help", "-h"):
        result = run("matrix", flag)
        assert result.exit_code == 0 and "--dilation" in result.stdout


def test_seed_example_json_contract():
    result = run("matrix", "--n", "7", "--kernel", "2", "--dilation", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["shape"] == [5, 7]
    assert document["matrix"][0] == ["k_0", "0", "k_1", "0", "0", "0", "0"]
    assert document["matrix"][1] == ["0", "k_0", "0", "k_1", "0", "0", "0"]
    assert document["matrix"][4] == ["0", "0", "0", "0", "k_0", "0", "k_1"]
    assert document["input"] == [f"a_{j}" for j in range(7)]
    assert document["kernel"] == ["k_0", "k_1"]
    assert document["output"] == [f"k_0*a_{i} + k_1*a_{i + 2}" for i in range(5)]
    assert document["facts"] == {
        "output_length": 5,
        "padding": [0, 0],
        "receptive_field": 3,
        "zero_diagonals_between_taps": 1,
        "nonzeros": 10,
    }


def test_json_folded_entries_and_taps():
    result = run("matrix", "--n", "5", "--kernel", "3", "--padding", "2",
                 "--padding-mode", "reflect", "-f", "json")
    document = json.loads(result.stdout)
    # row 1 reads x~[-1], x~[0], x~[1] = a_1, a_0, a_1: k_0 and k_2 fold onto a_1
    assert document["matrix"][1] == ["k_1", "k_0 + k_2", "0", "0", "0"]
    result = run("matrix", "--n", "4", "--kernel", "1,-2,1", "--padding", "1:1", "-f", "json")
    document = json.loads(result.stdout)
    assert document["matrix"][0] == ["-2", "1", "0", "0"]
    assert document["kernel"] == ["1", "-2", "1"]
    assert document["facts"]["padding"] == [1, 1]


def test_padding_words_and_pairs():
    document = json.loads(run("matrix", "--n", "12", "--kernel", "3", "--stride", "2",
                              "--dilation", "2", "--padding", "same", "-f", "json").stdout)
    # TensorFlow: out = ceil(12/2) = 6, total = (6-1)*2 + 2*2 + 1 - 12 = 3 -> (1, 2)
    assert document["facts"]["padding"] == [1, 2]
    assert document["facts"]["output_length"] == 6
    document = json.loads(run("matrix", "--n", "6", "--kernel", "2", "--padding", "2:0",
                              "-f", "json").stdout)
    assert document["facts"]["padding"] == [2, 0]
    # padded length 8 -> 7 outputs; row 0 sees only padding, row 1 sees x~[-1] and a_0
    assert document["shape"] == [7, 6]
    assert document["matrix"][0] == ["0"] * 6
    assert document["matrix"][1] == ["k_1", "0", "0", "0", "0", "0"]


def test_transposed_shape_and_symbols():
    document = json.loads(run("matrix", "--n", "3", "--kernel", "2", "--stride", "2",
                              "--transposed", "--input-symbol", "x", "--kernel-symbol", "w",
                              "-f", "json").stdout)
    assert document["shape"] == [6, 3]
    assert document["matrix"][1] == ["w_1", "0", "0"]
    assert document["input"] == ["x_0", "x_1", "x_2"]


def test_text_format_lists_outputs(tmp_path):
    target = tmp_path / "m.txt"
    result = run("matrix", "--n", "7", "--kernel", "2", "--dilation", "2", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    text = target.read_text()
    assert "y_0 = k_0*a_0 + k_1*a_2" in text and "5 x 7 operator" in text


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--n", "3", "--kernel", "5"], "kernel span d(K-1)+1 = 5 exceeds the padded input length 3"),
        (["--n", "7", "--kernel", "2", "--stride", "0"], "stride must be a positive integer, got 0"),
        (["--n", "7", "--kernel", "2", "--stride", "x"], "--stride must be an integer"),
        (["--n", "7", "--kernel", "2", "--padding", "middle"], "'middle'"),
        (["--n", "7", "--kernel", "2", "--padding", "1,2"], "--padding for one axis"),
        (["--n", "7", "--kernel", "a,b"], "--kernel taps must be numbers"),
        (["--n", "7", "--kernel", "2", "--input-symbol", "\\input"], "input_symbol"),
        (["--n", "4", "--kernel", "2", "--padding", "4", "--padding-mode", "reflect"],
         "reflect padding must be smaller than n = 4"),
        (["--n", "n", "--kernel", "2"], "symbolic"),
    ],
)
def test_errors_are_one_line_exit_2(args, fragment, tmp_path):
    target = tmp_path / "never.json"
    result = run("matrix", *args, "-o", str(target))
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert not target.exists()


def test_bad_padding_mode_choice_exits_2():
    result = run("matrix", "--n", "7", "--kernel", "2", "--padding-mode", "mirror")
    assert result.exit_code == 2


def test_same_input_byte_identical(tmp_path):
    args = ["matrix", "--n", "9", "--kernel", "3", "--dilation", "2", "--padding", "same",
            "--padding-mode", "circular", "-f", "json"]
    assert run(*args).stdout == run(*args).stdout
