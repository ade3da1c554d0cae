"""Derivations of N-D and multi-channel operators: the document, its block views, elision and its
size-independent cost, the real tools (pdflatex, KaTeX), the CLI and the notebook display."""

from __future__ import annotations

import pytest
import sympy
from reference import reference
from tools import assert_katex_ok, compile_latex
from typer.testing import CliRunner

from symdil import Conv
from symdil.cli import app
from symdil.derivation import Derivation, derive
from symdil.layout.elision import MARKER, partitioned_layout
from symdil.layout.matrices import partitioned_matrix


def flat(text: str) -> str:
    return " ".join(text.split())


DILATED_2D = Conv((4, 3), (2, 2), dilation=(2, 1))
GROUPED = Conv(4, 2, dilation=2, in_channels=2, out_channels=4, groups=2)


# ----- content -------------------------------------------------------------------------------
def test_2d_states_the_doubly_block_toeplitz_structure() -> None:
    text = flat(derive(DILATED_2D, "latex", width="page"))
    assert (r"y_{i_{0}, i_{1}} = \sum_{t_{0}=0}^{1} \sum_{t_{1}=0}^{1} k_{t_{0},t_{1}}\, "
            r"a_{i_{0} + 2 t_{0},\, i_{1} + t_{1}}") in text
    assert r"(2 \cdot 2) \times (4 \cdot 3) = 4 \times 12" in text
    # the block view, with lines between the blocks and a zero block diagonal (d_0 = 2)
    assert (r"M = \left[\begin{array}{c|c|c|c} T_{0} & 0 & T_{1} & 0 \\ \hline "
            r"0 & T_{0} & 0 & T_{1} \end{array}\right]") in text
    assert r"\emph{doubly block Toeplitz}" in text
    assert r"$d_{0} - 1 = 1$ zero block diagonal" in text
    assert r"($j_{0} - i_{0} \in \{0, 2\}$)" in text
    assert r"y_{i_{0},:} = \sum_{t_{0}=0}^{1} T_{t_{0}}\, a_{i_{0} + 2 t_{0},:}" in text
    # the blocks written out: 1-D operators of the kernel rows
    assert (r"T_{1} = \begin{bmatrix} k_{1,0} & k_{1,1} & 0 \\ 0 & k_{1,0} & k_{1,1} "
            r"\end{bmatrix}") in text
    # the full matrix, partitioned: 4 blocks of 3 columns, a line between the block rows
    assert r"M = \left[\begin{array}{ccc|ccc|ccc|ccc}" in text
    assert r"a_{j_{0}, j_{1}} \;\mapsto\; n_{1} j_{0} + j_{1} = 3 j_{0} + j_{1}" in text
    assert "In total $M$ has $16$ non-zero entries" in text


def test_channels_and_groups_state_the_zero_blocks() -> None:
    text = flat(derive(GROUPED, "markdown"))
    strut = r"\rule{0pt}{2.6ex} "  # keeps the superscripts off the line above
    assert (r"M = \left[\begin{array}{c|c} M^{(0,0)} & 0 \\ \hline " + strut + r"M^{(1,0)} & 0 "
            r"\\ \hline " + strut + r"0 & M^{(2,1)} \\ \hline " + strut + r"0 & M^{(3,1)} "
            r"\end{array}\right]") in text
    assert "the $4$ blocks whose channels lie in different groups are zero blocks" in text
    assert "In all, $4$ of the $8$ blocks are non-zero." in text
    assert (r"y^{(o)}_{i} = \sum_{t=0}^{1} k^{(o,0)}_{t}\, a^{(\left\lfloor \frac{o}{2} "
            r"\right\rfloor)}_{i + 2 t}") in text
    assert r"a^{(c)}_{j} \;\mapsto\; n c + j = 4 c + j" in text
    assert "$d = 2$ columns apart: between them lie $1$ zero diagonal" in text


