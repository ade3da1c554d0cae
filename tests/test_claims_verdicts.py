"""The three verdicts of a claim (issue 18): PASS 0 / FAIL 1 / NOT CHECKED 3 in the table, the JSON
and the exit code of ``verify --claim`` and ``symdil check``; the answer first; the claimed and
correct rows; letters with primes and accents; the Python API a handout uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from symdil.claims import check_document, compare_claim, parse_claim
from symdil.cli import app
from symdil.cli.verify import report_text
from symdil.core.conv import Conv
from symdil.core.errors import SymdilError
from symdil.core.spec import validate_symbol_name
from symdil.verification import verify

runner = CliRunner()
CORPUS = Path(__file__).parent / "claims_corpus"

OPERATOR = r"\[ \begin{bmatrix} k_0 & k_1 & 0 \\ 0 & k_0 & k_1 \end{bmatrix} \]"
INPUT_ONLY = r"\[ \begin{bmatrix} a_0 \\ a_1 \\ a_2 \end{bmatrix} \]"
WRONG = r"\[ \begin{bmatrix} k_0 & k_1 & 0 \\ 0 & k_1 & k_0 \end{bmatrix} \]"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("text, verdict, code", [
    (OPERATOR, "PASS", 0), (WRONG, "FAIL", 1), (INPUT_ONLY, "NOT CHECKED", 3)])
def test_verify_claim_verdict_is_the_first_line_json_and_exit_code(tmp_path, text, verdict, code):
    claim = write(tmp_path, "c.tex", text)
    result = runner.invoke(app, ["verify", "--n", "3", "--kernel", "2", "--claim", claim])
    assert result.exit_code == code, result.stdout
    assert result.stdout.splitlines()[0].startswith(f"claim: {verdict} — ")
    as_json = runner.invoke(app, ["verify", "--n", "3", "--kernel", "2", "--claim", claim,
                                  "-f", "json"])
    data = json.loads(as_json.stdout)
    assert as_json.exit_code == code
    assert (data["claim"]["verdict"], data["claim"]["exit_code"], data["exit_code"]) == (
        verdict, code, code)


def test_a_fail_prints_the_claimed_and_the_correct_row_first(tmp_path):
    claim = write(tmp_path, "c.tex", WRONG)
    lines = runner.invoke(app, ["verify", "--n", "3", "--kernel", "2", "--claim",
                                claim]).stdout.splitlines()
    at = lines.index("  claimed row 2: 0 & k_1 & k_0")
    assert lines[at + 1] == "  correct row 2: 0 & k_0 & k_1"
    assert at < next(i for i, line in enumerate(lines) if "symdil verify" in line)  # before


def test_symdil_check_prints_rows_under_a_wrong_display_and_exits_by_the_worst_verdict(tmp_path):
    text = (f"% symdil: --n 3 --kernel 2\n{WRONG}\n% symdil: --n 3 --kernel 2\n{INPUT_ONLY}\n"
            f"% symdil: --n 3 --kernel 2\n{OPERATOR}\n")
    result = runner.invoke(app, ["check", write(tmp_path, "p.tex", text)])
    assert result.exit_code == 1
    assert "      claimed row 2: 0 & k_1 & k_0\n      correct row 2: 0 & k_0 & k_1" in \
        result.stdout
    assert "3 annotated displays: 1 passed, 1 failed, 1 not checked" in result.stdout
    only_unchecked = runner.invoke(app, ["check", write(tmp_path, "q.tex",
                                                        f"% symdil: --n 3 --kernel 2\n"
                                                        f"{INPUT_ONLY}\n"), "-f", "json"])
    assert only_unchecked.exit_code == 3
    data = json.loads(only_unchecked.stdout)
    assert data["exit_code"] == 3 and data["displays"][0]["verdict"] == "not checked"


def test_help_documents_the_exit_codes():
    for command in ("verify", "check"):
        text = " ".join(runner.invoke(app, [command, "-h"]).stdout.split())
        assert "3" in text and "NOT CHECKED" in text, command


def test_table_fits_the_width_and_colours_only_when_asked():
    report = verify(Conv(3, 2), claim_text=WRONG)
    for width in (60, 80, 100):
        text = report_text(report, width)
        assert max(len(line) for line in text.splitlines()) <= width
        assert "\x1b[" not in text
    assert "\x1b[" in report_text(report, 80, colour=True)


def test_verify_reads_the_terminal_width_from_columns(tmp_path):
    claim = write(tmp_path, "c.tex", OPERATOR)
    result = runner.invoke(app, ["verify", "--n", "3", "--kernel", "2", "--claim", claim],
                           env={"COLUMNS": "70"})
    assert max(len(line) for line in result.stdout.splitlines()) <= 70
    assert "\x1b[" not in result.stdout  # not a terminal: no colour


def test_expected_values_use_the_claims_flat_one_based_names():
    text = (CORPUS / "44_flat_one_based_2d.tex").read_text(encoding="utf-8")
    planted = text.replace("0 & w_1 & w_2 & 0 & w_3 & w_4 & 0 & 0 & 0",
                           "0 & w_1 & w_2 & 0 & w_4 & w_3 & 0 & 0 & 0", 1)
    (display,) = check_document(planted, "x.tex").displays
    wrong = display.result.failing_entries
    assert [m.correct_as_written for m in wrong] == ["w_3", "w_4"]
    assert "w_{" not in check_document(planted, "x.tex").text()


def test_a_numeric_matrix_with_two_values_for_one_tap_fails_naming_both():
    text = r"\[ \begin{bmatrix} 1 & 2 & 0 \\ 0 & 1 & 3 \end{bmatrix} \]"
    result = compare_claim(parse_claim(text), Conv(3, 2))
    assert result.verdict == "FAIL"
    assert "two values for the tap k_1: 2 at row 1, column 2" in result.detail
    assert "3 at row 2, column 3" in result.detail
    ok = compare_claim(parse_claim(text.replace("& 3", "& 2")), Conv(3, 2))
    assert ok.verdict == "PASS" and "kernel read from the claim: k_0 = 1, k_1 = 2" in ok.detail


def test_numeric_matrix_against_numeric_taps_is_compared_directly():
    text = r"\[ \begin{bmatrix} 1 & 2 & 0 \\ 0 & 1 & 3 \end{bmatrix} \]"
    result = compare_claim(parse_claim(text), Conv(3, [1, 2]))
    assert result.verdict == "FAIL" and [(m.row_1based, m.column_1based)
                                         for m in result.failing_entries] == [(2, 3)]


def test_an_im2col_display_whose_only_checked_object_is_an_input_is_not_a_pass():
    # the output column written with input letters: it reads as an input vector, nothing more
    text = r"\[ \begin{bmatrix} a_0 \\ a_1 \\ a_2 \end{bmatrix} \]"
    assert compare_claim(parse_claim(text), Conv(4, 2)).verdict == "FAIL"  # 3 ≠ 4 inputs
    assert compare_claim(parse_claim(text), Conv(3, 2)).verdict == "NOT CHECKED"


def test_data_matrix_rows_are_the_windows_in_tap_order():
    text = r"\[ \begin{bmatrix} a_0 & a_2 \\ a_1 & a_3 \end{bmatrix} \]"
    op = Conv(4, 2, dilation=2)
    result = compare_claim(parse_claim(text), op)
    assert result.verdict == "PASS" and result.objects[0].kind == "data matrix"
    swapped = compare_claim(parse_claim(text.replace("a_0 & a_2", "a_2 & a_0")), op)
    assert swapped.verdict == "FAIL"
    assert {(m.row_1based, m.column_1based) for m in swapped.failing_entries} == {(1, 1), (1, 2)}


def test_the_output_letter_can_be_an_input_with_output_symbol(tmp_path):
    claim = write(tmp_path, "c.tex", (CORPUS / "36_backprop_output_letter.tex").read_text())
    args = ["verify", "--n", "3", "--kernel", "2", "--transposed", "--claim", claim]
    stated = runner.invoke(app, args + ["--kernel-symbol", "w", "--input-symbol", "y",
                                        "--output-symbol", "g"])
    assert stated.exit_code == 0 and stated.stdout.startswith("claim: PASS")
    assert "the claim writes" not in stated.stdout


@pytest.mark.parametrize("name, stored", [
    ("w'", "w'"), ("w''", "w''"), (r"\tilde x", r"\tilde{x}"), (r"\hat{x}", r"\hat{x}"),
    (r"\bar {y}", r"\bar{y}"), (r"\hat{\theta}", r"\hat{\theta}"), ("alpha", "alpha")])
def test_symbol_names_may_carry_primes_and_accents(name, stored):
    assert validate_symbol_name("kernel_symbol", name) == stored


@pytest.mark.parametrize("name", [
    r"\input{x}", r"\tilde{x}}\input{y}", r"\hat{x y}", "w'''''", r"\def\x", "w'}", r"\hat{}",
    r"\tilde{\input}", "x$", "x%", "x_0", r"\textbf{x}", "x'y", r"\hat{x}\hat{y}", "\\", "'w"])
def test_anything_else_is_refused_so_nothing_unescaped_reaches_a_document(name):
    with pytest.raises(SymdilError, match="kernel_symbol must be"):
        validate_symbol_name("kernel_symbol", name)


def test_a_primed_and_accented_operator_prints_as_latex():
    from symdil.render.printer import SymdilLatexPrinter

    op = Conv(3, 2, kernel_symbol="w'", input_symbol=r"\tilde x")
    printed = SymdilLatexPrinter().doprint(op.matrix * sympy_column(op.input))
    assert "{\\tilde{x}}_{0} {w'}_{0}" in printed


def sympy_column(values):
    import sympy

    return sympy.Matrix(values)


def test_annotation_options_with_primes_and_accents(tmp_path):
    text = ("% symdil: --n 3 --kernel 2 --kernel-symbol w' --input-symbol \\hat x\n"
            r"\[ \begin{bmatrix} w'_0 & w'_1 & 0 \\ 0 & w'_0 & w'_1 \end{bmatrix}"
            r"\begin{bmatrix} \hat{x}_0 \\ \hat x_1 \\ \hat{x}_2 \end{bmatrix} \]")
    (display,) = check_document(text, "x.tex").displays
    assert display.verdict == "passed", display.detail
    unnamed = check_document(text.replace(" --kernel-symbol w'", ""), "x.tex").displays[0]
    assert unnamed.verdict == "not checked"
    assert "--input-symbol w'" in unnamed.result.objects[0].hint


def test_failing_entries_api_finds_exactly_a_planted_error():
    op = Conv(5, 3, stride=2)
    good = parse_claim(r"\[ \begin{bmatrix} k_0 & k_1 & k_2 & 0 & 0 \\ 0 & 0 & k_0 & k_1 & k_2"
                       r" \end{bmatrix} \]")
    assert compare_claim(good, op).failing_entries == ()
    bad = parse_claim(r"\[ \begin{bmatrix} k_0 & k_1 & k_2 & 0 & 0 \\ 0 & 0 & k_0 & k_2 & k_2"
                      r" \end{bmatrix} \]")
    (entry,) = compare_claim(bad, op).failing_entries
    assert (entry.row_1based, entry.column_1based, entry.claimed_latex, entry.correct) == (
        2, 4, "k_2", "k_1")


def test_named_blocks_are_compared_with_the_operators_blocks():
    op = Conv((3, 4), (2, 2), stride=2)
    text = (r"\[ T_{0} = \begin{bmatrix} k_{0,0} & k_{0,1} & 0 & 0 \\ 0 & 0 & k_{0,0} & k_{0,1}"
            r" \end{bmatrix}, \quad \mathbf{T}_1 = \begin{bmatrix} k_{1,0} & k_{1,1} & 0 & 0 \\"
            r" 0 & 0 & k_{1,0} & k_{1,1} \end{bmatrix} \]")
    result = compare_claim(parse_claim(text), op)
    assert [o.kind for o in result.objects] == ["block", "block"] and result.verdict == "PASS"
    wrong = compare_claim(parse_claim(text.replace(r"0 & 0 & k_{1,0} & k_{1,1}",
                                                   r"0 & 0 & k_{1,1} & k_{1,0}")), op)
    assert wrong.verdict == "FAIL" and len(wrong.failing_entries) == 2


def test_a_transposed_derivations_forward_matrix_is_its_transpose():
    op = Conv(2, 2, stride=2, transposed=True)
    text = (r"$M = C^{\mathsf{T}}$ with \[ C = \begin{bmatrix} k_0 & k_1 & 0 & 0 \\ 0 & 0 & k_0 &"
            r" k_1 \end{bmatrix} \]")
    result = compare_claim(parse_claim(text), op)
    assert result.verdict == "PASS" and result.objects[0].kind == "transpose"
    # without the sentence naming C^T, the transposed shape is a shape failure
    alone = compare_claim(parse_claim(text.split("with", 1)[1]), op)
    assert alone.verdict == "FAIL"
    assert re.search(r"the transpose's shape", alone.detail)


def test_primed_and_accented_names_draw_in_figures():
    from symdil.core.spec import ACCENTS
    from symdil.render import plain

    assert set(plain._ACCENTS) == set(ACCENTS)  # every accent a name may carry can be drawn
    runs = plain.latex_runs(r"{\tilde{x}}_{0} {w'}_{1}")
    assert [text for text, _, _ in runs] == ["x\u0303", "0", "w", "′", "1"]


# ----- transpose marks (outside review, round 2) ----------------------------------------------
# M of --n 4 --kernel 2 --padding 0:1 is 4 x 4 upper bidiagonal; its transpose is lower
_UPPER = r"\begin{bmatrix} k_0 & k_1 & 0 & 0 \\ 0&k_0&k_1&0 \\ 0&0&k_0&k_1 \\ 0&0&0&k_0 \end{bmatrix}"
_LOWER = r"\begin{bmatrix} k_0 & 0 & 0 & 0 \\ k_1&k_0&0&0 \\ 0&k_1&k_0&0 \\ 0&0&k_1&k_0 \end{bmatrix}"
_MARKS = [r"^{\mkern-1.5mu\mathsf{T}}", r"^{\operatorname{T}}", r"^{\mathit{T}}",
          r"^{\scriptscriptstyle T}", r"^{\rm T}", r"^{\!\mathsf T}", "^T", r"^\prime", "'"]


def _verdict(tmp_path: Path, matrix: str) -> int:
    claim = write(tmp_path, "t.tex", r"\[ " + matrix + r" \begin{bmatrix} a_0 \\ a_1 \\ a_2 \\ a_3"
                  r" \end{bmatrix} \]")
    return runner.invoke(app, ["verify", "--n", "4", "--kernel", "2", "--padding", "0:1",
                               "--claim", claim]).exit_code


@pytest.mark.parametrize("mark", _MARKS)
def test_a_transpose_mark_is_read_however_it_is_typeset(tmp_path, mark):
    # the transpose of the lower matrix is M: a pass; the operator itself marked transposed
    # claims M = M^T, which is false: a fail, never a pass (the mark was once ignored)
    assert _verdict(tmp_path, _LOWER + mark) == 0
    assert _verdict(tmp_path, _UPPER + mark) == 1


@pytest.mark.parametrize("mark", [r"^{-1}", "^2", r"^{\dagger}"])
def test_a_matrix_with_a_superscript_symdil_does_not_read_is_never_compared(tmp_path, mark):
    assert _verdict(tmp_path, _UPPER + mark) == 3


@pytest.mark.parametrize("equations", [r"y_{1} = k_0 a_1 + k_1 a_3 \\ y_{-2} = 7",
                                       r"y_{-1} = k_0 a_0"])
def test_an_equation_for_a_negative_output_index_fails(tmp_path, equations):
    # outside review, round 2: y_{-2} = 7 beside a correct y_1 was dropped silently (a PASS)
    claim = write(tmp_path, "n.tex", r"\begin{align} " + equations + r" \end{align}")
    result = runner.invoke(app, ["verify", "--n", "5", "--kernel", "2", "--dilation", "2",
                                 "--claim", claim])
    assert result.exit_code == 1 and "names an output the operator does not have" in result.output


def test_a_file_without_annotated_displays_is_not_checked(tmp_path):
    # outside review, round 2: "0 annotated displays" exited 0, so a misspelt annotation passed
    paper = write(tmp_path, "p.tex", r"\[ \begin{bmatrix} k_0 & k_1 \end{bmatrix} \]" + "\n")
    result = runner.invoke(app, ["check", paper])
    assert result.exit_code == 3 and "nothing was checked" in result.output
