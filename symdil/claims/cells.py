r"""One cell of a claimed matrix -> a ``Cell``: an exact SymPy entry, a blank, an elision, a gap
or something that is not part of a convolution (the entry itself is read by ``entry``)."""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from .entry import parse_cell
from .limits import MAX_CELL_CHARS
from .refs import CellError, Foreign, RawRef, raw_ref

__all__ = ["BLANK", "DDOTS", "ELISIONS", "ENTRY", "FOREIGN", "GAP", "HDOTS", "VDOTS", "Cell",
           "CellError", "RawRef", "classify", "raw_ref"]


ENTRY, BLANK, HDOTS, VDOTS, DDOTS, GAP, FOREIGN = (
    "entry", "blank", "hdots", "vdots", "ddots", "gap", "foreign")
ELISIONS = (HDOTS, VDOTS, DDOTS)


@dataclass(frozen=True)
class Cell:
    r"""A cell as the author wrote it (``text``, 1-based ``line``/``column``) and what it is.

    ``kind``: ``entry`` (``expr`` holds the value), ``blank`` (an empty cell: zero), ``hdots`` /
    ``vdots`` / ``ddots`` (an elision), ``gap`` (no claim: a ``\multicolumn`` continuation, an
    entry with an ellipsis inside), ``foreign`` (not part of a convolution: ``note`` says why).
    """

    kind: str
    text: str
    line: int
    column: int
    expr: sympy.Expr | None = None
    note: str = ""


_ELISION_TEXT = {
    HDOTS: {r"\dots", r"\cdots", r"\ldots", r"\hdots", "...", r"\dotsc", r"\dotsb", r"\dotsm",
            r"\dotsi", r"\dotso", r"\cdot\cdot\cdot", r"\hdotsfor", "…", "⋯"},
    VDOTS: {r"\vdots", "⋮"},
    DDOTS: {r"\ddots", r"\iddots", r"\adots", r"\udots", "⋱"},
}
_ZERO_TEXT = {".", r"\cdot", "0", "{0}", "-", "--"}


def classify(text: str, line: int, column: int) -> Cell:
    """Read one cell; raise ``CellError`` for a syntax error (the caller adds where it is)."""
    stripped = " ".join(text.split())
    bare = stripped.replace(" ", "").replace("\\,", "")
    while len(bare) > 1 and bare[0] == "{" and bare[-1] == "}" and _balanced(bare[1:-1]):
        bare = bare[1:-1]
    if not bare:
        return Cell(BLANK, stripped, line, column, sympy.Integer(0))
    for kind, spellings in _ELISION_TEXT.items():
        if bare in spellings or (kind == HDOTS and bare.startswith(r"\hdotsfor")):
            return Cell(kind, stripped, line, column)
    if bare in _ZERO_TEXT and bare not in ("-", "--"):
        return Cell(ENTRY, stripped, line, column, sympy.Integer(0))
    if len(stripped) > MAX_CELL_CHARS:
        raise CellError(f"the cell has {len(stripped):,} characters, more than the limit of "
                        f"{MAX_CELL_CHARS:,}")
    try:
        expr = parse_cell(stripped)
    except Foreign as reason:
        return Cell(FOREIGN, stripped, line, column, note=str(reason))
    if expr is None:  # an ellipsis inside an entry: k_0 a_0 + \dots + k_2 a_2
        return Cell(GAP, stripped, line, column, note="an ellipsis inside the entry")
    return Cell(ENTRY, stripped, line, column, expr)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
