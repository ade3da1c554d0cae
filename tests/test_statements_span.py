"""The band statement's span: from its first non-zero line to its last (issue 17, T7: a line that
holds only a zero-valued tap at an end is not spanned), equal to the span a plain loop finds over
every row's non-zero entries; and building it at n = 10**12 does not loop over n."""

from __future__ import annotations

import random
import subprocess
import sys

from symdil import Conv, SymdilError
from symdil.statements import statements
from symdil.statements.facts import structure_facts


def span_over_every_row(op, interior):
    """(first, last) line s*outer .. of the non-zero entries, over the interior lines (all when
    None): rows forward, columns transposed."""
    axis = op.axes[0]
    found = set()
    for i, row in enumerate(op.rows):
        for j in row:
            outer, inner = (j, i) if axis.transposed else (i, j)
            if interior is None or interior[0] <= outer <= interior[1]:
                found.add(inner - axis.stride * outer)
    return (min(found), max(found)) if found else None


def test_band_span_equals_the_span_over_every_row():
    rng = random.Random(7)
    checked = 0
    for _ in range(1500):
        n, K, s, d = rng.randint(1, 60), rng.randint(1, 5), rng.randint(1, 4), rng.randint(1, 4)
        transposed = rng.random() < 0.4
        mode = "zeros" if transposed else rng.choice(["zeros", "circular", "reflect", "replicate"])
        pad = (rng.randint(0, 6), rng.randint(0, 6))
        taps = [rng.choice([0, 1, -1, 2]) for _ in range(K)] if rng.random() < 0.5 else K
        try:
            op = Conv(n, taps, stride=s, dilation=d, padding=pad[0] if transposed else pad,
                      padding_mode=mode, transposed=transposed,
                      output_padding=rng.randint(0, max(0, min(s, d) - 1)) if transposed else 0)
        except SymdilError:
            continue
        band = next(st for st in statements(op) if st.kind == "band")
        interior = structure_facts(op).interior
        if interior is None or mode != "zeros":
            continue  # folded or cut borders add their own lines; the span is the interior's
        assert band.params["span"] == span_over_every_row(op, interior), op
        checked += 1
    assert checked > 300


def test_band_statement_at_n_10_to_the_12_does_not_loop_over_n():
    code = ("from symdil import Conv; from symdil.statements import statements; "
            "print(next(s.params['span'] for s in statements(Conv(10**12, 3, dilation=2)) "
            "if s.kind == 'band'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip() == "(0, 4)", result.stderr
