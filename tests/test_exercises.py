"""Handout exercises: deterministic from the seed, every answer checked, wrong answers rejected."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import reference, resolve

from symdil import Conv, SymdilError
from symdil.handout.exercises import (
    DEFAULT_KINDS as KINDS,
)
from symdil.handout.exercises import (
    MAX_EXERCISES,
    Exercise,
    make_exercises,
    operator_key,
    worked_examples,
)

seeds = st.integers(min_value=0, max_value=2**32)


def fingerprint(exercises: list[Exercise]) -> list:
    return [(e.kind, repr(e.op), repr(dict(e.question)), repr(dict(e.answer))) for e in exercises]


def test_same_seed_gives_identical_exercises():
    first, second = make_exercises(6, 314), make_exercises(6, 314)
    assert first == second
    assert fingerprint(first) == fingerprint(second)


def test_identical_across_processes_whatever_the_hash_seed():
    code = "from symdil.handout.exercises import make_exercises as m; print(repr(m(14, 314)))"
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": hash_seed}).stdout
        for hash_seed in ("1", "2")
    }
    assert len(outputs) == 1 and "Exercise(" in outputs.pop()


def test_different_seeds_give_different_exercises():
    prints = [repr(fingerprint(make_exercises(6, seed))) for seed in range(40)]
    assert len(set(prints)) == len(prints)


def test_kinds_cycle_and_every_kind_appears():
    assert [e.kind for e in make_exercises(9, 5)] == list(KINDS) + list(KINDS[:2])
    assert {e.kind for e in make_exercises(len(KINDS), 0)} == set(KINDS)


@given(seeds)
@settings(max_examples=40)
def test_every_answer_checks_against_the_operator(seed):
    for exercise in make_exercises(len(KINDS), seed):
        assert exercise.check(), (exercise.kind, exercise.op)


@given(seeds)
@settings(max_examples=25)
def test_sizes_fit_a_page(seed):
    for exercise in make_exercises(len(KINDS), seed):
        rows, cols = exercise.op.shape
        assert 2 <= rows <= 25 and 2 <= cols <= 16, exercise
        if exercise.kind == "fill_matrix":
            assert rows <= 10 and cols <= 10


def _mutations(exercise: Exercise) -> list[dict]:
    """Plausible wrong answers a student (or a bug) could give."""
    a = dict(exercise.answer)
    kind = exercise.kind
    if kind == "output_length":
        return [{"output_length": a["output_length"] + 1}, {"output_length": a["output_length"] - 1}]
    if kind == "fill_matrix":
        (cell, value), *rest = a["values"]
        matrix = a["matrix"].as_mutable()
        matrix[cell] = value + 1
        return [{**a, "values": ((cell, value + sympy.Symbol("k_0")), *rest)},
                {**a, "values": tuple(rest)},
                {**a, "matrix": matrix.as_immutable()}]
    if kind == "zero_diagonals":
        gap, diagonals = a["zero_diagonals_between_taps"], a["tap_diagonals"]
        return [{**a, "zero_diagonals_between_taps": gap + 1},
                {**a, "zero_diagonals_between_taps": gap - 1},
                {**a, "tap_diagonals": tuple(d + 1 for d in diagonals)},
                {**a, "zero_columns": a["zero_columns"][1:]}]
    if kind == "output_entry":
        wrong_tap = a["expression"].subs(sympy.Symbol("k_0"), sympy.Symbol("k_1"))
        extra = a["expression"] + sympy.Symbol("k_0") * sympy.Symbol("a_0")
        return [{"expression": a["expression"] + 1}, {"expression": extra}] + (
            [{"expression": wrong_tap}] if wrong_tap != a["expression"] else [])
    if kind == "same_padding":
        before, after = a["padding"]
        return [{"padding": (before + 1, after)}, {"padding": (before, after + 1)},
                {"padding": (before + 1, after - 1)}]
    if kind == "transposed_shape":
        m, n = a["shape"]
        return [{"output_length": m + 1, "shape": (m + 1, n)}, {**a, "shape": (n, m)},
                {"output_length": m - 1, "shape": (m - 1, n)}]
    assert kind == "block_structure"
    return [{**a, "block_diagonals": a["block_diagonals"] + (99,)},
            {**a, "nonzero_blocks": a["nonzero_blocks"][1:]},
            {**a, "block_grid": (a["block_grid"][0], a["block_grid"][1] + 1)},
            {**a, "block_shape": (a["block_shape"][0] + 1, a["block_shape"][1])}]


@given(seeds)
@settings(max_examples=25)
def test_a_wrong_answer_fails_the_check(seed):
    for exercise in make_exercises(len(KINDS), seed):
        for wrong in _mutations(exercise):
            assert not replace(exercise, answer=wrong).check(), (exercise.kind, wrong)


@given(seeds)
@settings(max_examples=15)
def test_a_question_that_does_not_describe_the_operator_fails(seed):
    for exercise in make_exercises(len(KINDS), seed):
        n = exercise.question["n"]
        other = tuple(v + 1 for v in n) if isinstance(n, tuple) else n + 1
        assert not replace(exercise, question={**exercise.question, "n": other}).check()


# Hand-worked answers: the dilation-2 two-tap example y = [k0 0 k1 ...] on 7 inputs.
SEED_OP = Conv(7, 2, dilation=2)
GIVEN = {"n": 7, "kernel_size": 2, "stride": 1, "dilation": 2, "padding": (0, 0)}
k0, k1, a1, a3 = sympy.symbols("k_0 k_1 a_1 a_3")


@pytest.mark.parametrize("kind, question, answer, right", [
    ("output_length", GIVEN, {"output_length": 5}, True),
    ("output_length", GIVEN, {"output_length": 6}, False),
    ("zero_diagonals", {**GIVEN, "row": 1},
     {"zero_diagonals_between_taps": 1, "tap_diagonals": (0, 2), "zero_columns": (0, 2, 4, 5, 6)},
     True),
    ("zero_diagonals", {**GIVEN, "row": 1},
     {"zero_diagonals_between_taps": 2, "tap_diagonals": (0, 2), "zero_columns": (0, 2, 4, 5, 6)},
     False),
    ("output_entry", {**GIVEN, "row": 1}, {"expression": k0 * a1 + k1 * a3}, True),
    ("output_entry", {**GIVEN, "row": 1}, {"expression": k1 * a1 + k0 * a3}, False),
])
def test_hand_worked_answers(kind, question, answer, right):
    assert Exercise(kind, SEED_OP, question, answer).check() is right


def test_hand_worked_same_padding_and_transposed_shape():
    same = Conv(10, 4, dilation=3, padding="same")
    given = {"n": 10, "kernel_size": 4, "stride": 1, "dilation": 3}
    assert Exercise("same_padding", same, given, {"padding": (4, 5)}).check()
    assert not Exercise("same_padding", same, given, {"padding": (5, 4)}).check()
    up = Conv(4, 3, stride=2, padding=1, transposed=True, output_padding=1)
    given = {"n": 4, "kernel_size": 3, "stride": 2, "dilation": 1, "padding": (1, 1),
             "output_padding": 1}
    # (4-1)*2 - 2*1 + (3-1) + 1 + 1 = 8 outputs
    assert Exercise("transposed_shape", up, given, {"output_length": 8, "shape": (8, 4)}).check()
    assert not Exercise("transposed_shape", up, given,
                        {"output_length": 7, "shape": (7, 4)}).check()


def test_hand_worked_block_structure():
    # 3x3 image, 2x2 kernel: 2x2 outputs, so a 2x3 grid of 2x3 blocks on diagonals 0 and 1
    op = Conv((3, 3), (2, 2))
    given = {"n": (3, 3), "kernel_size": (2, 2), "stride": (1, 1), "dilation": (1, 1),
             "padding": ((0, 0), (0, 0))}
    answer = {"block_grid": (2, 3), "block_shape": (2, 3),
              "nonzero_blocks": ((0, 0), (0, 1), (1, 1), (1, 2)), "block_diagonals": (0, 1)}
    assert Exercise("block_structure", op, given, answer).check()
    assert not Exercise("block_structure", op, given, {**answer, "block_diagonals": (0,)}).check()


def test_a_malformed_answer_is_false_not_an_error():
    assert not Exercise("output_length", SEED_OP, GIVEN, {}).check()
    assert not Exercise("same_padding", SEED_OP, GIVEN, {"padding": "same"}).check()


def test_worked_examples():
    dilated, strided = worked_examples()
    assert dilated == Conv(7, 2, dilation=2)
    assert strided.axes[0].stride > 1 and strided.axes[0].dilation == 1


@pytest.mark.parametrize("count, seed, message", [
    (0, 1, "exercises must be a positive integer, got 0"),
    ("6", 1, "exercises must be an integer >= 1, got '6'"),
    (3, -1, "seed must be an integer >= 0"),
    (3, 1.5, "seed must be an integer >= 0, got 1.5"),
    (MAX_EXERCISES + 1, 1, f"exercises must be at most {MAX_EXERCISES} (each exercise gets an "
                           f"operator of its own), got {MAX_EXERCISES + 1}"),
])
def test_invalid_count_or_seed(count, seed, message):
    with pytest.raises(SymdilError, match=re.escape(message)):
        make_exercises(count, seed)


# ----- every exercise has an operator of its own ---------------------------------------------

# The worked examples as the handout states them, and their matrices from the reference.
WORKED = [
    {"n": 7, "kernel_size": 2, "stride": 1, "dilation": 2, "padding": (0, 0)},
    {"n": 8, "kernel_size": 3, "stride": 2, "dilation": 1, "padding": (1, 1)},
]


def stated(exercise: Exercise) -> tuple[tuple, list]:
    """The operator the student is told about: its sizes (padding resolved) and its dense matrix
    from ``tests/reference.py``, built from the question's sizes alone."""
    q = dict(exercise.question)
    if exercise.kind == "same_padding":
        q["padding"] = resolve("same", q["n"], q["kernel_size"], 1, q["dilation"])
    transposed = exercise.kind == "transposed_shape"
    output_padding = q.get("output_padding", 0)
    sizes = (q["n"], q["kernel_size"], q["stride"], q["dilation"], q["padding"], transposed,
             output_padding)
    if exercise.kind == "block_structure":
        padding = [before for before, _ in q["padding"]]
    else:
        padding = list(q["padding"])
    matrix = reference(q["n"], q["kernel_size"], q["stride"], q["dilation"], padding,
                       transposed=transposed, output_padding=output_padding).matrix
    return sizes, matrix


