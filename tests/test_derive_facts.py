"""The derivation's structural facts (symdil.facts) against counts taken from an independent dense
matrix (tests/reference.py), for many random 1-D configurations; and the sentences of the rendered
document against the same counts."""

from __future__ import annotations

import random
import re

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import Invalid, reference

from symdil import Conv, SymdilError
from symdil.derivation import derive
from symdil.layout.elision import matrix_layout
from symdil.statements.facts import structure_facts

SETTINGS = settings(max_examples=120, deadline=None)


@st.composite
def configs(draw, transposed=None, symbolic_kernel=None):
    is_transposed = draw(st.booleans()) if transposed is None else transposed
    K = draw(st.integers(1, 4))
    s = draw(st.integers(1, 4))
    d = draw(st.integers(1, 4))
    n = draw(st.integers(1, 13))
    flip = draw(st.booleans())
    if is_transposed:
        padding = draw(st.integers(0, 4))
        mode = "zeros"
        output_padding = draw(st.integers(0, max(s, d) - 1))
    else:
        padding = draw(st.one_of(
            st.sampled_from(["valid", "same", "full", "causal"]),
            st.integers(0, 4),
            st.tuples(st.integers(0, 4), st.integers(0, 4)),
        ))
        mode = draw(st.sampled_from(["zeros", "zeros", "circular", "reflect", "replicate"]))
        output_padding = 0
    numeric = draw(st.booleans()) if symbolic_kernel is None else not symbolic_kernel
    values = None
    if numeric:
        values = [sympy.Integer(draw(st.integers(-2, 2))) for _ in range(K)]
    return dict(n=n, K=K, s=s, d=d, padding=padding, mode=mode, flip=flip,
                transposed=is_transposed, output_padding=output_padding, values=values)


def build(cfg):
    """(Conv, dense reference rows as dicts) or None when the configuration is invalid."""
    kernel = cfg["values"] if cfg["values"] is not None else cfg["K"]
    try:
        op = Conv(cfg["n"], kernel, stride=cfg["s"], dilation=cfg["d"], padding=cfg["padding"],
                  padding_mode=cfg["mode"], flip=cfg["flip"], transposed=cfg["transposed"],
                  output_padding=cfg["output_padding"])
    except SymdilError:
        return None
    try:
        ref = reference(cfg["n"], cfg["K"], cfg["s"], cfg["d"], cfg["padding"], cfg["mode"],
                        cfg["flip"], cfg["transposed"], cfg["output_padding"],
                        kernel_values=cfg["values"])
    except Invalid:
        pytest.fail(f"Conv accepted what the reference refuses: {cfg}")
    rows = [{c: v for c, v in enumerate(line) if sympy.expand(v) != 0} for line in ref.matrix]
    return op, rows


def _offsets(rows, s, transposed):
    if transposed:
        return {r - s * c for r, row in enumerate(rows) for c in row}
    return {c - s * r for r, row in enumerate(rows) for c in row}


