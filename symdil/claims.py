r"""Check a matrix or vector an author wrote in LaTeX against the operator symdil builds.

``parse_claim`` reads every ``bmatrix``/``pmatrix``/``Bmatrix``/``matrix``/``smallmatrix``/``array``
environment of the text (anything around them — ``\[ … \]``, ``$$ … $$``, an ``equation``, the rest
of ``M a = y`` — is ignored) and parses each cell with SymPy's LaTeX parser (lark backend).  Symbol
spellings are normalised to symdil's names first: ``k_0``, ``k_{0}``, ``k_{ 0 }`` and ``k0`` all
become ``k_0``; ``a_{1,2}``, ``k^{(0,1)}_{2}`` (or ``k_{2}^{(0,1)}``), ``\alpha_0`` and
``\mathit{w}_0`` work the same way.  Empty cells, ``0`` and a lone ``\cdot`` or ``.`` are zeros;
``\hline``, ``\cline``, comments, colour commands and thin spaces are ignored.  Elided matrices
(``\cdots``, ``\vdots``, ``\ddots``, ``\ldots``) and ``vmatrix`` (a determinant) are refused.

``compare_claim`` decides what the claim is about.  If some environment has two or more columns,
the claim is the operator: the first matrix of the operator's shape, else the first matrix (a shape
mismatch).  Otherwise the columns are read in order: a column of bare input symbols is an input
vector claim (n×1), a column of bare output names ``y_i`` is skipped (the ``y`` of ``M a = y``), any
other column is an output vector claim (m×1) — the first column whose shape fits its reading is
compared, else the first column is reported as a shape mismatch.  Entries agree when
``sympy.expand(claimed - correct) == 0``.  (With n = 1 a column without input symbols is the
operator.)  Parse errors name the ``line:column`` (1-based) where the offending cell starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import lark
import sympy
from sympy.core.function import AppliedUndef
from sympy.parsing.latex import parse_latex

from .conv import Conv
from .printing import sstr, sum_text
from .spec import GREEK, SymdilError
from .symbols import indexed_name, split_name


class ClaimParseError(SymdilError):
    """A claim that cannot be read; the message starts with ``source:line:column``."""


@dataclass(frozen=True)
class ClaimMatrix:
    """One environment of a claim: entries, the author's cell texts and their (line, column)."""

    environment: str
    line: int
    column: int
    entries: tuple[tuple[sympy.Expr, ...], ...]
    texts: tuple[tuple[str, ...], ...]
    positions: tuple[tuple[tuple[int, int], ...], ...]

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.entries), len(self.entries[0]))


@dataclass(frozen=True)
class Claim:
    source: str
    matrices: tuple[ClaimMatrix, ...]


@dataclass(frozen=True)
class Mismatch:
    """One wrong entry: indices both 0-based and 1-based, the claimed and the correct value."""

    row_0based: int
    column_0based: int
    row_1based: int
    column_1based: int
    claimed: str
    correct: str
    claimed_latex: str
    location: str

    def describe(self) -> str:
        return (f"row {self.row_1based}, column {self.column_1based} (1-based; row "
                f"{self.row_0based}, column {self.column_0based} 0-based) at {self.location}: "
                f"claimed {self.claimed}, correct {self.correct}")


@dataclass(frozen=True)
class ClaimResult:
    passed: bool
    kind: str  # "matrix" | "output" | "input"
    mismatches: list[Mismatch] = field(default_factory=list)
    detail: str = ""


