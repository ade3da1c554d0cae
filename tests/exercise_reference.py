"""An independent answer key for handout exercises: every graded answer recomputed from the
exercise's question data with ``tests.reference`` (dense matrices built by plain loops), sharing
no code with ``symdil.handout``.

``reference_answers(kind, question)`` returns the graded values in the order
``symdil.handout.grading.graded_fields`` lists them (ints, or SymPy entries for matrix cells).
Stacks are followed through dense reference matrices of their layers on an input widened by
``E`` samples on each side, so that every position an output reads -- padding of any layer
included -- is a real input there: the region of output ``i`` is the support of row
``i + E / S`` of the widened stack, shifted back by ``E``.
"""

from __future__ import annotations

from typing import Any

import sympy

from tests.reference import reference


def _matrix(q: dict, taps: Any = None, n: int | None = None) -> list[list[Any]]:
    return reference(q["n"] if n is None else n, q["kernel_size"], q["stride"], q["dilation"],
                     tuple(q["padding"]), kernel_values=taps, with_output=False).matrix


def _layer_rows(n: int, layer: dict, taps: Any) -> list[dict[int, Any]]:
    dense = reference(n, layer["kernel_size"], layer["stride"], layer["dilation"],
                      tuple(layer["padding"]), kernel_values=taps, with_output=False).matrix
    return [{c: v for c, v in enumerate(row) if v != 0} for row in dense]


def _stack_rows(n: int, layers: list[dict], taps: list[Any]) -> list[dict[int, Any]]:
    """Rows of the product of the layers' reference matrices (plain sparse products)."""
    rows = None
    for layer, layer_taps in zip(layers, taps):
        current = _layer_rows(n, layer, layer_taps)
        n = len(current)
        if rows is None:
            rows = current
            continue
        composed = []
        for row in current:
            out: dict[int, Any] = {}
            for j, coefficient in row.items():
                for c, value in rows[j].items():
                    out[c] = out.get(c, 0) + coefficient * value
            composed.append({c: v for c, v in out.items() if v != 0})
        rows = composed
    return rows


