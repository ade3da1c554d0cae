"""``symdil figure`` through CliRunner, and the TikZ figures compiled by pdflatex."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from figure_tools import drawn_rows, svg_items, tikz_items
from typer.testing import CliRunner

from symdil import Conv
from symdil.cli import app
from symdil.figures import figure, tikz_document, to_tikz

runner = CliRunner()
SEED = ["--n", "7", "--kernel", "2", "--dilation", "2"]


def run(*args: str):
    return runner.invoke(app, ["figure", *args])


def test_help_documents_every_option():
    result = run("--help")
    assert result.exit_code == 0
    text = re.sub(r"\s+", " ", result.stdout)
    for option in ("--n", "--kernel", "--stride", "--dilation", "--padding", "--padding-mode",
                   "--flip", "--transposed", "--output-padding", "--kind", "--format",
                   "--output", "--standalone", "--pdf", "--at", "--max-rows", "--max-cols"):
        assert option in text, option
    assert "window" in text and "matrix" in text and "tikz" in text and "svg" in text


def test_svg_and_tikz_to_stdout_and_file(tmp_path):
    result = run(*SEED)
    assert result.exit_code == 0, result.output
    assert drawn_rows(svg_items(result.stdout)) == {0: {0: [0], 2: [1]}, 1: {1: [0], 3: [1]}}
    result = run(*SEED, "--kind", "matrix", "-f", "tikz")
    assert result.exit_code == 0 and result.stdout.startswith("% symdil figure")
    entries = {(ids["row"], ids["col"]) for kind, role, ids, _ in tikz_items(result.stdout)
               if role == "entry"}
    assert entries == {(i, i + 2 * t) for i in range(5) for t in range(2)}
    target = tmp_path / "w.svg"
    result = run(*SEED, "--at", "3", "-o", str(target))
    assert result.exit_code == 0 and set(drawn_rows(svg_items(target.read_text()))) == {3, 4}


@pytest.mark.parametrize("args, message", [
    (["--at", "5"], "--at|at must be an output index in [0, 5), got 5"),
    (["--at", "x"], "--at must be output indices"),
    (["-o", "x.md"], "named as Markdown (.md) but --format svg writes SVG"),
    (["-f", "tikz", "-o", "x.svg"], "named as SVG (.svg) but --format tikz"),
    (["--pdf"], "--standalone and --pdf apply to --format tikz"),
    (["--kind", "matrix", "--at", "1"], "--at applies to --kind window"),
    (["--max-rows", "4"], "--max-rows/--max-cols apply to --kind matrix"),
    (["--kind", "matrix", "--max-rows", "2"], "max_rows must be an integer >= 3"),
    (["--in-channels", "2"], "one channel"),
])
def test_errors_are_one_line_exit_2(args, message):
    result = run(*SEED, *args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert any(part in lines[0] for part in message.split("|")), lines[0]


def test_symbolic_n_is_refused():
    result = run("--n", "n", "--kernel", "3")
    assert result.exit_code == 2 and "figures need a concrete n" in result.output


needs_tikz = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("kpsewhich") is None
    or subprocess.run(["kpsewhich", "tikz.sty"], capture_output=True).stdout.strip() == b"",
    reason="pdflatex with TikZ is not installed (apt-get install texlive-pictures)")


@needs_tikz
def test_tikz_figures_compile_with_pdflatex(tmp_path):
    ops = [Conv(7, 2, dilation=2), Conv(8, 3, dilation=2, padding=2, padding_mode="reflect"),
           Conv(5, 3, stride=2, padding=1, transposed=True), Conv((4, 3), (2, 2), dilation=(2, 1)),
           Conv(4, 2, dilation=2, in_channels=2, out_channels=4, groups=2),
           Conv(6, [1, -2, 1], flip=True, padding=1), Conv(10**6, 3, dilation=4, padding="same"),
           Conv(5, 2, input_symbol="alpha", kernel_symbol="theta")]
    pictures = []
    for op in ops:
        for kind in ("window", "matrix"):
            if kind == "window" and op.in_channels > 1:
                continue
            pictures.append(to_tikz(figure(op, kind)))
    # one document holding every picture: what a user's \input of the snippets gives
    document = ("\\documentclass{article}\n\\usepackage{tikz}\n\\begin{document}\n"
                + "\n\\clearpage\n".join(pictures) + "\\end{document}\n")
    (tmp_path / "all.tex").write_text(document)
    result = subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode", "all.tex"],
                            cwd=tmp_path, capture_output=True, timeout=300)
    log = result.stdout.decode(errors="replace")
    assert result.returncode == 0, log[-2000:]
    assert (tmp_path / "all.pdf").stat().st_size > 1000


@needs_tikz
def test_cli_pdf_is_deterministic(tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for target in (first, second):
        result = run(*SEED, "-f", "tikz", "--pdf", "-o", str(target))
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().startswith(b"%PDF")
    tex = tmp_path / "c.tex"
    result = run(*SEED, "--kind", "matrix", "-f", "tikz", "--pdf", "-o", str(tex))
    assert result.exit_code == 0 and tex.read_text() == tikz_document(
        figure(Conv(7, 2, dilation=2), "matrix"))
    assert (tmp_path / "c.pdf").is_file()


def test_build_file_figures(tmp_path):
    from symdil.build.file import BuildFileError
    from symdil.build.run import build

    (tmp_path / "b.toml").write_text('[[derivation]]\nname = "s"\nn = 7\nkernel = 2\n'
                                     'dilation = 2\nformats = ["markdown"]\nfigures = true\n'
                                     '[[derivation]]\nname = "c"\nn = 4\nkernel = 2\n'
                                     'in_channels = 2\nformats = ["markdown"]\nfigures = true\n')
    build(tmp_path / "b.toml", tmp_path / "out")
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    # a window needs one channel: the channel example has its matrix only
    assert names == ["c-matrix.svg", "c.md", "s-matrix.svg", "s-window.svg", "s.md"]
    window = (tmp_path / "out" / "s-window.svg").read_text()
    assert drawn_rows(svg_items(window)) == {0: {0: [0], 2: [1]}, 1: {1: [0], 3: [1]}}
    (tmp_path / "g.toml").write_text('[[derivation]]\nname = "g"\nn = "n"\nkernel = 2\n'
                                     'figures = true\n')
    with pytest.raises(BuildFileError, match="'figures' needs a concrete n"):
        build(tmp_path / "g.toml", tmp_path / "out2")


def test_derive_figures_in_every_format(tmp_path):
    result = runner.invoke(app, ["derive", *SEED, "--figures"])
    assert result.exit_code == 0, result.output
    assert "amsmath and tikz" in result.stdout and result.stdout.count("\\begin{tikzpicture}") == 2
    tikz = result.stdout[result.stdout.index("% symdil figure: window"):]
    assert drawn_rows(tikz_items(tikz)) == {0: {0: [0], 2: [1]}, 1: {1: [0], 3: [1]}}
    standalone = runner.invoke(app, ["derive", *SEED, "--figures", "--standalone"]).stdout
    assert "\\usepackage{tikz}" in standalone
    assert "\\usepackage{tikz}" not in runner.invoke(app, ["derive", *SEED, "--standalone"]).stdout
    page = tmp_path / "seed.md"
    result = runner.invoke(app, ["derive", *SEED, "--figures", "-f", "markdown", "-o", str(page)])
    assert result.exit_code == 0, result.output
    text = page.read_text()
    assert "](seed-window.svg)" in text and "](seed-matrix.svg)" in text
    window = (tmp_path / "seed-window.svg").read_text()
    assert drawn_rows(svg_items(window)) == {0: {0: [0], 2: [1]}, 1: {1: [0], 3: [1]}}
    result = runner.invoke(app, ["derive", *SEED, "--figures", "-f", "markdown"])
    assert result.exit_code == 2 and "-o FILE.md" in result.output
    result = runner.invoke(app, ["derive", "--n", "n", "-k", "3", "--figures"])
    assert result.exit_code == 2 and "figures need a concrete n" in result.output
    # channels: the matrix only
    result = runner.invoke(app, ["derive", "--n", "4", "-k", "2", "--in-channels", "2",
                                 "--figures"])
    assert result.exit_code == 0 and result.stdout.count("\\begin{tikzpicture}") == 1


@needs_tikz
def test_derive_figures_pdf(tmp_path):
    for args in (SEED, ["--n", "4,3", "-k", "2,2", "-d", "2,1"],
                 ["--n", "5", "-k", "3", "-s", "2", "-p", "1", "--transposed"]):
        result = runner.invoke(app, ["derive", *args, "--figures", "--pdf", "-o",
                                     str(tmp_path / "d.pdf")])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")
