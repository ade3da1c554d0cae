"""Figures read back (SVG through xml.etree, TikZ through its comments) and compared with the
independent reference (tests/reference.py) over random configurations; writers' invariants."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
import sympy
from figure_tools import SVG, drawn_rows, svg_items, tikz_items
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import Invalid, padded_sources, reference

from symdil import Conv, SymdilError
from symdil.figures import figure, to_svg, to_tikz
from symdil.figures.tikz import UNIT_POINTS
from symdil.layout.elision import DEFAULT_MAX_COLS, DEFAULT_MAX_ROWS, MARKER, matrix_layout

MODES = ("zeros", "circular", "reflect", "replicate")
WORDS = ("valid", "same", "full", "causal")
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _nest(flat: list, shape: tuple[int, ...]) -> list:
    if len(shape) == 1:
        return list(flat)
    step = math.prod(shape[1:])
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def build(params: dict):
    """(Conv, Reference) for a configuration both accept; None when the reference refuses it."""
    params = dict(params)
    values = params.pop("kernel_values", None)
    try:
        ref = reference(**params, kernel_values=values)
    except Invalid:
        return None
    conv_params = dict(params)
    if values is not None:
        ndim = len(params["n"]) if isinstance(params["n"], tuple) else 1
        sizes = params["kernel"] if isinstance(params["kernel"], tuple) else (
            params["kernel"],) * ndim
        c_in, c_out, g = (params.get(x, 1) for x in ("in_channels", "out_channels", "groups"))
        lead = (c_in, c_out // g) if params.get("transposed") else (c_out, c_in // g)
        conv_params["kernel"] = _nest(values, lead + tuple(sizes)) if (
            ndim > 1 or lead != (1, 1)) else values
    return Conv(**conv_params), ref


def both_formats(drawn):
    svg, tikz = to_svg(drawn), to_tikz(drawn)
    return svg_items(svg), tikz_items(tikz)


def _same(x, y) -> bool:
    return sympy.expand(sympy.sympify(x) - sympy.sympify(y)) == 0


def assert_taps_are_rows(items, ref, kind="cell", role="tap") -> set[int]:
    """Every drawn output's taps, summed per column, are the reference row; every kernel index
    of a channel appears exactly once.  Returns the rows drawn."""
    rows = drawn_rows(items, role, kind)
    taps_per_output = math.prod(ref.kernel_shape[2:])
    for row, by_col in rows.items():
        drawn = {c: sympy.Add(*[ref.kernel[t] for t in taps]) for c, taps in by_col.items()
                 if c is not None}
        drawn = {c: v for c, v in drawn.items() if not _same(v, 0)}
        expected = {c: v for c, v in enumerate(ref.matrix[row]) if not _same(v, 0)}
        assert drawn.keys() == expected.keys(), (row, drawn, expected)
        assert all(_same(drawn[c], expected[c]) for c in drawn)
        every = sorted(t for taps in by_col.values() for t in taps)
        assert every == list(range(taps_per_output)), (row, every)
    return set(rows)


def _label_name(symbol) -> str:
    """What a symbol's drawn label reads as plain text: ``a_{1,2}`` -> ``a1,2``."""
    return re.sub(r"[_{}]", "", str(symbol))


# ----- window, 1-D -------------------------------------------------------------------------


@st.composite
def window_1d(draw) -> dict:
    n = draw(st.integers(1, 30))
    kernel = draw(st.integers(1, 5))
    stride = draw(st.integers(1, 3))
    dilation = draw(st.integers(1, 4))
    params = dict(n=n, kernel=kernel, stride=stride, dilation=dilation, flip=draw(st.booleans()))
    if draw(st.integers(0, 2)) == 0:
        params["transposed"] = True
        params["padding"] = draw(st.integers(0, 4))
        params["output_padding"] = draw(st.integers(0, max(stride, dilation) - 1))
    else:
        params["padding"] = draw(st.integers(0, 5) | st.tuples(st.integers(0, 5),
                                                                st.integers(0, 5))
                                 | st.sampled_from(WORDS))
        params["padding_mode"] = draw(st.sampled_from(MODES))
    if draw(st.booleans()):
        params["kernel_values"] = draw(st.lists(st.integers(-3, 3), min_size=kernel,
                                                max_size=kernel))
    return params


