"""``symdil figure``: a picture of one convolution (window or matrix), as TikZ or SVG."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..conv import Conv
from ..spec import SymdilError
from . import options as o
from .common import emit, user_errors


class FigureKind(str, Enum):
    window = "window"
    matrix = "matrix"


class FigureFormat(str, Enum):
    tikz = "tikz"
    svg = "svg"


#: What each format writes, and the file extensions that name it.
_NAMED = {".svg": "SVG", ".tex": "LaTeX", ".ltx": "LaTeX", ".tikz": "LaTeX", ".pdf": "PDF",
          ".md": "Markdown", ".html": "HTML", ".htm": "HTML", ".json": "JSON"}


def _check_name(path: Optional[Path], fmt: FigureFormat, pdf: bool) -> None:
    if path is None:
        return
    kind = _NAMED.get(path.suffix.lower())
    if fmt is FigureFormat.svg:
        allowed, fits = ".svg", kind in (None, "SVG")
    elif pdf:
        allowed, fits = ".tex or .pdf", kind in (None, "LaTeX", "PDF")
    else:
        allowed, fits = ".tex or .tikz (or .pdf with --pdf)", kind in (None, "LaTeX")
    if not fits:
        written = "SVG" if fmt is FigureFormat.svg else "TikZ (LaTeX)"
        raise SymdilError(f"-o/--output {str(path)!r} is named as {kind} ({path.suffix}) but "
                          f"--format {fmt.value} writes {written}; name it {allowed}, or change "
                          "--format")


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
        "--kind", help="[bold]window[/]: the taps of two consecutive outputs on the padded "
        "input (zero-insertion view when transposed; 1-D and 2-D, one channel); "
        "[bold]matrix[/]: the operator matrix, entries coloured by kernel tap, elided like the "
        "printed matrix.")] = FigureKind.window,
    fmt: Annotated[FigureFormat, typer.Option(
        "--format", "-f", help="[bold]tikz[/]: a tikzpicture for LaTeX (needs "
        "\\usepackage{tikz}); [bold]svg[/]: an SVG 1.1 image.")] = FigureFormat.svg,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write to FILE atomically (default: stdout).")] = None,
    standalone: Annotated[bool, typer.Option(
        "--standalone", help="TikZ only: a complete LaTeX document whose page is the figure "
        "(compiles with pdflatex).")] = False,
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="TikZ only: compile the figure with pdflatex: [bold]-o x.pdf[/] writes "
        "the PDF only, [bold]-o x.tex[/] the standalone LaTeX and x.pdf.")] = False,
    at: Annotated[Optional[str], typer.Option(
        "--at", help="Window: the first of the two consecutive outputs drawn, one index per "
        "axis (e.g. [bold]3[/] or [bold]0,2[/]; default 0).")] = None,
    max_rows: Annotated[Optional[int], typer.Option(
        "--max-rows", help="Matrix: rows shown before eliding, counting the ellipsis (>= 3; "
        "default as the printed matrix: 8 in 1-D, 16 for N-D or channels).")] = None,
    max_cols: Annotated[Optional[int], typer.Option(
        "--max-cols", help="Matrix: columns shown before eliding (>= 3; default 10 in 1-D, 16 "
        "for N-D or channels).")] = None,
) -> None:
    """Draw a convolution: its window (which inputs each output reads) or its matrix."""
    from ..figures import figure as build_figure
    from ..figures import tikz_document, to_svg, to_tikz

    with user_errors():
        _check_name(output, fmt, pdf)
        if fmt is FigureFormat.svg and (standalone or pdf):
            raise SymdilError("--standalone and --pdf apply to --format tikz (an SVG file is "
                              "already complete)")
        if kind is FigureKind.matrix and at is not None:
            raise SymdilError("--at applies to --kind window")
        if kind is FigureKind.window and (max_rows is not None or max_cols is not None):
            raise SymdilError("--max-rows/--max-cols apply to --kind matrix")
        drawn = build_figure(op, kind.value, at=_at(at), max_rows=max_rows, max_cols=max_cols)
        if fmt is FigureFormat.svg:
            emit(to_svg(drawn), output)
            return
        if pdf:
            from ..render import compile_pdf
            from .derive import pdf_target

            tex_path, pdf_path = pdf_target(output)
            document = tikz_document(drawn)
            data = compile_pdf(document)
            if tex_path is not None:
                emit(document, tex_path)
            emit(data, pdf_path)
            return
        emit(tikz_document(drawn) if standalone else to_tikz(drawn), output)