_ENV_RE = re.compile(r"\\begin\s*\{(?P<env>[pbBvV]?matrix\*?|smallmatrix|array)\}")
_ELISION_RE = re.compile(r"\\(?:[cvdl]dots|iddots|dots[cbmoi]?)(?![A-Za-z])")
_IGNORED_RE = re.compile(
    r"(?<!\\)%[^\n]*|\\(?:hline|hdashline|cline\s*\{[^}]*\}|(?:text|math)?color\s*\{[^}]*\})"
    r"|\\[,;:!]|\\q?quad(?![A-Za-z])|~"
)
# Font commands and \left/\right only confuse the parser (it reads \left as \le ft).
_FONT_RE = re.compile(
    r"\\(?:math(?:bf|rm|it|sf)|boldsymbol)\s*(?=\{)|\\(?:left|right)\s*(?=[()[\]])"
)
_OPTION_RE = re.compile(r"\s*\[[^\]]*\]")  # \begin{bmatrix*}[r], \begin{array}[t]
_TOKEN_RE = re.compile(r"\\\\(?:\s*\[[^\]]*\])?|\\.|[{}&]")  # row ends (\\[2pt]), escapes
_COLSPEC_RE = re.compile(r"\s*\{(?:[^{}]|\{[^{}]*\})*\}")  # {ccc}, {c|c}, {c@{}c}
_INDICES = r"\d+(?:\s*,\s*\d+)*"
_SYMBOL_RE = re.compile(
    r"(?:\\(?P<greek>" + "|".join(GREEK) + r")(?![A-Za-z])"
    r"|\\(?:mathit|mathrm|mathsf|mathbf|boldsymbol)\s*\{\s*(?P<word>[A-Za-z][A-Za-z0-9]*)\s*\}"
    r"|(?P<command>\\[A-Za-z]+)|(?P<letter>[A-Za-z]))"
    r"(?:(?P<bare>\d+)"
    rf"|(?:\s*\^\s*\{{\s*\(\s*(?P<sup>{_INDICES})\s*\)\s*\}})?"
    rf"\s*_\s*(?:\{{\s*(?P<sub>{_INDICES})\s*\}}|(?P<digit>\d))"
    rf"(?:\s*\^\s*\{{\s*\(\s*(?P<sup2>{_INDICES})\s*\)\s*\}})?)?"
)


def _line_col(text: str, pos: int) -> tuple[int, int]:
    return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _skip(group: re.Pattern, text: str, pos: int) -> int:
    match = group.match(text, pos)
    return match.end() if match else pos


def _split_cells(text: str, start: int, stop: int) -> list[list[tuple[int, int]]]:
    """(start, end) offsets of the cells between ``start`` and ``stop``, row by row."""
    rows, cells, cell_start, depth = [], [], start, 0
    for token in _TOKEN_RE.finditer(text, start, stop):
        if token[0] in ("{", "}"):
            depth += 1 if token[0] == "{" else -1
        elif depth == 0 and (token[0] == "&" or token[0].startswith("\\\\")):
            cells.append((cell_start, token.start()))
            cell_start = token.end()
            if token[0] != "&":
                rows.append(cells)
                cells = []
    rows.append(cells + [(cell_start, stop)])
    if len(rows) > 1 and all(not text[a:b].strip() for a, b in rows[-1]):
        rows.pop()  # a trailing \\ ends the last row; it does not start a new one
    return rows


@lru_cache(maxsize=2048)
def _parse_template(latex: str) -> sympy.Expr:
    return _unambiguous(parse_latex(latex, backend="lark"))


def _unambiguous(parsed: object) -> sympy.Expr:
    """The lark grammar reads ``x (u + v)`` both as a product and as a function call ``x(u+v)``;
    keep the readings that are expressions without undefined functions, and require one."""
    if not isinstance(parsed, lark.Tree):
        if not isinstance(parsed, sympy.Expr):
            raise ValueError(f"it is a {type(parsed).__name__}, not an expression")
        return parsed
    readings = []
    for child in parsed.children:
        try:
            expr = _unambiguous(child)
        except ValueError:
            continue
        if not expr.atoms(AppliedUndef) and all(sympy.expand(expr - r) != 0 for r in readings):
            readings.append(expr)
    if len(readings) != 1:
        raise ValueError(f"{len(readings)} different readings as an expression")
    return readings[0]


def _placeholder(index: int) -> str:
    """A name the lark grammar reads as one symbol (its subscripts cannot hold digits)."""
    return "Q_{symdil" + "".join(chr(ord("a") + int(d)) for d in str(index)) + "}"


