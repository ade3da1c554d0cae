"""No sentence without a statement, as a property of the renderer.

Every sentence of a document that states a number, a set, an index range or a structural claim is
phrased from a statement (``((* call phrase(S) *))`` in a body template, see
``symdil.render.phrasing``).  Rendered inside ``marking_statements()``, each such span carries invisible
markers; this test renders a large random sample of documents -- single convolutions (1-D, N-D,
channels, transposed, the general case and its instance at the bound) and stacks (every padding
mode, flip, stride, transposed layers, channels) --, removes the marked spans, and fails if a
digit or a set (``\\{``) is left in the prose.  A new sentence that bypasses the statements then
fails here, whoever writes it.

What is not prose, listed explicitly: headings (``#`` lines: section numbers), display math
(``$$ … $$``: the formulas and matrices the sentences talk about), the Markdown table of a stack's
layers (its cells are the ``stack_layer_lengths`` and ``stack_receptive_field`` statements'
numbers, phrased by the table as a whole) and the fixed phrases in ``FIXED`` (the stack
document's definition of the jump, true of every stack).

It also checks the verification section: its count of statements equals the number of distinct
statements the document's marked spans phrase, and every statement the document makes is phrased
(none is evaluated without a sentence).
"""

from __future__ import annotations

import random
import re

import pytest
from test_statements_audit import build, random_config

import symdil
from symdil.derivation import Derivation
from symdil.render.phrasing import all_labels, marking_statements, split_marked

SINGLE = 2000
STACKS = 200
VERIFIED_EVERY = 25

#: Fixed phrases (true of every document, about the method): removed before looking for digits.
#: Only the stack document's definition of the jump has any outside a statement's sentence.
FIXED = (
    "$J_l = s_1 \\cdots s_{l-1}$",
    "outputs of layer $l - 1$",
    "layers $1, \\dots, l$",
)


def prose(text: str) -> tuple[list[tuple[str, str]], str]:
    """The marked spans and what is left of the prose (see the module docstring)."""
    spans, rest = split_marked(text)
    rest = re.sub(r"\$\$.*?\$\$", " ", rest, flags=re.S)
    kept = [line for line in rest.splitlines()
            if not line.startswith("#") and not line.startswith("|")]
    rest = "\n".join(kept)
    for phrase in FIXED:
        rest = rest.replace(phrase, " ")
    return spans, rest


def leaks(text: str) -> list[str]:
    _, rest = prose(text)
    return [line for line in rest.splitlines() if re.search(r"\d|\\\{", line)]


def phrased_ids(text: str) -> set[int]:
    return {int(i) for label in all_labels(text) if not label.startswith(("check:", "count:"))
            for i in label.split(",")}


def counts(text: str) -> list[int]:
    return [int(label[6:]) for label in all_labels(text) if label.startswith("count:")]


def render_single(op, verified: bool) -> tuple[Derivation, str]:
    document = Derivation(op)
    report = symdil.verify(op) if verified else None
    with marking_statements():
        text = document.render("markdown", verification=report)
    return document, text


def _general_instance(op):
    """The general case's instance at its stated bound."""
    document = Derivation(op)
    bound = next(st.params["bound"] for st in document.statements if st.kind == "valid_from")
    return op.replace(n=bound)


def single_operators(count: int, seed: int = 20261206):
    rng = random.Random(seed)
    made = 0
    while made < count:
        if rng.random() < 0.12:
            from test_statements_audit import random_general

            op = build(random_general(rng))
            if op is None:
                continue
            made += 1
            yield op
            if made < count:
                made += 1
                yield _general_instance(op)
            continue
        op = build(random_config(rng))
        if op is None:
            continue
        made += 1
        yield op


def test_marking_changes_nothing_outside_the_markers():
    op = symdil.Conv(23, 4, stride=2, dilation=2)
    plain = Derivation(op).render("markdown")
    _, marked = render_single(op, verified=False)
    stripped = re.sub("[\ue000-\ue002]", "", re.sub("\ue000[^\ue001]*\ue001", "", marked))
    # render_document ends a text with one line break; a marker after the last one keeps another
    assert stripped.rstrip("\n") == plain.rstrip("\n")


def test_a_sentence_without_its_statement_fails(tmp_path):
    """Mutation: a template sentence that states a number outside ``phrase`` is caught, and one
    that asks to phrase a statement the document does not make is refused."""
    from symdil.render.environment import builtin_templates

    body = (builtin_templates() / "body" / "derivation.j2").read_text()
    heading = "((( heading('2. Sizes') )))\n"
    assert heading in body
    (tmp_path / "body").mkdir()
    planted = tmp_path / "body" / "derivation.j2"
    planted.write_text(body.replace(heading, heading + "The input has $((( N.n )))$ samples.\n"))
    op = symdil.Conv(7, 2, dilation=2)
    with marking_statements():
        text = Derivation(op).render("markdown", templates=str(tmp_path))
    assert leaks(text) == ["The input has $7$ samples."]
    assert leaks(render_single(op, False)[1]) == []
    planted.write_text(body.replace(heading, heading + "((* call phrase(stated.crop) *))x"
                                    "((* endcall *))\n"))
    with pytest.raises(symdil.SymdilError, match="does not make"):
        Derivation(op).render("markdown", templates=str(tmp_path))


