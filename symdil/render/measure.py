"""How wide a piece of TeX math will be: a rough estimate in points (11 pt type), used to decide
whether a display fits a line before anything is typeset (``estimated_width``, ``array_width``).
The estimate errs wide (a fraction counts numerator and denominator, a ``cases`` counts all its
rows), so a display it passes fits; the pdflatex tests measure the real widths."""

from __future__ import annotations

import re
from typing import Sequence

_COMMAND_RE = re.compile(r"\\([A-Za-z]+)")
_STACKED_RE = re.compile(r"\^\{([^{}]*)\}_\{([^{}]*)\}")
#: Commands measured in lowercase glyphs (6 pt); binary operators and relations with the space
#: around them (``\\cdot`` alone -- a zero entry -- is measured apart).
_GLYPH_COMMANDS = {"cdots": 2.5, "ldots": 2.5, "dots": 2.5, "vdots": 1, "ddots": 2.5, "cdot": 1.3,
                   "alpha": 1, "times": 2.0, "le": 2.0, "ge": 2.0, "leq": 2.0, "geq": 2.0,
                   "mapsto": 3.0, "quad": 1.8, "qquad": 3.6, "in": 2.0, "sum": 2.0}


#: Baseline widths (points, 11 pt) that differ from the 6 pt of a lowercase letter or digit:
#: capitals, and binary operators and relations with the space around them.
_GLYPH_WIDTHS = {**{letter: 8.0 for letter in "ABCDEFGHIJKLNOPQRSTUVXYZ"}, "M": 10.5, "W": 10.5,
                 "+": 11.0, "-": 11.0, "=": 12.0, ",": 3.0, ".": 3.0, "(": 4.5, ")": 4.5}


def estimated_width(cell: str) -> float:
    """A rough width in points (11pt) of a simple math cell such as ``k^{(0,1)}_{2,3}``: 6 pt per
    lowercase glyph on the baseline (8 to 10.5 for a capital, 11 to 12 for ``+``, ``-``, ``=``
    with their spacing), 0.7 of that in a sub- or superscript."""
    if cell.strip() == r"\cdot":  # a zero entry printed as a dot: no operator spacing
        return 3.0
    # a superscript and a subscript on the same base stack: the wider one counts
    cell = _STACKED_RE.sub(lambda m: "_{" + max(m.group(1), m.group(2), key=len) + "}", cell)
    width = 0.0
    depth = 0  # script nesting: braces opened right after ^ or _
    stack: list[bool] = []
    index = 0
    script_next = False
    while index < len(cell):
        char = cell[index]
        if char == "\\":
            match = _COMMAND_RE.match(cell, index)
            name = match.group(1) if match else ""
            index += len(name) + 1 if match else 2
            glyphs = _GLYPH_COMMANDS.get(name, 1 if name not in ("left", "right", "mathrm",
                                                                  "tilde", "hat", "mathsf")
                                         else 0)
            width += glyphs * (4.2 if depth or script_next else 6.0)
            script_next = False
            continue
        if char in "^_":
            script_next = True
        elif char == "{":
            stack.append(script_next)
            depth += script_next
            script_next = False
        elif char == "}":
            depth -= stack.pop() if stack else 0
        elif not char.isspace() and char != "&":
            scripted = depth or script_next
            glyph = _GLYPH_WIDTHS.get(char, 6.0)
            if scripted and char in "+-=":
                glyph = 6.0  # no spacing around operators in scripts
            width += glyph * 0.7 if scripted else glyph
            script_next = False
        index += 1
    return width


def array_width(cells: Sequence[Sequence[str]], column_gap: float = 10.0) -> float:
    """Estimated width of an array: the widest cell of every column plus the column gaps."""
    cols = max((len(line) for line in cells), default=0)
    widths = [max((estimated_width(line[c]) for line in cells if c < len(line)), default=0.0)
              for c in range(cols)]
    return sum(widths) + column_gap * cols


def _group(tex: str, start: int) -> int:
    """The index after the brace group opening at ``start`` (``tex[start] == "{"``)."""
    depth = 0
    for index in range(start, len(tex)):
        if tex[index] == "{" and (index == 0 or tex[index - 1] != "\\"):
            depth += 1
        elif tex[index] == "}" and tex[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(tex)


_BEGIN_RE = re.compile(r"\\begin\{([A-Za-z]+\*?)\}")
_FRAC_RE = re.compile(r"\\[dt]?frac(?=\{)")
#: Brackets, ``\\left``/``\\right`` fences and the space around an environment.
ENVIRONMENT_EDGES = 12.0


def display_width(tex: str) -> float:
    """``estimated_width`` of a whole display: an environment (``bmatrix``, ``array``,
    ``cases``, ``aligned``) counts as the array it is -- its widest cell per column plus the
    gaps -- and a fraction as the wider of its numerator and denominator."""
    begin = _BEGIN_RE.search(tex)
    if begin:
        name = begin.group(1)
        end_tag = "\\end{" + name + "}"
        body_start = begin.end()
        if tex.startswith("{", body_start) and name == "array":
            body_start = _group(tex, body_start)
        depth, index = 1, body_start
        while depth and index < len(tex):
            next_begin = tex.find("\\begin{" + name + "}", index)
            next_end = tex.find(end_tag, index)
            if next_end < 0:
                break
            if 0 <= next_begin < next_end:
                depth, index = depth + 1, next_begin + 1
            else:
                depth, index = depth - 1, next_end + len(end_tag)
        body = tex[body_start:index - len(end_tag)]
        rows = [_split_top(line, "&") for line in _split_top(body, "\\\\")]
        widths: list[float] = []
        for row in rows:
            for column, cell in enumerate(row):
                cell_width = display_width(cell)
                if column < len(widths):
                    widths[column] = max(widths[column], cell_width)
                else:
                    widths.append(cell_width)
        inner = sum(widths) + 10.0 * len(widths) + ENVIRONMENT_EDGES
        return display_width(tex[:begin.start()]) + inner + display_width(tex[index:])
    frac = _FRAC_RE.search(tex)
    if frac:
        numerator_end = _group(tex, frac.end())
        denominator_end = _group(tex, numerator_end) if tex.startswith(
            "{", numerator_end) else numerator_end
        wider = max(display_width(tex[frac.end() + 1:numerator_end - 1]),
                    display_width(tex[numerator_end + 1:denominator_end - 1]))
        return (display_width(tex[:frac.start()]) + wider + 2.0
                + display_width(tex[denominator_end:]))
    return estimated_width(tex)


def _split_top(tex: str, separator: str) -> list[str]:
    """``tex`` split at ``separator`` outside braces and nested environments."""
    parts, depth, start, index = [], 0, 0, 0
    while index < len(tex):
        if tex.startswith("\\begin{", index):
            depth += 1
        elif tex.startswith("\\end{", index):
            depth -= 1
        elif tex[index] == "\\" and not tex.startswith(separator, index):
            index += 2
            continue
        elif tex[index] == "{":
            depth += 1
        elif tex[index] == "}":
            depth -= 1
        if depth == 0 and tex.startswith(separator, index):
            parts.append(tex[start:index])
            index += len(separator)
            start = index
            continue
        index += 1
    parts.append(tex[start:])
    return parts
