"""The exercise kinds chosen by name and level: every new kind's answer checked a second way over
500 draws per level, the graded answers against an independent key (tests.exercise_reference,
built on tests.reference), wrong answers refused, and no degenerate draw."""

from __future__ import annotations

import random

import pytest
import sympy

from symdil.core.errors import SymdilError
from symdil.handout import exercises as ex
from symdil.handout.grading import graded_fields
from tests.exercise_reference import reference_answers, stack_taps

NEW_KINDS = ex.STACK_KINDS + ex.MATRIX_KINDS
DRAWS = 500


def _draws(kind: str, level: int, count: int) -> list[ex.Exercise]:
    rng = random.Random(f"{kind}/{level}")
    return [ex._make(kind, rng, level) for _ in range(count)]


def _same(a, b) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        return tuple(a) == tuple(b)
    return sympy.expand(sympy.sympify(a) - sympy.sympify(b)) == 0


@pytest.mark.parametrize("level", ex.LEVELS)
@pytest.mark.parametrize("kind", NEW_KINDS)
def test_every_draw_checks_a_second_way_and_is_not_degenerate(kind: str, level: int) -> None:
    for e in _draws(kind, level, DRAWS):
        assert e.check(), (kind, level, dict(e.question), dict(e.answer))
        fields = graded_fields(e)
        assert fields
        q, a = e.question, e.answer
        if hasattr(e.op, "layers"):
            assert e.op.output_length >= 3 and all(e.op.rows)  # no empty row
        elif kind == "transposed_length":  # no matrix shown; the layer upsamples
            assert a["output_length"] > q["n"]
        else:
            assert all(e.op.rows), "a row of the matrix reads only zeros"
        if kind == "numeric_output":
            assert any(a["output"])
        if kind == "transposed_length":
            assert q["output_padding"] >= 1
        if kind == "find_wrong_entry":
            assert q["matrix"][a["row"], a["column"]] != a["correct"]
        if kind == "receptive_field":
            assert a["receptive_field"] >= 3
        if kind == "effective_stride":
            assert a["effective_stride"] > 1 and a["effective_padding"] > 0


@pytest.mark.parametrize("level", ex.LEVELS)
@pytest.mark.parametrize("kind", ex.KINDS)
def test_graded_answers_agree_with_the_independent_key(kind: str, level: int) -> None:
    for e in _draws(kind, level, 12):
        assert e.check(), (kind, level, dict(e.question))
        values = [field.value for field in graded_fields(e)]
        expected = reference_answers(kind, dict(e.question), e.op)
        assert len(values) == len(expected), (kind, values, expected)
        assert all(_same(v, x) for v, x in zip(values, expected)), (kind, level, values,
                                                                     expected)
        if kind == "single_conv":
            assert all(_same(t, x) for t, x in zip(e.answer["taps"], stack_taps(
                dict(e.question), e.op)))


def _wrong_answers(kind: str, answer: dict) -> list[dict]:
    """Plausible slips: each number one off, the region shifted, two taps swapped, …"""
    out = []
    for key, value in answer.items():
        if isinstance(value, int) and not isinstance(value, bool):
            out += [{**answer, key: value + 1}, {**answer, key: value - 1}]
        elif isinstance(value, tuple) and value and all(isinstance(v, int) for v in value):
            out.append({**answer, key: tuple(v + 1 for v in value)})
            if len(value) > 1:
                out.append({**answer, key: value[::-1]} if value != value[::-1] else
                           {**answer, key: (value[0] + 1,) + value[1:]})
    if kind == "single_conv":
        taps = answer["taps"]
        out.append({**answer, "taps": taps[::-1]})
    if kind == "find_wrong_entry":
        out.append({**answer, "correct": answer["claimed"]})
    return [a for a in out if a != answer]


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_a_wrong_answer_fails_the_check(kind: str) -> None:
    for e in _draws(kind, 2, 20):
        for wrong in _wrong_answers(kind, dict(e.answer)):
            if kind == "single_conv" and wrong["taps"] == e.answer["taps"] and \
                    wrong == dict(e.answer):
                continue
            if kind == "single_conv" and "border_rows" in wrong and \
                    wrong["border_rows"] != e.answer["border_rows"]:
                continue  # which rows are the border is not part of the answer's check
            if kind == "single_conv" and wrong.get("taps") != e.answer["taps"] and all(
                    _same(x, y) for x, y in zip(wrong["taps"], e.answer["taps"])):
                continue  # a palindromic kernel reversed is the same kernel
            assert not ex.Exercise(kind, e.op, e.question, wrong).check(), (kind, wrong)


