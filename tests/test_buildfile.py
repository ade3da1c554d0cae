"""Build files: a good file loads to the expected plan; every bad file names file, entry and key."""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

import pytest
import sympy

from symdil import Conv, SymdilError
from symdil.build.file import CONV_KEYS, BuildFileError, BuildPlan, Handout, Target, load_build

GOOD = """
[defaults]
formats = ["latex"]
max_rows = 6

[[derivation]]
name = "atrous"
n = 11
kernel = 3
dilation = 4
padding = "same"
formats = ["latex", "markdown"]

[[derivation]]
name = "down"
n = 16
kernel = 2
stride = 2
verify = true
title = "Down-sampling & friends"

[[derivation]]
name = "image_2d"
n = [6, 5]
kernel = [3, 2]
stride = [2, 1]
padding = [[1, 0], 2]
in_channels = 2
out_channels = 4
groups = 2

[[derivation]]
name = "general"
n = "n"
kernel = [0.5, "1/2", -1]
flip = true

[[handout]]
name = "sheet-314"
exercises = 6
seed = 314
solutions_file = "sheet-314-key"
formats = ["latex", "pdf"]
"""


def write(tmp_path: Path, text: str, name: str = "paper.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(BuildFileError) as info:
        load_build(path)
    assert str(info.value) == "\n".join(info.value.problems)
    return [line.removeprefix(f"{path}: ") for line in info.value.problems]


def test_good_file_loads_to_the_expected_plan(tmp_path):
    plan = load_build(write(tmp_path, GOOD))
    assert isinstance(plan, BuildPlan) and plan.path == tmp_path / "paper.toml"
    assert plan.targets == (
        Target("atrous", "derivation", ("latex", "markdown"), Conv(11, 3, dilation=4,
               padding="same"), max_rows=6),
        Target("down", "derivation", ("latex",), Conv(16, 2, stride=2), verify=True, max_rows=6,
               title="Down-sampling & friends"),
        Target("image_2d", "derivation", ("latex",),
               Conv((6, 5), (3, 2), stride=(2, 1), padding=((1, 0), 2), in_channels=2,
                    out_channels=4, groups=2), max_rows=6),
        Target("general", "derivation", ("latex",),
               Conv("n", (sympy.Rational(1, 2), sympy.Rational(1, 2), -1), flip=True),
               max_rows=6),
        Target("sheet-314", "handout", ("latex", "pdf"),
               handout=Handout(exercises=6, seed=314, solutions=True,
                               solutions_file="sheet-314-key"), max_rows=6),
    )
    atrous, down, image, general, sheet = plan.targets
    assert atrous.op.padding == (4, 4) and image.op.padding == ((1, 0), (2, 2))
    assert general.op.symbolic and general.op.kernel == (sympy.Rational(1, 2),) * 2 + (-1,)
    assert atrous.files() == {"latex": "atrous.tex", "markdown": "atrous.md"}
    assert sheet.files() == {"latex": "sheet-314.tex", "pdf": "sheet-314.pdf",
                             "solutions-latex": "sheet-314-key.tex",
                             "solutions-pdf": "sheet-314-key.pdf"}


def test_loading_is_deterministic(tmp_path):
    path = write(tmp_path, GOOD)
    assert load_build(path) == load_build(path)
    assert repr(load_build(path)) == repr(load_build(path))


def test_conv_keys_are_the_conv_parameters():
    assert CONV_KEYS == tuple(inspect.signature(Conv).parameters)


def test_handout_defaults(tmp_path):
    (target,) = load_build(write(tmp_path, '[[handout]]\nname = "h"\n')).targets
    assert target.handout == Handout(exercises=6, seed=0, solutions=False, solutions_file=None)
    assert target.formats == ("latex",) and target.op is None


def test_relative_templates_folder_is_resolved_against_the_build_file(tmp_path, monkeypatch):
    folder = tmp_path / "paper"
    (folder / "my-templates").mkdir(parents=True)
    path = write(folder, """
        [defaults]
        templates = "my-templates"
        [[derivation]]
        name = "a"
        n = 7
        kernel = 2
        [[handout]]
        name = "b"
        templates = "../paper/my-templates"
    """)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    first, second = load_build(Path("..") / "paper" / "paper.toml").targets
    assert first.templates == second.templates == (folder / "my-templates").resolve()
    assert load_build(path).targets[0].templates == (folder / "my-templates").resolve()


ENTRY = '[[derivation]]\nname = "down"\nn = 16\nkernel = 2\n'


@pytest.mark.parametrize("extra, expected", [
    ("strid = 2", "derivation[1] \"down\": unknown key 'strid' (allowed: name, n, kernel, stride, "
     "dilation, padding, padding_mode, flip, transposed, output_padding, input_symbol, "
     "kernel_symbol, output_symbol, in_channels, out_channels, groups, formats, standalone, "
     "verify, figures, max_rows, max_cols, templates, title); did you mean 'stride'?"),
    ("stride = 1.5", "derivation[1] \"down\": 'stride' must be an integer or a list of integers "
     "(one per axis), got 1.5 (a float)"),
    ("flip = \"yes\"", "derivation[1] \"down\": 'flip' must be true or false, got \"yes\" (a string)"),
    ("stride = true", "derivation[1] \"down\": 'stride' must be an integer or a list of integers "
     "(one per axis), got true (a boolean)"),
    ("padding = [[1, 2, 3]]", "derivation[1] \"down\": 'padding' must be an integer, [before, after], "
     "a list per axis of integers or [before, after] pairs, or one of \"valid\", \"same\", \"full\", "
     "\"causal\", got [[1, 2, 3]] (an array)"),
    ("max_rows = 2", "derivation[1] \"down\": 'max_rows' must be an integer >= 3, got 2 (an integer)"),
    ("formats = [\"latex\", \"docx\"]",
     "derivation[1] \"down\": unknown format 'docx' in 'formats' (allowed: latex, markdown, pdf, html)"),
    ("formats = \"latex\"", "derivation[1] \"down\": 'formats' must be a non-empty list of "
     "\"latex\", \"markdown\", \"pdf\", \"html\", got \"latex\" (a string)"),
    ("formats = []", "derivation[1] \"down\": 'formats' must be a non-empty list of "
     "\"latex\", \"markdown\", \"pdf\", \"html\", got [] (an array)"),
    ("stride = 0", "derivation[1] \"down\": stride must be a positive integer, got 0"),
    ("padding = \"sam\"", "derivation[1] \"down\": padding must be an integer, a (before, after) "
     "pair or one of valid, same, full, causal; got 'sam'"),
    ("dilation = 20", "derivation[1] \"down\": kernel span d(K-1)+1 = 21 exceeds the padded input "
     "length 16"),
    ("stride = [2, 2]", "derivation[1] \"down\": stride must be one value for a 1-D input, "
     "got (2, 2)"),
    ("kernel_symbol = \"\\\\input\"", "derivation[1] \"down\": kernel_symbol must be a letter "
     "optionally followed by letters/digits, or a Greek letter name such as 'alpha', optionally "
     "with primes (w') or one accent (\\tilde x, \\hat{x}), got '\\\\input'"),
    ("templates = \"nowhere\"", None),  # checked below: the message holds the absolute path
])
def test_one_bad_key(tmp_path, extra, expected):
    found = problems(tmp_path, ENTRY + extra + "\n")
    if expected is None:
        folder = (tmp_path / "nowhere").resolve()
        expected = (f"derivation[1] \"down\": 'templates' must be a folder (relative to the build "
                    f"file), {str(folder)!r} is not one")
    assert found == [expected]


@pytest.mark.parametrize("value, expected", [
    ('n = "7"', "'n' must be an integer or a list of integers (one per axis), or a symbol name "
     "such as \"n\" for the general case, got \"7\" (a string)"),
    ('kernel = "3"', "'kernel' must be a number of taps K, a list of sizes (one per axis), or in "
     "1-D a list of tap values such as [1, -2, 1] or [\"1/2\", \"1/2\"], got \"3\" (a string)"),
    ("kernel = [1, true]", "'kernel' must be a number of taps K, a list of sizes (one per axis), "
     "or in 1-D a list of tap values such as [1, -2, 1] or [\"1/2\", \"1/2\"], got [1, true] "
     "(an array)"),
    ("kernel = [1, nan]", "'kernel' must be a number of taps K, a list of sizes (one per axis), "
     "or in 1-D a list of tap values such as [1, -2, 1] or [\"1/2\", \"1/2\"], got [1, NaN] "
     "(an array)"),
])
def test_wrong_type_for_a_conv_parameter(tmp_path, value, expected):
    key = value.split(" ")[0]
    text = "\n".join(value if line.startswith(key + " ") else line for line in ENTRY.splitlines())
    assert problems(tmp_path, text) == [f'derivation[1] "down": {expected}']


@pytest.mark.parametrize("name, shown", [
    ('"bad name"', ' "bad name"'), ('"-rf"', ' "-rf"'), ('"../up"', ' "../up"'),
    ('"x.tex"', ' "x.tex"'), ('""', ' ""'), ("7", ""), ('"' + "a" * 101 + '"', ' "' + "a" * 101 + '"'),
])
def test_bad_names(tmp_path, name, shown):
    (found,) = problems(tmp_path, ENTRY.replace('"down"', name))
    assert found.startswith(f"derivation[1]{shown}: 'name' must be a file stem of letters, "
                            "digits, '-' and '_' starting with a letter or digit")


def test_duplicate_names_including_case_and_solution_files(tmp_path):
    found = problems(tmp_path, ENTRY + ENTRY.replace("16", "8") + ENTRY.replace('"down"', '"Down"')
                     + '[[handout]]\nname = "sheet"\nsolutions_file = "down"\n')
    suffix = "names become file names and must be unique, ignoring case"
    assert found == [
        f'derivation[2] "down": duplicate name "down" (also derivation[1] "down"): {suffix}',
        f'derivation[3] "Down": duplicate name "Down" (also derivation[1] "down"): {suffix}',
        f'handout[1] "sheet": duplicate name "down" (also derivation[1] "down"): {suffix}',
    ]


def test_every_problem_is_reported_in_file_order(tmp_path):
    found = problems(tmp_path, """
        [defaults]
        formats = "latex"
        verify = "yes"

        [[derivation]]
        n = 7
        kernel = 2
        stride = 0

        [[derivation]]
        name = "ok"
        n = 7
        kernel = 2
        colour = "red"

        [[handout]]
        name = "sheet"
        seed = 1.5
        solutions = false
        solutions_file = "key"

        [[derivatoin]]
        name = "typo"
    """)
    assert found == [
        "defaults: 'formats' must be a non-empty list of \"latex\", \"markdown\", \"pdf\", \"html\", got "
        "\"latex\" (a string)",
        "defaults: 'verify' must be true or false, got \"yes\" (a string)",
        "derivation[1]: missing required key 'name'",
        "derivation[1]: stride must be a positive integer, got 0",
        "derivation[2] \"ok\": unknown key 'colour' (allowed: name, n, kernel, stride, dilation, "
        "padding, padding_mode, flip, transposed, output_padding, input_symbol, kernel_symbol, "
        "output_symbol, in_channels, out_channels, groups, formats, standalone, verify, figures, "
        "max_rows, max_cols, templates, title)",
        "handout[1] \"sheet\": 'seed' must be an integer >= 0, got 1.5 (a float)",
        "handout[1] \"sheet\": 'solutions_file' needs solutions = true (or leave 'solutions' out)",
        "unknown table 'derivatoin' (allowed: [defaults], [[derivation]], [[handout]], [[stack]])",
    ]


def test_a_rejected_value_does_not_fall_back_to_its_default(tmp_path):
    # the default n = 3 would make Conv fail; the entry's bad n must be the only complaint
    found = problems(tmp_path, '[defaults]\nn = 3\n[[derivation]]\nname = "a"\nn = 2.5\nkernel = 5\n')
    assert found == ["derivation[1] \"a\": 'n' must be an integer or a list of integers (one per "
                     "axis), or a symbol name such as \"n\" for the general case, got 2.5 (a float)"]


def test_defaults_apply_where_they_fit_and_are_checked_once(tmp_path):
    plan = load_build(write(tmp_path, '[defaults]\nn = 9\nseed = 4\nverify = true\n'
                                      '[[derivation]]\nname = "a"\nkernel = 2\n'
                                      '[[handout]]\nname = "b"\n'))
    derivation, handout = plan.targets
    assert derivation.op == Conv(9, 2) and derivation.verify
    assert handout.handout.seed == 4 and not handout.verify
    assert problems(tmp_path, '[defaults]\nname = "x"\n' + ENTRY) == [
        "defaults: unknown key 'name' (allowed: n, kernel, stride, dilation, padding, "
        "padding_mode, flip, transposed, output_padding, input_symbol, kernel_symbol, "
        "output_symbol, in_channels, out_channels, groups, formats, standalone, verify, "
        "figures, max_rows, max_cols, templates, title, exercises, seed, solutions, solutions_file, "
        "kinds, level)"]


def test_handout_rejects_derivation_keys(tmp_path):
    found = problems(tmp_path, '[[handout]]\nname = "h"\nexercise = 3\nn = 7\n')
    assert found[1].startswith("handout[1] \"h\": unknown key 'n' (allowed: name, exercises,")
    found = found[0]
    assert found.startswith("handout[1] \"h\": unknown key 'exercise' (allowed: name, exercises, "
                            "seed, solutions, solutions_file, kinds, level, figures, formats, "
                            "max_rows, max_cols, templates, title); did you mean 'exercises'?")


@pytest.mark.parametrize("text, expected", [
    ("[[derivation]]\nname = \"a\"\nn = = 7\n", "invalid TOML: Invalid value (at line 3, column 5)"),
    ("[[derivation]]\nname = \"a\"\nname = \"b\"\n",
     "invalid TOML: Cannot overwrite a value (at line 3, column 11)"),
    ("", "nothing to build: add [[derivation]], [[handout]] or [[stack]] entries"),
    ("[derivation]\nname = \"a\"\n",
     "'derivation' must be [[derivation]] entries, got {\"name\": \"a\"} (a table)"),
    ("derivation = [1]\n", "derivation[1]: must be a table, got 1 (an integer)"),
    ("defaults = 3\n[[handout]]\nname = \"h\"\n",
     "'defaults' must be a table [defaults], got 3 (an integer)"),
])
def test_file_level_problems(tmp_path, text, expected):
    assert problems(tmp_path, text) == [expected]


def test_unreadable_files(tmp_path):
    with pytest.raises(BuildFileError, match=r"missing\.toml: cannot be read: No such file"):
        load_build(tmp_path / "missing.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes('title = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(BuildFileError, match="latin1.toml: invalid TOML"):
        load_build(path)


def test_build_file_error_is_a_symdil_error():
    assert issubclass(BuildFileError, SymdilError)


def test_handout_kinds_and_level(tmp_path):
    plan = load_build(write(tmp_path, '[[handout]]\nname = "h"\nkinds = ["find_wrong_entry", '
                            '"receptive_field"]\nlevel = 3\nfigures = true\n'))
    spec = plan.targets[0].handout
    assert spec.kinds == ("find_wrong_entry", "receptive_field") and spec.level == 3
    assert plan.targets[0].figures
    found = problems(tmp_path, '[[handout]]\nname = "h"\nkinds = ["nope"]\nlevel = 0\n')
    assert found == ["handout[1] \"h\": 'level' must be 1, 2 or 3, got 0 (an integer)",
                     "handout[1] \"h\": kinds: unknown kind 'nope'; the kinds are "
                     "output_length, fill_matrix, zero_diagonals, output_entry, same_padding, "
                     "transposed_shape, block_structure, receptive_field, effective_stride, "
                     "single_conv, transposed_length, numeric_output, which_parameters, "
                     "find_wrong_entry (symdil handout --list-kinds)"]
