"""The elided matrix equation ``M a = y`` and the partitioned (block) matrices as LaTeX.

``matrix_equation`` typesets ``M a = y`` as three matrices from a ``Layout``;
``partitioned_matrix`` prints an N-D/channel operator with lines between its blocks;
``partitioned_vector`` the flattened input/output aligned with it; ``grid_matrix`` a block matrix
of labels.  Their widths are estimated (``estimated_width``) so that a matrix too wide for a page
is replaced by its block views.  The output is valid in LaTeX (amsmath) and KaTeX/MathJax alike.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from ..render.printer import ZERO_STYLES, SymdilLatexPrinter, sum_latex
from .elision import (
    DEFAULT_MAX_COLS,
    DEFAULT_MAX_ROWS,
    MARKER,
    PARTITION_MAX_COLS,
    PARTITION_MAX_ROWS,
    Layout,
    PartitionedLayout,
    _flat_row,
    _full,
    _ravel,
    matrix_layout,
    partitioned_layout,
    visible_indices,
)

#: Default limits of the derivation's matrices: they fit a page and amsmath's 10 columns.
#: amsmath's ``MaxMatrixCols``: wider matrices are typeset as ``array`` inside ``\\left[ \\right]``.
AMSMATH_MAX_COLS = 10


def bracket_matrix(cells: Sequence[Sequence[str]]) -> str:
    """``bmatrix`` (up to amsmath's 10 columns), else ``array`` in ``\\left[ \\right]``."""
    cols = max((len(line) for line in cells), default=1)
    body = " \\\\\n".join(" & ".join(line) for line in cells)
    if cols <= AMSMATH_MAX_COLS:
        return "\\begin{bmatrix}\n" + body + "\n\\end{bmatrix}"
    return (
        "\\left[\\begin{array}{" + "c" * cols + "}\n" + body + "\n\\end{array}\\right]"
    )


def column_vector(entries: Sequence[str]) -> str:
    return bracket_matrix([[entry] for entry in entries])


def marker_row(cols: Sequence, both: bool) -> list[str]:
    """The cells of an elided row: \\ddots under an elided column, \\vdots elsewhere (only at
    the ends when both rows and columns are elided)."""
    cells = []
    last = len(cols) - 1
    for index, c in enumerate(cols):
        if c is MARKER:
            cells.append(r"\ddots")
        elif not both or index in (0, last):
            cells.append(r"\vdots")
        else:
            cells.append("")
    return cells


def matrix_cells(layout: Layout, printer: SymdilLatexPrinter) -> list[list[str]]:
    both = MARKER in layout.rows and MARKER in layout.cols
    cells = []
    for r in layout.rows:
        if r is MARKER:
            cells.append(marker_row(layout.cols, both))
            continue
        entries = layout.entries["full"][r]
        line = []
        for c in layout.cols:
            line.append(r"\cdots" if c is MARKER else printer.entry(entries.get(c, 0)))
        cells.append(line)
    return cells


def matrix_equation(
    op: Any,
    max_rows: int | None = None,
    max_cols: int | None = None,
    zero: str = "0",
) -> str:
    """The LaTeX body (no ``\\[ \\]``/``$$``) of ``M a = y``: operator, input column, output column.

    With ``max_rows``/``max_cols`` (counting the ellipsis) a larger matrix is elided; None shows
    everything.  Only visible entries are built (``op.row``), never ``op.matrix``.  ``zero`` styles
    zero entries: ``"0"``, ``"dot"`` (``\\cdot``) or ``"blank"``.  Up to 10 visible columns use
    ``bmatrix``; wider ones ``\\left[\\begin{array}…\\end{array}\\right]`` (amsmath's
    ``MaxMatrixCols`` need not be raised).
    """
    matrix, inputs, outputs = _equation_cells(op, max_rows, max_cols, zero)
    return (bracket_matrix(matrix) + "\n" + bracket_matrix(inputs) + "\n=\n"
            + bracket_matrix(outputs))


def _equation_cells(op: Any, max_rows: int | None, max_cols: int | None,
                    zero: str = "0") -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """The printed cells of ``M``, of the input column and of the output column."""
    if zero not in ZERO_STYLES:
        raise ValueError(f"zero must be one of {', '.join(ZERO_STYLES)}, got {zero!r}")
    printer = SymdilLatexPrinter({"zero": zero})
    layout = matrix_layout(op, max_rows, max_cols)
    inputs = [[r"\vdots" if c is MARKER else printer._print(layout.entries["inputs"][c])]
              for c in layout.cols]
    outputs = [[r"\vdots" if r is MARKER else sum_latex(layout.outputs[r], printer)]
               for r in layout.rows]
    return matrix_cells(layout, printer), inputs, outputs


#: Room (points) that brackets and ``=`` take around the three arrays of ``M a = y``.
EQUATION_SPACING = 40.0


def fitted_matrix_equation(op: Any, max_rows: int, max_cols: int,
                           width: float | None = None) -> str:
    """``matrix_equation`` made to fit a line of ``width`` points (default ``PAGE_WIDTH``): on one
    line when it fits; else ``M a`` on one line and ``= y`` on the next (``aligned``), with fewer
    columns (down to 3) when ``M a`` alone is still too wide."""
    return fitted_matrix(op, max_rows, max_cols, width)[0]


def fitted_matrix(op: Any, max_rows: int, max_cols: int,
                  width: float | None = None) -> tuple[str, Layout]:
    """``fitted_matrix_equation`` and the layout it prints (the rows and columns shown), from
    which a document's sentence about what is shown is phrased."""
    width = PAGE_WIDTH if width is None else width
    for cols in range(max_cols, 2, -1):
        matrix, inputs, outputs = _equation_cells(op, max_rows, cols)
        left = array_width(matrix) + array_width(inputs) + EQUATION_SPACING
        if left + array_width(outputs) <= width:
            return (bracket_matrix(matrix) + "\n" + bracket_matrix(inputs) + "\n=\n"
                    + bracket_matrix(outputs)), matrix_layout(op, max_rows, cols)
        if left <= width or cols == 3:
            return ("\\begin{aligned}\n&" + bracket_matrix(matrix) + "\n" + bracket_matrix(inputs)
                    + " \\\\\n&\\qquad = " + bracket_matrix(outputs) + "\n\\end{aligned}"
                    ), matrix_layout(op, max_rows, cols)
    raise AssertionError("unreachable: cols == 3 returns")


def elided_vector(values: Sequence[Any] | None, size: int, limit: int | None,
                  value_at: Any = None) -> str:
    """A column vector of ``size`` entries, elided like the matrix columns (``value_at(i)``)."""
    printer = SymdilLatexPrinter()
    shown = visible_indices(size, limit)
    get = value_at if value_at is not None else (lambda i: values[i])
    return column_vector(
        [r"\vdots" if i is MARKER else printer.entry(get(i)) for i in shown]
    )


#: A zero-width strut that keeps superscripts off a horizontal line above them.
STRUT = r"\rule{0pt}{2.6ex}"


def partitioned_array(cells: Sequence[Sequence[str]], row_lines: Sequence[int],
                      col_lines: Sequence[int], transpose_mark: bool = False) -> str:
    """``array`` in ``\\left[ \\right]`` with ``lines`` (0, 1 or 2) after each row/column."""
    spec = "c"
    for lines in col_lines:
        spec += "|" * lines + "c"
    body = []
    for k, line in enumerate(cells):
        text = " & ".join(line)
        if k and row_lines[k - 1] and any("^{" in cell for cell in line):
            text = STRUT + " " + text
        if k < len(cells) - 1:
            text += " \\\\" + (" \\hline" * row_lines[k])
        body.append(text)
    mark = "^{\\mathsf{T}}" if transpose_mark else ""
    return ("\\left[\\begin{array}{" + spec + "}\n" + "\n".join(body) + "\n\\end{array}\\right]"
            + mark)


def partitioned_matrix(op: Any, max_rows: int = PARTITION_MAX_ROWS,
                       max_cols: int = PARTITION_MAX_COLS, zero: str = "dot") -> str:
    """The operator matrix with lines between its blocks, elided level by level; only visible
    entries are built (``op.row``), so the cost does not depend on the sizes."""
    layout, cells = partitioned_cells(op, max_rows, max_cols, zero)
    return partitioned_array(cells, layout.row_lines, layout.col_lines)


def partitioned_cells(op: Any, max_rows: int = PARTITION_MAX_ROWS,
                      max_cols: int = PARTITION_MAX_COLS,
                      zero: str = "dot") -> tuple[PartitionedLayout, list[list[str]]]:
    """The layout and printed cells of ``partitioned_matrix``."""
    printer = SymdilLatexPrinter({"zero": zero})
    layout = partitioned_layout(op, max_rows, max_cols)
    rows_cache: dict[int, dict] = {}
    cells = []
    for r_slot in layout.rows:
        line = []
        full_row = _full(r_slot, layout.row_sizes)
        if full_row:
            flat = _flat_row(op, r_slot, layout.row_sizes)
            if flat not in rows_cache:
                rows_cache[flat] = op.row(flat)
            entries = rows_cache[flat]
        for c_slot in layout.cols:
            full_col = _full(c_slot, layout.col_sizes)
            if full_row and full_col:
                line.append(printer.entry(entries.get(_ravel(c_slot, layout.col_sizes), 0)))
            elif full_row:
                line.append(r"\cdots")
            elif full_col:
                line.append(r"\vdots")
            else:
                line.append(r"\ddots")
        cells.append(line)
    return layout, cells


def partitioned_vector(op: Any, side: str, max_entries: int = PARTITION_MAX_COLS,
                       max_width: float | None = None, column_gap: float = 10.0) -> str:
    """The flattened input (``side="input"``, aligned with the matrix columns) or output
    (``"output"``, aligned with its rows) as a partitioned row vector, transposed.  At most
    ``max_entries`` entries (counting ellipses), fewer if their estimated width exceeds
    ``max_width`` points (default: a page line) with ``column_gap`` points between entries."""
    max_width = PAGE_WIDTH if max_width is None else max_width
    printer = SymdilLatexPrinter()
    symbol_at = op.input_symbol_at if side == "input" else op.output_symbol_at
    for budget in range(max_entries, 2, -1):
        layout = partitioned_layout(op, budget if side == "output" else PARTITION_MAX_ROWS,
                                    budget if side == "input" else PARTITION_MAX_COLS)
        slots, sizes, lines = ((layout.cols, layout.col_sizes, layout.col_lines)
                               if side == "input"
                               else (layout.rows, layout.row_sizes, layout.row_lines))
        cells = [printer._print(symbol_at(_ravel(slot, sizes))) if _full(slot, sizes)
                 else r"\cdots" for slot in slots]
        if array_width([cells], column_gap) <= max_width:
            break
    return partitioned_array([cells], (), lines, transpose_mark=True)


#: The width (points, as ``estimated_width`` counts them) a displayed array may take: the line
#: of a default ``article`` (345 pt at 10 pt, where a snippet is most often ``\\input``) less the
#: ``M = `` before it and the brackets -- so standalone documents (A4, 11 pt) fit with room.
PAGE_WIDTH = 330.0
#: The gap between the columns of the flattened vectors and of the full partitioned matrix: the
#: LaTeX templates set ``\\arraycolsep`` to 3 pt in those displays (amsmath's 5 pt leaves a
#: 12-column matrix a few points too wide for a default article).
TIGHT_COLUMN_GAP = 6.0
_COMMAND_RE = re.compile(r"\\([A-Za-z]+)")
_STACKED_RE = re.compile(r"\^\{([^{}]*)\}_\{([^{}]*)\}")
_GLYPH_COMMANDS = {"cdots": 2.5, "ldots": 2.5, "dots": 2.5, "vdots": 1, "ddots": 2.5, "cdot": 0.5,
                   "alpha": 1}


#: Baseline widths (points, 11 pt) that differ from the 6 pt of a lowercase letter or digit:
#: capitals, and binary operators and relations with the space around them.
_GLYPH_WIDTHS = {**{letter: 8.0 for letter in "ABCDEFGHIJKLNOPQRSTUVXYZ"}, "M": 10.5, "W": 10.5,
                 "+": 11.0, "-": 11.0, "=": 12.0}


def estimated_width(cell: str) -> float:
    """A rough width in points (11pt) of a simple math cell such as ``k^{(0,1)}_{2,3}``: 6 pt per
    lowercase glyph on the baseline (8 to 10.5 for a capital, 11 to 12 for ``+``, ``-``, ``=``
    with their spacing), 0.7 of that in a sub- or superscript."""
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


def grid_matrix(cells: Sequence[Sequence[str]]) -> str:
    """A block matrix with a line between every two block rows and block columns (``array``
    inside ``\\left[ \\right]``, valid in LaTeX and KaTeX)."""
    rows = len(cells)
    cols = max((len(line) for line in cells), default=1)
    return partitioned_array(cells, (1,) * (rows - 1), (1,) * (cols - 1))


def conv_latex_equation(op: Any) -> str:
    """``$$ M a = y $$`` for a notebook (elided at the default limits)."""
    return "$$\n" + matrix_equation(op, DEFAULT_MAX_ROWS, DEFAULT_MAX_COLS) + "\n$$"
