"""``symdil matrix``: the operator matrix and output vector of one convolution."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from . import options as o
from .common import check_extension, check_targets, emit, output_file, user_errors

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
        if fmt is MatrixFormat.json:
            text = render.matrix_json(op)
        elif fmt is MatrixFormat.text:
            text = render.matrix_text(op)
        elif fmt is MatrixFormat.html:
            text = render.matrix_html(op)
        else:
            text = render.matrix_equation_document(op, render.MatrixFormat(fmt.value))
        emit(text, output)
