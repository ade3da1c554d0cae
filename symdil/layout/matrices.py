"""The elided matrix equation ``M a = y`` and the partitioned (block) matrices as LaTeX.

``matrix_equation`` typesets ``M a = y`` as three matrices from a ``Layout``;
``partitioned_matrix`` prints an N-D/channel operator with lines between its blocks;
``partitioned_vector`` the flattened input/output aligned with it; ``grid_matrix`` a block matrix
of labels.  Their widths are estimated (``estimated_width``) so that a matrix too wide for a page
is replaced by its block views.  The output is valid in LaTeX (amsmath) and KaTeX/MathJax alike.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..render.measure import array_width, estimated_width
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
from .width import current_width

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


def _output_names(op: Any, max_rows: int | None, max_cols: int | None) -> list[str | None]:
    """The output symbol of every visible row (None for an ellipsis)."""
    printer = SymdilLatexPrinter()
    layout = matrix_layout(op, max_rows, max_cols)
    return [None if r is MARKER else printer._print(op.output_symbol_at(r)) if not op.symbolic
            else None for r in layout.rows]


#: Room (points) that brackets and ``=`` take around the three arrays of ``M a = y``.
EQUATION_SPACING = 40.0
#: Column gaps (twice ``\\arraycolsep``): amsmath's 5 pt, and the tight 2 pt a display sets
#: before it gives up columns.
NORMAL_COLUMN_GAP = 10.0
TIGHTEST_COLUMN_GAP = 4.0
TIGHT_SPACING = "\\setlength{\\arraycolsep}{2pt}\n"


def equation_forms(matrix: list, inputs: list, outputs: list, width: float,
                   names: Sequence[str | None] = ()) -> str | None:
    """``M a = y`` laid out to fit ``width`` points, or None.  In this order: on one line; ``M a``
    and ``= y`` on two lines (each first with amsmath's column gap, then with the tight one);
    then, tight, ``M`` on a line of its own -- whole, else its columns in two parts on two
    lines -- with the vectors below it (``a`` and ``y = M a`` side by side, else one under the
    other, else ``a`` and one line per visible output)."""
    m_tex, a_tex, y_tex = (bracket_matrix(matrix), bracket_matrix(inputs),
                           bracket_matrix(outputs))
    for gap, spacing in ((NORMAL_COLUMN_GAP, ""), (TIGHTEST_COLUMN_GAP, TIGHT_SPACING)):
        m_w, a_w, y_w = (array_width(matrix, gap), array_width(inputs, gap),
                         array_width(outputs, gap))
        if m_w + a_w + y_w + EQUATION_SPACING <= width:
            return spacing + m_tex + "\n" + a_tex + "\n=\n" + y_tex
        if max(m_w + a_w, y_w + 20.0) + EQUATION_SPACING <= width:
            return (spacing + "\\begin{aligned}\n&" + m_tex + "\n" + a_tex
                    + " \\\\\n&\\qquad = " + y_tex + "\n\\end{aligned}")
    gap = TIGHTEST_COLUMN_GAP
    a_w, y_w = array_width(inputs, gap), array_width(outputs, gap)
    matrices = [(array_width(matrix, gap) + 15.0, "M &= " + m_tex)]
    half = (max(len(line) for line in matrix) + 1) // 2
    if half >= 3:
        # the brackets open on the first line and close on the second
        left, right = [line[:half] for line in matrix], [line[half:] for line in matrix]
        matrices.append((max(array_width(left, gap), array_width(right, gap)) + 35.0,
                         "M &= " + _open_array(left, "[", ".") + " \\\\\n&\\qquad "
                         + _open_array(right, ".", "]")))
    # (the allowances: the names, "=", ",\\quad y = M a =" and the brackets, measured)
    vectors = [(a_w + y_w + 72.0, "a &= " + a_tex + ",\\quad y = M a = " + y_tex),
               (max(a_w + 20.0, y_w + 60.0), "a &= " + a_tex + ", \\\\\ny &= M a = " + y_tex)]
    if names:
        vectors.append((a_w + 60.0, "a &= " + a_tex + ",\\quad y = M a: \\\\\n"
                        + _output_lines(names, outputs, width)))
    for matrix_width, matrix_lines in matrices:
        for vector_width, vector_lines in vectors:
            if max(matrix_width, vector_width) + EQUATION_SPACING <= width:
                return (TIGHT_SPACING + "\\begin{aligned}\n" + matrix_lines + ", \\\\\n"
                        + vector_lines + "\n\\end{aligned}")
    return None


def _output_lines(names: Sequence[str | None], outputs: Sequence[Sequence[str]],
                  width: float) -> str:
    """``y_r &= sum`` for every visible output (``\\vdots`` for an ellipsis), a sum too wide
    for the line continued on the next at a ``+`` or ``-``."""
    lines = []
    for name, (total,) in zip(names, outputs):
        if name is None:
            lines.append("&\\;\\vdots")
            continue
        room = width - EQUATION_SPACING - estimated_width(name)
        pieces = total.replace(" - ", " + - ").split(" + ")
        current = pieces[0]
        first = True
        for piece in pieces[1:]:
            joiner = " - " + piece[2:] if piece.startswith("- ") else " + " + piece
            if estimated_width(current + joiner) > room:
                lines.append((name + " &= " if first else "&\\quad ") + current)
                first = False
                current = joiner.strip()
            else:
                current += joiner
        lines.append((name + " &= " if first else "&\\quad ") + current)
    return " \\\\\n".join(lines)


def _open_array(cells: Sequence[Sequence[str]], left: str, right: str) -> str:
    """``\\left[ array \\right.`` (or ``\\left. … \\right]``): one part of a matrix broken
    across lines, with the same column spacing as the other part."""
    cols = max(len(line) for line in cells)
    body = " \\\\\n".join(" & ".join(line) for line in cells)
    return ("\\left" + left + "\\begin{array}{" + "c" * cols + "}\n" + body
            + "\n\\end{array}\\right" + right)


def fitted_matrix_equation(op: Any, max_rows: int, max_cols: int,
                           width: float | None = None) -> str:
    """``matrix_equation`` made to fit a line of ``width`` points (default: the document's,
    ``current_width``): the forms of ``equation_forms`` with all the columns the limits allow,
    and only then fewer columns (down to 3, where the narrowest form is taken)."""
    return fitted_equation(op, max_rows, max_cols, width)[1]


def fitted_equation(op: Any, max_rows: int, max_cols: int,
                    width: float | None = None) -> tuple[Layout, str]:
    """The ``Layout`` that ``fitted_matrix_equation`` prints -- the record of which rows and
    columns are shown, for the words about them -- and its TeX."""
    width = current_width() if width is None else width
    for cols in range(max_cols, 2, -1):
        matrix, inputs, outputs = _equation_cells(op, max_rows, cols)
        fitted = equation_forms(matrix, inputs, outputs, width,
                                _output_names(op, max_rows, cols))
        if fitted is not None:
            return matrix_layout(op, max_rows, cols), fitted
    return matrix_layout(op, max_rows, 3), (
        TIGHT_SPACING + "\\begin{aligned}\nM &= " + bracket_matrix(matrix) + ", \\\\\na &= "
        + bracket_matrix(inputs) + ", \\\\\ny &= M a = " + bracket_matrix(outputs)
        + "\n\\end{aligned}")


def fitted_matrix(op: Any, max_rows: int, max_cols: int,
                  width: float | None = None) -> tuple[str, Layout]:
    """``fitted_matrix_equation`` and the layout it prints (the rows and columns shown), from
    which a document's sentence about what is shown is phrased."""
    layout, tex = fitted_equation(op, max_rows, max_cols, width)
    return tex, layout


def fitted_lone_matrix(op: Any, max_rows: int, max_cols: int, printer: SymdilLatexPrinter,
                       room: float = 30.0) -> tuple[Layout, str]:
    """One operator matrix (no vectors) that fits the document's width less ``room`` points
    (a name and ``=`` before it): all the columns the limits allow with amsmath's gap, then
    the tight gap, and only then fewer columns."""
    width = current_width() - room
    for cols in range(max_cols, 2, -1):
        layout = matrix_layout(op, max_rows, cols)
        cells = matrix_cells(layout, printer)
        for gap, spacing in ((NORMAL_COLUMN_GAP, ""), (TIGHTEST_COLUMN_GAP, TIGHT_SPACING)):
            if array_width(cells, gap) + 12.0 <= width or cols == 3:
                return layout, spacing.rstrip("\n") + bracket_matrix(cells)
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
                      col_lines: Sequence[int], transpose_mark: bool = False, left: str = "[",
                      right: str = "]") -> str:
    """``array`` in ``\\left[ \\right]`` with ``lines`` (0, 1 or 2) after each row/column
    (``left``/``right``: ``.`` for a part of a matrix broken across lines)."""
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
    return ("\\left" + left + "\\begin{array}{" + spec + "}\n" + "\n".join(body)
            + "\n\\end{array}\\right" + right + mark)


