"""Handout exercises as plain data: the operator, what the student is given, and the answer.

Nothing here is LaTeX: questions and answers are ints, tuples and SymPy objects; the templates
word them.  ``make_exercises(count, seed, kinds, level)`` draws every size from
``random.Random(seed)`` only, so the same arguments give the same list; ``kinds`` (default: the
seven below) cycle in the order given, ``level`` 1, 2 or 3 picks the ranges (2: the original
ones).  No two exercises of a list share an operator, and none uses a worked example's
operator (its whole matrix is printed in the handout): an exercise whose matrix is already taken
is drawn again, from the same generator.  Each answer is taken from the
operator (``Conv``); ``check()`` recomputes it another way (counting matrix rows and entries, or
a plain loop over the definition ``y_i = sum_t k_t a[s*i + d*t - p_before]``) and is True only
when both agree.

Per kind, the question keys besides the sizes, and the answer keys:

=================  =====================================  =========================================
output_length      --                                     output_length
fill_matrix        blanks: (row, col) cells to fill       matrix (SymPy), values: ((cell, entry),)
zero_diagonals     row                                    zero_diagonals_between_taps,
                                                          tap_diagonals (col - row), zero_columns
output_entry       row, output (the symbol y_row)         expression
same_padding       (padding is asked, not given)          padding: (before, after)
transposed_shape   output_padding (``op`` is transposed)  output_length, shape: (rows, cols)
block_structure    2-D sizes                              block_grid, block_shape, nonzero_blocks,
                                                          block_diagonals (block col - block row)
=================  =====================================  =========================================

A level-3 output_length question may name its padding by a word (``padding_word``: full,
causal).  The stack kinds (``op`` a ``Stack``) are in ``stack_kinds``, the kinds read off a
matrix or computed in numbers in ``matrix_kinds``; each module's docstring lists their keys.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import sympy

from ..core.conv import Conv
from ..core.spec import SymdilError, require_int
from . import matrix_kinds, stack_kinds
from .matrix_kinds import KINDS as MATRIX_KINDS
from .stack_kinds import KINDS as STACK_KINDS

#: The kinds a handout cycles through when none are chosen (``count >= 7`` shows each one).
DEFAULT_KINDS = ("output_length", "fill_matrix", "zero_diagonals", "output_entry",
                 "same_padding", "transposed_shape", "block_structure")
#: Every kind, in the order ``symdil handout --list-kinds`` prints them.
KINDS = DEFAULT_KINDS + STACK_KINDS + MATRIX_KINDS
#: One line per kind, for ``--list-kinds`` and the CLI's help.
SUMMARIES = {
    "output_length": "how many outputs a convolution has",
    "fill_matrix": "fill in two rows of the matrix",
    "zero_diagonals": "the all-zero diagonals between the taps (stride 1)",
    "output_entry": "one output written out as taps times inputs",
    "same_padding": "the padding that keeps the length",
    "transposed_shape": "the shape of a transposed convolution's matrix",
    "block_structure": "the block structure of a 2-D convolution's matrix",
    "receptive_field": "receptive field of a stack, and the input region of one output",
    "effective_stride": "effective stride and padding of a stack",
    "single_conv": "the single convolution equal to a stack (kernel, stride, padding, taps)",
    "transposed_length": "a transposed convolution's output length, with output padding",
    "numeric_output": "the output y for given numbers",
    "which_parameters": "which stride, dilation and padding made a printed matrix",
    "find_wrong_entry": "the one wrong entry of a printed matrix",
}
#: Difficulty levels: sizes, strides, dilations, paddings, depth and 2-D sizes grow with it.
LEVELS = (1, 2, 3)
DEFAULT_LEVEL = 2


@dataclass(frozen=True)
class Exercise:
    """One exercise: ``kind`` (one of KINDS), the operator ``op``, the ``question`` data given to
    the student and the ``answer`` data of the key.

    ``question`` always holds the sizes of ``op`` (``n``, ``kernel_size``, ``stride``,
    ``dilation``, ``padding`` as (before, after); per axis in 2-D) except what is asked.
    """

    kind: str
    op: Any  # a Conv, or a Stack for the stack kinds
    question: Mapping[str, Any]
    answer: Mapping[str, Any]

    def check(self) -> bool:
        """Recompute the answer independently of how it was obtained; True when they agree."""
        try:
            check = (_CHECKS.get(self.kind) or stack_kinds.CHECKS.get(self.kind)
                     or matrix_kinds.CHECKS[self.kind])
            return bool(check(self.op, self.question, self.answer))
        except (KeyError, TypeError, ValueError, IndexError):
            return False


def worked_examples() -> list[Conv]:
    """The handout's worked examples: the dilation-2 two-tap example, then a strided one."""
    return [Conv(7, 2, dilation=2), Conv(8, 3, stride=2, padding=1)]


