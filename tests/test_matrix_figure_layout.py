"""The matrix figure shows the printed matrix's rows and columns (``symdil matrix``'s layout) and
never a row whose non-zeros are all hidden: over random N-D and channel operators, every drawn
row holds a visible non-zero or is a zero row of the operator (tests/reference.py's dense
matrix, an independent loop)."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reference import Invalid, reference

from symdil import Conv, SymdilError
from symdil.figures import figure
from symdil.layout.elision import DEFAULT_MAX_ROWS, MARKER, matrix_layout


@st.composite
def operators(draw):
    ndim = draw(st.integers(1, 3))
    n = tuple(draw(st.integers(1, 6)) for _ in range(ndim))
    k = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    s = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    d = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    transposed = draw(st.booleans())
    if transposed:
        pads = [draw(st.integers(0, 2)) for _ in range(ndim)]
        padding, mode = [(p, p) for p in pads], "zeros"
    else:
        padding = [(draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(ndim)]
        mode = draw(st.sampled_from(["zeros", "circular", "reflect", "replicate"]))
    c_in, c_out, groups = draw(st.sampled_from([(1, 1, 1), (2, 2, 1), (2, 2, 2), (1, 2, 1)]))
    args = dict(stride=s, dilation=d, padding_mode=mode, flip=draw(st.booleans()),
                transposed=transposed, in_channels=c_in, out_channels=c_out, groups=groups)
    try:
        ref = reference(n, k, padding=padding, with_output=False, **args)
        op = Conv(n if ndim > 1 else n[0], k if ndim > 1 else k[0],
                  padding=padding if ndim > 1 else padding[0], **{
                      key: (value[0] if isinstance(value, tuple) and ndim == 1 else value)
                      for key, value in args.items()})
    except (Invalid, SymdilError):
        assume(False)
    return op, ref


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operators(), st.integers(3, 16))
def test_every_drawn_row_shows_a_non_zero_or_is_zero_and_the_layout_is_the_printed_one(
        case, max_cols) -> None:
    op, ref = case
    drawn = figure(op, "matrix", max_cols=max_cols, width=None)
    layout = matrix_layout(op, DEFAULT_MAX_ROWS, max_cols)
    assert list(drawn.meta["rows"]) == list(layout.rows)
    assert list(drawn.meta["cols"]) == list(layout.cols)
    visible = {c for c in layout.cols if c is not MARKER}
    entries: dict[int, set] = {}
    for cell in drawn.cells:
        ids = dict(cell.ids)
        if cell.role == "entry":
            entries.setdefault(ids["row"], set()).add(ids["col"])
    for r in layout.rows:
        if r is MARKER:
            continue
        truth = {c for c, v in enumerate(ref.matrix[r]) if v != 0}
        assert entries.get(r, set()) == truth & visible, (r, truth, visible)
        assert truth & visible or not truth, f"row {r} drawn blank, its non-zeros all hidden"


def test_the_reported_2d_channel_figure_shows_row_0s_entries() -> None:
    op = Conv((6, 5), (2, 3), dilation=(2, 1), stride=(1, 2), padding=((1, 0), (1, 1)),
              padding_mode="reflect", in_channels=2, out_channels=2)
    drawn = figure(op, "matrix")
    row0 = {dict(c.ids)["col"] for c in drawn.cells if c.role == "entry" and dict(c.ids)["row"] == 0}
    assert row0 & {5, 6, 35, 36}
