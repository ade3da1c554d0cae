"""``symdil matrix``: the operator matrix and output vector of one convolution."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import sympy
import typer

from ..conv import Conv
from ..facts import basic_facts
from . import options as o
from .common import emit, user_errors


class MatrixFormat(str, Enum):
    text = "text"
    latex = "latex"
    markdown = "markdown"
    json = "json"


def matrix_json(op: Conv) -> str:
    """The JSON contract: shape, matrix (rows of SymPy-syntax strings), input, kernel, output,
    facts."""
    rows, cols = op.shape
    matrix = []
    for entries in op.rows:
        line = ["0"] * cols
        for col, coef in entries.items():
            line[col] = str(coef)
        matrix.append(line)
    document = {
        "shape": [rows, cols],
        "matrix": matrix,
        "input": [str(symbol) for symbol in op.input],
        "kernel": [str(tap) for tap in op.kernel],
        "output": [str(expr) for expr in op.output],
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


def matrix_text(op: Conv) -> str:
    lines = [f"{op.shape[0]} x {op.shape[1]} operator, padding {op.padding}", ""]
    lines.append(sympy.pretty(op.matrix, use_unicode=True))
    lines.append("")
    for row, expr in enumerate(op.output):
        lines.append(f"{op.output_symbol_at(row)} = {expr}")
    return "\n".join(lines) + "\n"


def matrix_equation_document(op: Conv, fmt: MatrixFormat) -> str:
    from ..printing import matrix_equation

    body = matrix_equation(op)
    if fmt is MatrixFormat.latex:
        return "\\[\n" + body + "\n\\]\n"
    return "$$\n" + body + "\n$$\n"


@o.conv_command
def matrix(
    op: Conv,
    fmt: Annotated[MatrixFormat, typer.Option("--format", "-f", help="Output format.")] = (
        MatrixFormat.text
    ),
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write to FILE (default: stdout).")
    ] = None,
) -> None:
    """Print the operator matrix and the output vector of a convolution."""
    with user_errors():
        op._need_concrete()
        if fmt is MatrixFormat.json:
            text = matrix_json(op)
        elif fmt is MatrixFormat.text:
            text = matrix_text(op)
        else:
            text = matrix_equation_document(op, fmt)
        emit(text, output)