#: The most exercises in one list.  Every exercise needs an operator of its own, and the smallest
#: range of sizes (zero diagonals: 48 operators, one of them a worked example) is shared with
#: the 1-D kinds, so 42 (each kind six times) always leaves a fresh operator to draw.
MAX_EXERCISES = 42


def operator_key(op: Any) -> tuple:
    """What makes two operators the same: their shape and every non-zero entry (a stack: its
    input length and every layer's sizes).

    Equal sizes always give equal keys (``padding="same"`` and the explicit pair it resolves to
    included); so do different sizes that happen to give the same matrix.
    """
    if hasattr(op, "layers"):
        return ("stack", op.n, tuple((layer.axes[0].kernel_size, layer.axes[0].stride,
                                      layer.axes[0].dilation, layer.axes[0].pad_before,
                                      layer.axes[0].pad_after) for layer in op.layers))
    return (op.ndim, op.shape, tuple(tuple(sorted(row.items())) for row in op.rows))


def parse_kinds(kinds: Any) -> tuple[str, ...]:
    """``None`` (the seven classic kinds), a comma-separated text or a sequence of kind names."""
    if kinds is None:
        return DEFAULT_KINDS
    names = [k.strip() for k in kinds.split(",")] if isinstance(kinds, str) else list(kinds)
    if not names or not all(isinstance(k, str) and k for k in names):
        raise SymdilError(f"kinds must be a comma-separated list of exercise kinds, got "
                          f"{kinds!r}")
    unknown = [k for k in names if k not in KINDS]
    if unknown:
        raise SymdilError(f"kinds: unknown kind {unknown[0]!r}; the kinds are "
                          f"{', '.join(KINDS)} (symdil handout --list-kinds)")
    if len(set(names)) != len(names):
        raise SymdilError(f"kinds: each kind once, got {','.join(names)}")
    return tuple(names)


def check_level(level: Any) -> int:
    if isinstance(level, bool) or level not in LEVELS:
        raise SymdilError(f"level must be 1, 2 or 3, got {level!r}")
    return level


def make_exercises(count: int, seed: int, kinds: Any = None,
                   level: int = DEFAULT_LEVEL) -> list[Exercise]:
    """``count`` exercises whose kinds cycle through ``kinds`` (default: the seven classic
    ones), sized by ``random.Random(seed)`` from the ranges of ``level`` (1, 2 or 3).

    Every exercise has an operator of its own, none of them a worked example's (see
    ``operator_key``); ``count`` is at most ``MAX_EXERCISES``.
    """
    count = require_int("exercises", count, 1)
    if count > MAX_EXERCISES:
        raise SymdilError(f"exercises must be at most {MAX_EXERCISES} (each exercise gets an "
                          f"operator of its own), got {count}")
    seed = require_int("seed", seed, 0)
    chosen = parse_kinds(kinds)
    level = check_level(level)
    rng = random.Random(seed)
    taken = {operator_key(op) for op in worked_examples()}
    exercises = []
    for i in range(count):
        kind = chosen[i % len(chosen)]
        for _ in range(_MAX_DRAWS):
            exercise = _make(kind, rng, level)
            key = operator_key(exercise.op)
            if key not in taken:
                break
        else:
            same = sum(1 for e in exercises if e.kind == kind)
            raise SymdilError(f"exercises: no new {kind} exercise at level {level} after "
                              f"{same} of them ({_MAX_DRAWS} draws); ask for fewer exercises "
                              "of this kind, or a higher --level")
        taken.add(key)
        exercises.append(exercise)
    return exercises


