"""``symdil figure``: a picture of one convolution (window or matrix), as TikZ or SVG."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..core.errors import SymdilError
from . import options as o
from .common import check_extension, check_targets, emit, output_file, user_errors, write_outputs

if TYPE_CHECKING:
    from ..core.conv import Conv


class FigureKind(str, Enum):
    window = "window"
    matrix = "matrix"


class FigureFormat(str, Enum):
    tikz = "tikz"
    svg = "svg"


def _at(text: Optional[str]) -> Optional[tuple[int, ...]]:
    if text is None:
        return None
    items = []
    for item in text.split(","):
        item = item.strip()
        if not item.isascii() or not item.isdigit():
            raise SymdilError(f"--at must be output indices >= 0 (one per axis, comma "
                              f"separated), got {text!r}")
        items.append(int(item))
    return tuple(items)


@o.conv_command
def figure(
    op: Conv,
    kind: Annotated[FigureKind, typer.Option(
        "--kind", case_sensitive=False, help="[bold]window[/]: the taps of two consecutive "
        "outputs on the padded input (zero-insertion view when transposed; 1-D and 2-D, one "
        "channel); "
        "[bold]matrix[/]: the operator matrix, entries coloured by kernel tap, elided like the "
        "printed matrix.")] = FigureKind.window,
    fmt: Annotated[FigureFormat, typer.Option(
        "--format", "-f", case_sensitive=False, help="[bold]tikz[/]: a tikzpicture for LaTeX "
        "(needs \\usepackage{tikz}); [bold]svg[/]: an SVG 1.1 image.")] = FigureFormat.svg,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", parser=output_file, metavar="FILE",
        help="Write to FILE (default: stdout; folders are created, nothing is "
        "half-written).")] = None,
    standalone: Annotated[bool, typer.Option(
        "--standalone", help="TikZ only: a complete LaTeX document whose page is the figure "
        "(compiles with pdflatex).")] = False,
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="TikZ only: compile the figure with pdflatex: [bold]-o x.pdf[/] writes "
        "the PDF only, [bold]-o x.tex[/] the standalone LaTeX and x.pdf.")] = False,
    at: Annotated[Optional[str], typer.Option(
        "--at", metavar="I[,J]",
        help="Window: the first of the two consecutive outputs drawn, one index per "
        "axis (e.g. [bold]3[/] or [bold]0,2[/]; default: the first interior output, whose "
        "window reads no padding).")] = None,
    caption: Annotated[bool, typer.Option(
        "--caption", help="Draw the parameters under the figure (off by default: the paper's "
        "own \\caption says what it shows).")] = False,
    width: o.Width = None,
    max_rows: Annotated[Optional[int], typer.Option(
        "--max-rows", metavar="INT",
        help="Matrix: rows shown before eliding, counting the ellipsis (>= 3; "
        "default 16, as every printed matrix).")] = None,
    max_cols: Annotated[Optional[int], typer.Option(
        "--max-cols", metavar="INT",
        help="Matrix: columns shown before eliding (>= 3; default 16, as every printed "
        "matrix).")] = None,
) -> None:
    """Draw a convolution: its window (which inputs each output reads) or its matrix.

    Examples:

    \b
      symdil figure --n 7 --kernel 2 --dilation 2 -o window.svg
      symdil figure --n 7 --kernel 2 --dilation 2 --kind matrix -f tikz --pdf -o matrix.pdf
      symdil figure --n 4,3 --kernel 2,2 --dilation 2,1 --at 0,1 -o grid.svg
    """
    from ..figures import figure as build_figure
    from ..figures import tikz_document, to_svg, to_tikz

    with user_errors():
        check_extension("-o/--output", output, fmt.value,
                        pdf if fmt is FigureFormat.tikz else None)
        if fmt is FigureFormat.svg and (standalone or pdf):
            raise SymdilError("--standalone and --pdf apply to --format tikz (an SVG file is "
                              "already complete)")
        if kind is FigureKind.matrix and at is not None:
            raise SymdilError("--at applies to --kind window")
        if kind is FigureKind.window and (max_rows is not None or max_cols is not None):
            raise SymdilError("--max-rows/--max-cols apply to --kind matrix")
        tex_path = pdf_path = None
        if pdf:
            from .derive import pdf_target

            tex_path, pdf_path = pdf_target(output)
            check_targets([(tex_path, "-o/--output"), (pdf_path, "-o/--output (its PDF)")])
        else:
            check_targets([(output, "-o/--output")])
        from ..layout.width import line_width

        drawn = build_figure(op, kind.value, at=_at(at), max_rows=max_rows, max_cols=max_cols,
                             caption=caption, width=line_width(width))
        if fmt is FigureFormat.svg:
            emit(to_svg(drawn), output)
        elif pdf:
            from .derive import compile_with_log

            document = tikz_document(drawn)
            data = compile_with_log(document, pdf_path)
            files = [(tex_path, document, "-o/--output")] if tex_path is not None else []
            write_outputs([*files, (pdf_path, data, "-o/--output")])
        else:
            emit(tikz_document(drawn) if standalone else to_tikz(drawn), output)
