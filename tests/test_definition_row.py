"""``definition_row`` (one row of the definition, any n, O(K)) against ``definition_rows`` (the
whole instance) and the independent reference, over random 1-D operators."""

from __future__ import annotations

import dataclasses

import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from symdil import Conv
from symdil.checks.definition import definition_row, definition_rows, padded_source
from symdil.checks.tools import padded_sources
from tests.reference import reference


@st.composite
def operators(draw):
    transposed = draw(st.booleans())
    n = draw(st.integers(1, 14))
    K = draw(st.integers(1, 4))
    s, d = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    mode = "zeros" if transposed else draw(st.sampled_from(
        ["zeros", "circular", "reflect", "replicate"]))
    limit = n - 1 if mode == "reflect" else n
    before, after = draw(st.integers(0, limit)), draw(st.integers(0, limit))
    taps = draw(st.one_of(st.just(K), st.lists(st.integers(-2, 2), min_size=K, max_size=K)))
    output_padding = draw(st.integers(0, max(s, d) - 1)) if transposed else 0
    try:
        return Conv(n, taps, stride=s, dilation=d, padding=(before, after), padding_mode=mode,
                    flip=draw(st.booleans()), transposed=transposed,
                    output_padding=output_padding)
    except ValueError:
        return Conv(n + d * K, K)


@settings(max_examples=300, deadline=None)
@given(operators())
def test_definition_row_is_a_row_of_the_definition(op):
    axis = op.axes[0]
    whole = definition_rows(op)
    ref = reference(n=axis.n, kernel=axis.kernel_size, stride=axis.stride,
                    dilation=axis.dilation, padding=op.padding, padding_mode=axis.padding_mode,
                    flip=axis.flip, transposed=axis.transposed,
                    output_padding=axis.output_padding, kernel_values=list(op.kernel),
                    with_output=False)
    for r in range(op.shape[0]):
        row = definition_row(axis, axis.n, op.kernel, r)
        assert row == dict(whole[r])
        dense = [sympy.expand(row.get(c, 0) - ref.matrix[r][c]) for c in range(op.shape[1])]
        assert dense == [0] * op.shape[1]


@settings(max_examples=100, deadline=None)
@given(operators(), st.integers(1, 30))
def test_definition_row_at_another_length(op, size):
    # the general case evaluates instances of other lengths from one axis
    axis = op.axes[0]
    try:
        other = op.replace(n=size)
    except ValueError:
        return
    moved = dataclasses.replace(axis, n=size)
    whole = definition_rows(other)
    assert [definition_row(moved, size, op.kernel, r) for r in range(other.shape[0])] == [
        dict(row) for row in whole]


@given(st.integers(1, 12), st.integers(0, 12), st.integers(0, 12),
       st.sampled_from(["zeros", "circular", "reflect", "replicate"]))
def test_padded_source_reads_the_padded_axis(n, before, after, mode):
    # the paddings a Conv accepts: circular at most n, reflect less than n on each side
    assume(mode not in ("circular", "reflect") or max(before, after) < n + (mode == "circular"))
    sources = padded_sources(n, before, after, mode)
    assert [padded_source(n, before, after, mode, q) for q in range(len(sources))] == sources
