"""Start-up cost of the ``symdil`` command against its two baselines, measured in the same run.

    python benchmarks/bench_startup.py [--repeat 9]

Ratios (issue 12 §2):

* ``symdil --version``, ``symdil --help`` and ``symdil <command> -h`` for every command
  ÷ ``python -c "import typer"`` — goal at most 2×;
* ``symdil derive --n 7 --kernel 2 --dilation 2`` ÷ ``python -c "import sympy"`` — at most 1.5×
  (issue 22).

Every command runs as its own process (``python -c "from symdil.cli import main; main()"``, what
the console script does), the runs of a command and its baseline alternate, and the figure is
the median of ``--repeat`` runs (the minimum is printed too: on a shared machine it is the
steadier estimate).  This is a benchmark script, not a timed test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

SYMDIL = [sys.executable, "-c", "from symdil.cli import main; main()"]
TYPER = [sys.executable, "-c", "import typer"]
SYMPY = [sys.executable, "-c", "import sympy"]


#: The children run as an installed symdil does: with Python's bytecode (pip compiles it at
#: install time; PYTHONDONTWRITEBYTECODE, set on some machines, would recompile every module
#: of symdil in every run) and with the templates' compiled code kept by the first run
#: (``render.environment``'s bytecode cache).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=ENV)
    return time.perf_counter() - start


def commands() -> list[str]:
    from symdil.cli import app

    return [info.name or info.callback.__name__ for info in app.registered_commands]


def compare(label: str, args: list[str], baseline: list[str], repeat: int) -> float:
    run(args), run(baseline)  # warm the file cache
    ours, base = [], []
    for _ in range(repeat):
        ours.append(run(args))
        base.append(run(baseline))
    ratio = statistics.median(ours) / statistics.median(base)
    best = min(ours) / min(base)
    print(f"{label:44s} {statistics.median(ours):6.3f} s ÷ {statistics.median(base):6.3f} s "
          f"= {ratio:4.2f}×  (minimum {best:4.2f}×)")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    repeat = parser.parse_args().repeat
    print('against python -c "import typer" (goal <= 2x):')
    cases = [["--version"], ["--help"]] + [[name, "-h"] for name in commands()]
    worst_fast = max(compare("symdil " + " ".join(case), SYMDIL + case, TYPER, repeat)
                     for case in cases)
    print('against python -c "import sympy" (goal <= 1.5x):')
    derive = ["derive", "--n", "7", "--kernel", "2", "--dilation", "2"]
    worst_derive = compare("symdil " + " ".join(derive), SYMDIL + derive, SYMPY, repeat)
    print(f"worst ratio: {worst_fast:.2f}x (help/version), {worst_derive:.2f}x (derive)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
