"""Sizes that ran away (issue 22): each answers within bounded time and memory, or is refused in
one line.  Each case runs ``symdil`` in a child process under a memory cap and a generous
timeout -- a refusal-or-result test, not a timing: a regression shows up as a timeout, a
MemoryError or a traceback instead of an answer."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: Address space of one child: the interpreter, SymPy and NumPy take about 600 MB of it (virtual),
#: so 2 GB leaves room for the work but stops one that grows with n.
MEMORY_CAP = 2 * 1024**3
TIMEOUT = 120  # seconds; every case below takes a few on a busy machine

TERA = str(10**12)


def run_bounded(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """``symdil ARGS`` in a child process limited to ``MEMORY_CAP`` bytes and ``TIMEOUT`` s."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.run([sys.executable, "-m", "symdil", *args], capture_output=True,
                          text=True, timeout=TIMEOUT, preexec_fn=cap, env=env, input=stdin)


def assert_answer_or_refusal(result: subprocess.CompletedProcess) -> None:
    """Exit 0 with output, or exit 2 with exactly one ``Error:`` line -- never a traceback."""
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    if result.returncode == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr[-2000:]
    else:
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout


CIRCULAR = ["--kernel", "3", "--padding", "1", "--padding-mode", "circular"]


@pytest.mark.parametrize("n", [str(10**6), TERA])
@pytest.mark.parametrize("command", [["matrix"], ["derive"], ["figure", "--kind", "matrix"]])
def test_circular_padding_is_bounded_in_n(command: list[str], n: str) -> None:
    # a circular row wraps: its band ran from column 0 to n - 1, and elision listed all of it
    result = run_bounded(*command, "--n", n, *CIRCULAR)
    assert result.returncode == 0, result.stderr[-2000:]
    if command == ["matrix"]:
        last = int(n) - 1
        # the last row folds onto the first input: y_{n-1} = k_0 a_{n-2} + k_1 a_{n-1} + k_2 a_0
        assert f"y_{last} = k_0*a_{last - 1} + k_1*a_{last} + k_2*a_0" in result.stdout


@pytest.mark.parametrize("command", [["matrix"], ["derive"]])
def test_circular_padding_2d_is_bounded_in_n(command: list[str]) -> None:
    result = run_bounded(*command, "--n", f"{TERA},{TERA}", "--kernel", "3,3", "--padding", "1",
                         "--padding-mode", "circular")
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("n", ["1000", "10000"])
@pytest.mark.parametrize("command", ["matrix", "derive"])
def test_3d_elided_print_costs_what_it_shows(command: str, n: str) -> None:
    # a 3-D row's band spans about two planes (2 n^2 columns); it was listed column by column
    result = run_bounded(command, "--n", f"{n},{n},{n}", "--kernel", "3,3,3")
    assert result.returncode == 0, result.stderr[-2000:]


def test_derive_with_a_long_stride_does_not_list_the_unread_inputs() -> None:
    # 997 of every 1,000 inputs are unread: the zero-weight statement listed all ~n of them
    result = run_bounded("derive", "--n", TERA, "--kernel", "3", "--stride", "1000")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "never read by any window" in result.stdout


@pytest.mark.parametrize("options, refused", [
    (["--n", TERA, "--kernel", "3", "--max-rows", "1000", "--max-cols", "1000"], "matrix cells"),
    (["--n", str(10**6), "--kernel", str(10**6)], "terms in one output's sum"),
    (["--n", str(10**13), "--kernel", "3", "--dilation", TERA], None),
    (["--n", TERA, "--kernel", "3", "--max-rows", "1000", "--max-cols", "10"], None),
    (["--n", TERA, "--kernel", "3", "--max-rows", "1000"], "matrix cells"),  # 16 columns by default
])
def test_matrix_figure_has_the_printed_matrix_guards(options: list[str], refused: str | None):
    result = run_bounded("figure", "--kind", "matrix", *options)
    assert_answer_or_refusal(result)
    if refused:
        assert result.returncode == 2 and refused in result.stderr
    else:
        assert result.returncode == 0 and result.stdout.startswith("<?xml")


def test_general_case_stride_limit_is_the_one_that_runs() -> None:
    # stride 10,000 ran > 300 s under a limit of 50,000; now the limit is the derivation's
    # (10,000 residues) and the proof at the limit answers
    result = run_bounded("verify", "--n", "n", "--kernel", "3", "--stride", "10000", "-f", "json")
    assert result.returncode == 0, result.stderr[-2000:]
    # the report summarises the 20,000 instance sizes instead of listing them
    assert "(20,000 values, two per residue of n mod 10,000)" in result.stdout
    assert len(result.stdout) < 20_000
    refused = run_bounded("verify", "--n", "n", "--kernel", "3", "--stride", "10001")
    assert_answer_or_refusal(refused)
    assert refused.returncode == 2 and "stride must be at most 10,000" in refused.stderr


