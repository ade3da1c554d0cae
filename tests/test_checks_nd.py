"""The verification checks in 2-D and 3-D, with channels and groups, and the Kronecker identity.

Every check passes on correct operators (hypothesis over random small configurations: channels,
groups, every padding form and mode, flip, transposed) and catches deliberately wrong ones:
an off-by-one padding on one axis, swapped taps along one axis, a wrong stride on one axis, the
strides of two axes exchanged, a channel/group mix-up and a dropped border fold.  The mutants are
built here with NumPy index arithmetic, not with the helpers under test.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from reference import Invalid, reference

from symdil import Conv, SymdilError
from symdil import checks as C
from symdil.checks import definition_outputs
from symdil.checks import kronecker as KR
from symdil.verification import verify

CHECKS = {
    "definition": C.check_definition,
    "dilation_identity": C.check_dilation,
    "stride_identity": C.check_stride,
    "transposition": C.check_transposition,
    "polyphase": C.check_polyphase,
    "formulas": C.check_formulas,
    "numeric": C.check_numeric,
}
MODES = ("zeros", "circular", "reflect", "replicate")


# ----- random correct configurations ----------------------------------------------------------
@st.composite
def nd_convs(draw, ndim=None, transposed=None, modes=MODES, channels=True):
    ndim = draw(st.sampled_from([2, 2, 3])) if ndim is None else ndim
    is_transposed = draw(st.booleans()) if transposed is None else transposed
    top_n, top_k = (5, 3) if ndim == 2 else (3, 2)
    n = tuple(draw(st.integers(1, top_n)) for _ in range(ndim))
    K = tuple(draw(st.integers(1, top_k)) for _ in range(ndim))
    s = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    d = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    if is_transposed:
        padding = draw(st.one_of(st.integers(0, 2),
                                 st.tuples(*[st.integers(0, 2) for _ in range(ndim)])))
        mode = "zeros"
        output_padding = tuple(draw(st.integers(0, max(sa, da) - 1)) for sa, da in zip(s, d))
    else:
        item = st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2)))
        padding = draw(st.one_of(st.sampled_from(["valid", "same", "full", "causal"]),
                                 st.integers(0, 2), st.tuples(*[item for _ in range(ndim)])))
        mode = draw(st.sampled_from(modes))
        output_padding = 0
    c_in, c_out, groups = draw(st.sampled_from(
        [(1, 1, 1), (1, 1, 1), (2, 2, 1), (2, 4, 2), (1, 2, 1), (3, 3, 3)] if channels
        else [(1, 1, 1)]))
    kernel = K
    if draw(st.booleans()):
        lead = (c_in, c_out // groups) if is_transposed else (c_out, c_in // groups)
        size = lead[0] * lead[1] * int(np.prod(K))
        values = draw(st.lists(st.integers(-3, 3), min_size=size, max_size=size))
        kernel = np.array(values).reshape(lead + K).tolist()
    try:
        return Conv(n=n, kernel=kernel, stride=s, dilation=d, padding=padding, padding_mode=mode,
                    flip=draw(st.booleans()), transposed=is_transposed,
                    output_padding=output_padding, in_channels=c_in, out_channels=c_out,
                    groups=groups)
    except SymdilError:
        assume(False)


def kronecker_applies(op: Conv) -> bool:
    return op.in_channels == op.out_channels == 1 and op.axes[0].padding_mode == "zeros"


@settings(max_examples=80)
@given(nd_convs())
def test_every_check_passes_on_correct_nd_operators(op: Conv) -> None:
    for name, check in CHECKS.items():
        result = check(op)
        assert result.name == name
        assert result.applicable, (name, result.detail)
        assert result.passed, (name, op, result.detail)
    result = KR.check_kronecker(op)
    assert result.applicable == kronecker_applies(op), result.detail
    assert result.passed, (op, result.detail)


@settings(max_examples=40)
@given(nd_convs(channels=False, modes=("zeros",)))
def test_kronecker_identity_holds_on_single_channel_zero_padded_operators(op: Conv) -> None:
    result = KR.check_kronecker(op)
    assert result.applicable and result.passed, (op, result.detail)
    letters = " (x) ".join("UVW"[:op.ndim])
    assert f"equals the Kronecker product {letters}" in result.detail


@settings(max_examples=40)
@given(nd_convs())
def test_definition_sums_match_the_independent_reference(op: Conv) -> None:
    """The checks' own definition agrees with tests/reference.py (a third derivation)."""
    try:
        ref = reference(n=[axis.n for axis in op.axes],
                        kernel=[axis.kernel_size for axis in op.axes],
                        stride=[axis.stride for axis in op.axes],
                        dilation=[axis.dilation for axis in op.axes],
                        padding=[(axis.pad_before, axis.pad_after) for axis in op.axes],
                        padding_mode=op.axes[0].padding_mode, flip=op.flip,
                        transposed=op.transposed,
                        output_padding=[axis.output_padding for axis in op.axes],
                        in_channels=op.in_channels, out_channels=op.out_channels,
                        groups=op.groups, kernel_values=list(op.kernel))
    except Invalid:  # pragma: no cover - Conv accepted it, so the reference must too
        raise AssertionError(f"the reference refuses {op}") from None
    defined = definition_outputs(op)
    assert len(defined) == len(ref.output)
    assert [sympy.expand(x - y) for x, y in zip(defined, ref.output)] == [0] * len(defined)


