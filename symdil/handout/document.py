"""Teaching handouts: notation, worked examples, seeded exercises and their checked answer key.

``Handout(exercises, seed)`` draws its exercises with ``symdil.exercises.make_exercises`` (same
seed, byte-identical documents) and turns each one into pre-printed LaTeX math for the templates
(``latex/handout*.tex.j2``, ``markdown/handout*.md.j2``); the templates hold layout and words only.
Every answer is read from the exercise's answer data, which symdil computed from the operator, and
``render`` refuses to print a handout when an exercise's ``check()`` (an independent recomputation)
fails, or when its answer statement (``answer_<kind>``, ``symdil.handout.statements``: what the key
says, with a predicate on the operator's rows) is false; the key phrases each answer from it.

``render(fmt, part)``: ``part="handout"`` is the students' sheet (with the answer key as a last
section on its own page when ``solutions`` is set); ``part="solutions"`` is the answer key alone,
as a separate document (``--solutions-file``).  Both are complete documents (a LaTeX ``article``,
or Markdown with ``$…$``/``$$…$$`` math for GitHub and KaTeX).

In a notebook a ``Handout`` displays as Markdown; ``handout.exercise(i)`` is one exercise, with
``_repr_markdown_`` (question, and answer when ``solutions``) and ``_repr_latex_`` (its math).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Sequence

import sympy

from ..core.conv import Conv
from ..core.spec import SymdilError, plain_int
from ..layout.elision import DEFAULT_MAX_COLS, DEFAULT_MAX_ROWS
from ..layout.matrices import bracket_matrix, matrix_equation
from ..render.printer import SymdilLatexPrinter, latex, sum_latex
from . import contexts
from .exercises import (
    DEFAULT_LEVEL,
    Exercise,
    check_level,
    make_exercises,
    parse_kinds,
    worked_examples,
)
from .grading import graded_fields
from .statements import answer_evidence, answer_statement

FORMATS = ("latex", "markdown", "html", "moodle")
PARTS = ("handout", "solutions")
TEMPLATES = {
    ("latex", "handout"): "latex/handout.tex.j2",
    ("latex", "solutions"): "latex/handout_key.tex.j2",
    ("markdown", "handout"): "markdown/handout.md.j2",
    ("markdown", "solutions"): "markdown/handout_key.md.j2",
    ("markdown", "exercise"): "markdown/handout_exercise.md.j2",
    ("html", "handout"): "html/handout.html.j2",
    ("html", "solutions"): "html/handout_key.html.j2",
}
#: An empty cell of a grid the student fills in (LaTeX and KaTeX alike).
BLANK = r"\boxed{\rule{0pt}{1em}\hspace{1.2em}}"

_I = sympy.Symbol("i", integer=True)
_U = sympy.Symbol("u", integer=True)
_PB = r"p_{\mathrm{before}}"
_PA = r"p_{\mathrm{after}}"
_PO = r"p_{\mathrm{out}}"

#: The general formulas of the notation section (math, pre-printed once for both formats).
NOTATION = {
    "input": r"a = (a_{0}, a_{1}, \dots, a_{n-1})",
    "kernel": r"k = (k_{0}, k_{1}, \dots, k_{K-1})",
    "output": r"y = (y_{0}, y_{1}, \dots, y_{m-1})",
    "padding": rf"p = ({_PB}, {_PA})",
    "padded": (r"\tilde{a}_{j} = \begin{cases} a_{j} & 0 \le j \le n-1 \\ 0 & \text{otherwise} "
               r"\end{cases}"),
    "definition": rf"y_{{i}} = \sum_{{t=0}}^{{K-1}} k_{{t}}\, \tilde{{a}}_{{s i + d t - {_PB}}}",
    "length": (rf"m = \left\lfloor \frac{{n + {_PB} + {_PA} - d\,(K-1) - 1}}{{s}} "
               r"\right\rfloor + 1"),
    "receptive_field": r"d\,(K-1) + 1",
    "matrix": r"y = M a",
    "entry": r"M_{i,j}",
    "columns": rf"j = s i + d t - {_PB}",
    "transposed_length": rf"m = (n-1)\,s - 2p + d\,(K-1) + {_PO} + 1",
}

_TITLES = {
    "output_length": "Output length",
    "fill_matrix": "Fill in the matrix",
    "zero_diagonals": "Zero diagonals",
    "output_entry": "One output, written out",
    "same_padding": "Padding that keeps the length",
    "transposed_shape": "The transposed operator",
    "block_structure": "Block structure in 2-D",
    "receptive_field": "Receptive field of a stack",
    "effective_stride": "Effective stride and padding",
    "single_conv": "One convolution for a stack",
    "transposed_length": "Transposed length with output padding",
    "numeric_output": "The output, in numbers",
    "which_parameters": "Which parameters made this matrix?",
    "find_wrong_entry": "Find the wrong entry",
}


def _check_limit(name: str, value: Any) -> int:
    value = plain_int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 3:
        raise SymdilError(f"{name} must be an integer >= 3, got {value!r}")
    return value


# --------------------------------------------------------------------------------------------
# Small LaTeX builders (math only)
# --------------------------------------------------------------------------------------------


def _join(values: Sequence[Any]) -> str:
    return ", ".join(latex(v) for v in values)


def _pair(values: Sequence[Any]) -> str:
    return "(" + _join(values) + ")"


def _given_1d(q: dict[str, Any], padding: bool = True) -> str:
    parts = [f"n = {latex(q['n'])}", f"K = {q['kernel_size']}", f"s = {q['stride']}",
             f"d = {q['dilation']}"]
    if padding and "padding_word" in q:
        parts.append(rf"p = \texttt{{{q['padding_word']}}}")
    elif padding:
        parts.append(f"p = {_pair(q['padding'])}")
    return r",\quad ".join(parts)


def _length_chain(n: int, K: int, s: int, d: int, before: int, after: int) -> tuple[str, int]:
    """``\\lfloor (n + pb + pa - d(K-1) - 1)/s \\rfloor + 1`` with the numbers, and its value."""
    numerator = n + before + after - d * (K - 1) - 1
    value = numerator // s + 1
    numbers = rf"{n} + {before} + {after} - {d} \cdot ({K} - 1) - 1"
    if s == 1:
        chain = rf"{numbers} + 1 = {value}"
    else:
        chain = (rf"\left\lfloor \frac{{{numbers}}}{{{s}}} \right\rfloor + 1 = "
                 rf"\left\lfloor \frac{{{numerator}}}{{{s}}} \right\rfloor + 1 = {value}")
    return chain, value


def _full_matrix(op: Conv, printer: SymdilLatexPrinter,
                 cell: Any = None) -> str:
    """Every entry of ``op``'s (small) matrix; ``cell(r, c, text)`` may restyle an entry."""
    rows, cols = op.shape
    cells = []
    for r in range(rows):
        entries = op.row(r)
        line = []
        for c in range(cols):
            text = printer.entry(entries.get(c, 0))
            line.append(cell(r, c, text) if cell is not None else text)
        cells.append(line)
    return bracket_matrix(cells)


