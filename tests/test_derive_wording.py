"""Wording of `derive --verify` documents found false or empty by a review: every number in these
sentences is the one the check or statement counted; the general case is stated once; the
statements are summarized in one line with human names (JSON / the API keep machine names)."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from symdil import Conv
from symdil.cli import app
from symdil.derivation import Derivation
from symdil.derivation.statements import TITLES


def _derive(*args: str) -> str:
    result = CliRunner().invoke(app, ["derive", *args, "--format", "markdown", "--verify"])
    assert result.exit_code == 0, result.output
    return result.stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_seed_document_wording():
    """--n 7 --kernel 2 --dilation 2: no tautology at s = 1, plural agreement, typeset numbers
    instead of `s-1` / `r::2`, the proof once, one informative statement line."""
    text = _flat(_derive("--n", "7", "--kernel", "2", "--dilation", "2"))
    assert "rows $0, 1, \\dots, 4$ of the stride-$1$ operator" not in text
    assert "At stride $1$ this check is trivial" in text
    assert "$1$ zero diagonal between taps" in text and "$1$ zero diagonals" not in text
    assert "1 zero diagonals" not in text
    assert "$s - 1 = 0$ zeros between inputs" in text
    assert "$s - 1$ zeros" not in text and "r::" not in text
    assert "$\\tilde a_{r}, \\tilde a_{r+2}, \\tilde a_{r+4}, \\ldots$ ($r = 0, 1$)" in text
    assert text.count("for every integer $n \\ge 3$") == 1, "the general case must appear once"
    assert "Proved for the general case" not in text
    assert "Statement: " not in text and "holds on the rows" not in text
    kinds = list(dict.fromkeys(st.kind for st in Derivation(Conv(7, 2, dilation=2)).statements))
    count = len(Derivation(Conv(7, 2, dilation=2)).statements)
    names = ", ".join(TITLES[kind] for kind in kinds)
    assert (f"**Statements**: All ${count}$ statements of this document ({names}) were "
            "re-derived from the rows of $M$ and hold.") in text


def test_general_case_has_no_dangling_reference():
    text = _flat(_derive("--n", "6", "--kernel", "1,0", "--stride", "2"))
    assert "statement below" not in text
    assert ("**General case**: Proved with SymPy delta sums: for every integer $n \\ge 2$ and "
            "every row $i$ with $0 \\le i \\le \\left\\lfloor (n-2)/2 \\right\\rfloor$: "
            "$y_i = a_{2i}$") in text


def test_a_line_holding_only_a_zero_tap_is_not_spanned():
    """Kernel (1, 0): its non-zero entries lie on one line; the line of the zero tap at the end
    of the window is not part of the band (issue 17, T7)."""
    for n in ("6", "n"):
        text = _flat(_derive("--n", n, "--kernel", "1,0", "--stride", "2"))
        assert "The non-zero entries lie on one line, $j - 2 i = 0$" in text, n
        assert "lines spanned" not in text


def test_per_kind_statement_records_keep_machine_names():
    derivation = Derivation(Conv(6, [1, 0], stride=2))
    names = [check["name"] for check in derivation.statement_checks()]
    assert names and all(name.startswith("statement:") for name in names)


def test_verified_documents_compile_and_parse():
    """The review's configurations, verified: pdflatex compiles the LaTeX, KaTeX parses the
    Markdown (the new sentences carry math: phases, counts, the general case inside its check)."""
    from tools import assert_katex_ok, compile_latex

    from symdil import derive, verify
    from symdil.derivation import verification_section

    operators = [Conv(7, 2, dilation=2), Conv(6, [1, 0], stride=2),
                 Conv(8, [3, 0, 0], stride=3, dilation=2, padding="same"),
                 Conv(9, [-1, 1, 1], padding="same", padding_mode="replicate"),
                 Conv(9, 2, dilation=5, stride=5), Conv((5, 6), 2, dilation=(2, 1), stride=2)]
    for op in operators:
        section = verification_section(verify(op))
        compile_latex(derive(op, "latex", standalone=True, verification=section),
                      standalone=True)
        assert_katex_ok(derive(op, "markdown", verification=section))