def _narrowest_pair(op, at) -> float:
    """The width (units) of the narrowest window figure of the two outputs drawn from ``at``."""
    from symdil.figures.window import LIMIT_1D, MIN_LIMIT, _focus, _window_1d

    first, second = _focus(op, at)
    return min(_window_1d(op, [first[0], second[0]], limit).width
               for limit in range(LIMIT_1D, MIN_LIMIT - 1, -1))


@SETTINGS
@given(window_1d(), st.integers(0, 40))
def test_window_1d_matches_reference(params, at):
    built = build(params)
    if built is None:
        return
    op, ref = built
    m = op.output_length
    at = min(at, m - 1)
    drawn = figure(op, "window", at=at)
    svg, tikz = both_formats(drawn)
    for items in (svg, tikz):
        rows = assert_taps_are_rows(items, ref)
        assert at in rows and 1 <= len(rows) <= min(2, m)
        if len(rows) < min(2, m):  # the first output alone: two do not fit a column, however elided
            assert _narrowest_pair(op, at) * UNIT_POINTS > 229.5
        # 1-D: the arrows say the same as the tap cells
        assert drawn_rows(items, "tap", "edge") == drawn_rows(items, "tap", "cell")
        focus = {ids["row"] for kind, role, ids, _ in items if role == "output" and "focus" in ids}
        assert focus == rows
    # every input-view cell holds what the padded (or zero-inserted) input holds there
    axis = op.axes[0]
    if op.transposed:
        offset = axis.dilation * (axis.kernel_size - 1) - axis.pad_before
        source = {offset + i * axis.stride: i for i in range(axis.n)}
    else:
        source = dict(enumerate(padded_sources(axis.n, *op.padding, axis.padding_mode)))
    cells = [(role, ids, text) for kind, role, ids, text in svg
             if kind == "cell" and "pos0" in ids]
    assert cells
    for _role, ids, text in cells:
        expected = source.get(ids["pos0"])
        assert ids.get("col") == expected, (ids, expected)
        if expected is None:
            assert text == "0"
        else:
            assert text == _label_name(ref.input[expected])


def test_window_seed_example():
    op = Conv(7, 2, dilation=2)
    items = svg_items(to_svg(figure(op, "window")))
    assert drawn_rows(items) == {0: {0: [0], 2: [1]}, 1: {1: [0], 3: [1]}}
    labels = {ids["col"]: text for kind, role, ids, text in items
              if kind == "cell" and role in ("input", "tap")}
    assert labels == {j: f"a{j}" for j in range(7)}
    notes = "".join(ET.fromstring(to_svg(figure(op, "window"))).itertext())
    assert "input" in notes and "output" in notes


def test_window_reflect_labels_the_copied_sample():
    op = Conv(8, 3, dilation=2, padding=2, padding_mode="reflect")
    items = svg_items(to_svg(figure(op, "window", at=0, width=None)))
    pads = {ids["pos0"]: text for kind, role, ids, text in items if ids.get("view") == "mode"}
    assert pads == {0: "a2", 1: "a1", 10: "a6", 11: "a5"}


def test_window_transposed_zero_insertion():
    op = Conv(5, 3, stride=2, padding=1, transposed=True)
    items = svg_items(to_svg(figure(op, "window", at=0, width=None)))
    views = {ids["pos0"]: ids["view"] for kind, role, ids, _ in items if "pos0" in ids}
    # padding d(K-1)-p = 1, then the inputs 2 apart with one zero between
    assert [views[u] for u in range(11)] == ["zero", "input", "inserted", "input", "inserted",
                                             "input", "inserted", "input", "inserted", "input",
                                             "zero"]
    # the kernel is read reversed: output 0's taps at positions 0, 1, 2 are k_2, k_1, k_0
    taps = {ids["pos0"]: ids["tap"] for kind, role, ids, _ in items
            if kind == "cell" and role == "tap" and ids["row"] == 0}
    assert taps == {0: 2, 1: 1, 2: 0}


