"""``symdil handout``: the issue's commands, files, PDFs, a separate key, errors that write nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tools import assert_katex_ok, need_pdflatex, pdf_text
from typer.testing import CliRunner

from symdil.cli import app
from symdil.handout.document import Handout

runner = CliRunner()
CLI = "import sys; from symdil.cli import app; app(sys.argv[1:], prog_name='symdil')"


def run(*args: str):
    return runner.invoke(app, ["handout", *args])


def test_latex_with_solutions(tmp_path: Path) -> None:
    target = tmp_path / "handout.tex"
    result = run("--exercises", "6", "--seed", "314", "--solutions", "-o", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text == Handout(6, 314, solutions=True).render("latex")
    assert text.startswith("\\documentclass") and "\\section*{Answer key}" in text


def test_the_same_command_twice_in_fresh_processes_gives_the_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for hash_seed in ("1", "2"):
        target = tmp_path / f"h{hash_seed}.md"
        subprocess.run([sys.executable, "-c", CLI, "handout", "--seed", "314",
                        "--format", "markdown", "--solutions", "-o", str(target)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": hash_seed},
                       cwd=Path(__file__).resolve().parent.parent)
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_markdown_to_stdout_parses_with_katex() -> None:
    result = run("--exercises", "6", "--seed", "314", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Convolutions as matrices: exercises")
    assert "Answer key" not in result.output
    assert_katex_ok(result.output)


def test_solutions_file_holds_the_key_and_the_handout_does_not(tmp_path: Path) -> None:
    result = run("--exercises", "4", "--seed", "8", "--solutions-file",
                 str(tmp_path / "key.tex"), "-o", str(tmp_path / "sheet.tex"))
    assert result.exit_code == 0, result.output
    sheet = (tmp_path / "sheet.tex").read_text(encoding="utf-8")
    key = (tmp_path / "key.tex").read_text(encoding="utf-8")
    assert "Answer key" not in sheet and "Answer key" in key
    assert key == Handout(4, 8).render("latex", "solutions")


def test_pdf_only(tmp_path: Path) -> None:
    need_pdflatex()
    result = run("--exercises", "3", "--seed", "2", "--pdf", "-o", str(tmp_path / "handout.pdf"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf"]
    text = pdf_text((tmp_path / "handout.pdf").read_bytes())
    assert "Exercise 3" in text and "Answer key" not in text


def test_pdf_with_tex_and_a_key_pdf(tmp_path: Path) -> None:
    need_pdflatex()
    result = run("--exercises", "2", "--seed", "5", "--pdf", "-o", str(tmp_path / "h.tex"),
                 "--solutions-file", str(tmp_path / "key.pdf"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.pdf", "h.tex", "key.pdf"]
    assert "Answer key" in pdf_text((tmp_path / "key.pdf").read_bytes())


def test_templates_override(tmp_path: Path) -> None:
    (tmp_path / "tpl" / "markdown").mkdir(parents=True)
    (tmp_path / "tpl" / "markdown" / "handout.md.j2").write_text(
        "custom ((( count ))) ((( exercises[0].title )))\n", encoding="utf-8")
    result = run("--exercises", "2", "--seed", "1", "--format", "markdown", "--templates",
                 str(tmp_path / "tpl"))
    assert result.exit_code == 0, result.output
    assert result.output == "custom 2 Output length\n"


@pytest.mark.parametrize("args, message", [
    (["--exercises", "0"], "exercises must be a positive integer, got 0"),
    (["--seed", "-3"], "seed"),
    (["--format", "markdown", "--pdf", "-o", "x.pdf"], "--pdf compiles LaTeX"),
    (["--pdf"], "--pdf needs -o/--output"),
    (["-o", "h.tex", "--solutions-file", "h.tex"], "is the same file as -o/--output 'h.tex'; give each its own file"),
    (["--templates", "no/such/folder"], "templates folder 'no/such/folder' does not exist"),
    # --solutions used to be dropped silently when --solutions-file was given too
    (["--solutions", "--solutions-file", "k.tex", "-o", "h.tex"],
     "--solutions and --solutions-file cannot be combined: --solutions adds the answer key to "
     "the handout, --solutions-file writes it to a file of its own; give one of them"),
    (["--solutions", "--solutions-file", "k.tex"], "cannot be combined"),
    # a file named for one format used to receive the other
    (["--solutions-file", "key.md", "-o", "h.tex"],
     "--solutions-file 'key.md' is named as Markdown (.md) but --format latex writes LaTeX; "
     "name it .tex (or .pdf with --pdf), or change --format"),
    (["--format", "latex", "-o", "handout.markdown"], "-o/--output 'handout.markdown' is named "
     "as Markdown (.markdown) but --format latex writes LaTeX"),
    (["-o", "handout.pdf"], "-o/--output 'handout.pdf' is named as PDF (.pdf) but --format "
     "latex writes LaTeX; name it .tex (or .pdf with --pdf)"),
    (["--pdf", "-o", "h.MD"], "-o/--output 'h.MD' is named as Markdown (.MD) but --format latex "
     "writes LaTeX; name it .tex or .pdf, or change --format"),
    (["--pdf", "-o", "h.pdf", "--solutions-file", "key.md"], "--solutions-file 'key.md' is named "
     "as Markdown"),
    (["--format", "markdown", "-o", "handout.tex"], "-o/--output 'handout.tex' is named as LaTeX "
     "(.tex) but --format markdown writes Markdown; name it .md, or change --format"),
    (["--format", "markdown", "-o", "h.md", "--solutions-file", "key.pdf"],
     "--solutions-file 'key.pdf' is named as PDF (.pdf) but --format markdown writes Markdown"),
])
def test_errors_exit_2_and_write_nothing(tmp_path: Path, monkeypatch, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["handout", *args], catch_exceptions=False)
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, written", [
    (["-o", "handout", "--solutions-file", "key"], {"handout": "latex", "key": "latex"}),
    (["-o", "h.TEX", "--solutions-file", "k.ltx"], {"h.TEX": "latex", "k.ltx": "latex"}),
    (["--format", "markdown", "-o", "h.md", "--solutions-file", "key.markdown"],
     {"h.md": "markdown", "key.markdown": "markdown"}),
    (["--format", "markdown", "-o", "notes.txt"], {"notes.txt": "markdown"}),
])
def test_extensions_that_fit_the_format_are_written(tmp_path: Path, monkeypatch, args,
                                                    written) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("--exercises", "2", "--seed", "3", *args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(written)
    for name, fmt in written.items():
        part = "solutions" if name.startswith("k") else "handout"
        assert (tmp_path / name).read_text(encoding="utf-8") == Handout(2, 3).render(fmt, part)


def test_a_failing_answer_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    from dataclasses import replace

    import symdil.handout.document as module

    real = module.make_exercises

    def tampered(*args, **kwargs):
        exercises = real(*args, **kwargs)
        return [replace(exercises[0], answer={"output_length": 0})] + exercises[1:]

    monkeypatch.setattr(module, "make_exercises", tampered)
    result = run("--seed", "4", "-o", str(tmp_path / "h.tex"), "--solutions")
    assert result.exit_code == 2
    assert "failed its check" in result.output
    assert not (tmp_path / "h.tex").exists()