# ----- mutants (NumPy index arithmetic on the flat layout) --------------------------------------
def _entries(op: Conv) -> dict:
    return {(r, c): v for r, row in enumerate(op.rows) for c, v in row.items()}


def _matrix(op: Conv, entries: dict) -> sympy.ImmutableSparseMatrix:
    return sympy.ImmutableSparseMatrix(*op.shape, entries)


def shifted(op: Conv, axis: int) -> sympy.ImmutableSparseMatrix:
    """Off-by-one padding on one axis: every entry moved one input sample along ``axis``."""
    shape = op.input_shape
    moved = {}
    for (r, c), v in _entries(op).items():
        index = list(np.unravel_index(c, shape))
        index[1 + axis] += 1
        if index[1 + axis] < shape[1 + axis]:
            moved[(r, int(np.ravel_multi_index(index, shape)))] = v
    return _matrix(op, moved)


def swapped(op: Conv, axis: int) -> sympy.ImmutableSparseMatrix:
    """Taps 0 and 1 along ``axis`` exchanged in every weight."""
    weights = np.array(op.kernel, dtype=object).reshape(op.kernel_shape)
    lower = [slice(None)] * weights.ndim
    upper = list(lower)
    lower[2 + axis], upper[2 + axis] = 0, 1
    weights[tuple(lower)], weights[tuple(upper)] = (weights[tuple(upper)].copy(),
                                                    weights[tuple(lower)].copy())
    return op.replace(kernel=weights.tolist()).matrix


def wrong_stride(op: Conv, axis: int) -> sympy.ImmutableSparseMatrix:
    strides = [a.stride for a in op.axes]
    strides[axis] += 1
    return op.replace(stride=tuple(strides)).matrix


def exchanged_strides(op: Conv, axis: int) -> sympy.ImmutableSparseMatrix:
    """The strides of axes ``axis`` and ``axis + 1`` exchanged (same shape on a square input)."""
    strides = [a.stride for a in op.axes]
    strides[axis], strides[axis + 1] = strides[axis + 1], strides[axis]
    return op.replace(stride=tuple(strides)).matrix


def channel_mixup(op: Conv, axis: int) -> sympy.ImmutableSparseMatrix:
    """Every weight reads the next input channel: input channel c's columns moved to c + 1."""
    shape = op.input_shape
    moved = {}
    for (r, c), v in _entries(op).items():
        index = list(np.unravel_index(c, shape))
        index[0] = (index[0] + 1) % shape[0]
        moved[(r, int(np.ravel_multi_index(index, shape)))] = v
    return _matrix(op, moved)


def dropped_fold(op: Conv, axis: int) -> sympy.ImmutableSparseMatrix:
    return op.replace(padding_mode="zeros").matrix


MUTANTS = {"off_by_one_padding": shifted, "swapped_taps": swapped, "wrong_stride": wrong_stride,
           "exchanged_strides": exchanged_strides, "channel_mixup": channel_mixup,
           "dropped_border_fold": dropped_fold}

