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

from typing import Any

import sympy

from ..core.conv import Conv
from .definition import definition_rows
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
    problems = []
    for size in sizes:
        instance = op.replace(n=size)
        defined = definition_rows(instance)
        for r in range(min(HEAD_ROWS, len(defined))):
            got = {int(c): v for c, v in op.row(r).items()}
            if not _rows_equal(got, defined[r]):
                problems.append(f"row {r} (0-based) prints {got}; at n = {size} the definition "
                                f"gives {defined[r]}")
                break
        for r, entries in tail:
            row = int(sympy.sympify(r).subs(n, size))
            got = {int(sympy.sympify(c).subs(n, size)): v for c, v in entries.items()}
            if not _rows_equal(got, defined[row]):
                problems.append(f"row {r} prints {got} at n = {size}; the definition gives "
                                f"{defined[row]} (row {row})")
                break
        if problems:
            break
    if problems:
        return CheckResult(NAME, False, problems[0])
    tail_text = f" and the {len(tail)} bottom row(s) of the printed matrix" if tail else ""
    text = (f"the top {HEAD_ROWS} rows as documents print them (Conv.row){tail_text} equal the "
            f"defining sums at n = {sizes[0]}, ..., {sizes[-1]}")
    tail_latex = (f" and the ${len(tail)}$ bottom {'row' if len(tail) == 1 else 'rows'} of the "
                  f"printed matrix (counted from the end)" if tail else "")
    latex = (f"The top ${HEAD_ROWS}$ rows as documents print them{tail_latex} equal the defining "
             f"sums for every $n$ from ${num(sizes[0])}$ to ${num(sizes[-1])}$.")
    return CheckResult(NAME, True, text, detail_latex=latex)
