"""Issue 17's false sentences (T1-T8, the general-case bound, zero rows and unreachable inputs),
each pinned by a named test: the statement the sentence is phrased from is evaluated on rows built
by the independent reference (tests/reference.py), the printed sentence is checked, and the false
claim the document used to make is planted and must fail on the same rows."""

from __future__ import annotations

import sympy
from reference import reference
from test_statements_audit import reference_evidence

import symdil
from symdil.derivation import Derivation
from symdil.statements import Evidence, Statement


def evidence(n, K, s=1, d=1, padding=0, mode="zeros", flip=False, transposed=False,
             output_padding=0, values=None, bindings=None):
    return reference_evidence(n, K, s, d, padding, mode, flip, transposed, output_padding,
                              values, bindings=bindings)


def statement(document, kind, **match):
    found = [st for st in document.statements if st.kind == kind
             and all(st.params.get(key) == value for key, value in match.items())]
    assert len(found) == 1, (kind, found)
    return found[0]


def changed(st, **params):
    return Statement(st.kind, {**dict(st.params), **params})


def markdown(op, **kw):
    return Derivation(op).render("markdown", **kw)


def test_t1_elision_names_the_rows_the_printed_matrix_shows():
    op = symdil.Conv(23, 4, stride=2, dilation=2)
    document = Derivation(op)
    elision = statement(document, "elision")
    # issue 19's elision keeps the first rows (at least two: the shift) when the last row's
    # band does not fit beside them
    assert elision.params["rows"] == (0, 1, 2, 3, None)
    ev = evidence(23, 4, s=2, d=2)
    assert elision.holds(ev)
    assert not changed(elision, rows=(0, None, 8)).holds(Evidence(
        ev.input_shape, ev.output_shape, ev.kernel, ev.taps[:-1]))  # a different shape
    assert not changed(elision, entries={(0, 0): sympy.Symbol("k_1")}).holds(ev)
    text = markdown(op)
    assert ("shown with its first $4$ rows, and with its first $13$ columns and its last column"
            in text)
    assert "last row" not in text


def test_t2_inner_band_names_the_lines_folded_entries_add():
    for mode, border in (("replicate", (-1,)), ("circular", (-3, 1))):
        op = symdil.Conv((4, 3), (2, 2), stride=(2, 1), dilation=(1, 2),
                         padding=((1, 0), 2), padding_mode=mode)
        band = statement(Derivation(op), "band", axis=1)
        assert band.params["lines"] == (-2, 0) and band.params["border_lines"] == border
        ev = reference_evidence((4, 3), (2, 2), (2, 1), (1, 2), ((1, 0), 2), mode, False,
                                False, (0, 0))
        assert band.holds(ev)
        assert not changed(band, border_lines=()).holds(ev)  # the old sentence: no folded line
        assert "which add the diagonal" in markdown(op) or "which add the diagonals" in \
            markdown(op)


def test_t3_block_diagonals_are_those_of_the_printed_block_matrix():
    op = symdil.Conv((4, 2), (3, 1), dilation=(2, 1), padding="causal",
                     padding_mode="replicate")
    rows = statement(Derivation(op), "block_rows", axis=0)
    assert rows.params["lines"] == (-3, -2, -1, 0)
    ev = reference_evidence((4, 2), (3, 1), (1, 1), (2, 1), "causal", "replicate", False,
                            False, (0, 0))
    assert rows.holds(ev)
    assert not changed(rows, lines=(-2, 0), span=(-2, 0)).holds(ev)  # the old claim
    assert r"occupy 4 of the 4 block" in markdown(op)


def _stack_evidence(n, layers):
    from symdil.stack.statements import StackEvidence

    net = symdil.Stack(n=n, layers=layers)
    matrices = []
    shape = None
    for layer in net.layers:
        axis = layer.axes[0]
        ref = reference(axis.n, axis.kernel_size, axis.stride, axis.dilation,
                        (axis.pad_before, axis.pad_after), axis.padding_mode, axis.flip,
                        axis.transposed, axis.output_padding, kernel_values=list(layer.kernel),
                        with_output=False)
        matrices.append(sympy.Matrix(ref.matrix))
        shape = ref.output_shape
    product = matrices[0]
    for matrix in matrices[1:]:
        product = matrix * product

    def rows(matrix):
        return [{c: matrix[r, c] for c in range(matrix.cols) if sympy.expand(matrix[r, c]) != 0}
                for r in range(matrix.rows)]

    return net, StackEvidence(rows(product), net.input_shape, tuple(shape),
                              [rows(m) for m in matrices],
                              [(layer.input_shape, layer.output_shape) for layer in net.layers])


def test_t4_a_folding_row_reads_its_exact_positions():
    from symdil.stack.checks import verify_stack
    from symdil.stack.statements import stack_statements

    layers = [dict(kernel=3, padding="causal", padding_mode="circular"), dict(kernel=2)]
    net, ev = _stack_evidence(8, layers)
    region = next(st for st in stack_statements(net) if st.kind == "stack_region")
    assert region.params["positions"] == ((0, 1, 6, 7),)
    assert region.holds(ev)
    assert not changed(region, positions=((0, 1),)).holds(ev)  # "reads [-2, 1]" alone
    check = next(c for c in verify_stack(net).checks if c.name == "receptive_field")
    assert check.passed and "every row but the 2 whose padding folds" in check.detail
    from symdil.stack.document import StackDocument

    assert "folds back onto the inputs $a_{0}, a_{1}, a_{6}, a_{7}$" in StackDocument(
        net).render("markdown")


