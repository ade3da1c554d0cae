"""The verification checks: they pass on correct operators and catch deliberately wrong ones.

Mutants are operators a buggy builder could plausibly produce, fed to each check as the candidate
matrix: an off-by-one padding (every entry one column over), swapped taps, a wrong stride, and a
dropped border fold (the zeros-mode operator given for a reflect/circular/replicate one).
"""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from reference import reference

from symdil import Conv, SymdilError
from symdil import checks as C

CHECKS = {
    "definition": C.check_definition,
    "dilation_identity": C.check_dilation,
    "stride_identity": C.check_stride,
    "transposition": C.check_transposition,
    "polyphase": C.check_polyphase,
    "formulas": C.check_formulas,
    "numeric": C.check_numeric,
}


# ----- random correct configurations ----------------------------------------------------------
@st.composite
def convs(draw, transposed=None, modes=("zeros", "circular", "reflect", "replicate")):
    is_transposed = draw(st.booleans()) if transposed is None else transposed
    K = draw(st.integers(1, 4))
    s = draw(st.integers(1, 3))
    d = draw(st.integers(1, 3))
    n = draw(st.integers(1, 12))
    if is_transposed:
        padding = draw(st.integers(0, 4))
        mode = "zeros"
        output_padding = draw(st.integers(0, max(s, d) - 1))
    else:
        padding = draw(st.one_of(
            st.sampled_from(["valid", "same", "full", "causal"]), st.integers(0, 4),
            st.tuples(st.integers(0, 4), st.integers(0, 4))))
        mode = draw(st.sampled_from(modes))
        output_padding = 0
    channels = draw(st.sampled_from([(1, 1, 1), (1, 1, 1), (2, 2, 1), (2, 4, 2), (1, 2, 1)]))
    numeric = draw(st.booleans())
    kernel = K
    c_in, c_out, groups = channels
    if numeric:
        lead = (c_in, c_out // groups) if is_transposed else (c_out, c_in // groups)
        values = draw(st.lists(st.integers(-3, 3), min_size=lead[0] * lead[1] * K,
                               max_size=lead[0] * lead[1] * K))
        kernel = [[values[(a * lead[1] + b) * K:(a * lead[1] + b + 1) * K]
                   for b in range(lead[1])] for a in range(lead[0])]
    try:
        return Conv(n=n, kernel=kernel, stride=s, dilation=d, padding=padding, padding_mode=mode,
                    flip=draw(st.booleans()), transposed=is_transposed,
                    output_padding=output_padding, in_channels=c_in, out_channels=c_out,
                    groups=groups)
    except SymdilError:
        from hypothesis import assume

        assume(False)


@given(convs())
def test_every_check_passes_on_correct_operators(op: Conv) -> None:
    for name, check in CHECKS.items():
        result = check(op)
        assert result.name == name
        assert result.applicable
        assert result.passed, (name, op, result.detail)


@given(convs(transposed=False))
def test_definition_sums_match_the_independent_reference(op: Conv) -> None:
    """The checks' own definition agrees with tests/reference.py (a third derivation)."""
    axis = op.axes[0]
    ref = reference(n=axis.n, kernel=axis.kernel_size, stride=axis.stride,
                    dilation=axis.dilation, padding=op.padding, padding_mode=axis.padding_mode,
                    flip=op.flip, in_channels=op.in_channels, out_channels=op.out_channels,
                    groups=op.groups, kernel_values=list(op.kernel))
    defined = C.definition_outputs(op)
    assert [sympy.expand(x - y) for x, y in zip(defined, ref.output)] == [0] * len(defined)


# ----- mutants ---------------------------------------------------------------------------------
def shifted(op: Conv) -> sympy.ImmutableSparseMatrix:
    """Off-by-one padding: every entry moved one column right (padding before one smaller)."""
    rows, cols = op.shape
    entries = {(r, c + 1): v for r, row in enumerate(op.rows) for c, v in row.items()
               if c + 1 < cols}
    return sympy.ImmutableSparseMatrix(rows, cols, entries)


def swapped(op: Conv) -> sympy.ImmutableSparseMatrix:
    """Taps 0 and 1 of every weight exchanged."""
    kernel = list(op.kernel)
    K = op.kernel_shape[2]
    for w in range(0, len(kernel), K):
        kernel[w], kernel[w + 1] = kernel[w + 1], kernel[w]
    return C.variant(op, kernel).matrix


def wrong_stride(op: Conv) -> sympy.ImmutableSparseMatrix:
    return op.replace(stride=op.axes[0].stride + 1).matrix


def dropped_fold(op: Conv) -> sympy.ImmutableSparseMatrix:
    return op.replace(padding_mode="zeros").matrix


def channel_mixup(op: Conv) -> sympy.ImmutableSparseMatrix:
    """Every weight reads the next input channel (columns of channel c moved to c + 1)."""
    n = op.axes[0].n
    entries = {(r, (c // n + 1) % op.in_channels * n + c % n): v
               for r, row in enumerate(op.rows) for c, v in row.items()}
    return sympy.ImmutableSparseMatrix(*op.shape, entries)


MUTANTS = {"off_by_one_padding": shifted, "swapped_taps": swapped, "wrong_stride": wrong_stride,
           "dropped_border_fold": dropped_fold, "channel_mixup": channel_mixup}

FORWARD = Conv(12, 3, stride=2, dilation=2, padding="same")
FORWARD_S1 = Conv(10, 3, dilation=2, padding=2)
REFLECT = Conv(9, 3, dilation=2, padding=2, padding_mode="reflect")
CIRCULAR = Conv(10, 3, stride=2, dilation=2, padding="same", padding_mode="circular")
REPLICATE = Conv(8, 2, dilation=3, padding="causal", padding_mode="replicate", flip=True)
TRANSPOSED = Conv(6, 3, stride=2, dilation=2, padding=1, transposed=True, output_padding=1)
CHANNELS = Conv(8, 3, stride=2, dilation=2, padding=2, in_channels=2, out_channels=4, groups=2)

CHANNELS_T = Conv(5, 2, stride=2, dilation=3, padding=1, transposed=True, in_channels=4,
                  out_channels=2, groups=2)

# which check must catch which mutant (the cases a check is designed to see)
ALL = ["off_by_one_padding", "swapped_taps", "wrong_stride", "dropped_border_fold",
       "channel_mixup"]
EXPECTED = {name: ALL for name in CHECKS}
EXPECTED["formulas"] = [name for name in ALL if name != "dropped_border_fold"]


def _cases():
    for check_name, mutant_names in EXPECTED.items():
        for mutant_name in mutant_names:
            ops = {"dropped_border_fold": [REFLECT, CIRCULAR, REPLICATE],
                   "channel_mixup": [CHANNELS, CHANNELS_T]}.get(
                mutant_name, [FORWARD, FORWARD_S1, TRANSPOSED, CHANNELS, REFLECT])
            for op in ops:
                yield pytest.param(check_name, mutant_name, op,
                                   id=f"{check_name}-{mutant_name}-{ops.index(op)}")


@pytest.mark.parametrize(("check_name", "mutant_name", "op"), list(_cases()))
def test_checks_catch_mutants(check_name: str, mutant_name: str, op: Conv) -> None:
    try:
        mutant = MUTANTS[mutant_name](op)
    except SymdilError:
        pytest.skip(f"{mutant_name} cannot be built for {op}")  # pragma: no cover
    assert mutant != op.matrix
    result = CHECKS[check_name](op, matrix=mutant)
    assert not result.passed, (check_name, mutant_name, result.detail)
    assert result.detail


@pytest.mark.parametrize("check_name", list(CHECKS))
def test_the_mutant_table_covers_every_check(check_name: str) -> None:
    assert EXPECTED[check_name], f"{check_name} must catch at least one mutant"


@given(convs(transposed=False, modes=("zeros",)), st.data())
def test_random_shift_mutants_are_caught(op: Conv, data) -> None:
    """Hypothesis over configurations: the off-by-one mutant fails the definition, numeric and
    polyphase checks whenever it actually changes the matrix."""
    mutant = shifted(op)
    if mutant == op.matrix:
        return
    for check in (C.check_definition, C.check_numeric, C.check_polyphase):
        assert not check(op, matrix=mutant).passed


def test_definition_catches_a_wrong_output_vector() -> None:
    output = list(FORWARD.output)
    output[2] = output[2] + FORWARD.input[0]
    result = C.check_definition(FORWARD, output=output)
    assert not result.passed
    assert "row 2" in result.detail


def test_formulas_reports_what_was_counted() -> None:
    result = C.check_formulas(FORWARD)
    assert result.passed
    assert "padding before 1" in result.detail and "receptive field 5" in result.detail
    bad = C.check_formulas(FORWARD, matrix=shifted(FORWARD))
    assert "padding before: formula 1, counted 0" in bad.detail


def test_polyphase_states_the_multiplication_count() -> None:
    result = C.check_polyphase(Conv(7, 2, dilation=2))
    assert result.passed
    # m = 5 outputs, K = 2 taps: 10 multiplications, 10 non-zeros (valid padding)
    assert "10 multiplications" in result.detail and "M has 10 non-zeros" in result.detail
    assert "phase 0: 3, phase 1: 2" in result.detail


def test_transposition_covers_output_padding_beyond_the_stride() -> None:
    op = Conv(5, 3, stride=2, dilation=3, padding=1, transposed=True, output_padding=2)
    for check in CHECKS.values():
        assert check(op).passed


def test_nd_operators_are_checked() -> None:
    """Every instance check applies in N-D (tests/test_checks_nd.py has the N-D cases)."""
    op = Conv((4, 5), (2, 3), padding=1, stride=(2, 1))
    for name, check in CHECKS.items():
        result = check(op)
        assert result.applicable and result.passed, (name, result.detail)
        assert "N-D" not in result.detail


def test_nd_numeric_catches_a_wrong_matrix() -> None:
    op = Conv((4, 5), (2, 3), padding=1)
    wrong = Conv((4, 5), (2, 3), padding=1, flip=True).matrix
    assert not C.check_numeric(op, matrix=wrong).passed
    assert not C.check_definition(op, matrix=wrong).passed


def test_symbolic_operators_are_not_instance_checked() -> None:
    op = Conv("n", 3, dilation=2)
    for check in CHECKS.values():
        result = check(op)
        assert not result.applicable and "symbolic" in result.detail


def test_torch_cross_check() -> None:
    pytest.importorskip("torch", reason="PyTorch is not installed (the [torch] extra, see README)")
    for op in (FORWARD, REFLECT, CIRCULAR, REPLICATE, TRANSPOSED, CHANNELS,
               Conv((4, 5), (2, 3), padding=1, stride=(2, 1))):
        assert C.check_numeric(op, against="torch").passed
    assert not C.check_numeric(FORWARD, matrix=shifted(FORWARD), against="torch").passed


@given(convs())
def test_padding_split_and_printed_rows_pass_on_correct_operators(op: Conv) -> None:
    """The two checks without a candidate matrix (they examine the resolver and Conv.row)."""
    for check in (C.check_padding_split, C.check_printed_rows):
        result = check(op)
        assert result.passed, (check.__name__, op, result.detail)
    assert C.check_padding_split(op).applicable == (op.axes[0].padding_word is not None)
