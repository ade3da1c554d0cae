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
class ObjectReport:
    """What happened to one object: ``status`` is ``passed``, ``failed`` or ``skipped``."""

    kind: str  # matrix | transpose | input | output | output names | not checked
    status: str
    location: str
    detail: str
    mismatches: tuple[Mismatch, ...] = ()


@dataclass(frozen=True)
class ClaimResult:
    """The verdict on a whole claim: every object's report, and one ``detail`` sentence."""

    passed: bool
    kind: str  # kind of the first checked object: "matrix" | "output" | "input" | ...
    mismatches: list[Mismatch] = field(default_factory=list)
    detail: str = ""
    objects: tuple[ObjectReport, ...] = ()
    notes: tuple[str, ...] = ()
