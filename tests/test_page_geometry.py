"""Pages as Chromium draws them (issue 19): measured by geometry in headless Chromium, not by
markup.  On derivation, handout, stack and figure pages of 1-D, 2-D, 3-D, channel, transposed
operators and every padding mode:

* the handout's fill-in boxes and the block lines of partitioned matrices are painted borders
  (element boxes with a non-zero border), as many as the LaTeX of the same page draws;
* no two text boxes overlap (MathML tokens, SVG text, lines of prose; ``getBoundingClientRect``);
* every bracket is as tall as its own matrix, not as the tallest thing beside it;
* a unary minus sits against its operand (prefix spacing), a binary one has room on both sides.

The measurements are made by ``page_geometry.js`` in the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import CHROMIUM, SKIP_REASON, Page
from typer.testing import CliRunner

from symdil.cli import app

GEOMETRY = (Path(__file__).parent / "page_geometry.js").read_text()

#: (name, command line): derivations, figures inlined, a handout and a stack page.
PAGES = [
    ("seed", ["derive", "--n", "7", "--kernel", "2", "--dilation", "2", "--figures"]),
    ("causal", ["derive", "--n", "8", "--kernel", "3", "--padding", "causal", "--figures"]),
    ("strided_2d", ["derive", "--n", "4,4", "--kernel", "2,2", "--stride", "2,2", "--figures"]),
    ("padded_2d", ["derive", "--n", "5,5", "--kernel", "3,3", "--stride", "2,2", "--padding",
                   "1", "--figures"]),
    ("whole_2d", ["derive", "--n", "4,4", "--kernel", "2,2", "--stride", "2,2", "--max-cols",
                  "16", "--width", "page"]),
    ("3d", ["derive", "--n", "3,3,3", "--kernel", "2,2,2"]),
    ("channels", ["derive", "--n", "6", "--kernel", "3", "--in-channels", "2",
                  "--out-channels", "2", "--figures"]),
    ("transposed", ["derive", "--n", "5", "--kernel", "3", "--stride", "2", "--transposed",
                    "--figures"]),
    ("circular", ["derive", "--n", "8", "--kernel", "3", "--padding", "same",
                  "--padding-mode", "circular", "--figures"]),
    ("reflect", ["derive", "--n", "8", "--kernel", "3", "--dilation", "2", "--padding", "same",
                 "--padding-mode", "reflect", "--figures"]),
    ("replicate", ["derive", "--n", "8", "--kernel", "3", "--padding", "2",
                   "--padding-mode", "replicate", "--figures"]),
    ("handout", ["handout", "--seed", "3"]),
    ("handout_key", ["handout", "--seed", "11", "--solutions"]),
    ("stack", ["stack", "--n", "16", "--wavenet", "3"]),
]


def _run(args: list[str], out: Path) -> None:
    result = CliRunner().invoke(app, args + ["-o", str(out)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("pages")
    out = {}
    for name, args in PAGES:
        html, tex = folder / f"{name}.html", folder / f"{name}.tex"
        _run(args + ["--format", "html"], html)
        _run([a for a in args if a != "--figures"] + ["--format", "latex"], tex)
        with Page(html) as page:
            out[name] = (page.evaluate(GEOMETRY), tex.read_text(), page.errors)
    return out


def _array_lines(tex: str) -> int:
    """Arrays in the LaTeX that draw a vertical line (``c|c`` in the column spec)."""
    return sum(1 for spec in re.findall(r"\\begin\{array\}\{([^{}]*)\}", tex) if "|" in spec)


pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON)


@pytest.mark.parametrize("name", [name for name, _ in PAGES])
def test_no_text_boxes_overlap(measured, name):
    geometry, _, errors = measured[name]
    assert not errors
    assert geometry["textCount"] > 50  # the page was measured, not empty
    assert geometry["overlapCount"] == 0, geometry["overlaps"][:3]


@pytest.mark.parametrize("name", [name for name, _ in PAGES])
def test_brackets_as_tall_as_their_matrix(measured, name):
    geometry, _, _ = measured[name]
    assert geometry["brackets"], "no bracketed matrix on the page"
    for pair in geometry["brackets"]:
        for side in ("left", "right"):
            # a stretched bracket is its matrix's height; a short one the next glyph size up
            # (one step: under 10 px at 16 px type), never the height of its neighbours
            assert abs(pair[side] - pair["table"]) <= max(10.0, 0.1 * pair["table"]), pair


@pytest.mark.parametrize("name", [name for name, _ in PAGES])
def test_block_lines_are_painted(measured, name):
    """Every array the LaTeX draws with vertical lines has painted vertical borders in the
    browser, and each line runs down (nearly) the whole table."""
    geometry, tex, _ = measured[name]
    tables: dict[int, list] = {}
    for box in geometry["painted"]:
        if box["tag"] == "mtd" and "right" in box["sides"]:
            tables.setdefault(box["table"], []).append(box)
    assert len(tables) >= _array_lines(tex)
    for boxes in tables.values():
        columns: dict[int, float] = {}
        for box in boxes:
            columns[round(box["x"] + box["w"])] = columns.get(round(box["x"] + box["w"]),
                                                              0.0) + box["h"]
        tallest = max(columns.values())
        assert all(height >= 0.9 * tallest for height in columns.values()), columns


@pytest.mark.parametrize("name", ["handout", "handout_key"])
def test_fill_in_boxes_are_painted(measured, name):
    """As many boxes with four painted sides as the LaTeX handout has ``\\boxed``."""
    geometry, tex, _ = measured[name]
    boxes = [box for box in geometry["painted"] if len(box["sides"]) == 4
             and box["tag"] != "mtd" and box["w"] > 5 and box["h"] > 5]
    expected = tex.count(r"\boxed{")
    assert expected > 0
    assert len(boxes) == expected


@pytest.mark.parametrize("name", ["causal", "circular", "reflect", "handout"])
def test_unary_minus_is_a_prefix(measured, name):
    geometry, _, _ = measured[name]
    assert geometry["minus"]["unary"], "no unary minus measured"
    assert max(geometry["minus"]["unary"]) < 2.0
    assert all(gap > 2.0 for gap in geometry["minus"]["binary"])
