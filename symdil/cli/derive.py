"""``symdil derive``: the step-by-step derivation of one convolution, as LaTeX or Markdown."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..conv import Conv
from ..derivation import Derivation, verification_section
from ..printing import DEFAULT_MAX_COLS, DEFAULT_MAX_ROWS
from ..render import compile_pdf
from ..spec import SymdilError
from ..verification import verify as run_checks
from . import options as o
from .common import check_extension, emit, user_errors


class DeriveFormat(str, Enum):
    latex = "latex"
    markdown = "markdown"
    html = "html"


def pdf_target(output: Optional[Path]) -> tuple[Optional[Path], Path]:
    """Where ``--pdf`` writes: ``-o x.pdf`` -> only x.pdf; ``-o x.tex`` -> x.tex and x.pdf."""
    if output is None:
        raise SymdilError("--pdf needs -o/--output (FILE.tex writes FILE.tex and FILE.pdf; "
                          "FILE.pdf writes the PDF only)")
    if output.suffix.lower() == ".pdf":
        return None, output
    return output, output.with_suffix(".pdf")


@o.conv_command
def derive(
    op: Conv,
    fmt: Annotated[DeriveFormat, typer.Option("--format", "-f", help="Output format "
                   "([bold]html[/]: a self-contained page, math as MathML).")] = (
        DeriveFormat.latex
    ),
    standalone: Annotated[bool, typer.Option(
        "--standalone", help="A complete document (LaTeX: an article with preamble; Markdown: "
        "with its title) instead of a snippet.")] = False,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write to FILE atomically (default: stdout).")] = None,
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="Also compile the standalone LaTeX document with pdflatex: "
        "[bold]-o x.tex[/] writes x.tex and x.pdf, [bold]-o x.pdf[/] only the PDF.")] = False,
    templates: Annotated[Optional[Path], typer.Option(
        "--templates", help="Folder whose templates override the built-in ones by name "
        "(latex/derivation.tex.j2, latex/document.tex.j2, markdown/…).")] = None,
    max_rows: Annotated[int, typer.Option(
        "--max-rows", help="Largest number of matrix rows shown before eliding (>= 3).")] = (
        DEFAULT_MAX_ROWS
    ),
    max_cols: Annotated[int, typer.Option(
        "--max-cols", help="Largest number of matrix columns shown before eliding (>= 3).")] = (
        DEFAULT_MAX_COLS
    ),
    title: Annotated[Optional[str], typer.Option(
        "--title", help="Title of a --standalone document (plain text; escaped).")] = None,
    figures: Annotated[bool, typer.Option(
        "--figures", help="Add the window and matrix figures: TikZ in LaTeX (a standalone "
        "document loads tikz; a snippet needs it), inline SVG in HTML, and for Markdown SVG "
        "files written beside -o FILE.md as FILE-window.svg and FILE-matrix.svg, linked from "
        "it.")] = False,
    verify: Annotated[bool, typer.Option(
        "--verify", help="Run every check of [bold]symdil verify[/] and append a verification "
        "section; a failed check fails the command (exit 1) and nothing is written.")] = False,
) -> None:
    """Derive a convolution step by step: definition, sizes, matrix, structure, borders."""
    with user_errors():
        check_extension("-o/--output", output, fmt.value, pdf)
        if pdf:
            if fmt is not DeriveFormat.latex:
                raise SymdilError("--pdf compiles LaTeX; use it with --format latex")
            standalone = True
            tex_path, pdf_path = pdf_target(output)
        if fmt is DeriveFormat.html:
            standalone = True  # an HTML document is always a whole page
        if title is not None and not standalone:
            raise SymdilError("--title applies to --standalone documents; add --standalone")
        verification = None
        if verify:
            report = run_checks(op)
            if not report.passed:
                failed = ", ".join(check.name for check in report.failed)
                typer.echo(f"Error: verification failed ({failed}); nothing was written "
                           "(run symdil verify for the evidence)", err=True)
                raise typer.Exit(1)
            verification = verification_section(report)
        stem = None
        if figures and output is not None:
            stem = (tex_path if pdf and tex_path is not None else output).stem
        text = Derivation(op, max_rows, max_cols).render(fmt.value, standalone, templates,
                                                         verification, title, figures, stem)
        if figures and fmt.value == "markdown":
            from ..figures.embed import figure_files

            for name, svg in figure_files(op, stem).items():
                emit(svg, output.with_name(name))
        if pdf:
            document = compile_pdf(text)
            if tex_path is not None:
                emit(text, tex_path)
            emit(document, pdf_path)
        else:
            emit(text, output)