def test_the_wrong_entry_is_found_by_the_claim_checker_and_only_it() -> None:
    from symdil.claims import compare_claim, parse_claim
    from symdil.layout.matrices import bracket_matrix
    from symdil.render.printer import SymdilLatexPrinter

    printer = SymdilLatexPrinter()
    for e in _draws("find_wrong_entry", 3, 20):
        matrix = e.question["matrix"]
        text = "M = " + bracket_matrix([[printer.entry(matrix[r, c]) for c in range(matrix.cols)]
                                        for r in range(matrix.rows)])
        result = compare_claim(parse_claim(text), e.op, index_base=0)
        assert [(m.row_0based, m.column_0based) for m in result.mismatches] == [
            (e.answer["row"], e.answer["column"])]
        # and the matrix without the planted error passes
        right = matrix.as_mutable()
        right[e.answer["row"], e.answer["column"]] = e.answer["correct"]
        text = "M = " + bracket_matrix([[printer.entry(right[r, c]) for c in range(right.cols)]
                                        for r in range(right.rows)])
        assert not compare_claim(parse_claim(text), e.op, index_base=0).mismatches


def test_which_parameters_refuses_a_matrix_two_parameter_sets_make() -> None:
    from symdil.core.conv import Conv
    from symdil.handout.matrix_kinds import check_which_parameters, parameter_sets

    # one output: the stride cannot be read off
    op = Conv(3, 3, stride=2)
    assert len(parameter_sets(op.matrix, 3, 3)) > 1
    question = {"n": 3, "kernel_size": 3, "matrix": op.matrix}
    assert not check_which_parameters(op, question, {"stride": 2, "dilation": 1, "padding": 0})


def test_levels_grow() -> None:
    def largest(kind: str, level: int, key) -> int:
        return max(key(e) for e in _draws(kind, level, 60))

    assert largest("output_length", 1, lambda e: e.question["stride"]) == 1
    assert largest("output_length", 3, lambda e: e.question["n"]) > largest(
        "output_length", 2, lambda e: e.question["n"])
    assert largest("receptive_field", 3, lambda e: len(e.question["layers"])) >= 3
    assert largest("receptive_field", 1, lambda e: len(e.question["layers"])) == 2
    assert largest("numeric_output", 1, lambda e: e.question["kernel_size"]) == 2


def test_chosen_kinds_cycle_in_order_and_the_default_is_unchanged() -> None:
    chosen = ("find_wrong_entry", "receptive_field", "numeric_output")
    kinds = [e.kind for e in ex.make_exercises(7, 3, ",".join(chosen), 1)]
    assert kinds == list(chosen * 3)[:7]
    assert [e.kind for e in ex.make_exercises(7, 3)] == list(ex.DEFAULT_KINDS)
    assert ex.make_exercises(5, 9, list(chosen), 3) == ex.make_exercises(5, 9, chosen, 3)


@pytest.mark.parametrize(("kinds", "level", "message"), [
    ("receptive_field,nope", 2, "kinds: unknown kind 'nope'"),
    ("fill_matrix,fill_matrix", 2, "each kind once"),
    ("", 2, "kinds must be a comma-separated list"),
    (None, 4, "level must be 1, 2 or 3, got 4"),
    (None, True, "level must be 1, 2 or 3"),
])
def test_bad_kinds_or_level(kinds, level, message) -> None:
    with pytest.raises(SymdilError, match=message):
        ex.make_exercises(3, 0, kinds, level)


def test_a_small_level_that_runs_out_of_operators_says_so() -> None:
    with pytest.raises(SymdilError, match="no new transposed_length exercise at level 1"):
        ex.make_exercises(42, 0, "transposed_length", 1)


def test_every_kind_has_a_summary() -> None:
    assert set(ex.SUMMARIES) == set(ex.KINDS) and len(ex.KINDS) == 14


def test_level_3_names_some_paddings_by_their_word_and_the_check_reads_the_word() -> None:
    drawn = _draws("output_length", 3, 40)
    worded = [e for e in drawn if "padding_word" in e.question]
    assert {e.question["padding_word"] for e in worded} == {"full", "causal"}
    assert not any("padding_word" in e.question for e in _draws("output_length", 2, 40))
    e = worded[0]
    other = "causal" if e.question["padding_word"] == "full" else "full"
    assert not ex.Exercise(e.kind, e.op, {**e.question, "padding_word": other}, e.answer).check()


@pytest.mark.parametrize("level", ex.LEVELS)
@pytest.mark.parametrize("kind", ex.DEFAULT_KINDS)
def test_the_classic_kinds_are_checked_and_never_degenerate_at_any_level(kind: str,
                                                                         level: int) -> None:
    for e in _draws(kind, level, 150):
        assert e.check(), (kind, level, dict(e.question))
        if not e.op.transposed:
            assert all(e.op.rows), (kind, level, dict(e.question))
        assert any(field.value != 0 for field in graded_fields(e)), (kind, dict(e.question))


def test_level_3_numeric_outputs_sometimes_have_two_input_channels() -> None:
    drawn = _draws("numeric_output", 3, 40)
    assert {e.question["channels"] for e in drawn} == {1, 2}
    assert all(e.op.in_channels == e.question["channels"] for e in drawn)
    assert {e.question["channels"] for e in _draws("numeric_output", 2, 40)} == {1}