def _make(kind: str, rng: random.Random, level: int) -> "Exercise":
    if kind in _MAKERS:
        return _MAKERS[kind](rng, level)
    maker = stack_kinds.MAKERS.get(kind) or matrix_kinds.MAKERS[kind]
    op, question, answer = maker(rng, level)
    return Exercise(kind, op, question, answer)


#: Draws before giving up on a fresh operator (a few dozen are needed at most at the default
#: level; a small level's ranges run out sooner, and the error says so).
_MAX_DRAWS = 2_000


# ----- drawing sizes --------------------------------------------------------------------------

#: Per kind and level, the inclusive ranges of (n, K, s, d, p); level 2 is the handout's
#: original set of sizes, level 1 keeps stride, dilation and padding small, level 3 widens all.
_RANGES = {
    "output_length": {1: ((5, 12), (2, 3), (1, 1), (1, 2), (0, 1)),
                      2: ((5, 16), (2, 4), (1, 3), (1, 3), (0, 2)),
                      3: ((10, 40), (2, 6), (1, 4), (1, 4), (0, 4))},
    "fill_matrix": {1: ((4, 7), (2, 2), (1, 1), (1, 2), (0, 1)),
                    2: ((5, 8), (2, 3), (1, 2), (1, 2), (0, 1)),
                    3: ((6, 9), (2, 4), (1, 3), (1, 3), (0, 2))},
    "zero_diagonals": {1: ((6, 9), (2, 2), (1, 1), (2, 3), (0, 1)),
                       2: ((6, 10), (2, 3), (1, 1), (2, 4), (0, 1)),
                       3: ((8, 12), (2, 4), (1, 1), (2, 5), (0, 2))},
    "output_entry": {1: ((5, 9), (2, 3), (1, 1), (1, 2), (0, 1)),
                     2: ((6, 12), (2, 4), (1, 3), (1, 3), (0, 2)),
                     3: ((8, 16), (3, 5), (1, 4), (1, 4), (0, 3))},
    "same_padding": {1: ((5, 9), (2, 3), (1, 1), (1, 2), (0, 0)),
                     2: ((5, 12), (2, 5), (1, 1), (1, 3), (0, 0)),
                     3: ((8, 16), (2, 7), (1, 1), (1, 4), (0, 0))},
    "transposed_shape": {1: ((3, 6), (2, 2), (2, 2), (1, 1), (0, 1)),
                         2: ((3, 5), (2, 3), (2, 3), (1, 2), (0, 1)),
                         3: ((3, 7), (2, 4), (2, 4), (1, 3), (0, 2))},
    "block_structure": {1: ((3, 4), (2, 2), (1, 1), (1, 1), (0, 1)),
                        2: ((3, 4), (2, 3), (1, 1), (1, 2), (0, 1)),
                        3: ((3, 5), (2, 3), (1, 1), (1, 2), (0, 1))},
}


def _draw(rng: random.Random, n: tuple, kernel: tuple, stride: tuple, dilation: tuple,
          padding: tuple, min_outputs: int = 2) -> tuple[int, int, int, int, int]:
    """(n, K, s, d, p) uniformly from inclusive ranges, redrawn until there are enough outputs."""
    while True:
        sizes = tuple(rng.randint(*bounds) for bounds in (n, kernel, stride, dilation, padding))
        length, taps, step, gap, pad = sizes
        # padding past the window's span would give an output that reads only zeros
        if (length + 2 * pad - gap * (taps - 1) - 1) // step + 1 >= min_outputs and (
                pad <= gap * (taps - 1)):
            return sizes


