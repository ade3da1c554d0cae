"""Handouts: deterministic documents whose answer key agrees with an independent reference.

The key is read back from the rendered Markdown (numbers, matrices and sums parsed out of the
text) and compared with ``tests/reference.py`` -- plain loops over the definition, sharing no code
with symdil -- built from the sizes the question states.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
import sympy
from reference import reference, resolve
from tools import assert_katex_ok, compile_latex, pdf_text

from symdil import SymdilError
from symdil.handout.document import BLANK, Handout, handout
from symdil.handout.exercises import DEFAULT_KINDS as KINDS

SEEDS = range(0, 40)


# ----- reading the rendered key back --------------------------------------------------------


def blocks(markdown: str) -> dict[int, str]:
    """Exercise number -> its section of a rendered Markdown document."""
    parts = re.split(r"^#+ Exercise (\d+): .*$", markdown, flags=re.M)
    return {int(number): text for number, text in zip(parts[1::2], parts[2::2])}


def matrix_after(text: str, label: str) -> list[list[str]]:
    """The cells of the first bmatrix after ``label``."""
    start = text.index(label + r"\begin{bmatrix}") + len(label + r"\begin{bmatrix}")
    body = text[start:text.index(r"\end{bmatrix}", start)]
    return [[cell.strip() for cell in line.split("&")] for line in body.strip().split("\\\\")]


def value(cell: str):
    """A printed matrix entry back to SymPy: ``k_{1}``, ``k_{0,2}``, ``0``, ``\\boxed{k_{1}}``."""
    cell = re.sub(r"\\boxed\{(.*)\}\Z", r"\1", cell.strip())
    if cell == "0":
        return sympy.S.Zero
    match = re.fullmatch(r"k_\{(\d+)\}|k_\{(\d+),(\d+)\}", cell)
    assert match, cell
    if match.group(1) is not None:
        return sympy.Symbol(f"k_{match.group(1)}")
    return sympy.Symbol(f"k_{{{match.group(2)},{match.group(3)}}}")


def linear_sum(text: str) -> sympy.Expr:
    """``k_{0} a_{5} + k_{1} a_{6}`` (or ``0``) back to SymPy; the kernel comes first and the
    terms in tap order (issue 12 section 3)."""
    text = text.strip().rstrip(".")
    if text == "0":
        return sympy.S.Zero
    total = sympy.S.Zero
    taps = []
    for term in text.split(" + "):
        match = re.fullmatch(r"k_\{(\d+)\} a_\{(\d+)\}", term.strip())
        assert match, term
        taps.append(int(match.group(1)))
        total += sympy.Symbol(f"a_{match.group(2)}") * sympy.Symbol(f"k_{match.group(1)}")
    assert taps == sorted(taps), f"terms not in tap order: {text}"
    return total


def ints(text: str) -> list[int]:
    return [int(v) for v in re.findall(r"-?\d+", text)]


def ref_1d(q: dict, **extra):
    return reference(q["n"], q["kernel_size"], q["stride"], q["dilation"],
                     list(q["padding"]), **extra)


def check_key_block(exercise, text: str) -> None:
    """One exercise's key against the reference built from the question's sizes."""
    q, kind = exercise.question, exercise.kind
    if kind == "output_length":
        m = len(ref_1d(q).matrix)
        assert re.search(rf"= {m}\.\n\$\$", text), text
    elif kind == "fill_matrix":
        ref = ref_1d(q).matrix
        cells = matrix_after(text, "M = ")
        assert [[value(c) for c in row] for row in cells] == ref
        boxed = {(r, c) for r, row in enumerate(cells) for c, cell in enumerate(row)
                 if cell.startswith(r"\boxed")}
        assert boxed == set(q["blanks"])
        for r in sorted({r for r, _ in q["blanks"]}):
            expected = sum((ref[r][c] * sympy.Symbol(f"a_{c}") for c in range(q["n"])),
                           sympy.S.Zero)
            found = re.search(re.escape(f"y_{{{r}}} = ") + r"([^$]*)\$", text).group(1)
            assert sympy.expand(linear_sum(found) - expected) == 0
    elif kind == "zero_diagonals":
        ref = ref_1d(q).matrix
        d, K = q["dilation"], q["kernel_size"]
        gap = re.search(r"\(a\) \$d - 1 = (\d+) - 1 = (\d+)\$", text)
        assert gap and int(gap.group(2)) == d - 1
        taps = re.findall(r"k_\{(\d+)\}\\colon j - i = (-?\d+)", text)
        by_tap = {int(t): int(offset) for t, offset in taps}
        for t in range(K):  # tap t sits at (i, i + offset) wherever that is inside the matrix
            cells = {(i, i + by_tap[t]) for i in range(len(ref)) if 0 <= i + by_tap[t] < q["n"]}
            assert cells and all(ref[i][j] == sympy.Symbol(f"k_{t}") for i, j in cells)
        diagonals = sorted({j - i for i, row in enumerate(ref) for j, v in enumerate(row) if v})
        assert sorted(by_tap.values()) == diagonals
        zero = re.search(r"\(c\) \$M_\{(\d+),j\} = 0 \\text\{ for \} j = ([-\d, ]+)\$", text)
        row = int(zero.group(1))
        assert row == q["row"]
        assert ints(zero.group(2)) == [j for j, v in enumerate(ref[row]) if v == 0]
        assert [[value(c) for c in line] for line in matrix_after(text, "M = ")] == ref
    elif kind == "output_entry":
        r = q["row"]
        found = re.search(re.escape(f"$$\ny_{{{r}}} = ") + r"(.*)\.\n\$\$", text).group(1)
        assert sympy.expand(linear_sum(found) - ref_1d(q).output[r]) == 0
    elif kind == "same_padding":
        split = re.search(r"\(p_\{\\mathrm\{before\}\}, p_\{\\mathrm\{after\}\}\) = "
                          r"\((\d+), (\d+)\)", text)
        before, after = int(split.group(1)), int(split.group(2))
        n, K, d = q["n"], q["kernel_size"], q["dilation"]
        assert (before, after) == resolve("same", n, K, 1, d)
        assert len(reference(n, K, 1, d, [before, after]).matrix) == n
    elif kind == "transposed_shape":
        shape = re.search(r"m \\times n = (\d+) \\times (\d+)", text)
        ref = ref_1d(q, transposed=True, output_padding=q["output_padding"]).matrix
        assert (int(shape.group(1)), int(shape.group(2))) == (len(ref), len(ref[0]))
    elif kind == "block_structure":
        (h, w), (kh, kw), (dh, dw) = q["n"], q["kernel_size"], q["dilation"]
        ref = reference((h, w), (kh, kw), 1, (dh, dw), [p[0] for p in q["padding"]]).matrix
        out_w = (w + 2 * q["padding"][1][0] - dw * (kw - 1) - 1) + 1
        out_h = len(ref) // out_w
        sizes = re.search(r"A \$(\d+) \\times (\d+)\$ grid of \$(\d+) \\times (\d+)\$ blocks",
                          text)
        assert tuple(map(int, sizes.groups())) == (out_h, h, out_w, w)

        def block(bi: int, bj: int) -> list[list]:
            return [row[bj * w:(bj + 1) * w] for row in ref[bi * out_w:(bi + 1) * out_w]]

        pattern = matrix_after(text, "M = ")
        named = {}
        for bi in range(out_h):
            for bj in range(h):
                cell = pattern[bi][bj]
                is_zero = all(v == 0 for row in block(bi, bj) for v in row)
                assert (cell == "0") == is_zero, (bi, bj, cell)
                if cell != "0":
                    named.setdefault(cell, []).append(block(bi, bj))
        for name, found in named.items():
            cells = matrix_after(text, name + " = ")
            assert all([[value(c) for c in row] for row in cells] == b for b in found), name
    else:  # pragma: no cover - a new kind needs a check here
        pytest.fail(f"no reference check for kind {kind}")


# ----- tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_every_answer_in_the_key_agrees_with_the_reference(seed: int) -> None:
    sheet = Handout(len(KINDS), seed, solutions=True)
    key = blocks(sheet.render("markdown", "solutions"))
    assert sorted(key) == list(range(1, len(KINDS) + 1))
    for number, exercise in enumerate(sheet.exercises, start=1):
        check_key_block(exercise, key[number])


@pytest.mark.parametrize("seed", SEEDS[:10])
def test_the_blank_grid_shows_the_reference_outside_the_blanks(seed: int) -> None:
    sheet = Handout(len(KINDS), seed)
    questions = blocks(sheet.render("markdown"))
    exercise = sheet.exercises[KINDS.index("fill_matrix")]
    ref = ref_1d(exercise.question).matrix
    cells = matrix_after(questions[KINDS.index("fill_matrix") + 1], "M = ")
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            if (r, c) in exercise.question["blanks"]:
                assert cell == BLANK
            else:
                assert value(cell) == ref[r][c]


def test_the_checker_itself_rejects_a_wrong_key() -> None:
    """The reference comparison above can fail: a key with one wrong number does not pass it."""
    sheet = Handout(len(KINDS), 3, solutions=True)
    key = blocks(sheet.render("markdown", "solutions"))
    exercise = sheet.exercises[0]
    m = exercise.answer["output_length"]
    with pytest.raises(AssertionError):
        check_key_block(exercise, key[1].replace(f"= {m}.", f"= {m + 1}."))


def test_same_seed_gives_byte_identical_documents() -> None:
    for fmt in ("latex", "markdown"):
        for part in ("handout", "solutions"):
            first = Handout(6, 314, solutions=True).render(fmt, part)
            assert first == Handout(6, 314, solutions=True).render(fmt, part)
            assert first == handout(6, 314, fmt, solutions=True, part=part)


def test_different_seeds_give_different_documents() -> None:
    documents = {handout(6, seed, "latex", solutions=True) for seed in range(25)}
    assert len(documents) == 25


def test_the_document_has_notation_worked_examples_then_exercises() -> None:
    text = handout(6, 314, "latex", solutions=True)
    order = [text.index(mark) for mark in (
        r"\section*{Notation}", r"\section*{Worked examples}", r"\subsection*{Example 1: $n = 7,\quad K = 2,\quad s = 1,\quad d = 2",
        r"\subsection*{Example 2: $n = 8,\quad K = 3,\quad s = 2,", r"\section*{Exercises}",
        r"\subsection*{Exercise 1:", r"\subsection*{Exercise 6:", r"\clearpage" + "\n" + r"\section*{Answer key}")]
    assert order == sorted(order)
    assert "k_{0}\\, a_{i} + k_{1}\\, a_{i + 2}" in text  # the dilation-2 two-tap row
    assert "Exercise 7:" not in text
    for word in ("stride", "dilation", "padding", "receptive field"):
        assert word in text


@pytest.mark.parametrize("seed", [9, 13, 17, 314])
def test_no_exercise_restates_a_worked_example(seed: int) -> None:
    """`symdil handout -e 6 --seed 314` used to set Example 1 (whole matrix printed) as exercise 3."""
    from symdil.handout.document import worked_example
    from symdil.handout.exercises import worked_examples

    text = Handout(6, seed).render("markdown")
    examples = [worked_example(op)["given"] for op in worked_examples()]
    assert all(text.count(given) == 1 for given in examples)  # the example's own heading
    questions = blocks(text)
    assert sorted(questions) == list(range(1, 7))
    for number, block in questions.items():
        assert not any(given in block for given in examples), number


def test_without_solutions_no_key_and_the_key_alone_has_no_questions() -> None:
    sheet = Handout(6, 5)
    text = sheet.render("latex")
    assert "Answer key" not in text and r"\boxed{k_" not in text
    key = sheet.render("latex", "solutions")
    assert "Answer key" in key and "Notation" not in key and "Name:" not in key
    assert key.count(r"\subsection*{Exercise") == 6


def test_worked_example_statements_match_the_matrices() -> None:
    from symdil.handout.document import worked_example
    from symdil.handout.exercises import worked_examples

    first, second = (worked_example(op) for op in worked_examples())
    ref = reference(7, 2, 1, 2, 0).matrix
    diagonals = sorted({j - i for i, row in enumerate(ref) for j, v in enumerate(row) if v})
    assert first["diagonals"] == ", ".join(map(str, diagonals)) == "0, 2"
    assert first["gap"] == 1 and first["shift"] == 1 and first["cut"] == []
    ref = reference(8, 3, 2, 1, 1).matrix
    starts = [min(j for j, v in enumerate(row) if v) for row in ref]
    assert second["shift"] == starts[2] - starts[1] == 2
    cut = [i for i, row in enumerate(ref) if sum(1 for v in row if v) < 3]
    assert [c["row"] for c in second["cut"]] == cut == [0]
    assert second["nonzeros"] == sum(1 for row in ref for v in row if v) == 11
    assert second["diagonals"] is None  # stride 2: the rows are not diagonals


def test_a_failing_check_refuses_to_render() -> None:
    sheet = Handout(6, 314, solutions=True)
    wrong = replace(sheet.exercises[0], answer={"output_length": 99})
    sheet.exercises = (wrong,) + sheet.exercises[1:]
    with pytest.raises(SymdilError, match=r"exercise 1 \(output_length\) failed its check"):
        sheet.render("latex")
    with pytest.raises(SymdilError, match="failed its check"):
        sheet.exercise(1)._repr_markdown_()


def test_bad_arguments_are_one_line_errors() -> None:
    with pytest.raises(SymdilError, match="exercises"):
        Handout(0, 1)
    with pytest.raises(SymdilError, match="seed"):
        Handout(3, -1)
    with pytest.raises(SymdilError, match="format"):
        Handout(3, 1).render("docx")
    with pytest.raises(SymdilError, match="part"):
        Handout(3, 1).render("latex", "teacher")
    with pytest.raises(SymdilError, match="number must be an integer from 1 to 3"):
        Handout(3, 1).exercise(4)


def test_a_title_is_escaped() -> None:
    text = handout(2, 1, "latex", title=r"Week 3: \input{/etc/passwd} & 100% $x$")
    assert r"\input{/etc" not in text
    assert r"Week 3: \textbackslash{}input\{/etc/passwd\} \& 100\% \$x\$" in text
    md = handout(2, 1, "markdown", title="Week *3*")
    assert md.startswith("# Week \\*3\\*\n")


def test_templates_override_by_name(tmp_path) -> None:
    folder = tmp_path / "latex"
    folder.mkdir()
    (folder / "handout_key.tex.j2").write_text(
        "KEY ((( seed ))) ((* for e in exercises *))[((( e.answer | length )))]((* endfor *))\n")
    sheet = Handout(2, 9)
    assert sheet.render("latex", "solutions", tmp_path).startswith("KEY 9 [")
    assert r"\section*{Notation}" in sheet.render("latex", "handout", tmp_path)  # not overridden
    (folder / "handout_key.tex.j2").write_text("((( no_such_thing )))\n")
    with pytest.raises(SymdilError, match=r"handout_key\.tex\.j2.*undefined variable "
                                          r"'no_such_thing'"):
        sheet.render("latex", "solutions", tmp_path)


@pytest.mark.parametrize("seed", [314, 2, 11])
def test_handout_and_key_compile_with_pdflatex(seed: int) -> None:
    sheet = Handout(8, seed, solutions=True)
    pdf = compile_latex(sheet.render("latex"), standalone=True)
    text = pdf_text(pdf)
    assert "Answer key" in text and "Exercise 8" in text
    compile_latex(sheet.render("latex", "solutions"), standalone=True)


def test_markdown_math_parses_with_katex() -> None:
    documents = []
    for seed in range(12):
        sheet = Handout(len(KINDS), seed, solutions=True)
        documents += [sheet.render("markdown"), sheet.render("markdown", "solutions"),
                      sheet.exercise(2)._repr_markdown_(), sheet.exercise(7)._repr_markdown_()]
    assert_katex_ok(*documents)


def test_notebook_displays() -> None:
    from symdil import Conv
    from symdil.derivation import Derivation

    op = Conv(7, 2, dilation=2)
    assert op._repr_latex_().startswith("$$") and "k_{0}" in op._repr_latex_()
    assert "1. Definition" in Derivation(op)._repr_markdown_()
    assert Derivation(op)._repr_latex_().startswith("$$")
    sheet = Handout(7, 314, solutions=True)
    grid = sheet.exercise(2)
    latex = grid._repr_latex_()
    assert latex.startswith("$$") and latex.endswith("$$") and r"\boxed{k_{1}}" in latex
    assert BLANK in Handout(7, 314).exercise(2)._repr_latex_()
    markdown = grid._repr_markdown_()
    assert markdown.startswith("#### Exercise 2: Fill in the matrix") and "**Answer.**" in markdown
    assert "**Answer.**" not in Handout(7, 314).exercise(2)._repr_markdown_()
    assert sheet._repr_markdown_() == sheet.render("markdown")
    maths = [sheet.exercise(i)._repr_latex_() for i in range(1, 8)]
    assert_katex_ok(*maths)