def fitted_partitioned(cells: Sequence[Sequence[str]], row_lines: Sequence[int],
                       col_lines: Sequence[int], room: float = 30.0,
                       gap: float = 6.0) -> str | None:
    """A partitioned matrix that fits the document's width less ``room`` points: in one piece,
    else its columns in two parts on two lines, broken at the block line nearest the middle
    (the bracket opens on the first line and closes on the second); None when neither fits."""
    width = current_width() - room
    if array_width(cells, gap) + 12.0 <= width:
        return partitioned_array(cells, row_lines, col_lines)
    cols = max(len(line) for line in cells)
    boundaries = [k + 1 for k, lines in enumerate(col_lines) if lines] or [cols // 2]
    gap = min(gap, TIGHTEST_COLUMN_GAP)  # the broken form sets the tightest gap itself

    def widest(k: int) -> float:  # the wider line when broken before column k
        return max(array_width([line[:k] for line in cells], gap),
                   array_width([line[k:] for line in cells], gap) + 24.0)  # its \qquad

    # the block line that makes the wider line narrowest (the second line starts indented,
    # so the middle is not always best); nearest the middle on a tie
    cut = min(boundaries, key=lambda k: (widest(k), abs(2 * k - cols)))
    left, right = [line[:cut] for line in cells], [line[cut:] for line in cells]
    if widest(cut) + 12.0 > width:
        return None
    first = partitioned_array(left, row_lines, col_lines[:cut - 1], right=".")
    second = partitioned_array(right, row_lines, col_lines[cut:], left=".")
    return (TIGHT_SPACING + "\\begin{aligned}\n&" + first + " \\\\\n&\\qquad " + second
            + "\n\\end{aligned}")


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
    max_width = current_width() - 40.0 if max_width is None else max_width
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


#: The gap between the columns of the flattened vectors and of the full partitioned matrix: the
#: LaTeX templates set ``\\arraycolsep`` to 3 pt in those displays (amsmath's 5 pt leaves a
#: 12-column matrix a few points too wide for a default article).
TIGHT_COLUMN_GAP = 6.0
def grid_matrix(cells: Sequence[Sequence[str]]) -> str:
    """A block matrix with a line between every two block rows and block columns (``array``
    inside ``\\left[ \\right]``, valid in LaTeX and KaTeX)."""
    rows = len(cells)
    cols = max((len(line) for line in cells), default=1)
    return partitioned_array(cells, (1,) * (rows - 1), (1,) * (cols - 1))


def conv_latex_equation(op: Any) -> str:
    """``$$ M a = y $$`` for a notebook (elided at the default limits)."""
    return "$$\n" + matrix_equation(op, DEFAULT_MAX_ROWS, DEFAULT_MAX_COLS) + "\n$$"
