"""Exercise kinds read off one convolution's matrix or output: the transposed length with output
padding, the numeric output for given numbers, which parameters made a printed matrix, and the
one wrong entry of a printed matrix.

Each kind has a maker ``make_<kind>(rng, level)`` returning ``(op, question, answer)`` and a check
``check_<kind>(op, question, answer)`` that recomputes the answer another way: a plain loop over
the definition ``y_i = sum_t k_t a[s i + d t - p_before]`` (``reference_rows``), a search over every
parameter set that could have made the matrix, and, for the wrong entry, the cell-by-cell
comparison with the definition (the maker also asks the claim checker, which must find exactly
that one mismatch).

Question and answer keys besides the sizes (``n``, ``kernel_size``, ``stride``, ``dilation``,
``padding``):

=================  ======================================  ===================================
transposed_length  output_padding (``op`` is transposed)  output_length
numeric_output     channels; kernel, input: per channel a  output: tuple of integers
                   tuple of integers
which_parameters   matrix (SymPy; s, d, p are asked)       stride, dilation, padding (before)
find_wrong_entry   matrix: the printed one, one cell wrong  row, column, correct (SymPy)
=================  ======================================  ===================================
"""

from __future__ import annotations

import random
from typing import Any, Mapping

import sympy

from ..core.conv import Conv
from ..core.errors import SymdilError

KINDS = ("transposed_length", "numeric_output", "which_parameters", "find_wrong_entry")

#: Per kind and level: (n, K, s, d, p) inclusive ranges.
_SIZES = {
    "transposed_length": {1: ((3, 5), (2, 2), (2, 2), (1, 1), (0, 0)),
                          2: ((3, 6), (2, 3), (2, 3), (1, 2), (0, 1)),
                          3: ((4, 9), (2, 4), (2, 4), (1, 3), (0, 2))},
    "numeric_output": {1: ((4, 6), (2, 2), (1, 1), (1, 1), (0, 0)),
                       2: ((5, 8), (2, 3), (1, 2), (1, 2), (0, 1)),
                       3: ((6, 10), (2, 4), (1, 3), (1, 3), (0, 2))},
    "which_parameters": {1: ((5, 7), (2, 2), (1, 2), (1, 2), (0, 0)),
                         2: ((5, 8), (2, 3), (1, 2), (1, 3), (0, 1)),
                         3: ((6, 9), (2, 3), (1, 3), (1, 3), (0, 2))},
    "find_wrong_entry": {1: ((4, 6), (2, 2), (1, 1), (1, 2), (0, 0)),
                         2: ((5, 7), (2, 3), (1, 2), (1, 2), (0, 1)),
                         3: ((6, 8), (2, 3), (1, 3), (1, 3), (0, 2))},
}
#: Numbers in numeric_output: taps and inputs are small non-zero / any integers.
_TAPS = (-2, -1, 1, 2, 3)
_VALUES = (-3, -2, -1, 0, 1, 2, 3)


def _sizes(rng: random.Random, kind: str, level: int) -> tuple[int, int, int, int, int]:
    """(n, K, s, d, p) from the level's ranges, redrawn until the window fits the padded input
    and no padding is wider than the window's span (an output reading only zeros)."""
    while True:
        n, K, s, d, p = (rng.randint(*bounds) for bounds in _SIZES[kind][level])
        if d * (K - 1) + 1 <= n + 2 * p and p <= d * (K - 1):
            return n, K, s, d, p


def _given(op: Conv) -> dict[str, Any]:
    axis = op.axes[0]
    return {"n": axis.n, "kernel_size": axis.kernel_size, "stride": axis.stride,
            "dilation": axis.dilation, "padding": (axis.pad_before, axis.pad_after)}


def reference_rows(n: int, K: int, s: int, d: int, before: int, after: int,
                   taps: Any = None) -> list[dict[int, Any]]:
    """Column -> coefficient of every output, window by window, from the definition (zero
    padding, cross-correlation); ``taps`` default to the symbols ``k_t``."""
    taps = taps if taps is not None else [sympy.Symbol(f"k_{t}") for t in range(K)]
    rows = []
    i = 0
    while s * i + d * (K - 1) <= n + before + after - 1:
        row: dict[int, Any] = {}
        for t in range(K):
            j = s * i + d * t - before
            if 0 <= j < n:
                row[j] = row.get(j, 0) + taps[t]
        rows.append(row)
        i += 1
    return rows


