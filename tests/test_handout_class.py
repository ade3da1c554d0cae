"""A class's sheets: a roster or numbered variants, one sheet per student (seed from the class
seed and the id, stable when students are added), the student's name on it, one key with every
sheet's answers by id; the CLI's files, PDFs and errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from symdil.cli import app
from symdil.core.errors import SymdilError
from symdil.handout import Classroom, Student, read_roster, variants
from symdil.handout.roster import student_seed
from tests.tools import need_pdflatex

ROSTER = "id,name\nal1,Alice Smith\nbo2,Bob Jones\ncy3\n"
KINDS = "receptive_field,numeric_output,which_parameters,find_wrong_entry"
runner = CliRunner()


def test_a_roster_with_a_header_names_optional() -> None:
    assert read_roster(ROSTER) == (Student("al1", "Alice Smith"), Student("bo2", "Bob Jones"),
                                   Student("cy3"))
    assert read_roster("x1\nx2,\n") == (Student("x1"), Student("x2"))


@pytest.mark.parametrize(("text", "message"), [
    ("", "lists no student"),
    ("id,name\n", "lists no student"),
    ("a b,Ann\n", "student 1: id must be 1 to 40 letters"),
    ("../x\n", "student 1: id must be"),
    ("a1\na1\n", "student 2: id 'a1' appears twice"),
])
def test_bad_rosters(text: str, message: str) -> None:
    with pytest.raises(SymdilError, match=message):
        read_roster(text)


def test_seeds_depend_on_the_class_seed_and_the_id_only() -> None:
    assert student_seed(1, "al1") == student_seed(1, "al1") != student_seed(2, "al1")
    assert student_seed(1, "al1") != student_seed(1, "bo2")


def test_adding_a_student_changes_nobody_elses_sheet() -> None:
    small = Classroom(read_roster(ROSTER)[:2], 4, 4, kinds=KINDS)
    large = Classroom(read_roster(ROSTER), 4, 4, kinds=KINDS)
    for student in read_roster(ROSTER)[:2]:
        assert small.sheet(student.id, "markdown") == large.sheet(student.id, "markdown")
    assert variants(3) == variants(5)[:3]


def test_each_sheet_names_its_student_and_the_key_lists_everyone() -> None:
    room = Classroom(read_roster(ROSTER), 4, 4, kinds=KINDS, title="Week 5")
    sheets = {s.id: room.sheet(s.id, "markdown") for s in room.students}
    assert "**Student:** Alice Smith (al1)" in sheets["al1"]
    assert "**Student:** cy3" in sheets["cy3"]
    assert len(set(sheets.values())) == 3  # each student their own sizes
    assert all("Answer key" not in sheet for sheet in sheets.values())
    key = room.key("markdown")
    for student in room.students:
        assert f"## Student {student.id}" in key
        assert room.sheets[student.id].version in key
        assert f"--seed {student_seed(4, student.id)}" in key
    # every exercise of every student appears in the key, in order
    assert key.count("### Exercise 1:") == 3 and key.count("### Exercise 4:") == 3


def test_every_variant_has_the_same_kinds_and_level() -> None:
    room = Classroom(variants(12), 1, 5, kinds=KINDS, level=3)
    kinds = {tuple(e.kind for e in room.sheets[s.id].exercises) for s in room.students}
    assert kinds == {tuple((KINDS.split(",") * 2)[:5])}


def test_cli_roster_writes_a_sheet_per_student_and_the_key(tmp_path: Path,
                                                           monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("students.csv").write_text(ROSTER)
    args = ["handout", "--kinds", KINDS, "--level", "1", "--roster", "students.csv",
            "--format", "markdown", "-o", "out/week5.md", "--seed", "9"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in Path("out").iterdir())
    assert names == ["week5-al1.md", "week5-bo2.md", "week5-cy3.md", "week5-key.md"]
    first = {p.name: p.read_bytes() for p in Path("out").iterdir()}
    assert runner.invoke(app, args).exit_code == 0
    assert first == {p.name: p.read_bytes() for p in Path("out").iterdir()}


def test_cli_variants_to_pdfs(tmp_path: Path) -> None:
    need_pdflatex()
    result = runner.invoke(app, ["handout", "--kinds", KINDS, "--variants", "2", "--figures",
                                 "--pdf", "-o", str(tmp_path / "sheet.pdf"),
                                 "--solutions-file", str(tmp_path / "all-answers.pdf")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["all-answers.pdf", "sheet-1.pdf", "sheet-2.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in tmp_path.iterdir())
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    again = tmp_path / "again"
    assert runner.invoke(app, ["handout", "--kinds", KINDS, "--variants", "2", "--figures",
                               "--pdf", "-o", str(again / "sheet.pdf"), "--solutions-file",
                               str(again / "all-answers.pdf")]).exit_code == 0
    assert first == {p.name: p.read_bytes() for p in again.iterdir()}  # byte for byte


def test_cli_moodle_with_variants(tmp_path: Path) -> None:
    out = tmp_path / "class.xml"
    result = runner.invoke(app, ["handout", "--kinds", KINDS, "--level", "2", "--variants",
                                 "30", "--format", "moodle", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.count('<question type="category">') == 6
    assert text.count("<question type=") == 6 + 6 * 30


def test_cli_list_kinds() -> None:
    result = runner.invoke(app, ["handout", "--list-kinds"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 14 and lines[-1].startswith("find_wrong_entry ")


@pytest.mark.parametrize(("args", "message"), [
    (["--variants", "3", "--roster", "r.csv", "-o", "x.tex"], "--variants and --roster"),
    (["--variants", "0", "-o", "x.tex"], "variants must be an integer from 1 to 500, got 0"),
    (["--variants", "3"], "give -o FILE"),
    (["--variants", "3", "--solutions", "-o", "x.tex"], "a class's key is a file of its own"),
    (["--roster", "missing.csv", "-o", "x.tex"], "--roster 'missing.csv' cannot be read"),
    (["--kinds", "bogus"], "kinds: unknown kind 'bogus'"),
    (["--level", "7"], "level must be 1, 2 or 3, got 7"),
    (["--format", "moodle", "--solutions"], "--format moodle puts each worked answer"),
    (["--format", "moodle", "-o", "quiz.tex"], "name it .xml"),
])
def test_cli_errors_exit_2_and_write_nothing(tmp_path: Path, monkeypatch, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["handout", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output and result.output.startswith("Error: ")
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_students_name_is_escaped_in_every_format() -> None:
    from tests.tools import assert_katex_ok, compile_latex, pdf_text

    name = r"Zoe O'Brien & {\textbf{x}} $y$ 100% #1 <b>"
    room = Classroom(read_roster(f'id,name\nz1,"{name}"\n'), 2, 2, kinds=KINDS)
    text = " ".join(pdf_text(compile_latex(room.sheet("z1", "latex"), standalone=True)).split())
    assert "Student: Zoe O’Brien & {\\textbf{x}} $y$ 100% #1 <b> (z1)" in text, text[:400]
    page = room.sheet("z1", "html")
    assert "<b>" not in page and "&lt;b&gt;" in page
    markdown = room.sheet("z1", "markdown")
    assert_katex_ok(markdown)  # the name's $y$ is no formula
    assert "$y$" not in markdown.split("Student:")[1].split("\n")[0]
