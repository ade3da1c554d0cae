"""The statements of a handout's answer key: one per exercise, ``answer_<kind>``, whose
parameters are everything the key says about the exercise (the sizes it restates and the
answer) and whose predicate re-derives them from evidence of the exercise's operator.

The evidence is a ``symdil.statements.Evidence`` of the convolution (its rows, and which weight
meets which input) for the convolution kinds, and a ``symdil.stack.statements.StackEvidence``
(the composed rows and each layer's rows) for the stack kinds -- from symdil's own operator when
the handout is printed (``answer_statement(exercise).holds(answer_evidence(exercise))``), from
``tests/reference.py`` in the audit.  No predicate reads the stored answer: each one first checks
that the sizes the key restates describe the evidence (its rows are those of the definition
``y_i = sum_t k_t a[s i + d t - p_before]`` for those sizes, a plain loop), then reads the answer
off the evidence's rows (counts, supports, diagonals, blocks, products with the given numbers).

The key's template phrases each exercise's answer from its statement
(``((* call phrase(e.statement) *))``, see ``symdil.render.phrasing``).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import sympy

from ..stack.statements import StackEvidence
from ..statements import KINDS, Statement, evidence_of, register


def _same(a: Any, b: Any) -> bool:
    return sympy.expand(sympy.sympify(a) - sympy.sympify(b)) == 0


def _rows_equal(got: Sequence[Mapping[int, Any]], want: Sequence[Mapping[int, Any]]) -> bool:
    """Two lists of rows (column -> coefficient) are the same matrix (zeros dropped)."""
    if len(got) != len(want):
        return False
    for a, b in zip(got, want):
        if a == b:
            continue
        a = {c: v for c, v in a.items() if not _same(v, 0)}
        b = {c: v for c, v in b.items() if not _same(v, 0)}
        if set(a) != set(b) or not all(_same(a[c], b[c]) for c in a):
            return False
    return True


def definition_rows(n: int, kernel: Sequence[Any], s: int, d: int, before: int, after: int,
                    channels: int = 1) -> list[dict[int, Any]]:
    """Rows of a 1-D convolution from the definition, window by window: ``kernel`` is flat
    (channel c's tap t at c K + t), column ``c n + j`` is sample j of channel c."""
    K = len(kernel) // channels
    if s < 1 or d < 1 or K < 1 or before < 0 or after < 0:
        raise ValueError(f"no convolution with stride {s}, dilation {d}, {K} taps, padding "
                         f"({before}, {after})")
    rows = []
    i = 0
    while s * i + d * (K - 1) <= n + before + after - 1:
        row: dict[int, Any] = {}
        for c in range(channels):
            for t in range(K):
                j = s * i + d * t - before
                if 0 <= j < n:
                    row[c * n + j] = row.get(c * n + j, 0) + kernel[c * K + t]
        rows.append(row)
        i += 1
    return rows


def _describes(p: Mapping[str, Any], evidence: Any) -> bool:
    """The 1-D sizes the key restates (``n``, ``K``, ``s``, ``d``, ``padding``) give the
    evidence's rows (forward), or their transpose (``transposed``: the forward convolution from
    the evidence's output length back to ``n``).  Sizes no convolution has are not."""
    try:
        return _described(p, evidence)
    except ValueError:
        return False


def _described(p: Mapping[str, Any], evidence: Any) -> bool:
    channels = evidence.input_shape[0]
    before, after = p["padding"]
    if len(evidence.kernel) != channels * p["K"]:
        return False
    if p.get("transposed"):
        m = evidence.row_count
        forward = definition_rows(m, evidence.kernel, p["s"], p["d"], before, after)
        if len(forward) != p["n"] or evidence.column_count != p["n"]:
            return False
        transpose: list[dict[int, Any]] = [{} for _ in range(m)]
        for r, row in enumerate(forward):
            for c, value in row.items():
                transpose[c][r] = value
        return _rows_equal(evidence.rows, transpose)
    if evidence.input_shape[1:] != (p["n"],):
        return False
    return _rows_equal(evidence.rows, definition_rows(p["n"], evidence.kernel, p["s"], p["d"],
                                                      before, after, channels=channels))


def answer_kind(name: str, description: str) -> Any:
    """Register predicate ``name`` (a decorator) so that parameters no answer has (a pair made a
    triple, a row past the matrix) make it false instead of raising."""

    def decorate(predicate: Any) -> Any:
        def guarded(params: Mapping[str, Any], evidence: Any) -> bool:
            try:
                return bool(predicate(params, evidence))
            except (ValueError, TypeError, IndexError, KeyError):
                return False

        register(name, description)(guarded)
        return predicate

    return decorate


def _at(items: Sequence[Any], index: int) -> Any:
    """``items[index]`` for 0 <= index < len(items) (no counting from the end)."""
    if not isinstance(index, int) or not 0 <= index < len(items):
        raise IndexError(index)
    return items[index]


def _tap_of(weights: Mapping[int, int]) -> int | None:
    """The one weight (flat index) meeting an input, or None when several do."""
    return next(iter(weights)) if len(weights) == 1 else None


# ----- single convolutions --------------------------------------------------------------------


@answer_kind("answer_output_length", "a handout answer: the layer has m outputs (a padding word "
          "resolved to its pair)")
def _output_length(p: Mapping[str, Any], evidence: Any) -> bool:
    span = p["d"] * (p["K"] - 1)
    words = {"full": (span, span), "causal": (span, 0), None: tuple(p["padding"])}
    return (_describes(p, evidence) and tuple(p["padding"]) == words[p["word"]]
            and evidence.row_count == p["m"] == evidence.output_shape[-1])


@answer_kind("answer_fill_matrix", "a handout answer: the entries of the rows asked for")
def _fill_matrix(p: Mapping[str, Any], evidence: Any) -> bool:
    return (_describes(p, evidence) and tuple(r for r, _ in p["filled"]) == tuple(p["rows"])
            and all(_rows_equal([_at(evidence.rows, r)], [dict(entries)])
                    for r, entries in p["filled"]))


@answer_kind("answer_zero_diagonals", "a handout answer: the diagonal j - i of each tap, the "
          "all-zero diagonals between neighbouring ones, the zero columns of a row")
def _zero_diagonals(p: Mapping[str, Any], evidence: Any) -> bool:
    diagonals: dict[int, set[int]] = {}
    for r, line in enumerate(evidence.taps):
        for c, weights in line.items():
            for t in weights:
                diagonals.setdefault(t, set()).add(c - r)
    K = p["K"]
    if sorted(diagonals) != list(range(K)) or any(len(diagonals[t]) != 1 for t in range(K)):
        return False
    each = [next(iter(diagonals[t])) for t in range(K)]
    gaps = {later - earlier - 1 for earlier, later in zip(each, each[1:])}
    zero = [c for c in range(evidence.column_count) if c not in _at(evidence.rows, p["row"])]
    return (_describes(p, evidence) and tuple(each) == tuple(p["tap_diagonals"])
            and gaps == {p["gap"]} and tuple(zero) == tuple(p["zero_columns"]))


@answer_kind("answer_output_entry", "a handout answer: where each tap of one output reads the "
          "padded input, which of those positions are padding, and the output's terms")
def _output_entry(p: Mapping[str, Any], evidence: Any) -> bool:
    positions, row, n = list(p["positions"]), p["row"], evidence.column_count
    steps = {later - earlier for earlier, later in zip(positions, positions[1:])}
    landed = {_tap_of(weights): c for c, weights in _at(evidence.taps, row).items()}
    inside = {t: j for t, j in enumerate(positions) if 0 <= j < n}
    # the taps that land are read where the positions say; the progression places the others
    return (_describes(p, evidence) and len(positions) == p["K"] and len(steps) <= 1
            and landed == inside and (steps == {p["d"]} or p["K"] == 1)
            and tuple(p["outside"]) == tuple(j for j in positions if not 0 <= j < n)
            and _rows_equal([evidence.rows[row]], [dict(p["terms"])]))


@answer_kind("answer_same_padding", "a handout answer: the padding pair that keeps the length at "
          "stride 1, split evenly with the odd sample after")
def _same_padding(p: Mapping[str, Any], evidence: Any) -> bool:
    before, after = p["padding"]
    return (_describes(p, evidence) and p["s"] == 1 and evidence.row_count == p["n"]
            and before + after == p["total"] == p["d"] * (p["K"] - 1)
            and after - before in (0, 1))


@answer_kind("answer_transposed_shape", "a handout answer: a transposed convolution's output "
          "length and the shape of its matrix")
def _transposed_shape(p: Mapping[str, Any], evidence: Any) -> bool:
    return (_describes({**p, "transposed": True}, evidence)
            and _shortest(p, evidence) + p["output_padding"] == p["m"] == evidence.row_count
            and tuple(p["shape"]) == (evidence.row_count, evidence.column_count))


def _shortest(p: Mapping[str, Any], evidence: Any) -> int:
    """The shortest input length the forward convolution takes to ``n`` outputs (-1: none up
    to the evidence's output length)."""
    for length in range(1, evidence.row_count + 1):
        before, after = p["padding"]
        if len(definition_rows(length, evidence.kernel, p["s"], p["d"], before, after)) == p["n"]:
            return length
    return -1


@answer_kind("answer_transposed_length", "a handout answer: a transposed convolution's output "
          "length with output padding")
def _transposed_length(p: Mapping[str, Any], evidence: Any) -> bool:
    return (_describes({**p, "transposed": True}, evidence)
            and _shortest(p, evidence) == p["without"]
            and p["without"] + p["output_padding"] == p["m"] == evidence.row_count)


@answer_kind("answer_block_structure", "a handout answer: the block grid of a 2-D convolution's "
          "matrix, its non-zero blocks and block diagonals, and the kernel row of each block")
def _block_structure(p: Mapping[str, Any], evidence: Any) -> bool:
    (out_h, h), (out_w, w) = p["grid"], p["block"]
    kh, kw = p["K"]
    (dh, dw), (ph, pw) = p["d"], p["padding"]
    if (tuple(evidence.input_shape) != (1, h, w) or tuple(evidence.output_shape) != (1, out_h,
                                                                                      out_w)
            or len(evidence.kernel) != kh * kw):
        return False
    # the sizes: per axis the definition's offsets, each entry the product of both axes' taps
    for r, line in enumerate(evidence.taps):
        i, i2 = divmod(r, out_w)
        want = {}
        for u in range(kh):
            for v in range(kw):
                j = i + dh * u - ph
                j2 = i2 + dw * v - pw
                if 0 <= j < h and 0 <= j2 < w:
                    want.setdefault(j * w + j2, {})[u * kw + v] = 1
        if {c: dict(weights) for c, weights in line.items()} != want:
            return False
    blocks: dict[tuple[int, int], set[int]] = {}
    for r, line in enumerate(evidence.taps):
        for c, weights in line.items():
            blocks.setdefault((r // out_w, c // w), set()).update(t // kw for t in weights)
    return (tuple(sorted(blocks)) == tuple(tuple(b) for b in p["blocks"])
            and tuple(sorted({j - i for i, j in blocks})) == tuple(p["diagonals"])
            and all(blocks[(i, j)] == {(j - i + ph) // dh} and (j - i + ph) % dh == 0
                    for i, j in blocks)
            and tuple(p["kernel_rows"]) == tuple(sorted(set().union(*blocks.values()))))


@answer_kind("answer_numeric_output", "a handout answer: the output for the given input numbers")
def _numeric_output(p: Mapping[str, Any], evidence: Any) -> bool:
    values = list(p["input"])
    output = [sum((coef * values[c] for c, coef in row.items()), sympy.Integer(0))
              for row in evidence.rows]
    return (_describes(p, evidence) and tuple(evidence.kernel) == tuple(p["kernel"])
            and len(values) == evidence.column_count
            and len(output) == len(p["output"])
            and all(_same(a, b) for a, b in zip(output, p["output"])))


@answer_kind("answer_which_parameters", "a handout answer: the only stride, dilation and padding "
          "before that make the printed matrix, and the columns of rows 0 and 1")
def _which_parameters(p: Mapping[str, Any], evidence: Any) -> bool:
    n, m, K = evidence.column_count, evidence.row_count, len(evidence.kernel)
    found = set()
    # any stride past n + d(K-1) or dilation past n gives the same rows as a smaller one would
    for d in range(1, n + 1):
        for before in range(d * (K - 1) + 1):
            for s in range(1, n + before + 1):
                # some padding after gives exactly m rows: none gives more than m
                if len(definition_rows(n, evidence.kernel, s, d, before, 0)) > m:
                    continue
                rows = definition_rows(n, evidence.kernel, s, d, before, n * s + d * K)[:m]
                if len(rows) == m and _rows_equal(evidence.rows, rows):
                    found.add((s, d, before))
    return (found == {(p["s"], p["d"], p["before"])} and K == p["K"] and n == p["n"]
            and tuple(sorted(evidence.rows[0])) == tuple(p["first"])
            and tuple(sorted(evidence.rows[1])) == tuple(p["second"]))


@answer_kind("answer_find_wrong_entry", "a handout answer: the one entry of the printed matrix "
             "that differs from the operator's, what it should be and which tap lands there")
def _find_wrong_entry(p: Mapping[str, Any], evidence: Any) -> bool:
    printed = p["matrix"]
    if len(printed) != evidence.row_count or any(len(line) != evidence.column_count
                                                 for line in printed):
        return False
    wrong = [(r, c) for r, line in enumerate(printed) for c, value in enumerate(line)
             if not _same(value, evidence.rows[r].get(c, 0))]
    r, c = p["row"], p["column"]
    taps = _at(evidence.taps, r)
    tap = _tap_of(taps[c]) if _at(range(evidence.column_count), c) in taps else None
    return (_describes(p, evidence) and wrong == [(r, c)]
            and _same(p["correct"], evidence.rows[r].get(c, 0))
            and _same(p["claimed"], printed[r][c]) and tap == p["tap"])


# ----- stacks ---------------------------------------------------------------------------------


def _layers_describe(p: Mapping[str, Any], evidence: StackEvidence) -> bool:
    """Each layer's rows are the definition's for the sizes the key's table restates."""
    n = p["n"]
    if len(evidence.layer_rows) != len(p["layers"]):
        return False
    for (K, s, d, (before, after)), rows in zip(p["layers"], evidence.layer_rows):
        taps = [sympy.Symbol(f"_k{t}") for t in range(K)]
        plain = definition_rows(n, taps, s, d, before, after)
        # the layer's own taps: the supports and the tap of each entry, one weight at a time
        if len(plain) != len(rows) or [set(a) for a in plain] != [set(b) for b in rows]:
            return False
        n = len(plain)
    return tuple(evidence.input_shape) == (1, p["n"])


def _stack_sizes(p: Mapping[str, Any]) -> tuple[int, int, int]:
    """(r, S, P): the receptive field, effective stride and padding the key's chains compute."""
    r, S, P = 1, 1, 0
    for K, s, d, padding in p["layers"]:
        r += d * (K - 1) * S
        P += padding[0] * S
        S *= s
    return r, S, P


def _field(p: Mapping[str, Any], evidence: StackEvidence) -> bool:
    """The existing ``stack_receptive_field`` predicate: every row reads inside its window
    [S i - P, S i - P + r - 1], exactly when the window lies in the input."""
    params = {"upto": len(p["layers"]), "axis": 0, "r": p["r"], "stride": p["S"],
              "before": p["P"], "zeros": True}
    return KINDS["stack_receptive_field"].predicate(params, evidence)


@answer_kind("answer_receptive_field", "a handout answer: a stack's receptive field, effective "
          "stride and padding, and the input region of one output")
def _receptive_field(p: Mapping[str, Any], evidence: StackEvidence) -> bool:
    row, (u, v) = _at(range(evidence.output_shape[-1]), p["row"]), p["region"]
    region = {"row": row, "index": (row,), "zeros": True, "period": (1,), "shift": (p["S"],),
              "region": ((u, v),)}
    return (_layers_describe(p, evidence) and _stack_sizes(p) == (p["r"], p["S"], p["P"])
            and _field(p, evidence) and v - u + 1 == p["r"] and u == p["S"] * row - p["P"]
            and KINDS["stack_region"].predicate(region, evidence)
            and p["outside"] == (u < 0 or v > p["n"] - 1))


@answer_kind("answer_effective_stride", "a handout answer: a stack's jumps, effective stride and "
          "effective padding")
def _effective_stride(p: Mapping[str, Any], evidence: StackEvidence) -> bool:
    jumps, jump = [], 1
    for _, s, _, _ in p["layers"]:
        jumps.append(jump)
        jump *= s
    return (_layers_describe(p, evidence) and _stack_sizes(p) == (p["r"], p["S"], p["P"])
            and tuple(jumps) == tuple(p["jumps"]) and _field(p, evidence))


@answer_kind("answer_single_conv", "a handout answer: the single convolution a stack equals away "
          "from its border rows, and its taps")
def _single_conv(p: Mapping[str, Any], evidence: StackEvidence) -> bool:
    single = {"conv": {"kernel": list(p["taps"]), "stride": p["S"],
                       "padding": (p["P"], p["pad_after"])},
              "border": p["border"], "symbolic": True}
    return (_layers_describe(p, evidence) and _stack_sizes(p) == (p["r"], p["S"], p["P"])
            and len(p["taps"]) == p["r"] and len(p["border"]) == p["border_count"]
            and KINDS["stack_single_conv"].predicate(single, evidence))


# ----- building them --------------------------------------------------------------------------


def _sizes(q: Mapping[str, Any]) -> dict[str, Any]:
    return {"n": q["n"], "K": q["kernel_size"], "s": q["stride"], "d": q["dilation"],
            "padding": tuple(q["padding"])}


def _row_terms(row: Mapping[int, Any]) -> tuple:
    return tuple(sorted(row.items()))


def _stack_params(e: Any) -> dict[str, Any]:
    q = e.question
    layers = tuple((layer["kernel_size"], layer["stride"], layer["dilation"],
                    tuple(layer["padding"])) for layer in q["layers"])
    r, S, P = _stack_sizes({"layers": layers})
    return {"n": q["n"], "layers": layers, "r": r, "S": S, "P": P}


def answer_statement(e: Any) -> Statement:
    """The statement of exercise ``e``'s answer (``answer_<kind>``), from its question and
    answer data: what the key says."""
    q, a, kind = e.question, e.answer, e.kind
    if kind == "output_length":
        params = {**_sizes(q), "word": q.get("padding_word"), "m": a["output_length"]}
    elif kind == "fill_matrix":
        values = dict(a["values"])
        rows = sorted({r for r, _ in q["blanks"]})
        params = {**_sizes(q), "rows": tuple(rows), "filled": tuple(
            (r, tuple((c, values[(r, c)]) for c in sorted(c for rr, c in values if rr == r)
                      if values[(r, c)] != 0)) for r in rows)}
    elif kind == "zero_diagonals":
        params = {**_sizes(q), "row": q["row"], "gap": a["zero_diagonals_between_taps"],
                  "tap_diagonals": a["tap_diagonals"], "zero_columns": a["zero_columns"]}
    elif kind == "output_entry":
        row = q["row"]
        positions = tuple(q["stride"] * row + q["dilation"] * t - q["padding"][0]
                          for t in range(q["kernel_size"]))
        expression = sympy.expand(a["expression"])
        terms = tuple((j, expression.coeff(symbol)) for j, symbol in enumerate(e.op.input)
                      if expression.coeff(symbol) != 0)
        params = {**_sizes(q), "row": row, "positions": positions,
                  "outside": tuple(j for j in positions if not 0 <= j < q["n"]),
                  "terms": terms}
    elif kind == "same_padding":
        before, after = a["padding"]
        params = {"n": q["n"], "K": q["kernel_size"], "s": 1, "d": q["dilation"],
                  "padding": (before, after), "total": before + after}
    elif kind in ("transposed_shape", "transposed_length"):
        params = {**_sizes(q), "output_padding": q["output_padding"], "m": a["output_length"]}
        if kind == "transposed_shape":
            params["shape"] = tuple(a["shape"])
        else:
            params["without"] = a["output_length"] - q["output_padding"]
    elif kind == "block_structure":
        blocks = tuple(tuple(block) for block in a["nonzero_blocks"])
        (ph, _), (pw, _) = q["padding"]
        dh = q["dilation"][0]
        params = {"grid": tuple(a["block_grid"]), "block": tuple(a["block_shape"]),
                  "K": tuple(q["kernel_size"]), "d": tuple(q["dilation"]), "padding": (ph, pw),
                  "blocks": blocks, "diagonals": tuple(a["block_diagonals"]),
                  "kernel_rows": tuple(sorted({(j - i + ph) // dh for i, j in blocks}))}
    elif kind == "numeric_output":
        params = {**_sizes(q), "kernel": tuple(t for taps in q["kernel"] for t in taps),
                  "input": tuple(v for values in q["input"] for v in values),
                  "output": tuple(a["output"])}
    elif kind == "which_parameters":
        matrix = q["matrix"]
        params = {"n": q["n"], "K": q["kernel_size"], "s": a["stride"], "d": a["dilation"],
                  "before": a["padding"],
                  "first": tuple(c for c in range(matrix.cols) if matrix[0, c] != 0),
                  "second": tuple(c for c in range(matrix.cols) if matrix[1, c] != 0)}
    elif kind == "find_wrong_entry":
        matrix = q["matrix"]
        r, c = a["row"], a["column"]
        taps = [t for t in range(q["kernel_size"])
                if q["stride"] * r + q["dilation"] * t - q["padding"][0] == c]
        params = {**_sizes(q), "row": r, "column": c, "correct": a["correct"],
                  "claimed": a["claimed"], "tap": taps[0] if len(taps) == 1 else None,
                  "matrix": tuple(tuple(matrix[i, j] for j in range(matrix.cols))
                                  for i in range(matrix.rows))}
    elif kind == "receptive_field":
        params = {**_stack_params(e), "row": q["row"], "region": tuple(a["region"])}
        params["outside"] = params["region"][0] < 0 or params["region"][1] > q["n"] - 1
    elif kind == "effective_stride":
        params = _stack_params(e)
        params["jumps"] = tuple(_jumps(q["layers"]))
    elif kind == "single_conv":
        params = _stack_params(e)
        candidate = e.op.single_conv().candidate
        params.update(taps=tuple(a["taps"]), border=tuple(a["border_rows"]),
                      border_count=len(a["border_rows"]),
                      pad_after=candidate.axes[0].pad_after)
    else:  # pragma: no cover - every kind is listed above
        raise ValueError(f"no answer statement for kind {kind!r}")
    return Statement("answer_" + kind, params)


def _jumps(layers: Any) -> list[int]:
    jumps, jump = [], 1
    for layer in layers:
        jumps.append(jump)
        jump *= layer["stride"]
    return jumps


def answer_evidence(e: Any) -> Any:
    """Evidence of exercise ``e``'s operator from symdil itself (the stack's rows for a stack)."""
    if e.kind in ("receptive_field", "effective_stride", "single_conv"):
        return StackEvidence.of(e.op)
    return evidence_of(e.op)