def _row(n: int, K: int, s: int, d: int, before: int, i: int) -> dict[int, Any]:
    """Row ``i`` alone, from the definition (symbolic taps ``k_t``)."""
    row: dict[int, Any] = {}
    for t in range(K):
        j = s * i + d * t - before
        if 0 <= j < n:
            row[j] = row.get(j, 0) + _TAP_SYMBOLS[t]
    return row


_TAP_SYMBOLS = [sympy.Symbol(f"k_{t}") for t in range(16)]


def _no_empty_row(op: Conv) -> bool:
    return op.output_length >= 2 and all(op.rows)


# ----- transposed output length with output padding -----------------------------------------


def make_transposed_length(rng: random.Random, level: int) -> tuple[Conv, dict, dict]:
    while True:
        n, K, s, d, p = _sizes(rng, "transposed_length", level)
        if (n - 1) * s - 2 * p + d * (K - 1) + 1 >= n:  # the transposed layer upsamples
            break
    output_padding = rng.randint(1, s - 1)  # the kind is about it: never 0
    op = Conv(n, K, stride=s, dilation=d, padding=p, transposed=True,
              output_padding=output_padding)
    return op, {**_given(op), "output_padding": output_padding}, {"output_length":
                                                                  op.output_length}


def check_transposed_length(op: Conv, q: Mapping, a: Mapping) -> bool:
    n, K, s, d = q["n"], q["kernel_size"], q["stride"], q["dilation"]
    before, after = q["padding"]
    # the shortest length a forward convolution takes back to n, then p_out samples more
    shortest = next(length for length in range(1, n * s + d * K + 1)
                    if len(reference_rows(length, K, s, d, before, after)) == n)
    return (_given(op) == {k: q[k] for k in ("n", "kernel_size", "stride", "dilation",
                                             "padding")}
            and op.axes[0].output_padding == q["output_padding"]
            and a["output_length"] == shortest + q["output_padding"] == op.shape[0])


# ----- numeric output ---------------------------------------------------------------------------


def make_numeric_output(rng: random.Random, level: int) -> tuple[Conv, dict, dict]:
    while True:
        n, K, s, d, p = _sizes(rng, "numeric_output", level)
        channels = 2 if level == 3 and rng.random() < 0.5 else 1  # level 3: two input channels
        kernel = tuple(tuple(rng.choice(_TAPS) for _ in range(K)) for _ in range(channels))
        values = tuple(tuple(rng.choice(_VALUES) for _ in range(n)) for _ in range(channels))
        op = Conv(n, [[list(taps) for taps in kernel]] if channels > 1 else list(kernel[0]),
                  stride=s, dilation=d, padding=p, in_channels=channels)
        if not _no_empty_row(op):
            continue
        # each row's integer coefficients times the numbers it reads (column c n + j: a^(c)_j)
        flat = [value for channel in values for value in channel]
        output = tuple(sum(int(c) * flat[j] for j, c in row.items()) for row in op.rows)
        if any(output):  # an all-zero output teaches nothing
            break
    question = {**_given(op), "channels": channels, "kernel": kernel, "input": values}
    return op, question, {"output": output}


def check_numeric_output(op: Conv, q: Mapping, a: Mapping) -> bool:
    """Channel by channel, the plain loop over the definition, summed."""
    output = None
    for taps, values in zip(q["kernel"], q["input"]):
        rows = reference_rows(q["n"], q["kernel_size"], q["stride"], q["dilation"],
                              *q["padding"], taps=taps)
        part = [sum(c * values[j] for j, c in row.items()) for row in rows]
        output = part if output is None else [x + y for x, y in zip(output, part)]
    return (_given(op) == {k: q[k] for k in _given(op)} and tuple(a["output"]) == tuple(output)
            and len(output) == op.output_length and op.in_channels == q["channels"]
            == len(q["kernel"]) == len(q["input"]))


# ----- which parameters made this matrix ------------------------------------------------------


def parameter_sets(matrix: sympy.Matrix, n: int, K: int) -> set[tuple[int, int, int]]:
    """Every (stride, dilation, padding before) whose convolution of length ``n`` with ``K`` taps
    has exactly ``matrix`` for some padding after: a search over all of them, each matrix built
    by the plain loop.  Row 0 bounds the search: a non-empty first row needs
    ``p_before <= d (K-1)``, a second non-empty row ``s <= n - 1 + p_before``; a dilation of
    ``n`` or more puts at most one tap in a row, as every larger one does."""
    m = matrix.rows
    target = [{c: matrix[r, c] for c in range(n) if matrix[r, c] != 0} for r in range(m)]
    found = set()
    for d in range(1, n + 1):
        for before in range(0, d * (K - 1) + 1):
            for s in range(1, n + before):
                span = d * (K - 1)
                # some p_after >= 0 gives m outputs: n + before + after - span - 1 in
                # [s (m-1), s m - 1]
                if s * m - 1 - (n + before - span - 1) < 0:
                    continue
                if all(_row(n, K, s, d, before, i) == target[i] for i in range(m)):
                    found.add((s, d, before))
    return found


