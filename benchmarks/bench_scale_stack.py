"""The stack rows of the scale benchmark (issue 22): every stack case at n = 16 and n = 10^12,
deep stacks, 30-layer stacks and 10^6 channels, with the ratio of the two and the peak memory.

Run: ``python benchmarks/bench_scale_stack.py [timeout]`` (default 120 s per command).

Each command runs as its own ``python -m symdil`` process; its CPU seconds (user + system) and
peak resident memory come from ``os.wait4`` (that process alone, so a shared machine changes
them little; a command killed at the timeout shows its CPU seconds so far, marked ">").  The baseline, measured in the same run, is the start-up of the same command with
the smallest stack (``stack --n 16 --wavenet 1``); "x base" divides by it.  A case is "ok" (an
answer), "refused" (one ``Error:`` line, exit 2) or "TIMEOUT" / "CRASH" (the bugs this guards
against; each command may use at most 3 GB of address space).  The target: every large case under 5 s and 300 MB, or a refusal in under a second
over the baseline.  A benchmark prints figures; it asserts nothing.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIG = str(10 ** 12)
CAUSAL20 = [item for _ in range(20) for item in ("-l", "k=2 p=causal")]
ONES1000 = [item for _ in range(1000) for item in ("-l", "k=1")]


#: Address space of one command (a run away ends in MemoryError, shown as CRASH, rather than
#: taking the machine's memory).
MEMORY_LIMIT = 3 * 1024 ** 3


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(args: list[str], timeout: float, cwd: str | None = None) -> tuple[str, float, float]:
    """(outcome, CPU seconds, peak MB) of ``python -m symdil *args`` in its own process."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    start = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "symdil", *args], stdout=out, stderr=err,
                             cwd=cwd, preexec_fn=_limit_memory)
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            child.kill()
            _, status, usage = os.wait4(child.pid, 0)
            return "TIMEOUT", usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
        time.sleep(0.02)
    child.returncode = os.waitstatus_to_exitcode(status)
    err.seek(0)
    stderr = err.read().decode(errors="replace")
    if "Traceback" in stderr or child.returncode not in (0, 1, 2):
        outcome = "CRASH " + (stderr.strip().splitlines() or ["?"])[-1][:60]
    elif child.returncode == 2:
        outcome = "refused"
    else:
        outcome = "ok"
    return outcome, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def cases(tmp: Path) -> list[tuple[str, list[str], list[str]]]:
    """(label, arguments at n = 16, arguments at the large size)."""
    wavenet4 = ["--wavenet", "4"]
    rows = [(f"wavenet 4 -f {fmt}", ["stack", "--n", "16", *wavenet4, "-f", fmt],
             ["stack", "--n", BIG, *wavenet4, "-f", fmt])
            for fmt in ("text", "json", "latex", "markdown", "html")]
    rows += [
        ("wavenet 4 --figure", ["stack", "--n", "16", *wavenet4, "--figure",
                                str(tmp / "a.svg"), "-o", str(tmp / "a.txt")],
         ["stack", "--n", BIG, *wavenet4, "--figure", str(tmp / "b.svg"), "-o",
          str(tmp / "b.txt")]),
        ("wavenet 4 --verify", ["stack", "--n", "16", *wavenet4, "--verify"],
         ["stack", "--n", BIG, *wavenet4, "--verify"]),
        ("[[stack]] build wavenet 4", ["build", "small.toml", "--no-pdf"],
         ["build", "big.toml", "--no-pdf"]),
        ("wavenet 30 (text)", ["stack", "--n", "16", "--wavenet", "30"],
         ["stack", "--n", BIG, "--wavenet", "30"]),
        ("wavenet 30 (latex)", ["stack", "--n", "16", "--wavenet", "30", "-f", "latex"],
         ["stack", "--n", BIG, "--wavenet", "30", "-f", "latex"]),
        ("wavenet 30 --verify (10^6)", ["stack", "--n", "16", "--wavenet", "30", "--verify"],
         ["stack", "--n", "1000000", "--wavenet", "30", "--verify"]),
        ("wavenet 10 --verify (4096)", ["stack", "--n", "16", "--wavenet", "10", "--verify"],
         ["stack", "--n", "4096", "--wavenet", "10", "--verify"]),
        ("20 x k=2 causal (latex)", ["stack", "--n", "16", *CAUSAL20, "-f", "latex"],
         ["stack", "--n", BIG, *CAUSAL20, "-f", "latex"]),
        ("20 x k=2 causal --verify", ["stack", "--n", "16", *CAUSAL20, "--verify"],
         ["stack", "--n", BIG, *CAUSAL20, "--verify"]),
        ("1000 x k=1 (latex)", ["stack", "--n", "16", *ONES1000, "-f", "latex"],
         ["stack", "--n", BIG, *ONES1000, "-f", "latex"]),
        ("--dilations 10^8", ["stack", "--n", "16", "--dilations", "1"],
         ["stack", "--n", "16", "--dilations", "100000000"]),
        ("--dilations 10^100", ["stack", "--n", "16", "--dilations", "1"],
         ["stack", "--n", "16", "--dilations", "1" + "0" * 100]),
        ("--in-channels 10^6", ["stack", "--n", "16", "--wavenet", "2", "--in-channels", "2"],
         ["stack", "--n", "16", "--wavenet", "2", "--in-channels", "1000000"]),
        ("--in-channels 10^100", ["stack", "--n", "16", "--wavenet", "2", "--in-channels", "2"],
         ["stack", "--n", "16", "--wavenet", "2", "--in-channels", "1" + "0" * 100]),
        ("transposed layer", ["stack", "--n", "16", "-l", "k=3 s=2 transposed"],
         ["stack", "--n", BIG, "-l", "k=3 s=2 transposed"]),
    ]
    for name, n in (("small", 16), ("big", BIG)):
        (tmp / f"{name}.toml").write_text(
            f'[[stack]]\nname = "{name}"\nn = {n}\nwavenet = 4\n'
            'formats = ["latex", "markdown", "html"]\n')
    return rows


def main() -> None:
    timeout = float(sys.argv[1]) if len(sys.argv) > 1 else 120.0
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        rows = cases(tmp)
        _, base, base_mb = run(["stack", "--n", "16", "--wavenet", "1"], timeout)
        print(f"baseline: stack --n 16 --wavenet 1: {base:.2f} s CPU, {base_mb:.0f} MB peak")
        print(f"{'case':<28}{'n=16 s':>8}{'large s':>9}{'ratio':>7}{'x base':>8}"
              f"{'peak MB':>9}  outcome (large)")
        for label, small, large in rows:
            _, small_s, _ = run(small, timeout, cwd=folder)
            outcome, large_s, peak = run(large, timeout, cwd=folder)
            more = ">" if outcome == "TIMEOUT" else ""  # killed: CPU so far, a lower bound
            print(f"{label:<28}{small_s:>8.2f}{more + f'{large_s:.2f}':>9}"
                  f"{more + f'{large_s / small_s:.1f}':>7}{more + f'{large_s / base:.1f}':>8}"
                  f"{peak:>9.0f}  {outcome}", flush=True)


if __name__ == "__main__":
    main()
