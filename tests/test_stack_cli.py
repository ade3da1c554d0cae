"""``symdil stack``, the stack document (pdflatex, KaTeX, statements against the reference), and
``[[stack]]`` build entries."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from reference import reference
from tools import assert_katex_ok, compile_latex, pdf_text
from typer.testing import CliRunner

from symdil import Stack, SymdilError
from symdil.build.file import BuildFileError
from symdil.build.run import build
from symdil.cli import app
from symdil.stack.checks import verify_stack
from symdil.stack.document import StackDocument
from symdil.stack.statements import StackEvidence, stack_statements

sys.path.insert(0, str(Path(__file__).parent))
from test_stack import stacks  # noqa: E402

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


# ----- the command ----------------------------------------------------------------------------
def test_wavenet_shorthand_text() -> None:
    result = run("stack", "--n", "32", "--wavenet", "4")
    assert result.exit_code == 0, result.output
    assert "receptive field:   16" in result.output
    assert "effective padding: (15, 0) (before, after)" in result.output
    assert "region of the first output: (-15, 0)" in result.output
    assert "single convolution: stride 1, padding (15, 0), 16 composed taps" in result.output
    titled = run("stack", "--n", "8", "--wavenet", "2", "-f", "markdown", "--standalone",
                 "--title", "Two *layers*")
    assert titled.exit_code == 0 and titled.output.startswith("# Two \\*layers\\*\n")
    assert "--title applies" in run("stack", "--n", "8", "--wavenet", "2", "--title", "x").output


def test_layers_and_shorthands_agree() -> None:
    by_layer = run("stack", "--n", "16", "-f", "json", *[arg for d in (1, 2, 4) for arg in (
        "--layer", f"kernel=2 dilation={d} padding=causal")])
    by_dilations = run("stack", "--n", "16", "-f", "json", "--dilations", "1,2,4")
    by_wavenet = run("stack", "--n", "16", "-f", "json", "--wavenet", "3")
    assert by_layer.exit_code == 0, by_layer.output
    assert by_layer.output == by_dilations.output == by_wavenet.output
    data = json.loads(by_layer.output)
    assert data["receptive_field"] == 8 and data["effective_padding"] == [7, 0]
    assert [row["receptive_field"] for row in data["layers"]] == [2, 4, 8]


def test_json_matches_the_api_for_a_strided_transposed_stack() -> None:
    result = run("stack", "--n", "12", "-f", "json", "-l", "k=3 s=2 p=1 out=2",
                 "-l", "k=2 d=2 groups=2 out=2", "-l", "k=3 s=2 transposed p=1 output_padding=1")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    net = Stack(12, [dict(kernel=3, stride=2, padding=1, out_channels=2),
                     dict(kernel=2, dilation=2, groups=2, out_channels=2),
                     dict(kernel=3, stride=2, transposed=True, padding=1, output_padding=1)])
    assert data["receptive_field"] == net.receptive_field == 9
    assert data["region_last"] == list(net.receptive_field_region(7))
    assert data["single_conv"]["exists"] is False
    assert "transposed" in data["single_conv"]["reason"]


def test_verify_against_torch_and_exit_codes() -> None:
    pytest.importorskip("torch", reason="PyTorch not installed (pip install torch)")
    result = run("stack", "--n", "10", "--dilations", "1,2", "--kernel", "3", "--padding",
                 "same", "--verify", "--against", "torch", "-f", "json")
    assert result.exit_code == 0, result.output
    checks = {c["name"]: c for c in json.loads(result.output)["verification"]["checks"]}
    assert set(checks) == {"product", "receptive_field", "single_conv", "numeric",
                           "numeric_torch", "stack_general_case"}
    assert all(c["passed"] for c in checks.values())
    assert "border rows differ" in checks["single_conv"]["detail"]


@pytest.mark.parametrize("args, message", [
    (("--wavenet", "3", "--layer", "k=2"), "exactly one of these"),
    (("--layer", "kernel=3 strid=2"), "--layer 1 must be key=value items"),
    (("--layer", "stride=2"), "--layer 1 needs kernel=K"),
    (("--layer", "k=3", "--layer", "k=2 mode=mirror"), "--layer 2: mode must be one of"),
    (("--layer", "k=3", "--layer", "k=4"), "layer 2: kernel span d(K-1)+1 = 4 exceeds"),
    (("--wavenet", "0"), "--wavenet must be a number of layers from 1 to 30, got 0"),
    (("--wavenet", "2", "--against", "torch"), "--against torch applies with --verify"),
])
def test_bad_input_is_one_error_line(args, message) -> None:
    result = run("stack", "--n", "5", *args)
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and message in result.output
    assert result.output.count("\n") == 1


# ----- documents ------------------------------------------------------------------------------
CASES = {
    "wavenet": (32, [dict(kernel=2, dilation=d, padding="causal") for d in (1, 2, 4, 8)]),
    "same": (12, [dict(kernel=3, dilation=d, padding="same") for d in (1, 2)]),
    "transposed": (9, [dict(kernel=3, stride=2, padding=1),
                       dict(kernel=3, stride=2, transposed=True, padding=1)]),
    "channels 2-D": ((5, 5), [dict(kernel=(2, 2), out_channels=2),
                              dict(kernel=3, padding="same", groups=2, out_channels=2)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_documents_compile_and_parse(name) -> None:
    net = Stack(*CASES[name])
    report = verify_stack(net)
    assert report.passed
    document = StackDocument(net)
    latex = document.render("latex", True, report)
    markdown = document.render("markdown", True, report)
    text = pdf_text(compile_latex(latex))
    assert "Receptive field" in text and "Verification" in text
    assert_katex_ok(markdown)
    assert latex == StackDocument(Stack(*CASES[name])).render("latex", True, report)


def test_symdil_verify_takes_a_stack() -> None:
    import symdil

    report = symdil.verify(Stack(*CASES["same"]))
    assert report.passed
    assert [c.name for c in report.checks] == ["product", "receptive_field", "single_conv",
                                               "numeric", "stack_general_case"]
    with pytest.raises(SymdilError, match="not a stack"):
        symdil.verify(Stack(*CASES["same"]), claim_text="a")


def test_wavenet_document_says_the_numbers() -> None:
    markdown = StackDocument(Stack(*CASES["wavenet"])).render("markdown")
    assert ("r &= 1 + \\sum_{l=1}^{4} d_l (K_l - 1) J_l \\\\\n"
            "&= 1 + 1 \\cdot 1 \\cdot 1 + 2 \\cdot 1 \\cdot 1 + 4 \\cdot 1 \\cdot 1 \\\\\n"
            "&\\quad + 8 \\cdot 1 \\cdot 1 \\\\\n&= 16") in markdown
    assert "[u_i, v_i] = [i - 15,\\ i - 15 + 15]" in markdown
    assert "output $y_{0}$ reads the input region $[-15, 0]$" in markdown
    assert "C(z) = K_{1}\\!\\left(z^{1}\\right) K_{2}\\!\\left(z^{2}\\right)" in markdown


# ----- statements against the independent reference -------------------------------------------
def _reference_evidence(net: Stack) -> StackEvidence:
    """The statements' evidence built from tests/reference.py's dense layer matrices."""
    layer_rows, shapes = [], []
    product = None
    for layer in net.layers:
        ax = layer.axes
        ref = reference(tuple(a.n for a in ax) if layer.ndim > 1 else ax[0].n,
                        kernel=tuple(a.kernel_size for a in ax) if layer.ndim > 1
                        else ax[0].kernel_size,
                        stride=tuple(a.stride for a in ax), dilation=tuple(a.dilation for a in ax),
                        padding=[(a.pad_before, a.pad_after) for a in ax] if layer.ndim > 1
                        else (ax[0].pad_before, ax[0].pad_after),
                        padding_mode=ax[0].padding_mode, flip=layer.flip,
                        transposed=layer.transposed,
                        output_padding=tuple(a.output_padding for a in ax),
                        in_channels=layer.in_channels, out_channels=layer.out_channels,
                        groups=layer.groups, kernel_values=list(layer.kernel))
        matrix = sympy.Matrix(ref.matrix)
        product = matrix if product is None else matrix * product
        layer_rows.append([{c: v for c, v in enumerate(row) if v != 0} for row in ref.matrix])
        shapes.append((ref.input_shape, ref.output_shape))
    rows = [{c: product[r, c] for c in range(product.cols) if sympy.expand(product[r, c]) != 0}
            for r in range(product.rows)]
    return StackEvidence(rows, shapes[0][0], shapes[-1][1], layer_rows, shapes)


@settings(max_examples=40)
@given(stacks(1))
def test_every_statement_holds_on_the_reference(case) -> None:
    try:
        net = Stack(*case)
    except SymdilError:
        return
    evidence = _reference_evidence(net)
    for statement in stack_statements(net):
        assert statement.holds(evidence), statement


def test_a_wrong_statement_is_caught() -> None:
    net = Stack(*CASES["wavenet"])
    evidence = StackEvidence.of(net)
    statements = stack_statements(net)
    field = next(s for s in statements
                 if s.kind == "stack_receptive_field" and s.params["upto"] == 4)
    assert field.holds(evidence)
    wrong = type(field)(field.kind, {**field.params, "r": 15})
    assert not wrong.holds(evidence)
    wrong = type(field)(field.kind, {**field.params, "before": 14})
    assert not wrong.holds(evidence)
    region = next(s for s in statements if s.kind == "stack_region")
    wrong = type(region)("stack_region", {**region.params, "region": ((-14, 0),)})
    assert not wrong.holds(evidence)
    single = next(s for s in statements if s.kind == "stack_single_conv")
    assert not type(single)("stack_single_conv", {**single.params, "border": (3,)}).holds(evidence)


# ----- build files ----------------------------------------------------------------------------
def test_build_entries(tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text(textwrap.dedent("""
        [defaults]
        formats = ["latex", "markdown"]

        [[stack]]
        name = "wavenet"
        n = 32
        wavenet = 4
        verify = true

        [[stack]]
        name = "enc"
        n = 12
        layers = [{kernel = 3, stride = 2, padding = 1}, {kernel = [0.5, "1/2"], padding = [1, 0]}]
    """))
    build(path, tmp_path / "out")
    net = Stack(*CASES["wavenet"])
    want = StackDocument(net).render("markdown", False, verify_stack(net))
    assert (tmp_path / "out" / "wavenet.md").read_text() == want
    # the exact taps 0.5 and "1/2" reach the composed kernel as halves
    assert r"c_{3} &= \frac{1}{2} k^{(1)}_{1}" in (tmp_path / "out" / "enc.tex").read_text()


def test_build_problems_name_entry_and_layer(tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text(textwrap.dedent("""
        [[stack]]
        name = "bad"
        n = 4
        layers = [{kernel = 3, strid = 2}]

        [[stack]]
        name = "both"
        n = 4
        wavenet = 2
        layers = [{kernel = 2}]

        [[stack]]
        name = "short"
        n = 4
        layers = [{kernel = 3}, {kernel = 3}]
    """))
    with pytest.raises(BuildFileError) as caught:
        build(path, tmp_path / "out")
    problems = caught.value.problems
    assert any('stack[1] "bad": layers[1]: unknown key \'strid\'' in p for p in problems)
    assert any('stack[2] "both": give \'layers\'' in p for p in problems)
    assert any('stack[3] "short": layer 2: kernel span' in p for p in problems)
    assert not (tmp_path / "out").exists()
