"""Structural facts of an operator as plain data (no strings of LaTeX)."""

from __future__ import annotations

from typing import Any

from .conv import Conv


def basic_facts(op: Conv) -> dict[str, Any]:
    """The facts of ``symdil matrix --format json``.

    1-D: ``output_length``, ``padding`` [before, after], ``receptive_field``,
    ``zero_diagonals_between_taps`` (d-1), ``nonzeros``.  N-D: the per-axis ones become lists.
    """
    per_axis = {
        "output_length": [axis.output_length for axis in op.axes],
        "padding": [[axis.pad_before, axis.pad_after] for axis in op.axes],
        "receptive_field": [axis.receptive_field for axis in op.axes],
        "zero_diagonals_between_taps": [axis.dilation - 1 for axis in op.axes],
    }
    if op.ndim == 1:
        per_axis = {key: value[0] for key, value in per_axis.items()}
    return {**per_axis, "nonzeros": op.nonzeros}
