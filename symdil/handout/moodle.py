"""The Moodle XML writer: a class's exercises as questions Moodle imports and grades.

Moodle's question import format (``<quiz>`` of ``<question>`` elements; see the "Moodle XML
format" page of the Moodle docs and ``question/format/xml/format.php``): an exercise with one
numeric blank is a ``numerical`` question (answer ``fraction="100"``, ``tolerance`` 0); any other
is a ``cloze`` question whose text holds one ``{1:NUMERICAL:=v:0}`` or ``{1:SHORTANSWER:=a~=b}``
code per blank (``symdil.handout.grading``).  Question texts are HTML with the maths as TeX between
``\\( \\)`` and ``\\[ \\]``, the delimiters of Moodle's MathJax filter; the general feedback (shown
after an attempt) is the worked answer of the key, with its figure when there is one, embedded
as a base64 SVG ``<file>`` and linked as ``@@PLUGINFILE@@/<name>``.

Categories: one ``$course$/top/<title>`` category for a single sheet; with variants, one
category per exercise holding every student's variant of it, so a quiz's "random question" from
the category gives each student one of them.  The words come from the body templates (the
question and answer macros every format shares); this module only assembles XML.
"""

from __future__ import annotations

import base64
from typing import Any, Sequence

from .grading import Field

#: Moodle's default penalty for a wrong try in an adaptive quiz.
PENALTY = "0.3333333"


def xml_text(text: str) -> str:
    """Text for an XML element: ``& < >`` as entities (the same text Moodle reads back)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def category_name(text: str) -> str:
    """A category path segment: Moodle reads ``/`` as a separator and ``//`` as a slash."""
    return " ".join(text.split()).replace("/", "//")


def cloze_code(field: Field) -> str:
    """``{1:NUMERICAL:=v:0}`` (exact) or ``{1:SHORTANSWER:=a~=b}`` (every spelling accepted)."""
    if field.numeric:
        return f"{{1:NUMERICAL:={field.answers[0]}:0}}"
    for answer in field.answers:
        if any(char in answer for char in "#~*\\"):  # cloze syntax or a wildcard
            raise ValueError(f"internal error: answer {answer!r} cannot stand in a cloze code")
    # a closing brace would end the code: Moodle reads "\}" as "}"
    return "{1:SHORTANSWER:" + "~".join("=" + answer.replace("}", "\\}")
                                        for answer in field.answers) + "}"


def is_numerical(fields: Sequence[Field]) -> bool:
    return len(fields) == 1 and fields[0].numeric


def _file(name: str, svg: str) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<file name="{name}" path="/" encoding="base64">{data}</file>'


def question_xml(name: str, idnumber: str, text: str, feedback: str,
                 fields: Sequence[Field], figure: tuple[str, str] | None = None) -> str:
    """One question: ``text`` (HTML, cloze codes already in place when there are several
    blanks), ``feedback`` (HTML; ``figure`` = (file name, SVG) linked from it)."""
    files = _file(*figure) if figure is not None else ""
    kind = "numerical" if is_numerical(fields) else "cloze"
    lines = [f'  <question type="{kind}">',
             f"    <name><text>{xml_text(name)}</text></name>",
             f'    <questiontext format="html"><text>{xml_text(text)}</text></questiontext>',
             f'    <generalfeedback format="html"><text>{xml_text(feedback)}</text>{files}'
             "</generalfeedback>",
             f"    <penalty>{PENALTY}</penalty>",
             "    <hidden>0</hidden>",
             f"    <idnumber>{xml_text(idnumber)}</idnumber>"]
    if kind == "numerical":
        lines += ["    <defaultgrade>1</defaultgrade>",
                  f'    <answer fraction="100" format="moodle_auto_format">'
                  f"<text>{fields[0].answers[0]}</text>"
                  '<feedback format="html"><text></text></feedback>'
                  "<tolerance>0</tolerance></answer>",
                  "    <unitgradingtype>0</unitgradingtype>",
                  "    <unitpenalty>0.1000000</unitpenalty>",
                  "    <showunits>3</showunits>",
                  "    <unitsleft>0</unitsleft>"]
    lines.append("  </question>")
    return "\n".join(lines)


def category_xml(path: str) -> str:
    return ('  <question type="category">\n'
            f"    <category><text>{xml_text(path)}</text></category>\n"
            '    <info format="html"><text></text></info>\n'
            "  </question>")


def quiz_xml(blocks: Sequence[str]) -> str:
    """The whole file: the XML declaration on the first line (Moodle requires it there)."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(blocks) + "\n</quiz>\n"


def moodle_quiz(sheets: Sequence[tuple[Any, Any]], title: str | None = None,
                templates: Any = None) -> str:
    """The Moodle XML of ``sheets`` (``(student, Handout)`` pairs; student None for a single
    sheet): one category with the sheet's questions, or with several students one category per
    exercise holding each student's variant of it."""
    from ..figures import to_svg
    from ..render.environment import render_template

    top = "$course$/top/" + category_name(title or "symdil handout")
    contexts = [(student, sheet, sheet.context("moodle")) for student, sheet in sheets]
    variants = len(sheets) > 1 or sheets[0][0] is not None
    blocks = [] if variants else [category_xml(top)]
    count = len(contexts[0][2]["exercises"])
    for k in range(count):
        if variants:
            first = contexts[0][2]["exercises"][k]
            blocks.append(category_xml(
                f"{top}/{category_name(f'Exercise {k + 1}: ' + first['title'])}"))
        for student, sheet, context in contexts:
            e = dict(context["exercises"][k])
            fields = e["fields"]
            e["fields"] = [{"label": f.label, "numeric": f.numeric,
                            "columns": isinstance(f.value, tuple),
                            "code": None if is_numerical(fields) else cloze_code(f)}
                           for f in fields]
            who = student.id if student is not None else "sheet"
            figure = None
            if e["figure"] is not None:
                name = f"exercise-{k + 1}-{who}.svg"
                figure = (name, to_svg(e["figure"]["drawn"]))
                e["figure"] = {**e["figure"],
                               "body": f'<img src="@@PLUGINFILE@@/{name}" alt="figure">'}
            text = render_template("moodle/question.moodle.j2", {"exercise": e}, templates)
            feedback = render_template("moodle/feedback.moodle.j2", {"exercise": e}, templates)
            name = f"Exercise {k + 1}: {e['title']}"
            if student is not None:
                name += f" (variant {student.id})"
            blocks.append(question_xml(name, f"{who}-{k + 1}-{sheet.version}", text.strip(),
                                       feedback.strip(), fields, figure))
    return quiz_xml(blocks)
