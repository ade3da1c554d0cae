"""Issue 12 section 3: elision must not mislead.  Property tests over random configurations,
comparing every visible entry with the independent reference (tests/reference.py):

* an ellipsis hides at least three rows or columns (a matrix at most two larger than the limit is
  shown whole), and between two visible indices without an ellipsis nothing is skipped;
* every visible row shows its whole band whenever one row's band fits the column limit (the
  ellipses carry the band, as in the classic picture);
* no visible row is zero only because its non-zeros were elided;
* the limits hold (unless the matrix is shown whole by the first rule).
"""

from __future__ import annotations

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import Invalid, reference

from symdil import Conv, SymdilError
from symdil.cli.matrix import TEXT_MAX_COLS, TEXT_MAX_ROWS, matrix_text
from symdil.layout.elision import MARKER, matrix_layout
from symdil.layout.matrices import matrix_equation

CONFIG = dict(
    n=st.integers(1, 60), K=st.integers(1, 6), s=st.integers(1, 4), d=st.integers(1, 4),
    p=st.one_of(st.integers(0, 4), st.sampled_from(["same", "full", "causal"])),
    mode=st.sampled_from(["zeros", "zeros", "circular", "reflect", "replicate"]),
    flip=st.booleans(), transposed=st.booleans(), max_rows=st.integers(3, 14),
    max_cols=st.integers(3, 14),
)


def _operator(n, K, s, d, p, mode, flip, transposed):
    args = dict(n=n, kernel=K, stride=s, dilation=d, padding=p, padding_mode=mode, flip=flip,
                transposed=transposed)
    try:
        op = Conv(**args)
        dense = reference(**args).matrix
    except (SymdilError, Invalid):
        return None, None
    return op, dense


def _stretches(shown: list, size: int) -> None:
    """Visible indices increase; a MARKER stands for >= 3 hidden ones, and nothing is skipped
    without one."""
    previous = -1
    pending = False
    for index in shown:
        if index is MARKER:
            assert not pending, "two ellipses in a row"
            pending = True
            continue
        hidden = index - previous - 1
        assert hidden >= 3 if pending else hidden == 0, (shown, size)
        previous, pending = index, False
    assert (size - previous - 1 >= 3) if pending else previous == size - 1, (shown, size)


def _band(row: list) -> list[int]:
    return [c for c, value in enumerate(row) if sympy.expand(value) != 0]


def _check_layout(rows_shown, cols_shown, dense, n_rows, n_cols, max_rows, max_cols):
    _stretches(list(rows_shown), n_rows)
    _stretches(list(cols_shown), n_cols)
    if n_rows > max_rows + 2:
        assert len(rows_shown) <= max_rows
    # (a matrix up to two rows over the limit may still lose rows -- at least three -- when its
    # rows' bands do not fit the columns)
    if n_cols <= max_cols + 2:
        assert list(cols_shown) == list(range(n_cols))
    visible_cols = {c for c in cols_shown if c is not MARKER}
    assert 0 in visible_cols and n_cols - 1 in visible_cols and rows_shown[0] == 0
    visible_rows = [r for r in rows_shown if r is not MARKER]
    # honesty: a non-zero row shows at least one of its non-zeros
    for r in visible_rows:
        band = _band(dense[r])
        assert not band or visible_cols & set(band), (r, band, cols_shown)
    # whole bands whenever the first row's band (plus an ellipsis and the last column) fits
    first = _band(dense[0])
    fits = (n_rows >= 4 and len(range(first[0], first[-1] + 1) if first else []) + 2 <= max_cols
            and (not first or first[0] == 0)) or n_cols <= max_cols + 2
    if fits:
        assert len(cols_shown) <= max(max_cols, n_cols if n_cols <= max_cols + 2 else 0)
        for r in visible_rows:
            assert set(_band(dense[r])) <= visible_cols, (r, rows_shown, cols_shown)


@settings(max_examples=250, deadline=None)
@given(**CONFIG)
def test_elided_latex_matrix_follows_the_rules(n, K, s, d, p, mode, flip, transposed, max_rows,
                                               max_cols):
    op, dense = _operator(n, K, s, d, p, mode, flip, transposed)
    if op is None:
        return
    n_rows, n_cols = op.shape
    layout = matrix_layout(op, max_rows, max_cols)
    for r in layout.rows:  # every visible entry is the reference's
        if r is not MARKER:
            entries = layout.entries["full"][r]
            assert all(sympy.expand(entries.get(c, 0) - dense[r][c]) == 0 for c in range(n_cols))
    _check_layout(layout.rows, layout.cols, dense, n_rows, n_cols, max_rows, max_cols)
    text = matrix_equation(op, max_rows, max_cols)
    operator = text.split("\n\\end{", 1)[0]
    assert operator.count("\\\\") + 1 == len(layout.rows)  # printed lines of M


