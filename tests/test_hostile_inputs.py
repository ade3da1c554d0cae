"""Hostile inputs of issue 22: every one ends in a clear one-line error or a correct answer."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sympy

from symdil import Conv, SymdilError
from symdil.claims import parse_claim
from symdil.claims.compare import compare_claim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Unreadable:
    """A value that must never be read: reading it fails the test."""

    def __float__(self):  # pragma: no cover - reached only by a regression
        raise AssertionError("a value was read before the count was checked")

    def _sympy_(self):  # pragma: no cover - reached only by a regression
        raise AssertionError("a value was read before the count was checked")


def test_input_values_are_counted_before_any_is_read():
    claim = parse_claim(r"\[\begin{bmatrix} k_0 & k_1 \end{bmatrix}\]")
    with pytest.raises(SymdilError, match=r"one value per input \(2\), got 60,000"):
        compare_claim(claim, Conv(2, 2), input_values=[Unreadable()] * 60_000)
    with pytest.raises(SymdilError, match="at most 400 with a symbolic n"):
        compare_claim(claim, Conv("n", 2), input_values=[Unreadable()] * 401)


BUILD = """
[[derivation]]
name = "a"
n = 7
kernel = 2
formats = ["latex", "markdown", "pdf"]
figures = true
"""


def test_build_checks_every_target_before_rendering(tmp_path, monkeypatch):
    import symdil.build.run as run

    def no_render(*args, **kwargs):  # pragma: no cover - reached only by a regression
        raise AssertionError("rendered before the targets were checked")

    monkeypatch.setattr(run, "render_plan", no_render)
    (tmp_path / "b.toml").write_text(BUILD)
    (tmp_path / "afile").write_text("")
    with pytest.raises(run.BuildFileError, match="is not a folder"):
        run.build(tmp_path / "b.toml", tmp_path / "afile")
    # a figure file that is a folder is a target too
    (tmp_path / "out" / "a-window.svg").mkdir(parents=True)
    with pytest.raises(run.BuildFileError, match="a-window.svg"):
        run.build(tmp_path / "b.toml", tmp_path / "out", skip_pdf=True)


def test_build_without_pdf_leaves_out_the_figure_pdfs(tmp_path, monkeypatch):
    import symdil.build.run as run

    def no_pdflatex(*args, **kwargs):
        raise AssertionError("pdflatex was run under --no-pdf")

    monkeypatch.setattr(run, "compile_pdf", no_pdflatex)
    monkeypatch.setattr(run, "_compile", no_pdflatex)
    (tmp_path / "b.toml").write_text(BUILD)
    result = run.build(tmp_path / "b.toml", tmp_path / "out", skip_pdf=True)
    assert sorted(p.name for p in result.written) == [
        "a-matrix.svg", "a-window.svg", "a.md", "a.tex"]
    assert sorted(result.skipped) == ["a-matrix.pdf", "a-window.pdf", "a.pdf"]


@pytest.mark.parametrize("attribute, message", [
    ("matrix", "Conv.rows/.matrix/.nonzeros would build up to 2,999,999,999,994 entries"),
    ("rows", "Conv.rows/.matrix/.nonzeros would build"),
    ("nonzeros", "Conv.rows/.matrix/.nonzeros would build"),
    ("output", "Conv.output would build 999,999,999,998 sums"),
    ("input", "Conv.input would build 1,000,000,000,000 input symbols"),
])
def test_whole_operator_attributes_refuse_a_huge_n(attribute, message):
    op = Conv(10**12, 3)
    with pytest.raises(SymdilError, match=message) as error:
        getattr(op, attribute)
    assert "\n" not in str(error.value)
    # single rows stay available
    assert op.row(10**11) == {10**11 + t: op.kernel[t] for t in range(3)}


def test_whole_operator_attributes_work_up_to_the_limits(monkeypatch):
    import symdil.core.limits as limits

    monkeypatch.setattr(limits, "MAX_OUTPUT_TERMS", 30)
    monkeypatch.setattr(limits, "MAX_OPERATOR_ENTRIES", 60)
    op = Conv(12, 3)  # 10 rows x 3 taps: exactly at the output limit
    assert len(op.output) == 10 and op.nonzeros == 30
    with pytest.raises(SymdilError, match="Conv.output"):
        _ = Conv(13, 3).output
    assert Conv(22, 3).nonzeros == 60
    with pytest.raises(SymdilError, match="Conv.rows"):
        _ = Conv(23, 3).rows
    assert len(Conv(60, 1).input) == 60
    with pytest.raises(SymdilError, match="Conv.input"):
        _ = Conv(61, 1).input


def _one_error_line(result) -> str:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr[-3000:]
    assert len(lines[0]) < 1000
    return lines[0]


def test_a_claim_cell_with_a_huge_integer_is_one_error_line(tmp_path):
    from typer.testing import CliRunner

    from symdil.cli import app

    runner = CliRunner()
    claim = tmp_path / "c.tex"
    claim.write_text(r"\[\begin{bmatrix} k_0 & " + "1" * 5000 + r" \end{bmatrix}\]")
    result = runner.invoke(app, ["verify", "--n", "2", "--kernel", "2", "--claim", str(claim)])
    assert result.exit_code == 2
    assert "a number of 5,000 digits; at most 4,300 are read" in _one_error_line(result)
    paper = tmp_path / "p.tex"
    paper.write_text("% symdil: --n 2 --kernel 2\n" + claim.read_text())
    result = runner.invoke(app, ["check", str(paper)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "a number of 5,000 digits" in result.output


def test_derive_with_a_dilation_of_a_hundred_digits_answers():
    from typer.testing import CliRunner

    from symdil.cli import app

    result = CliRunner().invoke(app, ["derive", "--n", str(10**101), "--dilation",
                                      str(10**100), "--kernel", "3"])
    assert result.exit_code == 0, result.output
    assert "every row is complete" in result.stdout


FULL_STDOUT_COMMANDS = [
    ["matrix", "--n", "7", "--kernel", "2"],
    ["derive", "--n", "7", "--kernel", "2"],
    ["verify", "--n", "7", "--kernel", "2"],
    ["handout", "--exercises", "1", "--seed", "1"],
    ["stack", "--n", "8", "--wavenet", "2"],
    ["figure", "--n", "7", "--kernel", "2"],
    ["check", "PAPER"],
    ["--help"],
]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", FULL_STDOUT_COMMANDS, ids=lambda args: args[0])
def test_a_full_stdout_is_one_error_line(args, tmp_path):
    paper = tmp_path / "p.tex"
    paper.write_text("% symdil: --n 3 --kernel 2\n"
                     r"\[\begin{bmatrix} k_0 & k_1 & 0 \\ 0 & k_0 & k_1 \end{bmatrix}\]" "\n")
    args = [str(paper) if arg == "PAPER" else arg for arg in args]
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "symdil", *args], stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=120,
                                env={**os.environ, "PYTHONPATH": ROOT})
    assert result.returncode == 2
    assert result.stderr == ("Error: cannot write to standard output: No space left on "
                             "device\n")


@pytest.mark.parametrize("make", [
    lambda: sympy.Symbol(r"\input{/tmp/x}"),
    lambda: sympy.Function(r"\input{/tmp/x}")(1),
    lambda: sympy.Indexed(sympy.IndexedBase(r"\input"), 0),
    lambda: 2 * sympy.Symbol("w_{\\write18{id}}"),
    lambda: sympy.Symbol("a" * 100_000),
    lambda: sympy.Symbol("x%"),
])
def test_tap_symbols_from_the_api_are_validated(make):
    tap = make()
    with pytest.raises(SymdilError, match="kernel holds") as error:
        Conv(7, [tap, 1])
    assert "\n" not in str(error.value) and len(str(error.value)) < 300


def test_ordinary_tap_symbols_are_accepted():
    w0, k12, theta = sympy.Symbol("w_0"), sympy.Symbol("k^{(1)}_2"), sympy.Symbol("theta_a")
    op = Conv(7, [w0, 2 * k12 + theta, sympy.Function("f")(1)])
    assert op.kernel == (w0, 2 * k12 + theta, sympy.Function("f")(1))


def test_the_printer_refuses_a_name_tex_would_run():
    # the last guard, for any door the constructor does not see
    from symdil.render.printer import latex

    for expr in (sympy.Symbol(r"\input{x}"), sympy.Function(r"\input")(1), sympy.Symbol("a_{#1}")):
        with pytest.raises(SymdilError, match="cannot be typeset"):
            latex(expr)


def test_symbol_names_have_a_length_limit():
    from typer.testing import CliRunner

    from symdil.cli import app

    for option in ("--input-symbol", "--kernel-symbol"):
        result = CliRunner().invoke(app, ["derive", "--n", "7", "--kernel", "2", option,
                                          "a" * 100_000])
        assert result.exit_code == 2
        assert "must have at most 64 characters, got 100,000" in _one_error_line(result)
    result = CliRunner().invoke(app, ["derive", "--n", "L" * 100_000, "--kernel", "2"])
    assert result.exit_code == 2 and "at most 64 characters" in _one_error_line(result)


@pytest.mark.parametrize("args", [
    ["matrix", "--n", "7", "--kernel", "2", "-o", "{dir}/newdir/"],
    ["derive", "--n", "7", "--kernel", "2", "-o", "{dir}/newdir/"],
    ["figure", "--n", "7", "--kernel", "2", "-o", "{dir}/newdir/"],
    ["handout", "--exercises", "1", "--seed", "1", "-o", "{dir}/h.tex", "--solutions-file",
     "{dir}/newdir/"],
    ["stack", "--n", "8", "--wavenet", "2", "--figure", "{dir}/newdir/"],
], ids=lambda args: args[0])
def test_a_file_option_ending_in_a_slash_is_refused(args, tmp_path, monkeypatch, capsys):
    from symdil.cli import main

    args = [arg.format(dir=tmp_path) for arg in args]
    monkeypatch.setattr(sys, "argv", ["symdil", *args])
    with pytest.raises(SystemExit) as stopped:
        main()  # the console script: usage errors in one line
    assert stopped.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "ends with '/', so it names a folder" in lines[0]
    assert list(tmp_path.iterdir()) == []  # nothing written, no file named newdir


@pytest.mark.parametrize("name", ["x.png", "x.jpg", "x.eps"])
def test_a_figure_named_for_an_image_format_is_refused(name, tmp_path):
    from typer.testing import CliRunner

    from symdil.cli import app

    result = CliRunner().invoke(app, ["figure", "--n", "7", "--kernel", "2", "-o",
                                      str(tmp_path / name)])
    assert result.exit_code == 2 and "--format svg writes SVG" in _one_error_line(result)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ufffe"])
def test_control_characters_in_a_title_are_refused_in_every_document(char):
    import symdil
    from symdil import Handout, Stack
    from symdil.stack.document import StackDocument

    title = f"Week{char}3"
    for render in (
        lambda: symdil.derive(Conv(7, 2), fmt="html", standalone=True, title=title),
        lambda: symdil.derive(Conv(7, 2), fmt="markdown", standalone=True, title=title),
        lambda: Handout(1, seed=1, title=title).render("html"),
        lambda: StackDocument(Stack(n=8, layers=[dict(kernel=2)])).render(
            "html", standalone=True, title=title),
    ):
        with pytest.raises(SymdilError, match=rf"U\+{ord(char):04X}"):
            render()


def test_a_tab_in_a_title_is_spacing():
    import symdil

    assert "# Week 3" in symdil.derive(Conv(7, 2), fmt="markdown", standalone=True,
                                      title="Week\t3")


class _BlockInParagraph:
    """Finds a block element opened inside <p> (HTML closes the <p> before it)."""

    BLOCKS = {"div", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "p", "figure",
              "section", "hr", "header", "footer", "nav"}

    def __init__(self, page: str) -> None:
        from html.parser import HTMLParser

        found: list[str] = []
        depth = [0]

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                if tag in _BlockInParagraph.BLOCKS and depth[0]:
                    found.append(f"<{tag} {dict(attrs)}> inside <p> at {self.getpos()}")
                if tag == "p":
                    depth[0] += 1

            def handle_endtag(self, tag):
                if tag == "p":
                    depth[0] -= 1

        Parser().feed(page)
        self.found = found


@pytest.mark.parametrize("seed", [1, 2, 314])
def test_html_handouts_keep_blocks_out_of_paragraphs(seed):
    from symdil import Handout

    for solutions in (False, True):
        page = Handout(6, seed=seed, solutions=solutions).render("html")
        assert 'class="answer-space"' in page or solutions
        assert _BlockInParagraph(page).found == []


def test_numpy_integers_are_read_as_integers_outside_the_constructors():
    import numpy as np

    from symdil import Stack
    from symdil.figures import render_figure

    op = Conv(7, 2)
    row = op.row(np.int64(1))
    assert row == {1: op.kernel[0], 2: op.kernel[1]}
    assert all(type(c) is int for c in row)
    assert op.output_symbol_at(np.int64(2)) == sympy.Symbol("y_2")
    assert op.input_symbol_at(np.int32(3)) == sympy.Symbol("a_3")
    assert render_figure(op, "window", at=np.int64(2)) == render_figure(op, "window", at=2)
    assert render_figure(op, "window", at=(np.int64(2),)) == render_figure(op, "window", at=2)
    assert render_figure(op, "matrix", max_rows=np.int64(4)) == render_figure(
        op, "matrix", max_rows=4)
    import symdil

    assert symdil.derive(op, max_rows=np.int64(5)) == symdil.derive(op, max_rows=5)
    stack = Stack(n=8, layers=[dict(kernel=2)])
    assert stack.row(np.int64(1)) == stack.row(1)


@pytest.mark.parametrize("call, message", [
    (lambda: __import__("symdil").verify("x"), "verify needs a symdil.Conv or symdil.Stack"),
    (lambda: __import__("symdil").verify(None), "verify needs a symdil.Conv or symdil.Stack"),
    (lambda: __import__("symdil").statements(Conv(7, 2))[0].holds("x"),
     "holds needs an Evidence"),
    (lambda: __import__("symdil.figures", fromlist=["render_figure"]).render_figure(
        Conv(7, 2), "window", at="x"), "at must be an output index"),
    (lambda: Conv(7, 2).row(1.0), r"row must be an integer in \[0, 6\)"),
    (lambda: Conv(7, 2).row(True), r"row must be an integer in \[0, 6\)"),
])
def test_api_arguments_outside_the_constructors_are_clear_one_line_errors(call, message):
    with pytest.raises(SymdilError, match=message) as error:
        call()
    assert "\n" not in str(error.value)
