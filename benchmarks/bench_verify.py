"""Time ``symdil verify`` at n = 4096 (the issue's scale target) and in 2-D/3-D, check by check.

Run: ``python benchmarks/bench_verify.py [n]``.  Prints seconds per check and in total for a few
1-D configurations of length n, then 2-D and 3-D ones (16x16 is ``symdil verify --n 16,16
--kernel 3,3 --dilation 2 --padding same``); every check must pass.  A benchmark prints figures,
it asserts nothing about time.
"""

from __future__ import annotations

import sys
import time

from symdil import Conv, checks
from symdil.general import check_general
from symdil.kronecker import check_kronecker

CHECKS = [
    ("definition", checks.check_definition),
    ("dilation_identity", checks.check_dilation),
    ("stride_identity", checks.check_stride),
    ("transposition", checks.check_transposition),
    ("polyphase", checks.check_polyphase),
    ("formulas", checks.check_formulas),
    ("kronecker", check_kronecker),
    ("general_case", check_general),
    ("numeric", checks.check_numeric),
]


def configurations(n: int) -> list[tuple[str, Conv]]:
    return [
        ("K=3 s=2 d=2 same", Conv(n, 3, stride=2, dilation=2, padding="same")),
        ("K=3 s=1 d=2 same", Conv(n, 3, dilation=2, padding="same")),
        ("K=5 s=1 d=3 same reflect", Conv(n, 5, dilation=3, padding="same",
                                          padding_mode="reflect")),
        ("K=3 s=2 d=2 p=1 transposed", Conv(n, 3, stride=2, dilation=2, padding=1,
                                            transposed=True, output_padding=1)),
    ]


def nd_configurations() -> list[tuple[str, Conv]]:
    return [
        ("16x16 K=3x3 d=2 same", Conv((16, 16), (3, 3), dilation=2, padding="same")),
        ("64x64 K=3x3 d=2 same", Conv((64, 64), (3, 3), dilation=2, padding="same")),
        ("16x16 s=2 C=4 g=2 reflect", Conv((16, 16), 3, stride=2, dilation=2, padding="same",
                                           padding_mode="reflect", in_channels=4,
                                           out_channels=4, groups=2)),
        ("8x8 K=3x3 s=2 transposed", Conv((8, 8), 3, stride=2, dilation=2, padding=1,
                                          transposed=True, output_padding=1)),
        ("8x8x8 K=3 d=2 same", Conv((8, 8, 8), 3, dilation=2, padding="same")),
    ]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    print(f"symdil verify at n = {n} (seconds)")
    header = "".join(f"{name[:12]:>13}" for name, _ in CHECKS)
    print(f"{'configuration':<28}{'build':>8}{header}{'total':>9}")
    for label, op in configurations(n) + nd_configurations():
        start = time.perf_counter()
        op.matrix  # noqa: B018 - building the operator is part of what a user waits for
        op.output  # noqa: B018
        build = time.perf_counter() - start
        times = []
        for name, check in CHECKS:
            begin = time.perf_counter()
            result = check(op)
            times.append(time.perf_counter() - begin)
            if not result.passed:
                raise SystemExit(f"{label}: {name} failed: {result.detail}")
        total = build + sum(times)
        cells = "".join(f"{t:>13.2f}" for t in times)
        print(f"{label:<28}{build:>8.2f}{cells}{total:>9.2f}")


if __name__ == "__main__":
    main()