FORWARD = Conv((6, 5), (3, 2), stride=(2, 1), dilation=(2, 3), padding="same")
SQUARE = Conv((6, 6), (3, 3), stride=(2, 1), dilation=2, padding=2)
TRANSPOSED = Conv((3, 4), (3, 2), stride=(2, 1), dilation=2, padding=(1, 0), transposed=True,
                  output_padding=(1, 1))
CHANNELS = Conv((5, 5), (3, 3), stride=(1, 2), dilation=(2, 1), padding=((2, 1), 1),
                in_channels=2, out_channels=4, groups=2)
CHANNELS_T3 = Conv((2, 3, 3), 2, stride=(2, 1, 2), dilation=(1, 2, 1), padding=1,
                   transposed=True, output_padding=(1, 1, 0), in_channels=2, out_channels=2,
                   groups=2, flip=True)
FORWARD_3D = Conv((4, 3, 5), (2, 2, 2), stride=(1, 2, 1), dilation=(2, 1, 2), padding="full")
REFLECT = Conv((5, 6), (2, 3), dilation=(3, 2), padding="same", padding_mode="reflect",
               in_channels=2, out_channels=2)
CIRCULAR_3D = Conv((4, 3, 4), 2, stride=(2, 1, 1), dilation=(2, 1, 2), padding=1,
                   padding_mode="circular")
REPLICATE = Conv((4, 5), (2, 3), stride=(1, 2), dilation=(2, 1), padding="causal",
                 padding_mode="replicate", flip=True)

EVERYTHING = list(CHECKS)
EXPECTED = {
    "off_by_one_padding": EVERYTHING,
    "swapped_taps": EVERYTHING,
    "wrong_stride": EVERYTHING,
    "exchanged_strides": EVERYTHING,
    "channel_mixup": EVERYTHING,
    # a fold changes no geometry the formulas count: it is the definition's business
    "dropped_border_fold": [name for name in EVERYTHING if name != "formulas"],
}
# (op, axis the mutant acts on)
TARGETS = {
    "off_by_one_padding": [(FORWARD, 0), (FORWARD, 1), (TRANSPOSED, 1), (CHANNELS, 1),
                           (CHANNELS_T3, 2), (FORWARD_3D, 1), (REFLECT, 0)],
    "swapped_taps": [(FORWARD, 0), (FORWARD, 1), (TRANSPOSED, 0), (CHANNELS, 1),
                     (CHANNELS_T3, 1), (FORWARD_3D, 2)],
    "wrong_stride": [(FORWARD, 1), (TRANSPOSED, 0), (CHANNELS, 0), (CHANNELS_T3, 2),
                     (FORWARD_3D, 1)],
    "exchanged_strides": [(SQUARE, 0)],
    "channel_mixup": [(CHANNELS, 0), (CHANNELS_T3, 0), (REFLECT, 0)],
    "dropped_border_fold": [(REFLECT, 0), (CIRCULAR_3D, 0), (REPLICATE, 0)],
}


def _cases():
    for mutant_name, check_names in EXPECTED.items():
        for check_name in check_names:
            for number, (op, axis) in enumerate(TARGETS[mutant_name]):
                yield pytest.param(check_name, mutant_name, op, axis,
                                   id=f"{check_name}-{mutant_name}-{number}-axis{axis}")


@pytest.mark.parametrize(("check_name", "mutant_name", "op", "axis"), list(_cases()))
def test_checks_catch_nd_mutants(check_name: str, mutant_name: str, op: Conv, axis: int) -> None:
    mutant = MUTANTS[mutant_name](op, axis)
    assert mutant != op.matrix
    result = CHECKS[check_name](op, matrix=mutant)
    assert not result.passed, (check_name, mutant_name, result.detail)
    assert result.detail


def test_the_exchanged_strides_mutant_keeps_the_shape() -> None:
    """So that the checks must see the strides themselves, not a shape."""
    assert exchanged_strides(SQUARE, 0).shape == SQUARE.shape


