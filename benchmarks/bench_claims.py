"""Claim reading time per cell, against the smallest size measured in the same run.

    python benchmarks/bench_claims.py

Prints, for dense claims of growing size (SymPy's own LaTeX of a dilated operator, checked
against it), seconds per cell for parsing and comparing, and each size's ratio to the first: a
ratio near 1 means time proportional to the cells (issue 11 §4: any claim within seconds).
"""

from __future__ import annotations

import time

import sympy

from symdil import Conv
from symdil.claims import compare_claim, parse_claim


def main() -> None:
    baseline = None
    print(f"{'operator':>12} {'cells':>8} {'parse s':>8} {'compare s':>9} {'s/cell':>10} ratio")
    for n in (50, 100, 200, 400):
        op = Conv(n, 3, dilation=2)
        text = sympy.latex(op.matrix, mat_str="bmatrix", mat_delim="")
        start = time.perf_counter()
        claim = parse_claim(text)
        parsed = time.perf_counter()
        result = compare_claim(claim, op)
        done = time.perf_counter()
        assert result.passed, result.detail
        cells = op.shape[0] * op.shape[1]
        per_cell = (done - start) / cells
        baseline = baseline or per_cell
        print(f"{op.shape[0]:>5}×{op.shape[1]:<6} {cells:>8} {parsed - start:>8.2f} "
              f"{done - parsed:>9.2f} {per_cell:>10.2e} {per_cell / baseline:.2f}")


if __name__ == "__main__":
    main()
