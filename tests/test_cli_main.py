"""The console script itself (``main``): usage errors are one ``Error:`` line with exit status 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

LAUNCH = [sys.executable, "-c", "from symdil.cli import main; main()"]


def symdil(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*LAUNCH, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["matrix", "--n", "7", "--kernel", "2", "--padding-mode", "mirror"], "'--padding-mode'"),
        (["matrix", "--kernel", "2"], "Missing option '--n'"),
        (["matrix", "--n", "7", "--kernel", "2", "--bogus"], "No such option: --bogus"),
        (["matrix", "--n", "7", "--kernel", "2", "--in-channels", "1.5"], "--in-channels must be an integer, got '1.5'"),
        (["matrix", "--n", "7", "--kernel", "2", "--format", "docx"], "'--format'"),
        (["bogus"], "No such command 'bogus'"),
        (["matrix", "--n", "7", "--kernel", "0"], "kernel size must be a positive integer, got 0"),
    ],
)
def test_usage_errors_are_one_line(args, fragment):
    result = symdil(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert fragment in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_version_help_and_success_exit_0():
    assert symdil("--version").stdout.strip().startswith("symdil ")
    assert symdil("--version").returncode == 0
    assert symdil("matrix", "--help").returncode == 0
    result = symdil("matrix", "--n", "7", "--kernel", "2", "--dilation", "2", "-f", "json")
    assert result.returncode == 0 and '"shape": [5, 7]' in result.stdout


def test_failed_verification_exits_1_through_main(tmp_path):
    claim = tmp_path / "wrong.tex"
    claim.write_text("\\begin{bmatrix} k_1 & 0 & k_0 \\end{bmatrix}\n")
    result = symdil("verify", "--n", "3", "--kernel", "2", "--dilation", "2", "--claim", str(claim))
    assert result.returncode == 1
