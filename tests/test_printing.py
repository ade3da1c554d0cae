"""symdil.printing: the LaTeX printer, the matrix equation, elision, and its size-independent cost."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import reference
from tools import assert_katex_ok, compile_latex

from symdil import Conv, SymdilError
from symdil.layout.elision import MARKER, matrix_layout, visible_indices
from symdil.layout.matrices import conv_latex_equation, matrix_equation
from symdil.render.printer import SymdilLatexPrinter, latex


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a_0", "a_{0}"),
        ("a1_0", "{a1}_{0}"),  # the subscript binds to the whole base, not to the 1
        ("alpha_3", r"\alpha_{3}"),
        ("Sigma_12", r"\Sigma_{12}"),
        ("k^{(0,1)}_{2}", "k^{(0,1)}_{2}"),
        ("a_{1,2}", "a_{1,2}"),
        ("ab^{(3)}_{1,2}", "{ab}^{(3)}_{1,2}"),
        ("n", "n"),
        ("alpha", r"\alpha"),
        ("a_{n - 3}", "a_{n - 3}"),
    ],
)
def test_symbol_names(name: str, expected: str) -> None:
    assert latex(sympy.Symbol(name)) == expected


def test_products_sums_and_numbers() -> None:
    a0, a2, k0, k1 = sympy.symbols("a_0 a_2 k_0 k_1")
    assert latex(a0 * k0 + a2 * k1) == "a_{0} k_{0} + a_{2} k_{1}"
    assert latex(sympy.Integer(1_000_000)) == "1{,}000{,}000"
    assert latex(sympy.Integer(-12345)) == "-12{,}345"
    assert latex(sympy.Integer(1234)) == "1234"
    n = sympy.Symbol("n", integer=True)
    assert latex(sympy.floor((n - 5) / sympy.Integer(2))) == \
        r"\left\lfloor \frac{n - 5}{2} \right\rfloor"


def test_matrices_print_as_bmatrix_without_doubled_brackets() -> None:
    text = latex(sympy.Matrix([[1, 0], [0, sympy.Symbol("k_0")]]))
    assert text == "\\begin{bmatrix}1 & 0\\\\0 & k_{0}\\end{bmatrix}"


def test_printer_zero_styles() -> None:
    assert SymdilLatexPrinter({"zero": "dot"}).entry(0) == r"\cdot"
    assert SymdilLatexPrinter({"zero": "blank"}).entry(0) == ""
    assert SymdilLatexPrinter().entry(sympy.Symbol("k_1")) == "k_{1}"
    assert r"\cdot" in matrix_equation(Conv(4, 2, dilation=2), zero="dot")
    with pytest.raises(ValueError, match="zero must be one of"):
        matrix_equation(Conv(4, 2), zero="grey")


SEED = r"""\begin{bmatrix}
k_{0} & 0 & k_{1} & 0 & 0 & 0 & 0 \\
0 & k_{0} & 0 & k_{1} & 0 & 0 & 0 \\
0 & 0 & k_{0} & 0 & k_{1} & 0 & 0 \\
0 & 0 & 0 & k_{0} & 0 & k_{1} & 0 \\
0 & 0 & 0 & 0 & k_{0} & 0 & k_{1}
\end{bmatrix}
\begin{bmatrix}
a_{0} \\
a_{1} \\
a_{2} \\
a_{3} \\
a_{4} \\
a_{5} \\
a_{6}
\end{bmatrix}
=
\begin{bmatrix}
k_{0} a_{0} + k_{1} a_{2} \\
k_{0} a_{1} + k_{1} a_{3} \\
k_{0} a_{2} + k_{1} a_{4} \\
k_{0} a_{3} + k_{1} a_{5} \\
k_{0} a_{4} + k_{1} a_{6}
\end{bmatrix}"""


def test_seed_matrix_equation() -> None:
    assert matrix_equation(Conv(7, 2, dilation=2)) == SEED
    assert matrix_equation(Conv(7, 2, dilation=2), 8, 10) == SEED  # fits: nothing elided


def test_numeric_kernel_signs() -> None:
    text = matrix_equation(Conv(4, [1, -2, 1], padding=1))
    assert "\n-2 a_{0} + a_{1} \\\\" in text
    assert "a_{0} - 2 a_{1} + a_{2} \\\\" in text


@pytest.mark.parametrize(("size", "limit", "expected"), [
    (5, 8, [0, 1, 2, 3, 4]),
    (5, None, [0, 1, 2, 3, 4]),
    (9, 8, [0, 1, 2, 3, 4, 5, MARKER, 8]),
    (100, 5, [0, 1, 2, MARKER, 99]),
])
def test_visible_indices(size, limit, expected) -> None:
    assert visible_indices(size, limit) == expected


def _dense(op_args: dict) -> list[list]:
    return reference(**op_args).matrix


# The elision rules (whole bands, no ellipsis hiding fewer than three lines, no row zero only
# because its non-zeros were hidden) are property-tested in tests/test_elision.py.


def test_wide_matrices_use_array_and_compile_without_maxmatrixcols() -> None:
    text = matrix_equation(Conv(12, 3))  # 10 x 12: wider than amsmath's 10 columns
    assert text.startswith("\\left[\\begin{array}{" + "c" * 12 + "}")
    compile_latex("\\[\n" + text + "\n\\]", standalone=False)


def test_elided_matrix_compiles_and_parses_with_katex() -> None:
    text = matrix_equation(Conv(1000, 3, dilation=4, stride=2, padding="same"), 8, 10)
    compile_latex("\\[\n" + text + "\n\\]", standalone=False)
    assert_katex_ok("$$\n" + text + "\n$$\n")


def test_elided_rendering_never_builds_the_operator(monkeypatch) -> None:
    """The cost of an elided render does not depend on n: only visible rows are built."""
    def refuse(self):
        raise AssertionError("the full operator was built")

    for name in ("matrix", "_rows", "output", "input", "rows"):
        monkeypatch.setattr(Conv, name, property(refuse))
    op = Conv(10**9, 3, dilation=2, padding="same")
    text = matrix_equation(op, 8, 10)
    assert "a_{999999999}" in text
    from symdil.derivation import derive

    assert "999{,}999{,}999" in derive(op, "latex")
    transposed = Conv(10**9, 3, stride=2, padding=1, transposed=True)
    assert r"\vdots" in derive(transposed, "markdown")


def test_general_case_matrix_equation() -> None:
    text = matrix_equation(Conv("n", 2, dilation=2), 8, 10)
    assert "a_{n - 1}" in text and r"\ddots" in text
    assert "k_{0} a_{n - 3} + k_{1} a_{n - 1}" in text  # the last row, from the index rule
    strided = matrix_equation(Conv("n", 3, stride=2), 8, 10)
    assert "n - 1" in strided  # the last column is known; the last row depends on n mod s
    assert strided.rstrip().endswith("\\vdots\n\\end{bmatrix}")


def test_nd_and_channels_matrix_equation_matches_the_reference() -> None:
    op = Conv((3, 3), (2, 2), in_channels=1, out_channels=2)
    dense = reference((3, 3), (2, 2), out_channels=2).matrix
    layout = matrix_layout(op)
    assert len(layout.rows) == len(dense)
    for r in layout.rows:
        for c in range(op.shape[1]):
            assert sympy.expand(layout.entries["full"][r].get(c, 0) - dense[r][c]) == 0
    assert "k^{(1,0)}_{1,1}" in matrix_equation(op)


def test_jupyter_latex_of_a_conv() -> None:
    op = Conv(7, 2, dilation=2)
    assert conv_latex_equation(op) == "$$\n" + SEED + "\n$$"
    assert op._repr_latex_().startswith("$$\n\\begin{bmatrix}")
    assert_katex_ok(op._repr_markdown_())


# ----- partitioned matrices (N-D and channels) ------------------------------------------------
def test_level_limits_fit_the_budget_and_keep_first_and_last() -> None:
    from symdil.layout.elision import _slots, level_limits

    assert level_limits((4, 3), 16) == (4, 3)  # 12 columns fit: nothing elided
    for sizes, budget in [((512, 512), 16), ((10**6, 10**6), 16), ((3, 4, 5), 16),
                          ((2, 3, 3), 10), ((7,), 5), ((4, 16, 16, 16), 12)]:
        limits = level_limits(sizes, budget)
        slots = _slots(sizes, limits)
        assert len(slots) <= budget, (sizes, limits)
        assert slots[0] == (0,) * len(sizes)


def test_partitioned_layout_draws_lines_between_blocks() -> None:
    from symdil.layout.elision import partitioned_layout

    layout = partitioned_layout(Conv((4, 3), (2, 2), dilation=(2, 1)))
    assert layout.col_lines == (0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0)  # after every 3 columns
    assert layout.row_lines == (0, 1, 0)
    channels = partitioned_layout(Conv((2, 2), (1, 1), in_channels=2, out_channels=2))
    # two lines between channels, one between the rows of an image
    assert channels.col_lines == (0, 1, 0, 2, 0, 1, 0)


@settings(max_examples=40, deadline=None)
@given(
    n=st.tuples(st.integers(1, 9), st.integers(1, 9)), K=st.tuples(st.integers(1, 3),
                                                                    st.integers(1, 3)),
    s=st.integers(1, 2), d=st.integers(1, 2), p=st.integers(0, 2), channels=st.integers(1, 2),
    transposed=st.booleans(), budget=st.integers(8, 14),
)
def test_partitioned_visible_entries_equal_the_reference(n, K, s, d, p, channels, transposed,
                                                         budget):
    """Every entry of the (elided) partitioned matrix is the entry of the dense reference."""
    from symdil.layout.elision import _ravel
    from symdil.layout.matrices import partitioned_cells

    try:
        op = Conv(n, K, stride=s, dilation=d, padding=p, transposed=transposed,
                  in_channels=channels, out_channels=channels)
    except SymdilError:
        return
    dense = reference(n, K, s, d, p, transposed=transposed, in_channels=channels,
                      out_channels=channels).matrix
    layout, cells = partitioned_cells(op, budget, budget, zero="0")
    assert len(layout.rows) <= budget and len(layout.cols) <= budget
    printer = SymdilLatexPrinter()
    for r_slot, line in zip(layout.rows, cells):
        for c_slot, cell in zip(layout.cols, line):
            if MARKER in r_slot or MARKER in c_slot:
                assert cell in (r"\vdots", r"\cdots", r"\ddots")
                continue
            r, c = _ravel(r_slot, layout.row_sizes), _ravel(c_slot, layout.col_sizes)
            assert cell == printer.entry(dense[r][c])


def test_estimated_widths_are_close_to_pdflatex() -> None:
    """The width estimate that decides between the full matrix and the block views stays within
    25% of what pdflatex measures."""
    import re
    import subprocess
    import tempfile
    from pathlib import Path

    from tools import need_pdflatex

    from symdil.layout.matrices import estimated_width

    pdflatex = need_pdflatex()
    cells = ["a_{0,0}", "a^{(0)}_{0,0}", "k^{(0,1)}_{1,1}", r"\cdots", "T_{0}", "0", r"\cdot",
             "k_{0,0}", "a_{511,511}", "T_{0} + T_{2}", r"\alpha_{12}"]
    lines = "".join(r"\settowidth{\w}{$%s$}\typeout{W \the\w}" % cell for cell in cells)
    document = ("\\documentclass[11pt]{article}\\usepackage{amsmath}\\newlength{\\w}"
                "\\begin{document}" + lines + "\\end{document}")
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "w.tex").write_text(document)
        log = subprocess.run([pdflatex, "-interaction=nonstopmode", "w.tex"], cwd=folder,
                             capture_output=True, text=True, timeout=120).stdout
    measured = [float(value) for value in re.findall(r"^W ([0-9.]+)pt", log, re.M)]
    assert len(measured) == len(cells)
    for cell, real in zip(cells, measured):
        assert abs(estimated_width(cell) - real) <= 0.25 * real + 1.5, (cell, real)
