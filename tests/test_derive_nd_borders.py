"""Every sentence of an N-D derivation about block rows, block columns and borders, read back from
the rendered document and checked against the independent dense reference (tests/reference.py) and
plain loops over the definition: which block rows/columns are interior and how many non-zero
blocks they hold, which ones hold fewer (cut by zero padding, cropped in a transposed layer), which
ones the padding folds, which block rows miss blocks because their inputs do not exist, and the
shift/Toeplitz claims -- for the blocks along axis 0 and for the 1-D blocks of the last axis."""

from __future__ import annotations

import re

import pytest
import sympy
from hypothesis import given, settings
from reference import reference
from test_derive_nd_facts import _block, _inner_reference, _is_zero, build, configs

from symdil import Conv
from symdil.derivation import derive
from symdil.statements.facts import block_facts

#: A set phrase inside one sentence (no sentence or clause punctuation).
PHRASE = r"[^.;:]+?"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _section(text: str, title: str) -> str:
    """The flattened text of the section whose heading ends with ``title``."""
    match = re.search(r"### \d+\. " + re.escape(title) + r" (.*?)(?= ### |$)", text)
    assert match, title
    return match.group(1)


def parse_lines(phrase: str, noun: str, total: int) -> set[int]:
    """The set of lines a phrase of ``lineset`` names: 'the first $2$ block rows', 'block rows
    $0$, $2$ and $5$', 'the first block row and the last block row', 'every block row'."""
    token = re.compile(
        rf"every {noun}|the first \$(?P<first>\d+)\$ {noun}s|(?P<first1>the first {noun})"
        rf"|the last \$(?P<last>\d+)\$ {noun}s|(?P<last1>the last {noun})"
        rf"|{noun}s? (?P<listed>(?:\$\d+\$(?:, | and ))*\$\d+\$)")
    chosen: set[int] = set()
    position = 0
    while True:
        match = token.match(phrase, position)
        assert match, f"cannot read {phrase[position:]!r} in {phrase!r}"
        if match.group(0).startswith("every"):
            chosen |= set(range(total))
        elif match.group("first") or match.group("first1"):
            chosen |= set(range(int(match.group("first") or 1)))
        elif match.group("last") or match.group("last1"):
            chosen |= set(range(total - int(match.group("last") or 1), total))
        else:
            chosen |= {int(v) for v in re.findall(r"\$(\d+)\$", match.group("listed"))}
        position = match.end()
        if position == len(phrase):
            return chosen
        separator = re.compile(r", | and ").match(phrase, position)
        assert separator, f"cannot read {phrase[position:]!r} in {phrase!r}"
        position = separator.end()


def _claimed(section: str, pattern: str, noun: str, total: int) -> set[int]:
    """The lines named by the sentence ``pattern`` (its ``set`` group), empty when absent."""
    matches = re.findall(pattern, section)
    assert len(matches) <= 1, (pattern, matches)
    if not matches:
        return set()
    phrase = matches[0] if isinstance(matches[0], str) else matches[0][0]
    return parse_lines(phrase, noun, total)


def _axis_geometry(axis):
    return (axis.n, axis.kernel_size, axis.stride, axis.dilation, axis.pad_before,
            axis.pad_after, axis.output_length)


def _interior_lines(axis) -> set[int]:
    """Forward: rows whose whole window lies inside the input; transposed: columns whose every
    tap lands inside the output (a plain loop over the definition)."""
    n, K, s, d, pb, _, m = _axis_geometry(axis)
    if axis.transposed:
        return {j for j in range(n) if all(0 <= s * j + d * t - pb < m for t in range(K))}
    return {i for i in range(m) if all(0 <= s * i + d * t - pb < n for t in range(K))}


def _folded_rows(axis, nonzero_offsets) -> set[int]:
    n, K, s, d, pb, _, m = _axis_geometry(axis)
    return {i for i in range(m) if any(not 0 <= s * i + d * t - pb < n for t in nonzero_offsets)}


def _lacking_rows(axis, nonzero_offsets) -> set[int]:
    """Rows r reached by a non-zero tap t from an input j outside 0..n-1 (s j + d t - p = r)."""
    n, K, s, d, pb, _, m = _axis_geometry(axis)
    rows = set()
    for j in range(-m - d * K - pb - 2, n + m + 2):
        if 0 <= j < n:
            continue
        for t in nonzero_offsets:
            r = s * j + d * t - pb
            if 0 <= r < m:
                rows.add(r)
    return rows


