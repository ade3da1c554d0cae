"""A check's sentence is code: every count a check's detail / detail_latex states is compared
with the count taken from the independent reference (tests/reference.py), over random
configurations (zero taps, folded taps that cancel, strides, dilations, every padding mode,
transposed, channels, N-D).  Regression cases from the review are named below."""

from __future__ import annotations

import random
import re

import pytest
from reference import Invalid, reference
from test_statements_audit import _one, build, random_config

from symdil import Conv
from symdil.checks import (
    check_definition,
    check_formulas,
    check_numeric,
    check_polyphase,
    check_printed_rows,
    check_stride,
    check_transposition,
)

CONFIGURATIONS = 400


def _ref(cfg, **change):
    args = dict(n=_one(cfg["n"]), kernel=_one(cfg["K"]), stride=_one(cfg["s"]),
                dilation=_one(cfg["d"]), padding=cfg["padding"], padding_mode=cfg["mode"],
                flip=cfg["flip"], transposed=cfg["transposed"],
                output_padding=_one(cfg["output_padding"]), in_channels=cfg["c_in"],
                out_channels=cfg["c_out"], groups=cfg["groups"], with_output=False)
    args.update(change)
    return reference(**args)


def _truth(cfg) -> dict:
    """Counts taken from the reference's matrices: numeric taps (if any) and symbol taps."""
    ref = _ref(cfg, kernel_values=cfg["values"])
    symbolic = _ref(cfg) if cfg["values"] is not None else ref
    entries = [value for line in ref.matrix for value in line]
    structural = [value for line in symbolic.matrix for value in line if value != 0]
    # tap products that meet an input: one per symbol term (a tap reaches a column once per row)
    present = sum(len(value.as_coefficients_dict()) for value in structural)
    rows, columns = len(ref.matrix), len(ref.matrix[0])
    forward_shape = ref.input_shape if cfg["transposed"] else ref.output_shape
    pairs = cfg["c_out"] * cfg["c_in"] // cfg["groups"]
    taps = 1
    for k in cfg["K"]:
        taps *= k
    spatial_rows = 1
    for length in forward_shape[1:]:
        spatial_rows *= length
    total = pairs * taps * spatial_rows
    return dict(nnz=sum(1 for value in entries if value != 0), structural=len(structural),
                total=total, cut=total - present, merged=present - len(structural),
                rows=rows, columns=columns, forward_m=forward_shape[1:])


def _ints(text: str) -> list[int]:
    return [int(value) for value in re.findall(r"\d+", text)]


def assert_polyphase_counts(op: Conv, cfg: dict, truth: dict) -> None:
    result = check_polyphase(op)
    assert result.passed, result.detail
    latex, plain = result.detail_latex, result.detail
    found = re.search(r"has \$(\d+) - (\d+) - (\d+) = (\d+)\$ entr", latex)
    assert found, latex
    total, cut, merged, structural = map(int, found.groups())
    assert (total, cut, merged, structural) == (truth["total"], truth["cut"], truth["merged"],
                                                truth["structural"]), (latex, truth)
    nonzero = re.search(r"of which \$(\d+)\$ are non-zero in \$M\$|all \$(\d+)\$ of them non-zero",
                        latex)
    assert nonzero, latex
    assert int(nonzero.group(1) or nonzero.group(2)) == truth["nnz"], (latex, truth)
    vanished = re.search(r"the other \$(\d+)\$ vanish", latex)
    assert (int(vanished.group(1)) if vanished else 0) == truth["structural"] - truth["nnz"]
    assert f"M has {truth['nnz']} non-zeros" in plain, plain
    assert f"entries {truth['structural']} = {truth['total']} - {truth['cut']} in zero padding - " \
           f"{truth['merged']} folded" in plain, plain
    if op.ndim == 1:
        s, d = _one(cfg["s"]), _one(cfg["d"])
        m = truth["forward_m"][0]
        reads = {r: sum(1 for i in range(m) if (s * i) % d == r) for r in range(d)}
        reads = {r: count for r, count in reads.items() if count}
        if d > 1:
            stated = re.search(r"outputs read: ([^)]*)\)", latex).group(1)
            pairs = re.findall(r"\$(\d+)\$ from \$r = (\d+)\$", stated)
            assert {int(r): int(c) for c, r in pairs} == reads, (latex, reads)
        else:
            stated = re.search(r"\$(\d+)\$ outputs? read", latex)
            assert int(stated.group(1)) == m, (latex, m)
        stated_plain = re.search(r"\(([^()]*) outputs read", plain).group(1)
        pairs = re.findall(r"phase (\d+): (\d+)", stated_plain)
        assert {int(r): int(c) for r, c in pairs} == reads, (plain, reads)


