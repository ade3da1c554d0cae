r"""Sketches (elided matrices) and reading conventions, each case written next to its verdict.

The operators are small enough to write by hand from y_i = sum_t k_t a[s i + d t - p]."""

from __future__ import annotations

import pytest

from symdil import Conv
from symdil.claims import compare_claim, parse_claim
from symdil.claims.cells import RawRef, classify, raw_ref

MOTIVATING = r"""\begin{bmatrix} k_0 & 0 & k_1 & & \dots & & 0\\ & k_0 & 0 & k_1 & & & \\
\vdots & & k_0 & 0 & k_1 & & \vdots \\
& & & k_0 & 0 & k_1 & \\ 0 & & \dots & & k_0 & 0 & k_1 & \\ & & & & & & ... \end{bmatrix}"""


def check(text, op, **options):
    return compare_claim(parse_claim(text, "s.tex"), op, **options)


@pytest.mark.parametrize("n", ["n", 7, 8, 12, 30])
def test_the_issues_motivating_sketch_is_accepted_for_dilation_2_and_two_taps(n):
    result = check(MOTIVATING, Conv(n, 2, dilation=2))
    assert result.passed, result.detail
    assert "explicit entries in 5 rows" in result.detail and "5 elisions" in result.detail


@pytest.mark.parametrize("op", [Conv("n", 3, dilation=2), Conv("n", 2), Conv(9, 2, dilation=3),
                                Conv(9, 2, dilation=2, stride=2)])
def test_the_motivating_sketch_is_refused_for_other_operators(op):
    assert not check(MOTIVATING, op).passed


BAND = r"""\begin{bmatrix}
k_0 & k_1 & k_2 & 0 & \cdots & 0 \\
0 & k_0 & k_1 & k_2 & \cdots & 0 \\
\vdots & & \ddots & \ddots & \ddots & \vdots \\
0 & \cdots & 0 & k_0 & k_1 & k_2
\end{bmatrix}"""


def test_rows_after_vdots_are_the_last_rows_and_cells_after_cdots_the_last_columns():
    result = check(BAND, Conv(10, 3))
    assert result.passed
    assert result.detail.startswith("15 explicit entries in 3 rows of the sketched 8×10 matrix")
    # the last row written one column too far left is wrong at the right end
    shifted = BAND.replace(r"0 & \cdots & 0 & k_0 & k_1 & k_2", r"0 & \cdots & k_0 & k_1 & k_2 & 0")
    wrong = check(shifted, Conv(10, 3))
    assert not wrong.passed
    assert {(m.row_0based, m.column_0based) for m in wrong.mismatches} == {
        (7, 6), (7, 7), (7, 8), (7, 9)}


def test_symbolic_n_checks_several_lengths():
    result = check(BAND, Conv("n", 3))
    # each ellipsis hides at least one row or column: the band needs n >= 6 (issue 18)
    assert result.passed and result.detail.startswith("for n = 6, 7, 8, 9 ")


def test_a_column_of_taps_does_not_fix_the_length_of_a_sketched_output():
    """``[k_0; k_1; k_2]`` beside a sketched output column fits every n: the output sketch is
    checked at the lengths its own shape fits, not at the one length the column would give."""
    text = r"""\[ \begin{bmatrix} k_0 \\ k_1 \\ k_2 \end{bmatrix},\quad
    \begin{bmatrix} k_1 a_0 + k_2 a_1 \\ k_0 a_0 + k_1 a_1 + k_2 a_2 \\ \vdots \\
    k_0 a_{n-2} + k_1 a_{n-1} \end{bmatrix} \]"""
    result = check(text, Conv("n", 3, padding="same"))
    assert result.verdict == "PASS" and result.detail.startswith("for n = 4, 5, 6, 7 "), \
        result.detail
    wrong = check(text.replace("k_0 a_{n-2}", "k_0 a_{n-3}"), Conv("n", 3, padding="same"))
    assert wrong.verdict == "FAIL" and wrong.kind == "output"


def test_a_floating_middle_row_must_match_some_row():
    text = r"""\begin{bmatrix}
    k_0 & k_1 & 0 & \cdots & 0 \\ \vdots & & \ddots & & \vdots \\
    0 & \cdots & k_0 \;\; k_1 & \cdots & 0 \\
    \vdots & & & \ddots & \vdots \\ 0 & \cdots & 0 & k_0 & k_1 \end{bmatrix}"""
    # the middle row has no space between k_0 and k_1 in one cell: it is one product, wrong
    assert not check(text, Conv(9, 2)).passed
    good = text.replace(r"k_0 \;\; k_1 & \cdots", r"k_0 & k_1 & \cdots")
    result = check(good, Conv(9, 2))
    assert result.passed and "row 3 of the sketch is row" in result.detail
    assert not check(good.replace("k_0 & k_1 & \\cdots & 0 \\\\\n    \\vdots",
                                  "k_1 & k_0 & \\cdots & 0 \\\\\n    \\vdots"), Conv(9, 2)).passed