def _interior_claim(section: str, unit: str, index: str, total: int):
    """(lines, count) of the interior sentence, or None without one."""
    every = re.search(rf"every {unit} holds \$(\d+)\$ non-zero", section)
    if every:
        return set(range(total)), int(every.group(1))
    index = re.escape(index)
    single = re.search(rf"the interior {unit} \${index} = (\d+)\$ holds \$(\d+)\$ non-zero",
                       section)
    if single:
        return {int(single.group(1))}, int(single.group(2))
    each = re.search(rf"each interior {unit} \(\$(\d+) \\le {index} \\le (\d+)\$\) holds "
                     rf"\$(\d+)\$ non-zero", section)
    if each:
        return set(range(int(each.group(1)), int(each.group(2)) + 1)), int(each.group(3))
    return None


def _verb_agrees(section: str, pattern: str, noun: str, total: int) -> None:
    """'every block row holds', 'the first block row holds', 'the first $2$ block rows hold'."""
    for phrase, verb in re.findall(pattern, section):
        one = phrase.startswith("every") or len(parse_lines(phrase, noun, total)) == 1
        assert (verb == "holds") == one, (phrase, verb)


def _shifted(get, rows, cols, s, transposed) -> bool:
    """Forward: row i is row i-1 moved right by s; transposed: column j is column j-1 moved
    down by s -- nothing lost at the far end (``get(r, c)`` is zero-tested)."""
    if transposed:
        for c in range(1, cols):
            for r in range(rows):
                here = get(r, c)
                before = get(r - s, c - 1) if r - s >= 0 else None
                if not _same(here, before):
                    return False
            if any(not _same(get(r, c - 1), None) for r in range(max(0, rows - s), rows)):
                return False
        return True
    for r in range(1, rows):
        for c in range(cols):
            here = get(r, c)
            before = get(r - 1, c - s) if c - s >= 0 else None
            if not _same(here, before):
                return False
        if any(not _same(get(r - 1, c), None) for c in range(max(0, cols - s), cols)):
            return False
    return True


def _same(a, b) -> bool:
    """Two blocks (lists of rows) or entries are equal; None is a zero."""
    def rows(x):
        if x is None:
            return None
        return x if isinstance(x, list) else [[x]]
    a, b = rows(a), rows(b)
    if a is None and b is None:
        return True
    if a is None:
        return _is_zero(b)
    if b is None:
        return _is_zero(a)
    return all(sympy.expand(u - v) == 0 for ra, rb in zip(a, b) for u, v in zip(ra, rb))


def _toeplitz(get, rows, cols) -> bool:
    return all(_same(get(r, c), get(r + 1, c + 1))
               for r in range(rows - 1) for c in range(cols - 1))


