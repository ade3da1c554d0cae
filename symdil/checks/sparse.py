"""Sparse operators as arrays: the checks' rearrangements done with NumPy, SymPy only for values.

A ``Sparse`` holds the non-zero entries of an operator sorted by (row, column): integer NumPy
arrays of rows and columns and an object array of the coefficients (SymPy expressions, compared
exactly).  Rearranging an operator (transposing it, taking some of its rows, renumbering its
columns, folding padded positions back) is index arithmetic on the integer arrays; coefficients
are only moved, and added (in the order the entries were met, as ``tools.accumulate`` does) where
two entries land on the same place.  ``compare`` first compares the arrays and the coefficients
structurally and, only when they differ, falls back to ``tools.compare_rows`` (exact, with
expansion) for the verdict and the message, so a verdict never depends on which path ran.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple, Sequence

import numpy as np

from .tools import Rows, compare_rows, nonzero


class Sparse(NamedTuple):
    shape: tuple[int, int]
    row: np.ndarray
    col: np.ndarray
    value: np.ndarray

    @property
    def nonzeros(self) -> int:
        return len(self.row)


def objects(values: Sequence[Any]) -> np.ndarray:
    """An object array holding ``values`` as they are (no conversion)."""
    values = list(values)
    # fromiter stores each object as it is (assigning a list would probe every element as a
    # possible sequence: ten times slower)
    return np.fromiter(values, dtype=object, count=len(values))


def of_conv(conv: Any) -> Sparse:
    """The entries of a ``Conv``'s operator (the arrays ``Conv.rows`` is made from): for the
    operators a check builds as its second derivation, so their rows need not be built."""
    row, col, value = conv._entries[:3]
    return Sparse(conv.shape, row, col, value)


def from_rows(rows: Sequence[Any], shape: tuple[int, int]) -> Sparse:
    """The entries of rows given as ``{column: coefficient}`` mappings (zeros already left out)."""
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    total = int(lengths.sum())
    row = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    col = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=total)
    value = objects(list(itertools.chain.from_iterable(r.values() for r in rows)))
    # rows of mappings need not list their columns in order
    order = np.lexsort((col, row))
    if not np.array_equal(order, np.arange(total)):
        row, col, value = row[order], col[order], value[order]
    return Sparse((int(shape[0]), int(shape[1])), row, col, value)


def build(shape: tuple[int, int], row: np.ndarray, col: np.ndarray, value: np.ndarray) -> Sparse:
    """Entries given in any order, possibly several on one place: sorted (stably), the values on
    one place added in the order given, structural zeros left out."""
    row = np.asarray(row, dtype=np.int64)
    col = np.asarray(col, dtype=np.int64)
    order = np.lexsort((col, row))
    row, col, value = row[order], col[order], value[order]
    if len(row):
        first = np.concatenate(([True], (row[1:] != row[:-1]) | (col[1:] != col[:-1])))
        if not first.all():
            starts = np.flatnonzero(first)
            ends = np.append(starts[1:], len(row))
            summed = value[starts]
            for g in np.flatnonzero(ends - starts > 1).tolist():
                total = value[starts[g]]
                for k in range(int(starts[g]) + 1, int(ends[g])):
                    total = total + value[k]
                summed[g] = total
            row, col, value = row[starts], col[starts], summed
    keep = nonzero_mask(value)
    if not keep.all():
        row, col, value = row[keep], col[keep], value[keep]
    return Sparse((int(shape[0]), int(shape[1])), row, col, value)


def nonzero_mask(value: np.ndarray) -> np.ndarray:
    """``tools.nonzero`` of every value, evaluated once per distinct object."""
    if not len(value):
        return np.ones(0, dtype=bool)
    ids = np.fromiter(map(id, value), dtype=np.uint64, count=len(value))
    distinct, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    flags = np.fromiter((nonzero(value[k]) for k in first.tolist()), dtype=bool,
                        count=len(distinct))
    return flags[inverse.reshape(-1)]


def to_rows(sparse: Sparse) -> Rows:
    """The rows as ``{column: coefficient}`` dictionaries, columns in order."""
    bounds = np.searchsorted(sparse.row, np.arange(sparse.shape[0] + 1)).tolist()
    cols, values = sparse.col.tolist(), sparse.value.tolist()
    return [dict(zip(cols[a:b], values[a:b])) for a, b in zip(bounds, bounds[1:])]


def transpose(sparse: Sparse) -> Sparse:
    order = np.lexsort((sparse.row, sparse.col))
    return Sparse((sparse.shape[1], sparse.shape[0]), sparse.col[order], sparse.row[order],
                  sparse.value[order])


def take_rows(sparse: Sparse, which: np.ndarray, columns: int | None = None) -> Sparse:
    """Row k of the result is row ``which[k]`` of ``sparse``."""
    which = np.asarray(which, dtype=np.int64)
    bounds = np.searchsorted(sparse.row, np.arange(sparse.shape[0] + 1))
    starts, lengths = bounds[which], bounds[which + 1] - bounds[which]
    new_row = np.repeat(np.arange(len(which), dtype=np.int64), lengths)
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    index = np.arange(len(new_row), dtype=np.int64) + offsets
    return Sparse((len(which), sparse.shape[1] if columns is None else columns), new_row,
                  sparse.col[index], sparse.value[index])


def unflat(flat: np.ndarray, shape: Sequence[int]) -> tuple[np.ndarray, ...]:
    """Row-major multi-indices of flat positions, one array per axis (the leading index is not
    wrapped)."""
    index = []
    for size in reversed(tuple(shape)[1:]):
        flat, rem = np.divmod(flat, size)
        index.append(rem)
    index.append(flat)
    return tuple(reversed(index))


def flat(index: Sequence[np.ndarray], shape: Sequence[int]) -> np.ndarray:
    """Row-major flat positions of multi-indices given one array per axis."""
    result = np.zeros_like(np.asarray(index[0], dtype=np.int64))
    for i, size in zip(index, shape):
        result = result * size + i
    return result


def same_entries(got: Sparse, want: Sparse) -> bool:
    """Same shape, same places, structurally equal coefficients (SymPy ``==``)."""
    return (got.shape == want.shape and np.array_equal(got.row, want.row)
            and np.array_equal(got.col, want.col)
            and got.value.tolist() == want.value.tolist())


def compare(got: Sparse, want: Sparse, what: str) -> tuple[bool, str]:
    """``tools.compare_rows`` on sparse arrays: structural equality decides at once; otherwise
    the rows are compared exactly (with expansion) and the first mismatch is named."""
    if same_entries(got, want):
        return True, ""
    if got.shape != want.shape:
        return compare_rows([], [], got.shape, want.shape, what)
    return compare_rows(to_rows(got), to_rows(want), got.shape, want.shape, what)