def test_strided_sketch_with_blank_cells_and_a_stray_trailing_ampersand():
    text = r"""\begin{bmatrix}
    k_0 & k_1 & k_2 & & & & & & & \\
    & & k_0 & k_1 & k_2 & & & & \\
    & & & & \ddots & & & & \\
    & & & & & & k_0 & k_1 & k_2 \end{bmatrix}"""
    result = check(text, Conv(9, 3, stride=2))
    assert result.passed, result.detail
    assert not check(text, Conv(9, 3, stride=1)).passed


def test_sketched_vectors_use_n_in_their_indices():
    text = r"""\begin{bmatrix} a_0 \\ a_1 \\ \vdots \\ a_{n-1} \end{bmatrix}"""
    result = check(text, Conv(8, 2))
    # an input vector alone agrees but does not state the convolution (issue 18)
    assert (result.verdict, result.kind, result.objects[0].status) == ("NOT CHECKED", "input",
                                                                        "passed")
    assert check(text.replace("a_{n-1}", "a_{n}"), Conv(8, 2)).verdict == "FAIL"


def test_too_many_rows_for_the_operator_is_a_shape_failure():
    assert "anchored rows" in check(BAND, Conv(4, 3)).detail


@pytest.mark.parametrize("text, ref", [
    ("k_0", RawRef("k", ("0",))), ("k_{0}", RawRef("k", ("0",))), ("k0", RawRef("k", ("0",))),
    ("k[0]", RawRef("k", ("0",))), (r"k_{\mathrm{0}}", RawRef("k", ("0",))),
    (r"\bm{k}_0", RawRef("k", ("0",))), ("k_{11}", RawRef("k", ("11",))),
    ("k_{0 1}", RawRef("k", ("0", "1"))), ("k_{0,1}", RawRef("k", ("0", "1"))),
    (r"\theta_1", RawRef("theta", ("1",))), ("{ab}_{0}", RawRef("ab", ("0",))),
    ("a^{(1)}_{0,2}", RawRef("a", ("0", "2"), ("1",))),
    ("k_{2}^{(0,1)}", RawRef("k", ("2",), ("0", "1"))), ("a_{n-1}", RawRef("a", ("n-1",))),
])
def test_symbol_spellings_are_read_as_written(text, ref):
    cell = classify(text, 1, 1)
    assert cell.kind == "entry" and raw_ref(cell.expr) == ref


@pytest.mark.parametrize("text, kind, note", [
    (r"\frac{\partial L}{\partial x_0}", "foreign", "a derivative"),
    (r"\bigl(x \star w\bigr)_1", "foreign", "a convolution operator"),
    ("x_{0,0}, x_{0,1}", "foreign", "a comma"),
    (r"k_0 a_0 + \dots + k_2 a_2", "gap", "an ellipsis inside the entry"),
    (r"\text{0}", "entry", ""), (r"\cdots", "hdots", ""), ("...", "hdots", ""),
    (r"\hdots", "hdots", ""), (r"\vdots", "vdots", ""), (r"\ddots", "ddots", ""), ("", "blank", ""),
])
def test_cell_kinds(text, kind, note):
    cell = classify(text, 1, 1)
    assert cell.kind == kind and note in cell.note


@pytest.mark.parametrize("text, ref", [
    ("x'_{0,0}", RawRef("x", ("0", "0"), (), 1)), ("w''_3", RawRef("w", ("3",), (), 2)),
    (r"\tilde x_1", RawRef(r"\tilde{x}", ("1",))), (r"\hat{x}_{2}", RawRef(r"\hat{x}", ("2",))),
    (r"\hat{\theta}_0", RawRef(r"\hat{\theta}", ("0",))),
])
def test_primed_and_accented_letters_are_read(text, ref):
    """A prime or an accent is part of the letter (issue 18): a symbol option can name it."""
    cell = classify(text, 1, 1)
    assert cell.kind == "entry" and raw_ref(cell.expr) == ref, cell


