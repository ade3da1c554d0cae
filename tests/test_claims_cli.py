"""``symdil check FILE`` and the claim options of ``symdil verify`` (--index-base,
--input-values), through Typer's CliRunner; ``check_document`` from Python."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from symdil.claims import check_document
from symdil.cli import app

runner = CliRunner()
CORPUS = Path(__file__).parent / "claims_corpus"

PAPER = r"""\documentclass{article}
\begin{document}
% symdil: --n 6 --kernel 2 --dilation 2
\[
\begin{bmatrix} k_0 & 0 & k_1 & 0 & 0 & 0 \\ 0 & k_0 & 0 & k_1 & 0 & 0 \\
0 & 0 & k_0 & 0 & k_1 & 0 \\ 0 & 0 & 0 & k_0 & 0 & k_1 \end{bmatrix}
\]
An unannotated display is not read, even when it is not a convolution at all:
\[ \begin{bmatrix} \weird & 1 \end{bmatrix} \]
% symdil: --n 5 --kernel 3
\begin{equation}
W = \begin{pmatrix} w_0 & w_1 & w_2 & 0 & 0 \\ 0 & w_0 & w_1 & w_2 & 0 \\
0 & 0 & w_0 & w_2 & w_1 \end{pmatrix}
\end{equation}
\end{document}
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_check_reports_each_annotated_display_with_file_line_and_exits_1(tmp_path):
    path = write(tmp_path, "paper.tex", PAPER)
    result = runner.invoke(app, ["check", path])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{path}:4: PASSED  [--n 6 --kernel 2 --dilation 2]"
    failed = next(line for line in lines if ": FAILED" in line)
    assert failed == f"{path}:11: FAILED  [--n 5 --kernel 3]"
    assert "row 3, column 4 (1-based; row 2, column 3 0-based)" in result.stdout
    assert "claimed w_2, correct w_1" in result.stdout
    assert "kernel as w (detected; --kernel-symbol w states it)" in result.stdout
    assert lines[-1] == "2 annotated displays: 1 passed, 1 failed"


