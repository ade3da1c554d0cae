"""The records a claim is read into and compared as: plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from .cells import BLANK, ELISIONS, ENTRY, Cell


@dataclass(frozen=True)
class ClaimMatrix:
    """One object (matrix or vector) of a claim: its cells as written and where it stands.

    ``display``: which display of the text (0-based; -1 outside any display), ``position``: its
    place among the objects of that display (1-based), ``side``: how many ``=`` precede it in the
    display, ``transposed``: followed by ``^T``, ``note``: why it is not part of a convolution
    ("" when it may be)."""

    environment: str
    line: int
    column: int
    cells: tuple[tuple[Cell, ...], ...]
    display: int = -1
    position: int = 1
    side: int = 0
    transposed: bool = False
    note: str = ""
    error: str = ""
    start: int = 0  # offset of the object in the text
    label: str = ""  # the name written before it (``T_{0}`` in ``T_{0} = \\begin{bmatrix}``)
    lhs: Cell | None = None  # an equation ``y_2 = …``: its left-hand side (cells hold the right)
    named_transpose: bool = False  # its label appears transposed elsewhere (``M = C^{T}``)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.cells), max((len(row) for row in self.cells), default=0))

    @property
    def elided(self) -> bool:
        return any(cell.kind in ELISIONS for row in self.cells for cell in row)

    @property
    def entries(self) -> tuple[tuple[sympy.Expr | None, ...], ...]:
        return tuple(tuple(cell.expr for cell in row) for row in self.cells)

    @property
    def texts(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(cell.text for cell in row) for row in self.cells)

    @property
    def positions(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        return tuple(tuple((cell.line, cell.column) for cell in row) for row in self.cells)

    def explicit(self) -> list[Cell]:
        return [cell for row in self.cells for cell in row if cell.kind in (ENTRY, BLANK)]

    def padded(self) -> tuple[tuple[Cell, ...], ...]:
        """Rows padded with blank cells to the widest row (LaTeX reads missing cells as empty)."""
        width = self.shape[1]
        return tuple(row + tuple(Cell(BLANK, "", row[-1].line if row else self.line,
                                      row[-1].column if row else self.column,
                                      sympy.Integer(0))
                                 for _ in range(width - len(row))) for row in self.cells)


@dataclass(frozen=True)
class Claim:
    source: str
    matrices: tuple[ClaimMatrix, ...]


@dataclass(frozen=True)
class Mismatch:
    """One wrong entry: the object it is in, indices 0- and 1-based, claimed and correct value."""

    row_0based: int
    column_0based: int
    row_1based: int
    column_1based: int
    claimed: str
    correct: str
    claimed_latex: str
    location: str
    object: str = "matrix"
    correct_as_written: str = ""  # the correct value in the claim's letters and index base

    def describe(self) -> str:
        written = " ".join(self.claimed_latex.split())
        correct = self.correct_as_written or self.correct
        return (f"row {self.row_1based}, column {self.column_1based} (1-based; row "
                f"{self.row_0based}, column {self.column_0based} 0-based) at {self.location}: "
                f"claimed {written}, correct {correct}")


@dataclass(frozen=True)
class RowDiff:
    """One wrong row of an object, cell by cell as written (elisions kept): what the claim writes
    and what it should write there, in the claim's letters and index base."""

    row_1based: int  # the operator's (or vector's) row, 1-based
    claimed: tuple[str, ...]
    correct: tuple[str, ...]

    def lines(self) -> tuple[str, str]:
        return (f"claimed row {self.row_1based}: " + " & ".join(self.claimed),
                f"correct row {self.row_1based}: " + " & ".join(self.correct))


#: Kinds of object whose agreement states the convolution itself: one of them must be compared
#: for a claim to PASS (an input vector, names of outputs or a kernel grid alone do not).
STATES_CONVOLUTION = frozenset({"matrix", "transpose", "output", "equation", "data matrix",
                                "output grid", "block"})


@dataclass(frozen=True)
class ObjectReport:
    """What happened to one object: ``status`` is ``passed``, ``failed`` or ``skipped``.

    ``hint``: for a skipped object, the option that would let it be checked ("" when none);
    ``rows``: the wrong rows, claimed and correct (failed objects)."""

    kind: str  # matrix | transpose | input | output | output names | kernel | ... | not checked
    status: str
    location: str
    detail: str
    mismatches: tuple[Mismatch, ...] = ()
    hint: str = ""
    rows: tuple[RowDiff, ...] = ()

    @property
    def states_convolution(self) -> bool:
        return self.kind in STATES_CONVOLUTION


