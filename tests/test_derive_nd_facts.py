"""The block structure of N-D and multi-channel operators (symdil.facts.block_facts) against counts
taken from the independent dense reference (tests/reference.py), for random 2-D/3-D
configurations with channels, groups, every padding form and mode, flip, transposed and numeric
kernels; and the sentences of the rendered derivation against the same counts."""

from __future__ import annotations

import re

import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st
from reference import Invalid, reference

from symdil import Conv, SymdilError
from symdil.derivation import derive
from symdil.statements.facts import basic_facts, block_facts, entry_groups

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def configs(draw, ndim=None):
    D = draw(st.sampled_from([2, 2, 2, 3])) if ndim is None else ndim
    top = 5 if D == 2 else 3
    n = tuple(draw(st.integers(1, top)) for _ in range(D))
    K = tuple(draw(st.integers(1, 3)) for _ in range(D))
    s = tuple(draw(st.integers(1, 3)) for _ in range(D))
    d = tuple(draw(st.integers(1, 3)) for _ in range(D))
    transposed = draw(st.booleans())
    flip = draw(st.booleans())
    groups = draw(st.sampled_from([1, 1, 2]))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    if transposed:
        padding = tuple(draw(st.integers(0, 2)) for _ in range(D))
        mode = "zeros"
        output_padding = tuple(draw(st.integers(0, max(s[a], d[a]) - 1)) for a in range(D))
    else:
        padding = draw(st.one_of(
            st.sampled_from(["valid", "same", "full"]),
            st.integers(0, 2),
            st.tuples(*[st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2),
                                                                 st.integers(0, 2)))
                        for _ in range(D)]),
        ))
        mode = draw(st.sampled_from(["zeros", "zeros", "circular", "reflect", "replicate"]))
        output_padding = 0
    values = None
    if draw(st.booleans()):
        taps = c_out * (c_in // groups) * _prod(K)
        values = [sympy.Integer(draw(st.sampled_from([-1, 0, 1, 2]))) for _ in range(taps)]
    return dict(n=n, K=K, s=s, d=d, padding=padding, mode=mode, flip=flip,
                transposed=transposed, output_padding=output_padding, c_in=c_in, c_out=c_out,
                groups=groups, values=values)


def _prod(values):
    result = 1
    for value in values:
        result *= value
    return result


def _nested(values, shape):
    """Flat values as nested lists of the given shape (Conv takes nested kernels)."""
    if len(shape) == 1:
        return list(values)
    size = len(values) // shape[0]
    return [_nested(values[i * size:(i + 1) * size], shape[1:]) for i in range(shape[0])]


def build(cfg):
    """(Conv, dense reference matrix) or None when the configuration is invalid."""
    lead = ((cfg["c_in"], cfg["c_out"] // cfg["groups"]) if cfg["transposed"]
            else (cfg["c_out"], cfg["c_in"] // cfg["groups"]))
    kernel = cfg["K"] if cfg["values"] is None else _nested(cfg["values"], lead + cfg["K"])
    try:
        op = Conv(cfg["n"], kernel, stride=cfg["s"], dilation=cfg["d"], padding=cfg["padding"],
                  padding_mode=cfg["mode"], flip=cfg["flip"], transposed=cfg["transposed"],
                  output_padding=cfg["output_padding"], in_channels=cfg["c_in"],
                  out_channels=cfg["c_out"], groups=cfg["groups"])
    except SymdilError:
        return None
    try:
        ref = reference(cfg["n"], cfg["K"], cfg["s"], cfg["d"], cfg["padding"], cfg["mode"],
                        cfg["flip"], cfg["transposed"], cfg["output_padding"],
                        in_channels=cfg["c_in"], out_channels=cfg["c_out"],
                        groups=cfg["groups"], kernel_values=cfg["values"])
    except Invalid:
        pytest.fail(f"Conv accepted what the reference refuses: {cfg}")
    return op, ref


def _block(matrix, r0, r1, c0, c1):
    return [row[c0:c1] for row in matrix[r0:r1]]


def _is_zero(block) -> bool:
    return all(sympy.expand(v) == 0 for row in block for v in row)


def _inner_reference(op, ref, kernel_slice):
    """The dense one-channel operator of the axes after the first, with ``kernel_slice``."""
    axes = op.axes[1:]
    return reference(tuple(a.n for a in axes), tuple(a.kernel_size for a in axes),
                     tuple(a.stride for a in axes), tuple(a.dilation for a in axes),
                     tuple((a.pad_before, a.pad_after) for a in axes)
                     if len(axes) > 1 else (axes[0].pad_before, axes[0].pad_after),
                     axes[0].padding_mode, op.flip, op.transposed,
                     tuple(a.output_padding for a in axes), kernel_values=list(kernel_slice))


@SETTINGS
@given(configs())
def test_block_facts_match_the_dense_reference(cfg):
    built = build(cfg)
    if built is None:
        return
    op, ref = built
    facts = block_facts(op)
    dense = ref.matrix
    rows, cols = len(dense), len(dense[0])
    assert facts.shape == (rows, cols)
    assert facts.nonzeros == sum(1 for row in dense for v in row if sympy.expand(v) != 0)
    assert basic_facts(op)["nonzeros"] == facts.nonzeros  # matrix --format json, unchanged
    block_rows, block_cols = rows // op.out_channels, cols // op.in_channels
    # ----- channel blocks: zero where groups separate the channels --------------------------
    per_out, per_in = op.out_channels // op.groups, op.in_channels // op.groups
    nonzero_pairs = set()
    for o in range(op.out_channels):
        for c in range(op.in_channels):
            block = _block(dense, o * block_rows, (o + 1) * block_rows, c * block_cols,
                           (c + 1) * block_cols)
            separated = o // per_out != c // per_in
            if separated:
                assert _is_zero(block), (o, c)
            if not _is_zero(block):
                nonzero_pairs.add((o, c))
            if facts.channels is not None:
                assert facts.channels.linked[o][c] == (not separated)
                assert facts.channels.nonzero[o][c] == ((o, c) in nonzero_pairs)
    if facts.channels is not None:
        assert facts.channels.separated_blocks == sum(
            1 for o in range(op.out_channels) for c in range(op.in_channels)
            if o // per_out != c // per_in)
        assert facts.channels.nonzero_blocks == len(nonzero_pairs)
        assert facts.channels.zero_kernel_blocks == (
            op.out_channels * op.in_channels - facts.channels.separated_blocks
            - len(nonzero_pairs))
    else:
        assert op.in_channels == op.out_channels == 1
    # ----- axis 0 blocks of channel block (0, 0) ----------------------------------------------
    level = facts.levels[0]
    m0, n0 = op.axes[0].output_length, op.axes[0].n
    inner_rows, inner_cols = block_rows // m0, block_cols // n0
    assert level.grid == (m0, n0) and level.block_shape == (inner_rows, inner_cols)
    channel_block = _block(dense, 0, block_rows, 0, block_cols)
    taps = _prod(a.kernel_size for a in op.axes)
    kernel = list(ref.kernel[:taps])  # the weight of channel pair (0, 0)
    size = taps // op.axes[0].kernel_size
    inner = [_inner_reference(op, ref, kernel[t * size:(t + 1) * size]).matrix
             for t in range(op.axes[0].kernel_size)]
    label_tap = {label: t for t, label in enumerate(level.labels)}
    nonzero_blocks = 0
    occupied: set[int] = set()
    for r in range(m0):
        pattern_row = level.pattern.row(r)
        for c in range(n0):
            block = _block(channel_block, r * inner_rows, (r + 1) * inner_rows,
                           c * inner_cols, (c + 1) * inner_cols)
            # the block view: block (r, c) is the sum of the blocks T_t its label names
            label = sympy.sympify(pattern_row.get(c, 0))
            expected = [[0] * inner_cols for _ in range(inner_rows)]
            for symbol in label.free_symbols:
                assert label.coeff(symbol) == 1
                for i in range(inner_rows):
                    for j in range(inner_cols):
                        expected[i][j] += inner[label_tap[symbol]][i][j]
            assert all(sympy.expand(block[i][j] - expected[i][j]) == 0
                       for i in range(inner_rows) for j in range(inner_cols)), (r, c, label)
            if not _is_zero(block):
                nonzero_blocks += 1
                line = (r - op.axes[0].stride * c) if op.transposed else (
                    c - op.axes[0].stride * r)
                occupied.add(line)
    assert level.nonzero_blocks == nonzero_blocks
    assert tuple(t for t in range(op.axes[0].kernel_size) if _is_zero(inner[t])) == \
        level.zero_slices
    pattern_facts = level.facts
    if op.axes[0].padding_mode == "zeros":
        assert tuple(sorted(occupied)) == pattern_facts.band_lines
    if pattern_facts.regular_band and op.axes[0].kernel_size > 1:
        # "d_0 - 1 zero block diagonals between neighbouring kernel slices"
        lines = pattern_facts.band_lines
        assert [b - a - 1 for a, b in zip(lines, lines[1:])] == [op.axes[0].dilation - 1] * (
            op.axes[0].kernel_size - 1)
        assert pattern_facts.band_width == op.axes[0].dilation * (
            op.axes[0].kernel_size - 1) + 1


@SETTINGS
@given(configs(ndim=2))
def test_entry_groups_count_the_entries_of_each_axis(cfg):
    """entry_groups (count, taps) add up to the non-zeros of the 1-D pattern of every axis."""
    built = build(cfg)
    if built is None:
        return
    op, _ = built
    for axis in op.axes:
        dense = reference(axis.n, axis.kernel_size, axis.stride, axis.dilation,
                          (axis.pad_before, axis.pad_after), axis.padding_mode, axis.flip,
                          axis.transposed, axis.output_padding).matrix
        counted: dict[tuple, int] = {}
        for row in dense:
            for value in row:
                if value != 0:
                    taps = tuple(sorted(int(str(s).split("_")[1]) for s in value.free_symbols))
                    counted[taps] = counted.get(taps, 0) + 1
        assert dict((taps, count) for count, taps in entry_groups(axis)) == counted


def _flat(text: str) -> str:
    return " ".join(text.split())


_ZERO_M = {"n": (2, 1), "K": (1, 1), "s": (2, 1), "d": (1, 1), "padding": (1, 0), "mode": "zeros",
           "flip": False, "transposed": True, "output_padding": (0, 0), "c_in": 1, "c_out": 1,
           "groups": 1, "values": None}


@settings(max_examples=30, deadline=None)
@given(configs(ndim=2))
@example(_ZERO_M)  # no tap lands along axis 0: M is zero, its 1 x 2 grid still counted
def test_document_sentences_state_the_counted_structure(cfg):
    """The numbers in the rendered sentences are the numbers counted in the dense matrix."""
    built = build(cfg)
    if built is None:
        return
    op, ref = built
    text = _flat(derive(op, "markdown"))
    dense = ref.matrix
    nonzeros = sum(1 for row in dense for v in row if sympy.expand(v) != 0)
    assert f"In total $M$ has ${nonzeros}$ non-zero entries" in text
    facts = block_facts(op)
    level = facts.levels[0]
    m0, n0 = level.grid
    match = re.search(r"Of the \$(\d+)\$ blocks?, \$(\d+)\$ (?:is|are) non-zero and \$(\d+)\$ (?:is|are) zero",
                      text)
    assert match
    rows, cols = len(dense) // op.out_channels, len(dense[0]) // op.in_channels
    counted = sum(1 for r in range(m0) for c in range(n0) if not _is_zero(_block(
        dense, r * (rows // m0), (r + 1) * (rows // m0), c * (cols // n0),
        (c + 1) * (cols // n0))))
    assert (int(match.group(1)), int(match.group(2)), int(match.group(3))) == (
        m0 * n0, counted, m0 * n0 - counted)
    match = re.search(r"\$d_\{0\} - 1 = (\d+)\$ zero block", text)
    if match:
        assert int(match.group(1)) == op.axes[0].dilation - 1
        lines = level.facts.band_lines
        assert lines[1] - lines[0] - 1 == int(match.group(1))
    if op.groups > 1:
        match = re.search(r"so the \$(\d+)\$ blocks whose channels lie in different groups are "
                          r"zero blocks", text)
        per_out, per_in = op.out_channels // op.groups, op.in_channels // op.groups
        separated = [(o, c) for o in range(op.out_channels) for c in range(op.in_channels)
                     if o // per_out != c // per_in]
        assert match and int(match.group(1)) == len(separated)
    if facts.channels is not None:
        nonzero = sum(1 for o in range(op.out_channels) for c in range(op.in_channels)
                      if not _is_zero(_block(dense, o * rows, (o + 1) * rows, c * cols,
                                             (c + 1) * cols)))
        assert f"In all, ${nonzero}$ of the ${op.out_channels * op.in_channels}$ blocks" in text


def test_a_zero_kernel_row_gives_zero_blocks_and_is_named():
    op = Conv((4, 4), [[1, 2], [0, 0], [3, 1]], dilation=(1, 1))
    facts = block_facts(op)
    assert facts.levels[0].zero_slices == (1,)
    text = _flat(derive(op, "markdown"))
    assert "$T_{1}$ is a zero block (a zero kernel slice)" in text


def test_reflect_folds_merge_blocks_and_the_document_shows_the_sum():
    op = Conv((3, 4, 5), (2, 2, 2), dilation=(2, 1, 1), padding=1, padding_mode="reflect")
    level = block_facts(op).levels[0]
    assert sympy.Symbol("T_0") + sympy.Symbol("T_1") in level.pattern.row(0).values()
    text = _flat(derive(op, "latex"))
    assert "add up, as in the block $T_{0} + T_{1}$" in text
    # folded border blocks break the block Toeplitz structure: it is not claimed
    assert "Toeplitz}" not in text
    assert "constant along its block diagonals except in the block rows where the padding" in text
    zeros = _flat(derive(op.replace(padding_mode="zeros"), "latex"))
    assert "triply block Toeplitz" in zeros
