"""Every command and format at a small and a huge size: time, peak memory and the ratio.

    python benchmarks/bench_scale.py [--only WORD] [--timeout 60] [--markdown]

Each case runs as its own process (``python -c "from symdil.cli import main; main()" …``, what
the console script does) at n = 16 and at n = 10^12 (3-D: 16 and 10^4 per axis; channels: 1 and
10^6), stdout to the null device.  For each it prints the wall time of both, their ratio, the
large run's peak memory (the child's maximum resident set, from ``wait4``) and a verdict:

* ``ok``       the large case answered in under 5 s and 300 MB;
* ``refused``  it was refused in one ``Error:`` line (exit status 2), in the time shown;
* ``SLOW``/``BIG``/``TIMEOUT``/``TRACEBACK``/``FAILED``: what issue 22 forbids.

A child is stopped after ``--timeout`` seconds and limited to 4 GB of address space, so a
regression shows up as TIMEOUT or FAILED instead of exhausting the machine.  The baseline of
every time is the interpreter's start-up with SymPy (``python -c "import sympy"``), measured in
the same run and printed first: a refusal costs that start-up plus a few milliseconds.  This is a
benchmark script, not a timed test (``tests/test_scale_bounded.py`` holds the
refusal-or-result tests).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYMDIL = [sys.executable, "-c", "from symdil.cli import main; main()"]
SMALL, LARGE = "16", str(10**12)
MODES = ("zeros", "circular", "reflect", "replicate")
LIMIT_SECONDS, LIMIT_MB = 5.0, 300
ADDRESS_SPACE = 4 * 1024**3
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPATH"] = str(ROOT) + os.pathsep + ENV.get("PYTHONPATH", "")


def mode_options(mode: str) -> list[str]:
    return [] if mode == "zeros" else ["--padding", "1", "--padding-mode", mode]


def cases(folder: Path) -> list[tuple[str, list[str], list[str]]]:
    """(label, small arguments, large arguments); ``{n}`` is replaced by the size."""
    out: list[tuple[str, list[str], list[str]]] = []

    def add(label: str, args: list[str], small: str = SMALL, large: str = LARGE,
            gaps: tuple[str, str] = ("1", "1")) -> None:
        def fill(size: str, gap: str) -> list[str]:
            return [a.replace("{n}", size).replace("{d}", gap).replace("{dir}", str(folder))
                    for a in args]

        out.append((label, fill(small, gaps[0]), fill(large, gaps[1])))

    base = ["--n", "{n}", "--kernel", "3", "--dilation", "2"]
    for mode in MODES:
        for fmt in ("text", "latex", "markdown", "html", "json"):
            add(f"matrix -f {fmt} ({mode})", ["matrix", *base, *mode_options(mode), "-f", fmt])
        for fmt in ("latex", "markdown", "html"):
            add(f"derive -f {fmt} ({mode})", ["derive", *base, *mode_options(mode), "-f", fmt])
        add(f"derive 2-D ({mode})", ["derive", "--n", "{n},{n}", "--kernel", "3,3",
                                     *mode_options(mode)])
        for kind in ("window", "matrix"):
            add(f"figure --kind {kind} ({mode})", ["figure", *base, *mode_options(mode),
                                                   "--kind", kind])
    add("derive --stride 1000", ["derive", "--n", "{n}", "--kernel", "3", "--stride", "1000"])
    add("derive --transposed --stride 3", ["derive", "--n", "{n}", "--kernel", "3",
                                           "--stride", "3", "--transposed"])
    # taps far apart (issue 22's review): a row's band spans (K - 1) d + 1 columns, K of them
    # non-zero; d = 5 at n = 16, d = 10^6 and 10^9 at n = 10^12, d = 10^3 per axis in 2-D
    wide = ["--n", "{n}", "--kernel", "3", "--dilation", "{d}"]
    for gap in (str(10**6), str(10**9)):
        for command in (["matrix"], ["derive"], ["figure", "--kind", "matrix"]):
            add(f"{' '.join(command)} --dilation {gap}", [*command, *wide], gaps=("5", gap))
    add("matrix 2-D --dilation 1000,1000 (16^2 / 3000^2)",
        ["matrix", "--n", "{n},{n}", "--kernel", "3,3", "--dilation", "{d},{d}"], SMALL, "3000",
        ("5", "1000"))
    add("stack --wavenet 10", ["stack", "--n", "{n}", "--wavenet", "10"], "2048", LARGE)
    add("stack --dilations 1,2 / 10^6,2*10^6", ["stack", "--n", "{n}", "--kernel", "3",
                                               "--dilations", "{d}"],
        gaps=("1,2", "1000000,2000000"))
    add("verify (guard)", ["verify", *base])
    add("derive --verify (guard)", ["derive", *base, "--verify"])
    add("matrix 3-D (16^3 / 10^4 per axis)", ["matrix", "--n", "{n},{n},{n}", "--kernel",
                                               "3,3,3"], SMALL, "10000")
    add("derive 3-D (16^3 / 10^4 per axis)", ["derive", "--n", "{n},{n},{n}", "--kernel",
                                               "3,3,3"], SMALL, "10000")
    add("matrix, out channels 1 / 10^6", ["matrix", "--n", "16", "--kernel", "3",
                                          "--out-channels", "{n}"], "1", str(10**6))
    add("derive, out channels 1 / 10^6", ["derive", "--n", "16", "--kernel", "3",
                                          "--out-channels", "{n}"], "1", str(10**6))
    add("stack --wavenet 4", ["stack", "--n", "{n}", "--wavenet", "4"])
    add("stack --wavenet 30 (deep)", ["stack", "--n", "{n}", "--wavenet", "30"], "2048", LARGE)
    add("stack --wavenet 4 -f latex", ["stack", "--n", "{n}", "--wavenet", "4", "-f", "latex"])
    add("check (annotated paper)", ["check", "{dir}/paper-{n}.tex"])
    add("handout (no n: same work)", ["handout", "--exercises", "6", "--seed", "1"])
    add("build (latex, markdown, html)", ["build", "{dir}/build-{n}.toml", "--no-pdf",
                                          "--out-dir", "{dir}/out-{n}"])
    return out


def write_inputs(folder: Path) -> None:
    for size in (SMALL, LARGE):
        (folder / f"paper-{size}.tex").write_text(
            f"% symdil: --n {size} --kernel 2 --dilation 2\n"
            "\\[ y_0 = k_0 a_0 + k_1 a_2 \\]\n")
        (folder / f"build-{size}.toml").write_text(
            f'[[derivation]]\nname = "big"\nn = {size}\nkernel = 3\ndilation = 2\n'
            'formats = ["latex", "markdown", "html"]\nstandalone = true\n')


def run(args: list[str], timeout: float) -> tuple[float, float, int | None, str]:
    """(seconds, peak MB, exit status or None on timeout, stderr)."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, env=ENV,
                                 preexec_fn=cap)
        status: int | None = None
        usage = None
        while True:
            pid, raw, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(raw)
                break
            if time.perf_counter() - start > timeout:
                child.kill()
                _, _, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        child.returncode = status if status is not None else -9  # reaped by wait4
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return seconds, usage.ru_maxrss / 1024, status, stderr


