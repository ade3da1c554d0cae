"""``symdil verify`` through Typer's CliRunner, and the ``verify`` Python API behind it."""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from symdil import Conv, checks
from symdil.cli import app
from symdil.verification import verify

runner = CliRunner()
# the module behind symdil.verify()
verify_module = importlib.import_module("symdil.checks.verify")
INSTANCE_CHECKS = ["definition", "dilation_identity", "stride_identity", "transposition",
                   "polyphase", "formulas", "padding_split", "printed_rows", "general_case",
                   "numeric"]


def run(*args: str):
    return runner.invoke(app, ["verify", *args])


def as_json(result) -> dict:
    assert result.stdout, result.output
    return json.loads(result.stdout)


# ----- exit codes and the JSON contract --------------------------------------------------------
def test_issue_example_passes_with_the_json_contract() -> None:
    result = run("--n", "12", "--kernel", "3", "--stride", "2", "--dilation", "2", "--padding",
                 "same", "--format", "json")
    assert result.exit_code == 0, result.output
    document = as_json(result)
    assert set(document) == {"passed", "checks"}
    assert document["passed"] is True
    assert [check["name"] for check in document["checks"]] == INSTANCE_CHECKS
    for check in document["checks"]:
        assert set(check) == {"name", "title", "passed", "detail", "detail_latex", "applicable"}
        assert check["passed"] is True and isinstance(check["detail"], str) and check["detail"]
        assert check["applicable"] is True


def test_a_check_that_did_not_run_says_so_in_json() -> None:
    result = run("--n", "5,5", "--kernel", "3,3", "--format", "json")
    assert result.exit_code == 0, result.output
    by_name = {check["name"]: check for check in as_json(result)["checks"]}
    assert by_name["general_case"]["applicable"] is False
    assert by_name["general_case"]["detail"].startswith("not applicable")
    assert by_name["definition"]["applicable"] is True


def test_text_format_is_a_table_with_one_row_per_check() -> None:
    result = run("--n", "12", "--kernel", "3", "--stride", "2", "--dilation", "2", "--padding",
                 "same")
    assert result.exit_code == 0, result.output
    for name in INSTANCE_CHECKS:
        assert name in result.stdout
    assert result.stdout.count("PASS") == len(INSTANCE_CHECKS)
    assert "all checks passed" in result.stdout
    assert "a~[s*i+d*t-p_before]" in result.stdout  # evidence printed verbatim, not eaten as markup


def test_general_case_for_symbolic_n() -> None:
    result = run("--n", "n", "--kernel", "3", "--dilation", "2", "--stride", "2", "-f", "json")
    assert result.exit_code == 0, result.output
    document = as_json(result)
    assert [check["name"] for check in document["checks"]] == ["padding_split", "printed_rows",
                                                               "general_case"]
    assert "For every integer n >= 5" in document["checks"][2]["detail"]


def test_bad_arguments_exit_2_with_one_line() -> None:
    result = run("--n", "12", "--kernel", "3", "--stride", "0")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: stride must be a positive integer, got 0"


def test_a_failing_check_exits_1(monkeypatch) -> None:
    def broken(op):
        return checks.CheckResult("stride_identity", False, "deliberately failed")

    monkeypatch.setattr(checks, "check_stride", broken)
    result = run("--n", "8", "--kernel", "2", "-f", "json")
    assert result.exit_code == 1
    document = as_json(result)
    assert document["passed"] is False
    failed = [c for c in document["checks"] if not c["passed"]]
    assert failed == [{"name": "stride_identity", "title": "Stride identity", "passed": False,
                       "detail": "deliberately failed", "detail_latex": "deliberately failed",
                       "applicable": True}]
    text = run("--n", "8", "--kernel", "2")
    assert text.exit_code == 1 and "FAIL" in text.stdout and "1 check(s) failed" in text.stdout


def test_nd_reports_not_applicable_explicitly() -> None:
    result = run("--n", "4,5", "--kernel", "2,3", "--padding", "1")
    assert result.exit_code == 0, result.output
    assert "n/a" in result.stdout and "1-D only" in result.stdout


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = run("--n", "7", "--kernel", "2", "--dilation", "2", "-f", "json", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())["passed"] is True


# ----- claims ----------------------------------------------------------------------------------
CORRECT = r"""
The operator of my paper:
\[
\begin{bmatrix}
k_0 & 0 & k_{1} & 0 & 0 & 0 \\
0 & k0 & 0 & k_1 & 0 & 0 \\
0 & 0 & k_{0} & 0 & k_1 & 0 \\
0 & 0 & 0 & k_0 & 0 & k_1
\end{bmatrix}
\]
"""


def claim_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "claim.tex"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_correct_claim_passes(tmp_path: Path) -> None:
    result = run("--n", "6", "--kernel", "2", "--dilation", "2", "--claim",
                 claim_file(tmp_path, CORRECT), "-f", "json")
    assert result.exit_code == 0, result.output
    claim = as_json(result)["checks"][-1]
    assert claim["name"] == "claim" and claim["passed"] is True


