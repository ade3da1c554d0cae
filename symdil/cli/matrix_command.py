"""``symdil matrix``: the operator matrix and output vector of one convolution."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..core.errors import SymdilError
from . import options as o
from .common import check_extension, check_targets, emit, output_file, user_errors
from .derive import DEFAULT_MAX_COLS, DEFAULT_MAX_ROWS

if TYPE_CHECKING:
    from ..core.conv import Conv


class MatrixFormat(str, Enum):
    text = "text"
    latex = "latex"
    markdown = "markdown"
    json = "json"
    html = "html"


@o.conv_command
def matrix(
    op: Conv,
    fmt: Annotated[MatrixFormat, typer.Option("--format", "-f", case_sensitive=False,
                                              help="Output format.")] = MatrixFormat.text,
    output: Annotated[
        Optional[Path], typer.Option(
        "--output", "-o", parser=output_file, metavar="FILE",
        help="Write to FILE (default: stdout); "
                                     "folders are created, nothing is half-written.")
    ] = None,
    max_rows: Annotated[str, typer.Option(
        "--max-rows", metavar="INT", help="Largest number of rows shown before eliding "
        "(>= 3, counting the ellipsis; the same default as derive and figure).")] = (
        str(DEFAULT_MAX_ROWS)),
    max_cols: Annotated[str, typer.Option(
        "--max-cols", metavar="INT", help="Largest number of columns shown before eliding "
        "(>= 3; LaTeX, Markdown and HTML also give up columns to fit --width).")] = (
        str(DEFAULT_MAX_COLS)),
    width: o.Width = None,
) -> None:
    """Print the operator matrix and the output vector of a convolution.

    Examples:

    \b
      symdil matrix --n 7 --kernel 2 --dilation 2
      symdil matrix --n 5 --kernel 1,-2,1 --padding same --format latex
      symdil matrix --n 4,4 --kernel 2,2 --format json -o out/m.json
    """
    from ..core.limits import check_row_taps
    from . import matrix as render

    with user_errors():
        op._need_concrete()
        check_row_taps(op)  # every format prints whole rows: their sums, or entries
        check_extension("-o/--output", output, fmt.value)
        check_targets([(output, "-o/--output")])
        from ..core.limits import check_printed_cells
        from ..layout.width import line_width

        rows = o.parse_int("--max-rows", max_rows, "an integer >= 3")
        cols = o.parse_int("--max-cols", max_cols, "an integer >= 3")
        for name, value in (("--max-rows", rows), ("--max-cols", cols)):
            if value < 3:
                raise SymdilError(f"{name} must be an integer >= 3 (first entries, an ellipsis "
                                  f"and the last entry), got {value}")
        check_printed_cells(*op.shape, rows, cols, "--max-rows/--max-cols")
        points = line_width(width)
        if fmt is MatrixFormat.json:
            text = render.matrix_json(op)
        elif fmt is MatrixFormat.text:
            text = render.matrix_text(op, rows, cols)
        elif fmt is MatrixFormat.html:
            text = render.matrix_html(op, rows, cols, points)
        else:
            text = render.matrix_equation_document(op, render.MatrixFormat(fmt.value), rows,
                                                   cols, points)
        emit(text, output)
