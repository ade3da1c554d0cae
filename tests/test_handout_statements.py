"""The answer key's statements (``answer_<kind>``, ``symdil.handout.statements``), audited and
masked.

* Audit: every exercise's answer statement holds on evidence built from ``tests/reference.py``
  (the convolution's matrix by a plain loop over the definition; a stack's layers chained by
  plain matrix products), over random exercises of all 14 kinds at levels 1 to 3.
* Planted wrong answers: each answer value of a statement, changed, makes ``holds`` false on the
  same reference evidence (the predicate re-derives the answer, it does not read it back).
* Masking: 210 random answer keys (all 14 kinds, levels 1-3, LaTeX, Markdown and HTML) and a few
  class keys are rendered with every statement-phrased span marked; the spans are removed and no
  digit, index or set (``\\{``) may be left outside the exemptions below, and every exercise's
  statement is phrased.

What is not prose in a key, listed explicitly (``EXEMPT``): the format's preamble (LaTeX before
``\\begin{document}``, HTML's ``<head>``), headings (exercise numbering; a class key's student
ids), the sheet line ("14 exercises, version 207B9C." / "3 sheets of 6 exercises"), the command
that prints the sheet again, and HTML tags.  Figures (``--figures``) are drawings, not prose, and
are left out of the sample.
"""

from __future__ import annotations

import random
import re

import pytest
import sympy
from reference import reference
from test_stack import reference_chain
from test_statements_audit import _chain_spec, _layer_spec, _rows, reference_evidence

from symdil.handout.classroom import Classroom
from symdil.handout.document import Handout
from symdil.handout.exercises import KINDS, make_exercises
from symdil.handout.roster import Student
from symdil.handout.statements import answer_evidence, answer_statement
from symdil.render.phrasing import all_labels, marking_statements, split_marked
from symdil.stack.statements import StackEvidence
from symdil.statements import Statement

SEEDS = 8  # per level: 8 x 3 levels x 14 kinds = 336 exercises audited
HANDOUTS = 210
STACK_KINDS = ("receptive_field", "effective_stride", "single_conv")


def exercises():
    for level in (1, 2, 3):
        for seed in range(SEEDS):
            yield from make_exercises(len(KINDS), 1000 + seed, KINDS, level)


def reference_of(e):
    """Evidence of exercise ``e``'s operator from tests/reference.py, not from symdil's rows."""
    if e.kind in STACK_KINDS:
        net = e.op
        layer_rows, shapes = [], []
        for layer in net.layers:
            spec = _layer_spec(layer)
            layer_rows.append(_rows(reference_chain(spec["n"], [spec["layer"]],
                                                    [list(layer.kernel)])))
            shapes.append((layer.input_shape, layer.output_shape))
        product = _rows(reference_chain(*_chain_spec(net),
                                        [list(layer.kernel) for layer in net.layers]))
        return StackEvidence(product, net.input_shape, net.output_shape, layer_rows, shapes)
    axes = e.op.axes
    one = len(axes) == 1
    pick = (lambda values: values[0]) if one else tuple  # noqa: E731
    numeric = e.kind == "numeric_output"
    return reference_evidence(
        pick([a.n for a in axes]), pick([a.kernel_size for a in axes]),
        pick([a.stride for a in axes]), pick([a.dilation for a in axes]),
        pick([(a.pad_before, a.pad_after) for a in axes]), "zeros", False, e.op.transposed,
        pick([a.output_padding for a in axes]),
        values=list(e.op.kernel) if numeric else None, c_in=e.op.in_channels)


def test_the_reference_evidence_is_not_symdils():
    """The audit's evidence comes from the reference's own matrix (same rows, other source)."""
    e = make_exercises(1, 5, ["fill_matrix"], 2)[0]
    ref = reference_of(e)
    ours = answer_evidence(e)
    assert ref.given_rows is None and ours.given_rows is not None
    assert [dict(r) for r in ref.rows] == [dict(r) for r in ours.rows]
    matrix = reference(8, 3, 2, 1, 1).matrix
    assert len(matrix) == 4


def test_every_answer_statement_holds_on_the_reference():
    checked, kinds = 0, set()
    failures = []
    for e in exercises():
        statement = answer_statement(e)
        kinds.add(statement.kind)
        checked += 1
        if not statement.holds(reference_of(e)):
            failures.append((e.kind, dict(e.question), statement))
    assert not failures, f"{len(failures)} false, first: {failures[:3]}"
    assert kinds == {"answer_" + kind for kind in KINDS}
    assert checked == 3 * SEEDS * len(KINDS)


# ----- planted wrong answers ------------------------------------------------------------------