def test_wrong_entry_exits_1_and_names_the_entry(tmp_path: Path) -> None:
    wrong = CORRECT.replace(r"0 & 0 & k_{0} & 0 & k_1 & 0", r"0 & 0 & k_{0} & 0 & k_0 & 0")
    result = run("--n", "6", "--kernel", "2", "--dilation", "2", "--claim",
                 claim_file(tmp_path, wrong), "-f", "json")
    assert result.exit_code == 1
    claim = as_json(result)["checks"][-1]
    assert claim["name"] == "claim" and claim["passed"] is False
    assert "row 3, column 5 (1-based; row 2, column 4 0-based)" in claim["detail"]
    assert "claimed k_0, correct k_1" in claim["detail"]


def test_transposed_matrix_is_a_shape_mismatch(tmp_path: Path) -> None:
    rows = [["k_0", "0", "0", "0"], ["0", "k_0", "0", "0"], ["k_1", "0", "k_0", "0"],
            ["0", "k_1", "0", "k_0"], ["0", "0", "k_1", "0"], ["0", "0", "0", "k_1"]]
    body = " \\\\\n".join(" & ".join(row) for row in rows)
    result = run("--n", "6", "--kernel", "2", "--dilation", "2", "--claim",
                 claim_file(tmp_path, f"$$\\begin{{pmatrix}}{body}\\end{{pmatrix}}$$"),
                 "-f", "json")
    assert result.exit_code == 1
    detail = as_json(result)["checks"][-1]["detail"]
    assert "shape mismatch" in detail and "6×4" in detail and "4×6" in detail


def test_claim_parse_error_exits_2(tmp_path: Path) -> None:
    broken = CORRECT.replace("k_0 & 0 & k_{1}", "k_0 + & 0 & k_{1}")
    result = run("--n", "6", "--kernel", "2", "--dilation", "2", "--claim",
                 claim_file(tmp_path, broken))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "claim.tex:" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_claim_file_exits_2(tmp_path: Path) -> None:
    result = run("--n", "6", "--kernel", "2", "--claim", str(tmp_path / "nope.tex"))
    assert result.exit_code == 2 and "cannot be read" in result.stderr


# ----- PyTorch ---------------------------------------------------------------------------------
@pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                    reason="PyTorch is not installed (the [torch] extra, see README)")
@pytest.mark.parametrize("extra", [[], ["--padding", "same", "--padding-mode", "reflect"],
                                   ["--transposed", "--padding", "1", "--output-padding", "1"]])
def test_against_torch(extra: list[str]) -> None:
    result = run("--n", "12", "--kernel", "3", "--stride", "2", "--dilation", "2", *extra,
                 "--against", "torch", "-f", "json")
    assert result.exit_code == 0, result.output
    torch_check = as_json(result)["checks"][-1]
    assert torch_check["name"] == "numeric_torch" and torch_check["passed"] is True
    assert "torch.nn.functional.conv" in torch_check["detail"]


def test_against_torch_without_torch_is_one_line_exit_2(monkeypatch) -> None:
    monkeypatch.setattr(verify_module, "torch_available", lambda: False)
    result = run("--n", "12", "--kernel", "3", "--against", "torch")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: --against torch needs PyTorch, which is not installed: the [torch] extra: "
        'pip install ".[torch]" --extra-index-url https://download.pytorch.org/whl/cpu (from the '
        "symdil folder)"
    ]


def test_the_torch_install_hint_is_the_readme_command() -> None:
    """The error names the same command README's set-up section gives (the [torch] extra)."""
    from pathlib import Path

    from symdil.checks import TORCH_INSTALL

    readme = " ".join(Path(__file__).resolve().parent.parent.joinpath("README.md").read_text(
        encoding="utf-8").split())
    command = TORCH_INSTALL.split(": ", 1)[1].split(" (")[0]
    assert command.startswith('pip install ".[torch]"')
    assert f"`{command}`" in readme


# ----- the Python API --------------------------------------------------------------------------
def test_python_api_report() -> None:
    report = verify(Conv(12, 3, stride=2, dilation=2, padding="same"))
    assert report.passed
    assert report.to_json() == {"passed": True,
                                "checks": [c.to_json() for c in report.checks]}
    assert report.statement.startswith("For every integer n >= 6")
    assert report.statement_latex.startswith(r"For every integer $n \ge 6$")


def test_python_api_claim_and_errors() -> None:
    op = Conv(6, 2, dilation=2)
    report = verify(op, claim_text=CORRECT, claim_source="paper.tex")
    assert report.passed and report.checks[-1].name == "claim"
    with pytest.raises(ValueError, match="against must be None or 'torch'"):
        verify(op, against="jax")