def test_no_number_outside_a_statement_in_single_convolutions():
    failures = []
    rendered = 0
    for index, op in enumerate(single_operators(SINGLE)):
        verified = index % VERIFIED_EVERY == 0
        document, text = render_single(op, verified)
        rendered += 1
        found = leaks(text)
        if found:
            failures.append((op, found[:3]))
        phrased = phrased_ids(text)
        every = set(range(len(document.statements)))
        if phrased != every:
            failures.append((op, "not phrased: " + ", ".join(
                document.statements[i].kind for i in sorted(every - phrased))))
        if verified and counts(text) != [len(phrased)]:
            failures.append((op, f"verification counts {counts(text)}, phrased {len(phrased)}"))
    assert rendered == SINGLE
    assert not failures, f"{len(failures)} documents, first: {failures[:5]}"


# ----- stacks ---------------------------------------------------------------------------------
PADDINGS = (0, 1, "valid", "same", "full", "causal", (1, 0))
MODES = ("zeros", "zeros", "circular", "reflect", "replicate")


def random_stack(rng: random.Random) -> tuple:
    """A random stack: 1-D (some 2-D), 1 to 3 layers, strides, dilations, every padding form and
    mode, flip, transposed layers, channels and groups."""
    ndim = 1 if rng.random() < 0.8 else 2
    n = rng.randint(3, 12) if ndim == 1 else tuple(rng.randint(3, 5) for _ in range(ndim))
    layers = []
    channels = 1
    for _ in range(rng.randint(1, 3)):
        layer = dict(kernel=rng.randint(1, 3), stride=rng.randint(1, 2),
                     dilation=rng.randint(1, 2))
        if rng.random() < 0.2:
            layer.update(transposed=True, padding=rng.randint(0, 1),
                         output_padding=rng.randint(0, 1))
        else:
            layer.update(padding=rng.choice(PADDINGS), padding_mode=rng.choice(MODES),
                         flip=rng.random() < 0.3)
        out = rng.choice((1, 1, 2))
        groups = 2 if channels == 2 and out == 2 and rng.random() < 0.5 else 1
        layer.update(out_channels=out, groups=groups)
        channels = out
        layers.append(layer)
    return n, layers


def random_stacks(count: int, seed: int = 1217):
    rng = random.Random(seed)
    made = 0
    while made < count:
        n, layers = random_stack(rng)
        try:
            net = symdil.Stack(n=n, layers=layers)
        except symdil.SymdilError:
            continue
        made += 1
        yield net


def render_stack(net, verified: bool):
    from symdil.stack.checks import verify_stack
    from symdil.stack.document import StackDocument

    document = StackDocument(net)
    report = verify_stack(net) if verified else None
    with marking_statements():
        text = document.render("markdown", report=report)
    return document, text


def test_no_number_outside_a_statement_in_stacks():
    failures = []
    rendered = 0
    for index, net in enumerate(random_stacks(STACKS)):
        verified = index % 4 == 0
        document, text = render_stack(net, verified)
        rendered += 1
        found = leaks(text)
        if found:
            failures.append((net.layers, found[:3]))
        phrased = phrased_ids(text)
        every = set(range(len(document.statements)))
        if phrased != every:
            failures.append((net.layers, "not phrased: " + ", ".join(
                document.statements[i].kind for i in sorted(every - phrased))))
        if verified and counts(text) != [len(phrased)]:
            failures.append((net.layers, f"verification counts {counts(text)}, "
                                         f"phrased {len(phrased)}"))
    assert rendered == STACKS
    assert not failures, f"{len(failures)} documents, first: {failures[:5]}"


# ----- the elision sentence against the printed matrix ----------------------------------------
def printed_layout(text: str) -> tuple[list[bool], list[bool]]:
    """From the first matrix a derivation prints (M of "M a = y"): per printed row whether it is
    an ellipsis row (\\vdots), per printed column whether it is an ellipsis column (\\cdots).
    M is a ``bmatrix``, an ``array`` in ``\\left[ \\right]``, or an array broken across two
    lines (``\\left[ … \\right.`` then ``\\left. … \\right]``: its parts side by side)."""
    bmatrix = text.find(r"\begin{bmatrix}")
    array = text.find(r"\left[\begin{array}")
    if array < 0 or 0 <= bmatrix < array:
        parts = [text[bmatrix:].split(r"\begin{bmatrix}", 1)[1].split(r"\end{bmatrix}", 1)[0]]
    else:
        first = text[array:].split("}", 2)[2].split(r"\end{array}", 1)
        parts = [first[0]]
        if first[1].startswith(r"\right."):  # broken across lines: the second part follows
            parts.append(first[1].split(r"\left.\begin{array}", 1)[1].split("}", 1)[1]
                         .split(r"\end{array}", 1)[0])
    tables = [[line.strip().removesuffix(r"\\").strip() for line in part.strip().splitlines()]
              for part in parts]
    lines = [" & ".join(cells) for cells in zip(*tables)]
    rows = [line.split(" & ")[0].strip() == r"\vdots" for line in lines]
    full = next(line for line, marker in zip(lines, rows) if not marker)
    cols = [cell.strip() == r"\cdots" for cell in full.split(" & ")]
    return rows, cols


def test_the_elision_statement_is_the_printed_layout():
    """The sentence about what is shown is phrased from the ``elision`` statement; the statement
    must be the layout the document prints (rows, columns and where the ellipses are) -- 400
    random 1-D documents (at most 5 rows and 6 columns printed), the general case included -- and
    is true of the reference's rows (the audit)."""
    checked = 0
    for op in single_operators(760, seed=99):
        if op.ndim > 1 or op.in_channels > 1 or op.out_channels > 1:
            continue
        document = Derivation(op, max_rows=5, max_cols=6)
        elision = next(st for st in document.statements if st.kind == "elision")
        rows, cols = printed_layout(document.render("markdown"))
        assert rows == [index is None for index in elision.params["rows"]], op
        assert cols == [index is None for index in elision.params["cols"]], op
        checked += 1
    assert checked >= 400
