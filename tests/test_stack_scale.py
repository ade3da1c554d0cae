"""Stacks that ran away (issue 22): each answers or refuses in one line, within bounded memory.

Refusal-or-result tests: every command runs in a child process under a 2 GB address-space limit
and a generous timeout (the answers take about a second; the timeout only catches a run away, it
times nothing).  Results are checked where they are checked elsewhere against the reference:
here the numbers that follow from the closed forms (r, S, P, the bound), written out by hand."""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest

from symdil import Stack, SymdilError
from symdil.stack.model import clipped_sum

TIMEOUT = 90  # seconds: generous, the machine may be shared
MEMORY = 2 * 1024 ** 3
BIG = str(10 ** 12)
WAVENET4 = ("--wavenet", "4")
CAUSAL20 = tuple(item for _ in range(20) for item in ("-l", "k=2 p=causal"))
ONES1000 = tuple(item for _ in range(1000) for item in ("-l", "k=1"))


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def symdil(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "symdil", *args], capture_output=True,
                            text=True, timeout=TIMEOUT, preexec_fn=_limit, cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode in (0, 1, 2), result.stderr
    if result.returncode == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return result


@pytest.mark.parametrize("fmt", ["text", "json", "latex", "markdown", "html"])
def test_wavenet4_at_10_to_12_in_every_format(fmt) -> None:
    result = symdil("stack", "--n", BIG, *WAVENET4, "-f", fmt)
    assert result.returncode == 0, result.stderr
    assert ("999999999984" in result.stdout) or ("999,999,999,984" in result.stdout)


def test_wavenet4_at_10_to_12_figure_and_verify(tmp_path) -> None:
    result = symdil("stack", "--n", BIG, *WAVENET4, "--figure", str(tmp_path / "f.svg"),
                    "-o", str(tmp_path / "s.txt"))
    assert result.returncode == 0 and "<svg" in (tmp_path / "f.svg").read_text()
    result = symdil("stack", "--n", BIG, *WAVENET4, "--verify")
    assert result.returncode == 0 and "proved for every n >= 1" in " ".join(result.stdout.split())


def test_wavenet4_at_10_to_12_in_a_build(tmp_path) -> None:
    (tmp_path / "big.toml").write_text(
        f'[[stack]]\nname = "big"\nn = {BIG}\nwavenet = 4\nformats = ["latex", "markdown"]\n'
        'verify = true\nfigures = true\n')
    result = symdil("build", "big.toml", "--no-pdf", cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr + result.stdout
    latex = (tmp_path / "output" / "big.tex").read_text()
    assert "statements of this document are not evaluated" in latex
    assert r"every $n \ge 1$" in latex and (tmp_path / "output" / "big-stack.svg").exists()


@pytest.mark.parametrize("args", [
    ("--n", "16", "--wavenet", "18"),
    ("--n", "16", "--wavenet", "30"),
    ("--n", BIG, "--wavenet", "30"),
    ("--n", "16", *CAUSAL20),
    ("--n", BIG, *CAUSAL20),
    ("--n", "16", *ONES1000),
    ("--n", "16", "--dilations", "100000000"),
    ("--n", "16", "--dilations", "1" + "0" * 100),
    ("--n", "16", "--wavenet", "2", "--in-channels", "1" + "0" * 100),
    ("--n", "16", "--wavenet", "2", "--in-channels", "100000"),
    ("--n", "16", "--wavenet", "2", "--in-channels", "1000000"),
    ("--n", BIG, "-l", "k=3 s=2 transposed"),
    # issue 22's review: the border rows were found by scanning rows (_border_indices)
    ("--n", BIG, "--wavenet", "10"),
    ("--n", "4096", "--wavenet", "20"),
    ("--n", BIG, "--dilations", "1000000,2000000", "--kernel", "3"),
])
@pytest.mark.parametrize("fmt", ["text", "latex"])
def test_sizes_answer_or_refuse_in_one_line(args, fmt) -> None:
    symdil("stack", *args, "-f", fmt)


@pytest.mark.parametrize("args", [
    ("--n", "16", "--wavenet", "18"),
    ("--n", "16", *CAUSAL20),
    ("--n", "16", *ONES1000),
    ("--n", "1000000", "--wavenet", "30"),
])
def test_deep_stacks_verify(args) -> None:
    result = symdil("stack", *args, "--verify")
    assert result.returncode == 0, result.stderr


def test_summaries_of_deep_stacks_are_the_closed_forms() -> None:
    result = symdil("stack", "--n", "16", "--wavenet", "30")
    assert "receptive field:   1073741824" in result.stdout
    assert "single convolution: stride 1, padding (1073741823, 0), 1073741824 composed taps" \
        in result.stdout
    result = symdil("stack", "--n", "16", "--dilations", "1" + "0" * 100)
    assert f"receptive field:   {10 ** 100 + 1}" in result.stdout


def test_refusals_name_the_parameter() -> None:
    result = symdil("stack", "--n", "16", "--wavenet", "2", "--in-channels", "100000")
    assert "in_channels" in result.stderr and "100,000" in result.stderr
    result = symdil("stack", "--n", BIG, "-l", "k=3 s=2 transposed")
    assert result.stderr.startswith("Error: n: with a transposed layer (layer 1)")
    result = symdil("stack", "--n", "16", "--wavenet", "30", "-f", "json", "-o", "s.tex")
    assert result.returncode == 2 and "--format json writes JSON" in result.stderr


# ----- from Python -----------------------------------------------------------------------------
def test_python_api_at_10_to_12() -> None:
    net = Stack(10 ** 12, [dict(kernel=2, dilation=2 ** j, padding="causal") for j in range(4)])
    assert net.nonzeros_bound == 16 * 10 ** 12 - 120  # every row reads 16 inputs but the first 15
    single = net.single_conv()
    assert single.conv is not None and single.exists and single.border == ()
    assert net.clean_indices(0) == range(15, 10 ** 12)
    deep = Stack(10 ** 12, [dict(kernel=2, dilation=2 ** j, padding="causal") for j in range(30)])
    single = deep.single_conv()
    assert single.exists and single.conv is None and "weights" in single.unbuilt
    assert single.size == (2 ** 30,) and single.padding == ((2 ** 30 - 1, 0),)
    with pytest.raises(SymdilError, match="row 999999999999 of the composed matrix"):
        deep.row(10 ** 12 - 1)
    with pytest.raises(SymdilError, match="more than 2,000,000"):
        deep.rows  # noqa: B018


def test_same_padding_deep_stack_border_rows_are_bounded() -> None:
    net = Stack(10 ** 12, [dict(kernel=3, dilation=2 ** j, padding="same") for j in range(25)])
    single = net.single_conv()  # about 2^25 candidate border rows: not decided, in one line
    assert single.conv is None and single.reason.startswith("not decided")


def test_clipped_sum_is_the_sum() -> None:
    import random

    rng = random.Random(3)
    for _ in range(3000):
        slope, low = rng.randint(1, 4), rng.randint(-20, 10)
        high, n, m = low + rng.randint(0, 25), rng.randint(1, 25), rng.randint(1, 25)
        want = sum(max(0, min(slope * i + high, n - 1) - max(slope * i + low, 0) + 1)
                   for i in range(m))
        assert clipped_sum(slope, low, high, n, m) == want
