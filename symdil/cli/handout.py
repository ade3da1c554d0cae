"""``symdil handout``: a teaching handout of seeded exercises, with a checked answer key."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..exercises import MAX_EXERCISES
from ..handout import Handout
from ..render import compile_pdf
from ..spec import SymdilError
from .common import check_extension, emit, user_errors
from .derive import pdf_target


class HandoutFormat(str, Enum):
    latex = "latex"
    markdown = "markdown"
    html = "html"


def handout(
    exercises: Annotated[int, typer.Option(
        "--exercises", "-e", help=f"How many exercises, at most {MAX_EXERCISES}, each on an "
        "operator of its own (their kinds cycle: output length, fill in the matrix, zero "
        "diagonals, one output, same padding, transposed shape, 2-D blocks).")] = 6,
    seed: Annotated[int, typer.Option(
        "--seed", help="Seed of the exercises: the same seed gives the same file, byte for "
        "byte.")] = 0,
    solutions: Annotated[bool, typer.Option(
        "--solutions", help="Add the answer key to the handout as a last section, on pages of "
        "its own (not with --solutions-file).")] = False,
    solutions_file: Annotated[Optional[Path], typer.Option(
        "--solutions-file", help="Write the answer key to FILE, a document of its own; the "
        "handout then has none (not with --solutions). With --pdf, [bold]key.pdf[/] writes the "
        "PDF only, [bold]key.tex[/] both.")] = None,
    fmt: Annotated[HandoutFormat, typer.Option("--format", "-f", help="Output format.")] = (
        HandoutFormat.latex
    ),
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write to FILE atomically (default: stdout); its extension, if "
        "any, must fit --format (.tex, or .pdf with --pdf; .md; .html).")] = None,
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
    """
    with user_errors():
        if pdf and fmt is not HandoutFormat.latex:
            raise SymdilError("--pdf compiles LaTeX; use it with --format latex")
        if solutions and solutions_file is not None:
            raise SymdilError("--solutions and --solutions-file cannot be combined: --solutions "
                              "adds the answer key to the handout, --solutions-file writes it "
                              "to a file of its own; give one of them")
        check_extension("-o/--output", output, fmt.value, pdf)
        check_extension("--solutions-file", solutions_file, fmt.value, pdf)
        if solutions_file is not None and output is not None and (
                solutions_file.resolve() == output.resolve()):
            raise SymdilError(f"--solutions-file {str(solutions_file)!r} is also -o/--output; "
                              "give the answer key a file of its own")
        sheet = Handout(exercises, seed, solutions, title)
        files: list[tuple[Optional[Path], str | bytes]] = []
        parts = [("handout", output)]
        if solutions_file is not None:
            parts.append(("solutions", solutions_file))
        for part, target in parts:
            text = sheet.render(fmt.value, part, templates)
            if pdf:
                tex_path, pdf_path = pdf_target(target)
                document = compile_pdf(text)
                if tex_path is not None:
                    files.append((tex_path, text))
                files.append((pdf_path, document))
            else:
                files.append((target, text))
        for path, data in files:
            emit(data, path)