def make_which_parameters(rng: random.Random, level: int) -> tuple[Conv, dict, dict]:
    while True:
        n, K, s, d, p = _sizes(rng, "which_parameters", level)
        op = Conv(n, K, stride=s, dilation=d, padding=p)
        if not _no_empty_row(op):
            continue
        matrix = op.matrix.as_immutable()
        if parameter_sets(matrix, n, K) == {(s, d, p)}:  # the matrix tells them apart
            break
    question = {"n": n, "kernel_size": K, "matrix": matrix}
    return op, question, {"stride": s, "dilation": d, "padding": p}


def check_which_parameters(op: Conv, q: Mapping, a: Mapping) -> bool:
    answer = (a["stride"], a["dilation"], a["padding"])
    return (q["matrix"] == op.matrix and op.axes[0].n == q["n"]
            and op.axes[0].kernel_size == q["kernel_size"]
            and parameter_sets(q["matrix"], q["n"], q["kernel_size"]) == {answer})


# ----- find the wrong entry -------------------------------------------------------------------


def _wrong_value(rng: random.Random, correct: Any, K: int) -> Any:
    """A plausible slip: a neighbouring tap for a tap, a tap where a zero belongs, or a zero
    where a tap belongs."""
    taps = [sympy.Symbol(f"k_{t}") for t in range(K)]
    if correct == 0:
        return rng.choice(taps)
    others = [tap for tap in taps if tap != correct] + [sympy.Integer(0)]
    return rng.choice(others)


def make_find_wrong_entry(rng: random.Random, level: int) -> tuple[Conv, dict, dict]:
    from ..claims import compare_claim, parse_claim
    from ..layout.matrices import bracket_matrix
    from ..render.printer import SymdilLatexPrinter

    printer = SymdilLatexPrinter()
    while True:
        n, K, s, d, p = _sizes(rng, "find_wrong_entry", level)
        op = Conv(n, K, stride=s, dilation=d, padding=p)
        if _no_empty_row(op):
            break
    correct_matrix = op.matrix
    r, c = rng.randrange(correct_matrix.rows), rng.randrange(n)
    wrong = correct_matrix.as_mutable()
    wrong[r, c] = _wrong_value(rng, correct_matrix[r, c], K)
    wrong = wrong.as_immutable()
    # the claim checker must find exactly the planted cell, and nothing else
    text = "M = " + bracket_matrix([[printer.entry(wrong[i, j]) for j in range(n)]
                                    for i in range(wrong.rows)])
    result = compare_claim(parse_claim(text), op, index_base=0)
    mismatches = list(result.mismatches)
    if len(mismatches) != 1 or (mismatches[0].row_0based, mismatches[0].column_0based) != (r, c):
        raise SymdilError(f"internal error: the claim checker found {len(mismatches)} wrong "
                          f"entries in a matrix with one planted at ({r}, {c})")
    return (op, {**_given(op), "matrix": wrong},
            {"row": r, "column": c, "correct": correct_matrix[r, c], "claimed": wrong[r, c]})


def check_find_wrong_entry(op: Conv, q: Mapping, a: Mapping) -> bool:
    rows = reference_rows(q["n"], q["kernel_size"], q["stride"], q["dilation"], *q["padding"])
    matrix = q["matrix"]
    if matrix.shape != (len(rows), q["n"]) or _given(op) != {k: q[k] for k in _given(op)}:
        return False
    wrong = [(i, j) for i in range(len(rows)) for j in range(q["n"])
             if sympy.expand(matrix[i, j] - rows[i].get(j, 0)) != 0]
    return (wrong == [(a["row"], a["column"])]
            and a["correct"] == rows[a["row"]].get(a["column"], 0))


MAKERS = {"transposed_length": make_transposed_length, "numeric_output": make_numeric_output,
          "which_parameters": make_which_parameters, "find_wrong_entry": make_find_wrong_entry}
CHECKS = {"transposed_length": check_transposed_length, "numeric_output": check_numeric_output,
          "which_parameters": check_which_parameters, "find_wrong_entry": check_find_wrong_entry}