# ----- what the N-D evidence says ---------------------------------------------------------------
def test_formulas_are_counted_per_axis() -> None:
    result = C.check_formulas(FORWARD)
    assert result.passed, result.detail
    # axis 0: n=6, K=3, d=2, s=2, same: out 3, total padding (3-1)*2+5-6 = 3 -> (1, 2)
    # axis 1: n=5, K=2, d=3, s=1, same: total padding 3 -> (1, 2)
    assert result.detail.startswith("output lengths 3x5 (counted 15 rows = 1 channel x 15)")
    assert "axis 0: padding before 1, padding after 2" in result.detail
    assert "stride 2, receptive field 5, 1 zero diagonal between taps" in result.detail
    assert "axis 1: padding before 1, padding after 2" in result.detail
    assert "stride 1, receptive field 4, 2 zero diagonals between taps" in result.detail
    bad = C.check_formulas(FORWARD, matrix=shifted(FORWARD, 1))
    assert "axis 1: padding before: formula 1, counted 0" in bad.detail
    assert "axis 0: padding before" not in bad.detail


def test_formulas_see_the_group_blocks() -> None:
    result = C.check_formulas(CHANNELS)
    assert result.passed, result.detail
    assert "4 of 4x2 blocks non-zero (groups=2 allows 4)" in result.detail
    bad = C.check_formulas(CHANNELS, matrix=channel_mixup(CHANNELS, 0))
    assert "with groups=2 it belongs to" in bad.detail


def test_formulas_count_exchanged_strides() -> None:
    bad = C.check_formulas(SQUARE, matrix=exchanged_strides(SQUARE, 0))
    assert not bad.passed and "stride: formula" in bad.detail


def test_polyphase_counts_multiplications_per_axis() -> None:
    # valid, m = (3, 3), K = (2, 2): 9 rows x 4 taps = 36 multiplications, no padding
    op = Conv((5, 4), (2, 2), dilation=(2, 1))
    result = C.check_polyphase(op)
    assert result.passed, result.detail
    assert "2 phases (d = (2, 1))" in result.detail
    # axis 0: phase 0 holds samples 0, 2, 4 (2 outputs), phase 1 samples 1, 3 (1 output)
    assert "axis 0: phase 0: 2, phase 1: 1 | axis 1: phase 0: 3" in result.detail
    assert "36 multiplications" in result.detail and "M has 36 non-zeros" in result.detail
    # zero-inserted kernel 3x2 = 6 taps per row instead of 4
    assert "zero-inserted kernel: 54" in result.detail


def test_polyphase_counts_folds_and_padding_per_axis() -> None:
    # 'same' reflect on 4x4, K=2x2, d=2: per axis padding (1, 1); taps of border rows reflect
    op = Conv((4, 4), 2, dilation=2, padding="same", padding_mode="reflect")
    result = C.check_polyphase(op)
    assert result.passed, result.detail
    # per axis: rows 0 and 3 read one sample twice (sources 1, 1 and 2, 2): 6 distinct of 8 taps
    assert "64 multiplications" in result.detail
    assert "entries 36 = 64 - 0 in zero padding - 28 folded" in result.detail
    zero = Conv((4, 4), 2, dilation=2, padding="same")
    # per axis 8 taps, rows 0 and 3 lose one to the padding: 6*6 = 36 present of 64
    assert "entries 36 = 64 - 28 in zero padding - 0 folded" in C.check_polyphase(zero).detail


def test_stride_identity_names_the_multi_indices() -> None:
    result = C.check_stride(FORWARD)
    assert "rows at multi-indices (2 i_0, 1 i_1)" in result.detail
    result = C.check_stride(TRANSPOSED)
    assert "columns at multi-indices (2 j_0, 1 j_1)" in result.detail
    assert "on 6x5 inputs" in result.detail  # (3-1)*2+1+1 = 6, (4-1)*1+1+1 = 5


def test_dilation_identity_carries_output_padding_beyond_the_stride_per_axis() -> None:
    op = Conv((3, 3), (2, 3), stride=(1, 2), dilation=(3, 1), padding=1, transposed=True,
              output_padding=(2, 1))
    result = C.check_dilation(op)
    assert result.passed, result.detail
    assert "output_padding 2 >= stride carried by 2 extra zero taps along axis 0" in result.detail
    assert "along axis 1" not in result.detail