def check_level_zero(op, ref, text: str) -> None:
    """The sentences of 'Blocks along axis 0' against the dense blocks of channel block (0, 0)."""
    section = _section(text, "Blocks along axis 0")
    axis = op.axes[0]
    transposed = op.transposed
    m0, n0 = axis.output_length, axis.n
    dense = ref.matrix
    rows, cols = len(dense) // op.out_channels, len(dense[0]) // op.in_channels
    inner_rows, inner_cols = rows // m0, cols // n0

    def block(r, c):
        return _block(dense, r * inner_rows, (r + 1) * inner_rows, c * inner_cols,
                      (c + 1) * inner_cols)

    nonzero = [[not _is_zero(block(r, c)) for c in range(n0)] for r in range(m0)]
    taps = 1
    for a in op.axes:
        taps *= a.kernel_size
    size = taps // axis.kernel_size
    kernel = list(ref.kernel[:taps])
    slice_nonzero = [not _is_zero(_inner_reference(op, ref, kernel[t * size:(t + 1) * size])
                                  .matrix) for t in range(axis.kernel_size)]
    K = axis.kernel_size
    offsets = [t for t in range(K) if slice_nonzero[K - 1 - t if op.flip else t]]
    per_line = len(offsets)
    outer_total = n0 if transposed else m0
    unit = "block column" if transposed else "block row"
    counts = ([sum(nonzero[r][c] for r in range(m0)) for c in range(n0)] if transposed
              else [sum(nonzero[r]) for r in range(m0)])
    # interior lines and what they hold
    interior = _interior_lines(axis)
    claim = _interior_claim(section, unit, "j_{0}" if transposed else "i_{0}", outer_total)
    if interior and per_line:
        assert claim is not None, section
        assert claim == (interior, per_line), (claim, interior, per_line)
        assert all(counts[line] == per_line for line in interior)
    elif interior:  # no kernel slice meets the input: M is zero, its block lines are not stated
        assert claim is None or claim == (interior, 0), claim
    else:
        assert claim is None
    # short lines: fewer non-zero blocks than a whole line
    short = {line for line in range(outer_total) if counts[line] < per_line}
    claimed = _claimed(section, rf"(?:cropped|the input), so ({PHRASE}) (holds|hold) fewer than \${per_line}\$ non-zero "
                                r"blocks", unit, outer_total)
    if transposed or axis.padding_mode == "zeros":
        # an all-zero M (no slice meets the input): its block lines are not stated at all
        assert claimed == short or (not any(counts) and claimed == set()), (claimed, short)
    else:
        assert claimed == set()
    _verb_agrees(section, rf"(?:cropped|the input), so ({PHRASE}) (holds|hold) fewer than", unit,
                 outer_total)
    # folded block rows
    folded = (_folded_rows(axis, offsets) if not transposed and axis.padding_mode != "zeros"
              else set())
    stated = any(counts)  # an all-zero M states no block lines (nor their borders)
    assert _claimed(section, rf"In ({PHRASE}) the \w+ padding folds the kernel slices", unit,
                    m0) in ((folded, set()) if not stated else (folded,))
    # block rows that miss blocks because their inputs do not exist
    lacking = _lacking_rows(axis, offsets) if transposed else set()
    assert _claimed(section, rf"Some kernel slices would reach ({PHRASE}) from input slices outside",
                    "block row", m0) in ((lacking, set()) if not stated else (lacking,))
    # "Each block row/column is the one ... moved by s" and "block Toeplitz"
    if re.search(rf"Each {unit} is the one", section):
        assert _shifted(block, m0, n0, axis.stride, transposed)
    else:
        assert re.search(rf"Away from the borders, each {unit} is the one", section)
    if "block Toeplitz*" in section:
        assert _toeplitz(block, m0, n0)


def check_inner(op, text: str) -> None:
    """The sentences of 'The 1-D blocks' against the 1-D reference of the last axis."""
    if op.ndim == 1:
        return
    section = _section(text, "The 1-D blocks")
    axis = op.axes[-1]
    n, K, s, d, pb, pa, m = _axis_geometry(axis)
    dense = reference(n, K, s, d, (pb, pa), axis.padding_mode, axis.flip, axis.transposed,
                      axis.output_padding).matrix
    offsets = list(range(K))

    def entry(r, c):
        return dense[r][c]

    if op.transposed:
        column_counts = [sum(1 for r in range(m) if dense[r][c] != 0) for c in range(n)]
        cropped = {c for c in range(n) if column_counts[c] < K}
        assert _claimed(section, rf"In ({PHRASE}) of a block, taps that would land outside the output "
                                 r"are cropped", "column", n) == cropped
        assert _claimed(section, rf"Some taps would reach ({PHRASE}) of a block from inputs outside",
                        "row", m) == _lacking_rows(axis, offsets)
        if "each column is the previous one" in section and "away from the borders each column" \
                not in section:
            assert _shifted(entry, m, n, s, True)
    else:
        row_counts = [sum(1 for c in range(n) if dense[r][c] != 0) for r in range(m)]
        cut = ({r for r in range(m) if row_counts[r] < K} if axis.padding_mode == "zeros"
               else set())
        assert _claimed(section, rf"In ({PHRASE}) of a block the zero padding cuts taps", "row",
                        m) == cut
        folded = _folded_rows(axis, offsets) if axis.padding_mode != "zeros" else set()
        assert _claimed(section, rf"In ({PHRASE}) of a block the \w+ padding folds taps", "row",
                        m) == folded
        if "each row is the row above" in section and "away from the borders each row" \
                not in section:
            assert _shifted(entry, m, n, s, False)
    if "is constant along its diagonals (Toeplitz)" in section:
        assert _toeplitz(entry, m, n)


@settings(max_examples=50, deadline=None)
@given(configs(ndim=2))
def test_border_sentences_are_true_for_random_2d_operators(cfg):
    built = build(cfg)
    if built is None:
        return
    op, ref = built
    text = _flat(derive(op, "markdown"))
    check_level_zero(op, ref, text)
    check_inner(op, text)


