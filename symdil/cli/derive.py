"""``symdil derive``: the step-by-step derivation of one convolution, as LaTeX or Markdown."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..core.errors import SymdilError
from . import options as o
from .common import check_extension, check_targets, emit, output_file, user_errors, write_outputs

if TYPE_CHECKING:
    from ..checks.verify import VerificationReport
    from ..core.conv import Conv

#: the defaults of --max-rows/--max-cols, those of ``symdil.printing`` (a test keeps them equal;
#: importing printing here would make ``symdil --help`` import SymPy)
DEFAULT_MAX_ROWS = 16
DEFAULT_MAX_COLS = 16

def run_checks(op: Conv) -> VerificationReport:
    """``symdil.verify`` (imported when --verify asks for it)."""
    from ..verification import verify

    return verify(op)


class DeriveFormat(str, Enum):
    latex = "latex"
    markdown = "markdown"
    html = "html"


def pdf_target(output: Optional[Path], option: str = "-o/--output",
               ) -> tuple[Optional[Path], Path]:
    """Where ``--pdf`` writes: ``-o x.pdf`` -> only x.pdf; ``-o x.tex`` -> x.tex and x.pdf."""
    if output is None:
        raise SymdilError(f"--pdf needs {option} (FILE.tex writes FILE.tex and FILE.pdf; "
                          "FILE.pdf writes the PDF only)")
    if output.suffix.lower() == ".pdf":
        return None, output
    return output, output.with_suffix(".pdf")


@o.conv_command
def derive(
    op: Conv,
    fmt: Annotated[DeriveFormat, typer.Option("--format", "-f", case_sensitive=False,
                                             help="Output format ([bold]html[/]: a "
                                             "self-contained page, math as MathML).")] = (
        DeriveFormat.latex
    ),
    standalone: Annotated[bool, typer.Option(
        "--standalone", help="A complete document (LaTeX: an article with preamble; Markdown: "
        "with its title) instead of a snippet.")] = False,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", parser=output_file, metavar="FILE",
        help="Write to FILE (default: stdout); folders are created, "
        "nothing is half-written.")] = None,
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="Also compile the standalone LaTeX document with pdflatex: "
        "[bold]-o x.tex[/] writes x.tex and x.pdf, [bold]-o x.pdf[/] only the PDF.")] = False,
    templates: Annotated[Optional[Path], typer.Option(
        "--templates", help="Folder whose templates override the built-in ones by name "
        "(latex/derivation.tex.j2, latex/document.tex.j2, markdown/…).")] = None,
    max_rows: Annotated[str, typer.Option(
        "--max-rows", metavar="INT",
        help="Largest number of matrix rows shown before eliding (>= 3).")] = (
        str(DEFAULT_MAX_ROWS)
    ),
    max_cols: Annotated[str, typer.Option(
        "--max-cols", metavar="INT",
        help="Largest number of matrix columns shown before eliding (>= 3).")] = (
        str(DEFAULT_MAX_COLS)
    ),
    title: Annotated[Optional[str], typer.Option(
        "--title", help="Title of a --standalone document (plain text; escaped).")] = None,
    width: o.Width = None,
    figures: Annotated[bool, typer.Option(
        "--figures", help="Add the window and matrix figures: TikZ in LaTeX (a standalone "
        "document loads tikz; a snippet needs it), inline SVG in HTML, and for Markdown SVG "
        "files written beside -o FILE.md as FILE-window.svg and FILE-matrix.svg, linked from "
        "it.")] = False,
    verify: Annotated[bool, typer.Option(
        "--verify", help="Run every check of [bold]symdil verify[/] and append a verification "
        "section; a failed check fails the command (exit 1) and nothing is written.")] = False,
) -> None:
    """Derive a convolution step by step: definition, sizes, matrix, structure, borders.

    Examples:

    \b
      symdil derive --n 7 --kernel 2 --dilation 2 --format markdown
      symdil derive --n n --kernel 3 --dilation 2 --stride 2  # every n
      symdil derive --n 7 --kernel 2 --dilation 2 --verify --pdf -o out/seed.tex
    """
    with user_errors():
        check_extension("-o/--output", output, fmt.value, pdf)
        tex_path = pdf_path = None
        if pdf:
            if fmt is not DeriveFormat.latex:
                raise SymdilError("--pdf compiles LaTeX; use it with --format latex")
            standalone = True
            tex_path, pdf_path = pdf_target(output)
            check_targets([(tex_path, "-o/--output"), (pdf_path, "-o/--output (its PDF)")])
        else:
            check_targets([(output, "-o/--output")])
        if fmt is DeriveFormat.html:
            standalone = True  # an HTML document is always a whole page
        stem = None
        if figures and output is not None:
            stem = (tex_path if pdf and tex_path is not None else output).stem
        figure_targets = []
        if figures and fmt is DeriveFormat.markdown and output is not None:
            from ..figures import available_kinds

            figure_targets = [output.with_name(f"{stem}-{kind}.svg")
                              for kind in available_kinds(op)]
            check_targets([(output, "-o/--output")]
                          + [(path, "-o/--output (its figure)") for path in figure_targets])
        if title is not None and not standalone:
            raise SymdilError("--title applies to --standalone documents; add --standalone")
        rows = o.parse_int("--max-rows", max_rows)
        cols = o.parse_int("--max-cols", max_cols)
        from ..derivation import Derivation

        derivation = Derivation(op, rows, cols, width)
        verification = None
        if verify:
            from ..derivation import verification_section

            report = run_checks(op)
            # every statement the document makes, evaluated on the operator's rows
            statements = derivation.statement_checks()
            failed = [check.name for check in report.failed] + [
                check["name"] for check in statements if not check["passed"]]
            if failed:
                typer.echo(f"Error: verification failed ({', '.join(failed)}); nothing was "
                           "written (run symdil verify for the evidence)", err=True)
                raise typer.Exit(1)
            verification = verification_section(report)
        text = derivation.render(fmt.value, standalone, templates, verification, title,
                                 figures, stem)
        if figure_targets:
            from ..figures.embed import figure_files

            svgs = figure_files(op, stem)
            write_outputs([(output, text, "-o/--output")]
                          + [(path, svgs[path.name], "-o/--output (its figure)")
                             for path in figure_targets])
            return
        if pdf:
            document = compile_with_log(text, pdf_path)
            files = [(tex_path, text, "-o/--output")] if tex_path is not None else []
            write_outputs([*files, (pdf_path, document, "-o/--output")])
        else:
            emit(text, output)


def compile_with_log(text: str, pdf_path: Path) -> bytes:
    """``compile_pdf``; on a pdflatex error its log is kept as ``<output>.log`` (the only file
    written then) and the one-line error quotes the first error with its line number."""
    from ..io import write_files
    from ..render.pdf import PdfError, compile_pdf

    try:
        return compile_pdf(text)
    except PdfError as error:
        log_path: Optional[Path] = pdf_path.with_suffix(".log")
        try:
            write_files([(log_path, error.log, "the pdflatex log")])
        except SymdilError:
            log_path = None
        raise error.with_log(log_path, None) from None
