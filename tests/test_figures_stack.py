"""The stack figure read back: its dependency tree is the layers' rows (each layer against the
independent reference), its leaves are the output's receptive region."""

from __future__ import annotations

import importlib.util

import pytest
import sympy
from figure_tools import svg_items, tikz_items
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import reference

pytestmark = pytest.mark.skipif(importlib.util.find_spec("symdil.stack.model") is None,
                                reason="symdil.stack (the Stack issue) is not in this checkout")


def _stack(n, layers):
    from symdil.stack.model import Stack

    return Stack(n, layers)


def _tree_edges(items):
    """(layer, row, col) -> taps of every dependency edge."""
    return {(ids["layer"], ids["row"], ids["col"]): ids["taps"]
            for kind, role, ids, _ in items if kind == "edge" and role == "dependency"}


def check_tree(stack, at, width=None):
    from symdil.figures import to_svg, to_tikz
    from symdil.figures.stack import stack_figure

    drawn = stack_figure(stack, at, width)
    for items in (svg_items(to_svg(drawn)), tikz_items(to_tikz(drawn))):
        edges = _tree_edges(items)
        # walk the tree top down with the reference matrices of the layers
        rows = {at}
        for level in range(len(stack.layers), 0, -1):
            layer = stack.layers[level - 1]
            axis = layer.axes[0]
            ref = reference(axis.n, axis.kernel_size, axis.stride, axis.dilation,
                            (axis.pad_before, axis.pad_after), axis.padding_mode, axis.flip)
            below = set()
            for row in rows:
                expected = {c: v for c, v in enumerate(ref.matrix[row]) if v != 0}
                drawn_cols = {c: taps for (lv, r, c), taps in edges.items()
                              if lv == level and r == row}
                assert set(drawn_cols) == set(expected), (level, row)
                for c, taps in drawn_cols.items():
                    total = sympy.Add(*[ref.kernel[t] for t in taps])
                    assert sympy.expand(total - expected[c]) == 0
                below |= set(expected)
            rows = below
        leaves = rows
        region = stack.receptive_field_region(at)
        n = stack.input_shape[-1]
        if region is not None and region[0] >= 0 and region[1] < n and all(
                layer.axes[0].padding_mode == "zeros" for layer in stack.layers):
            # every input of the region is read (no tap skips past a hole of the tree)
            assert min(leaves) >= region[0] and max(leaves) <= region[1]
        brackets = [ids for kind, role, ids, _ in items if role == "bracket"]
        if region is not None:
            assert brackets and (brackets[0]["from"], brackets[0]["to"]) == tuple(region)


def test_wavenet_tree():
    stack = _stack(16, [dict(kernel=2, dilation=d, padding="causal") for d in (1, 2, 4, 8)])
    check_tree(stack, 15)
    from symdil.figures import to_svg
    from symdil.figures.stack import stack_figure

    svg = to_svg(stack_figure(stack))
    assert "receptive field of the output: 16 samples" in svg
    leaves = {ids["col"] for kind, role, ids, _ in svg_items(svg)
              if role == "dependency" and ids["layer"] == 1}
    assert leaves == set(range(16))


def test_stack_figure_drawn_for_a_width():
    # a handout's stack (level 3): 29 units wide drawn freely, its input row elided and its
    # nodes closer together for the handout's 17 cm (17.9 units), the tree unchanged
    from symdil.figures import stack_figure as in_points
    from symdil.figures.stack import stack_figure
    from symdil.figures.tikz import UNIT_POINTS

    stack = _stack(24, [dict(kernel=3, stride=2, padding="same"), dict(kernel=3, padding="same"),
                        dict(kernel=2, dilation=2, stride=2, padding="causal")])
    assert stack_figure(stack).width > 25
    assert stack_figure(stack, width=17.9).width <= 17.9
    assert in_points(stack, width=17.9 * UNIT_POINTS).width <= 17.9
    check_tree(stack, 5, 17.9)
    check_tree(stack, 5, 8.0)  # nothing fits a column: the narrowest drawing, still right


@st.composite
def stacks(draw):
    count = draw(st.integers(1, 3))
    layers = []
    for _ in range(count):
        layers.append(dict(kernel=draw(st.integers(1, 3)), stride=draw(st.integers(1, 2)),
                           dilation=draw(st.integers(1, 3)),
                           padding=draw(st.sampled_from(["causal", "same", 0, 1]))))
    return draw(st.integers(8, 40)), layers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stacks(), st.integers(0, 100), st.sampled_from([None, 8.0, 17.9]))
def test_stack_tree_matches_reference(spec, at, width):
    from symdil import SymdilError

    n, layers = spec
    try:
        stack = _stack(n, layers)
    except SymdilError:
        return
    m = stack.layers[-1].axes[0].output_length
    try:
        check_tree(stack, min(at, m - 1), width)  # elided or closer for a width: still right
    except SymdilError as error:
        assert "at most" in str(error)  # a tree too large to draw is refused, not drawn wrong


def test_stack_figure_compiles_and_is_plain_svg(tmp_path):
    import shutil
    import xml.etree.ElementTree as ET

    from symdil.figures import stack_figure, tikz_document, to_svg
    from symdil.render.environment import compile_pdf

    stack = _stack(16, [dict(kernel=2, dilation=d, padding="causal") for d in (1, 2, 4, 8)])
    svg = to_svg(stack_figure(stack))
    assert svg == to_svg(stack_figure(stack))
    root = ET.fromstring(svg.encode())
    assert root.get("version") == "1.1" and "script" not in svg
    if shutil.which("pdflatex"):
        assert compile_pdf(tikz_document(stack_figure(stack))).startswith(b"%PDF")


def test_stack_figure_refusals():
    from symdil import SymdilError
    from symdil.figures import stack_figure

    with pytest.raises(SymdilError, match="at most 40 nodes"):
        stack_figure(_stack(4096, [dict(kernel=2, dilation=2 ** i, padding="causal")
                                   for i in range(8)]))
    with pytest.raises(SymdilError, match="output index"):
        stack_figure(_stack(8, [dict(kernel=2)]), at=7)
    with pytest.raises(SymdilError, match="one channel"):
        stack_figure(_stack(8, [dict(kernel=2, out_channels=2)]))


def test_stack_cli_figure(tmp_path):
    from typer.testing import CliRunner

    from symdil.cli import app

    runner = CliRunner()
    target = tmp_path / "w.svg"
    result = runner.invoke(app, ["stack", "--n", "16", "--wavenet", "4", "-f", "markdown",
                                 "-o", str(tmp_path / "w.md"), "--figure", str(target)])
    assert result.exit_code == 0, result.output
    edges = _tree_edges(svg_items(target.read_text()))
    assert {col for (layer, _, col) in edges if layer == 1} == set(range(16))
    result = runner.invoke(app, ["stack", "--n", "16", "--wavenet", "4", "--figure",
                                 str(tmp_path / "w.tex")])
    assert result.exit_code == 0 and "\\begin{tikzpicture}" in (tmp_path / "w.tex").read_text()
    result = runner.invoke(app, ["stack", "--n", "16", "--wavenet", "4", "--figure",
                                 str(tmp_path / "w.png")])
    assert result.exit_code == 2 and "--figure" in result.output