def test_the_partitioned_matrix_is_the_reference_matrix() -> None:
    """Every entry of the printed partitioned matrix, lines apart, is the reference's."""
    for op, ref in [
        (DILATED_2D, reference((4, 3), (2, 2), dilation=(2, 1))),
        (GROUPED, reference(4, 2, dilation=2, in_channels=2, out_channels=4, groups=2)),
        (Conv((3, 2), (2, 1), stride=(1, 2), padding=((1, 0), 0), in_channels=2),
         reference((3, 2), (2, 1), stride=(1, 2), padding=((1, 0), 0), in_channels=2)),
    ]:
        text = partitioned_matrix(op, 40, 40, zero="0")
        body = text[text.index("}\n") + 2:text.index(r"\end{array}")]
        lines = [line.replace(r"\hline", "").replace(r"\rule{0pt}{2.6ex}", "").strip()
                 .rstrip("\\").strip() for line in body.strip().split("\n")]
        assert len(lines) == len(ref.matrix)
        for line, expected in zip(lines, ref.matrix):
            cells = [cell.strip() for cell in line.split("&")]
            assert cells == [Derivation(op).printer.entry(v) for v in expected]


def test_3d_gives_formulas_sizes_and_elided_block_views() -> None:
    op = Conv((16, 32, 32), (3, 3, 3), dilation=(1, 2, 2), padding="same")
    text = flat(derive(op, "latex"))
    assert r"\sum_{t_{0}=0}^{2} \sum_{t_{1}=0}^{2} \sum_{t_{2}=0}^{2}" in text
    assert r"= 16{,}384 \times 16{,}384" in text
    assert "Blocks along axis 0" in text and "Blocks along axis 1" in text
    assert r"\emph{triply block Toeplitz}" in text
    assert r"T_{0,0} = \begin{bmatrix}" in text
    assert r"\ddots" in text and r"\vdots" in text
    assert "too many to print" in text


def test_transposed_nd_states_the_scatter_and_block_columns() -> None:
    op = Conv((3, 3), (3, 2), stride=(2, 1), padding=1, transposed=True, in_channels=2,
              out_channels=2)
    text = flat(derive(op, "markdown"))
    assert r"\mathrel{+}= k^{(c,o)}_{t_{0},t_{1}}\, a^{(c)}_{j_{0}, j_{1}}" in text
    assert "`conv_transpose2d`" in text
    assert "Input slice $j_{0}$ scatters into the output slices" in text
    assert r"moved down by $s_{0} = 2$ blocks" in text


# ----- elision and size-independent cost -----------------------------------------------------
def test_a_huge_image_renders_without_building_the_operator(monkeypatch) -> None:
    def refuse(self):
        raise AssertionError("the full operator was built")

    for name in ("matrix", "_rows", "output", "input", "rows", "nonzeros"):
        monkeypatch.setattr(Conv, name, property(refuse))
    op = Conv((512, 512), (3, 3), dilation=2, padding="same")
    text = derive(op, "latex")
    assert r"262{,}144 \times 262{,}144" in text
    assert "In total $M$ has $2{,}347{,}024$ non-zero entries" in text
    huge = Conv((10**6, 10**6), (3, 3), dilation=2, in_channels=2, out_channels=2)
    assert r"a^{(1)}_{999999,999999}" in derive(huge, "markdown")


def test_elided_views_keep_the_first_and_last_blocks() -> None:
    op = Conv((512, 512), (3, 3), dilation=2, padding="same")
    layout = partitioned_layout(op, 16, 16)
    assert len(layout.rows) <= 16 and len(layout.cols) <= 16
    assert layout.cols[0] == (0, 0) and layout.cols[-1] == (511, 511)
    assert any(MARKER in slot for slot in layout.cols)
    assert sum(layout.col_lines) >= 2  # lines between the visible blocks
    text = flat(derive(op, "markdown"))
    assert "only the first and last block rows and columns are drawn" in text


