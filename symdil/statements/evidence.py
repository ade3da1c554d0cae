"""Evidence from a ``symdil.Conv``: its rows and, from a twin with one symbol per weight, which
weight meets which input in every row (zero-valued taps included).  Costs O(non-zeros)."""

from __future__ import annotations

from typing import Any, Iterator

import sympy

from .base import Evidence


def _weights(coefficient: Any, index: dict[sympy.Symbol, int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for term, multiplicity in coefficient.as_coefficients_dict().items():
        out[index[term]] = out.get(index[term], 0) + int(multiplicity)
    return out


def evidence_of(op: Any, bindings: dict | None = None) -> Evidence:
    """The evidence of a concrete ``Conv`` (its own rows; taps from a symbolic-kernel twin)."""
    kernel_arg: Any = op.kernel_shape[2:]
    if op.ndim == 1:
        kernel_arg = kernel_arg[0]
    twin = op if op._kernel_values is None else op.replace(kernel=kernel_arg)
    index = {symbol: flat for flat, symbol in enumerate(twin.kernel)}
    taps = tuple({column: _weights(coefficient, index) for column, coefficient in row.items()}
                 for row in twin.rows)
    return Evidence(input_shape=tuple(op.input_shape), output_shape=tuple(op.output_shape),
                    kernel=tuple(op.kernel), taps=taps, given_rows=tuple(op.rows),
                    kernel_shape=tuple(op.kernel_shape), bindings=dict(bindings or {}))


def instance_sizes(op: Any, bound: int) -> range:
    """The instances a general-case statement is evaluated on: n = bound ... bound + 3s + K."""
    axis = op.axes[0]
    return range(bound, bound + 3 * axis.stride + axis.kernel_size + 1)


def instances(op: Any, bound: int) -> Iterator[Evidence]:
    """Evidence of the concrete instances of a general-case operator (``n`` and ``m`` bound)."""
    axis = op.axes[0]
    m_symbol = sympy.Symbol("m", integer=True, positive=True)
    for size in instance_sizes(op, bound):
        concrete = op.replace(n=size)
        yield evidence_of(concrete, {axis.n: size, m_symbol: concrete.output_shape[1]})