def _row_sum(expression: Any, inputs: Sequence[sympy.Symbol],
             printer: SymdilLatexPrinter) -> str:
    """A linear expression in the inputs as ``k_t a_j + …`` in column order (tap order for the
    forward, unflipped exercises; checked exact)."""
    expression = sympy.expand(expression)
    terms = [(expression.coeff(symbol), symbol) for symbol in inputs]
    terms = [(coef, symbol) for coef, symbol in terms if coef != 0]
    rebuilt = sum((coef * symbol for coef, symbol in terms), sympy.S.Zero)
    if sympy.expand(rebuilt - expression) != 0:
        raise SymdilError(f"internal error: {expression} is not linear in the inputs")
    return sum_latex(terms, printer)


# --------------------------------------------------------------------------------------------
# Worked examples
# --------------------------------------------------------------------------------------------


def worked_example(op: Conv, max_rows: int = DEFAULT_MAX_ROWS,
                   max_cols: int = DEFAULT_MAX_COLS) -> dict[str, Any]:
    """What a worked example shows of a 1-D operator, as numbers and pre-printed math."""
    axis = op.axes[0]
    n, K, s, d = axis.n, axis.kernel_size, axis.stride, axis.dilation
    before, after = axis.pad_before, axis.pad_after
    padded = before > 0 or after > 0
    printer = SymdilLatexPrinter()
    source = r"\tilde{a}" if padded else "a"
    terms = [rf"k_{{{t}}}\, {source}_{{{latex(s * _I + d * t - before)}}}" for t in range(K)]
    chain, length = _length_chain(n, K, s, d, before, after)
    if length != op.output_length:
        raise SymdilError(f"internal error: output length {length} != {op.output_length}")
    rows = op.rows
    diagonals = sorted({c - r for r, row in enumerate(rows) for c in row})
    cut = []
    for r in range(len(rows)):
        positions = _tap_columns(axis, r)
        outside = [(t, j) for t, j in enumerate(positions) if not 0 <= j < n]
        if outside:
            cut.append({
                "row": r,
                "equation": rf"y_{{{r}}} = " + _row_sum(op.output[r], op.input, printer),
                "taps": ", ".join(rf"k_{{{t}}}" for t, _ in outside),
                "positions": ", ".join(rf"\tilde{{a}}_{{{j}}}" for _, j in outside),
                "count": len(outside),
            })
    interior = [r for r, row in enumerate(rows) if len(row) == K]
    shift = None
    if len(interior) >= 2:
        first, second = interior[0], interior[1]
        shift = (min(rows[second]) - min(rows[first])) // (second - first)
    return {
        "given": _given_1d({"n": n, "kernel_size": K, "stride": s, "dilation": d,
                            "padding": (before, after)}),
        "n": n, "K": K, "s": s, "d": d, "padded": padded,
        "before": before, "after": after,
        "row": r"y_{i} = " + " + ".join(terms),
        "rows": rf"i = 0, \dots, {length - 1}",
        "length": chain,
        "m": length,
        "receptive_field": d * (K - 1) + 1,
        "receptive_chain": rf"{d} \cdot ({K} - 1) + 1 = {d * (K - 1) + 1}",
        "equation": matrix_equation(op, max_rows, max_cols),
        "shape": rf"{length} \times {n}",
        "gap": d - 1,
        "diagonals": _join(diagonals) if s == 1 else None,
        "diagonal_count": len(diagonals),
        "shift": shift,
        "extra_shift": None if shift is None else shift - 1,
        "cut": cut,
        "nonzeros": op.nonzeros,
        "dense": length * n,
        "gather": length * K,
    }


