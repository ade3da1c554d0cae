"""The command line's reading of its input (issue 11 §5, issue 12 §2): one integer parser, huge
numbers and hostile build files as one ``Error:`` line, hints, formats named by extension, help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from symdil.cli import app

SEED = ["--n", "7", "--kernel", "2", "--dilation", "2"]
LAUNCH = [sys.executable, "-c", "from symdil.cli import main; main()"]
HUGE = "1" * 5000


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def symdil(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*LAUNCH, *args], capture_output=True, text=True, timeout=300)


def error_of(result) -> str:
    """The message of a one-line error (exit status 2, nothing on stdout, no traceback)."""
    status = getattr(result, "exit_code", getattr(result, "returncode", None))
    assert status == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    return result.stderr[len("Error: "):].rstrip("\n")


# ----- one integer parser -----------------------------------------------------------------------

INTEGER_OPTIONS = [
    ("matrix", "--stride"), ("matrix", "--dilation"), ("matrix", "--in-channels"),
    ("matrix", "--out-channels"), ("matrix", "--groups"), ("matrix", "--output-padding"),
    ("derive", "--max-rows"), ("derive", "--max-cols"),
]


@pytest.mark.parametrize(("command", "option"), INTEGER_OPTIONS)
@pytest.mark.parametrize(("value", "hint"), [
    ("1_0", "(write it without '_': 10)"),
    ("2.0", "(write 2, without the decimal point)"),
    ("1e1", ""),
    ("٣", ""),
])
def test_every_integer_option_reads_integers_alike(command, option, value, hint):
    message = error_of(run(command, *SEED, option, value))
    assert message.startswith(f"{option} must be an integer"), message
    assert f"got {value!r}" in message and message.endswith(hint)


@pytest.mark.parametrize("args", [
    ["handout", "--exercises", "1_0"], ["handout", "--seed", "2.0"],
])
def test_handout_integers_use_the_same_parser(args):
    assert error_of(run(*args)).startswith(f"{args[1]} must be an integer, got")


@pytest.mark.parametrize("option", ["--n", "--stride", "--in-channels", "--padding", "--kernel"])
def test_integers_longer_than_python_converts_are_one_error_line(option):
    args = {**dict(zip(SEED[::2], SEED[1::2])), option: HUGE}
    message = error_of(symdil("matrix", *[x for pair in args.items() for x in pair]))
    assert "4,300 digits" in message and option in message


@pytest.mark.parametrize(("kernel", "fragment"), [
    ("1/0,1", "--kernel tap '1/0' divides by zero"),
    (f"{HUGE},1", "--kernel taps must have at most 4,300 digits"),
    ("[1,-2,1]", "--kernel '[1,-2,1]': write taps as 1,-2,1, without brackets"),
    ("(1, 2)", "write taps as 1,2"),
])
def test_bad_kernels(kernel, fragment):
    assert fragment in error_of(run("matrix", "--n", "7", "--kernel", kernel))


# ----- hints ------------------------------------------------------------------------------------


def test_a_kernel_longer_than_the_input_suggests_padding():
    message = error_of(run("matrix", "--n", "5", "--kernel", "9"))
    assert "--padding same" in message and "--padding full" in message
    assert run("matrix", "--n", "5", "--kernel", "9", "--padding", "same").exit_code == 0


def test_two_paddings_in_1d_suggest_before_after():
    assert error_of(run("matrix", *SEED, "--padding", "2,3")).endswith(
        "did you mean 2:3 (before:after)?")


@pytest.mark.parametrize("word", ["SAME", "Same", "FULL", "Causal", "VALID"])
def test_padding_words_ignore_case(word):
    reference = run("matrix", *SEED, "--padding", word.lower(), "-f", "json")
    result = run("matrix", *SEED, "--padding", word, "-f", "json")
    assert result.exit_code == 0 and result.stdout == reference.stdout


def test_choices_ignore_case_and_errors_have_no_value_error_prefix():
    assert run("matrix", *SEED, "--padding-mode", "Reflect", "-p", "1").exit_code == 0
    assert run("matrix", *SEED, "-f", "JSON").exit_code == 0
    result = symdil("matrix", *SEED, "--format", "tex")
    assert result.returncode == 2 and "Value error" not in result.stderr
    assert result.stderr == ("Error: Invalid value for '--format' / '-f': 'tex' is not one of "
                             "'text', 'latex', 'markdown', 'json', 'html'.\n")


# ----- a file named for another format ---------------------------------------------------------


@pytest.mark.parametrize(("args", "fragment"), [
    (["matrix", *SEED, "--format", "json", "-o", "x.tex"],
     "-o/--output 'x.tex' is named as LaTeX (.tex) but --format json writes JSON; name it .json"),
    (["matrix", *SEED, "-o", "x.json"], "is named as JSON (.json) but --format text writes text"),
    (["matrix", *SEED, "-f", "latex", "-o", "x.md"], "--format latex writes LaTeX; name it .tex,"),
    (["verify", *SEED, "--format", "json", "-o", "x.pdf"],
     "-o/--output 'x.pdf' is named as PDF (.pdf) but --format json writes JSON"),
    (["verify", *SEED, "-o", "x.md"], "is named as Markdown (.md) but --format text writes text"),
    (["derive", *SEED, "-o", "x.md"], "but --format latex writes LaTeX; name it .tex (or .pdf "
                                      "with --pdf)"),
    (["handout", "-o", "x.json"], "is named as JSON (.json) but --format latex writes LaTeX"),
])
def test_every_command_refuses_a_file_named_for_another_format(tmp_path, monkeypatch, args,
                                                                 fragment):
    monkeypatch.chdir(tmp_path)
    assert fragment in error_of(run(*args))
    assert list(tmp_path.iterdir()) == []


def test_matching_or_neutral_extensions_are_written(tmp_path):
    for args, name in [(["matrix", *SEED, "-f", "json"], "m.json"), (["matrix", *SEED], "m.txt"),
                       (["verify", *SEED, "-f", "json"], "v.json"), (["verify", *SEED], "v")]:
        result = run(*args, "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        assert result.stdout == "" and result.stderr == f"wrote {tmp_path / name}\n"


# ----- build files ------------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "fragment"), [
    ('kernel = ["1/0", 1]', "'kernel' must be"),
    ("kernel = " + "[" * 5000 + "]" * 5000, "invalid TOML: arrays or tables nested too deeply"),
    (f"kernel = 2\nstride = {HUGE}", "invalid TOML: an integer has more than 4,300 digits"),
])
def test_hostile_build_files_are_one_error(tmp_path: Path, body, fragment):
    build = tmp_path / "b.toml"
    build.write_text(f'[[derivation]]\nname = "a"\nn = 7\n{body}\n')
    result = symdil("build", str(build), "--out-dir", str(tmp_path / "out"))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith(f"Error: {build}") and fragment in result.stderr
    assert not (tmp_path / "out").exists()


# ----- help -------------------------------------------------------------------------------------

#: every registered command, including ones added later: each must keep its -h fast and show
#: examples
COMMANDS = [info.name or info.callback.__name__ for info in app.registered_commands]


def test_the_five_first_commands_are_registered():
    assert {"matrix", "derive", "verify", "handout", "build"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_examples_and_flags_without_a_type(command):
    text = run(command, "-h").stdout
    examples = text.split("Examples:")[1].split("Options:")[0]
    lines = [line for line in examples.splitlines() if line.strip().startswith("symdil ")]
    assert 2 <= len(lines) <= 3, text
    assert "<bool>" not in text and "[bold]" not in text and "[/]" not in text


def test_flags_take_no_value():
    assert "--flip " in run("matrix", "-h").stdout
    message = error_of(symdil("matrix", *SEED, "--flip", "true"))
    assert "unexpected extra argument" in message


def test_shell_completion_is_offered_and_completes():
    text = run("--help").stdout
    assert "--install-completion" in text and "--show-completion" in text
    assert "_symdil_completion" in symdil("--show-completion", "bash").stdout
    import os

    def complete(words: str) -> list[str]:
        env = {**os.environ, "_SYMDIL_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - 1)}
        done = subprocess.run(LAUNCH, env=env, capture_output=True, text=True, timeout=120)
        return done.stdout.split()

    assert complete("symdil der") == ["derive"]
    assert complete("symdil derive --pad") == ["--padding", "--padding-mode"]


def test_help_and_version_import_neither_sympy_nor_rich():
    """What keeps ``--help``, ``-h`` and ``--version`` fast (benchmarks/bench_startup.py)."""
    heavy = ("sympy", "numpy", "jinja2", "rich", "pydantic", "lark", "mpmath")
    probe = ("import sys\nfrom symdil.cli import main\nsys.argv = ['symdil', *sys.argv[1:]]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})),"
             " file=sys.stderr)")
    for args in (["--version"], ["--help"], *[[c, "-h"] for c in COMMANDS]):
        result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True,
                                text=True, timeout=120)
        assert result.stderr.strip().splitlines()[-1] == "[]", (args, result.stderr)


def test_constants_copied_to_keep_the_cli_light_match_their_sources():
    from symdil.cli import derive, handout, options
    from symdil.core.spec import PADDING_WORDS
    from symdil.handout.exercises import MAX_EXERCISES
    from symdil.layout.elision import DEFAULT_MAX_COLS, DEFAULT_MAX_ROWS

    assert (derive.DEFAULT_MAX_ROWS, derive.DEFAULT_MAX_COLS) == (DEFAULT_MAX_ROWS,
                                                                  DEFAULT_MAX_COLS)
    assert handout.MAX_EXERCISES == MAX_EXERCISES
    assert options.PADDING_WORDS == PADDING_WORDS
