"""Figures as data: cells, edges and notes placed in cell units, each naming what it shows.

A figure is built once (``window``, ``matrix``, ``stack`` modules) and then written by a format
writer (``svg``, ``tikz``); writers only translate, they never decide what is drawn.  Coordinates
are in cell units (one input sample = 1 x 1), y grows downwards.  Every cell and edge carries
``ids`` -- ``(("row", 3), ("col", 5), ("tap", 1))`` -- that the writers emit as SVG classes and
TikZ comments, so a test can read a figure back and compare it with the operator.

Labels are LaTeX math printed by ``symdil.printing`` (``a_{1}``, ``k_{0} + k_{2}``); TikZ typesets
them as they are and ``runs`` turns them into plain text runs (base, subscript, superscript) for
SVG, so both formats show the same label by construction.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass, field
from typing import Any

from ..render.plain import latex_runs

#: Paul Tol's "light" qualitative palette: colour-blind safe, pale enough for black labels.  The
#: colour is a second cue only: every tap cell also carries its kernel label, so a grayscale print
#: reads the same.

#: Paul Tol's "light" qualitative palette: colour-blind safe, pale enough for black labels.  The
#: colour is a second cue only: every tap cell also carries its kernel label, so a grayscale print
#: reads the same.
TAP_COLOURS = ("77AADD", "EE8866", "EEDD88", "FFAABB", "99DDFF", "44BB99", "BBCC33", "AAAA00")
#: Named fills besides the taps.
FILLS = {
    "pad": "EEEEEE",      # padding cells (dashed border)
    "mixed": "DDDDDD",    # a matrix entry that sums several taps (folded padding)
    "out": "FFFFFF",
    "focus": "FFF3C4",    # the output being computed
    "plain": "FFFFFF",
}
INK = "222222"
#: Small text (kernel labels, words, legends) beside the labels: TikZ's \\small beside
#: \\normalsize (9 pt of 10) -- the size of a document's figure caption, never smaller.
SMALL_RATIO = 0.9
GRID = "999999"


def tap_colour(tap: int, count: int, per_row: int) -> str:
    """The colour of flat tap ``tap`` of a kernel of ``count`` taps, ``per_row`` to a row of
    its grid (the last axis): the palette by position when the kernel has at most as many
    taps as the palette colours (no two can collide); else one hue per kernel row, evenly
    around the colour wheel, in shades from dark to pale along the row -- so no two taps of one
    kernel share a colour, and every shade stays pale enough for a black label."""
    if count <= len(TAP_COLOURS):
        return TAP_COLOURS[tap]
    rows = -(-count // per_row)
    row, column = divmod(tap, per_row)
    hue = ((210.0 + 360.0 * row / rows) % 360.0) / 360.0
    lightness = 0.55 + 0.35 * (column / (per_row - 1)) if per_row > 1 else 0.72
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, 0.65)
    return "".join(f"{round(value * 255):02X}" for value in (red, green, blue))


def tap_fill(tap: int, count: int, per_row: int) -> str:
    """The fill name of a tap: ``tap`` and its colour (``tap77AADD``), so writers need no
    palette of their own and a legend swatch is the same fill as its cells."""
    return "tap" + tap_colour(tap, count, per_row)


def colour(fill: str) -> str:
    """The RGB hex of a fill name (``tap77AADD``, ``pad``, …)."""
    if fill.startswith("tap") and len(fill) == 9:
        return fill[3:]
    return FILLS[fill]


@dataclass(frozen=True)
class Label:
    """Text of a cell or note: LaTeX math (``math=True``) or a plain word."""

    text: str
    math: bool = True

    @property
    def runs(self) -> tuple[tuple[str, str, bool], ...]:
        """``(text, position, italic)`` runs; position is ``base``, ``sub`` or ``sup``."""
        if not self.math:
            return ((self.text, "base", False),)
        return tuple(latex_runs(self.text))

    def width(self, size: float = 1.0) -> float:
        """Estimated width in ems (for layout): 0.55 em per glyph, 0.7 of that in scripts."""
        total = 0.0
        previous = None
        for text, position, _ in self.runs:
            width = len(text) * 0.55 * (0.7 if position != "base" else 1.0)
            if position == "sub" and previous is not None and previous[1] == "sup":
                width = max(0.0, width - previous[0])  # stacked under the superscript
            total += width
            previous = (width, position)
        return total * size


@dataclass(frozen=True)
class Cell:
    """A box: ``role`` says what it is (input, pad, inserted, tap, output, entry, header, …)."""

    x: float
    y: float
    w: float
    h: float
    role: str
    label: Label | None = None
    fill: str = "plain"
    dashed: bool = False
    strong: bool = False
    border: bool = True
    ids: tuple[tuple[str, Any], ...] = ()
    small: bool = False


@dataclass(frozen=True)
class Edge:
    """A line or arrow from (x1, y1) to (x2, y2)."""

    x1: float
    y1: float
    x2: float
    y2: float
    role: str
    arrow: bool = True
    ids: tuple[tuple[str, Any], ...] = ()
    dashed: bool = False
    thick: bool = False


@dataclass(frozen=True)
class Note:
    """Free text at (x, y) (its baseline centre; ``anchor`` start/middle/end)."""

    x: float
    y: float
    label: Label
    role: str = "note"
    anchor: str = "middle"
    small: bool = False


@dataclass(frozen=True)
class Figure:
    """A whole picture: its size in cell units and everything drawn, in drawing order."""

    kind: str
    width: float
    height: float
    title: str
    cells: tuple[Cell, ...] = ()
    edges: tuple[Edge, ...] = ()
    notes: tuple[Note, ...] = ()
    meta: dict = field(default_factory=dict, compare=False)


def id_tokens(ids: tuple[tuple[str, Any], ...]) -> list[str]:
    """``row-3 col-5 tap-1`` tokens (``col-none`` for a tap that meets a zero)."""
    return [f"{key}-{'none' if value is None else value}" for key, value in ids]


def with_caption(figure: Figure) -> Figure:
    """``figure`` with its caption (``meta["caption"]``) written under everything drawn."""
    note = Note(0.3, figure.height + 0.45, Label(figure.meta["caption"], math=False), "caption",
                "start", small=True)
    # the caption's own width, at the small size (0.8 of the 0.4 em per cell unit)
    width = max(figure.width, 0.3 + note.label.width(0.4 * SMALL_RATIO) + 0.3)
    return Figure(figure.kind, round(width, 3), round(figure.height + 0.75, 3), figure.title,
                  figure.cells, figure.edges, figure.notes + (note,), figure.meta)