def verdict(seconds: float, megabytes: float, status: int | None, stderr: str) -> str:
    if status is None:
        return "TIMEOUT"
    if "Traceback" in stderr:
        return "TRACEBACK"
    lines = stderr.strip().splitlines()
    if status == 2:
        return "refused" if len(lines) == 1 and lines[0].startswith("Error: ") else "FAILED"
    if status != 0:
        return "FAILED"
    if seconds > LIMIT_SECONDS:
        return "SLOW"
    if megabytes > LIMIT_MB:
        return "BIG"
    return "ok"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the cases whose label holds this")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_inputs(folder)
        startup, startup_mb, _, _ = run([sys.executable, "-c", "import sympy"], options.timeout)
        print(f'baseline: python -c "import sympy" {startup:.2f} s, {startup_mb:.0f} MB')
        if options.markdown:
            print("| case | n = 16 | n = 10^12 | ratio | peak (large) | verdict |")
            print("| --- | --- | --- | --- | --- | --- |")
        bad = 0
        for label, small, large in cases(folder):
            if options.only not in label:
                continue
            small_s, _, small_status, small_err = run(SYMDIL + small, options.timeout)
            large_s, large_mb, status, err = run(SYMDIL + large, options.timeout)
            result = verdict(large_s, large_mb, status, err)
            if small_status not in (0, 1) or "Traceback" in small_err:
                result += " (small case failed)"
            bad += result not in ("ok", "refused")
            ratio = large_s / small_s if small_s else float("nan")
            if options.markdown:
                print(f"| `{label}` | {small_s:.2f} s | {large_s:.2f} s | {ratio:.2f}× | "
                      f"{large_mb:.0f} MB | {result} |")
            else:
                print(f"{label:44s} {small_s:6.2f} s {large_s:6.2f} s  {ratio:5.2f}x "
                      f"{large_mb:6.0f} MB  {result}")
            sys.stdout.flush()
    print(f"{bad} case(s) outside the bounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
