"""``symdil handout``: a teaching handout of seeded exercises, with a checked answer key; for a
class, one sheet per student (``--variants``/``--roster``) and a Moodle quiz (``--format
moodle``)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..core.errors import SymdilError
from ..core.options import parse_int
from .common import check_extension, check_targets, emit, output_file, user_errors, write_outputs
from .derive import compile_with_log, pdf_target

#: ``symdil.handout.exercises.MAX_EXERCISES`` (a test keeps them equal; importing it here would
#: make ``symdil --help`` import SymPy)
MAX_EXERCISES = 42


class HandoutFormat(str, Enum):
    latex = "latex"
    markdown = "markdown"
    html = "html"
    moodle = "moodle"


def _list_kinds(value: bool) -> None:
    if value:
        from ..handout.exercises import KINDS, SUMMARIES

        width = max(len(kind) for kind in KINDS)
        for kind in KINDS:
            typer.echo(f"{kind.ljust(width)}  {SUMMARIES[kind]}")
        raise typer.Exit()


def handout(
    exercises: Annotated[str, typer.Option(
        "--exercises", "-e", metavar="INT",
        help=f"How many exercises, at most {MAX_EXERCISES}, each on an operator of its own "
        "(their kinds cycle through --kinds).")] = "6",
    seed: Annotated[str, typer.Option(
        "--seed", metavar="INT",
        help="Seed of the exercises (with --variants/--roster: of the class; each student's "
        "seed is derived from it and their id): the same seed gives the same files, byte for "
        "byte.")] = "0",
    kinds: Annotated[Optional[str], typer.Option(
        "--kinds", metavar="KIND,...",
        help="The exercise kinds to cycle through, comma-separated (default: output_length, "
        "fill_matrix, zero_diagonals, output_entry, same_padding, transposed_shape, "
        "block_structure); --list-kinds prints them all.")] = None,
    list_kinds: Annotated[bool, typer.Option(
        "--list-kinds", is_eager=True, callback=_list_kinds,
        help="Print every exercise kind with one line about it, and exit.")] = False,
    level: Annotated[str, typer.Option(
        "--level", metavar="1|2|3",
        help="Difficulty: sizes, strides, dilations, paddings and stack depths grow with the "
        "level.")] = "2",
    figures: Annotated[bool, typer.Option(
        "--figures", help="Give each answer its figure (the window of one output, the matrix "
        "picture or the stack tree).")] = False,
    variants: Annotated[Optional[str], typer.Option(
        "--variants", metavar="INT",
        help="One sheet per student for INT anonymous students (ids 1..INT), each with its own "
        "sizes: files <stem>-<id>.<ext>, and a key with every sheet's answers.")] = None,
    roster: Annotated[Optional[Path], typer.Option(
        "--roster", help="A CSV file of students (a column of ids, a column of names "
        "optional): one sheet per student, their name and id printed on it.")] = None,
    solutions: Annotated[bool, typer.Option(
        "--solutions", help="Add the answer key to the handout as a last section, on pages of "
        "its own (not with --solutions-file, --variants or --roster).")] = False,
    solutions_file: Annotated[Optional[Path], typer.Option(
        "--solutions-file", parser=output_file, metavar="FILE",
        help="Write the answer key to FILE, a document of its own (with "
        "--variants/--roster: every student's answers; default <stem>-key.<ext>). With --pdf, "
        "[bold]key.pdf[/] writes the PDF only, [bold]key.tex[/] both.")] = None,
    fmt: Annotated[HandoutFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="Output format ([bold]moodle[/]: Moodle XML questions, graded automatically; with "
        "--variants/--roster one category per exercise holding every variant).")] = (
        HandoutFormat.latex
    ),
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", parser=output_file, metavar="FILE",
        help="Write to FILE (default: stdout; folders are created, nothing is "
        "half-written); its extension, if any, must fit --format (.tex, or .pdf with --pdf; "
        ".md; .html; .xml). With --variants/--roster each student's sheet is "
        "<stem>-<id> beside it.")] = None,
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="Compile with pdflatex: [bold]-o x.pdf[/] writes the PDF only, "
        "[bold]-o x.tex[/] writes x.tex and x.pdf.")] = False,
    templates: Annotated[Optional[Path], typer.Option(
        "--templates", help="Folder whose templates override the built-in ones by name "
        "(latex/handout.tex.j2, body/handout_parts.j2, moodle/question.moodle.j2, …).")] = None,
    title: Annotated[Optional[str], typer.Option(
        "--title", help="Title of the handout (plain text; escaped).")] = None,
) -> None:
    """Write a handout: notation, worked examples, exercises and (optionally) the answer key;
    for a class, a sheet per student and a Moodle quiz.

    Every answer is computed by symdil and checked a second way, or nothing is written.

    Examples:

    \b
      symdil handout --exercises 6 --seed 314 --solutions -o out/handout.tex
      symdil handout --kinds numeric_output,find_wrong_entry --variants 30 --format moodle -o c.xml
      symdil handout --roster students.csv --pdf -o sheets/week5.pdf
    """
    with user_errors():
        count = parse_int("--exercises", exercises)
        seed_value = parse_int("--seed", seed)
        level_value = parse_int("--level", level)
        if pdf and fmt is not HandoutFormat.latex:
            raise SymdilError("--pdf compiles LaTeX; use it with --format latex")
        if solutions and solutions_file is not None:
            raise SymdilError("--solutions and --solutions-file cannot be combined: --solutions "
                              "adds the answer key to the handout, --solutions-file writes it "
                              "to a file of its own; give one of them")
        if variants is not None and roster is not None:
            raise SymdilError("--variants and --roster cannot be combined: --variants numbers "
                              "anonymous sheets, --roster names them; give one of them")
        if fmt is HandoutFormat.moodle and (solutions or solutions_file is not None):
            raise SymdilError("--format moodle puts each worked answer in its question's "
                              "feedback; write a key with --format latex, markdown or html")
        check_extension("-o/--output", output, fmt.value, pdf)
        check_extension("--solutions-file", solutions_file, fmt.value, pdf)
        options = {"kinds": kinds, "level": level_value, "figures": figures, "title": title}
        if variants is not None or roster is not None:
            from .handout_class import write_class

            if solutions:
                raise SymdilError("--solutions adds the key to a single sheet; a class's key is "
                                  "a file of its own (--solutions-file, default "
                                  "<stem>-key.<ext>)")
            write_class(variants, roster, count, seed_value, options, fmt.value, output,
                        solutions_file, pdf, templates)
            return
        _write_sheet(count, seed_value, options, solutions, solutions_file, fmt.value, output,
                     pdf, templates)


def _write_sheet(count: int, seed: int, options: dict, solutions: bool,
                 solutions_file: Optional[Path], fmt: str, output: Optional[Path], pdf: bool,
                 templates: Optional[Path]) -> None:
    from ..handout import Handout

    parts = [("handout", output, "-o/--output")]
    if solutions_file is not None:
        parts.append(("solutions", solutions_file, "--solutions-file"))
    # (path, part, pdf?, option) of every file, all checked before anything is computed
    targets: list[tuple[Path, str, bool, str]] = []
    for part, target, option in parts:
        if pdf:
            tex_path, pdf_path = pdf_target(target, option)
            if tex_path is not None:
                targets.append((tex_path, part, False, option))
            targets.append((pdf_path, part, True, option))
        elif target is not None:
            targets.append((target, part, False, option))
    check_targets([(path, option) for path, _part, _pdf, option in targets])
    sheet = Handout(count, seed, solutions, options["title"], kinds=options["kinds"],
                    level=options["level"], figures=options["figures"])
    texts = {part: sheet.render(fmt, part, templates) for part, _t, _o in parts}
    files = [(path, compile_with_log(texts[part], path) if is_pdf else texts[part], option)
             for path, part, is_pdf, option in targets]
    if output is None:
        emit(texts["handout"], None)
    if files:
        write_outputs(files)