def _given(op: Conv) -> dict[str, Any]:
    """The sizes of a 1-D operator, as the student is told them."""
    axis = op.axes[0]
    return {"n": axis.n, "kernel_size": axis.kernel_size, "stride": axis.stride,
            "dilation": axis.dilation, "padding": (axis.pad_before, axis.pad_after)}


#: Padding words a level-3 output_length exercise may give instead of numbers.
PADDING_WORDS = ("full", "causal")


def _make_output_length(rng: random.Random, level: int) -> Exercise:
    n, K, s, d, p = _draw(rng, *_RANGES["output_length"][level])
    word = rng.choice(PADDING_WORDS) if level == 3 and rng.random() < 0.5 else None
    op = Conv(n, K, stride=s, dilation=d, padding=word if word is not None else p)
    question = _given(op) if word is None else {**_given(op), "padding_word": word}
    return Exercise("output_length", op, question, {"output_length": op.output_length})


def _make_fill_matrix(rng: random.Random, level: int) -> Exercise:
    n, K, s, d, p = _draw(rng, *_RANGES["fill_matrix"][level], min_outputs=3)
    op = Conv(n, K, stride=s, dilation=d, padding=p)
    matrix = op.matrix.as_immutable()
    # Blank out two whole rows: filling one in means knowing where each tap lands, zeros included.
    rows = sorted(rng.sample(range(matrix.rows), 2))
    blanks = tuple((r, c) for r in rows for c in range(matrix.cols))
    answer = {"matrix": matrix, "values": tuple((cell, matrix[cell]) for cell in blanks)}
    return Exercise("fill_matrix", op, {**_given(op), "blanks": blanks}, answer)


def _make_zero_diagonals(rng: random.Random, level: int) -> Exercise:
    while True:  # stride 1, so entries lie on diagonals; n past the span keeps every tap diagonal
        n, K, s, d, p = _draw(rng, *_RANGES["zero_diagonals"][level])
        if n > d * (K - 1) + 1:
            break
    op = Conv(n, K, dilation=d, padding=p)
    row = rng.randrange(op.output_length)
    answer = {
        "zero_diagonals_between_taps": d - 1,
        "tap_diagonals": tuple(d * t - p for t in range(K)),  # column - row of each tap
        "zero_columns": tuple(c for c in range(n) if c not in op.row(row)),
    }
    return Exercise("zero_diagonals", op, {**_given(op), "row": row}, answer)


def _make_output_entry(rng: random.Random, level: int) -> Exercise:
    n, K, s, d, p = _draw(rng, *_RANGES["output_entry"][level])
    op = Conv(n, K, stride=s, dilation=d, padding=p)
    row = rng.randrange(op.output_length)
    question = {**_given(op), "row": row, "output": op.output_symbol_at(row)}
    return Exercise("output_entry", op, question, {"expression": op.output[row]})


def _make_same_padding(rng: random.Random, level: int) -> Exercise:
    n, K, s, d, _ = _draw(rng, *_RANGES["same_padding"][level], min_outputs=1)
    op = Conv(n, K, dilation=d, padding="same")
    question = {"n": n, "kernel_size": K, "stride": 1, "dilation": d}
    return Exercise("same_padding", op, question, {"padding": op.padding})


def _make_transposed_shape(rng: random.Random, level: int) -> Exercise:
    n, K, s, d, p = _draw(rng, *_RANGES["transposed_shape"][level])
    # output_padding < s keeps the forward convolution of the result's length at exactly n
    output_padding = rng.randrange(s)
    op = Conv(n, K, stride=s, dilation=d, padding=p, transposed=True,
              output_padding=output_padding)
    question = {**_given(op), "output_padding": output_padding}
    return Exercise("transposed_shape", op, question,
                    {"output_length": op.output_length, "shape": op.shape})


