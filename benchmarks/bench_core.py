"""Benchmark of the core operator build (issue 2).  Prints ratios measured in one run.

    python benchmarks/bench_core.py

1. n = 65,536, K = 3, d = 4, s = 2: building ``.matrix`` and ``.output`` divided by the floor, the time
   to merely construct the m*K products k_t*a_j and their sums with SymPy.  Goal <= 1.5, must <= 2.
2. n = 512: the naive dense way (``Matrix(m, n, lambda i, j: ...) * Matrix(a)``) divided by ours.
   Must be >= 20.
Each timing is the best of a few repetitions (the machines are noisy); symbols are created fresh outside
the timed region so SymPy's cache of a previous round cannot help either side.
"""

from __future__ import annotations

import sys
import time

import sympy

from symdil import Conv


def best_of(repeats: int, setup, run) -> float:
    best = float("inf")
    for _ in range(repeats):
        sympy.core.cache.clear_cache()
        state = setup()
        start = time.perf_counter()
        run(state)
        best = min(best, time.perf_counter() - start)
    return best


def floor_products(n: int, K: int, d: int, s: int):
    """The floor: the m*K products k_t*a_j and the m sums, nothing else."""
    a = [sympy.Symbol(f"a_{j}") for j in range(n)]
    k = [sympy.Symbol(f"k_{t}") for t in range(K)]
    m = (n - d * (K - 1) - 1) // s + 1

    def run(_):
        return [sympy.Add(*[k[t] * a[s * i + d * t] for t in range(K)]) for i in range(m)]

    return run


def ours(n: int, K: int, d: int, s: int):
    def setup():
        op = Conv(n=n, kernel=K, dilation=d, stride=s)
        op.input  # the symbols exist before timing, as in the floor
        op.kernel
        return op

    def run(op):
        op.matrix
        op.output

    return setup, run


def naive_dense(n: int, K: int, d: int, s: int):
    a = sympy.Matrix([sympy.Symbol(f"a_{j}") for j in range(n)])
    k = [sympy.Symbol(f"k_{t}") for t in range(K)]
    m = (n - d * (K - 1) - 1) // s + 1

    def entry(i, j):
        offset = j - s * i
        if offset >= 0 and offset % d == 0 and offset // d < K:
            return k[offset // d]
        return 0

    def run(_):
        matrix = sympy.Matrix(m, n, entry)
        return matrix * a

    return run


def main() -> int:
    n, K, d, s = 65_536, 3, 4, 2
    floor = best_of(3, lambda: None, floor_products(n, K, d, s))
    setup, run = ours(n, K, d, s)
    build = best_of(3, setup, run)
    ratio = build / floor
    print(f"[1] n={n} K={K} d={d} s={s}: build {build:.3f}s, floor {floor:.3f}s, "
          f"ratio {ratio:.2f} (goal <= 1.5, must <= 2)")
    n = 512
    dense = best_of(1, lambda: None, naive_dense(n, K, d, s))
    setup, run = ours(n, K, d, s)
    sparse = best_of(3, setup, run)
    speedup = dense / sparse
    print(f"[2] n={n}: naive dense {dense:.3f}s, ours {sparse:.4f}s, speed-up {speedup:.0f}x "
          f"(must >= 20)")
    return 0 if ratio <= 2 and speedup >= 20 else 1


if __name__ == "__main__":
    sys.exit(main())
