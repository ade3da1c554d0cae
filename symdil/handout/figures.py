"""The figure an exercise's answer carries with ``figures=True``: the stack tree for the stack
kinds, the matrix picture for the kinds about the matrix, the window of one output for the
others (1-D, one channel).  ``exercise_figure(exercise)`` gives the drawn ``Figure`` and its kind;
the document writes it as TikZ (LaTeX), inline SVG (HTML), an SVG data URI (Markdown) or a
base64 SVG file (Moodle).
"""

from __future__ import annotations

import base64
from typing import Any

from ..figures import available_kinds, figure, stack_figure, to_svg, to_tikz
from ..figures.svg import inline_svg

#: The handout's text width in points (templates/latex/handout.tex.j2: a4paper, margin=2cm);
#: stack figures are drawn for it (the window and matrix figures for a column, as in papers).
TEXT_WIDTH = (21.0 - 2 * 2.0) * 72.27 / 2.54

#: Kinds whose answer is about the whole matrix: its picture, not one output's window.
_MATRIX_KINDS = {"fill_matrix", "zero_diagonals", "transposed_shape", "block_structure",
                 "transposed_length", "which_parameters", "find_wrong_entry"}


def exercise_figure(exercise: Any) -> tuple[str, Any]:
    """(kind, Figure): ``stack``, ``matrix`` or ``window``."""
    op = exercise.op
    row = exercise.question.get("row")
    at = row if isinstance(row, int) and not isinstance(row, bool) else None
    if hasattr(op, "layers"):
        return "stack", stack_figure(op, at, TEXT_WIDTH)
    kinds = available_kinds(op)
    if exercise.kind in _MATRIX_KINDS or "window" not in kinds:
        return "matrix", figure(op, "matrix")
    return "window", figure(op, "window", at=at)


def figure_body(drawn: Any, fmt: str) -> str:
    """The figure as ``fmt`` places it: TikZ, inline SVG, or a Markdown image's data URI."""
    if fmt == "latex":
        return to_tikz(drawn)
    if fmt == "html":
        return inline_svg(drawn)
    data = base64.b64encode(to_svg(drawn).encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{data}"
