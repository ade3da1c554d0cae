"""The matrix figure: the operator's m x n grid, each non-zero entry coloured by its kernel tap.

The visible rows and columns are exactly the printed matrix's (``layout.elision.matrix_layout``,
what ``symdil matrix`` prints, with the same limits): first rows/columns, an ellipsis, the last
ones, every visible row showing a non-zero unless it is a zero row of the operator; N-D operators
and channels add block lines between visible neighbours in different blocks.
Entries are the values of ``Conv.row`` for the visible rows only (the cost does not depend on n).
Which tap an entry comes from is read from the rows of the same operator with symbolic taps
(``k_0 + k_2`` for a folded reflect entry: several taps, drawn grey and labelled with the sum);
the legend lists the taps that appear.  The d - 1 zero diagonals between taps and the shift by s
columns from one row to the next are visible as the coloured diagonals.
"""

from __future__ import annotations

from typing import Any

import sympy

from ..core.conv import Conv
from ..core.spec import SymdilError, plain_int
from ..layout.elision import (
    DEFAULT_MAX_COLS,
    DEFAULT_MAX_ROWS,
    MARKER,
    flat_lines,
    matrix_layout,
    partition_levels,
)
from ..layout.matrices import marker_row
from ..render.printer import SymdilLatexPrinter, latex
from .model import SMALL_RATIO, Cell, Edge, Figure, Label, Note, tap_fill
from .window import EM, _fit

HEADER = 0.9  # the header row (inputs) and column (outputs)


def symbolic_twin(op: Conv) -> Conv:
    """The same operator with symbolic taps (itself when its taps are already symbols)."""
    given = op.args["kernel"]
    sizes_only = not isinstance(given, (list, tuple)) or (
        op.ndim > 1 and not any(isinstance(item, (list, tuple)) for item in given))
    if sizes_only:
        return op
    sizes = op.kernel_shape[2:]
    return op.replace(kernel=sizes[0] if op.ndim == 1 else tuple(sizes))


def entry_taps(index: dict, coefficient: Any) -> tuple[int, ...]:
    """The flat kernel indices whose symbols make up a symbolic entry (sorted); ``index`` maps
    each kernel symbol of the symbolic twin to its flat index."""
    return tuple(sorted(index[s] for s in coefficient.free_symbols))


def matrix_figure(op: Conv, max_rows: int | None = None, max_cols: int | None = None,
                  width: float | None = None) -> Figure:
    """The matrix figure of ``op`` (concrete n).  Limits default to every printed matrix's (16
    x 16, counting the ellipses); ``width`` (cell units): fewer columns until the figure fits
    it, never scaled down."""
    if op.symbolic:
        raise SymdilError("figures need a concrete n (the general case has no finite picture), "
                          f"got n = {op.axes[0].n}")
    max_rows, max_cols = plain_int(max_rows), plain_int(max_cols)
    for name, value in (("max_rows", max_rows), ("max_cols", max_cols)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 3):
            raise SymdilError(f"{name} must be an integer >= 3 (first entries, an ellipsis and "
                              f"the last entry), got {value!r}")
    cols_limit = max_cols or DEFAULT_MAX_COLS
    while True:
        drawn = _matrix_figure(op, max_rows or DEFAULT_MAX_ROWS, cols_limit, width)
        if width is None or drawn.width <= width or cols_limit <= 3:
            return drawn
        cols_limit -= 1


def _matrix_figure(op: Conv, max_rows: int, max_cols: int, width: float | None) -> Figure:
    # the rows and columns of the printed matrix (``symdil matrix``): every visible row shows a
    # non-zero or is a zero row of the operator; N-D and channels add the block lines between
    # visible neighbours in different blocks
    layout = matrix_layout(op, max_rows, max_cols)
    rows, cols = list(layout.rows), list(layout.cols)
    if op.ndim > 1 or op.in_channels > 1 or op.out_channels > 1:
        row_sizes, col_sizes = partition_levels(op)
        row_lines, col_lines = flat_lines(rows, row_sizes), flat_lines(cols, col_sizes)
    else:
        row_lines = col_lines = (0,) * max(len(rows), len(cols))
    return _draw(op, rows, cols, row_lines, col_lines, width)


