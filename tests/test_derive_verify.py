"""`symdil derive --verify`: the document carries its verification, and never a failed one."""

from __future__ import annotations

import importlib

from typer.testing import CliRunner

from symdil import Conv, verify
from symdil.checks import CheckResult
from symdil.cli import app
from symdil.derivation import derive, verification_section

runner = CliRunner()
# the module, not the command function that symdil.cli re-exports under the same name
derive_cli = importlib.import_module("symdil.cli.derive")
SEED = ["derive", "--n", "7", "--kernel", "2", "--dilation", "2"]


def test_verify_section_lists_every_check(tmp_path):
    target = tmp_path / "seed.tex"
    result = runner.invoke(app, [*SEED, "--verify", "-o", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text()
    report = verify(Conv(n=7, kernel=2, dilation=2))
    assert "Verification" in text
    for check in report.checks:
        # each check by its human title and its typeset sentence; the machine name stays in JSON
        assert check.title and check.detail_latex
        assert f"\\textbf{{{check.title}}}" in text
        if check.applicable:
            assert check.detail_latex in text
        if "_" in check.name:  # e.g. dilation_identity (a one-word name is also prose)
            assert check.name.replace("_", "\\_") not in text
    # the general-case statement proved by the checks, as LaTeX, once (inside its check)
    statement = report.statement_latex
    assert text.count(statement[:1].lower() + statement[1:]) == 1
    assert "Proved for the general case" not in text


def test_markdown_verify_section():
    result = runner.invoke(app, [*SEED, "--verify", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "### Verification" in result.stdout or "Verification" in result.stdout
    assert "$0 \\le i \\le n-3$" in result.stdout


def test_without_verify_there_is_no_section():
    assert "Verification" not in derive(Conv(n=7, kernel=2, dilation=2))


def test_failed_check_fails_the_command_and_writes_nothing(tmp_path, monkeypatch):
    real = derive_cli.run_checks

    def broken(op):
        report = real(op)
        bad = CheckResult("definition", False, "mutant: one entry wrong")
        object.__setattr__(report, "checks", (bad,) + tuple(report.checks[1:]))
        return report

    monkeypatch.setattr(derive_cli, "run_checks", broken)
    target = tmp_path / "seed.tex"
    result = runner.invoke(app, [*SEED, "--verify", "-o", str(target)])
    assert result.exit_code == 1
    assert "verification failed (definition)" in result.stderr
    assert not target.exists()


def test_section_data_comes_from_the_report():
    report = verify(Conv(n="n", kernel=3, stride=2))
    section = verification_section(report)
    assert [c["name"] for c in section["checks"]] == [c.name for c in report.checks]
    assert section["statement_latex"] == report.statement_latex


def test_derive_refuses_a_file_named_for_another_format(tmp_path):
    for fmt, name in (("markdown", "x.tex"), ("latex", "x.md"), ("latex", "x.pdf")):
        target = tmp_path / name
        result = runner.invoke(app, [*SEED, "--format", fmt, "-o", str(target)])
        assert result.exit_code == 2 and "is named as" in result.stderr, result.output
        assert not target.exists()
