r"""Claims: LaTeX an author writes, parsed and compared with the operator entry by entry.

The expected matrices are written out by hand from the definition
``y_i = sum_t k_t a~[s i + d t - p]``, never printed by symdil itself.
"""

import dataclasses

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symdil import Conv, SymdilError
from symdil.claims import ClaimParseError, compare_claim, parse_claim

# n=6, K=2, d=2: y_i = k_0 a_i + k_1 a_{i+2}, four outputs.
DILATED = Conv(6, 2, dilation=2)
DILATED_TEX = r"""
\begin{bmatrix}
  k_0 & 0   & k_1 & 0   & 0   & 0   \\
  0   & k_0 & 0   & k_1 & 0   & 0   \\
  0   & 0   & k_0 & 0   & k_1 & 0   \\
  0   & 0   & 0   & k_0 & 0   & k_1
\end{bmatrix}
"""


def check(text, op, source="claim.tex"):
    return compare_claim(parse_claim(text, source), op)


def test_correct_matrix_passes():
    result = check(DILATED_TEX, DILATED)
    assert (result.passed, result.kind, result.mismatches) == (True, "matrix", [])
    assert "4×6" in result.detail


def test_one_wrong_entry_names_its_row_and_column():
    wrong = r"""
\begin{bmatrix}
  k_0 & 0   & k_1 & 0   & 0   & 0   \\
  0   & k_0 & 0   & k_1 & 0   & 0   \\
  0   & 0   & k_0 & 0   & k_0 & 0   \\
  0   & 0   & 0   & k_0 & 0   & k_1
\end{bmatrix}
"""
    result = check(wrong, DILATED)
    assert not result.passed and result.kind == "matrix"
    (mismatch,) = result.mismatches
    assert (mismatch.row_1based, mismatch.column_1based) == (3, 5)
    assert (mismatch.row_0based, mismatch.column_0based) == (2, 4)
    assert (mismatch.claimed, mismatch.correct, mismatch.claimed_latex) == ("k_0", "k_1", "k_0")
    assert mismatch.location == "claim.tex:5:27"  # line 5 of the text, where that cell starts
    assert "row 3, column 5 (1-based; row 2, column 4 0-based)" in result.detail
    assert "1 of 24 entries" in result.detail


def test_transposed_matrix_is_a_shape_mismatch():
    transposed = r"""\begin{bmatrix}
    k_0 & 0 & 0 & 0 \\ 0 & k_0 & 0 & 0 \\ k_1 & 0 & k_0 & 0 \\
    0 & k_1 & 0 & k_0 \\ 0 & 0 & k_1 & 0 \\ 0 & 0 & 0 & k_1 \end{bmatrix}"""
    result = check(transposed, DILATED)
    assert not result.passed and result.mismatches == []
    assert "6×4" in result.detail and "the operator is 4×6" in result.detail
    assert "output vector 4×1" in result.detail and "transpose" in result.detail


@pytest.mark.parametrize("k0, k1", [("k_{0}", "k_{1}"), ("k0", "k1"), ("k_0", "k_1"),
                                    ("k_{ 0 }", "k_ 1"), (r"\mathit{k}_0", "k_{1}")])
def test_symbol_spellings(k0, k1):
    text = DILATED_TEX.replace("k_0", k0).replace("k_1", k1)
    assert check(text, DILATED).passed


def test_pmatrix_in_display_math_with_decorations():
    text = r"""Our operator is
\[
  \begin{pmatrix}
    k_0 &   & k_1 &   &   &  \\ % blank cells are zeros
    \cdot & k_0 & \cdot & k_1 & \cdot & \cdot \\ \hline
    0 & 0 & k_0 & 0 & k_1 & 0 \\[2pt]
    0 & 0 & 0 & k_0 & 0 & \textcolor{blue}{k_1} \\
  \end{pmatrix}
\]"""
    assert check(text, DILATED).passed


def test_array_with_column_spec_and_equation_form():
    text = r"""\begin{equation}
\left[\begin{array}{ccc|ccc}
k_0 & 0 & k_1 & 0 & 0 & 0 \\ 0 & k_0 & 0 & k_1 & 0 & 0 \\
0 & 0 & k_0 & 0 & k_1 & 0 \\ 0 & 0 & 0 & k_0 & 0 & k_1
\end{array}\right]
\begin{bmatrix} a_0 \\ a_1 \\ a_2 \\ a_3 \\ a_4 \\ a_5 \end{bmatrix}
= \begin{bmatrix} y_0 \\ y_1 \\ y_2 \\ y_3 \end{bmatrix}
\end{equation}"""
    result = check(text, DILATED)
    assert (result.passed, result.kind) == (True, "matrix")
    assert "claim.tex:2:7" in result.detail  # the array, not the vectors


