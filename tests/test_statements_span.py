"""The band statement's window span is computed from the rows near each end (bounded by the
border rows), not from every row: it must equal the span over every row, which this test takes
with a plain loop, and ``derive`` at n = 10**12 must not loop over n."""

from __future__ import annotations

import random

from symdil import Conv, SymdilError
from symdil.core.operator import axis_taps
from symdil.statements import build
from symdil.statements.facts import structure_facts


def span_over_every_row(axis, interior):
    found = set()
    for i in range(axis.output_length):
        for _, j in axis_taps(axis, i):
            outer, inner = (j, i) if axis.transposed else (i, j)
            if interior is None or interior[0] <= outer <= interior[1]:
                found.add(inner - axis.stride * outer)
    return (min(found), max(found)) if found else None


def test_window_span_equals_the_span_over_every_row():
    rng = random.Random(7)
    checked = 0
    for _ in range(1500):
        n, K, s, d = rng.randint(1, 60), rng.randint(1, 5), rng.randint(1, 4), rng.randint(1, 4)
        transposed = rng.random() < 0.4
        mode = "zeros" if transposed else rng.choice(["zeros", "circular", "reflect", "replicate"])
        pad = (rng.randint(0, 6), rng.randint(0, 6))
        try:
            op = Conv(n, K, stride=s, dilation=d, padding=pad[0] if transposed else pad,
                      padding_mode=mode, transposed=transposed,
                      output_padding=rng.randint(0, max(0, min(s, d) - 1)) if transposed else 0)
        except SymdilError:
            continue
        axis = op.axes[0]
        for interior in (None, structure_facts(op).interior):
            assert build._window_span(axis, interior) == span_over_every_row(axis, interior), op
        checked += 1
    assert checked > 1000


def test_span_rows_do_not_grow_with_n():
    assert len(build._span_rows(Conv(10**12, 3, dilation=2).axes[0])) < 20