# ----- real tools on every branch --------------------------------------------------------------
BRANCHES = {
    "dilated_2d": dict(n=(4, 3), kernel=(2, 2), dilation=(2, 1)),
    "grouped_1d": dict(n=4, kernel=2, dilation=2, in_channels=2, out_channels=4, groups=2),
    "issue_cli_example": dict(n=(5, 5), kernel=(3, 3), stride=(2, 1), dilation=(1, 2),
                              padding=((1, 0), 2)),
    "channels_2d": dict(n=(5, 5), kernel=(3, 3), stride=(2, 1), dilation=(1, 2),
                        padding=((1, 0), 2), in_channels=4, out_channels=2, groups=2),
    "transposed_2d": dict(n=(3, 3), kernel=(3, 2), stride=(2, 1), padding=1, transposed=True,
                          in_channels=2, out_channels=2),
    "transposed_grouped": dict(n=(3, 2), kernel=(2, 2), stride=2, output_padding=(1, 0),
                               transposed=True, in_channels=2, out_channels=4, groups=2,
                               flip=True),
    "reflect_3d": dict(n=(3, 4, 5), kernel=(2, 2, 2), dilation=(2, 1, 1), padding=1,
                       padding_mode="reflect"),
    "circular": dict(n=(4, 4), kernel=(3, 3), padding=1, padding_mode="circular"),
    "replicate_flip": dict(n=(4, 5), kernel=(3, 2), padding=(1, (0, 1)), flip=True,
                           padding_mode="replicate"),
    "numeric": dict(n=(4, 4), kernel=[[1, -2], [0, 0], [3, 1]]),
    "large": dict(n=(512, 512), kernel=(3, 3), dilation=2, padding="same"),
    "greek": dict(n=(3, 3), kernel=(2, 2), input_symbol="alpha", kernel_symbol="T"),
    "wide_kernel": dict(n=(9, 9), kernel=(7, 5), dilation=(1, 1)),
}


@pytest.mark.parametrize("name", list(BRANCHES))
def test_branches_compile_and_parse(name: str) -> None:
    op = Conv(**BRANCHES[name])
    compile_latex(derive(op, "latex", standalone=True), standalone=True)
    compile_latex(derive(op, "latex"), standalone=False)
    assert_katex_ok(derive(op, "markdown", standalone=True), derive(op, "markdown"))


def test_block_letter_avoids_the_operator_symbols() -> None:
    text = derive(Conv(**BRANCHES["greek"]), "markdown")
    assert "B_{0}" in text and r"\alpha_{0,0}" in text and "T_{0,1}" in text  # T: kernel taps


def test_numeric_kernel_and_zero_taps() -> None:
    text = flat(derive(Conv(**BRANCHES["numeric"]), "markdown"))
    assert "The kernel is numeric" in text
    assert "the other $12$ leave entries of weight zero (zero taps)" in text
    assert "$T_{1}$ is a zero block (a zero kernel slice)" in text


def test_many_kernel_rows_show_first_and_last_blocks() -> None:
    text = flat(derive(Conv(**BRANCHES["wide_kernel"]), "markdown"))
    assert "T_{0} = " in text and "T_{1} = " in text and "T_{6} = " in text
    assert "T_{3} = " not in text
    assert "and likewise for the 4 other slices." in text


# ----- CLI, notebook ---------------------------------------------------------------------------
def test_cli_derives_nd_with_per_axis_options() -> None:
    result = CliRunner().invoke(app, [
        "derive", "--n", "5,5", "--kernel", "3,3", "--stride", "2,1", "--dilation", "1,2",
        "--padding", "1:0,2", "--in-channels", "4", "--out-channels", "2", "--groups", "2",
        "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert result.stdout == derive(Conv(**BRANCHES["channels_2d"]), "markdown")


def test_jupyter_reprs_of_an_nd_derivation() -> None:
    derivation = Derivation(DILATED_2D, width="page")
    assert derivation._repr_markdown_() == derive(DILATED_2D, "markdown", width="page")
    assert derivation._repr_latex_().startswith("$$\n\\left[\\begin{array}{ccc|ccc|ccc|ccc}")
    large = Derivation(Conv(**BRANCHES["large"]))._repr_latex_()
    assert r"T_{0} & 0 & T_{1}" in large  # too large to print: the block view
    assert_katex_ok(derivation._repr_latex_(), large)


def test_the_block_sum_identity_numerically() -> None:
    """y_{i_0,:} = sum_t T_t a_{i_0 + 2 t,:} (the relation the document states), with numbers."""
    op = DILATED_2D
    values = {s: v for v, s in enumerate(op.kernel, start=2)}
    a = [[sympy.Integer(3 * i + j + 1) for j in range(3)] for i in range(4)]
    y = [sum(v.subs(values) * a[c // 3][c % 3] for c, v in op.row(r).items()) for r in range(4)]
    T = [[[values[op.kernel[2 * t + 0]], values[op.kernel[2 * t + 1]], 0],
          [0, values[op.kernel[2 * t + 0]], values[op.kernel[2 * t + 1]]]] for t in range(2)]
    for i0 in range(2):
        for i1 in range(2):
            expected = sum(T[t][i1][j] * a[i0 + 2 * t][j] for t in range(2) for j in range(3))
            assert y[2 * i0 + i1] == expected