#: Per kind, the parameters that are the answer (the rest restate the question's sizes).
ANSWERS = {
    "output_length": ("m",),
    "fill_matrix": ("filled",),
    "zero_diagonals": ("gap", "tap_diagonals", "zero_columns"),
    "output_entry": ("positions", "outside", "terms"),
    "same_padding": ("padding", "total"),
    "transposed_shape": ("m", "shape"),
    "transposed_length": ("m", "without"),
    "block_structure": ("grid", "block", "blocks", "diagonals", "kernel_rows"),
    "numeric_output": ("output",),
    "which_parameters": ("s", "d", "before", "first", "second"),
    "find_wrong_entry": ("row", "column", "correct", "tap"),
    "receptive_field": ("r", "region", "outside"),
    "effective_stride": ("S", "P", "jumps"),
    "single_conv": ("r", "S", "P", "taps", "border_count"),
}
_SLIP = sympy.Symbol("k_1")


def wrong(value, rng):
    """A plausible slip in an answer value: a number off by one, a flag flipped, a set with one
    element changed, dropped or added, a tap replaced."""
    if isinstance(value, bool):
        return not value
    if value is None:
        return 0
    if isinstance(value, int):
        return value + rng.choice((-1, 1))
    if isinstance(value, tuple):
        if not value:
            return (0,)
        i = rng.randrange(len(value))
        choice = rng.random()
        if choice < 0.2 and len(value) > 1:
            return value[:i] + value[i + 1:]
        if choice < 0.3 and all(isinstance(v, int) for v in value):
            return value + (max(value) + 1,)
        return value[:i] + (wrong(value[i], rng),) + value[i + 1:]
    if isinstance(value, sympy.Basic):
        return _SLIP if value == 0 else (0 if rng.random() < 0.5 else value + _SLIP)
    if isinstance(value, str):  # a padding word: the other one
        return {"full": "causal"}.get(value, "full")
    raise TypeError(value)


def test_planted_wrong_answers_make_the_statement_false():
    rng = random.Random(17)
    planted, survived = 0, []
    for e in exercises():
        statement = answer_statement(e)
        evidence = reference_of(e)
        for key in ANSWERS[e.kind]:
            params = {k: v for k, v in statement.params.items()}
            params[key] = wrong(_thaw(params[key]), rng)
            if params[key] == _thaw(statement.params[key]):
                continue
            planted += 1
            if _holds(Statement(statement.kind, params), evidence):
                survived.append((e.kind, key, statement.params[key], params[key]))
    assert not survived, f"{len(survived)} wrong answers held, first: {survived[:5]}"
    assert planted > 3 * SEEDS * sum(len(keys) for keys in ANSWERS.values()) * 0.9


#: Parameters a key does not print (the candidate's padding after, needed to build it).
NOT_PRINTED = {"single_conv": ("pad_after",)}


def test_planted_wrong_sizes_make_the_statement_false():
    """The sizes a key restates ("Given n = 9, K = 3, ...") are part of its statement too: a
    changed size makes it false -- unless the changed sizes give the very same matrix (a padding
    after that adds no window: rows cannot tell them apart, and the key's matrix is still
    right), which the reference confirms for every survivor."""
    rng = random.Random(1717)
    planted, survived = 0, []
    for e in exercises():
        statement = answer_statement(e)
        evidence = reference_of(e)
        skip = set(ANSWERS[e.kind]) | set(NOT_PRINTED.get(e.kind, ()))
        for key in statement.params:
            if key in skip or statement.params[key] is None:
                continue
            params = {k: v for k, v in statement.params.items()}
            params[key] = wrong(_thaw(params[key]), rng)
            if params[key] == _thaw(statement.params[key]):
                continue
            planted += 1
            if _holds(Statement(statement.kind, params), evidence) and not _same_matrix(
                    statement.params, params, e):
                survived.append((e.kind, key, statement.params[key], params[key]))
    assert not survived, f"{len(survived)} wrong sizes held, first: {survived[:5]}"
    assert planted > 3 * SEEDS * len(KINDS) * 2


def _same_matrix(before, after, e):
    """Do the 1-D forward sizes ``before`` and ``after`` give the same reference matrix (for
    numeric_output: and the same numbers in every input sample a row reads -- the key shows only
    those)?"""
    if e.kind == "numeric_output" and before["input"] != after["input"]:
        changed = {j for j, (x, y) in enumerate(zip(before["input"], after["input"])) if x != y}
        read = {c for row in reference_of(e).rows for c in row}
        return len(before["input"]) == len(after["input"]) and not changed & read
    if e.op.transposed or e.op.ndim != 1 or set(before) - {"padding"} != set(after) - {"padding"}:
        return False
    if any(before[k] != after[k] for k in before if k != "padding"):
        return False
    try:
        ours = reference(before["n"], before["K"], before["s"], before["d"],
                         tuple(after["padding"]), with_output=False).matrix
    except Exception:  # the reference refuses the changed sizes: not the same matrix
        return False
    return ours == reference(before["n"], before["K"], before["s"], before["d"],
                             tuple(before["padding"]), with_output=False).matrix


def _holds(statement, evidence):
    """A malformed planted value (a pair made a single) may make a predicate raise: not held."""
    try:
        return statement.holds(evidence)
    except (ValueError, TypeError, IndexError, KeyError):
        return False


def _thaw(value):
    if isinstance(value, tuple):
        return tuple(_thaw(v) for v in value)
    return value