def _tap_columns(axis: Any, r: int) -> list[int]:
    """Where tap t of output r reads the padded input: s r + d t - p_before."""
    return [axis.stride * r + axis.dilation * t - axis.pad_before
            for t in range(axis.kernel_size)]


# --------------------------------------------------------------------------------------------
# Exercises: question and answer as pre-printed math
# --------------------------------------------------------------------------------------------


def exercise_context(number: int, exercise: Exercise,
                     figure_format: str | None = None) -> dict[str, Any]:
    """The template data of one exercise: ``given``/``asked`` math, and per kind ``question``
    and ``answer`` data (numbers and LaTeX), all read from the exercise's answer data;
    ``fields``: what a quiz grades (``symdil.handout.grading``); ``figure``: the answer's
    figure written for ``figure_format`` (none without one)."""
    printer = SymdilLatexPrinter()
    build = _BUILDERS.get(exercise.kind) or contexts.BUILDERS[exercise.kind]
    question, answer, asked = build(exercise, printer)
    figure = None
    if figure_format is not None:
        from .figures import exercise_figure, figure_body

        kind, drawn = exercise_figure(exercise)
        figure = {"kind": kind, "drawn": drawn,
                  "body": figure_body(drawn, figure_format) if figure_format != "moodle"
                  else None}
    return {"number": number, "kind": exercise.kind, "title": _TITLES[exercise.kind],
            "given": question.pop("given"), "asked": asked, "question": question,
            "answer": answer, "fields": graded_fields(exercise), "figure": figure,
            # what the answer's phrased span names (symdil.render.phrasing): the exercise's
            # answer statement, the handout's statement number - 1 (``Handout.statements``)
            "statement": {"id": number - 1}}