@pytest.mark.parametrize(("kwargs", "expected"), [
    # the reviewer's cases: every block column holds 3 blocks; the first and last block ROWS miss
    # blocks because their inputs do not exist (not "block columns receive fewer")
    (dict(n=(3, 4), kernel=(3, 2), stride=(2, 1), transposed=True), [
        "zero; every block column holds $3$ non-zero blocks.",
        "Some kernel slices would reach the first block row and the last block row from input "
        "slices outside $0 \\le j_{0} \\le 2$, which do not exist",
        "Some taps would reach the first row and the last row of a block from inputs outside "
        "$0 \\le j_{1} \\le 3$, which do not exist"]),
    # the first block column is cropped by the padding; the last block row lacks an input
    (dict(n=(3, 4), kernel=(3, 2), stride=(2, 1), padding=(1, 0), output_padding=(1, 0),
          transposed=True), [
        "each interior block column ($1 \\le j_{0} \\le 2$) holds $3$ non-zero blocks.",
        "so the first block column holds fewer than $3$ non-zero blocks.",
        "Some kernel slices would reach the last block row from input slices outside"]),
])
def test_reviewer_cases_say_block_rows_and_columns_right(kwargs, expected):
    op = Conv(**kwargs)
    text = _flat(derive(op, "markdown"))
    for sentence in expected:
        assert sentence in text
    assert "padding cuts" not in text  # no padding cuts anything in a transposed layer
    assert "receive fewer" not in text
    dense = reference(kwargs["n"], kwargs["kernel"], kwargs["stride"], 1,
                      kwargs.get("padding", 0), transposed=True,
                      output_padding=kwargs.get("output_padding", 0))
    check_level_zero(op, dense, text)
    check_inner(op, text)


def test_the_interior_of_a_single_line_is_named_once():
    op = Conv((3, 4, 5), (2, 2, 2), dilation=(2, 1, 1), padding=1, padding_mode="reflect")
    text = _flat(derive(op, "markdown"))
    assert "the interior block row $i_{0} = 1$ holds $2$ non-zero blocks" in text
    assert "\\le 1$" not in text and " $)" not in text
    # reflect padding folds blocks at the borders: no block Toeplitz claim
    assert "Toeplitz*" not in text
    assert "In the first block row and the last block row the reflect padding folds" in text


@pytest.mark.parametrize(("phrase", "total", "expected"), [
    ("every block row", 3, {0, 1, 2}),
    ("the first block row", 5, {0}),
    ("the first $2$ block rows and the last block row", 6, {0, 1, 5}),
    ("the first block row, block rows $2$ and $4$ and the last $2$ block rows", 9,
     {0, 2, 4, 7, 8}),
    ("block row $3$", 6, {3}),
])
def test_the_phrase_reader(phrase, total, expected):
    assert parse_lines(phrase, "block row", total) == expected


def test_line_sets_are_phrased_by_the_template():
    """_line_set -> template phrase -> parse_lines gives the set back (every shape of set)."""
    from symdil.derivation import _line_set

    for total in range(1, 7):
        for mask in range(1, 2 ** total):
            chosen = {i for i in range(total) if mask >> i & 1}
            data = _line_set(sorted(chosen), total)
            assert data is not None
            phrase = _phrase(data)
            assert parse_lines(phrase, "block row", total) == chosen, (chosen, phrase)
            assert data["plural"] == (len(chosen) > 1 and len(chosen) < total)


def _phrase(data) -> str:
    """The words the ``lineset`` macro writes, rendered through the real template."""
    op = Conv((3, 4), (3, 2), stride=(2, 1), transposed=True)
    from symdil.derivation import Derivation

    context = Derivation(op).context()
    context["levels"][0]["lacking"] = data
    context.update(verification=None, title=None, standalone=False)
    from symdil.render.environment import render_document

    text = _flat(render_document("markdown", False, context))
    match = re.search(rf"Some kernel slices would reach ({PHRASE}) from input slices outside", text)
    assert match
    return match.group(1)


def test_block_facts_lines_of_the_reviewer_case():
    op = Conv((3, 4), (3, 2), stride=(2, 1), padding=(1, 0), output_padding=(1, 0),
              transposed=True)
    lines = block_facts(op).levels[0].lines
    assert (lines.short, lines.lacking, lines.folded) == ((0,), (5,), ())