# ----- masking --------------------------------------------------------------------------------

#: What is not prose in an answer key (see the module docstring), removed before looking.
EXEMPT = (
    re.compile(r"\A.*?\\begin\{document\}", re.S),  # LaTeX preamble
    re.compile(r"<head>.*?</head>", re.S),  # HTML head (style sheet)
    re.compile(r"^#+ .*$", re.M),  # Markdown headings
    re.compile(r"\\(?:sub)*section\*?\{[^\n]*\}$", re.M),  # LaTeX headings
    re.compile(r"<h[1-6][^>]*>.*?</h[1-6]>", re.S),  # HTML headings
    re.compile(r"\d+ exercises?, version [0-9A-F]{6}\."),  # the sheet line
    re.compile(r"\d+ sheets? of \d+ exercises?,"),  # the class key's sheet line
    re.compile(r"`symdil handout [^`\n]*`"),  # the command (Markdown)
    re.compile(r"\\texttt\{symdil handout .*?\} prints the same sheet again"),  # (LaTeX)
    re.compile(r"<code>symdil handout [^<]*</code>"),  # (HTML)
    re.compile(r"<[^>]*>"),  # HTML tags
)


def leaks(text: str) -> list[str]:
    _, rest = split_marked(text)
    for pattern in EXEMPT:
        rest = pattern.sub(" ", rest)
    return [line for line in rest.splitlines() if re.search(r"\d|\\\{", line)]


def phrased(text: str) -> list[int]:
    return sorted(int(i) for label in all_labels(text) for i in label.split(","))


def random_handouts(count: int, seed: int = 2026):
    rng = random.Random(seed)
    for index in range(count):
        kinds = rng.sample(KINDS, rng.randint(1, len(KINDS)))
        level = rng.choice((1, 2, 3))
        exercises_count = rng.randint(1, min(2 * len(kinds), 14))
        fmt = ("markdown", "latex", "html")[index % 3]
        yield Handout(exercises_count, rng.randrange(10_000), kinds=kinds, level=level), fmt


def test_no_number_outside_a_statement_in_answer_keys():
    failures, rendered, kinds = [], 0, set()
    for handout, fmt in random_handouts(HANDOUTS):
        with marking_statements():
            text = handout.render(fmt, "solutions")
        rendered += 1
        kinds.update(e.kind for e in handout.exercises)
        found = leaks(text)
        if found:
            failures.append((handout.command, fmt, found[:3]))
        if phrased(text) != list(range(len(handout.exercises))):
            failures.append((handout.command, fmt, f"phrased {phrased(text)}"))
    assert rendered == HANDOUTS
    assert kinds == set(KINDS)
    assert not failures, f"{len(failures)} keys, first: {failures[:3]}"


@pytest.mark.parametrize("fmt", ["markdown", "latex", "html"])
def test_no_number_outside_a_statement_in_class_keys(fmt):
    students = [Student("s1", "Ada Lovelace"), Student("2026-17")]  # ids with digits
    room = Classroom(students, exercises=4, seed=3, kinds=KINDS[:8], level=2)
    with marking_statements():
        text = room.key(fmt)
    assert leaks(text) == []
    assert phrased(text) == sorted(list(range(4)) * 2)


@pytest.mark.parametrize("fmt", ["markdown", "latex", "html"])
def test_a_key_sentence_without_its_statement_fails(tmp_path, fmt):
    """Mutation: a key sentence stating a number outside ``phrase`` is caught, in every
    format the masking test renders."""
    from symdil.render.environment import builtin_templates

    body = (builtin_templates() / "body" / "handout_parts.j2").read_text()
    anchor = "((* endcall *))\n((* if e.figure *))"
    assert anchor in body
    (tmp_path / "body").mkdir()
    (tmp_path / "body" / "handout_parts.j2").write_text(
        body.replace(anchor, anchor.replace("((* endcall *))\n",
                                            "((* endcall *))\nIt has $((( e.number + 1 )))$ "
                                            "parts.\n")))
    handout = Handout(2, 4, kinds=["output_length"])
    with marking_statements():
        text = handout.render(fmt, "solutions", templates=str(tmp_path))
    found = leaks(text)
    assert len(found) == 2 and all("It has" in line for line in found), found
    assert "2" in found[0] and "3" in found[1]
    with marking_statements():
        assert leaks(handout.render(fmt, "solutions")) == []


def test_a_false_answer_statement_stops_the_handout(monkeypatch):
    """The handout is not rendered when an answer statement is false on symdil's own rows."""
    import symdil.handout.document as document
    from symdil import SymdilError

    original = document.answer_statement

    def planted(e):
        statement = original(e)
        if e.kind != "output_length":
            return statement
        return Statement(statement.kind, {**statement.params, "m": statement.params["m"] + 1})

    monkeypatch.setattr(document, "answer_statement", planted)
    with pytest.raises(SymdilError, match="failed its check"):
        Handout(2, 4, kinds=["output_length"]).render("markdown", "solutions")
