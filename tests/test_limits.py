"""Issue 11 section 3: every size is guarded on the work a command will do, before doing it.

Each case used to run for minutes or to a MemoryError; now it is one ``Error:`` line naming the
parameter and the limit (exit status 2), or a result built from the visible rows only.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from symdil import Conv, SymdilError, derive
from symdil.cli import app
from symdil.core import limits

BIG = str(10**12)


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize(("args", "words"), [
    (["matrix", "--n", BIG, "--kernel", str(10**6)], ["kernel (1,000,000 taps)", "1,000"]),
    (["matrix", "--n", "7", "--kernel", "2", "--in-channels", str(10**6)],
     ["in_channels/groups (1,000,000)", "at most 1,000"]),
    (["derive", "--n", "7", "--kernel", "2", "--in-channels", str(10**6)], ["in_channels"]),
    (["derive", "--n", "7", "--kernel", "2", "--out-channels", str(10**7)],
     ["out_channels", "at most 4,096"]),
    (["derive", "--n", "7", "--kernel", "2", "--padding", BIG], ["padding", "at most 150,000"]),
    (["derive", "--n", "n", "--kernel", "2", "--padding", BIG], ["padding", "at most 150,000"]),
    (["derive", "--n", "3000", "--kernel", "3", "--max-rows", str(10**9), "--max-cols",
      str(10**9)], ["max_rows/max_cols", "2,998 x 3,000", "at most 10,000"]),
    (["derive", "--n", BIG, "--kernel", str(10**5)], ["kernel (100,000 taps)"]),
    (["derive", "--n", BIG, "--kernel", "3", "--stride", BIG, "--transposed"],
     ["stride must be at most 10,000", "got 1,000,000,000,000"]),
    (["derive", "--n", "n", "--kernel", "3", "--stride", str(10**6)],
     ["stride must be at most 10,000", "symbolic n"]),
    (["matrix", "--n", "7", "--kernel", "2", "--out-channels", str(10**7), "--format", "json"],
     ["--format json", "4,000,000"]),
])
def test_oversized_work_is_refused_in_one_line(args: list[str], words: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert message.startswith("Error: ") and "\n" not in message and "Traceback" not in message
    for word in words:
        assert word in message


def test_many_output_channels_print_from_visible_rows_only() -> None:
    """10**7 output channels: the text matrix shows its first and last rows (each O(K)), no
    kernel weight beyond those rows is built."""
    result = run("matrix", "--n", "7", "--kernel", "2", "--out-channels", str(10**7))
    assert result.exit_code == 0
    assert "60000000 x 7 operator" in result.stdout
    assert "k^{(9999999,0)}_1" in result.stdout


def test_a_huge_n_alone_is_fine() -> None:
    result = run("derive", "--n", BIG, "--kernel", "3", "--dilation", "2")
    assert result.exit_code == 0 and "999{,}999{,}999{,}996" in result.stdout


def test_api_guards_match_the_cli() -> None:
    with pytest.raises(SymdilError, match="at most 10,000 are printed"):
        derive(Conv(3000, 3), max_rows=10**9, max_cols=10**9)
    op = Conv((4, 4), (3, 3), in_channels=200, out_channels=200)
    with pytest.raises(SymdilError, match="at most 100,000 are built"):
        op.kernel  # noqa: B018 -- 360,000 weights
    assert len(op.row(0)) == 200 * 9  # one row needs only its own taps
    assert limits.kernel_weights(op) == 360_000 and limits.row_taps(op) == 1_800


@pytest.mark.parametrize("op", [
    Conv(20, 3, padding=2), Conv(20, 3, dilation=3, stride=2, padding=(5, 1)),
    Conv(9, 4, stride=3, padding="same"), Conv(6, 3, stride=2, padding=1, transposed=True),
    Conv(7, 5, dilation=2, padding=0, transposed=True), Conv(5, 2, stride=4, transposed=True),
    Conv(10, 3, padding="full"), Conv(12, 2, dilation=5),
], ids=repr)
def test_border_row_estimate_is_an_upper_bound(op: Conv) -> None:
    """The estimate the guard uses bounds the rows a border really touches (by the definition:
    forward, a window leaving the input; transposed, a tap that would need a missing input)."""
    axis = op.axes[0]
    n, k, s, d, p = axis.n, axis.kernel_size, axis.stride, axis.dilation, axis.pad_before
    if axis.transposed:
        touched = [r for r in range(axis.output_length)
                   if any((r + p - d * t) % s == 0 and not 0 <= (r + p - d * t) // s < n
                          for t in range(k))]
    else:
        touched = [i for i in range(axis.output_length)
                   if any(not 0 <= s * i + d * t - p < n for t in range(k))]
    assert len(touched) <= limits.border_rows(axis)