def _parse_cell(cell: str) -> sympy.Expr:
    """One cell -> a SymPy expression (raises whatever the parser raises)."""
    cell = cell.strip().replace("\u2212", "-")
    if cell in ("", ".", "\\cdot"):
        return sympy.Integer(0)
    names: dict[str, str] = {}

    def substitute(match: re.Match) -> str:
        if match["command"] or not (match["bare"] or match["sub"] or match["digit"]):
            return match[0]
        base = match["greek"] or match["word"] or match["letter"]
        sub = match["bare"] or match["sub"] or match["digit"]
        sup = match["sup"] or match["sup2"] or ""
        name = indexed_name(base, tuple(int(i) for i in sub.split(",")),
                            tuple(int(i) for i in sup.split(",")) if sup else ())
        key = names.setdefault(name, _placeholder(len(names)))
        return f" {key} "

    template = _SYMBOL_RE.sub(substitute, cell)
    expr = _parse_template(_FONT_RE.sub("", template))
    real = {key: sympy.Symbol(name) for name, key in names.items()}
    return expr.xreplace({s: real.get(str(s.name), sympy.Symbol(str(s.name)))
                          for s in expr.free_symbols})


def parse_claim(text: str, source: str = "<claim>") -> Claim:
    """Parse every matrix environment of ``text``; raise ClaimParseError naming line:column."""
    blanked = _IGNORED_RE.sub(lambda m: " " * len(m[0]), text)
    matrices = tuple(_read_environment(text, blanked, begin, source)
                     for begin in _ENV_RE.finditer(blanked))
    if not matrices:
        raise ClaimParseError(f"{source}:1:1: no matrix environment found (expected bmatrix, "
                              "pmatrix, Bmatrix, matrix, smallmatrix or array)")
    return Claim(source, matrices)


def _read_environment(text: str, blanked: str, begin: re.Match, source: str) -> ClaimMatrix:
    env, (line, column) = begin["env"], _line_col(text, begin.start())
    if env.startswith(("v", "V")):
        raise ClaimParseError(f"{source}:{line}:{column}: {env} denotes a determinant; write the "
                              "claimed matrix in a bmatrix, pmatrix, matrix or array environment")
    body = _skip(_OPTION_RE, blanked, begin.end())
    body = _skip(_COLSPEC_RE, blanked, body) if env == "array" else body
    end = blanked.find(f"\\end{{{env}}}", body)
    if end < 0:
        raise ClaimParseError(f"{source}:{line}:{column}: \\begin{{{env}}} has no \\end{{{env}}}")
    elided = _ELISION_RE.search(blanked, body, end)
    if elided:
        at = "%d:%d" % _line_col(text, elided.start())
        raise ClaimParseError(f"{source}:{at}: {elided[0]} elides entries; elided claims cannot "
                              "be checked entry by entry — write out every entry")
    rows = _split_cells(blanked, body, end)
    width = max(len(row) for row in rows)
    rows = [row + [(row[-1][1], row[-1][1])] * (width - len(row)) for row in rows]  # LaTeX pads
    texts = tuple(tuple(" ".join(blanked[a:b].split()) for a, b in row) for row in rows)
    positions = tuple(tuple(_line_col(text, b - len(blanked[a:b].lstrip())) for a, b in row)
                      for row in rows)
    entries = []
    for r, row in enumerate(texts):
        entries.append([])
        for c, cell in enumerate(row):
            try:
                entries[-1].append(_parse_cell(cell))
            except Exception as error:  # lark and SymPy raise many types; report them all
                reason = (str(error).strip() or type(error).__name__).splitlines()[0]
                reason = re.sub(r",? at line \d+ col \d+$", "", reason)
                raise ClaimParseError(
                    "%s:%d:%d: " % (source, *positions[r][c]) + f"cannot parse the cell {cell!r} "
                    f"(row {r + 1}, column {c + 1}, 1-based, of the {env} at line {line}): {reason}"
                ) from None
    return ClaimMatrix(env, line, column, tuple(map(tuple, entries)), texts, positions)


