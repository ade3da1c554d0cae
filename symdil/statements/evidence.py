"""Evidence from a ``symdil.Conv``: its rows and which weight meets which input in every row
(zero-valued taps included), from the per-axis rule in integers.  Costs O(non-zeros)."""

from __future__ import annotations

import itertools
from typing import Any, Iterator

import sympy

from ..core.operator import axis_taps
from .base import Evidence


def _taps(op: Any) -> tuple[dict[int, dict[int, int]], ...]:
    """Per output row: input column -> {flat weight index: multiplicity}, every tap that lands
    (zero-valued ones included), from the per-axis rule (``operator.axis_taps``) in integers."""
    axes = op.axes
    sizes = [axis.n for axis in axes]
    ksizes = [axis.kernel_size for axis in axes]
    per_axis = [[axis_taps(axis, i) for i in range(axis.output_length)] for axis in axes]
    inputs_per_channel = 1
    for size in sizes:
        inputs_per_channel *= size
    rows = []
    for out_channel in range(op.out_channels):
        pairs = op._channel_pairs(out_channel)
        for combo_taps in itertools.product(*per_axis):
            row: dict[int, dict[int, int]] = {}
            for combo in itertools.product(*combo_taps):
                column = weight = 0
                for (t, j), size, ksize in zip(combo, sizes, ksizes):
                    column = column * size + j
                    weight = weight * ksize + t
                for channel, offset in pairs:
                    entry = row.setdefault(channel * inputs_per_channel + column, {})
                    entry[offset + weight] = entry.get(offset + weight, 0) + 1
            rows.append(row)
    return tuple(rows)


def evidence_of(op: Any, bindings: dict | None = None) -> Evidence:
    """The evidence of a concrete ``Conv``: its own rows, and which weight meets which input."""
    return Evidence(input_shape=tuple(op.input_shape), output_shape=tuple(op.output_shape),
                    kernel=tuple(op.kernel), taps=_taps(op), given_rows=tuple(op.rows),
                    kernel_shape=tuple(op.kernel_shape), bindings=dict(bindings or {}))


def instance_sizes(op: Any, bound: int) -> range:
    """The instances a general-case statement is evaluated on: n = bound ... bound + 3s + K."""
    axis = op.axes[0]
    return range(bound, bound + 3 * axis.stride + axis.kernel_size + 1)


def instance(op: Any, size: int) -> Evidence:
    """Evidence of the instance n = ``size`` of a general-case operator (``n`` and ``m`` bound)."""
    m_symbol = sympy.Symbol("m", integer=True, positive=True)
    concrete = op.replace(n=size)
    return evidence_of(concrete, {op.axes[0].n: size, m_symbol: concrete.output_shape[1]})


def instances(op: Any, bound: int) -> Iterator[Evidence]:
    """Evidence of the concrete instances of a general-case operator (``n`` and ``m`` bound)."""
    for size in instance_sizes(op, bound):
        yield instance(op, size)
