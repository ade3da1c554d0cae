"""Snippets pasted into a two-column paper (issue 19): ``\\input`` of the LaTeX that symdil
writes by default (``--width column``) into ``\\documentclass[twocolumn]{article}``, compiled
with pdflatex; its log must hold no ``Overfull \\hbox`` over 1 pt.  The same snippets at a
width narrower than the column they are pasted into would overflow: the test also compiles
``--width page`` snippets into the column and expects overflows, so the log is read right."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tools import need_pdflatex
from typer.testing import CliRunner

from symdil.cli import app

#: name -> command line (LaTeX snippet): the configurations issue 19 names.
SNIPPETS = {
    "seed": ["derive", "--n", "7", "--kernel", "2", "--dilation", "2"],
    "causal": ["derive", "--n", "8", "--kernel", "3", "--padding", "causal"],
    "strided_2d": ["derive", "--n", "4,4", "--kernel", "2,2", "--stride", "2,2"],
    "transposed": ["derive", "--n", "5", "--kernel", "3", "--stride", "2", "--transposed"],
    "stack": ["stack", "--n", "16", "--wavenet", "3", "--format", "latex"],
    # beyond the list: padded 2-D, 3-D, channels with groups, a padding mode, n symbolic
    "padded_2d": ["derive", "--n", "5,5", "--kernel", "3,3", "--padding", "1"],
    "3d": ["derive", "--n", "3,3,3", "--kernel", "2,2,2", "--padding", "1"],
    "grouped": ["derive", "--n", "12", "--kernel", "3", "--in-channels", "4",
                "--out-channels", "4", "--groups", "2"],
    "reflect": ["derive", "--n", "10", "--kernel", "4", "--stride", "3", "--padding", "same",
                "--padding-mode", "reflect"],
    "long_1d": ["derive", "--n", "23", "--kernel", "4", "--stride", "2", "--dilation", "2"],
    "general": ["derive", "--n", "n", "--kernel", "3", "--dilation", "2", "--stride", "2"],
    "matrix_2d": ["matrix", "--n", "4,4", "--kernel", "2,2", "--stride", "2,2", "--format",
                  "latex"],
    "window": ["figure", "--n", "8", "--kernel", "3", "--padding", "causal", "--format",
               "tikz"],
    "matrix_figure": ["figure", "--n", "8", "--kernel", "3", "--padding", "causal", "--kind",
                      "matrix", "--format", "tikz"],
    "window_2d": ["figure", "--n", "5,5", "--kernel", "3,3", "--stride", "2,2", "--padding",
                  "1", "--format", "tikz"],
    "figures": ["derive", "--n", "6", "--kernel", "3", "--stride", "2", "--padding", "same",
                "--figures"],
    # the hostile review's list (seed and general above are two of it): long formulas, the
    # flattened input vector of a 3-D input, long rational kernel values, a 4-layer stack table
    "dilated_same_2d": ["derive", "--n", "5,5", "--kernel", "3,3", "--dilation", "2,1",
                        "--padding", "same"],
    "grouped_wide": ["derive", "--n", "6", "--kernel", "2", "--in-channels", "2",
                     "--out-channels", "4", "--groups", "2"],
    "cube": ["derive", "--n", "4,4,4", "--kernel", "2,2,2"],
    # the zero-inserted input of a transposed layer had 11 bmatrix columns: amsmath allows 10
    "transposed_zeros": ["derive", "--n", "6", "--kernel", "3", "--stride", "2", "--transposed",
                         "--output-padding", "1", "--padding", "1"],
    "transposed_long": ["derive", "--n", "11", "--kernel", "2", "--transposed"],
    "circular_values": ["derive", "--n", "12", "--kernel", "1/3,-22/7,1234567", "--padding",
                        "5:5", "--padding-mode", "circular"],
    "wavenet_32": ["stack", "--n", "32", "--wavenet", "4", "--format", "latex"],
}
_OVERFULL_RE = re.compile(r"Overfull \\hbox \(([0-9.]+)pt too wide\)")


def _paper(folder: Path, names: list[str], extra: list[str]) -> str:
    """Write the snippets and a two-column paper that inputs them; the pdflatex log."""
    inputs = []
    for name in names:
        args = SNIPPETS[name] + (extra if SNIPPETS[name][0] != "figure" else [])
        result = CliRunner().invoke(app, args + ["-o", str(folder / f"{name}.tex")])
        assert result.exit_code == 0, result.output
        if SNIPPETS[name][0] == "figure":  # a bare tikzpicture: the author's figure around it
            inputs.append(f"\\begin{{figure}}[htbp]\\centering\n\\input{{{name}}}\n"
                          f"\\caption{{{name.replace('_', ' ')}}}\n\\end{{figure}}\n")
        else:
            inputs.append(f"\\section{{{name.replace('_', ' ')}}}\n\\input{{{name}}}\n")
    (folder / "paper.tex").write_text(
        "\\documentclass[twocolumn]{article}\n\\usepackage{amsmath}\n\\usepackage{tikz}\n"
        "\\begin{document}\n" + "\n".join(inputs) + "\\end{document}\n")
    subprocess.run([need_pdflatex(), "-interaction=nonstopmode", "-halt-on-error",
                    "paper.tex"], cwd=folder, capture_output=True, timeout=300, check=True)
    return (folder / "paper.log").read_text(errors="replace")


def overfull(log: str) -> list[float]:
    return [float(points) for points in _OVERFULL_RE.findall(log)]


def test_snippets_fit_a_two_column_paper(tmp_path):
    log = _paper(tmp_path, list(SNIPPETS), [])
    assert [points for points in overfull(log) if points > 1.0] == []


def test_page_width_snippets_overflow_a_column(tmp_path):
    """The control: laid out for a one-column page, the same derivations overflow the column."""
    log = _paper(tmp_path, ["causal", "strided_2d"], ["--width", "page"])
    assert any(points > 1.0 for points in overfull(log))