def _draw(op: Conv, rows: list, cols: list, row_lines: Any, col_lines: Any,
          width: float | None = None) -> Figure:
    twin = symbolic_twin(op)
    kernel_index = {symbol: i for i, symbol in enumerate(twin.kernel)}
    printer = SymdilLatexPrinter()
    taps_per_channel = 1
    for size in op.kernel_shape[2:]:
        taps_per_channel *= size
    grid = (taps_per_channel, op.kernel_shape[-1])  # the colouring's numbers
    entries: dict[int, dict] = {}
    symbolic: dict[int, dict] = {}
    for r in rows:
        if r is not MARKER:
            entries[r] = op.row(r)
            symbolic[r] = entries[r] if twin is op else twin.row(r)
    labels = {(r, c): Label(printer.entry(v)) for r, line in entries.items()
              for c, v in line.items() if c in cols}
    widest = max([label.width(EM) for label in labels.values()] + [0.0])
    headers_in = {c: Label(latex(op.input_symbol_at(c))) for c in cols if c is not MARKER}
    headers_out = {r: Label(latex(op.output_symbol_at(r))) for r in rows if r is not MARKER}
    widest = max([widest] + [label.width(EM * SMALL_RATIO) for label in headers_in.values()])
    w = max(1.0, round(widest + 0.35, 2))
    h = 1.0
    row_w = max([label.width(EM * SMALL_RATIO) for label in headers_out.values()] + [0.5]) + 0.3
    cells: list[Cell] = []
    edges: list[Edge] = []
    notes: list[Note] = []
    both = MARKER in rows and MARKER in cols
    x0, y0 = row_w, HEADER
    used_taps: set[int] = set()
    mixed = False
    for k, c in enumerate(cols):
        x = x0 + k * w
        if c is MARKER:
            notes.append(Note(x + w / 2, y0 - 0.3, Label(r"\cdots"), "header", small=True))
        else:
            notes.append(Note(x + w / 2, y0 - 0.3, headers_in[c], "col-header", small=True))
    for i, r in enumerate(rows):
        y = y0 + i * h
        if r is MARKER:
            glyphs = marker_row(cols, both)
            notes.append(Note(row_w - 0.2, y + 0.68, Label(r"\vdots"), "header", "end",
                              small=True))
            for k, glyph in enumerate(glyphs):
                if glyph:
                    cells.append(Cell(x0 + k * w, y, w, h, "ellipsis", Label(glyph),
                                      border=False))
            continue
        notes.append(Note(row_w - 0.2, y + 0.66, headers_out[r], "row-header", "end",
                          small=True))
        for k, c in enumerate(cols):
            x = x0 + k * w
            if c is MARKER:
                cells.append(Cell(x, y, w, h, "ellipsis", Label(r"\cdots"), border=False))
                continue
            if c not in entries[r]:
                cells.append(Cell(x, y, w, h, "zero", None, "plain", ids=(("row", r),
                                                                          ("col", c))))
                continue
            taps = entry_taps(kernel_index, symbolic[r][c])
            spatial = sorted({t % taps_per_channel for t in taps})
            if len(taps) == 1:
                fill = tap_fill(spatial[0], *grid)
                used_taps.add(spatial[0])
            else:
                fill = "mixed"
                mixed = True
            ids = (("row", r), ("col", c)) + tuple(("tap", t) for t in taps)
            cells.append(Cell(x, y, w, h, "entry", labels[(r, c)], fill, strong=False, ids=ids))
    width = x0 + len(cols) * w
    height = y0 + len(rows) * h
    # block lines (N-D and channels): one line between 1-D blocks, two between higher levels
    for k, lines in enumerate(col_lines[:len(cols) - 1]):
        if lines:
            x = x0 + (k + 1) * w
            edges.append(Edge(x, y0, x, height, "block", arrow=False, thick=lines > 1))
    for k, lines in enumerate(row_lines[:len(rows) - 1]):
        if lines:
            y = y0 + (k + 1) * h
            edges.append(Edge(x0, y, width, y, "block", arrow=False, thick=lines > 1))
    # the legend: one swatch per tap that appears
    # (in lines as wide as the matrix, or as the width the figure is drawn for)
    legend_y = height + 0.6
    x = x0
    names = _tap_names(op, taps_per_channel)
    right = max(width if width is not None else 0.0, x0 + len(cols) * w)
    for t in sorted(used_taps):
        label = names[t]
        step = 0.85 + label.width(EM * SMALL_RATIO) + 0.5
        if x > x0 and x + step - 0.5 > right:
            x, legend_y = x0, legend_y + 1.0
        cells.append(Cell(x, legend_y, 0.7, 0.7, "legend", None, tap_fill(t, *grid),
                          ids=(("tap", t),)))
        notes.append(Note(x + 0.85, legend_y + 0.5, label, "legend-label", "start", small=True))
        x += step
    if mixed:
        mixed_label = Label("several taps (padding folds them)", math=False)
        if x > x0 and x + 0.85 + mixed_label.width(EM * SMALL_RATIO) > right:
            x, legend_y = x0, legend_y + 1.0
        cells.append(Cell(x, legend_y, 0.7, 0.7, "legend", None, "mixed", ids=(("tap", "sum"),)))
        notes.append(Note(x + 0.85, legend_y + 0.5, Label("several taps (padding folds them)",
                                                          math=False),
                          "legend-label", "start", small=True))
    m, n = op.shape
    shown = f"{m} × {n} operator matrix"
    if MARKER in rows or MARKER in cols:
        shown += " (elided)"
    title = f"matrix figure: {shown}, non-zero entries coloured by kernel tap"
    return _fit(Figure("matrix", 0, 0, title, tuple(cells), tuple(edges), tuple(notes),
                       {"rows": rows, "cols": cols, "caption": shown}))


def _tap_names(op: Conv, taps_per_channel: int) -> dict[int, Label]:
    """Legend labels: the tap's symbol (one channel), or ``k^{(·,·)}_{t}`` (every channel pair)."""
    if op.in_channels == 1 and op.out_channels == 1:
        twin = symbolic_twin(op)
        return {t: Label(latex(twin.kernel[t])) for t in range(taps_per_channel)}
    base = op.kernel_symbol
    sizes = op.kernel_shape[2:]
    names = {}
    for t in range(taps_per_channel):
        index, flat = [], t
        for size in reversed(sizes):
            flat, rem = divmod(flat, size)
            index.append(str(rem))
        sub = ",".join(reversed(index))
        names[t] = Label(latex(sympy.Symbol(base)) + r"^{(\cdot,\cdot)}_{" + sub + "}")
    return names
