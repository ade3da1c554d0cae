"""``verify`` costs time proportional to the operator's non-zeros, in 1-D, 2-D and 3-D.

Run: ``python benchmarks/bench_verify.py [--quick]``.  For each configuration it runs
``symdil.verify`` (every check, as the CLI does) and prints the wall and CPU seconds, the
non-zeros, the work estimate the guard uses (``checks.cost.verify_work``), and microseconds of CPU
per non-zero.  Proportionality shows as a flat last column while the sizes grow 10-50 times; the
ratio of the largest to the smallest configuration of each dimension is printed at the end.  The
3-D 40x40x40 3x3x3 operator is issue 11's example (``symdil verify --n 40,40,40 --kernel 3,3,3``;
``--quick`` stops at 24x24x24).  Every check must pass.  A benchmark prints figures; it asserts
nothing about time (CPU time is printed because the machine's 2 cores are shared).
"""

from __future__ import annotations

import sys
import time

from symdil import Conv
from symdil.checks.cost import MAX_VERIFY_WORK, verify_work
from symdil.verification import verify


def configurations(quick: bool) -> list[tuple[str, str, Conv]]:
    # every configuration is past definition.OUTPUT_CHECK_LIMIT (Conv.output, one SymPy sum per
    # row at about 60 us per non-zero, is compared only below it), so the columns compare alike
    configs = [
        ("1-D", "n=16384 K=3 d=2 same", Conv(16384, 3, dilation=2, padding="same")),
        ("1-D", "n=65536 K=3 d=2 same", Conv(65536, 3, dilation=2, padding="same")),
        ("1-D", "n=262144 K=3 d=2 same", Conv(262144, 3, dilation=2, padding="same")),
        ("2-D", "64x64 K=3x3 d=2 same", Conv((64, 64), 3, dilation=2, padding="same")),
        ("2-D", "128x128 K=3x3 d=2 same", Conv((128, 128), 3, dilation=2, padding="same")),
        ("2-D", "256x256 K=3x3 d=2 same", Conv((256, 256), 3, dilation=2, padding="same")),
        ("3-D", "16x16x16 K=3x3x3", Conv((16, 16, 16), 3)),
        ("3-D", "24x24x24 K=3x3x3", Conv((24, 24, 24), 3)),
    ]
    if not quick:
        configs.append(("3-D", "40x40x40 K=3x3x3", Conv((40, 40, 40), 3)))
    return configs


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    print(f"symdil verify: seconds per non-zero (guard: work <= {MAX_VERIFY_WORK:,})")
    print(f"{'dim':<5}{'configuration':<26}{'non-zeros':>11}{'work':>11}{'wall s':>9}"
          f"{'CPU s':>9}{'CPU us/nnz':>12}")
    per_dim: dict[str, list[float]] = {}
    for dim, label, op in configurations(quick):
        work = sum(verify_work(op))
        wall, cpu = time.perf_counter(), time.process_time()
        report = verify(op)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if not report.passed:
            raise SystemExit(f"{label}: {[c.name for c in report.failed]} failed")
        nonzeros = op.nonzeros
        micro = cpu / nonzeros * 1e6
        per_dim.setdefault(dim, []).append(micro)
        print(f"{dim:<5}{label:<26}{nonzeros:>11,}{work:>11,}{wall:>9.2f}{cpu:>9.2f}"
              f"{micro:>12.1f}", flush=True)
    for dim, values in per_dim.items():
        print(f"{dim}: CPU per non-zero, largest / smallest configuration: "
              f"{values[-1] / values[0]:.2f}x")


if __name__ == "__main__":
    main()