PASS, FAIL, NOT_CHECKED = "PASS", "FAIL", "NOT CHECKED"
#: The exit status of each verdict (``verify --claim``, ``symdil check``).
EXIT_CODES = {PASS: 0, FAIL: 1, NOT_CHECKED: 3}


def verdict_of(objects) -> str:
    """FAIL when an object compared differs; PASS when none differs and one that states the
    convolution (operator, output, product, data matrix …) was compared; NOT CHECKED otherwise."""
    if any(o.status == "failed" for o in objects):
        return FAIL
    if any(o.status == "passed" and o.states_convolution for o in objects):
        return PASS
    return NOT_CHECKED


@dataclass(frozen=True)
class ClaimResult:
    """The verdict on a whole claim: every object's report, and one ``detail`` sentence.

    ``verdict``: ``PASS`` / ``FAIL`` / ``NOT CHECKED`` (``verdict_of``); ``passed`` is
    ``verdict == PASS``; ``exit_code`` 0 / 1 / 3."""

    passed: bool
    kind: str  # kind of the first checked object: "matrix" | "output" | "input" | ...
    mismatches: list[Mismatch] = field(default_factory=list)
    detail: str = ""
    objects: tuple[ObjectReport, ...] = ()
    notes: tuple[str, ...] = ()
    verdict: str = ""

    def __post_init__(self) -> None:
        if not self.verdict:
            verdict = verdict_of(self.objects) if self.objects else (
                PASS if self.passed else FAIL if self.mismatches else NOT_CHECKED)
            object.__setattr__(self, "verdict", verdict)
        object.__setattr__(self, "passed", self.verdict == PASS)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    @property
    def failing_entries(self) -> tuple[Mismatch, ...]:
        """Every wrong entry, in the order of the objects (the API a handout uses to check that a
        planted error is the only one)."""
        return tuple(m for o in self.objects for m in o.mismatches)

    def summary(self) -> str:
        """One line: the verdict and why (the first line ``verify --claim`` prints)."""
        if self.verdict == FAIL:
            wrong = self.failing_entries
            first = wrong[0].describe() if wrong else next(
                o.detail for o in self.objects if o.status == "failed")
            count = f"{len(wrong)} wrong entr{'y' if len(wrong) == 1 else 'ies'}; " if wrong \
                else ""
            return f"claim: FAIL — {count}first: {first}"
        if self.verdict == PASS:
            checked = [o.kind for o in self.objects if o.status == "passed"]
            return (f"claim: PASS — every entry compared agrees with the operator "
                    f"({', '.join(dict.fromkeys(checked))})")
        skipped = [o for o in self.objects if o.status == "skipped"]
        agreed = [o.kind for o in self.objects if o.status == "passed"]
        hints = sorted({o.hint for o in skipped if o.hint})
        said = []
        if agreed:
            said.append(f"agree, but do not state it: {', '.join(dict.fromkeys(agreed))}")
        if skipped:
            said.append(f"{len(skipped)} object{'' if len(skipped) == 1 else 's'} skipped")
        if hints:
            said.append(f"try {'; '.join(hints)}")
        return ("claim: NOT CHECKED — nothing that states the convolution could be compared" +
                (f" ({'; '.join(said)})" if said else ""))

    def to_json(self) -> dict:
        return {"verdict": self.verdict, "exit_code": self.exit_code, "detail": self.detail,
                "notes": list(self.notes), "objects": [
                    {"kind": o.kind, "status": o.status, "location": o.location,
                     "detail": o.detail, "hint": o.hint,
                     "mismatches": [{"row": m.row_1based, "column": m.column_1based,
                                     "location": m.location, "claimed": m.claimed_latex,
                                     "correct": m.correct_as_written or m.correct}
                                    for m in o.mismatches],
                     "rows": [{"row": r.row_1based, "claimed": list(r.claimed),
                               "correct": list(r.correct)} for r in o.rows]}
                    for o in self.objects]}
