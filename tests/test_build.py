"""``symdil build``: files equal to the single-document renders, written only when changed, and
nothing at all written by a failing build."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from tools import assert_katex_ok, compile_latex, need_pdflatex, pdf_text
from typer.testing import CliRunner

from symdil import Conv
from symdil.build.file import BuildFileError, load_build
from symdil.build.run import build, entry_labels, render_plan
from symdil.cli import app
from symdil.derivation import derive
from symdil.handout.document import Handout

runner = CliRunner()

PAPER = """
[defaults]
formats = ["latex"]

[[derivation]]
name = "atrous"
n = 11
kernel = 3
dilation = 4
padding = "same"
formats = ["latex", "markdown"]

[[derivation]]
name = "down"
n = 16
kernel = 2
stride = 2
verify = true
standalone = true
max_cols = 6

[[handout]]
name = "sheet"
exercises = 4
seed = 314
solutions = true
formats = ["latex", "markdown"]
"""


def write(folder: Path, text: str, name: str = "paper.toml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def invoke(*args: str):
    return runner.invoke(app, ["build", *args])


def test_files_are_the_single_document_renders(tmp_path: Path) -> None:
    paper = write(tmp_path, PAPER)
    out = tmp_path / "out"
    result = invoke(str(paper), "--out-dir", str(out))
    assert result.exit_code == 0, result.output
    files = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    assert sorted(files) == ["atrous.md", "atrous.tex", "down.tex", "sheet.md", "sheet.tex"]
    atrous = Conv(11, 3, dilation=4, padding="same")
    assert files["atrous.tex"] == derive(atrous, "latex")
    assert files["atrous.md"] == derive(atrous, "markdown")
    down = files["down.tex"]
    assert down.startswith("\\documentclass") and "Verification" in down
    assert "every check passed" in down
    assert files["sheet.tex"] == Handout(4, 314, solutions=True).render("latex")
    assert files["sheet.md"] == Handout(4, 314, solutions=True).render("markdown")
    assert "5 written, 0 unchanged" in result.output
    for name in files:
        assert f"wrote      {out / name}" in result.output


def test_a_second_build_rewrites_nothing_and_keeps_mtimes(tmp_path: Path) -> None:
    paper = write(tmp_path, PAPER)
    out = tmp_path / "out"
    assert invoke(str(paper), "--out-dir", str(out)).exit_code == 0
    for path in out.iterdir():  # an old mtime: a rewrite would be visible
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = snapshot(out)
    result = invoke(str(paper), "--out-dir", str(out))
    assert result.exit_code == 0, result.output
    assert snapshot(out) == before
    assert "0 written, 5 unchanged" in result.output


def test_changing_one_entry_rewrites_only_its_files(tmp_path: Path) -> None:
    paper = write(tmp_path, PAPER)
    out = tmp_path / "out"
    build(paper, out)
    for path in out.iterdir():
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = snapshot(out)
    write(tmp_path, PAPER.replace("seed = 314", "seed = 315"))
    result = build(paper, out)
    assert sorted(p.name for p in result.written) == ["sheet.md", "sheet.tex"]
    after = snapshot(out)
    assert {name for name in after if after[name] != before[name]} == {"sheet.md", "sheet.tex"}


BAD = {
    "unknown key": ("""
        [[derivation]]
        name = "a"
        n = 7
        kernel = 2
        dilaton = 2
        """, ['derivation[3] "a": unknown key \'dilaton\'', "did you mean 'dilation'?"]),
    "wrong type": ("""
        [[derivation]]
        name = "a"
        n = 7
        kernel = 2
        stride = "two"
        """, ['derivation[3] "a": \'stride\' must be an integer or a list of integers']),
    "invalid parameter": ("""
        [[derivation]]
        name = "a"
        n = 7
        kernel = 2
        stride = 0
        """, ['derivation[3] "a": stride must be a positive integer, got 0']),
    "duplicate name": ("""
        [[derivation]]
        name = "fig"
        n = 7
        kernel = 2

        [[handout]]
        name = "Fig"
        """, ['handout[2] "Fig": duplicate name "Fig" (also derivation[3] "fig")']),
    "not TOML": ("""
        [[derivation]
        name = "a"
        """, ["invalid TOML"]),
    "bad handout value": ("""
        [[handout]]
        name = "h"
        exercises = 0
        """, ['handout[2] "h": \'exercises\' must be an integer >= 1, got 0']),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_names_file_entry_and_key_and_writes_nothing(tmp_path: Path, case) -> None:
    text, expected = BAD[case]
    paper = write(tmp_path, PAPER + textwrap.dedent(text))
    out = tmp_path / "out"
    out.mkdir()
    (out / "atrous.tex").write_text("old\n", encoding="utf-8")  # must stay as it is
    before = snapshot(out)
    result = invoke(str(paper), "--out-dir", str(out))
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {paper}: ")
    for piece in expected:
        assert piece in result.output
    assert snapshot(out) == before


def test_a_render_failure_after_good_entries_writes_nothing(tmp_path: Path) -> None:
    """Validation passes; one entry fails to render (a user template with a missing variable):
    the good entries before it are not written either."""
    (tmp_path / "tpl" / "latex").mkdir(parents=True)
    (tmp_path / "tpl" / "latex" / "document.tex.j2").write_text("((( missing_thing )))\n")
    paper = write(tmp_path, PAPER + textwrap.dedent("""
        [[derivation]]
        name = "custom"
        n = 5
        kernel = 2
        standalone = true
        templates = "tpl"
        """))
    out = tmp_path / "out"
    result = invoke(str(paper), "--out-dir", str(out))
    assert result.exit_code == 2
    assert f"{paper}: derivation[3] \"custom\": 'templates' = " in result.output
    assert "undefined variable 'missing_thing'" in result.output
    assert not out.exists()


def test_every_render_problem_is_listed(tmp_path: Path) -> None:
    paper = write(tmp_path, """
        [[derivation]]
        name = "a"
        n = 7
        kernel = 2
        title = "A"

        [[derivation]]
        name = "b"
        n = 7
        kernel = 2
        title = "B"
        """)
    with pytest.raises(BuildFileError) as info:
        render_plan(load_build(paper))
    assert info.value.problems == [
        f"{paper}: derivation[{i}] \"{n}\": 'title' = \"{n.upper()}\": a title applies to "
        "standalone documents and PDFs; add standalone = true" for i, n in ((1, "a"), (2, "b"))]


def test_progress_reports_each_entry_in_order(tmp_path: Path) -> None:
    plan = load_build(write(tmp_path, PAPER))
    calls = []
    render_plan(plan, lambda label, done, total: calls.append((label, done, total)))
    assert entry_labels(plan) == ['derivation[1] "atrous"', 'derivation[2] "down"',
                                  'handout[1] "sheet"']
    assert calls == [('derivation[1] "atrous"', 0, 3), ('derivation[2] "down"', 1, 3),
                     ('handout[1] "sheet"', 2, 3), ("", 3, 3)]


def test_built_files_compile_and_parse(tmp_path: Path) -> None:
    paper = write(tmp_path, PAPER + textwrap.dedent("""
        [[derivation]]
        name = "fig"
        n = 9
        kernel = 3
        dilation = 2
        standalone = true
        formats = ["latex", "markdown", "pdf"]
        title = "Figure 1"

        [[handout]]
        name = "week3"
        exercises = 7
        seed = 3
        solutions_file = "week3-key"
        formats = ["latex", "markdown", "pdf"]
        """))
    need_pdflatex()
    out = tmp_path / "out"
    result = invoke(str(paper), "--out-dir", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["atrous.tex", "atrous.md", "down.tex", "sheet.tex", "sheet.md",
                            "fig.tex", "fig.md", "fig.pdf", "week3.tex", "week3.md",
                            "week3.pdf", "week3-key.tex", "week3-key.md", "week3-key.pdf"])
    for name in names:
        data = (out / name).read_bytes()
        if name.endswith(".tex"):
            text = data.decode("utf-8")
            compile_latex(text, standalone=text.startswith("\\documentclass"))
    assert_katex_ok(*[(out / n).read_text(encoding="utf-8") for n in names if n.endswith(".md")])
    assert "Figure 1" in pdf_text((out / "fig.pdf").read_bytes())
    assert "Answer key" in pdf_text((out / "week3-key.pdf").read_bytes())
    assert "Answer key" not in pdf_text((out / "week3.pdf").read_bytes())
    first = snapshot(out)
    assert invoke(str(paper), "--out-dir", str(out)).exit_code == 0
    assert snapshot(out) == first  # PDFs too: byte-identical, not rewritten


def test_an_out_dir_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    paper = write(tmp_path, PAPER)
    (tmp_path / "out").write_text("a file\n")
    result = invoke(str(paper), "--out-dir", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "is not a folder" in result.output


def test_a_folder_where_a_file_goes_writes_nothing(tmp_path: Path) -> None:
    paper = write(tmp_path, PAPER)
    (tmp_path / "out" / "sheet.md").mkdir(parents=True)
    result = invoke(str(paper), "--out-dir", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert f"handout[1] \"sheet\": '{tmp_path / 'out' / 'sheet.md'}' is a folder" in result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["sheet.md"]