# ----- window, 2-D ---------------------------------------------------------------------------


@st.composite
def window_2d(draw) -> dict:
    n = tuple(draw(st.integers(1, 7)) for _ in range(2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(2))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(2))
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(2))
    params = dict(n=n, kernel=kernel, stride=stride, dilation=dilation, flip=draw(st.booleans()))
    if draw(st.integers(0, 2)) == 0:
        params["transposed"] = True
        params["padding"] = tuple(draw(st.integers(0, 2)) for _ in range(2))
        params["output_padding"] = tuple(draw(st.integers(0, max(s, d) - 1))
                                         for s, d in zip(stride, dilation))
    else:
        params["padding"] = draw(st.sampled_from(WORDS) | st.integers(0, 3)
                                 | st.tuples(st.integers(0, 3), st.integers(0, 3)))
        params["padding_mode"] = draw(st.sampled_from(MODES))
    if draw(st.booleans()):
        size = math.prod(kernel)
        params["kernel_values"] = draw(st.lists(st.integers(-2, 2), min_size=size,
                                                max_size=size))
    return params


@SETTINGS
@given(window_2d())
def test_window_2d_matches_reference(params):
    built = build(params)
    if built is None:
        return
    op, ref = built
    for items in both_formats(figure(op, "window", at=0, width=None)):
        rows = assert_taps_are_rows(items, ref)
        assert 0 in rows
        windows = {ids["row"] for kind, role, ids, _ in items if role == "window"}
        assert windows == rows


# ----- matrix --------------------------------------------------------------------------------


