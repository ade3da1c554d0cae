"""What the commands say (issue 12 §1): one ``wrote …`` line on stderr and nothing on stdout when
files are written; ``build --no-pdf`` without pdflatex; a missing pdflatex refused up front."""

from __future__ import annotations

from pathlib import Path

import pytest
from tools import need_pdflatex
from typer.testing import CliRunner

from symdil.cli import app

SEED = ["--n", "7", "--kernel", "2", "--dilation", "2"]
BUILD = """
[[derivation]]
name = "seed"
n = 7
kernel = 2
dilation = 2
formats = ["latex", "markdown", "pdf"]

[[handout]]
name = "sheet"
exercises = 2
formats = ["markdown", "pdf"]
solutions_file = "key"
"""


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_derive_to_a_file_says_what_it_wrote_on_stderr(tmp_path: Path) -> None:
    target = tmp_path / "x.md"
    result = run("derive", *SEED, "-f", "markdown", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == f"wrote {target}\n"
    again = run("derive", *SEED, "-f", "markdown", "-o", str(target))
    assert again.stderr == f"wrote {target} (unchanged)\n"


def test_derive_pdf_names_both_files(tmp_path: Path) -> None:
    need_pdflatex()
    result = run("derive", *SEED, "--pdf", "-o", str(tmp_path / "x.tex"))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"wrote {tmp_path / 'x.tex'}, {tmp_path / 'x.pdf'}\n"


def test_handout_names_sheet_and_key(tmp_path: Path) -> None:
    sheet, key = tmp_path / "h.md", tmp_path / "k.md"
    result = run("handout", "-e", "2", "-f", "markdown", "-o", str(sheet), "--solutions-file",
                 str(key))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == f"wrote {sheet}, {key}\n"


@pytest.fixture
def no_pdflatex(monkeypatch):
    import symdil.build.run
    import symdil.render.pdf

    monkeypatch.setattr(symdil.render.pdf.shutil, "which", lambda name: None)
    monkeypatch.setattr(symdil.build.run.shutil, "which", lambda name: None)


def test_build_without_pdflatex_refuses_up_front(tmp_path: Path, no_pdflatex,
                                                   monkeypatch) -> None:
    import symdil.build.run

    def never(*args, **kwargs):
        raise AssertionError("nothing may be rendered before the refusal")

    monkeypatch.setattr(symdil.build.run, "render_target", never)
    (tmp_path / "b.toml").write_text(BUILD)
    result = run("build", str(tmp_path / "b.toml"), "--out-dir", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "seed.pdf, sheet.pdf, key.pdf: 'formats' = \"pdf\" needs pdflatex" in result.stderr
    assert "symdil build --no-pdf" in result.stderr
    assert not (tmp_path / "out").exists()


def test_build_no_pdf_writes_everything_else(tmp_path: Path, no_pdflatex) -> None:
    (tmp_path / "b.toml").write_text(BUILD)
    out = tmp_path / "out"
    result = run("build", str(tmp_path / "b.toml"), "--out-dir", str(out), "--no-pdf")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["key.md", "seed.md", "seed.tex", "sheet.md"]
    assert result.stdout == ""
    assert f"skipped    {out / 'seed.pdf'} (--no-pdf)" in result.stderr
    assert "4 written, 0 unchanged, 3 skipped" in result.stderr


def test_a_failed_pdf_in_a_build_keeps_its_log_and_nothing_else(tmp_path: Path) -> None:
    need_pdflatex()
    (tmp_path / "tpl" / "latex").mkdir(parents=True)
    (tmp_path / "tpl" / "latex" / "document.tex.j2").write_text(
        "\\documentclass{article}\n\\begin{document}\n\\nosuchmacro\n\\end{document}\n")
    (tmp_path / "b.toml").write_text('[[derivation]]\nname = "bad"\nn = 7\nkernel = 2\n'
                                     'formats = ["latex", "pdf"]\ntemplates = "tpl"\n')
    out = tmp_path / "out"
    result = run("build", str(tmp_path / "b.toml"), "--out-dir", str(out))
    assert result.exit_code == 2
    assert ("pdflatex failed at line 3 of the LaTeX source: Undefined control sequence "
            "(l.3 \\nosuchmacro); the log is bad.log in the output folder") in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["bad.log"]