# ----- the Kronecker identity -------------------------------------------------------------------
SEPARABLE = Conv((4, 5), (2, 3), stride=(2, 1), dilation=(1, 2), padding=((1, 0), 2))
SQUARE_SEPARABLE = Conv((5, 5), (2, 2), stride=(2, 1), padding=1)


def _dense(matrix: list[list]) -> sympy.Matrix:
    return sympy.Matrix(matrix)


def test_kronecker_against_the_independent_reference() -> None:
    """The identity itself, on tests/reference.py's dense matrices: the reference's 2-D operator
    of k_{i,j} = u_i v_j equals sympy.kronecker_product of its two 1-D operators."""
    u, v = sympy.symbols("u_0:2"), sympy.symbols("v_0:3")
    params = dict(stride=(2, 1), dilation=(1, 2), padding=[(1, 0), (2, 2)])
    two_d = reference(n=(4, 5), kernel=(2, 3), kernel_values=[a * b for a in u for b in v],
                      **params)
    first = reference(n=4, kernel=2, stride=2, dilation=1, padding=[(1, 0)],
                      kernel_values=list(u))
    second = reference(n=5, kernel=3, stride=1, dilation=2, padding=[(2, 2)],
                       kernel_values=list(v))
    product = sympy.kronecker_product(_dense(first.matrix), _dense(second.matrix))
    assert (_dense(two_d.matrix) - product).expand() == sympy.zeros(*product.shape)
    # and symdil's separable operator is that reference matrix
    assert KR.separable_conv(SEPARABLE).matrix == _dense(two_d.matrix)


def test_kronecker_evidence() -> None:
    result = KR.check_kronecker(SEPARABLE)
    assert result.passed and result.applicable
    assert result.detail.startswith("separable kernel k_{i,j} = u_i v_j: the 10x20 operator")
    assert "U: 2x4 along axis 0, V: 5x5 along axis 1" in result.detail
    three = KR.check_kronecker(Conv((3, 2, 4), (2, 1, 3), padding="full", flip=True))
    assert three.passed and "k_{i,j,l} = u_i v_j w_l" in three.detail
    assert "U (x) V (x) W" in three.detail


def test_kronecker_catches_the_swapped_order() -> None:
    U, V = (factor.matrix for factor in KR.axis_operators(SQUARE_SEPARABLE))
    wrong = sympy.kronecker_product(V, U)
    assert wrong.shape != SQUARE_SEPARABLE.shape or wrong != SQUARE_SEPARABLE.matrix
    result = KR.check_kronecker(SQUARE_SEPARABLE, matrix=wrong)
    assert not result.passed and "differ from U (x) V" in result.detail
    # V (x) U has the shape of U (x) V (10x20 here) but not its entries
    U, V = (factor.matrix for factor in KR.axis_operators(SEPARABLE))
    result = KR.check_kronecker(SEPARABLE, matrix=sympy.kronecker_product(V, U))
    assert not result.passed and "differ from U (x) V" in result.detail


def test_kronecker_catches_a_wrong_axis_stride() -> None:
    # strides (1, 2) instead of (2, 1) on a square input: 3x5 vs 5x3 outputs, the same 15 rows
    wrong = KR.separable_conv(SQUARE_SEPARABLE.replace(stride=(1, 2))).matrix
    assert wrong.shape == KR.separable_conv(SQUARE_SEPARABLE).matrix.shape
    result = KR.check_kronecker(SQUARE_SEPARABLE, matrix=wrong)
    assert not result.passed and "entries differ" in result.detail
    wrong = KR.separable_conv(SEPARABLE.replace(stride=(2, 2))).matrix
    assert not KR.check_kronecker(SEPARABLE, matrix=wrong).passed


def test_kronecker_catches_an_off_by_one_padding() -> None:
    separable = KR.separable_conv(SEPARABLE)
    assert not KR.check_kronecker(SEPARABLE, matrix=shifted(separable, 1)).passed


