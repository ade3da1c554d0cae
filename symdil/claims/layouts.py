r"""Ways of writing a convolution other than its matrix: grids of the kernel, the input or the
outputs (``K = [[w_{11}, w_{12}], [w_{21}, w_{22}]]``), and the im2col / unfold *data matrix*
whose row i holds the inputs output i reads, in tap order (``X w = y``).

Each function gives the shape the object must have and its expected entry at (row, column);
``compare`` checks the written cells against it like any other object.  Only one channel in and
out: with channels the grids and the data matrix have no single layout.
"""

from __future__ import annotations

import re

import sympy

from ..core.conv import Conv

KERNEL_GRID, INPUT_GRID, OUTPUT_GRID, DATA_MATRIX = ("kernel", "input grid", "output grid",
                                                     "data matrix")


def _single_channel(op: Conv) -> bool:
    return op.in_channels == 1 and op.out_channels == 1


def spatial(op: Conv, role: str) -> tuple[int, ...]:
    return {"kernel": tuple(op.kernel_shape[2:]), "input": tuple(op.input_shape[1:]),
            "output": tuple(op.output_shape[1:])}[role]


def grid_dims(op: Conv, role: str, shape: tuple[int, int]) -> tuple[int, int] | None:
    """The (rows, columns) a grid of ``role`` (kernel, input, output) is read with when a written
    object of ``shape`` is one: the spatial shape in 2-D, one row (or, for the kernel, one
    column) in 1-D; None when the shape is not such a grid."""
    if not _single_channel(op) or op.symbolic:
        return None
    size = spatial(op, role)
    if len(size) == 2 and tuple(shape) == size:
        return size
    if len(size) == 1 and tuple(shape) == (1, size[0]) and size[0] > 1:
        return (1, size[0])
    if len(size) == 1 and role == "kernel" and tuple(shape) == (size[0], 1):
        return (size[0], 1)
    return None


def grid_entry(op: Conv, role: str, dims: tuple[int, int], output, r: int, c: int):
    """The entry at (r, c) of a grid of ``role`` read row-major (a kernel column: one tap a row)."""
    flat = r * dims[1] + c
    if role == "kernel":
        return op.kernel[flat]
    if role == "input":
        return op.input_symbol_at(flat)
    return output(flat)


def taps(op: Conv) -> int:
    """Columns of the data matrix: the taps one output reads."""
    count = 1
    for size in op.kernel_shape[1:]:
        count *= size
    return count


def data_dims(op: Conv) -> tuple[int, int] | None:
    """(outputs, taps) for a data matrix, None when it has no single layout (channels, a numeric
    kernel whose taps cannot be told apart)."""
    if not _single_channel(op) or op.symbolic or not all(
            isinstance(tap, sympy.Symbol) for tap in op.kernel):
        return None
    return (op.shape[0], taps(op))


def data_entry(op: Conv, row: dict, t: int) -> sympy.Expr:
    """The input that tap ``t`` multiplies in an output row (``row``: column -> coefficient), or 0
    when the tap falls on zero padding."""
    tap = op.kernel[t]
    for column, coefficient in sorted(row.items()):
        if sympy.sympify(coefficient).coeff(tap) != 0:
            return op.input_symbol_at(column)
    return sympy.Integer(0)


BLOCK = "block"
_BLOCK_LABEL_RE = re.compile(r"(?:\\(?:mathbf|bm|boldsymbol|mathrm)\s*\{\s*)?([A-Za-z])\s*\}?"
                             r"\s*_\s*\{?\s*(\d+)\s*\}?")


def block_index(label: str) -> int | None:
    """The index of a named block ``T_0``, ``T_{1}``, ``\\mathbf{T}_1`` (None for other labels)."""
    match = _BLOCK_LABEL_RE.fullmatch(label.strip())
    return int(match[2]) if match else None


def block_dims(op: Conv) -> tuple[int, int] | None:
    """(output columns, input columns) of one block of a 2-D operator (one channel)."""
    if op.ndim != 2 or not _single_channel(op) or op.symbolic:
        return None
    return (op.output_shape[2], op.input_shape[2])


def find_block(op: Conv, kernel_row: int, row) -> tuple[int, int] | None:
    """(block row, block column) of a block of the operator holding kernel row ``kernel_row``
    only (``row(r)``: the operator's row r), searched in the first and last block rows."""
    blocks_down, block_height = op.output_shape[1], op.output_shape[2]
    block_width = op.input_shape[2]
    taps = {tap: index for index, tap in enumerate(op.kernel)}
    width = op.kernel_shape[3]
    for block_row in sorted({0, 1, 2, blocks_down - 1} & set(range(blocks_down))):
        found: dict[int, set] = {}
        for r in range(block_height):
            for column, coefficient in row(block_row * block_height + r).items():
                rows = {taps[x] // width for x in sympy.sympify(coefficient).free_symbols
                        if x in taps}
                found.setdefault(column // block_width, set()).update(rows)
        for block_column, rows in sorted(found.items()):
            if rows == {kernel_row}:
                return block_row, block_column
    return None


BLOCK_GRID = "block grid"


def block_grid_dims(op: Conv) -> tuple[int, int] | None:
    """(block rows, block columns) of a 2-D operator written as a matrix of named blocks."""
    if block_dims(op) is None:
        return None
    return (op.output_shape[1], op.input_shape[1])


def block_kernel_rows(op: Conv, block_row: int, block_column: int, row) -> frozenset:
    """The kernel rows whose taps appear in block (block_row, block_column) of the operator."""
    block_height, block_width = op.output_shape[2], op.input_shape[2]
    taps = {tap: index for index, tap in enumerate(op.kernel)}
    width = op.kernel_shape[3]
    found = set()
    for r in range(block_height):
        for column, coefficient in row(block_row * block_height + r).items():
            if column // block_width == block_column:
                found |= {taps[x] // width for x in sympy.sympify(coefficient).free_symbols
                          if x in taps}
    return frozenset(found)