@st.composite
def matrix_configs(draw) -> dict:
    ndim = draw(st.sampled_from([1, 1, 1, 2, 3]))
    top = {1: 40, 2: 6, 3: 3}[ndim]
    n = tuple(draw(st.integers(1, top)) for _ in range(ndim))
    kernel = tuple(draw(st.integers(1, 4 if ndim == 1 else 2)) for _ in range(ndim))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    groups = draw(st.integers(1, 2))
    in_channels = groups * draw(st.integers(1, 2))
    out_channels = groups * draw(st.integers(1, 2))
    params = dict(n=n if ndim > 1 else n[0], kernel=kernel if ndim > 1 else kernel[0],
                  stride=stride if ndim > 1 else stride[0],
                  dilation=dilation if ndim > 1 else dilation[0], flip=draw(st.booleans()),
                  in_channels=in_channels, out_channels=out_channels, groups=groups)
    if draw(st.integers(0, 2)) == 0:
        params["transposed"] = True
        params["padding"] = draw(st.integers(0, 2))
    else:
        params["padding"] = draw(st.sampled_from(WORDS) | st.integers(0, 3))
        params["padding_mode"] = draw(st.sampled_from(MODES))
    if draw(st.booleans()):
        lead = (in_channels, out_channels // groups) if params.get("transposed") else (
            out_channels, in_channels // groups)
        size = math.prod(lead + kernel)
        params["kernel_values"] = draw(st.lists(st.integers(-2, 2), min_size=size,
                                                max_size=size))
    return params


@SETTINGS
@given(matrix_configs())
def test_matrix_matches_reference(params):
    built = build(params)
    if built is None:
        return
    op, ref = built
    for items in both_formats(figure(op, "matrix", width=None)):
        entries = {(ids["row"], ids["col"]): ids["taps"] for kind, role, ids, _ in items
                   if role == "entry"}
        zeros = {(ids["row"], ids["col"]) for kind, role, ids, _ in items if role == "zero"}
        assert not entries.keys() & zeros
        shown = entries.keys() | zeros
        rows = sorted({r for r, _ in shown})
        cols = sorted({c for _, c in shown})
        assert len(shown) == len(rows) * len(cols)  # a full grid of the visible rows/columns
        for r, c in shown:
            value = ref.matrix[r][c]
            if (r, c) in zeros:
                assert _same(value, 0), (r, c, value)
                continue
            taps = entries[(r, c)]
            total = sympy.Add(*[ref.kernel[t] for t in taps])
            assert _same(total, value), (r, c, taps, value)
            assert not _same(value, 0)
        if op.ndim == 1 and op.in_channels == op.out_channels == 1:
            m, n = op.shape
            # the figure shows exactly the rows and columns of the printed matrix, at the
            # limits every printed matrix has (drawn without a width to fit)
            layout = matrix_layout(op, DEFAULT_MAX_ROWS, DEFAULT_MAX_COLS)
            assert rows == [r for r in layout.rows if r is not MARKER]
            assert cols == [c for c in layout.cols if c is not MARKER]
        # the legend names every colour used by a single-tap entry
        legend = {ids["tap"] for kind, role, ids, _ in items if role == "legend"}
        spatial = math.prod(op.kernel_shape[2:])
        used = {taps[0] % spatial for taps in entries.values() if len(taps) == 1}
        assert used <= legend


def test_matrix_seed_example():
    op = Conv(7, 2, dilation=2)
    items = svg_items(to_svg(figure(op, "matrix")))
    entries = {(ids["row"], ids["col"]): (ids["taps"], text) for kind, role, ids, text in items
               if role == "entry"}
    assert entries == {(i, i + 2 * t): ([t], f"k{t}") for i in range(5) for t in range(2)}


def test_matrix_reflect_folds_are_grey_with_both_taps():
    op = Conv(5, 3, padding=2, padding_mode="reflect")
    svg = to_svg(figure(op, "matrix"))
    items = svg_items(svg)
    folded = [(ids, text) for kind, role, ids, text in items if role == "entry"
              and len(ids["taps"]) > 1]
    assert ({"row": 1, "col": 1, "taps": [0, 2], "tap": 2}, "k0 + k2") in folded
    assert "several taps" in svg


# ----- writers -------------------------------------------------------------------------------


CASES = [
    Conv(7, 2, dilation=2),
    Conv(8, 3, dilation=2, padding=2, padding_mode="reflect"),
    Conv(5, 3, stride=2, padding=1, transposed=True),
    Conv((4, 3), (2, 2), dilation=(2, 1)),
    Conv(6, [1, -2, 1], flip=True, padding=1),
    Conv(6, [sympy.Rational(1, 2), sympy.Rational(1, 2)]),
    Conv(5, 2, input_symbol="alpha", kernel_symbol="theta"),
]


@pytest.mark.parametrize("op", CASES, ids=lambda op: repr(op)[5:40])
@pytest.mark.parametrize("kind", ["window", "matrix"])
def test_svg_is_plain_deterministic_svg11(op, kind):
    svg = to_svg(figure(op, kind))
    assert svg == to_svg(figure(op, kind))
    root = ET.fromstring(svg.encode())
    assert root.get("version") == "1.1"
    tags = {element.tag.replace(SVG, "") for element in root.iter()}
    assert tags <= {"svg", "title", "g", "rect", "circle", "text", "tspan", "line", "polygon"}
    assert "script" not in svg and "href" not in svg and " id=" not in svg
    fonts = {element.get("font-family") for element in root.iter() if element.get("font-family")}
    assert fonts <= {"serif", "sans-serif"}
    # no TeX left in the drawn text
    assert "\\" not in "".join(root.itertext())


def test_cost_does_not_grow_with_n():
    """A billion inputs: only the visible entries are built (an O(n) figure would not finish)."""
    op = Conv(10**9, 3, dilation=4, padding="same")
    window = to_svg(figure(op, "window"))
    matrix = to_svg(figure(op, "matrix"))
    assert "999999999" in matrix and len(window) < 40_000 and len(matrix) < 40_000
    big = Conv((10**5, 10**5), (3, 3), dilation=2)
    assert len(to_svg(figure(big, "window"))) < 80_000


@pytest.mark.parametrize("op, message", [
    (Conv("n", 3), "figures need a concrete n"),
    (Conv(4, 2, in_channels=2), "one channel"),
    (Conv((3, 3, 3), 2), "1-D and 2-D"),
    (Conv(40, 13), "at most 12"),
])
def test_window_refusals(op, message):
    with pytest.raises(SymdilError, match=message):
        figure(op, "window")


def test_bad_arguments():
    op = Conv(7, 2)
    with pytest.raises(SymdilError, match=r"at must be an output index in \[0, 6\), got 6"):
        figure(op, "window", at=6)
    with pytest.raises(SymdilError, match="max_rows must be an integer >= 3"):
        figure(op, "matrix", max_rows=2)
    with pytest.raises(SymdilError, match="figure kind must be one of"):
        figure(op, "pie")


# ----- issue 19: colours, focus, width, caption ---------------------------------------------


@pytest.mark.parametrize("kernel", [3, 8, 9, 12, (3, 3), (2, 5), (4, 4), (12, 12)])
def test_no_two_taps_of_a_kernel_share_a_colour(kernel):
    from symdil.figures.model import tap_colour

    count = math.prod(kernel) if isinstance(kernel, tuple) else kernel
    per_row = kernel[-1] if isinstance(kernel, tuple) else kernel
    colours = [tap_colour(t, count, per_row) for t in range(count)]
    assert len(set(colours)) == count


def test_a_3x3_kernel_has_nine_colours_in_cells_and_legend():
    # no padding: row 0 reads all nine taps within 13 columns, so the printed layout shows them
    op = Conv((5, 5), (3, 3), stride=(2, 2), padding=0)
    svg = to_svg(figure(op, "matrix", width=None))
    root = ET.fromstring(svg)
    fills: dict[int, set] = {}
    legend: dict[int, str] = {}
    for group in root.iter():
        classes = (group.get("class") or "").split()
        taps = [c for c in classes if c.startswith("tap-")]
        rect = next((child for child in group if child.tag.endswith("rect")), None)
        if group.tag.endswith("g") and len(taps) == 1 and rect is not None:
            element, tap = rect, int(taps[0][4:])
            if "legend" in classes:
                legend[tap] = element.get("fill")
            elif "entry" in classes:
                fills.setdefault(tap, set()).add(element.get("fill"))
    assert all(len(colours) == 1 for colours in fills.values())
    by_tap = {tap: next(iter(colours)) for tap, colours in fills.items()}
    assert len(set(by_tap.values())) == len(by_tap) == 9
    assert legend == by_tap


def test_default_window_focus_is_an_interior_output():
    """Causal padding: outputs 0 and 1 read padding; the default figure shows 2 and 3."""
    op = Conv(8, 3, padding="causal")
    items = svg_items(to_svg(figure(op, "window")))
    assert set(drawn_rows(items)) == {2, 3}
    # no interior output at all: the first one
    assert set(drawn_rows(svg_items(to_svg(figure(Conv(2, 3, padding=2), "window"))))) >= {0}


@pytest.mark.parametrize("kind", ["window", "matrix"])
@pytest.mark.parametrize("params", [dict(n=8, kernel=3, padding="causal"),
                                    dict(n=40, kernel=3, dilation=2),
                                    dict(n=(5, 5), kernel=(3, 3), stride=(2, 2), padding=1),
                                    dict(n=7, kernel=3, stride=2, transposed=True),
                                    # two outputs do not fit a column: the window shows one
                                    dict(n=30, kernel=3, dilation=2, stride=2)])
def test_figures_are_drawn_for_a_column(kind, params):
    from symdil.figures.tikz import UNIT_POINTS

    drawn = figure(Conv(**params), kind)
    assert drawn.width * UNIT_POINTS <= 229.5
    wide = figure(Conv(**params), kind, width=None)
    assert wide.width >= drawn.width


def test_no_caption_unless_asked():
    op = Conv((5, 5), (3, 3), stride=(2, 2), padding=1)
    plain = to_svg(figure(op, "window"))
    assert 'class="note caption"' not in plain
    captioned = figure(op, "window", caption=True)
    caption = [note for note in captioned.notes if note.role == "caption"]
    assert len(caption) == 1
    # under everything else drawn
    others = [c.y + c.h for c in captioned.cells] + [n.y for n in captioned.notes
                                                     if n.role != "caption"]
    assert caption[0].y - 0.35 > max(others)
