r"""Issue 11 §4: the claim reader refuses oversized or hostile claims up front, in one line.

Each hostile input runs in a child process with a 120 s hang guard (not a timing assertion: a
refusal takes well under a second; before these limits the inputs ran for minutes)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symdil import Conv, SymdilError
from symdil.claims import ClaimParseError, check_document, compare_claim, parse_claim
from symdil.claims.entry import bounded_power
from symdil.claims.limits import MAX_CELLS, MAX_CHARS, MAX_DEPTH

# Python expressions building each text (built in the child: some are megabytes long)
HOSTILE = {
    "huge tower": r'r"\begin{bmatrix} 10^{10^{10}} & 0 \end{bmatrix}"',
    "power of two tower": r'r"\begin{bmatrix} 2^{2^{40}} & 0 \end{bmatrix}"',
    "big base power": r'r"\begin{bmatrix} (10^{200})^{250} & 0 \end{bmatrix}"',
    "million cells": r'r"\begin{bmatrix}" + "&" * 1_000_000 + r"\end{bmatrix}"',
    "nested braces": r'r"\begin{bmatrix}" + "{" * 20_000 + "k_0" + "}" * 20_000 + r"\end{bmatrix}"',
    "long file": f'"%" * {MAX_CHARS + 1}',
    "long cell": r'r"\begin{bmatrix}" + "k_0 + " * 2_000 + r"k_0 \end{bmatrix}"',
}
WORDS = {
    "huge tower": "huge powers", "power of two tower": "huge powers",
    "big base power": "huge powers", "million cells": f"more than {MAX_CELLS:,} cells",
    "nested braces": f"nested more than {MAX_DEPTH} deep", "long file": "characters, more than",
    "long cell": "characters, more than the limit",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_claims_are_refused_with_one_line(name):
    program = textwrap.dedent(f"""
        import sys
        from symdil.claims import ClaimParseError, parse_claim
        text = {HOSTILE[name]}
        try:
            parse_claim(text, "hostile.tex")
        except ClaimParseError as error:
            print(error)
            sys.exit(3)
    """)
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 3, done.stderr[-2000:]
    message = done.stdout.strip()
    assert "\n" not in message and message.startswith("hostile.tex:")
    assert WORDS[name] in message, message


def test_powers_are_bounded_before_evaluation():
    assert bounded_power(sympy_int(2), sympy_int(10)) == 1024
    for base, exponent in [(2, 257), (10, 10**10), (10**200, 250)]:
        with pytest.raises(ValueError, match="huge powers"):
            bounded_power(sympy_int(base), sympy_int(exponent))
    text = r"\begin{bmatrix} k_0^{2} & 2^{10} \end{bmatrix}"
    (matrix,) = parse_claim(text).matrices
    assert str(matrix.entries[0][1]) == "1024"


def sympy_int(value):
    import sympy

    return sympy.Integer(value)


def test_a_shape_far_from_the_operators_is_refused_without_comparing():
    rows = " \\\\ ".join(" & ".join("0" for _ in range(120)) for _ in range(90))
    result = compare_claim(parse_claim(rf"\begin{{bmatrix}} {rows} \end{{bmatrix}}"),
                           Conv(6, 2))
    assert not result.passed and "far from the operator's" in result.detail


def test_cli_refuses_a_hostile_claim_with_one_error_line(tmp_path):
    from typer.testing import CliRunner

    from symdil.cli import app

    path = tmp_path / "tower.tex"
    path.write_text(eval(HOSTILE["huge tower"]), encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", "--n", "4", "--kernel", "2", "--claim", str(path)])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "huge powers" in line


def test_claim_file_too_large_is_refused_before_reading(tmp_path):
    from typer.testing import CliRunner

    from symdil.cli import app

    path = tmp_path / "big.tex"
    with open(path, "wb") as handle:
        handle.truncate(4 * MAX_CHARS + 10)  # sparse: no disk used
    for command in (["verify", "--n", "4", "--kernel", "2", "--claim", str(path)],
                    ["check", str(path)]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2
        assert "more than the limit" in result.stderr and len(result.stderr.splitlines()) == 1


TOKENS = [r"\begin{bmatrix}", r"\end{bmatrix}", r"\begin{array}{cc}", r"\end{array}", "&", "\\\\",
          r"\cr", "k_0", "k_{1}", "a_{n-1}", "y_0", "=", "+", "-", "^", "_", "{", "}", "(", ")",
          "[", "]", "0", "1", r"\cdots", r"\vdots", r"\ddots", "...", r"\frac{1}{2}",
          r"\multicolumn{2}{c}{0}", r"\pmatrix{", "x'", ",", r"\partial", r"\[", r"\]", "$$", "%",
          "\n", " ", r"\text{", r"\bm", r"\theta", "{ab}", "^{(0,1)}", r"\left(", "k[0]",
          "2^{10}", "\\\\\\\\", r"\_", r"\newcommand\z{\cellcolor{red}}", r"\z", "^T", "w_{11}",
          "\\", "\\\n", "% symdil: --n 4 --kernel 2\n", "<!-- symdil: --n 3 -->"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=50))
def test_any_token_soup_is_read_or_refused_in_one_line(tokens):
    """No input makes the reader raise anything but a one-line SymdilError."""
    text = "".join(tokens)
    for op in (Conv(4, 2), Conv("n", 2, dilation=2), Conv((2, 3), (1, 2))):
        try:
            compare_claim(parse_claim(text, "f.tex"), op)
        except SymdilError as error:
            assert "\n" not in str(error)
    try:
        check_document(text, "f.tex")
    except SymdilError as error:  # e.g. an environment that is never closed
        assert "\n" not in str(error)


def test_a_backslash_before_a_line_end_is_a_parse_error():
    with pytest.raises(ClaimParseError, match="a backslash ends the entry"):
        parse_claim("\\begin{bmatrix} 0 & 0\\\n & 1 \\end{bmatrix}", "f.tex")