def assert_row_counts(op: Conv, cfg: dict, truth: dict) -> None:
    """Definition, printed rows and numeric state how many outputs / rows they examined."""
    for check in (check_definition, check_printed_rows):
        result = check(op)
        assert result.passed, result.detail
        stated = re.search(r"All \$(\d+)\$ (outputs|rows)", result.detail_latex)
        assert stated and int(stated.group(1)) == truth["rows"], result.detail_latex
        assert _ints(result.detail)[0] == truth["rows"], result.detail
    numeric = check_numeric(op)
    assert re.search(r"All \$(\d+)\$ outputs", numeric.detail_latex).group(1) == \
        str(truth["rows"]), numeric.detail_latex


def assert_stride_and_formula_counts(op: Conv, cfg: dict, truth: dict) -> None:
    """1-D, one channel: stride rows / stride-1 row count, formulas' m, s-1 and d-1 numbers."""
    s, d, K = _one(cfg["s"]), _one(cfg["d"]), _one(cfg["K"])
    stride = check_stride(op)
    assert stride.passed, stride.detail
    if not cfg["transposed"]:
        pad = _ref(cfg).padding[0]
        stride1 = len(_ref(cfg, stride=1, padding=tuple(pad)).matrix)
        m = truth["rows"]
        if s == 1:
            assert f"every one of the ${stride1}$ rows" in stride.detail_latex
            assert stride1 == m
        else:
            assert f"(${stride1}$ rows" in stride.detail_latex, (stride.detail_latex, stride1)
            listed = re.search(r"is rows \$([^$]*)\$", stride.detail_latex).group(1)
            want = [s * i for i in range(m)]
            shown = want if len(want) <= 3 else [*want[:2], want[-1]]
            assert _ints(listed) == shown, (listed, want)
    else:
        assert f"$s - 1 = {s - 1}$ {'zero' if s == 2 else 'zeros'}" in stride.detail_latex
    formulas = check_formulas(op)
    assert formulas.passed, formulas.detail
    spatial_m = truth["forward_m"][0] if not cfg["transposed"] else truth["rows"]
    assert f"$m = {spatial_m}$" in formulas.detail_latex, (formulas.detail_latex, spatial_m)
    if K > 1:
        noun = "zero diagonal" if d == 2 else "zero diagonals"
        assert f"${d - 1}$ {noun} between taps" in formulas.detail_latex, formulas.detail_latex
    transposition = check_transposition(op)
    assert transposition.passed, transposition.detail
    if not cfg["transposed"]:
        noun = "zero" if s == 2 else "zeros"
        assert f"$s - 1 = {s - 1}$ {noun} between inputs" in transposition.detail_latex


def _run(cfg: dict) -> bool:
    op = build(cfg)
    if op is None:
        return False
    try:
        truth = _truth(cfg)
    except Invalid:
        pytest.fail(f"Conv accepted what the reference refuses: {cfg}")
    assert_polyphase_counts(op, cfg, truth)
    assert_row_counts(op, cfg, truth)
    if len(cfg["n"]) == 1 and cfg["c_in"] == cfg["c_out"] == 1:
        assert_stride_and_formula_counts(op, cfg, truth)
    return True


def test_check_counts_match_the_reference_over_random_configurations():
    rng = random.Random(20261201)
    done = 0
    while done < CONFIGURATIONS:
        cfg = random_config(rng)
        if len(cfg["n"]) == 3:
            continue
        done += _run(cfg)


def _cfg(n, kernel, s=1, d=1, padding=0, mode="zeros", transposed=False):
    values = kernel if isinstance(kernel, list) else None
    K = len(kernel) if values is not None else kernel
    return dict(n=(n,), K=(K,), s=(s,), d=(d,), padding=padding, mode=mode, flip=False,
                transposed=transposed, output_padding=(0,), values=values, c_in=1, c_out=1,
                groups=1)


@pytest.mark.parametrize("cfg, nnz", [
    # review: "6 = 6 - 0 - 0 non-zeros" and "outputs per phase: 5" while M has 3 and m = 3
    (_cfg(6, [1, 0], s=2), 3),
    # review: says 25, truth 24 (folded taps -1 + 1 cancel)
    (_cfg(9, [-1, 1, 1], padding="same", mode="replicate"), 24),
    # review: says 7, truth 2; "(outputs per phase: 4, 3)" for a 3-output layer
    (_cfg(8, [3, 0, 0], s=3, d=2, padding="same"), 2),
])
def test_polyphase_regressions_state_the_matrix_count(cfg, nnz):
    truth = _truth(cfg)
    assert truth["nnz"] == nnz
    assert _run(cfg)
