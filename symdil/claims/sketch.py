r"""Where each written cell of a matrix sits in the operator: full matrices and sketches.

A *sketch* is a matrix with elisions (``\cdots``, ``\vdots``, ``\ddots`` …).  Its reading:

* rows before the first row holding ``\vdots``/``\ddots`` (a *break row*) are the operator's first
  rows; the rows after the last break row are its last rows; rows between two break rows float
  (they must equal *some* row of the operator in between).  A row holding only blanks and
  ellipses (``& & \dots``) is a break row too.  A break row's own explicit entries belong to the
  row it stands for (the first break row continues the top rows); its blank cells are spacing.
* within a row, cells before the first horizontal ellipsis (``\cdots``, ``\dots``, ``\ldots``,
  ``\hdots``, ``...``, or ``\ddots``) are the first columns, cells after the last one the last
  columns, a run between two ellipses floats (it must appear somewhere in between).  A row without
  an ellipsis is aligned left in the top rows, right in the last rows, either way when floating.
* blank cells are zeros; ``\vdots`` cells and ``\multicolumn`` continuations claim nothing.  A stray
  trailing ``&`` (one empty cell more than the other rows) is dropped.

Every written entry must equal the operator's entry where it lands.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable

from .cells import BLANK, DDOTS, ENTRY, GAP, HDOTS, VDOTS, Cell

CLAIMS = (ENTRY, BLANK)


@dataclass(frozen=True)
class Segment:
    cells: tuple[Cell, ...]
    align: str  # left | right | float | either


@dataclass(frozen=True)
class RowPlan:
    sketch_row: int  # 0-based row of the written matrix
    anchor: str  # top | bottom | float
    offset: int  # top: operator row; bottom: rows counted from the end (0 = last)
    segments: tuple[Segment, ...]
    splitters: int


@dataclass(frozen=True)
class Plan:
    rows: tuple[RowPlan, ...]
    top: int
    bottom: int
    breaks: int
    elisions: int


def drop_stray_cells(rows: tuple[tuple[Cell, ...], ...]) -> tuple[tuple[Cell, ...], ...]:
    """Drop a trailing empty cell of a row one cell longer than most rows (a stray ``&``)."""
    widths = Counter(len(row) for row in rows)
    common = widths.most_common(1)[0][0] if widths else 0
    return tuple(row[:-1] if len(row) == common + 1 and row[-1].kind == BLANK else row
                 for row in rows)


def _is_break(row: tuple[Cell, ...]) -> bool:
    kinds = {cell.kind for cell in row}
    if kinds & {VDOTS, DDOTS}:
        return True
    return HDOTS in kinds and not any(c.kind == ENTRY for c in row)


def plan(rows: tuple[tuple[Cell, ...], ...]) -> Plan:
    rows = drop_stray_cells(rows)
    breaks = [i for i, row in enumerate(rows) if _is_break(row)]
    elisions = sum(1 for row in rows for cell in row if cell.kind in (HDOTS, VDOTS, DDOTS))
    plans = []
    first, last = (breaks[0], breaks[-1]) if breaks else (len(rows), len(rows))
    top_rows = list(range(first))
    if breaks and any(c.kind == ENTRY for c in rows[first]):
        top_rows.append(first)  # the first break row continues the top rows
    bottom_rows = list(range(last + 1, len(rows))) if breaks else []
    for i, row in enumerate(rows):
        is_break = i in breaks
        if is_break:
            row = tuple(Cell(GAP, c.text, c.line, c.column) if c.kind == BLANK else c
                        for c in row)
        if i in top_rows:
            anchor, offset, whole = "top", top_rows.index(i), "left"
        elif i in bottom_rows:
            anchor, offset, whole = "bottom", len(rows) - 1 - i, "right"
        else:
            if not any(c.kind in CLAIMS for c in row):
                continue
            anchor, offset, whole = "float", 0, "either"
        runs: list[list[Cell]] = [[]]
        for cell in row:
            if cell.kind in (HDOTS, DDOTS):
                runs.append([])
            else:
                runs[-1].append(cell)
        if len(runs) == 1:
            segments = (Segment(tuple(runs[0]), whole),)
        else:
            segments = tuple(Segment(tuple(run), "left" if k == 0 else "right"
                                     if k == len(runs) - 1 else "float")
                             for k, run in enumerate(runs) if run)
        plans.append(RowPlan(i, anchor, offset, segments, len(runs) - 1))
    return Plan(tuple(plans), len(top_rows), len(bottom_rows), len(breaks), elisions)


def fits(p: Plan, rows: int, cols: int, elided: bool, strict: bool = False) -> str:
    """Why the written matrix cannot be the operator's rows × cols ("" when it can).
    ``strict``: every vertical ellipsis hides at least one row and every horizontal one at
    least one column (the reading of a sketch when its length is free)."""
    if not p.breaks and len(p.rows) != rows and (p.rows or rows):
        return f"it shows {len(p.rows)} row(s) and no vertical ellipsis; the operator has {rows}"
    if p.top + p.bottom + (1 if strict and p.breaks else 0) > rows:
        return f"it shows {p.top + p.bottom} anchored rows; the operator has only {rows}"
    for row in p.rows:
        width = sum(len(s.cells) for s in row.segments) + (row.splitters if strict else 0)
        if width > cols or (not elided and width != cols):
            return (f"its row {row.sketch_row + 1} shows {width} cells; the operator has {cols} "
                    "columns")
    return ""


@dataclass
class Outcome:
    wrong: list[tuple[Cell, int, int]]  # (cell, operator row, operator column)
    checked: int
    rows_checked: int
    floating: list[str]


def check(p: Plan, rows: int, cols: int, agrees: Callable[[Cell, int, int], bool]) -> Outcome:
    """Compare every written entry with the operator's (``agrees(cell, r, c)``)."""
    outcome = Outcome([], 0, 0, [])
    float_rows = range(p.top, rows - p.bottom) if p.top + p.bottom < rows else range(rows)
    for row in p.rows:
        if row.anchor == "top":
            candidates = [row.offset]
        elif row.anchor == "bottom":
            candidates = [rows - 1 - row.offset]
        else:
            candidates = list(float_rows)
        best = None
        for r in candidates:
            wrong, checked = _check_row(row, r, cols, agrees)
            if best is None or len(wrong) < len(best[1]):
                best = (r, wrong, checked)
            if not wrong:
                break
        if best is None:
            continue
        r, wrong, checked = best
        if row.anchor == "float" and not wrong:
            outcome.floating.append(f"row {row.sketch_row + 1} of the sketch is row {r} of the "
                                    "operator")
        outcome.wrong += wrong
        outcome.checked += checked
        outcome.rows_checked += 1 if checked else 0
    return outcome


