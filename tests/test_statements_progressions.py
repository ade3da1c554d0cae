"""The interval arithmetic behind ``unread_inputs``/``zero_weight_inputs`` against plain sets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from symdil.statements.facts import _first_between, _uncovered

progressions = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 12)), max_size=5)
extras = st.sets(st.integers(0, 80), max_size=6)


def members(step: int, progs: list, extra: set) -> set[int]:
    return {start + q * step for start, count in progs for q in range(count)} | set(extra)


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 7), progressions, extras, progressions, extras, st.integers(0, 6))
def test_first_between_is_the_set_difference(step, outer_p, outer_e, inner_p, inner_e, listed):
    outer = members(step, outer_p, outer_e)
    inner = members(step, inner_p, inner_e)
    expected = tuple(sorted(outer - inner)[:listed])
    assert _first_between(step, (outer_p, outer_e), (inner_p, inner_e), listed) == expected


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 7), progressions, extras, st.integers(1, 90))
def test_uncovered_counts_and_lists_the_complement(step, progs, extra, size):
    covered = {c for c in members(step, progs, extra) if c < size}
    rest = sorted(set(range(size)) - covered)
    # only progressions inside range(size) are meaningful (the builders clamp them)
    inside = all(start + (count - 1) * step < size for start, count in progs if count) and all(
        c < size for c in extra)
    if inside:
        found = _uncovered(size, step, progs, extra)
        assert found.count == len(rest) and found.first == tuple(rest[:4])
