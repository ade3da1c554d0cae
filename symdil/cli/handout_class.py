"""``symdil handout --variants N`` / ``--roster FILE``: a sheet per student, the class key, or one
Moodle quiz holding every variant.

Files: each student's sheet is ``<stem>-<id><ext>`` beside ``-o`` (with ``--pdf``: the PDF, and
the LaTeX too when ``-o`` names a ``.tex``), the key ``--solutions-file`` or ``<stem>-key<ext>``;
``--format moodle`` writes the one quiz to ``-o`` (or stdout).  Every path is checked before
anything is drawn, and all files are written or none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..core.errors import SymdilError
from ..core.options import parse_int
from .common import check_targets, emit, write_outputs
from .derive import compile_with_log

_EXTENSION = {"latex": ".tex", "markdown": ".md", "html": ".html"}


def _students(variants: Optional[str], roster: Optional[Path]) -> tuple:
    from ..handout.roster import read_roster_file
    from ..handout.roster import variants as numbered

    if variants is not None:
        return numbered(parse_int("--variants", variants))
    return read_roster_file(roster)


def write_class(variants: Optional[str], roster: Optional[Path], count: int, seed: int,
                options: dict, fmt: str, output: Optional[Path],
                solutions_file: Optional[Path], pdf: bool, templates: Optional[Path]) -> None:
    from ..handout.classroom import Classroom

    students = _students(variants, roster)
    if fmt == "moodle":
        check_targets([(output, "-o/--output")])
        quiz = Classroom(students, seed, count, **options).moodle(templates)
        emit(quiz, output)
        return
    if output is None:
        raise SymdilError("--variants/--roster write one file per student: give -o FILE "
                          f"(each sheet is FILE's stem, '-', the student's id, "
                          f"{_EXTENSION[fmt]})")
    suffix = output.suffix if output.suffix else _EXTENSION[fmt]
    tex_too = not pdf or suffix.lower() != ".pdf"
    stem = output.with_suffix("") if output.suffix else output
    key = solutions_file if solutions_file is not None else \
        stem.with_name(f"{stem.name}-key{suffix}")
    plan: list[tuple[Path, str, bool, str]] = []  # (path, what, pdf?, option)
    for student in students:
        path = stem.with_name(f"{stem.name}-{student.id}{suffix}")
        if pdf:
            if tex_too:
                plan.append((path.with_suffix(".tex"), student.id, False, "-o/--output"))
            plan.append((path.with_suffix(".pdf"), student.id, True, "-o/--output"))
        else:
            plan.append((path, student.id, False, "-o/--output"))
    key_option = "--solutions-file" if solutions_file is not None else "-o/--output (the key)"
    if pdf:
        if key.suffix.lower() != ".pdf":
            plan.append((key.with_suffix(".tex"), "", False, key_option))
        plan.append((key.with_suffix(".pdf"), "", True, key_option))
    else:
        plan.append((key, "", False, key_option))
    check_targets([(path, option) for path, _w, _p, option in plan])
    room = Classroom(students, seed, count, **options)
    texts = {s.id: room.sheet(s.id, fmt, templates) for s in students}
    texts[""] = room.key(fmt, templates)
    files = [(path, compile_with_log(texts[what], path) if is_pdf else texts[what], option)
             for path, what, is_pdf, option in plan]
    write_outputs(files)
