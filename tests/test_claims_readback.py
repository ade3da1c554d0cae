r"""Issue 11 §5: ``verify --claim`` reads back everything symdil writes.

symdil's own ``matrix --format latex`` / ``markdown`` output (elided past the page size, N-D
indices ``a_{0,1}``, channels ``a^{(c)}_{i,j}`` and ``k^{(o,c)}``, multi-letter symbols
``{ab}_{0}``, Greek names) and the matrix displays of its derivations are read as claims for many
configurations: every object passes, and an entry changed in the text is found."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symdil import Conv, SymdilError, derive
from symdil.claims import Claim, compare_claim, parse_claim
from symdil.cli.matrix import MatrixFormat, matrix_equation_document

SYMBOLS = st.sampled_from([("a", "k"), ("ab", "k"), ("x", "w"), ("alpha", "theta"),
                           ("X1", "kk"), ("u", "W")])


@st.composite
def operators(draw):
    ndim = draw(st.sampled_from([1, 1, 2, 3]))
    n = tuple(draw(st.integers(2, 5)) for _ in range(ndim))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    input_symbol, kernel_symbol = draw(SYMBOLS)
    args = dict(
        n=n if ndim > 1 else n[0] + draw(st.integers(0, 30)),
        kernel=kernel if ndim > 1 else kernel[0],
        stride=draw(st.integers(1, 2)), dilation=draw(st.integers(1, 2)),
        padding=draw(st.sampled_from([0, 1, "same", "full"])),
        padding_mode=draw(st.sampled_from(["zeros", "circular", "reflect", "replicate"])),
        transposed=draw(st.booleans()), flip=draw(st.booleans()),
        in_channels=draw(st.sampled_from([1, 1, 2])), out_channels=draw(st.sampled_from([1, 2])),
        input_symbol=input_symbol, kernel_symbol=kernel_symbol)
    try:
        return Conv(**args)
    except SymdilError:
        return None


def _offset(text: str, line: int, column: int) -> int:
    return sum(len(row) + 1 for row in text.split("\n")[:line - 1]) + column - 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(operators(), st.sampled_from([MatrixFormat.latex, MatrixFormat.markdown]))
def test_matrix_output_reads_back_and_a_changed_entry_is_found(op, fmt):
    if op is None:
        return
    text = matrix_equation_document(op, fmt)
    source = "own.tex" if fmt is MatrixFormat.latex else "own.md"
    claim = parse_claim(text, source)
    result = compare_claim(claim, op)
    assert result.passed, result.detail
    assert all(o.status == "passed" for o in result.objects), result.detail
    kinds = [o.kind for o in result.objects]
    assert sorted(kinds[:2]) == ["input", "matrix"], result.detail
    if "y = M a:" in text:  # too wide for a vector: one line y_r = … per visible output
        named = re.findall(r"^\S+ &= ", text.split("y = M a:")[1], re.M)
        assert kinds[2:] == ["equation"] * len(named) and named, result.detail
    else:
        assert kinds[2:] == ["output"], result.detail
    # change the first non-zero entry of the matrix to 7: the entry must be named
    cell = next((c for row in claim.matrices[0].cells for c in row
                 if c.kind == "entry" and c.expr != 0), None)
    if cell is None:  # every visible entry is 0 (a sparse corner of an elided matrix)
        return
    if all(c is cell or c.kind != "entry" or c.expr == 0
           for row in claim.matrices[0].cells for c in row):
        return  # [7 0] a = [k_0 a_0]: a numeric matrix states the kernel k_0 = 7, consistently
    start = _offset(text, cell.line, cell.column)
    assert text[start:start + len(cell.text)] == cell.text
    # a value the operator never holds: with whole-band elision an N-D row may show two separate
    # bands, and a zeroed entry can be explained by another alignment of the sketch as well
    broken = text[:start] + "7" + text[start + len(cell.text):]
    wrong = compare_claim(parse_claim(broken, source), op)
    assert not wrong.passed
    (mismatch,) = wrong.mismatches
    assert mismatch.claimed == "7" and mismatch.location == f"{source}:{cell.line}:{cell.column}"


DERIVED = [
    Conv(6, 2, dilation=2), Conv(12, 3, stride=2, dilation=2, padding="same"),
    Conv(9, 3, padding=1, padding_mode="reflect", input_symbol="ab"),
    Conv(7, 2, transposed=True, stride=2, kernel_symbol="w", input_symbol="x"),
    Conv(5, 2, in_channels=2, out_channels=2, input_symbol="ab"),
    Conv((3, 4), (2, 2), dilation=(1, 2)), Conv((3, 3, 3), (2, 2, 2)),
    Conv((4, 3), (2, 2), stride=2, padding=1, padding_mode="circular", kernel_symbol="theta"),
    Conv(40, 3, dilation=3, padding="full"), Conv(15, 2, dilation=2, padding=1, transposed=True),
]


@pytest.mark.parametrize("op", DERIVED, ids=repr)
def test_derivation_displays_read_back(op):
    for fmt, source in (("latex", "derive.tex"), ("markdown", "derive.md")):
        text = derive(op, fmt=fmt)
        claim = parse_claim(text, source, strict=False)
        assert not [m.error for m in claim.matrices if m.error]
        # C (a transposed convolution's forward matrix, M = C^T) is another operator
        objects = tuple(m for m in claim.matrices if m.label != "C")
        checked = 0
        for display in sorted({m.display for m in objects}):
            result = compare_claim(Claim(source, tuple(m for m in objects
                                                       if m.display == display)), op)
            assert not [o for o in result.objects if o.status == "failed"], result.detail
            checked += sum(o.status == "passed" for o in result.objects)
        assert checked >= 1  # (a 3-D derivation prints blocks T_{i,j}, not the whole matrix)


def test_a_derivations_concrete_equation_reads_back():
    op = Conv((3, 4), (2, 2))
    claim = parse_claim(derive(op), "derive.tex", strict=False)
    equations = [m for m in claim.matrices if m.lhs is not None]
    assert [m.label for m in equations] == ["y_{0,0}"]
    result = compare_claim(Claim("derive.tex", tuple(equations)), op)
    assert result.passed and result.kind == "equation"


@pytest.mark.parametrize("op", [Conv(4, 1, in_channels=2), Conv(30, 3, in_channels=2, out_channels=2),
                                Conv(n=2, kernel=2, in_channels=2)], ids=repr)
def test_a_fitted_matrix_reads_back_and_a_wrong_entry_of_either_part_fails(op):
    """``M`` broken into two halves at a block line (``\\left[ array \\right. \\\\
    \\left. array \\right]``) is one matrix; the outputs written one line each
    (``y = M a: \\\\ y_0 &= …``) are each checked; a wrong entry in the second half, or a
    wrong term in an output line, fails."""
    text = matrix_equation_document(op, MatrixFormat.latex)
    assert compare_claim(parse_claim(text, "own.tex"), op).verdict == "PASS"
    if "\\right." in text:
        second = text.index("\\left.\\begin{array}")
        row = text.index("\n", second + 30) + 1  # the second half's first row
        entry = re.compile(r"[a-z]\^\{\(0,1\)\}_\{0\}").search(text, row)
        broken = text[:entry.start()] + "7" + text[entry.end():]
        assert compare_claim(parse_claim(broken, "own.tex"), op).verdict == "FAIL"
    if "y = M a:" in text:
        line = text.index("&= ", text.index("y = M a:")) + 3
        broken = text[:line] + "2 " + text[line:]
        assert compare_claim(parse_claim(broken, "own.tex"), op).verdict == "FAIL"


WHOLE = [Conv(6, 2, dilation=2), Conv(15, 2, dilation=2, padding=1, transposed=True),
         Conv(5, 2, in_channels=2, out_channels=2), Conv((3, 4), (2, 2), dilation=(1, 2)),
         Conv(30, 3, in_channels=2, out_channels=2), Conv(40, 3, dilation=3, padding="full"),
         Conv(14, 3, dilation=3, padding="same", padding_mode="replicate", out_channels=2)]


@pytest.mark.parametrize("op", WHOLE, ids=repr)
def test_a_whole_derivation_passes_verify_claim(op):
    """Issue 18: a whole derivation written by symdil, read as ``verify --claim`` reads it, is
    PASS -- its fitted matrices (broken at a column), its output lines, its equations continued
    on a second line, and (square operator) the forward matrix C with M = C^T."""
    text = derive(op)
    result = compare_claim(parse_claim(text, "derive.tex"), op)
    assert result.verdict == "PASS", result.detail


@pytest.mark.parametrize("width", ["200pt", "column", "page"])
def test_a_sketched_forward_matrix_named_transposed_passes_at_every_width(width):
    """A transposed convolution's C (16×34), sketched so its shape does not tell it from M: read
    as M's transpose because the text writes M = C^T; a wrong tap in C still fails."""
    op = Conv(16, 4, transposed=True, stride=2)
    text = derive(op, width=width)
    assert compare_claim(parse_claim(text, "derive.tex"), op).verdict == "PASS"
    row = text.index("k_{0} & k_{1} & k_{2} & k_{3}", text.index("C = "))
    broken = text[:row] + "k_{0} & k_{2} & k_{1} & k_{3}" + text[row + 29:]
    result = compare_claim(parse_claim(broken, "derive.tex"), op)
    assert result.verdict == "FAIL" and result.mismatches[0].object.startswith("transpose")


def test_a_square_forward_matrix_named_transposed_is_checked_both_ways():
    """C with ``M = C^{\\mathsf{T}}`` for a square operator: compared with the transpose (the
    reading that agrees), and a wrong entry of C still fails."""
    op = Conv(15, 2, dilation=2, padding=1, transposed=True)
    text = derive(op)
    start = text.index("C = ")
    assert "the text writes C^T" in compare_claim(parse_claim(text, "derive.tex"), op).detail
    row = text.index("0 & k_{1} & 0", start)
    broken = text[:row] + "0 & k_{0} & 0" + text[row + len("0 & k_{1} & 0"):]
    result = compare_claim(parse_claim(broken, "derive.tex"), op)
    assert result.verdict == "FAIL" and any(m.claimed_latex == "k_{0}" and m.object.startswith("transpose")
                                            for m in result.mismatches), result.detail