@pytest.mark.parametrize("options", [
    ["--padding", "300000"],
    ["--dilation", "100000", "--padding", "same", "--padding-mode", "circular"],
])
def test_wide_borders_are_refused_before_the_work(options: list[str]) -> None:
    # 600,000 border rows took 30 s and 1 GB under the old border limit (2,000,000 entries)
    result = run_bounded("derive", "--n", TERA, "--kernel", "3", *options)
    assert_answer_or_refusal(result)
    assert result.returncode == 2 and "border entries" in result.stderr


# --- hostile review (issue 22): dilations with huge gaps between taps, 2-D, build errors -------

WIDE_DILATION_1D = [
    ["matrix", "--n", TERA, "--kernel", "3", "--dilation", str(10**9)],
    ["matrix", "--n", TERA, "--kernel", "3", "--dilation", str(10**5)],
    ["matrix", "--n", TERA, "--kernel", "3", "--dilation", str(10**6), "-f", "latex"],
    ["matrix", "--n", TERA, "--kernel", "3", "--dilation", str(10**9), "-f", "html"],
    ["matrix", "--n", str(3 * 10**6), "--kernel", "3", "--dilation", str(10**6)],
    ["derive", "--n", TERA, "--kernel", "3", "--dilation", str(10**11), "--stride", "99999",
     "--format", "markdown"],
    ["derive", "--n", TERA, "--kernel", "3", "--dilation", str(10**5)],
    ["derive", "--n", TERA, "--kernel", "3", "--dilation", str(10**6)],
    ["figure", "--kind", "matrix", "--n", TERA, "--kernel", "3", "--dilation", str(10**5)],
    ["figure", "--kind", "matrix", "--n", TERA, "--kernel", "3", "--dilation", str(10**6)],
    ["matrix", "--n", TERA, "--kernel", "3", "--dilation", str(10**5), "--max-rows", "3",
     "--max-cols", str(10**6)],
]

WIDE_DILATION_2D = [
    ["matrix", "--n", "100000,100000", "--kernel", "3,3", "--dilation", "10000,10000"],
    ["matrix", "--n", "3000,3000", "--kernel", "3,3", "--dilation", "1000,1000"],
    ["matrix", "--n", "3000,3000", "--kernel", "3,3", "--dilation", "1000,1000", "-f", "latex"],
    ["derive", "--n", "3000,3000", "--kernel", "3,3", "--dilation", "1000,1000"],
    ["figure", "--kind", "matrix", "--n", "3000,3000", "--kernel", "3,3", "--dilation",
     "1000,1000"],
]


@pytest.mark.parametrize("args", WIDE_DILATION_1D + WIDE_DILATION_2D,
                         ids=lambda args: " ".join(args)[:70])
def test_wide_dilations_answer_or_refuse(args: list[str]) -> None:
    # the band of a row spans (K - 1) d + 1 columns with K non-zeros: listing the span took
    # 13.6 GB at d = 10^9 and > 60 s at d = 10^6; what is shown must cost what the taps cost
    assert_answer_or_refusal(run_bounded(*args))


def test_wide_dilation_matrix_shows_the_true_last_row() -> None:
    result = run_bounded("matrix", "--n", str(3 * 10**6), "--kernel", "3", "--dilation",
                         str(10**6))
    assert result.returncode == 0, result.stderr[-2000:]
    # m = n - (K - 1) d = 1,000,000 outputs; the last reads a_999999, a_1999999, a_2999999
    assert "y_999999 = k_0*a_999999 + k_1*a_1999999 + k_2*a_2999999" in result.stdout
    assert "y_1000000 " not in result.stdout


def test_wide_dilation_in_a_build_is_bounded(tmp_path) -> None:
    (tmp_path / "wide.toml").write_text(
        f'[[derivation]]\nname = "wide"\nn = {TERA}\nkernel = 3\ndilation = 1000000\n'
        'formats = ["latex", "markdown", "html"]\n')
    result = subprocess.run(
        [sys.executable, "-m", "symdil", "build", "wide.toml", "--no-pdf", "-O", "out"],
        capture_output=True, text=True, timeout=TIMEOUT, cwd=tmp_path,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP)),
        env={**os.environ, "PYTHONPATH": ROOT})
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "out" / "wide.tex").exists()


def test_every_line_of_a_build_error_is_an_error_line(tmp_path) -> None:
    # a build file with several problems printed the second and later ones without "Error:"
    (tmp_path / "b1.toml").write_text(
        '[[derivation]]\nname = "a"\nn = 5\nkernel = "3"\n\n'
        '[[derivation]]\nname = "b"\nn = "x\\u0000"\nkernel = 3\n')
    result = subprocess.run(
        [sys.executable, "-m", "symdil", "build", "b1.toml", "--no-pdf"], capture_output=True,
        text=True, timeout=TIMEOUT, cwd=tmp_path, env={**os.environ, "PYTHONPATH": ROOT})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert all(line.startswith("Error: b1.toml: derivation[") for line in lines), result.stderr
    assert "'n' must be" in lines[1] and "x\\u0000" in lines[1]
    assert not (tmp_path / "output").exists()  # nothing half-written