def test_check_passes_with_exit_0_and_json(tmp_path):
    path = write(tmp_path, "ok.tex", PAPER.replace("w_0 & w_2 & w_1", "w_0 & w_1 & w_2"))
    result = runner.invoke(app, ["check", path, "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["exit_code"] == 0 and [d["verdict"] for d in data["displays"]] == ["passed"] * 2
    assert [d["line"] for d in data["displays"]] == [4, 11]
    assert data["displays"][1]["objects"][0]["kind"] == "matrix"


def test_check_reads_markdown_annotations(tmp_path):
    text = (CORPUS / "13_jekyll_escaped.md").read_text(encoding="utf-8")
    path = write(tmp_path, "page.md", text)
    result = runner.invoke(app, ["check", path])
    assert result.exit_code == 0, result.output
    assert "all 15 entries of the claimed 3×5 matrix" in result.stdout


def test_bad_annotation_is_an_error_exit_2(tmp_path):
    path = write(tmp_path, "bad.tex", PAPER.replace("--n 5 --kernel 3", "--n 5 --kernel 3 --sride 2"))
    result = runner.invoke(app, ["check", path])
    assert result.exit_code == 2
    assert f"{path}:11: ERROR" in result.stdout and "unknown option '--sride'" in result.stdout
    path = write(tmp_path, "bad2.tex", PAPER.replace("--n 5 --kernel 3", "--n 5 --kernel 0"))
    result = runner.invoke(app, ["check", path])
    assert result.exit_code == 2 and "bad annotation" in result.stdout


def test_annotated_unreadable_display_is_an_error(tmp_path):
    text = "% symdil: --n 3 --kernel 2\n\\[ \\begin{bmatrix} k_0 & \\weird \\end{bmatrix} \\]\n"
    result = runner.invoke(app, ["check", write(tmp_path, "x.tex", text)])
    assert result.exit_code == 2 and "unknown command \\weird" in result.stdout


def test_display_with_nothing_checkable_is_not_a_pass(tmp_path):
    text = ("% symdil: --n 3 --kernel 2\n\\[ \\begin{bmatrix} \\frac{\\partial L}{\\partial x_0}"
            " \\\\ 1 \\end{bmatrix} \\]\n")
    result = runner.invoke(app, ["check", write(tmp_path, "x.tex", text)])
    assert result.exit_code == 3 and "NOT CHECKED" in result.stdout
    assert "nothing that states the convolution could be compared" in result.stdout


def test_check_missing_file_and_directory_exit_2(tmp_path):
    for target in (tmp_path / "nope.tex", tmp_path):
        result = runner.invoke(app, ["check", str(target)])
        assert result.exit_code == 2
        assert result.stderr.startswith("Error: FILE ") and len(result.stderr.splitlines()) == 1


ONE_BASED = r"""\[ \begin{bmatrix} k_1 & k_2 & 0 \\ 0 & k_1 & k_2 \end{bmatrix}
\begin{bmatrix} a_1 \\ a_2 \\ a_3 \end{bmatrix} \]"""


def test_verify_index_base(tmp_path):
    claim = write(tmp_path, "c.tex", ONE_BASED)
    base = ["verify", "--n", "3", "--kernel", "2", "--claim", claim, "-f", "json"]
    detected = runner.invoke(app, base)
    assert detected.exit_code == 0
    detail = json.loads(detected.stdout)["checks"][-1]["detail"]
    assert "indices read 1-based (detected; the 0-based reading gives" in detail
    assert runner.invoke(app, [*base, "--index-base", "1"]).exit_code == 0
    forced = runner.invoke(app, [*base, "--index-base", "0"])
    assert forced.exit_code == 1
    assert "claimed k_2, correct k_1" in json.loads(forced.stdout)["checks"][-1]["detail"]
    bad = runner.invoke(app, [*base, "--index-base", "2"])
    assert bad.exit_code == 2 and "is not one of '0', '1'" in bad.stderr


def test_verify_input_values(tmp_path):
    claim = str(CORPUS / "24_numeric_without_values.tex")
    base = ["verify", "--n", "3", "--kernel", "2", "--transposed", "--claim", claim, "-f", "json"]
    # without --input-values the numbers of the input column are read, and the outputs checked
    without = json.loads(runner.invoke(app, base).stdout)["checks"][-1]["detail"]
    assert "the input values are read from it" in without and "4×1 output vector" in without
    text = Path(claim).read_text(encoding="utf-8").replace("3 k_1 \\end", "2 k_1 \\end")
    (tmp_path / "wrong.tex").write_text(text, encoding="utf-8")
    planted = runner.invoke(app, [*base[:-3], str(tmp_path / "wrong.tex"), "-f", "json"])
    assert planted.exit_code == 1, planted.output
    good = runner.invoke(app, [*base, "--input-values", "2,-1,3"])
    assert good.exit_code == 0, good.output
    detail = json.loads(good.stdout)["checks"][-1]["detail"]
    assert "3×1 input vector" in detail and "4×1 output vector" in detail
    wrong = runner.invoke(app, [*base, "--input-values", "2,1,3"])
    assert wrong.exit_code == 1
    for values, words in (("2,x,3", "--input-values must be numbers"),
                          ("2,3", "one value per input (3), got 2")):
        result = runner.invoke(app, [*base, "--input-values", values])
        assert result.exit_code == 2 and words in result.stderr
        assert len(result.stderr.splitlines()) == 1
    alone = runner.invoke(app, ["verify", "--n", "3", "--kernel", "2", "--input-values", "1,2,3"])
    assert alone.exit_code == 2 and "give --claim" in alone.stderr


def test_verify_reads_a_markdown_claim(tmp_path):
    text = (CORPUS / "14_markdown_dollars.md").read_text(encoding="utf-8")
    claim = write(tmp_path, "c.md", text)
    result = runner.invoke(app, ["verify", "--n", "4", "--kernel", "3", "--padding", "1",
                                 "--claim", claim])
    assert result.exit_code == 0, result.output


def test_check_document_api():
    report = check_document(PAPER, "paper.tex")
    assert [d.verdict for d in report.displays] == ["passed", "failed"]
    assert report.exit_code == 1
    assert report.displays[1].result.mismatches[0].location == "paper.tex:13:15"


def test_issue_example_own_equation_with_a5_changed_to_a4_in_y3_fails(tmp_path):
    """Issue 10 §1: the tool's own M a = y with a_5 changed to a_4 in y_3 passed before."""
    own = runner.invoke(app, ["matrix", "--n", "6", "--kernel", "2", "--dilation", "2",
                              "--format", "latex"])
    assert own.exit_code == 0
    good = write(tmp_path, "own.tex", own.stdout)
    base = ["verify", "--n", "6", "--kernel", "2", "--dilation", "2", "-f", "json", "--claim"]
    assert runner.invoke(app, [*base, good]).exit_code == 0
    changed = own.stdout.replace("k_{0} a_{3} + k_{1} a_{5}", "k_{0} a_{3} + k_{1} a_{4}")
    assert changed != own.stdout
    result = runner.invoke(app, [*base, write(tmp_path, "bad.tex", changed)])
    assert result.exit_code == 1
    detail = json.loads(result.stdout)["checks"][-1]["detail"]
    assert "1 of 4 entries of the claimed 4×1 output vector" in detail
    assert "row 4, column 1 (1-based; row 3, column 0 0-based)" in detail
    assert "correct k_0 a_3 + k_1 a_5" in detail
