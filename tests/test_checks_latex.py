"""Every check record carries a human title and a typeset sentence (issue 9 §3, data side).

``detail_latex`` is written by symdil: prose with inline ``$…$`` math and no text-mode command, so
the same sentence works in LaTeX and in Markdown (KaTeX).  Every sentence of a set of verifications
(1-D, N-D, channels, transposed, folded padding, symbolic n) compiles with pdflatex and parses with
KaTeX; JSON keeps the machine names next to the new fields.
"""

from __future__ import annotations

import json
import re

import pytest
from tools import assert_katex_ok, compile_latex
from typer.testing import CliRunner

from symdil import Conv
from symdil.checks import TITLES
from symdil.cli import app
from symdil.verification import verify

OPS = [
    Conv(12, 3, stride=2, dilation=2, padding="same"),
    Conv(9, [1, -2, 1], dilation=3, padding="causal", padding_mode="reflect", flip=True),
    Conv(6, 3, stride=2, dilation=2, padding=1, transposed=True, output_padding=1),
    Conv((5, 6), (2, 3), stride=(2, 1), dilation=(1, 2), padding="same"),
    Conv((4, 4), 2, padding="full", in_channels=2, out_channels=4, groups=2),
    Conv(5, [10**400, 1]),
    Conv("n", 3, stride=2, dilation=2),
    Conv("n", 2, stride=2, padding=1, transposed=True, output_padding=1),
]


@pytest.fixture(scope="module")
def records() -> list:
    found = []
    for op in OPS:
        report = verify(op)
        assert report.passed, [c.detail for c in report.failed]
        found += list(report.checks)
    return found


def _outside_math(text: str) -> str:
    return re.sub(r"\$[^$]*\$", "", text)


def test_titles_are_human_names(records) -> None:
    for record in records:
        assert record.title == TITLES[record.name]
        assert record.title[0].isupper() and "_" not in record.title


def test_sentences_are_prose_with_inline_math(records) -> None:
    for record in records:
        latex = record.detail_latex
        assert latex.count("$") % 2 == 0, latex
        if record.applicable:
            assert latex.endswith("."), latex
            assert "\\" not in _outside_math(latex), latex  # no text-mode command
        assert not re.search(r"x~\[|(?<!\\)sum_t|<=", latex), latex  # no ASCII pseudo-math


def test_sentences_compile_with_pdflatex(records) -> None:
    body = "\n\n".join(f"\\textbf{{{r.title}.}} {r.detail_latex}" for r in records)
    compile_latex(body, standalone=False)


def test_sentences_parse_with_katex(records) -> None:
    assert_katex_ok("\n\n".join(r.detail_latex for r in records))


def test_typeset_examples() -> None:
    report = verify(Conv(12, 3, stride=2, dilation=2, padding="same"))
    latex = {check.name: check.detail_latex for check in report.checks}
    assert r"$y_i = \sum_t k_t \tilde a_{si+dt-p_{\mathrm{before}}}$" in latex["definition"]
    assert "$d(K-1)+1 = 5$" in latex["dilation_identity"]
    assert "rows $0, 2, \\dots, 10$" in latex["stride_identity"]
    assert r"$\lceil n/s \rceil = 6$" in latex["padding_split"]
    general = verify(Conv("n", 3, stride=2, dilation=2)).checks[-1]
    assert r"$0 \le i \le \left\lfloor (n-5)/2 \right\rfloor$" in general.detail_latex


def test_json_keeps_machine_names_and_adds_the_fields() -> None:
    result = CliRunner().invoke(app, ["verify", "--n", "8", "--kernel", "3", "--padding",
                                      "same", "-f", "json"])
    assert result.exit_code == 0, result.output
    for check in json.loads(result.stdout)["checks"]:
        assert check["name"] in TITLES and check["title"] == TITLES[check["name"]]
        assert isinstance(check["detail_latex"], str) and check["detail_latex"]
