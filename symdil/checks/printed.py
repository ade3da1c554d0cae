"""The printed rows: what a document prints is what the checks examined.

Documents print rows through ``Conv.row(r)`` (local, O(K) per row: the elided matrix, its output
column, border rows, handouts); every other check reads ``Conv.rows``.  This check ties the two:

* concrete n: ``row(r)`` equals ``rows[r]`` for every row -- a superset of the rows any document
  prints, whatever ``--max-rows`` -- so a wrong printed row cannot pass while the checks read
  correct ones (the work is one more pass over the non-zeros);
* symbolic n (the general case): the top rows ``row(r)`` (r < ``HEAD_ROWS``) and the bottom rows
  of the printed layout (``printing.matrix_layout``, rows and columns counted from the end) are
  compared with the defining sums (``definition.definition_rows``) of concrete instances, with n
  substituted, for several n.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..core.conv import Conv
from .definition import definition_row
from .result import CheckResult
from .tools import num, same

NAME = "printed_rows"
#: Top rows of a general-case operator compared with the definition (documents print at most
#: ``--max-rows`` of them; 8 by default).
HEAD_ROWS = 64


def _rows_equal(got: Any, want: Any) -> bool:
    if got == want:
        return True
    return got.keys() == want.keys() and all(same(got[c], want[c]) for c in want)


def check_printed_rows(op: Conv) -> CheckResult:
    """``Conv.row(r)`` (what documents print) against the rows the checks read."""
    if op.symbolic:
        return _general(op)
    rows = op.rows
    bad = [r for r in range(len(rows)) if not _rows_equal(op.row(r), rows[r])]
    if bad:
        r = bad[0]
        return CheckResult(NAME, False, f"{len(bad)} printed rows (Conv.row) differ from the rows "
                                        f"the checks read (Conv.rows); first row {r} (0-based): "
                                        f"printed {dict(op.row(r))}, checked {dict(rows[r])}")
    m = len(rows)
    return CheckResult(NAME, True, f"all {m} rows as documents print them (Conv.row, one at a "
                                   "time) equal the rows every other check examined (Conv.rows)",
                       detail_latex=f"All ${num(m)}$ rows as documents print them, one at a "
                                    "time, equal the rows every other check examined.")


def _general(op: Conv) -> CheckResult:
    from ..layout.elision import DEFAULT_MAX_COLS, DEFAULT_MAX_ROWS, MARKER, matrix_layout

    axis = op.axes[0]
    n = axis.n
    span = axis.dilation * (axis.kernel_size - 1)
    base = 2 * (span + axis.pad_before + axis.pad_after + axis.stride) + axis.stride * HEAD_ROWS
    sizes = [base + k for k in range(2 * axis.stride + 2)]
    layout = matrix_layout(op, DEFAULT_MAX_ROWS, DEFAULT_MAX_COLS)
    tail = [(r, entries) for r, entries in layout.entries["full"].items()
            if r is not MARKER and not isinstance(r, int)]
    # a tail row is m + back and its columns n + c: read back and c once, then evaluate each
    # instance's rows from the definition alone, O(K) per row (building every instance cost
    # O(s * n) for the 2s + 2 sizes: minutes at stride 10,000)
    m_expr = axis.output_length
    tail_offsets = [(int(r - m_expr), {int(c - n): v for c, v in entries.items()})
                    for r, entries in tail]
    head = {r: {int(c): v for c, v in op.row(r).items()} for r in range(HEAD_ROWS)}
    kernel = op.kernel
    problems = []
    for size in sizes:
        instance = dataclasses.replace(axis, n=size)
        rows = instance.output_length
        # the top rows do not reach the right border at these sizes, so they are the same at
        # every size: compared at the first and the last (they also stand for the others)
        for r in range(min(HEAD_ROWS, rows) if size in (sizes[0], sizes[-1]) else 0):
            defined = definition_row(instance, size, kernel, r)
            if not _rows_equal(head[r], defined):
                problems.append(f"row {r} (0-based) prints {head[r]}; at n = {size} the "
                                f"definition gives {defined}")
                break
        for (r, _), (back, offsets) in zip(tail, tail_offsets):
            row = rows + back
            got = {size + c: v for c, v in offsets.items()}
            defined = definition_row(instance, size, kernel, row)
            if not _rows_equal(got, defined):
                problems.append(f"row {r} prints {got} at n = {size}; the definition gives "
                                f"{defined} (row {row})")
                break
        if problems:
            break
    if problems:
        return CheckResult(NAME, False, problems[0])
    first, last = sizes[0], sizes[-1]
    text = (f"the top {HEAD_ROWS} rows as documents print them (Conv.row) equal the defining "
            f"sums at n = {first} and n = {last} (where they are the same rows)")
    latex = (f"The top ${HEAD_ROWS}$ rows as documents print them equal the defining sums at "
             f"$n = {num(first)}$ and $n = {num(last)}$ (where they are the same rows)")
    if tail:
        text += (f", and the {len(tail)} bottom row(s) of the printed matrix at every n from "
                 f"{first} to {last}")
        latex += (f", and the ${len(tail)}$ bottom {'row' if len(tail) == 1 else 'rows'} of the "
                  f"printed matrix (counted from the end) for every $n$ from ${num(first)}$ to "
                  f"${num(last)}$")
    latex += "."
    return CheckResult(NAME, True, text, detail_latex=latex)