def test_output_vector_claim():
    text = r"""$$ \begin{bmatrix} y_0 \\ y_1 \\ y_2 \\ y_3 \end{bmatrix} = \begin{bmatrix}
    k_0 a_0 + k_1 a_2 \\ a_1 k_0 + a_3 \cdot k_1 \\ k_0 (a_2 + a_4) - k_0 a_4 + a_4 k_1 \\
    a_3 k_0 + a_5 k_1 \end{bmatrix} $$"""
    result = check(text, DILATED)
    assert (result.passed, result.kind) == (True, "output")
    wrong = check(text.replace("a_5 k_1", "a_4 k_1"), DILATED)
    assert (wrong.passed, wrong.kind) == (False, "output")
    (mismatch,) = wrong.mismatches
    assert (mismatch.row_1based, mismatch.column_1based) == (4, 1)
    assert sympy.sympify(mismatch.correct) == sympy.sympify("a_3*k_0 + a_5*k_1")
    # printed like symdil's output: kernel first, terms in tap order (issue 12 section 3)
    assert mismatch.correct == "k_0*a_3 + k_1*a_5"


def test_output_names_are_skipped_even_when_m_equals_n():
    same = Conv(3, 3, padding=1)  # y_i = k_0 a_{i-1} + k_1 a_i + k_2 a_{i+1}, zero padded
    text = r"""\begin{bmatrix} y_0 \\ y_1 \\ y_2 \end{bmatrix} = \begin{bmatrix}
    k_1 a_0 + k_2 a_1 \\ k_0 a_0 + k_1 a_1 + k_2 a_2 \\ k_0 a_1 + k_1 a_2 \end{bmatrix}"""
    result = check(text, same)
    assert (result.passed, result.kind) == (True, "output")
    assert check(r"\begin{bmatrix} a_0 \\ a_1 \\ a_2 \end{bmatrix}", same).kind == "input"


def test_output_vector_of_wrong_length_states_the_shapes():
    result = check(r"\begin{bmatrix} k_0 a_0 \\ k_0 a_1 \end{bmatrix}", DILATED)
    assert not result.passed
    assert "2×1" in result.detail and "4×6" in result.detail and "output vector 4×1" in result.detail


def test_input_vector_claim():
    assert check(r"\begin{bmatrix} a_0 \\ a_1 \\ a_2 \\ a_3 \\ a_4 \\ a_5 \end{bmatrix}",
                 DILATED).kind == "input"
    image = Conv((2, 2), (1, 1))  # row-major flattening: a_{0,0}, a_{0,1}, a_{1,0}, a_{1,1}
    result = check(r"\begin{bmatrix} a_{0,0} \\ a_{1,0} \\ a_{0,1} \\ a_{1,1} \end{bmatrix}", image)
    assert (result.passed, result.kind, len(result.mismatches)) == (False, "input", 2)


# Reflect padding 1, K=3: a~(-1) = a_1 and a~(6) = a_4, so two taps fold into one entry.
REFLECT = Conv(6, 3, padding=1, padding_mode="reflect")
REFLECT_TEX = r"""\begin{bmatrix}
k_1 & k_0 + k_2 & 0 & 0 & 0 & 0 \\
k_0 & k_1 & k_2 & 0 & 0 & 0 \\
0 & k_0 & k_1 & k_2 & 0 & 0 \\
0 & 0 & k_0 & k_1 & k_2 & 0 \\
0 & 0 & 0 & k_0 & k_1 & k_2 \\
0 & 0 & 0 & 0 & k_2 + k_0 & k_1
\end{bmatrix}"""


def test_folded_entries_of_reflect_padding():
    assert check(REFLECT_TEX, REFLECT).passed
    dropped_fold = check(REFLECT_TEX.replace("k_0 + k_2", "k_2"), REFLECT)
    (mismatch,) = dropped_fold.mismatches
    assert (mismatch.row_0based, mismatch.column_0based) == (0, 1)
    assert sympy.sympify(mismatch.correct) == sympy.sympify("k_0 + k_2")
    assert not check(REFLECT_TEX, REFLECT.replace(padding_mode="zeros")).passed


def test_channel_and_nd_spellings():
    channels = Conv(3, 2, in_channels=2)  # y_i = sum_c k^{(0,c)}_0 a^{(c)}_i + k^{(0,c)}_1 a^{(c)}_{i+1}
    text = r"""\begin{bmatrix}
    k^{(0,0)}_{0} & k^{(0,0)}_1 & k_{0}^{(0, 1)} & k^{(0,1)}_{1} \\
    \end{bmatrix}"""
    assert check(text, channels.replace(n=2)).passed
    output = r"\begin{bmatrix} k^{(0,0)}_0 a^{(0)}_0 + k^{(0,0)}_1 a^{(0)}_1 + k^{(0,1)}_0 a^{(1)}_0" \
             r" + k^{(0,1)}_1 a^{(1)}_1 \\ k^{(0,0)}_0 a^{(0)}_1 + k^{(0,0)}_1 a^{(0)}_2" \
             r" + k^{(0,1)}_0 a^{(1)}_1 + k^{(0,1)}_1 a^{(1)}_2 \end{bmatrix}"
    assert check(output, channels).kind == "output" and check(output, channels).passed
    image = Conv((2, 3), (1, 2))  # y_{i,j} = k_{0,0} a_{i,j} + k_{0,1} a_{i,j+1}
    text = r"""\begin{bmatrix} k_{0,0} & k_{0,1} & 0 & 0 & 0 & 0 \\ 0 & k_{0,0} & k_{0,1} & 0 & 0 & 0
    \\ 0 & 0 & 0 & k_{0,0} & k_{0,1} & 0 \\ 0 & 0 & 0 & 0 & k_{0,0} & k_{0,1} \end{bmatrix}"""
    assert check(text, image).passed
    assert not check(text.replace("k_{0,1}", "k_{1,0}"), image).passed


