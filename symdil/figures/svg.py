"""SVG 1.1 writer: plain shapes and text, no scripts, no CSS, no external references.

Fonts are the generic families every renderer has (``serif`` for math, ``sans-serif`` for words).
Each cell, edge and note is a ``<g>`` whose ``class`` names its role and its ids
(``cell tap row-0 col-2 tap-1``), so the picture can be read back with ``xml.etree``.  No ``id``
attribute is written: several figures inlined in one HTML page cannot clash.  Numbers are written
with at most two decimals, so the bytes are the same for the same figure.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape, quoteattr

from .model import GRID, INK, SMALL_RATIO, Cell, Edge, Figure, Label, Note, colour, id_tokens

#: Pixels per cell unit, and font sizes (px).
UNIT = 36.0
FONT = 14.0
SMALL = FONT * SMALL_RATIO  # \small beside \normalsize, as in TikZ
MATH_FONT = "serif"
TEXT_FONT = "sans-serif"


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _px(value: float) -> str:
    return _n(value * UNIT)


def _text(x: float, y: float, label: Label, size: float, anchor: str, fill: str = INK) -> str:
    """A ``<text>`` with sub/superscript runs shifted by ``dy`` (SVG 1.1 tspans)."""
    family = MATH_FONT if label.math else TEXT_FONT
    parts = []
    offset = 0.0
    previous: tuple[str, str] | None = None
    for text, position, italic in label.runs:
        target = {"base": 0.0, "sub": 0.3 * size, "sup": -0.4 * size}[position]
        attrs = []
        if position == "sub" and previous is not None and previous[1] == "sup":
            # a subscript after a superscript stacks under it, as in TeX (k^{(0,1)}_{2})
            attrs.append(f'dx="{_n(-len(previous[0]) * 0.55 * 0.72 * size)}"')
        previous = (text, position)
        if target != offset:
            attrs.append(f'dy="{_n(target - offset)}"')
            offset = target
        if position != "base":
            attrs.append(f'font-size="{_n(size * 0.72)}"')
        if italic:
            attrs.append('font-style="italic"')
        # spaces around + and - would collapse in SVG: no-break spaces keep them
        body = escape(text).replace(" ", "\u00a0") if label.math else escape(text)
        parts.append(f"<tspan {' '.join(attrs)}>{body}</tspan>" if attrs else
                     f"<tspan>{body}</tspan>")
    return (f'<text x="{_px(x)}" y="{_px(y)}" font-family="{family}" font-size="{_n(size)}" '
            f'text-anchor="{anchor}" fill="#{fill}">' + "".join(parts) + "</text>")


def _cell(cell: Cell) -> str:
    classes = " ".join(["cell", cell.role] + id_tokens(cell.ids))
    out = [f"<g class={quoteattr(classes)}>"]
    if cell.border or cell.fill not in ("plain",):
        fill = "none" if cell.fill == "none" else "#" + colour(cell.fill)
        if not cell.border:
            stroke = ' stroke="none"'
        else:
            width = 2.2 if cell.strong else 1.0
            ink = INK if cell.strong or cell.role in ("output", "input", "tap", "legend") else GRID
            if cell.role in ("zero",):
                ink = "CCCCCC"
            stroke = f' stroke="#{ink}" stroke-width="{_n(width)}"'
            if cell.dashed:
                stroke += ' stroke-dasharray="4,3"'
        if cell.role == "footprint":
            stroke = f' stroke="#{INK}" stroke-width="2" stroke-dasharray="7,3"'
        if cell.role == "node":  # a layer's sample in a stack figure
            out.append(f'<circle cx="{_px(cell.x + cell.w / 2)}" cy="{_px(cell.y + cell.h / 2)}" '
                       f'r="{_px(cell.w / 2)}" fill="{fill}"{stroke}/>')
        elif cell.border or fill != "#FFFFFF":
            out.append(f'<rect x="{_px(cell.x)}" y="{_px(cell.y)}" width="{_px(cell.w)}" '
                       f'height="{_px(cell.h)}" fill="{fill}"{stroke}/>')
    if cell.label is not None:
        size = SMALL if cell.small else FONT
        upper = ("layout", "upper") in cell.ids
        baseline = cell.y + (cell.h * 0.42 if upper else cell.h / 2 + 0.14)
        if cell.role == "ellipsis":
            baseline = cell.y + cell.h / 2 + 0.1
        ink = "555555" if cell.role in ("pad", "inserted") else INK
        out.append(_text(cell.x + cell.w / 2, baseline, cell.label, size, "middle", ink))
    out.append("</g>")
    return "".join(out)


def _edge(edge: Edge) -> str:
    classes = " ".join(["edge", edge.role] + id_tokens(edge.ids))
    width = 2.0 if edge.thick else 1.2
    dash = ' stroke-dasharray="4,3"' if edge.dashed else ""
    x1, y1, x2, y2 = (edge.x1 * UNIT, edge.y1 * UNIT, edge.x2 * UNIT, edge.y2 * UNIT)
    out = [f"<g class={quoteattr(classes)}>"]
    head = ""
    if edge.arrow:
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        size = 7.0
        # the line stops where the arrowhead begins
        bx, by = x2 - ux * size, y2 - uy * size
        left = (bx - uy * size * 0.45, by + ux * size * 0.45)
        right = (bx + uy * size * 0.45, by - ux * size * 0.45)
        head = (f'<polygon points="{_n(x2)},{_n(y2)} {_n(left[0])},{_n(left[1])} '
                f'{_n(right[0])},{_n(right[1])}" fill="#{INK}"/>')
        x2, y2 = bx, by
    ink = "BBBBBB" if edge.role == "separator" else INK
    out.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
               f'stroke="#{ink}" stroke-width="{_n(width)}"{dash}/>')
    out.append(head)
    out.append("</g>")
    return "".join(out)


def _note(note: Note) -> str:
    classes = " ".join(["note", note.role])
    size = SMALL if note.small else FONT
    return (f"<g class={quoteattr(classes)}>"
            + _text(note.x, note.y, note.label, size, note.anchor) + "</g>")


def to_svg(figure: Figure) -> str:
    """The figure as a standalone SVG 1.1 document (also valid inline in HTML5)."""
    width, height = _px(figure.width), _px(figure.height)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" class="symdil-figure '
        f'{figure.kind}">',
        f"<title>{escape(figure.title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#FFFFFF"/>',
    ]
    lines += [_cell(cell) for cell in figure.cells]
    lines += [_edge(edge) for edge in figure.edges]
    lines += [_note(note) for note in figure.notes]
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def inline_svg(figure: Figure) -> str:
    """The figure for inlining in HTML: the SVG element without the XML declaration."""
    return to_svg(figure).split("\n", 1)[1]
