"""``symdil handout``: a teaching handout of seeded exercises, with a checked answer key."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..core.errors import SymdilError
from ..core.options import parse_int
from .common import check_extension, check_targets, emit, output_file, user_errors, write_outputs
from .derive import compile_with_log, pdf_target

#: ``symdil.exercises.MAX_EXERCISES`` (a test keeps them equal; importing it here would make
#: ``symdil --help`` import SymPy)
MAX_EXERCISES = 42


class HandoutFormat(str, Enum):
    latex = "latex"
    markdown = "markdown"
    html = "html"


def handout(
    exercises: Annotated[str, typer.Option(
        "--exercises", "-e", metavar="INT",
        help=f"How many exercises, at most {MAX_EXERCISES}, each on an operator of its own "
        "(their kinds cycle: output length, fill in the matrix, zero "
        "diagonals, one output, same padding, transposed shape, 2-D blocks).")] = "6",
    seed: Annotated[str, typer.Option(
        "--seed", metavar="INT",
        help="Seed of the exercises: the same seed gives the same file, byte for byte.")] = "0",
    solutions: Annotated[bool, typer.Option(
        "--solutions", help="Add the answer key to the handout as a last section, on pages of "
        "its own (not with --solutions-file).")] = False,
    solutions_file: Annotated[Optional[Path], typer.Option(
        "--solutions-file", parser=output_file, metavar="FILE",
        help="Write the answer key to FILE, a document of its own; the "
        "handout then has none (not with --solutions). With --pdf, [bold]key.pdf[/] writes the "
        "PDF only, [bold]key.tex[/] both.")] = None,
    fmt: Annotated[HandoutFormat, typer.Option("--format", "-f", case_sensitive=False,
                                               help="Output format.")] = (
        HandoutFormat.latex
    ),
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", parser=output_file, metavar="FILE",
        help="Write to FILE (default: stdout; folders are created, nothing is "
        "half-written); its extension, if any, must fit --format (.tex, or .pdf with --pdf; "
        ".md; .html).")] = None,
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="Compile with pdflatex: [bold]-o x.pdf[/] writes the PDF only, "
        "[bold]-o x.tex[/] writes x.tex and x.pdf.")] = False,
    templates: Annotated[Optional[Path], typer.Option(
        "--templates", help="Folder whose templates override the built-in ones by name "
        "(latex/handout.tex.j2, latex/handout_parts.tex.j2, markdown/…).")] = None,
    title: Annotated[Optional[str], typer.Option(
        "--title", help="Title of the handout (plain text; escaped).")] = None,
) -> None:
    """Write a handout: notation, worked examples, exercises and (optionally) the answer key.

    Every answer is computed by symdil and checked a second way, or nothing is written.

    Examples:

    \b
      symdil handout --exercises 6 --seed 314 --solutions -o out/handout.tex
      symdil handout --seed 2 --pdf -o out/sheet.pdf --solutions-file out/key.pdf
      symdil handout --exercises 3 --format markdown
    """
    from ..handout.document import Handout

    with user_errors():
        count = parse_int("--exercises", exercises)
        seed_value = parse_int("--seed", seed)
        if pdf and fmt is not HandoutFormat.latex:
            raise SymdilError("--pdf compiles LaTeX; use it with --format latex")
        if solutions and solutions_file is not None:
            raise SymdilError("--solutions and --solutions-file cannot be combined: --solutions "
                              "adds the answer key to the handout, --solutions-file writes it "
                              "to a file of its own; give one of them")
        check_extension("-o/--output", output, fmt.value, pdf)
        check_extension("--solutions-file", solutions_file, fmt.value, pdf)
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
        sheet = Handout(count, seed_value, solutions, title)
        texts = {part: sheet.render(fmt.value, part, templates) for part, _t, _o in parts}
        files = [(path, compile_with_log(texts[part], path) if is_pdf else texts[part], option)
                 for path, part, is_pdf, option in targets]
        if output is None:
            emit(texts["handout"], None)
        if files:
            write_outputs(files)