@settings(max_examples=80, deadline=None)
@given(**{key: value for key, value in CONFIG.items() if key not in ("max_rows", "max_cols")})
def test_elided_text_matrix_follows_the_rules(n, K, s, d, p, mode, flip, transposed):
    op, dense = _operator(n, K, s, d, p, mode, flip, transposed)
    if op is None:
        return
    text = matrix_text(op)
    table = [line for line in text.splitlines() if line.startswith(("[", "⎡", "⎢", "⎣"))]
    if "⋯" not in text and "⋮" not in text:
        return  # small: SymPy's pretty matrix of the whole operator
    from symdil.layout.elision import elided_rows_cols

    rows, cols = elided_rows_cols(*op.shape, op.row, TEXT_MAX_ROWS, TEXT_MAX_COLS)
    _check_layout(rows, cols, dense, *op.shape, TEXT_MAX_ROWS, TEXT_MAX_COLS)
    assert len(table) == len(rows)
    for line, r in zip(table, rows):
        if r is MARKER:
            continue
        cells = line.strip("[] ").split()
        assert len(cells) == len(cols)
        for cell, c in zip(cells, cols):
            if c is not MARKER:
                assert sympy.sympify(cell) == sympy.expand(dense[r][c])


@settings(max_examples=60, deadline=None)
@given(K=st.integers(1, 5), s=st.integers(1, 3), d=st.integers(1, 3), p=st.integers(0, 3),
       transposed=st.booleans(), max_rows=st.integers(3, 12), max_cols=st.integers(3, 12))
def test_general_case_head_rows_show_their_whole_band(K, s, d, p, transposed, max_rows,
                                                      max_cols):
    """Symbolic n: the head rows equal a long concrete operator's rows and show their whole band
    whenever the first row's band fits; no head row is zero only because of the elision."""
    try:
        op = Conv("n", K, stride=s, dilation=d, padding=p, transposed=transposed)
        dense = reference(80, K, stride=s, dilation=d, padding=p, transposed=transposed).matrix
    except (SymdilError, Invalid):
        return
    layout = matrix_layout(op, max_rows, max_cols)
    head_cols = {c for c in layout.cols if isinstance(c, int)}
    head_rows = [r for r in layout.rows if isinstance(r, int)]
    assert head_rows == list(range(len(head_rows))) and head_rows
    first = _band(dense[0])
    for r in head_rows:
        entries = layout.entries["full"][r]
        assert all(sympy.expand(entries.get(c, 0) - dense[r][c]) == 0 for c in range(30))
        band = _band(dense[r])
        assert not band or head_cols & set(band)
        tail_cols = sum(1 for c in layout.cols if c is not MARKER and not isinstance(c, int))
        if not first or first[-1] + 1 + 1 + tail_cols <= max_cols:
            assert set(band) <= head_cols, (r, layout.cols)
    assert len(layout.rows) <= max_rows
    # the column limit holds unless row 0's first non-zero lies beyond it (then it is shown)
    assert len(layout.cols) <= max_cols or (first and first[0] >= max_cols - 1)


def test_the_reported_cases() -> None:
    """The issue's cases: the general strided case showed 3 all-zero rows of 7; n = 100, d = 2
    showed zero rows 10-13 (text); a 6 x 12 'same' case hid k_1 in its middle rows; a 9 x 5
    transposed matrix was elided to hide 2 rows."""
    general = matrix_layout(Conv("n", 3, dilation=2, stride=2), 8, 10)
    for r in (r for r in general.rows if isinstance(r, int)):
        assert general.entries["full"][r]  # no zero rows: their band is visible
        assert set(general.entries["full"][r]) <= set(general.cols)
    text = matrix_text(Conv(100, 3, dilation=2))
    for line in text.splitlines():
        if line.startswith("[") and "⋮" not in line:
            assert "k_" in line
    same = Conv(12, 5, padding="same", stride=2)  # 6 x 12
    layout = matrix_layout(same, 8, 10)
    for r in (r for r in layout.rows if r is not MARKER):
        assert set(same.row(r)) <= set(layout.cols)
    transposed = Conv(5, 1, stride=2, transposed=True)  # 9 x 5
    assert transposed.shape == (9, 5)
    assert MARKER not in matrix_layout(transposed, 8, 10).rows


def test_wide_gaps_between_taps_show_true_entries() -> None:
    """Issue 22's review: taps 10^9 apart (small stand-ins here, the same path): every visible
    entry equals the reference, the limits hold and no visible row is zero by elision."""
    for n, K, d, s in [(300, 3, 100, 1), (301, 3, 100, 7), (400, 4, 50, 1), (120, 2, 100, 3)]:
        op = Conv(n=n, kernel=K, dilation=d, stride=s)
        dense = reference(n=n, kernel=K, dilation=d, stride=s).matrix
        layout = matrix_layout(op, 16, 16)
        assert len(layout.rows) <= 16 and len(layout.cols) <= 16
        _stretches(list(layout.rows), len(dense))
        _stretches(list(layout.cols), n)
        shown = [c for c in layout.cols if c is not MARKER]
        for r in (r for r in layout.rows if r is not MARKER):
            entries = layout.entries["full"][r]
            assert all(sympy.expand(entries.get(c, 0) - dense[r][c]) == 0 for c in range(n))
            assert any(dense[r][c] != 0 for c in shown), (r, layout.cols)
