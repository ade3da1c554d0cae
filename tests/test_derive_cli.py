"""``symdil derive`` through Typer's CliRunner: formats, files, --pdf, templates, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from regen import CASES, GOLDEN, render_case
from tools import need_pdflatex, pdf_text
from typer.testing import CliRunner

from symdil.cli import app

SEED_ARGS = ["derive", "--n", "7", "--kernel", "2", "--dilation", "2"]


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_stdout_snippets_equal_the_golden_files() -> None:
    result = run(*SEED_ARGS, "--format", "latex")
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / "seed.tex").read_text()
    result = run(*SEED_ARGS, "--format", "markdown")
    assert result.stdout == (GOLDEN / "seed.md").read_text()
    assert run(*SEED_ARGS).stdout == (GOLDEN / "seed.tex").read_text()  # latex by default


def test_all_matrix_options_reach_the_derivation() -> None:
    args = ["derive", *CASES["reflect"], "--format", "markdown", "--input-symbol", "x",
            "--kernel-symbol", "w", "--max-rows", "5", "--max-cols", "6"]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert r"\tilde{x}_{-2} = x_{2}" in result.stdout and "w_{0}" in result.stdout
    # 8 x 8 with limits 5 x 6: rows elided, but all 8 columns (an ellipsis never hides two)
    assert r"\vdots" in result.stdout and r"\ddots" not in result.stdout
    transposed = run("derive", *CASES["transposed"], "--output-padding", "1", "-f", "markdown")
    assert transposed.exit_code == 0, transposed.output
    assert "p - p_{\\mathrm{out}} = 1 - 1 = 0" in transposed.stdout


def test_output_file_and_standalone(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "seed.md"
    result = run(*SEED_ARGS, "--format", "markdown", "--standalone", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text() == render_case(CASES["seed"], "markdown", True)
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no temp left


@pytest.mark.parametrize(("extra", "message"), [
    (["--max-rows", "2"], "max_rows must be an integer >= 3"),
    (["--title", "x"], "--title applies to --standalone documents"),
    (["--pdf"], "--pdf needs -o/--output"),
    (["--pdf", "-f", "markdown", "-o", "x.md"], "--pdf compiles LaTeX"),
    (["--templates", "/nonexistent/folder"], "does not exist"),
    (["--padding", "same", "--stride", "2", "--n", "n"], "depends on n mod stride"),
])
def test_errors_are_one_line_with_exit_status_2(extra, message) -> None:
    result = run(*SEED_ARGS, *extra)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


def test_pdf_beside_the_tex_file(tmp_path: Path) -> None:
    need_pdflatex()
    target = tmp_path / "seed.tex"
    result = run(*SEED_ARGS, "--format", "latex", "--standalone", "-o", str(target), "--pdf")
    assert result.exit_code == 0, result.output
    assert target.read_text() == render_case(CASES["seed"], "latex", True)
    pdf = (tmp_path / "seed.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert "Dilated convolution as a matrix" in pdf_text(pdf)
    # -o x.pdf writes the PDF only; --pdf implies the standalone document
    only = tmp_path / "only.pdf"
    assert run(*SEED_ARGS, "-o", str(only), "--pdf").exit_code == 0
    assert only.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["only.pdf", "seed.pdf", "seed.tex"]
    # the PDF does not depend on the clock
    assert run(*SEED_ARGS, "-o", str(tmp_path / "again.pdf"), "--pdf").exit_code == 0
    assert (tmp_path / "again.pdf").read_bytes() == only.read_bytes()


def test_missing_pdflatex_is_a_one_line_error(tmp_path: Path, monkeypatch) -> None:
    import symdil.render.pdf

    monkeypatch.setattr(symdil.render.pdf.shutil, "which", lambda name: None)
    result = run(*SEED_ARGS, "-o", str(tmp_path / "seed.tex"), "--pdf")
    assert result.exit_code == 2
    assert "apt-get install texlive-latex-base texlive-latex-recommended" in result.stderr
    assert not list(tmp_path.iterdir())  # nothing written


def test_a_failed_compile_leaves_existing_files_untouched(tmp_path: Path) -> None:
    need_pdflatex()
    (tmp_path / "tpl" / "latex").mkdir(parents=True)
    (tmp_path / "tpl" / "latex" / "document.tex.j2").write_text(
        "\\documentclass{article}\\begin{document}\\undefinedcommand\\end{document}\n")
    target = tmp_path / "doc.tex"
    target.write_text("previous\n")
    result = run(*SEED_ARGS, "--templates", str(tmp_path / "tpl"), "-o", str(target), "--pdf")
    assert result.exit_code == 2
    # the first error, its line and context, and where the log is kept (issue 12 §1)
    log = tmp_path / "doc.log"
    assert result.stderr.startswith(
        "Error: pdflatex failed at line 1 of the LaTeX source: Undefined control sequence (l.1 ")
    assert result.stderr.endswith(f"\\undefinedcommand); the log is {log}\n")
    assert "! Undefined control sequence." in log.read_text()
    assert target.read_text() == "previous\n"
    assert not (tmp_path / "doc.pdf").exists()


def test_user_template_errors_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "latex").mkdir()
    (tmp_path / "latex" / "derivation.tex.j2").write_text("((( missing_thing )))\n")
    result = run(*SEED_ARGS, "--templates", str(tmp_path))
    assert result.exit_code == 2
    assert "latex/derivation.tex.j2" in result.stderr and "'missing_thing'" in result.stderr


def test_title_is_escaped(tmp_path: Path) -> None:
    result = run(*SEED_ARGS, "--standalone", "--title", r"\write18{ls} 100% & $")
    assert result.exit_code == 0
    assert r"\title{\textbackslash{}write18\{ls\} 100\% \& \$}" in result.stdout