def _make_block_structure(rng: random.Random, level: int) -> Exercise:
    vertical = _draw(rng, *_RANGES["block_structure"][level])
    horizontal = _draw(rng, *_RANGES["block_structure"][level])
    (h, kh, _, dh, ph), (w, kw, _, dw, pw) = vertical, horizontal
    op = Conv((h, w), (kh, kw), dilation=(dh, dw), padding=(ph, pw))
    question = {"n": (h, w), "kernel_size": (kh, kw), "stride": (1, 1), "dilation": (dh, dw),
                "padding": ((ph, ph), (pw, pw))}
    out_h, out_w = op.output_length
    blocks = sorted({(r // out_w, c // w) for r, row in enumerate(op.rows) for c in row})
    answer = {"block_grid": (out_h, h), "block_shape": (out_w, w),
              "nonzero_blocks": tuple(blocks),
              "block_diagonals": tuple(sorted({col - row for row, col in blocks}))}
    return Exercise("block_structure", op, question, answer)


_MAKERS: dict[str, Callable[[random.Random, int], Exercise]] = {
    "output_length": _make_output_length, "fill_matrix": _make_fill_matrix,
    "zero_diagonals": _make_zero_diagonals, "output_entry": _make_output_entry,
    "same_padding": _make_same_padding, "transposed_shape": _make_transposed_shape,
    "block_structure": _make_block_structure,
}


# ----- independent checks ---------------------------------------------------------------------


def _describes(op: Conv, question: Mapping[str, Any]) -> bool:
    """The question's sizes are those of the operator."""
    given = {**_given(op), "output_padding": op.axes[0].output_padding}
    return all(given[key] == question[key] for key in given if key in question)


def _window_count(n: int, K: int, s: int, d: int, before: int, after: int) -> int:
    """Outputs counted one at a time: window i covers s*i .. s*i + d(K-1) of the padded input."""
    count = 0
    while s * count + d * (K - 1) <= n + before + after - 1:
        count += 1
    return count


def _reference_row(q: Mapping[str, Any], i: int) -> dict[int, sympy.Expr]:
    """Column -> coefficient of output i from the definition (zero padding, cross-correlation)."""
    row: dict[int, sympy.Expr] = {}
    for t in range(q["kernel_size"]):
        j = q["stride"] * i + q["dilation"] * t - q["padding"][0]
        if 0 <= j < q["n"]:
            row[j] = row.get(j, 0) + sympy.Symbol(f"k_{t}")
    return row


def _check_output_length(op: Conv, q: Mapping, a: Mapping) -> bool:
    span = q["dilation"] * (q["kernel_size"] - 1)
    words = {"full": (span, span), "causal": (span, 0)}
    if "padding_word" in q and tuple(q["padding"]) != words[q["padding_word"]]:
        return False
    windows = _window_count(q["n"], q["kernel_size"], q["stride"], q["dilation"], *q["padding"])
    return _describes(op, q) and a["output_length"] == windows == op.matrix.rows


def _check_fill_matrix(op: Conv, q: Mapping, a: Mapping) -> bool:
    matrix = a["matrix"]
    windows = _window_count(q["n"], q["kernel_size"], q["stride"], q["dilation"], *q["padding"])
    if not _describes(op, q) or matrix.shape != (windows, q["n"]) or matrix != op.matrix:
        return False
    reference = [_reference_row(q, i) for i in range(windows)]
    full = all(matrix[i, c] == reference[i].get(c, 0)
               for i in range(windows) for c in range(q["n"]))
    values = dict(a["values"])
    return full and set(values) == set(q["blanks"]) and all(
        values[(i, c)] == reference[i].get(c, 0) for i, c in values)


def _check_zero_diagonals(op: Conv, q: Mapping, a: Mapping) -> bool:
    matrix = op.matrix
    diagonals = sorted({c - r for (r, c), v in matrix.todok().items() if v != 0})
    gaps = {later - earlier - 1 for earlier, later in zip(diagonals, diagonals[1:])}
    zero_columns = tuple(c for c in range(matrix.cols) if matrix[q["row"], c] == 0)
    return (_describes(op, q) and q["stride"] == 1 and tuple(diagonals) == a["tap_diagonals"]
            and gaps == {a["zero_diagonals_between_taps"]} and zero_columns == a["zero_columns"])


def _check_output_entry(op: Conv, q: Mapping, a: Mapping) -> bool:
    terms = _reference_row(q, q["row"])
    reference = sum((coef * sympy.Symbol(f"a_{j}") for j, coef in terms.items()), sympy.S.Zero)
    return _describes(op, q) and sympy.expand(a["expression"] - reference) == 0


def _check_same_padding(op: Conv, q: Mapping, a: Mapping) -> bool:
    before, after = a["padding"]
    n, K, d = q["n"], q["kernel_size"], q["dilation"]
    explicit = Conv(n, K, dilation=d, padding=(before, after))
    # the smallest total keeping the length at stride 1 is d(K-1); the odd sample goes after
    return (before + after == d * (K - 1) and after - before in (0, 1)
            and _window_count(n, K, 1, d, before, after) == n == explicit.matrix.rows
            and explicit.matrix == op.matrix)


def _check_transposed_shape(op: Conv, q: Mapping, a: Mapping) -> bool:
    length = a["output_length"]
    # conv_transpose is the adjoint of the forward convolution of an input of its output length
    forward = Conv(length, q["kernel_size"], stride=q["stride"], dilation=q["dilation"],
                   padding=q["padding"])
    matrix = op.matrix
    return (_describes(op, q) and tuple(a["shape"]) == (length, q["n"]) == matrix.shape
            and forward.output_length == q["n"] and forward.matrix.T == matrix)


def _check_block_structure(op: Conv, q: Mapping, a: Mapping) -> bool:
    (h, w), (kh, kw), (dh, dw) = q["n"], q["kernel_size"], q["dilation"]
    (ph, ph_after), (pw, pw_after) = q["padding"]
    out_h = _window_count(h, kh, 1, dh, ph, ph_after)
    out_w = _window_count(w, kw, 1, dw, pw, pw_after)
    # block (i, j) is non-zero when output row i of the image reads input row j through some tap
    blocks = sorted({(i, i + dh * t - ph) for i in range(out_h) for t in range(kh)
                     if 0 <= i + dh * t - ph < h})
    matrix = op.matrix
    in_matrix = {(bi, bj) for bi in range(out_h) for bj in range(h)
                 if not matrix[bi * out_w:(bi + 1) * out_w, bj * w:(bj + 1) * w].is_zero_matrix}
    sizes = tuple((axis.n, axis.kernel_size, axis.stride, axis.dilation,
                   (axis.pad_before, axis.pad_after)) for axis in op.axes)
    return (sizes == tuple(zip(q["n"], q["kernel_size"], q["stride"], q["dilation"], q["padding"]))
            and matrix.shape == (out_h * out_w, h * w)
            and tuple(a["block_grid"]) == (out_h, h) and tuple(a["block_shape"]) == (out_w, w)
            and tuple(a["nonzero_blocks"]) == tuple(blocks) and in_matrix == set(blocks)
            and tuple(a["block_diagonals"]) == tuple(sorted({j - i for i, j in blocks})))


_CHECKS: dict[str, Callable[[Conv, Mapping, Mapping], bool]] = {
    "output_length": _check_output_length, "fill_matrix": _check_fill_matrix,
    "zero_diagonals": _check_zero_diagonals, "output_entry": _check_output_entry,
    "same_padding": _check_same_padding, "transposed_shape": _check_transposed_shape,
    "block_structure": _check_block_structure,
}
