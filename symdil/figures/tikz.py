"""TikZ writer: a ``tikzpicture`` that needs only ``\\usepackage{tikz}`` (pdflatex).

The picture uses the figure's cell units (``x=0.95cm``, y pointing down like SVG's).  Each cell,
edge and note is preceded by a comment naming its role and ids -- ``% cell tap row=0 col=2 tap=1``
-- so the source can be read back and compared with the operator.  Math labels are the figure's
LaTeX as printed by symdil; words are escaped with ``latex_escape``.
"""

from __future__ import annotations

from ..render.environment import latex_escape
from .model import GRID, INK, Cell, Edge, Figure, Label, Note, colour

#: Centimetres per cell unit (SVG's 36 px).
UNIT_CM = 0.95
#: The same in points (a figure drawn for a width of W points is at most W / UNIT_POINTS units).
UNIT_POINTS = UNIT_CM * 72.27 / 2.54
_WORD_MATH = {"−": "$-$", "×": r"$\times$"}


def _n(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _colour_name(fill: str) -> str:
    return "symdil" + fill


def _comment(kind: str, role: str, ids: tuple) -> str:
    parts = [f"{key}={'none' if value is None else value}" for key, value in ids]
    return " ".join(["%", kind, role] + parts)


def label_tex(label: Label) -> str:
    """A label as TeX: ``$…$`` for math; escaped words (``−`` and ``×`` typeset as math)."""
    if label.math:
        return "$" + label.text + "$"
    out = []
    for char in label.text:
        out.append(_WORD_MATH[char] if char in _WORD_MATH else latex_escape(char))
    return r"\textsf{" + "".join(out) + "}"


def _cell(cell: Cell) -> list[str]:
    lines = [_comment("cell", cell.role, cell.ids)]
    if cell.border or cell.fill not in ("plain",):
        options = []
        if cell.fill != "none":
            options.append(f"fill={_colour_name(cell.fill)}")
        if not cell.border:
            options.append("draw=none")
        elif cell.role == "footprint":
            options += [f"draw={_colour_name('ink')}", "line width=1.5pt",
                        "dash pattern=on 5pt off 2pt"]
        else:
            strong = cell.strong or cell.role in ("output", "input", "tap", "legend")
            ink = "ink" if strong else ("zero" if cell.role == "zero" else "grid")
            options.append(f"draw={_colour_name(ink)}")
            options.append("line width=1.6pt" if cell.strong else "line width=0.6pt")
            if cell.dashed:
                options.append("dash pattern=on 3pt off 2pt")
        command = r"\filldraw" if cell.fill != "none" else r"\draw"
        if cell.role == "node":  # a layer's sample in a stack figure
            lines.append(f"{command}[{', '.join(options)}] ({_n(cell.x + cell.w / 2)},"
                         f"{_n(cell.y + cell.h / 2)}) circle ({_n(cell.w / 2)});")
        else:
            lines.append(f"{command}[{', '.join(options)}] ({_n(cell.x)},{_n(cell.y)}) "
                         f"rectangle ({_n(cell.x + cell.w)},{_n(cell.y + cell.h)});")
    if cell.label is not None:
        upper = ("layout", "upper") in cell.ids
        y = cell.y + (cell.h * 0.36 if upper else cell.h / 2)
        ink = "muted" if cell.role in ("pad", "inserted") else "ink"
        font = r"\small" if cell.small else r"\normalsize"
        lines.append(f"\\node[font={font}, text={_colour_name(ink)}, inner sep=0pt] at "
                     f"({_n(cell.x + cell.w / 2)},{_n(y)}) {{{label_tex(cell.label)}}};")
    return lines


def _edge(edge: Edge) -> list[str]:
    ink = "grid" if edge.role == "separator" else "ink"
    options = [f"draw={_colour_name(ink)}", "line width=1.2pt" if edge.thick else
               "line width=0.7pt"]
    if edge.arrow:
        options.insert(0, "-stealth")
    if edge.dashed:
        options.append("dash pattern=on 3pt off 2pt")
    return [_comment("edge", edge.role, edge.ids),
            f"\\draw[{', '.join(options)}] ({_n(edge.x1)},{_n(edge.y1)}) -- "
            f"({_n(edge.x2)},{_n(edge.y2)});"]


def _note(note: Note) -> list[str]:
    anchor = {"start": "base west", "middle": "base", "end": "base east"}[note.anchor]
    font = r"\small" if note.small else r"\normalsize"
    return [_comment("note", note.role, ()),
            f"\\node[anchor={anchor}, font={font}, inner sep=0pt] at "
            f"({_n(note.x)},{_n(note.y)}) {{{label_tex(note.label)}}};"]


def to_tikz(figure: Figure) -> str:
    """The figure as a ``tikzpicture`` (a snippet: ``\\input`` it where ``tikz`` is loaded)."""
    fills = sorted({cell.fill for cell in figure.cells if cell.fill not in ("none",)})
    lines = [f"% symdil figure: {figure.title}",
             f"\\begin{{tikzpicture}}[x={UNIT_CM}cm, y=-{UNIT_CM}cm]"]
    named = {"ink": INK, "grid": GRID, "zero": "CCCCCC", "muted": "555555"}
    for fill in fills:
        named[fill] = colour(fill)
    for name in sorted(named):
        lines.append(f"\\definecolor{{{_colour_name(name)}}}{{HTML}}{{{named[name]}}}")
    lines.append(f"\\useasboundingbox (0,0) rectangle ({_n(figure.width)},{_n(figure.height)});")
    for cell in figure.cells:
        lines += _cell(cell)
    for edge in figure.edges:
        lines += _edge(edge)
    for note in figure.notes:
        lines += _note(note)
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines) + "\n"


def tikz_document(figure: Figure) -> str:
    """A standalone LaTeX document whose one page is the figure, cropped to it (pdflatex)."""
    return "\n".join([
        r"\documentclass{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{tikz}",
        r"\pdfinfoomitdate=1",
        r"\pdftrailerid{}",
        r"\begin{document}",
        r"\setbox0=\hbox{%",
        to_tikz(figure).rstrip("\n") + "%",
        "}",
        r"\pdfpagewidth=\wd0 \pdfpageheight=\dimexpr\ht0+\dp0\relax",
        r"\hoffset=-1in \voffset=-1in",
        r"\shipout\vbox{\box0}",
        r"\end{document}",
        "",
    ])