def _output_length(e: Exercise, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    chain, value = _length_chain(q["n"], q["kernel_size"], q["stride"], q["dilation"],
                                 *q["padding"])
    _agree(value, a["output_length"], "output length")
    word = q.get("padding_word")
    return ({"given": _given_1d(q), "padding_word": word},
            {"equation": rf"m = {chain}", "m": a["output_length"],
             "padding": (rf"\texttt{{{word}}}\colon\ ({_PB}, {_PA}) = {_pair(q['padding'])}"
                         if word else None)}, r"m = \,?")


def _fill_matrix(e: Exercise, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    matrix = a["matrix"]
    values = dict(a["values"])
    blank_rows = sorted({r for r, _ in q["blanks"]})
    rows, cols = matrix.shape

    def grid(show: bool) -> str:
        cells = []
        for r in range(rows):
            line = []
            for c in range(cols):
                if (r, c) in values:
                    line.append(rf"\boxed{{{printer.entry(values[(r, c)])}}}" if show else BLANK)
                else:
                    line.append(printer.entry(matrix[r, c]))
            cells.append(line)
        return bracket_matrix(cells)

    inputs = list(e.op.input)
    equations = []
    for r in blank_rows:
        expression = sum((values[(r, c)] * inputs[c] for c in range(cols)), sympy.S.Zero)
        equations.append(rf"y_{{{r}}} = " + _row_sum(expression, inputs, printer))
    return ({"given": _given_1d(q), "grid": "M = " + grid(False), "rows": blank_rows,
             "shape": rf"{rows} \times {cols}"},
            {"grid": "M = " + grid(True), "equations": equations}, "M = \\,?")


def _zero_diagonals(e: Exercise, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    taps = [rf"k_{{{t}}}\colon j - i = {latex(offset)}" for t, offset in
            enumerate(a["tap_diagonals"])]
    row = q["row"]
    return ({"given": _given_1d(q), "row": row},
            {"gap": a["zero_diagonals_between_taps"],
             "gap_equation": rf"d - 1 = {q['dilation']} - 1 = {a['zero_diagonals_between_taps']}",
             "taps": r",\qquad ".join(taps),
             "zero_columns": rf"M_{{{row},j}} = 0 \text{{ for }} j = {_join(a['zero_columns'])}",
             "matrix": "M = " + _full_matrix(e.op, printer)},
            r"d - 1 = \,?")


def _output_entry(e: Exercise, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    row = q["row"]
    output = latex(q["output"])
    positions = [q["stride"] * row + q["dilation"] * t - q["padding"][0]
                 for t in range(q["kernel_size"])]
    reads = [rf"k_{{{t}}} \to \tilde{{a}}_{{{latex(j)}}}" for t, j in enumerate(positions)]
    outside = [j for j in positions if not 0 <= j < q["n"]]
    return ({"given": _given_1d(q), "row": row, "output": output},
            {"positions": rf"s \cdot {row} + d\,t - {_PB} = " + _join(positions),
             "reads": r",\quad ".join(reads),
             "outside": _join(outside) if outside else None,
             "equation": rf"{output} = " + _row_sum(a["expression"], e.op.input, printer)},
            rf"{output} = \,?")


def _same_padding(e: Exercise, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    n, K, d = q["n"], q["kernel_size"], q["dilation"]
    before, after = a["padding"]
    total = before + after
    chain, value = _length_chain(n, K, 1, d, before, after)
    _agree(value, n, "length with 'same' padding")
    return ({"given": _given_1d(q, padding=False)},
            {"total": rf"{_PB} + {_PA} = d\,(K-1) = {d} \cdot ({K} - 1) = {total}",
             "split": rf"({_PB}, {_PA}) = ({before}, {after})",
             "odd": after != before,
             "check": rf"m = {chain} = n"},
            rf"({_PB}, {_PA}) = \,?")


def _transposed_shape(e: Exercise, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    n, K, s, d = q["n"], q["kernel_size"], q["stride"], q["dilation"]
    p = q["padding"][0]
    out = q["output_padding"]
    value = (n - 1) * s - 2 * p + d * (K - 1) + out + 1
    _agree(value, a["output_length"], "transposed output length")
    rows, cols = a["shape"]
    given = _given_1d(q) + rf",\quad {_PO} = {out}"
    return ({"given": given, "p": p},
            {"equation": (rf"m = ({n} - 1) \cdot {s} - 2 \cdot {p} + {d} \cdot ({K} - 1) + "
                          rf"{out} + 1 = {value}"),
             "shape": rf"m \times n = {rows} \times {cols}",
             "forward": rf"{cols} \times {rows}", "m": value},
            r"m \times n = \,?")


def _block_structure(e: Exercise, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    (h, w), (kh, kw), (dh, dw) = q["n"], q["kernel_size"], q["dilation"]
    (ph, _), (pw, _) = q["padding"]
    grid_rows, grid_cols = a["block_grid"]
    block_rows, block_cols = a["block_shape"]
    blocks = [tuple(block) for block in a["nonzero_blocks"]]
    tap_of = {}
    for bi, bj in blocks:
        t, remainder = divmod(bj - bi + ph, dh)
        if remainder or not 0 <= t < kh:
            raise SymdilError(f"internal error: block {(bi, bj)} matches no kernel row")
        tap_of[(bi, bj)] = t
    pattern = bracket_matrix([[rf"W_{{{tap_of[(bi, bj)]}}}" if (bi, bj) in tap_of else "0"
                               for bj in range(grid_cols)] for bi in range(grid_rows)])
    matrix = e.op.matrix
    kernel_rows = []
    for t in sorted(set(tap_of.values())):
        bi, bj = next(block for block in blocks if tap_of[block] == t)
        block = matrix[bi * block_rows:(bi + 1) * block_rows,
                       bj * block_cols:(bj + 1) * block_cols]
        kernel_rows.append({
            "t": t,
            "taps": ", ".join(rf"k_{{{t},{v}}}" for v in range(kw)),
            "matrix": rf"W_{{{t}}} = " + bracket_matrix(
                [[printer.entry(block[r, c]) for c in range(block_cols)]
                 for r in range(block_rows)]),
        })
    given = (rf"h \times w = {h} \times {w},\quad K_h \times K_w = {kh} \times {kw},\quad "
             rf"(d_h, d_w) = ({dh}, {dw}),\quad (p_h, p_w) = ({ph}, {pw})")
    return ({"given": given, "flat": r"a_{i,j} \mapsto i\,w + j",
             "shape": rf"{h * w}", "taps": r"k_{u,v}"},
            {"grid": rf"{grid_rows} \times {grid_cols}",
             "block": rf"{block_rows} \times {block_cols}",
             "shape": rf"{grid_rows * block_rows} \times {grid_cols * block_cols}",
             "pattern": "M = " + pattern,
             # one formula per block: a line may break between them
             "blocks": [f"({bi}, {bj})" for bi, bj in blocks],
             "count": len(blocks),
             "diagonals": _join(a["block_diagonals"]),
             "rule": rf"J - I = d_h\, u - p_h = {latex(dh * _U - ph)}",
             "kernel_rows": kernel_rows, "kernel_lines": _lines(kernel_rows, block_cols)},
            r"M = \,?")


#: Block columns one display line holds (two 4-column blocks of k_{u,v} fit the page).
_LINE_COLUMNS = 8


def _lines(blocks: list, columns: int) -> list[list]:
    """The blocks in display lines of at most ``_LINE_COLUMNS`` columns (one block at least)."""
    per_line = max(1, _LINE_COLUMNS // columns)
    return [blocks[i:i + per_line] for i in range(0, len(blocks), per_line)]


def _agree(value: Any, expected: Any, what: str) -> None:
    if value != expected:
        raise SymdilError(f"internal error: the handout's {what} {value} disagrees with the "
                          f"answer {expected}")


_BUILDERS = {
    "output_length": _output_length, "fill_matrix": _fill_matrix,
    "zero_diagonals": _zero_diagonals, "output_entry": _output_entry,
    "same_padding": _same_padding, "transposed_shape": _transposed_shape,
    "block_structure": _block_structure,
}


# --------------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------------


class Handout:
    """A handout of ``exercises`` exercises drawn from ``seed`` (see the module docstring).

    ``solutions`` puts the answer key at the end of the handout; ``render(part="solutions")``
    gives the key as a document of its own either way.  ``title`` is prose (escaped).
    ``max_rows``/``max_cols`` bound the worked examples' matrices; exercise grids are always
    shown whole (a student fills them in).  ``kinds``/``level``: see ``make_exercises``;
    ``figures``: each answer carries its figure; ``student``: a ``roster.Student`` whose name
    and id the sheet prints (``Classroom`` sets it).  ``render("moodle")`` is the sheet as a
    Moodle XML quiz.
    """

    def __init__(self, exercises: int = 6, seed: int = 0, solutions: bool = False,
                 title: str | None = None, max_rows: int = DEFAULT_MAX_ROWS,
                 max_cols: int = DEFAULT_MAX_COLS, *, kinds: Any = None,
                 level: int = DEFAULT_LEVEL, figures: bool = False,
                 student: Any = None) -> None:
        from ..render.environment import check_title

        check_title(title)
        for name, flag in (("solutions", solutions), ("figures", figures)):
            if not isinstance(flag, bool):
                raise SymdilError(f"{name} must be true or false, got {flag!r}")
        self.count = exercises
        self.seed = seed
        self.kinds = None if kinds is None else parse_kinds(kinds)
        self.level = check_level(level)
        self.figures = figures
        self.student = student  # a roster.Student printed on the sheet, or None
        self.exercises: tuple[Exercise, ...] = tuple(
            make_exercises(exercises, seed, self.kinds, self.level))
        self.solutions = solutions
        self.title = title
        self.max_rows = _check_limit("max_rows", max_rows)
        self.max_cols = _check_limit("max_cols", max_cols)

    @property
    def version(self) -> str:
        """A short label printed on the students' sheet and its key (they match), from which the
        regeneration command (kept in the key only) cannot be read off."""
        label = f"{len(self.exercises)}:{self.seed}"
        if self.kinds is not None or self.level != DEFAULT_LEVEL:
            label += f":{','.join(self.kinds or ())}:{self.level}"
        digest = hashlib.sha256(label.encode()).hexdigest()
        return digest[:6].upper()

    def check(self) -> None:
        """Raise ``SymdilError`` unless every exercise's answer passes its independent check."""
        failed = [f"{number} ({exercise.kind})" for number, exercise in
                  enumerate(self.exercises, start=1) if not exercise.check()
                  or not answer_statement(exercise).holds(answer_evidence(exercise))]
        if failed:
            raise SymdilError(f"the answer of exercise {', '.join(failed)} failed its check; "
                              "the handout is not rendered with an unverified answer")

    @property
    def statements(self) -> list:
        """The answer key's statements, one per exercise (``answer_<kind>``, see
        ``symdil.handout.statements``), in exercise order: the key phrases exercise i's answer
        from statement i - 1."""
        return [answer_statement(exercise) for exercise in self.exercises]

    @property
    def command(self) -> str:
        """The command that prints this sheet again (its seed: a student's own)."""
        words = [f"symdil handout --exercises {len(self.exercises)} --seed {self.seed}"]
        if self.kinds is not None:
            words.append(f"--kinds {','.join(self.kinds)}")
        if self.level != DEFAULT_LEVEL:
            words.append(f"--level {self.level}")
        if self.figures:
            words.append("--figures")
        return " ".join(words)

    def context(self, fmt: str = "latex") -> dict[str, Any]:
        """Everything the templates use (checks every answer first)."""
        self.check()
        return {
            "title": self.title,
            "seed": self.seed,
            "version": self.version,
            "count": len(self.exercises),
            "command": self.command,
            "student": self.student,
            "figures": self.figures,
            "notation": NOTATION,
            "examples": [worked_example(op, self.max_rows, self.max_cols)
                         for op in worked_examples()],
            "exercises": [exercise_context(number, exercise, fmt if self.figures else None)
                          for number, exercise in enumerate(self.exercises, start=1)],
            "solutions": self.solutions,
        }

    def render(self, fmt: str = "latex", part: str = "handout", templates: Any = None) -> str:
        """The handout (``part="handout"``) or its answer key alone (``"solutions"``)."""
        from ..render.environment import render_template

        if fmt not in FORMATS:
            raise SymdilError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        if part not in PARTS:
            raise SymdilError(f"part must be one of {', '.join(PARTS)}, got {part!r}")
        if fmt == "moodle":
            from .moodle import moodle_quiz

            if part != "handout":
                raise SymdilError("the Moodle quiz has no separate key: each question's "
                                  "feedback is its worked answer (part must be 'handout')")

            return moodle_quiz([(None, self)], self.title, templates)
        text = render_template(TEMPLATES[(fmt, part)], self.context(fmt), templates)
        if fmt == "markdown":  # macros end their blocks with a newline: one blank line is enough
            text = re.sub(r"\n{3,}", "\n\n", text)
        return text.rstrip("\n") + "\n"

    def exercise(self, number: int) -> "ExerciseView":
        """Exercise ``number`` (counted from 1, as printed), for display in a notebook."""
        if isinstance(number, bool) or not isinstance(number, int) or not (
                1 <= number <= len(self.exercises)):
            raise SymdilError(f"number must be an integer from 1 to {len(self.exercises)}, "
                              f"got {number!r}")
        return ExerciseView(number, self.exercises[number - 1], self.solutions)

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def __repr__(self) -> str:
        return (f"Handout(exercises={len(self.exercises)}, seed={self.seed}, "
                f"solutions={self.solutions})")


class ExerciseView:
    """One exercise as a notebook shows it: Markdown (question, and the checked answer when
    ``solutions``) or LaTeX math (``$$ given, asked $$`` and the answer's main equation)."""

    def __init__(self, number: int, exercise: Exercise, solutions: bool = True) -> None:
        self.number = number
        self.exercise = exercise
        self.solutions = solutions

    def context(self) -> dict[str, Any]:
        if not self.exercise.check():
            raise SymdilError(f"the answer of exercise {self.number} ({self.exercise.kind}) "
                              "failed its check; it is not shown")
        return exercise_context(self.number, self.exercise)

    def _repr_markdown_(self) -> str:
        from ..render.environment import render_template

        text = render_template(TEMPLATES[("markdown", "exercise")],
                               {"exercise": self.context(), "solutions": self.solutions})
        return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"

    def _repr_latex_(self) -> str:
        context = self.context()
        if context["kind"] == "fill_matrix":
            lines = [context["answer" if self.solutions else "question"]["grid"]]
        else:
            lines = [context["given"] + r",\qquad " + context["asked"]]
            if self.solutions:
                lines.append(context["answer"][_MAIN_ANSWER[context["kind"]]])
        if len(lines) == 1:
            return "$$\n" + lines[0] + "\n$$"
        return "$$\n\\begin{gathered}\n" + " \\\\[1ex]\n".join(lines) + "\n\\end{gathered}\n$$"


_MAIN_ANSWER = {"output_length": "equation", "zero_diagonals": "gap_equation",
                "output_entry": "equation", "same_padding": "split",
                "transposed_shape": "shape", "block_structure": "pattern",
                "receptive_field": "region", "effective_stride": "stride",
                "single_conv": "sizes", "transposed_length": "equation",
                "numeric_output": "output", "which_parameters": "parameters",
                "find_wrong_entry": "cell"}


def handout(exercises: int = 6, seed: int = 0, fmt: str = "latex", solutions: bool = False,
            templates: Any = None, title: str | None = None, part: str = "handout", *,
            kinds: Any = None, level: int = DEFAULT_LEVEL, figures: bool = False) -> str:
    """A handout (or, with ``part="solutions"``, its answer key) as LaTeX, Markdown, HTML or
    Moodle XML; the same arguments give byte-identical text.  ``kinds``: exercise kinds to cycle
    through (``symdil.handout.exercises.KINDS``), ``level``: 1, 2 or 3."""
    return Handout(exercises, seed, solutions, title, kinds=kinds, level=level,
                   figures=figures).render(fmt, part, templates)