def _check_row(row: RowPlan, r: int, cols: int, agrees) -> tuple[list, int]:
    left = sum(len(s.cells) for s in row.segments if s.align == "left")
    right = sum(len(s.cells) for s in row.segments if s.align == "right")
    wrong, checked, cursor = [], 0, left
    for segment in row.segments:
        size = len(segment.cells)
        if segment.align == "left":
            starts = [0]
        elif segment.align == "right":
            starts = [cols - size]
        elif segment.align == "either":
            starts = [0, cols - size] if cols != size else [0]
        else:
            starts = list(range(cursor, cols - right - size + 1)) or [cursor]
        best = None
        for start in starts:
            bad = [(cell, r, start + k) for k, cell in enumerate(segment.cells)
                   if cell.kind in CLAIMS and 0 <= start + k < cols
                   and not agrees(cell, r, start + k)]
            if best is None or len(bad) < len(best[1]):
                best = (start, bad)
            if not bad:
                break
        start, bad = best
        if segment.align == "float":
            cursor = start + size
        wrong += bad
        checked += sum(1 for cell in segment.cells if cell.kind in CLAIMS)
    return wrong, checked


def fixed_positions(p: Plan, rows: int, cols: int):
    """(cell, operator row, operator column) of every written cell whose place does not depend on
    its content: rows anchored at the top or bottom, runs anchored left or right."""
    for row in p.rows:
        if row.anchor == "float" or not 0 <= row.offset < rows:
            continue
        r = row.offset if row.anchor == "top" else rows - 1 - row.offset
        left = 0
        for segment in row.segments:
            if segment.align == "left":
                start = left
                left += len(segment.cells)
            elif segment.align == "right":
                start = cols - len(segment.cells)
            else:
                continue
            for k, cell in enumerate(segment.cells):
                if 0 <= start + k < cols:
                    yield cell, r, start + k