def worked_operators() -> list[tuple[tuple, list]]:
    return [((w["n"], w["kernel_size"], w["stride"], w["dilation"], w["padding"], False, 0),
             reference(w["n"], w["kernel_size"], w["stride"], w["dilation"],
                       list(w["padding"])).matrix) for w in WORKED]


def assert_operators_unique(exercises: list[Exercise]) -> None:
    seen = worked_operators()
    for number, exercise in enumerate(exercises, start=1):
        sizes, matrix = stated(exercise)
        for other_sizes, other_matrix in seen:
            assert sizes != other_sizes and matrix != other_matrix, (number, sizes)
        seen.append((sizes, matrix))


def test_the_stated_worked_examples_are_the_handouts():
    assert [operator_key(op) for op in worked_examples()] == [
        operator_key(Conv(w["n"], w["kernel_size"], stride=w["stride"], dilation=w["dilation"],
                          padding=w["padding"])) for w in WORKED]


@pytest.mark.parametrize("seed", [9, 13, 17, 314])
def test_no_exercise_repeats_a_worked_example(seed):
    # these seeds used to set the dilation-2 two-tap example (Example 1) as exercise 3
    exercises = make_exercises(6, seed)
    assert_operators_unique(exercises)
    assert stated(exercises[2])[0] != (7, 2, 1, 2, (0, 0), False, 0)