@pytest.mark.parametrize("text", [r"\hat{x + y}_0", r"\tilde{\partial}_0"])
def test_accents_over_anything_but_a_letter_are_foreign(text):
    assert classify(text, 1, 1).kind == "foreign"


def test_2d_index_conventions_all_agree():
    op = Conv((2, 3), (1, 2))
    rows = [["{0}", "{1}", "0", "0", "0", "0"], ["0", "{0}", "{1}", "0", "0", "0"],
            ["0", "0", "0", "{0}", "{1}", "0"], ["0", "0", "0", "0", "{0}", "{1}"]]

    def matrix(spell):
        body = " \\\\ ".join(" & ".join(spell(c) if c.startswith("{") else c for c in row)
                             for row in rows)
        return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"

    flat0 = matrix(lambda c: "k_" + c)  # k_0, k_1 numbered flat (a 1x2 kernel)
    comma = matrix(lambda c: "k_{0," + c[1] + "}")
    space = matrix(lambda c: "k_{0 " + c[1] + "}")
    glued_one_based = matrix(lambda c: "k_{1" + str(int(c[1]) + 1) + "}")
    for text in (flat0, comma, space, glued_one_based):
        assert check(text, op).passed, text
    assert "1-based" in check(glued_one_based, op).detail


def test_kernel_letter_is_detected_and_said():
    text = r"\begin{bmatrix} h_0 & h_1 & 0 \\ 0 & h_0 & h_1 \end{bmatrix}"
    result = check(text, Conv(3, 2))
    assert result.passed and "the claim writes the kernel as h (detected" in result.detail
    assert not check(text.replace("h_1 & 0", "h_0 & 0"), Conv(3, 2)).passed


def test_a_stray_ampersand_ending_every_row_is_tolerated():
    text = r"\begin{bmatrix} k_0 & k_1 & 0 & \\ 0 & k_0 & k_1 & \end{bmatrix}"
    result = check(text, Conv(3, 2))
    assert result.passed and "all 6 entries" in result.detail


@pytest.mark.parametrize("kernel, signal", [("W", "x"), ("h", "u"), (r"\theta", "s")])
def test_other_letters_are_detected(kernel, signal):
    letter = kernel.lstrip("\\")
    text = (rf"\[ \begin{{bmatrix}} {kernel}_0 & {kernel}_1 & 0 \\ 0 & {kernel}_0 & {kernel}_1 "
            rf"\end{{bmatrix}} \begin{{bmatrix}} {signal}_0 \\ {signal}_1 \\ {signal}_2 "
            rf"\end{{bmatrix}} \]")
    result = check(text, Conv(3, 2))
    assert result.passed and [o.kind for o in result.objects] == ["matrix", "input"]
    assert f"the kernel as {letter} and the input as {signal} (detected" in result.detail


def test_an_input_symbol_in_one_cell_of_the_operator_is_a_wrong_entry_not_a_skip():
    text = (r"\[ \begin{bmatrix} k_0 & k_1 & 0 \\ 0 & k_0 & a_1 \end{bmatrix}"
            r"\begin{bmatrix} a_0 \\ a_1 \\ a_2 \end{bmatrix} \]")
    result = check(text, Conv(3, 2))
    assert not result.passed and result.kind == "matrix"
    (mismatch,) = result.mismatches
    assert (mismatch.row_0based, mismatch.column_0based, mismatch.claimed) == (1, 2, "a_1")
    grid = r"\begin{bmatrix} k_0 a_0 & k_0 a_1 \\ k_0 a_2 & k_0 a_3 \end{bmatrix}"
    assert "reshaped output" in check(grid, Conv(4, 1)).detail


def test_an_all_zero_matrix_is_compared_not_skipped():
    result = check(r"\begin{bmatrix} 0 & 0 & 0 \\ 0 & 0 & 0 \end{bmatrix}", Conv(3, 2))
    assert not result.passed and result.kind == "matrix" and len(result.mismatches) == 4


def test_a_matrix_marked_transposed_must_have_the_transposes_shape():
    text = r"\begin{bmatrix} k_0 & k_1 & 0 \\ 0 & k_0 & k_1 \end{bmatrix}^{\top}"
    result = check(text, Conv(3, 2))
    assert not result.passed and "marked ^T, so it must be the operator's 3×2 transpose" in \
        result.detail
    transposed = r"\begin{bmatrix} k_0 & 0 \\ k_1 & k_0 \\ 0 & k_1 \end{bmatrix}^{\top}"
    assert check(transposed, Conv(3, 2)).passed
