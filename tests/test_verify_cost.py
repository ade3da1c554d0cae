"""``verify``'s cost is known before it starts, and every size is guarded (issue 11 §3).

Each command of the issue finishes in seconds with a result or a one-line refusal naming what is
too large and the limit; the work estimate is the entries the checks walk (at least the
non-zeros).
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from symdil import Conv
from symdil.checks.cost import MAX_VERIFY_WORK, verify_work
from symdil.checks.general import MAX_DELTA_SUMS, MAX_RESIDUES
from symdil.cli import app

runner = CliRunner()
BIG = str(10**12)


@pytest.mark.parametrize(("args", "exit_code", "fragment"), [
    (["--n", "7", "--kernel", "2", "--stride", BIG], 0, "all checks passed"),
    (["--n", "n", "--kernel", "3", "--stride", BIG], 2,
     f"stride must be at most {MAX_RESIDUES:,}"),
    (["--n", "n", "--kernel", "3", "--padding", BIG], 2, f"more than {MAX_DELTA_SUMS:,}"),
    (["--n", str(10**8), "--kernel", "1", "--stride", str(10**8)], 2,
     f"at most {MAX_VERIFY_WORK:,}"),
    (["--n", str(10**7), "--kernel", str(10**7)], 2, f"at most {MAX_VERIFY_WORK:,}"),
    (["--n", "7", "--kernel", "2", "--padding", BIG], 2, f"at most {MAX_VERIFY_WORK:,}"),
])
def test_huge_sizes_finish_in_seconds(args, exit_code, fragment) -> None:
    start = time.perf_counter()
    result = runner.invoke(app, ["verify", *args])
    elapsed = time.perf_counter() - start
    assert result.exit_code == exit_code, result.output
    text = result.stdout if exit_code == 0 else result.stderr
    assert fragment in text
    if exit_code == 2:
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith("Error: ")
    assert elapsed < 60  # a hang shows here as a slow test, not as a stuck suite


def test_stride_does_not_change_the_work() -> None:
    """verify --n 7 --kernel 2 --stride s: one output whatever s, the same work."""
    works = {verify_work(Conv(7, 2, stride=s)) for s in (6, 10**3, 10**12)}
    assert len(works) == 1


@settings(max_examples=60)
@given(st.integers(1, 9), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3),
       st.sampled_from(["valid", "same", "full", 1]), st.booleans())
def test_the_work_covers_the_non_zeros(n, K, s, d, padding, transposed) -> None:
    try:
        op = Conv(n, K, stride=s, dilation=d, padding=0 if transposed else padding,
                  transposed=transposed)
    except ValueError:
        return
    entries, inputs, outputs = verify_work(op)
    assert entries >= op.nonzeros
    assert outputs == op.shape[0]
    if d == 1 and not transposed:
        assert entries == op.shape[0] * K  # m*K multiplications