def test_t5_a_flipped_layer_enters_c_of_z_reversed():
    from symdil.stack.document import StackDocument
    from symdil.stack.statements import stack_statements

    layers = [dict(kernel=2, flip=True), dict(kernel=2, dilation=2)]
    net, ev = _stack_evidence(12, layers)
    poly = next(st for st in stack_statements(net) if st.kind == "stack_polynomial")
    assert poly.holds(ev)
    first = net.layers[0].kernel
    unflipped = ((tuple(first), poly.params["factors"][0][1]),) + poly.params["factors"][1:]
    assert not changed(poly, factors=unflipped).holds(ev)  # K_1(z) = sum k_t z^t: false
    text = StackDocument(net).render("markdown")
    assert r"K_l(z) = \sum_t k^{(l)}_{K_l - 1 - t} z^t$ for the flipped layer $l = 1$" in text


def test_t6_an_input_met_only_by_a_zero_tap_is_not_read():
    op = symdil.Conv(5, [2, 2, 0, 3], padding="causal", padding_mode="circular")
    later = statement(Derivation(op), "later_inputs")
    assert later.params["rows"][0] == (0, (2, 3))
    ev = evidence(5, 4, padding="causal", mode="circular", values=[2, 2, 0, 3])
    assert later.holds(ev)
    wrong = ((0, (2, 3, 4)),) + tuple(later.params["rows"][1:])
    assert not changed(later, rows=wrong).holds(ev)
    assert "$y_{0}$ reads $a_{2}, a_{3}$;" in markdown(op)


def test_t7_a_line_holding_only_a_zero_tap_is_not_spanned():
    taps = [1, 0, -2, 3, 2, -2]
    op = symdil.Conv(8, taps, stride=5, dilation=4, padding="same")
    band = statement(Derivation(op), "band")
    assert band.params["span"] == (-1, 7)
    ev = evidence(8, 6, s=5, d=4, padding="same", values=taps)
    assert band.holds(ev)
    assert not changed(band, span=(-5, 7)).holds(ev)  # the old 13 lines
    assert "occupy 3 of the 9" in markdown(op)


def test_t8_a_row_cut_at_both_ends_is_counted_once():
    op = symdil.Conv(3, 3, stride=2, dilation=3, padding=(2, 7))
    rows = statement(Derivation(op), "border_rows")
    assert (rows.params["top"], rows.params["bottom"], rows.params["both"]) == (0, 2, 1)
    ev = evidence(3, 3, s=2, d=3, padding=(2, 7))
    assert rows.holds(ev)
    assert not changed(rows, top=1, bottom=3, both=0).holds(ev)  # the old double count
    op = symdil.Conv(7, 5, dilation=4, transposed=True)
    rows = statement(Derivation(op), "border_rows")
    assert (rows.params["top"], rows.params["bottom"], rows.params["both"]) == (7, 7, 9)
    assert rows.holds(evidence(7, 5, d=4, transposed=True))
    assert ("($23$ border rows: $7$ only at the top, $7$ only at the bottom, $9$ at both ends, "
            "each counted once)") in " ".join(markdown(op).split())


def test_general_bound_covers_the_printed_sketch():
    op = symdil.Conv("n", 5, stride=4, dilation=4, padding=(0, 9))
    document = Derivation(op)
    bound = statement(document, "valid_from").params["bound"]
    assert bound == 18
    sketch = statement(document, "elision")
    m = sympy.Symbol("m", integer=True, positive=True)
    n = op.axes[0].n

    def at(size):
        ev = evidence(size, 5, s=4, d=4, padding=(0, 9))
        return Evidence(ev.input_shape, ev.output_shape, ev.kernel, ev.taps,
                        kernel_shape=ev.kernel_shape, bindings={n: size, m: ev.output_shape[1]})

    assert not sketch.holds(at(17))  # row 0's last column is k_4 at n = 17, not the 0 shown
    assert all(sketch.holds(at(size)) for size in range(18, 40))
    assert r"For every $n \ge 18$ the matrix is drawn" in markdown(op)


def test_zero_rows_and_unreachable_inputs_are_named():
    op = symdil.Conv(13, 4, padding=5)
    empty = statement(Derivation(op), "empty_outputs")
    assert empty.params == {"count": 4, "first": (0, 1, 18, 19)} or (
        empty.params["count"], tuple(empty.params["first"])) == (4, (0, 1, 18, 19))
    assert empty.holds(evidence(13, 4, padding=5))
    assert "$y_{0}, y_{1}, y_{18}, y_{19}$" in markdown(op)
    op = symdil.Conv(5, 3, stride=2, padding=4, transposed=True, output_padding=1)
    unread = statement(Derivation(op), "unread_inputs")
    assert (unread.params["count"], tuple(unread.params["first"])) == (2, (0, 4))
    assert unread.holds(evidence(5, 3, s=2, padding=4, transposed=True, output_padding=1))
    assert "$a_{0}, a_{4}$" in markdown(op)


def test_no_border_row_list_without_a_row():
    """The general case whose border rows all depend on n mod s lists none: no empty itemize
    (pdflatex stops on one: "perhaps a missing \\item")."""
    text = Derivation(symdil.Conv("n", 5, stride=4, dilation=4, padding=(0, 9))).render("latex")
    assert "\\begin{itemize}\n\\end{itemize}" not in text
