"""Sentences with a symbolic n read naturally: no ``n = n``, polynomials by descending degree."""

from __future__ import annotations

import sympy
from typer.testing import CliRunner

from symdil.cli import app
from symdil.render.printer import latex


def derive(*args: str) -> str:
    result = CliRunner().invoke(app, ["derive", *args, "--format", "markdown"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_transposed_general_n_maps_back_to_n_not_n_equals_n() -> None:
    out = derive("--n", "n", "--kernel", "3", "--dilation", "2", "--stride", "3",
                 "--transposed", "--padding", "2", "--output-padding", "1")
    assert "$3 n - 1$ samples back to $n$." in out
    assert "n = n" not in out
    assert r"(3 n - 1) \cdot n = 3 n^{2} - n$" in out


def test_numeric_n_still_names_its_value() -> None:
    out = derive("--n", "5", "--kernel", "3", "--stride", "2", "--transposed",
                 "--padding", "1")
    assert "samples back to $n = 5$." in out


def test_polynomials_print_by_descending_degree() -> None:
    n = sympy.Symbol("n", positive=True, integer=True)
    assert latex(sympy.expand((3 * n - 1) * n)) == "3 n^{2} - n"
    assert latex(sympy.expand(4 * (n + 2) * (n - 1))) == "4 n^{2} + 4 n - 8"