def _base(symbol: sympy.Basic) -> str | None:
    parts = split_name(symbol.name) if isinstance(symbol, sympy.Symbol) else None
    return parts[0] if parts else None


def _choose(claim: Claim, op: Conv) -> tuple[ClaimMatrix, str | None]:
    rows, cols = op.shape
    wide = [m for m in claim.matrices if m.shape[1] > 1]
    if wide:
        return next(((m, "matrix") for m in wide if m.shape == op.shape), (wide[0], None))
    expected = {"matrix": op.shape, "output": (rows, 1), "input": (cols, 1), None: None}
    for m in claim.matrices:
        column = [entry for (entry,) in m.entries]
        bases = {_base(entry) for entry in column}
        if bases in ({op.output_symbol}, {op.input_symbol}):  # names of outputs or of inputs
            kind = "input" if bases == {op.input_symbol} else None
        elif op.input_symbol in {_base(s) for e in column for s in e.free_symbols}:
            kind = "output"
        else:  # no input symbol in it: a column of the operator when n = 1
            kind = "matrix" if cols == 1 else "output"
        if m.shape == expected[kind]:
            return m, kind
    return claim.matrices[0], None


def compare_claim(claim: Claim, op: Conv) -> ClaimResult:
    """Compare the claim with ``op`` entry by entry (see the module docstring for the choice)."""
    if op.symbolic:
        raise SymdilError(f"a claim is checked against a concrete operator; n must be an integer, "
                          f"got {op.axes[0].n}")
    chosen, kind = _choose(claim, op)
    rows, cols = op.shape
    where = f"{claim.source}:{chosen.line}:{chosen.column}"
    if kind is None:
        hint = " — the transpose's shape (rows are outputs, columns inputs)" if (
            chosen.shape == (cols, rows) != op.shape) else ""
        return ClaimResult(False, "matrix" if chosen.shape[1] > 1 else "output", [], (
            f"shape mismatch: the claimed {chosen.environment} at {where} is "
            f"{chosen.shape[0]}×{chosen.shape[1]}; the operator is {rows}×{cols}{hint}, its "
            f"output vector {rows}×1 and its input vector {cols}×1"))
    if kind == "matrix":
        matrix = op.matrix
        correct = [[matrix[r, c] for c in range(cols)] for r in range(rows)]
    else:
        correct = [[value] for value in (op.output if kind == "output" else op.input)]
    mismatches = []
    for r, row in enumerate(chosen.entries):
        for c, claimed in enumerate(row):
            right = correct[r][c]
            if claimed != right and sympy.expand(claimed - right) != 0:
                line, column = chosen.positions[r][c]
                # messages print like symdil's output: kernel first, terms in tap order
                right_text = (sum_text([(coef, op.input_symbol_at(col)) for col, coef in
                                        op.row(r).items()], readable=True)
                              if kind == "output" else sstr(right, readable=True))
                mismatches.append(Mismatch(r, c, r + 1, c + 1, sstr(claimed, readable=True),
                                           right_text,
                                           chosen.texts[r][c] or "(empty)",
                                           f"{claim.source}:{line}:{column}"))
    total = chosen.shape[0] * chosen.shape[1]
    what = {"matrix": f"{rows}×{cols} matrix", "output": f"{rows}×1 output vector",
            "input": f"{cols}×1 input vector"}[kind]
    if not mismatches:
        return ClaimResult(True, kind, [], f"all {total} entries of the claimed {what} ({where}) "
                                           "agree with the operator")
    shown = "; ".join(m.describe() for m in mismatches[:3])
    more = f"; and {len(mismatches) - 3} more" if len(mismatches) > 3 else ""
    return ClaimResult(False, kind, mismatches, f"{len(mismatches)} of {total} entries of the "
                                                f"claimed {what} ({where}) differ: {shown}{more}")