def _widened(q: dict, taps: list[Any] | None = None) -> tuple[list[dict], int, int]:
    """The stack's rows on an input widened by E on each side, E, and S."""
    layers = [dict(layer) for layer in q["layers"]]
    S = 1
    for layer in layers:
        S *= layer["stride"]
    reach = sum(layer["dilation"] * layer["kernel_size"] + layer["padding"][0] + 1
                for layer in layers) * S
    E = S * (reach // S + 2)
    ones = [[1] * layer["kernel_size"] for layer in layers]
    return _stack_rows(q["n"] + 2 * E, layers, taps or ones), E, S


def _region(q: dict, i: int) -> tuple[int, int]:
    rows, E, S = _widened(q)
    support = sorted(rows[i + E // S])
    return support[0] - E, support[-1] - E


def _stack_answers(kind: str, q: dict, op: Any) -> list[Any]:
    rows, E, S = _widened(q)
    first = sorted(rows[E // S])
    start = first[0] - E
    r = first[-1] - first[0] + 1
    if kind == "receptive_field":
        u, v = _region(q, q["row"])
        return [r, u, v]
    if kind == "effective_stride":
        second = sorted(rows[E // S + 1])
        return [second[0] - first[0], -start]
    # single_conv: kernel size r, stride S, padding -start (its taps: see stack_taps)
    return [r, S, -start]


def stack_taps(q: dict, op: Any) -> list[Any]:
    """The single convolution's taps: an interior row of the widened stack (symbolic taps, the
    stack's own symbols), read from its first column on."""
    taps = [list(layer.kernel) for layer in op.layers]
    rows, E, S = _widened(q, taps)
    row = rows[E // S]
    first = min(rows[E // S])
    first_ones = min(_widened(q)[0][E // S])
    assert first == first_ones
    r = max(_widened(q)[0][E // S]) - first + 1
    return [sympy.expand(row.get(first + t, 0)) for t in range(r)]


def reference_answers(kind: str, q: dict, op: Any = None) -> list[Any]:
    """The graded values of an exercise of ``kind`` with question data ``q``."""
    if kind in ("receptive_field", "effective_stride", "single_conv"):
        return _stack_answers(kind, q, op)
    if kind == "output_length":
        return [len(_matrix(q))]
    if kind == "fill_matrix":
        matrix = _matrix(q)
        return [matrix[r][c] for r, c in q["blanks"]]
    if kind == "zero_diagonals":
        matrix = _matrix(q)
        where = {}
        for r, row in enumerate(matrix):
            for c, value in enumerate(row):
                if value != 0:
                    where.setdefault(value, set()).add(c - r)
        diagonals = [where[sympy.Symbol(f"k_{t}")] for t in range(q["kernel_size"])]
        assert all(len(d) == 1 for d in diagonals)
        zero = tuple(c for c, value in enumerate(matrix[q["row"]]) if value == 0)
        return [q["dilation"] - 1] + [d.pop() for d in diagonals] + [zero]
    if kind == "output_entry":
        # where each tap of output `row` reads the padded input, counted from the input's start
        return [q["stride"] * q["row"] + q["dilation"] * t - q["padding"][0]
                for t in range(q["kernel_size"])]
    if kind == "same_padding":
        ref = reference(q["n"], q["kernel_size"], 1, q["dilation"], "same", with_output=False)
        return list(ref.padding[0])
    if kind in ("transposed_shape", "transposed_length"):
        ref = reference(q["n"], q["kernel_size"], q["stride"], q["dilation"], q["padding"][0],
                        transposed=True, output_padding=q["output_padding"], with_output=False)
        rows, cols = len(ref.matrix), len(ref.matrix[0])
        return [rows, cols] if kind == "transposed_shape" else [rows]
    if kind == "block_structure":
        (h, w) = q["n"]
        ref = reference(q["n"], q["kernel_size"], 1, q["dilation"],
                        [tuple(p) for p in q["padding"]], with_output=False)
        out_h, out_w = ref.output_shape[1:]
        blocks = {(r // out_w, c // w) for r, row in enumerate(ref.matrix)
                  for c, v in enumerate(row) if v != 0}
        # (b) asks on which block diagonals J - I the non-zero blocks lie: graded too
        return [out_h, h, out_w, w, len(blocks), tuple(sorted({j - i for i, j in blocks}))]
    if kind == "numeric_output":
        ref = reference(q["n"], q["kernel_size"], q["stride"], q["dilation"],
                        tuple(q["padding"]), in_channels=q["channels"],
                        kernel_values=[t for taps in q["kernel"] for t in taps],
                        with_output=False)
        flat = [x for channel in q["input"] for x in channel]
        return [sum(c * x for c, x in zip(row, flat)) for row in ref.matrix]
    if kind == "which_parameters":
        found = []
        n, K = q["n"], q["kernel_size"]
        target = [[q["matrix"][r, c] for c in range(n)] for r in range(q["matrix"].rows)]
        m = len(target)
        # every candidate with at most a window's span of padding on each side (more would
        # give an all-zero first or last row, which the printed matrix does not have)
        for s in range(1, n + 1):
            for d in range(1, n + 1):
                for before in range(0, d * (K - 1) + 1):
                    for after in range(0, d * (K - 1) + 1):
                        if (n + before + after - d * (K - 1) - 1) // s + 1 != m:
                            continue
                        try:
                            matrix = reference(n, K, s, d, (before, after),
                                               with_output=False).matrix
                        except Exception:
                            continue
                        if matrix == target:
                            found.append((s, d, before))
        assert len(set(found)) == 1, found
        return list(found[0])
    if kind == "find_wrong_entry":
        matrix = _matrix(q)
        wrong = [(r, c) for r, row in enumerate(matrix) for c, value in enumerate(row)
                 if sympy.expand(q["matrix"][r, c] - value) != 0]
        assert len(wrong) == 1, wrong
        r, c = wrong[0]
        return [r, c, matrix[r][c]]
    raise KeyError(kind)