def test_the_sparse_product_is_sympys_kronecker_product() -> None:
    factors = KR.axis_operators(Conv((4, 3, 5), (2, 2, 3), stride=(2, 1, 1), dilation=(1, 1, 2),
                                     padding=1))
    sparse = KR.sparse_kronecker([list(f.rows) for f in factors], [f.shape for f in factors])
    dense = sympy.kronecker_product(*[f.matrix for f in factors])
    rows, cols = dense.shape
    assert len(sparse) == rows
    assert {(r, c): v for r, row in enumerate(sparse) for c, v in row.items()} == \
        {key: v for key, v in dense.todok().items() if v != 0}


def test_kronecker_on_the_sparse_path(monkeypatch) -> None:
    monkeypatch.setattr(KR, "DENSE_LIMIT", 0)
    result = KR.check_kronecker(SQUARE_SEPARABLE)
    assert result.passed and "on the non-zeros" in result.detail
    U, V = (factor.matrix for factor in KR.axis_operators(SQUARE_SEPARABLE))
    assert not KR.check_kronecker(SQUARE_SEPARABLE,
                                  matrix=sympy.kronecker_product(V, U)).passed


@pytest.mark.parametrize(("op", "reason"), [
    (Conv(6, 3), "needs two or more axes"),
    (Conv((4, 4), 2, in_channels=2), "channels"),
    (Conv((4, 4), 2, out_channels=3), "channels"),
    (Conv((4, 4), 2, padding=1, padding_mode="reflect"), "padding_mode='reflect'"),
    (Conv("n", 3), "symbolic"),
])
def test_kronecker_not_applicable(op: Conv, reason: str) -> None:
    result = KR.check_kronecker(op)
    assert not result.applicable and result.passed
    assert result.detail.startswith("not applicable: ") and reason in result.detail


# ----- verify() ---------------------------------------------------------------------------------
def test_verify_runs_every_check_in_2d_including_kronecker() -> None:
    report = verify(Conv((16, 16), (3, 3), dilation=2, padding="same"))
    names = [check.name for check in report.checks]
    assert names == ["definition", "dilation_identity", "stride_identity", "transposition",
                     "polyphase", "formulas", "padding_split", "printed_rows", "kronecker",
                     "general_case", "numeric"]
    assert report.passed
    applicable = {check.name for check in report.checks if check.applicable}
    assert applicable >= set(CHECKS) | {"kronecker"}


def test_verify_3d_with_channels_reports_kronecker_not_applicable() -> None:
    report = verify(CHANNELS_T3)
    assert report.passed
    kronecker = next(check for check in report.checks if check.name == "kronecker")
    assert not kronecker.applicable
    assert all(check.applicable for check in report.checks if check.name in CHECKS)


def test_verify_1d_has_no_kronecker_row() -> None:
    assert "kronecker" not in [check.name for check in verify(Conv(8, 3)).checks]


def test_torch_cross_check_nd() -> None:
    pytest.importorskip("torch", reason="PyTorch is not installed (the [torch] extra, see README)")
    for op in (FORWARD, TRANSPOSED, CHANNELS, CHANNELS_T3, REFLECT, CIRCULAR_3D, REPLICATE):
        assert C.check_numeric(op, against="torch").passed
    assert not C.check_numeric(FORWARD, matrix=shifted(FORWARD, 0), against="torch").passed


def test_cli_verify_2d_example() -> None:
    """The issue's 2-D example through the CLI: every row passes, Kronecker included."""
    import json

    from typer.testing import CliRunner

    from symdil.cli import app

    result = CliRunner().invoke(app, ["verify", "--n", "16,16", "--kernel", "3,3", "--dilation",
                                      "2", "--padding", "same", "-f", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["passed"] is True
    by_name = {check["name"]: check for check in document["checks"]}
    assert by_name["kronecker"]["detail"].startswith("separable kernel k_{i,j} = u_i v_j")
    assert "not applicable" not in by_name["formulas"]["detail"]


@settings(max_examples=40)
@given(nd_convs())
def test_padding_split_and_printed_rows_pass_on_correct_nd_operators(op: Conv) -> None:
    for check in (C.check_padding_split, C.check_printed_rows):
        result = check(op)
        assert result.passed, (check.__name__, op, result.detail)