@SETTINGS
@given(configs(transposed=False))
def test_forward_facts_match_the_matrix(cfg):
    built = build(cfg)
    if built is None:
        return
    op, rows = built
    facts = structure_facts(op)
    n, K, s, d = cfg["n"], cfg["K"], cfg["s"], cfg["d"]
    p = op.axes[0].pad_before
    m = len(rows)
    assert facts.output_length == m
    assert facts.nonzeros == sum(len(row) for row in rows)
    assert facts.gather_multiplications == m * K
    assert facts.dense_multiplications == m * n
    border = {row.row: row for row in facts.border_rows}
    nonzero_offsets = [t for t in range(K) if op.kernel[K - 1 - t if cfg["flip"] else t] != 0]
    for r, row in enumerate(rows):
        inside = facts.interior is not None and facts.interior[0] <= r <= facts.interior[1]
        assert inside != (r in border), (r, facts.interior, sorted(border))
        if inside:
            # an interior row: exactly the non-zero taps, at s*r - p + d*t
            assert sorted(row) == [s * r - p + d * t for t in nonzero_offsets]
            assert len(row) == facts.per_interior_line
            if len(nonzero_offsets) == K:
                assert min(row) == s * r - p  # "row i starts at column s*i - p_before"
        else:
            entries = {c: v for c, v in border[r].entries.items() if sympy.expand(v) != 0}
            assert {c: sympy.expand(v) for c, v in entries.items()} == {
                c: sympy.expand(v) for c, v in row.items()}
            assert any(not 0 <= hit.position < n for hit in border[r].hits)
    # the band: lines c - s*r occupied by unfolded entries (every entry under zero padding)
    unfolded = rows if cfg["mode"] == "zeros" else [
        row if facts.interior and facts.interior[0] <= r <= facts.interior[1] else {}
        for r, row in enumerate(rows)]
    lines = sorted(_offsets(unfolded, s, False))
    if cfg["mode"] == "zeros":
        assert tuple(lines) == facts.band_lines
    else:
        assert set(lines) <= set(facts.band_lines)
    if facts.band_lines:
        assert facts.band_width == facts.band_lines[-1] - facts.band_lines[0] + 1
    if facts.regular_band and K > 1:
        gaps = [b - a - 1 for a, b in zip(facts.band_lines, facts.band_lines[1:])]
        assert gaps == [d - 1] * (K - 1)  # "d - 1 zero diagonals between neighbouring taps"
        assert facts.band_width == d * (K - 1) + 1
    # inputs never read: zero columns
    read = {c for row in rows for c in row}
    unread = [c for c in range(n) if c not in read]
    assert facts.untouched.count == len(unread)
    assert list(facts.untouched.first) == unread[:4]