def test_no_two_exercises_share_an_operator():
    # seeds 228 and 312 used to set one operator twice in a handout of seven
    for seed in (228, 308, 312):
        assert_operators_unique(make_exercises(7, seed))


@given(seeds)
@settings(max_examples=30)
def test_operators_are_unique_in_any_handout(seed):
    assert_operators_unique(make_exercises(2 * len(KINDS), seed))


@pytest.mark.parametrize("seed", [0, 314, 2**32])
def test_the_largest_handout_still_has_an_operator_per_exercise(seed):
    exercises = make_exercises(MAX_EXERCISES, seed)
    assert len(exercises) == MAX_EXERCISES
    assert_operators_unique(exercises)
    assert exercises == make_exercises(MAX_EXERCISES, seed)


def test_operator_key_ignores_how_the_padding_was_written():
    assert operator_key(Conv(9, 3, padding="same")) == operator_key(Conv(9, 3, padding=(1, 1)))
    assert operator_key(Conv(9, 3, padding=1)) == operator_key(Conv(9, 3, padding=(1, 1)))
    assert operator_key(Conv(9, 3, padding=1)) != operator_key(Conv(9, 3, padding=(1, 0)))
    assert operator_key(Conv(9, 3)) != operator_key(Conv(9, 3, dilation=2))
