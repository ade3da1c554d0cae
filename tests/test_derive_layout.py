"""Snippets fit the page they are \\input into: every golden derivation (and a few wide N-D and
channel cases), \\input into a default ``article`` (10 pt, 345 pt lines), compiles with no
overfull line wider than 1 pt, as pdflatex's own log reports."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from regen import CASES, render_case
from tools import SNIPPET_WRAPPER, need_pdflatex

from symdil import Conv
from symdil.derivation import derive

#: Wider than the golden cases: many channels, a transposed 2-D layer, 3-D, a long 1-D sum.
EXTRA = {
    "channels_12": ["--n", "5", "--kernel", "3", "--in-channels", "12", "--out-channels", "12"],
    "channels_2d": ["--n", "5,5", "--kernel", "3,3", "--in-channels", "3", "--out-channels", "2"],
    "transposed_2d": ["--n", "3,4", "--kernel", "3,2", "--stride", "2,1", "--padding", "1,0",
                      "--output-padding", "1,0", "--transposed"],
    "three_d": ["--n", "4,4,4", "--kernel", "2,2,2"],
    "circular": ["--n", "12", "--kernel", "1,-2,1", "--padding", "same", "--padding-mode",
                 "circular"],
    "general_transposed": ["--n", "n", "--kernel", "4", "--stride", "3", "--dilation", "2",
                           "--padding", "3", "--transposed"],
}


def overfull_boxes(snippet: str) -> list[tuple[float, str]]:
    """(points too wide, log context) of every overfull \\hbox pdflatex reports for ``snippet``
    in a default article."""
    pdflatex = need_pdflatex()
    with tempfile.TemporaryDirectory(prefix="symdil-test-width-") as folder:
        Path(folder, "doc.tex").write_text(SNIPPET_WRAPPER % snippet, encoding="utf-8")
        result = subprocess.run(
            [pdflatex, "-halt-on-error", "-interaction=nonstopmode", "-no-shell-escape",
             "doc.tex"], cwd=folder, capture_output=True, timeout=180, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, result.stdout.decode("utf-8", "replace")[-1500:]
        log = Path(folder, "doc.log").read_text(encoding="utf-8", errors="replace")
    return [(float(match.group(1)), log[match.start():match.start() + 200])
            for match in re.finditer(r"Overfull \\hbox \(([0-9.]+)pt too wide\)", log)]


@pytest.mark.parametrize("name", sorted(CASES) + sorted(EXTRA))
def test_snippets_fit_a_default_article(name: str) -> None:
    args = CASES.get(name) or EXTRA[name]
    wide = [(points, context) for points, context in
            overfull_boxes(render_case(args, "latex", standalone=False)) if points > 1.0]
    assert not wide, wide


def test_the_overfull_check_sees_an_overfull_line() -> None:
    """The log reading is not vacuous: a display wider than the line is reported."""
    assert overfull_boxes("\\[" + " + ".join(["a_{0}"] * 60) + "\\]")


def test_a_wide_matrix_equation_breaks_after_m_a() -> None:
    """M a = y too wide for a page's line: "M a" on one line and "= y" on the next."""
    text = derive(Conv(8, 3, dilation=2, padding=2, padding_mode="reflect"), "latex",
                  width="page")
    assert "\\begin{aligned}\n&\\begin{bmatrix}" in text and "&\\qquad = \\begin{bmatrix}" in text
    assert "k_{0} + k_{2}" in text  # the full 8 x 8 matrix is still shown
