"""A class's handouts: one sheet per student, one key with every sheet's answers, one quiz.

``Classroom(students, seed, ...)`` gives each student (``symdil.handout.roster.Student``) a
``Handout`` whose seed is ``student_seed(seed, id)``: the same kinds, level and number of
exercises for everybody (variants of an exercise are equally hard), different sizes, and a
sheet that depends only on the class seed and the student's id.  ``sheet(id)`` renders one
student's sheet (their name and id printed on it), ``key(fmt)`` every student's answers by id,
``moodle()`` the quiz with one category per exercise holding every variant.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from ..core.errors import SymdilError
from ..core.spec import require_int
from .document import FORMATS, TEMPLATES, Handout
from .exercises import DEFAULT_LEVEL
from .roster import Student, student_seed

#: The class key's template per format (every student's answers, by id).
KEY_TEMPLATES = {"latex": "latex/handout_class_key.tex.j2",
                 "markdown": "markdown/handout_class_key.md.j2",
                 "html": "html/handout_class_key.html.j2"}


class Classroom:
    """Sheets for ``students`` from the class ``seed`` (see the module docstring)."""

    def __init__(self, students: Sequence[Student], seed: int = 0, exercises: int = 6, *,
                 kinds: Any = None, level: int = DEFAULT_LEVEL, figures: bool = False,
                 title: str | None = None) -> None:
        if not students or not all(isinstance(s, Student) for s in students):
            raise SymdilError(f"students must be a non-empty list of Student, got {students!r}")
        ids = [s.id for s in students]
        if len(set(ids)) != len(ids):
            raise SymdilError("students: every id must be different")
        self.seed = require_int("seed", seed, 0)
        self.title = title
        self.students = tuple(students)
        self.sheets = {s.id: Handout(exercises, student_seed(self.seed, s.id), False, title,
                                     kinds=kinds, level=level, figures=figures, student=s)
                       for s in self.students}

    def sheet(self, student_id: str, fmt: str = "latex", templates: Any = None) -> str:
        """The student's sheet (exercises, no answers), their name and id on it."""
        if fmt not in KEY_TEMPLATES:
            raise SymdilError(f"format must be one of {', '.join(KEY_TEMPLATES)} for a "
                              f"student's sheet, got {fmt!r}")
        return self.sheets[student_id].render(fmt, "handout", templates)

    def key(self, fmt: str = "latex", templates: Any = None) -> str:
        """One document with every student's answers, student by student (by id)."""
        from ..render.environment import render_template

        if fmt not in KEY_TEMPLATES:
            raise SymdilError(f"format must be one of {', '.join(KEY_TEMPLATES)} for the "
                              f"class key, got {fmt!r}")
        first = self.sheets[self.students[0].id]
        context = {
            "title": self.title, "count": len(first.exercises), "figures": first.figures,
            "students": [{"student": s, "version": self.sheets[s.id].version,
                          "command": self.sheets[s.id].command,
                          "exercises": self.sheets[s.id].context(fmt)["exercises"]}
                         for s in self.students],
        }
        text = render_template(KEY_TEMPLATES[fmt], context, templates)
        if fmt == "markdown":
            text = re.sub(r"\n{3,}", "\n\n", text)
        return text.rstrip("\n") + "\n"

    def moodle(self, templates: Any = None) -> str:
        """The quiz: per exercise a category holding every student's variant."""
        from .moodle import moodle_quiz

        return moodle_quiz([(s, self.sheets[s.id]) for s in self.students], self.title,
                           templates)


__all__ = ["Classroom", "FORMATS", "TEMPLATES"]
