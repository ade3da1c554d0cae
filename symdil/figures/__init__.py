"""Figures drawn from the operator: window, matrix (and stack) pictures as data, then TikZ or SVG.

``figure(op, kind)`` builds a ``Figure`` (cells, edges and notes, each naming the row, column and
tap it shows); ``to_svg``/``to_tikz`` write it; ``render_figure(op, kind, fmt)`` does both.

A document stage.  May import: every stage below the documents (core … claims).
"""

from __future__ import annotations

from typing import Any

from ..core.spec import SymdilError, plain_int
from ..layout.elision import (
    DEFAULT_MAX_COLS,
    DEFAULT_MAX_ROWS,
    PARTITION_MAX_COLS,
    PARTITION_MAX_ROWS,
)
from ..layout.width import COLUMN
from .matrix import matrix_figure
from .model import Figure, with_caption
from .svg import inline_svg, to_svg
from .tikz import UNIT_POINTS, tikz_document, to_tikz
from .window import check_window, window_figure

KINDS = ("window", "matrix")
FORMATS = ("tikz", "svg")


def figure(op: Any, kind: str = "window", *, at: Any = None, max_rows: int | None = None,
           max_cols: int | None = None, caption: bool = False,
           width: float | None = COLUMN) -> Figure:
    """The figure of ``op``: ``kind`` is ``window`` (``at``: the first of the two outputs drawn;
    default an interior output) or ``matrix`` (``max_rows``/``max_cols``: elision limits, as for
    the printed matrix).  ``width`` (points; default a two-column paper's column, None: no
    limit): the figure is drawn for it at full type size -- fewer positions or columns, panels
    stacked -- never scaled down.  No caption is drawn unless ``caption`` (a paper has its own
    ``\\caption``): then the parameters, below everything else."""
    units = None if width is None else width / UNIT_POINTS
    if kind == "window":
        drawn = window_figure(op, at, units)
    elif kind == "matrix":
        guard_matrix_figure(op, max_rows, max_cols)
        drawn = matrix_figure(op, max_rows, max_cols, units)
    else:
        raise SymdilError(f"figure kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return with_caption(drawn) if caption else drawn


def guard_matrix_figure(op: Any, max_rows: Any, max_cols: Any) -> None:
    """The printed matrix's guards, before anything is drawn: whole rows are drawn (at most
    ``MAX_ROW_TAPS`` taps each) and at most ``MAX_PRINTED_CELLS`` cells."""
    from ..core.limits import check_printed_cells, check_row_taps

    if op.symbolic:
        return  # matrix_figure refuses the general case with its own message
    check_row_taps(op)
    partitioned = op.ndim > 1 or op.in_channels > 1 or op.out_channels > 1
    default_rows, default_cols = ((PARTITION_MAX_ROWS, PARTITION_MAX_COLS) if partitioned
                                  else (DEFAULT_MAX_ROWS, DEFAULT_MAX_COLS))
    max_rows, max_cols = plain_int(max_rows), plain_int(max_cols)
    rows = max_rows if isinstance(max_rows, int) and not isinstance(max_rows, bool) else None
    cols = max_cols if isinstance(max_cols, int) and not isinstance(max_cols, bool) else None
    check_printed_cells(op.shape[0], op.shape[1], rows or default_rows, cols or default_cols)


def stack_figure(stack: Any, at: int | None = None, width: float | None = None) -> Figure:
    """The stack figure (layers as rows of nodes, the dependency tree of output ``at``, its
    receptive field bracketed); see ``symdil.figures.stack``.  ``width`` (points; None: no
    limit): the input row is elided until the figure fits it, where the tree allows."""
    from .stack import stack_figure as draw

    return draw(stack, at, None if width is None else width / UNIT_POINTS)


def available_kinds(op: Any) -> tuple[str, ...]:
    """The figure kinds drawn for ``op`` in documents: the matrix always (concrete n), the
    window for 1-D and 2-D operators with one channel and at most ``MAX_TAPS`` taps per axis."""
    if op.symbolic:
        return ()
    try:
        check_window(op)
    except SymdilError:
        return ("matrix",)
    return ("window", "matrix")


def render_figure(op: Any, kind: str = "window", fmt: str = "svg", **options: Any) -> str:
    """The figure written as ``svg`` (an SVG 1.1 document) or ``tikz`` (a tikzpicture)."""
    if fmt not in FORMATS:
        raise SymdilError(f"figure format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    drawn = figure(op, kind, **options)
    return to_svg(drawn) if fmt == "svg" else to_tikz(drawn)


__all__ = ["Figure", "available_kinds", "figure", "inline_svg", "matrix_figure",
           "render_figure", "stack_figure", "tikz_document", "to_svg", "to_tikz",
           "window_figure"]
