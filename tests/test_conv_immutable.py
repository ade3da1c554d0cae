"""Nothing a caller holds can change a Conv, and index arguments are validated."""

from __future__ import annotations

import pytest

from symdil import Conv, SymdilError


def test_rows_are_read_only():
    op = Conv(n=7, kernel=2, dilation=2)
    with pytest.raises(TypeError):
        op.rows[0][6] = 99
    assert op.nonzeros == 10 and op.matrix[0, 6] == 0


def test_arguments_are_frozen_copies():
    taps = [1, 2]
    op = Conv(n=4, kernel=taps)
    before = hash(op)
    taps[0] = 9
    assert hash(op) == before
    assert op.replace().kernel == op.kernel == (1, 2)


@pytest.mark.parametrize("bad", [True, -1, 7, 2.0, "0"])
def test_input_symbol_at_range(bad):
    with pytest.raises(SymdilError, match="column must be an integer in \\[0, 7\\)"):
        Conv(n=7, kernel=2, dilation=2).input_symbol_at(bad)


@pytest.mark.parametrize("bad", [True, -1, 5])
def test_output_symbol_at_and_row_range(bad):
    op = Conv(n=7, kernel=2, dilation=2)
    with pytest.raises(SymdilError, match="row must be an integer in \\[0, 5\\)"):
        op.output_symbol_at(bad)
    with pytest.raises(SymdilError, match="row must be an integer in \\[0, 5\\)"):
        op.row(bad)


def test_one_tuple_in_1d_is_a_tap_value():
    # In 1-D a sequence is always concrete taps; an int is the number of taps.
    assert Conv(n=4, kernel=(3,)).kernel == (3,)
    assert len(Conv(n=4, kernel=3).kernel) == 3
