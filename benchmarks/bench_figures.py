"""Figure cost against n: each figure of a large operator ÷ the same figure of a small one,
measured in the same run (issue 14: a figure's cost does not grow with n beyond the elision
limits).

    python benchmarks/bench_figures.py [--repeat 5]

For 1-D (n = 100 vs n = 10**9), 2-D (n = 10 x 10 vs 10**5 x 10**5) and a transposed operator,
the window and matrix figures are built and written as SVG and TikZ; the script prints the
median CPU seconds of each and the ratio large ÷ small (about 1 means independent of n).
This is a benchmark script, not a timed test.
"""

from __future__ import annotations

import argparse
import statistics
import time

from symdil import Conv
from symdil.figures import figure, to_svg, to_tikz

CASES = [
    ("1-D dilated, same", dict(n=100, kernel=3, dilation=4, padding="same"),
     dict(n=10**9, kernel=3, dilation=4, padding="same")),
    ("2-D dilated", dict(n=(10, 10), kernel=(3, 3), dilation=2, padding=1),
     dict(n=(10**5, 10**5), kernel=(3, 3), dilation=2, padding=1)),
    ("transposed", dict(n=100, kernel=3, stride=2, padding=1, transposed=True),
     dict(n=10**9, kernel=3, stride=2, padding=1, transposed=True)),
]


def cost(params: dict, kind: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        op = Conv(**params)  # a fresh operator: no cached rows
        start = time.process_time()
        drawn = figure(op, kind)
        to_svg(drawn)
        to_tikz(drawn)
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'case':<20} {'kind':<7} {'small s':>9} {'large s':>9} {'ratio':>6}")
    for name, small, large in CASES:
        for kind in ("window", "matrix"):
            a, b = cost(small, kind, args.repeat), cost(large, kind, args.repeat)
            print(f"{name:<20} {kind:<7} {a:9.4f} {b:9.4f} {b / a:6.2f}")


if __name__ == "__main__":
    main()