def test_greek_symbols_and_numeric_kernels():
    greek = Conv(3, 2, kernel_symbol="alpha")
    assert check(r"\begin{bmatrix} \alpha_0 & \alpha_{1} & 0 \\ 0 & \alpha0 & \alpha_1 \end{bmatrix}",
                 greek).passed
    numeric = Conv(3, [1, sympy.Rational(-1, 2)])
    assert check(r"\begin{bmatrix} 1 & -\frac{1}{2} & 0 \\ 0 & 1 & -0.5 \end{bmatrix}",
                 numeric).passed
    assert not check(r"\begin{bmatrix} 1 & \frac{1}{2} & 0 \\ 0 & 1 & -0.5 \end{bmatrix}",
                     numeric).passed


def test_parse_error_says_line_and_column():
    text = "\\[\n\\begin{bmatrix}\n  k_0 & 0 \\\\\n  0 & k_0 +* k_1\n\\end{bmatrix}\n\\]\n"
    with pytest.raises(ClaimParseError) as caught:
        parse_claim(text, "my_matrix.tex")
    message = str(caught.value)
    assert message.startswith("my_matrix.tex:4:7: ")  # line 4, column 7: where 'k_0 +* k_1' starts
    assert "k_0 +* k_1" in message and "\n" not in message
    assert isinstance(caught.value, SymdilError)


@pytest.mark.parametrize("text, where, words", [
    ("\\begin{bmatrix} 10^{10^{10}} & 0 \\end{bmatrix}", "f.tex:1:17:", "huge powers"),
    ("\\begin{bmatrix} k_0 & 0 \\\\ 0 & \\weird k_0 \\end{bmatrix}", "f.tex:1:32:",
     "unknown command \\weird"),
    ("\\begin{bmatrix} k_0 & 0", "f.tex:1:1:", "has no \\end{bmatrix}"),
    ("y = M a", "f.tex:1:1:", "no matrix environment"),
])
def test_refusals(text, where, words):
    with pytest.raises(ClaimParseError) as caught:
        parse_claim(text, "f.tex")
    assert str(caught.value).startswith(where) and words in str(caught.value)


def test_symbolic_n_reads_n_from_a_full_matrix():
    result = compare_claim(parse_claim(DILATED_TEX), Conv("n", 2, dilation=2))
    assert result.passed and result.detail.startswith("for n = 6 (the length the claim's shape")
    wrong = compare_claim(parse_claim(DILATED_TEX.replace("0   & k_1\n", "k_1 & 0\n")),
                          Conv("n", 2, dilation=2))
    assert not wrong.passed and wrong.detail.startswith("with n = 6: ")


def test_results_are_plain_data():
    result = check(DILATED_TEX.replace("k_1 & 0   & 0   & 0", "k_0 & 0   & 0   & 0"), DILATED)
    data = dataclasses.asdict(result)
    assert data["passed"] is False and data["mismatches"][0]["row_1based"] == 1


configurations = st.builds(
    dict, n=st.integers(3, 9), kernel=st.integers(1, 3), stride=st.integers(1, 2),
    dilation=st.integers(1, 3), padding=st.sampled_from([0, 1, "same"]),
    padding_mode=st.sampled_from(["zeros", "circular", "replicate"]),
)


@settings(max_examples=15, deadline=None)
@given(configurations, st.data())
def test_sympy_printed_claims_pass_and_a_mutated_entry_is_found(config, data):
    """SymPy's own LaTeX printer (independent of symdil's) writes the claim."""
    try:
        op = Conv(**config)
    except SymdilError:
        return  # e.g. an input shorter than the receptive field
    assert check(sympy.latex(op.matrix), op).passed
    row = data.draw(st.integers(0, op.shape[0] - 1))
    col = data.draw(st.integers(0, op.shape[1] - 1))
    mutated = sympy.Matrix(op.matrix)
    mutated[row, col] += sympy.Symbol("k_0")
    result = check(sympy.latex(mutated, mat_str="bmatrix", mat_delim=""), op)
    assert [(m.row_0based, m.column_0based) for m in result.mismatches] == [(row, col)]


def test_symdil_own_latex_is_a_passing_claim():
    pytest.importorskip("symdil.render.printer", reason="symdil.render.printer (issue 3) is not written yet")
    pytest.importorskip("symdil.render.environment", reason="symdil.render (issue 3) is not written yet")
    for op in (DILATED, REFLECT, Conv(5, 3, stride=2, dilation=2, padding=2)):
        result = check(op._repr_latex_(), op)
        assert result.passed, result.detail
