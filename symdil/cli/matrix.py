"""The renderers of ``symdil matrix``: text, JSON, LaTeX and Markdown of one operator.

The command itself is ``symdil.cli.matrix_command`` (kept free of SymPy so ``--help`` is fast);
this module is imported when the command runs."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

import sympy

from ..core.conv import Conv
from ..core.spec import SymdilError
from ..layout.elision import DEFAULT_MAX_COLS, DEFAULT_MAX_ROWS
from ..layout.matrices import fitted_matrix_equation
from ..layout.width import COLUMN, estimate_units, using_width
from ..statements.facts import basic_facts


class MatrixFormat(str, Enum):
    text = "text"
    latex = "latex"
    markdown = "markdown"
    json = "json"
    html = "html"


# The dense JSON matrix has m*n strings; past this many it is refused (the Python API's
# ``Conv.rows`` is the sparse form).  4,000,000 entries is about 16 MB of JSON.
JSON_MAX_ENTRIES = 4_000_000
# The text rendering's default limits: those of every printed matrix.
TEXT_MAX_ROWS = DEFAULT_MAX_ROWS
TEXT_MAX_COLS = DEFAULT_MAX_COLS


def _json_str(expr: Any) -> str:
    from ..render.printer import sstr

    return sstr(expr)


def _output_str(op: Conv, row: int, entries: Any = None, readable: bool = False) -> str:
    """Output ``row`` as a sum in tap order (``k_0*a_6 + k_1*a_8 + k_2*a_10``), kernel first."""
    from ..render.printer import sum_text

    entries = op.row(row) if entries is None else entries
    return sum_text([(coef, op.input_symbol_at(col)) for col, coef in entries.items()], readable)


def matrix_json(op: Conv) -> str:
    """The JSON contract: shape, matrix (rows of SymPy-syntax strings), input, kernel, output,
    facts."""
    rows, cols = op.shape
    if rows * cols > JSON_MAX_ENTRIES:
        raise SymdilError(
            f"--format json writes the dense {rows} x {cols} matrix ({rows * cols:,} entries); "
            f"at most {JSON_MAX_ENTRIES:,} are allowed: use a smaller n, --format text/latex "
            "(elided), or the Python API's Conv.rows for the sparse form"
        )
    matrix = []
    for entries in op.rows:
        line = ["0"] * cols
        for col, coef in entries.items():
            line[col] = _json_str(coef)
        matrix.append(line)
    document = {
        "shape": [rows, cols],
        "matrix": matrix,
        "input": [_json_str(symbol) for symbol in op.input],
        "kernel": [_json_str(tap) for tap in op.kernel],
        "output": [_output_str(op, row, entries) for row, entries in enumerate(op.rows)],
        "facts": basic_facts(op),
    }
    return _dump(document) + "\n"


def _dump(document: dict) -> str:
    """JSON with two-space indentation, but each matrix row and each list of scalars on one line."""
    lines = ["{"]
    items = list(document.items())
    for index, (key, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        if key == "matrix":
            rows = ",\n".join("    " + json.dumps(row) for row in value)
            lines.append(f'  "matrix": [\n{rows}\n  ]{comma}')
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value)}{comma}")
    lines.append("}")
    return "\n".join(lines)


def matrix_text(op: Conv, max_rows: int = DEFAULT_MAX_ROWS,
                max_cols: int = DEFAULT_MAX_COLS) -> str:
    """A terminal rendering: SymPy's pretty matrix and every output when small; for a larger
    operator the rows and columns ``printing.elided_rows_cols`` chooses (built from those rows
    only, so the cost does not depend on n)."""
    rows, cols = op.shape
    lines = [f"{rows} x {cols} operator, padding {op.padding}", ""]
    from ..layout.elision import elided_rows_cols

    # the same elision rules as the LaTeX matrices: whole bands, no ellipsis hiding < 3 lines
    shown_rows, shown_cols = elided_rows_cols(rows, cols, op.row, max_rows, max_cols)
    if None not in shown_rows and None not in shown_cols:
        lines.append(sympy.pretty(op.matrix, use_unicode=True))
    else:
        lines.append(_elided_table(op, shown_rows, shown_cols))
    lines.append("")
    for row in shown_rows:
        if row is None:
            lines.append("...")
        else:
            lines.append(f"{op.output_symbol_at(row)} = {_output_str(op, row, readable=True)}")
    return "\n".join(lines) + "\n"


def _elided_table(op: Conv, rows: list, cols: list) -> str:
    from ..render.printer import sstr

    cells = []
    for row in rows:
        if row is None:
            cells.append(["⋮" if col is not None else "⋱" for col in cols])
            continue
        entries = op.row(row)
        # a folded sum without spaces (k_0+k_2), so that the columns stay readable
        cells.append(["⋯" if col is None else
                      sstr(entries.get(col, 0), readable=True).replace(" ", "")
                      for col in cols])
    widths = [max(len(line[j]) for line in cells) for j in range(len(cols))]
    return "\n".join(
        "[ " + "  ".join(cell.rjust(width) for cell, width in zip(line, widths)) + " ]"
        for line in cells
    )


def matrix_html(op: Conv, max_rows: int = DEFAULT_MAX_ROWS, max_cols: int = DEFAULT_MAX_COLS,
                width: float = COLUMN) -> str:
    """A self-contained page: the matrix equation laid out for ``width`` points (MathML) and
    the matrix figure, both elided at the same limits."""
    from ..figures import inline_svg, matrix_figure
    from ..render.environment import render_template
    from ..render.printer import latex

    rows, cols = op.shape
    with using_width(width):
        equation = fitted_matrix_equation(op, max_rows, max_cols)
    context = {
        "rows": latex(rows), "cols": latex(cols), "equation": equation,
        "figure": inline_svg(matrix_figure(op, max_rows, max_cols)),
        "line_width": estimate_units(width),
    }
    return render_template("html/matrix.html.j2", context)


def matrix_equation_document(op: Conv, fmt: MatrixFormat, max_rows: int = DEFAULT_MAX_ROWS,
                             max_cols: int = DEFAULT_MAX_COLS, width: float = COLUMN) -> str:
    """``M a = y`` as one LaTeX or Markdown display laid out for ``width`` points, elided at the
    limits like every printed matrix (only the visible entries are built)."""
    from ..render.fit import fit_displays

    with using_width(width):
        body = fitted_matrix_equation(op, max_rows, max_cols)
    if fmt is MatrixFormat.latex:
        return "\\[\n" + body + "\n\\]\n"
    return fit_displays("$$\n" + body + "\n$$\n", "markdown", estimate_units(width))