@SETTINGS
@given(configs(transposed=True))
def test_transposed_facts_match_the_matrix(cfg):
    built = build(cfg)
    if built is None:
        return
    op, rows = built
    facts = structure_facts(op)
    n, K, s, d = cfg["n"], cfg["K"], cfg["s"], cfg["d"]
    axis = op.axes[0]
    p, m = axis.pad_before, len(rows)
    assert facts.output_length == m
    assert facts.nonzeros == sum(len(row) for row in rows)
    assert facts.gather_multiplications == n * K
    assert tuple(sorted(_offsets(rows, s, True))) == facts.band_lines
    tap = (lambda t: K - 1 - t) if cfg["flip"] else (lambda t: t)
    nonzero_offsets = [t for t in range(K) if op.kernel[tap(t)] != 0]
    columns: dict[int, list[int]] = {}
    for r, row in enumerate(rows):
        for c in row:
            columns.setdefault(c, []).append(r)
    if facts.interior is not None:
        for j in range(facts.interior[0], facts.interior[1] + 1):
            assert columns.get(j, []) == [s * j - p + d * t for t in nonzero_offsets]
    border = {row.row: row for row in facts.border_rows}
    counts = facts.transposed["row_counts_by_residue"]
    for r, row in enumerate(rows):
        if r in border:
            entries = {c: sympy.expand(v) for c, v in border[r].entries.items()}
            assert entries == {c: sympy.expand(v) for c, v in row.items()}
        else:
            assert len(row) == counts[r % s], (r, row, counts)
    unwritten = [r for r, row in enumerate(rows) if not row]
    assert facts.untouched.count == len(unwritten)
    assert list(facts.untouched.first) == unwritten[:4]
    # M is C^T (or its first n columns) for the forward convolution on m inputs
    forward = reference(m, K, s, d, p, "zeros", cfg["flip"], kernel_values=cfg["values"])
    assert len(forward.matrix) == facts.transposed["forward_output_length"]
    assert (len(forward.matrix) == n) == facts.transposed["transpose_of_forward"]
    for r in range(m):
        for c in range(n):
            assert sympy.expand(forward.matrix[c][r] - rows[r].get(c, 0)) == 0
    # the zero-insertion reading, numerically: y_r = sum_t k_{tap(K-1-t)} a^_{r + d t - q}
    rng = random.Random(repr(cfg))
    a = [rng.randint(-5, 5) for _ in range(n)]
    kv = {sym: rng.randint(-5, 5) for sym in op.kernel if isinstance(sym, sympy.Symbol)}
    kernel = [sympy.sympify(v).subs(kv) for v in op.kernel]
    q = facts.transposed["equivalent_padding"]

    def a_hat(u):
        return a[u // s] if 0 <= u <= (n - 1) * s and u % s == 0 else 0

    for r in range(m):
        direct = sum(sympy.sympify(v).subs(kv) * a[c] for c, v in rows[r].items())
        reading = sum(kernel[tap(K - 1 - t)] * a_hat(r + d * t - q) for t in range(K))
        assert direct == reading


@settings(max_examples=40, deadline=None)
@given(configs(symbolic_kernel=True), st.integers(0, 6))
def test_general_case_agrees_with_concrete_sizes(cfg, extra):
    """The general-case facts, with n (and m) substituted, equal the facts of concrete sizes."""
    if cfg["mode"] != "zeros" or (cfg["padding"] == "same" and cfg["s"] > 1):
        return
    try:
        op = Conv("n", cfg["K"], stride=cfg["s"], dilation=cfg["d"], padding=cfg["padding"],
                  flip=cfg["flip"], transposed=cfg["transposed"],
                  output_padding=cfg["output_padding"])
    except SymdilError:
        return
    general = structure_facts(op)
    n_symbol = op.axes[0].n
    m_symbol = sympy.Symbol("m", integer=True, positive=True)
    size = general.valid_from + extra
    concrete_op = op.replace(n=size)
    concrete = structure_facts(concrete_op)
    m = concrete.output_length
    values = {n_symbol: size, m_symbol: m}
    assert general.output_length.subs(values) == m
    if general.nonzeros is not None:
        assert general.nonzeros.subs(values) == concrete.nonzeros
    first, last = general.interior
    assert (first, sympy.sympify(last).subs(values)) == concrete.interior
    known_bottom = cfg["transposed"] or cfg["s"] == 1
    expected = [(row.row, row.entries) for row in concrete.border_rows
                if known_bottom or row.side == "top"]
    got = [(sympy.sympify(row.row).subs(values),
            {sympy.sympify(c).subs(values): v for c, v in row.entries.items()})
           for row in general.border_rows]
    assert got == expected
    # the drawn general matrix: top rows and (when known) the last row equal the concrete ones
    # (at a size large enough for every drawn row to exist)
    size = general.valid_from + 40 * cfg["s"] + 20 + extra
    concrete_op = op.replace(n=size)
    values = {n_symbol: size, m_symbol: concrete_op.output_length}
    layout = matrix_layout(op, 8, 10)
    for r in layout.rows:
        if r is None:
            continue
        row = layout.entries["full"][r]
        concrete_r = int(sympy.sympify(r).subs(values))
        assert {int(sympy.sympify(c).subs(values)): v for c, v in row.items()} == \
            concrete_op.row(concrete_r)


@settings(max_examples=40, deadline=None)
@given(configs(symbolic_kernel=True))
def test_document_sentences_state_the_counted_structure(cfg):
    """The rendered sentences carry the numbers counted in the matrix."""
    built = build(cfg)
    if built is None:
        return
    op, rows = built
    text = derive(op, "markdown")
    nonzeros = sum(len(row) for row in rows)
    assert f"In total $M$ has ${nonzeros}$ non-zero entries." in " ".join(text.split())
    if cfg["transposed"]:
        return
    lines = sorted(_offsets(rows, cfg["s"], False))
    K, d = cfg["K"], cfg["d"]
    flat = " ".join(text.split())
    if cfg["mode"] == "zeros" and len(lines) == K and K > 1 and d > 1:
        zero_between = lines[1] - lines[0] - 1
        match = re.search(r"lie \$d - 1 = (\d+)\$ zero", flat)
        assert match and int(match.group(1)) == zero_between
        match = re.search(r"band spans \$d\\,\(K-1\) \+ 1 = (\d+)\$", flat)
        assert match and int(match.group(1)) == lines[-1] - lines[0] + 1
    interior = [r for r, row in enumerate(rows) if len(row) == K and all(
        0 <= c < cfg["n"] for c in row)]
    match = re.search(r"each has exactly \$(\d+)\$ non-zero", flat)
    if match:
        assert interior and all(len(rows[r]) == int(match.group(1)) for r in interior
                                if cfg["mode"] == "zeros")
