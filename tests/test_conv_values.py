"""Issue 11 sections 5 and 6: Conv behaves like a value, and inputs never change meaning silently.

copy/deepcopy/pickle (also after ``.rows`` was read) and multiprocessing; equality of the resolved
operator; NumPy scalars and arrays; non-expression taps refused; ``kernel=3.0`` refused with both
readings in the API, the CLI and build files; symbolic lengths that collide with the derivation's
letters or SymPy's names refused; every accepted Greek name compiles (omicron prints as ``o``).
"""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from pathlib import Path

import numpy
import pytest
import sympy
from tools import assert_katex_ok, compile_latex
from typer.testing import CliRunner

from symdil import Conv, SymdilError, derive
from symdil.cli import app
from symdil.core.spec import DERIVATION_NAMES, GREEK

CASES = [
    Conv(7, 2),
    Conv(9, [1, -2, 1], dilation=2, padding="same"),
    Conv("n", 3, stride=2),
    Conv((5, 4), (3, 2), in_channels=2, out_channels=2, groups=2),
    Conv(5, 3, stride=2, transposed=True, padding=1),
]


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("op", CASES, ids=repr)
def test_copy_deepcopy_pickle(op: Conv) -> None:
    for clone in (copy.copy(op), copy.deepcopy(op), pickle.loads(pickle.dumps(op))):
        assert clone == op and hash(clone) == hash(op) and repr(clone) == repr(op)
    if not op.symbolic:
        rows = op.rows  # cached read-only mappings must not end up in the pickled state
        clone = pickle.loads(pickle.dumps(op))
        assert clone.rows == rows and clone.matrix == op.matrix


def _nonzeros(op: Conv) -> int:
    return op.nonzeros


def test_multiprocessing_pool() -> None:
    ops = [Conv(n, 3, dilation=2) for n in (5, 6, 7)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        assert pool.map(_nonzeros, ops) == [op.nonzeros for op in ops]


def test_equality_is_of_the_resolved_operator() -> None:
    assert Conv(7, 2) == Conv(numpy.int64(7), 2) == Conv(7, numpy.int32(2))
    assert repr(Conv(numpy.int64(7), 2)) == repr(Conv(7, 2))
    same, numbers = Conv(7, 3, padding="same"), Conv(7, 3, padding=1)
    assert same == numbers and hash(same) == hash(numbers)
    assert Conv(8, 4, padding="same") == Conv(8, 4, padding=(1, 2))
    assert Conv(8, 4, padding="same") != Conv(8, 4, padding=(2, 1))
    assert Conv(7, 3, padding="full") == Conv(7, 3, padding=2)
    assert Conv(7, [1, 2]) != Conv(7, [1.0, 2])  # exact and float taps differ
    assert Conv(7, 2) != Conv(7, 2, kernel_symbol="w")
    assert Conv(7, 2) != Conv(7, 2, flip=True)
    assert Conv(7, 2).__eq__("Conv(7, 2)") is NotImplemented
    assert len({Conv(7, 3, padding="same"), Conv(7, 3, padding=1), Conv(7, 3)}) == 2


def test_numpy_taps_are_accepted() -> None:
    op = Conv(numpy.int64(6), numpy.array([1, -2, 1]), stride=numpy.int64(2))
    assert op == Conv(6, [1, -2, 1], stride=2)
    assert op.kernel == (1, -2, 1) and all(isinstance(tap, sympy.Integer) for tap in op.kernel)
    floats = Conv(5, numpy.array([0.5, 0.25]))
    assert floats.kernel == (sympy.Float(0.5), sympy.Float(0.25))
    nd = Conv((4, 4), numpy.array([[1, 2], [3, 4]]))
    assert nd.kernel == (1, 2, 3, 4)


@pytest.mark.parametrize("tap", [sympy.true, sympy.false, sympy.Eq(sympy.Symbol("x"), 1),
                                 sympy.Symbol("x") < 1, sympy.Interval(0, 1),
                                 sympy.Matrix([1, 2]), sympy.FiniteSet(1)], ids=str)
def test_non_expression_taps_are_refused(tap) -> None:
    with pytest.raises(SymdilError, match="kernel taps must be numbers or SymPy expressions"):
        Conv(5, [1, tap])


@pytest.mark.parametrize(("kernel", "message"), [
    (3.0, "kernel 3.0 is ambiguous: write 3 for 3 taps (the kernel size), or [3.0] for one tap "
          "of value 3.0"),
    (numpy.float64(2.0), "kernel 2.0 is ambiguous: write 2 for 2 taps"),
    (0.5, "for one tap of value 0.5 write [0.5]"),
    (sympy.Float(3.0), "is ambiguous: write 3 for 3 taps"),
])
def test_float_kernel_api(kernel, message) -> None:
    with pytest.raises(SymdilError) as error:
        Conv(5, kernel)
    assert message in str(error.value)


def test_float_kernel_cli_and_build_file(tmp_path: Path) -> None:
    result = run("matrix", "--n", "5", "--kernel", "3.0")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: --kernel 3.0 is ambiguous: write 3 for 3 taps (the kernel size), or 3.0, for "
        "one tap of value 3.0")
    one_tap = run("matrix", "--n", "5", "--kernel", "3.0,", "--format", "json")
    assert one_tap.exit_code == 0 and '"shape": [5, 5]' in one_tap.stdout
    three = run("matrix", "--n", "5", "--kernel", "3", "--format", "json")
    assert '"shape": [3, 5]' in three.stdout
    build = tmp_path / "b.toml"
    build.write_text('[[derivation]]\nname = "x"\nn = 5\nkernel = 3.0\n')
    result = run("build", str(build))
    assert result.exit_code == 2
    assert "is ambiguous: write 3 for 3 taps (the kernel size), or [3.0] for one tap" in (
        result.stderr)
    assert not list(tmp_path.glob("x.*"))


@pytest.mark.parametrize("name", [*DERIVATION_NAMES, "pi", "E", "I", "oo", "nan", "zoo", "N",
                                  "S", "beta", "gamma"])
def test_symbolic_length_colliding_names_are_refused(name: str) -> None:
    with pytest.raises(SymdilError, match="^n must not be"):
        Conv(name, 3)
    result = run("derive", "--n", name, "--kernel", "3")
    assert result.exit_code == 2 and result.stderr.startswith("Error: n must not be")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["a", "k", "y"])
def test_symbolic_length_named_like_a_symbol_is_refused(name: str) -> None:
    with pytest.raises(SymdilError, match="n must differ from the input, kernel and output"):
        Conv(name, 3)
    assert Conv("L", 3).axes[0].n.name == "L"


def test_omicron_and_o_cannot_both_be_used() -> None:
    with pytest.raises(SymdilError, match="must be different"):
        Conv(5, 2, input_symbol="o", kernel_symbol="omicron")


def test_every_greek_name_compiles_and_parses() -> None:
    """Every Greek name symdil accepts, as kernel and as input symbol, through pdflatex (one
    document) and KaTeX: LaTeX has no \\omicron, so omicron prints as o."""
    snippets, markdown = [], []
    for name in GREEK:
        op = Conv(5, 2, dilation=2, kernel_symbol=name,
                  input_symbol="x" if name != "xi" else "b")
        snippets.append(derive(op))
        markdown.append(derive(op, fmt="markdown"))
        assert "\\omicron" not in snippets[-1]
    other = Conv(5, 2, input_symbol="omicron")
    snippets.append(derive(other))
    markdown.append(derive(other, fmt="markdown"))
    compile_latex("\n\\clearpage\n".join(snippets), standalone=False)
    assert_katex_ok(*markdown)
