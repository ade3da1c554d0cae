"""``--format moodle``: the XML read back against the Moodle XML import format (question types,
answer fractions, tolerances, the cloze syntax as Moodle's importer parses it), every graded
answer against the independent key (tests.exercise_reference), the maths through KaTeX, the
figures as base64 SVG files, and one question rendered in Chromium."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import pytest
import sympy

from symdil.handout import Classroom, Handout, variants
from symdil.handout.exercises import KINDS
from tests.exercise_reference import reference_answers
from tests.tools import katex_errors

# Moodle's cloze grammar (question/type/multianswer/questiontype.php), for the two types used
_ALTERNATIVE = r"(=|%-?[0-9]+(?:[.,][0-9]*)?%)?(.+?(?<!\\)(?=[~#}]|$))(#(.*?(?<!\\)(?=[~}]|$)))?"
_CODE_RE = re.compile(r"\{([0-9]*):(NUMERICAL|NM|SHORTANSWER|SA|MW):((?:" + _ALTERNATIVE
                      + r")(?:~" + _ALTERNATIVE + r")*)\}", re.S)
_NUMBER_RE = re.compile(r"^(-?(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?)"
                        r"(?::(-?(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?))?$")
_MATH_RE = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)


def _questions(xml: str) -> list[ET.Element]:
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n')
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "quiz"
    return list(root)


def _cloze(text: str) -> list[tuple[bool, list[str]]]:
    """Each code of a cloze text: (numeric?, accepted answers), parsed as Moodle does."""
    out = []
    for match in _CODE_RE.finditer(text):
        numeric = match.group(2) in ("NUMERICAL", "NM")
        answers = []
        for alternative in match.group(3).split("~"):
            assert alternative.startswith("="), alternative  # full marks, no partial credit
            value = alternative[1:]
            if numeric:
                number = _NUMBER_RE.match(value)
                assert number and number.group(2) == "0", value  # tolerance 0
                value = number.group(1)
            answers.append(value if numeric else value.replace("\\}", "}"))
        out.append((numeric, answers))
    # nothing left that looks like a code but is not one
    rest = _CODE_RE.sub("", text)
    assert not re.search(r"\{[0-9]*:[A-Z_]+:", rest), rest
    return out


def _graded(question: ET.Element) -> list[tuple[bool, list[str]]]:
    kind = question.get("type")
    if kind == "numerical":
        answers = question.findall("answer")
        assert len(answers) == 1 and answers[0].get("fraction") == "100"
        assert answers[0].findtext("tolerance") == "0"
        return [(True, [answers[0].findtext("text")])]
    assert kind == "cloze"
    codes = _cloze(question.find("questiontext").findtext("text"))
    assert len(codes) >= 2 or not codes[0][0]  # one number alone is a numerical question
    return codes


def _agrees(field: tuple[bool, list[str]], expected) -> bool:
    numeric, answers = field
    if numeric:
        return int(answers[0]) == int(expected)
    if isinstance(expected, tuple):  # a list of columns, with or without spaces
        return all(tuple(int(x) for x in answer.split(",")) == expected for answer in answers)
    # every accepted spelling means the expected entry
    symbols = {}
    for answer in answers:
        names = re.findall(r"k_?\{?(\d+)\}?", answer)
        assert re.fullmatch(r"0|k_?\{?\d+\}?(?: ?\+ ?k_?\{?\d+\}?)*", answer), answer
        value = sum((sympy.Symbol(f"k_{t}") for t in names), sympy.Integer(0)) \
            if answer != "0" else sympy.Integer(0)
        if sympy.expand(value - sympy.sympify(expected)) != 0:
            return False
        symbols[answer] = value
    return True


def _check_quiz(xml: str, sheets: list[Handout]) -> None:
    questions = [q for q in _questions(xml) if q.get("type") != "category"]
    per_sheet = len(sheets[0].exercises)
    assert len(questions) == per_sheet * len(sheets)
    for index, question in enumerate(questions):
        # category by category: exercise k of every sheet, in roster order
        sheet = sheets[index % len(sheets)] if len(sheets) > 1 else sheets[0]
        k = index // len(sheets) if len(sheets) > 1 else index
        exercise = sheet.exercises[k]
        expected = reference_answers(exercise.kind, dict(exercise.question), exercise.op)
        graded = _graded(question)
        assert len(graded) == len(expected), (exercise.kind, graded, expected)
        for field, value in zip(graded, expected):
            assert _agrees(field, value), (exercise.kind, field, value)
        assert question.findtext("penalty") and question.find("name").findtext("text")


def _maths(xml: str) -> list[str]:
    texts = [element.findtext("text") or "" for element in _questions(xml)
             for element in element.iter() if element.tag in ("questiontext",
                                                              "generalfeedback")]
    spans = []
    for text in texts:
        for inline, display in _MATH_RE.findall(text):
            spans.append(f"$${display}$$" if display else f"${inline}$")
    return spans


def test_one_sheet_of_every_kind_reads_back_and_grades_right() -> None:
    sheet = Handout(14, 5, kinds=KINDS, level=2)
    xml = sheet.render("moodle")
    elements = _questions(xml)
    assert elements[0].get("type") == "category"
    assert elements[0].find("category").findtext("text") == "$course$/top/symdil handout"
    assert {q.get("type") for q in elements[1:]} == {"numerical", "cloze"}
    _check_quiz(xml, [sheet])


@pytest.mark.parametrize("level", (1, 3))
def test_variants_are_categories_of_equally_hard_questions(level: int) -> None:
    room = Classroom(variants(6), 11, 4, kinds="single_conv,numeric_output,find_wrong_entry,"
                     "which_parameters", level=level, title="Week 5 / convolutions")
    xml = room.moodle()
    elements = _questions(xml)
    categories = [i for i, q in enumerate(elements) if q.get("type") == "category"]
    assert len(categories) == 4
    for number, start in enumerate(categories, start=1):
        path = elements[start].find("category").findtext("text")
        assert path.startswith("$course$/top/Week 5 // convolutions/Exercise "
                               f"{number}: ")
        members = elements[start + 1:start + 7]
        assert len(members) == 6 and all(q.get("type") != "category" for q in members)
        titles = {q.find("name").findtext("text").split(" (variant")[0] for q in members}
        assert len(titles) == 1  # one kind per category
        ids = [q.findtext("idnumber") for q in members]
        assert len(set(ids)) == 6
    sheets = [room.sheets[s.id] for s in room.students]
    assert {tuple(e.kind for e in s.exercises) for s in sheets} == {
        ("single_conv", "numeric_output", "find_wrong_entry", "which_parameters")}
    assert all(s.level == level for s in sheets)
    _check_quiz(xml, sheets)


def test_the_maths_parses_with_katex() -> None:
    room = Classroom(variants(2), 3, 14, kinds=KINDS, level=3)
    spans = _maths(room.moodle())
    assert len(spans) > 100
    errors = katex_errors(*spans)
    assert not any(errors), [(s, e) for s, e in zip(spans, errors) if e][:5]


def test_figures_are_base64_svg_files_linked_from_the_feedback() -> None:
    xml = Handout(3, 2, kinds="receptive_field,find_wrong_entry,numeric_output",
                  figures=True).render("moodle")
    for question in _questions(xml)[1:]:
        feedback = question.find("generalfeedback")
        files = feedback.findall("file")
        assert len(files) == 1 and files[0].get("encoding") == "base64"
        name = files[0].get("name")
        svg = base64.b64decode(files[0].text).decode("utf-8")
        assert svg.startswith("<?xml") and "<svg" in svg
        assert f'src="@@PLUGINFILE@@/{name}"' in feedback.findtext("text")


def test_same_input_same_bytes_and_a_new_student_changes_nobody_else() -> None:
    first = Classroom(variants(3), 8, 3, kinds="numeric_output,effective_stride").moodle()
    assert first == Classroom(variants(3), 8, 3, kinds="numeric_output,effective_stride").moodle()
    more = Classroom(variants(4), 8, 3, kinds="numeric_output,effective_stride").moodle()
    blocks = re.findall(r"  <question type=\"(?:numerical|cloze)\">.*?</question>", first, re.S)
    assert blocks and all(block in more for block in blocks)


def test_user_text_cannot_break_the_xml_or_the_cloze() -> None:
    xml = Handout(2, 1, title="a < b & {1:NUMERICAL:=3} ]]>").render("moodle")
    elements = _questions(xml)
    assert elements[0].find("category").findtext("text") == (
        "$course$/top/a < b & {1:NUMERICAL:=3} ]]>")
    for question in elements[1:]:
        assert "{1:NUMERICAL:=3}" not in question.find("questiontext").findtext("text")


def test_a_question_renders_in_chromium_with_its_boxes_and_maths(tmp_path) -> None:
    from tests.browser import CHROMIUM, SKIP_REASON, Page
    from tests.moodle_preview import preview

    if CHROMIUM is None:
        pytest.skip(SKIP_REASON)
    xml = Handout(4, 4, kinds="find_wrong_entry,numeric_output,receptive_field,fill_matrix"
                  ).render("moodle")
    assert "\\}" in xml  # a k_{t} spelling among the accepted answers
    for question in _questions(xml)[1:]:
        text = question.find("questiontext").findtext("text")
        spans = len(_MATH_RE.findall(text))
        boxes = len(_graded(question))
        page_path = tmp_path / "question.html"
        page_path.write_text(preview(question), encoding="utf-8")
        with Page(page_path, width=900, height=900) as page:
            assert page.evaluate("document.querySelectorAll('.katex-error').length") == 0
            assert page.evaluate("document.querySelectorAll('.que .katex').length") == spans
            assert page.evaluate("document.querySelectorAll('input.box').length") == boxes
            assert not page.errors, page.errors


def test_the_same_quiz_in_fresh_processes_whatever_the_hash_seed(tmp_path) -> None:
    import os
    import subprocess
    import sys

    outputs = []
    for hash_seed in ("0", "1", "12345"):
        target = tmp_path / f"quiz-{hash_seed}.xml"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-m", "symdil", "handout", "--kinds", ",".join(KINDS), "--level", "3",
             "--figures", "--exercises", "14", "--variants", "2", "--format", "moodle",
             "-o", str(target)], env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
