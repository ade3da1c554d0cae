"""``compare_claim``: every object of a claim against the operator, under the conventions that
read it best (index base, letters), with a report of what was checked and what was skipped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

import sympy

from ..core.conv import Conv
from ..core.spec import SymdilError
from ..core.symbols import split_name
from ..render.printer import sstr, sum_text
from . import layouts, sketch
from . import numeric as numeric_kernel
from .cells import BLANK, ENTRY, Cell, CellError, RawRef, classify, raw_ref
from .conventions import (
    INPUT,
    KERNEL,
    KERNEL_LETTERS,
    OUTPUT,
    Convention,
    Resolver,
    detect,
    identity,
    letters,
)
from .limits import SHAPE_FACTOR, SHAPE_MARGIN
from .model import (
    FAIL,
    NOT_CHECKED,
    Claim,
    ClaimMatrix,
    ClaimResult,
    Mismatch,
    ObjectReport,
    RowDiff,
)
from .show import renamer, show

#: Grids of one role, read row-major (``layouts``).
_GRIDS = {layouts.KERNEL_GRID: "kernel", layouts.INPUT_GRID: "input",
          layouts.OUTPUT_GRID: "output", "output names grid": "output"}

#: Most unknown taps solved for from numeric outputs (a linear system per output until fixed).
MAX_SOLVED_TAPS = 32
#: Lengths tried when n is symbolic: the claim must fit one of 1..MAX_SYMBOLIC_N.
MAX_SYMBOLIC_N = 400


def compare_claim(claim: Claim, op: Conv, index_base: int | None = None,
                  input_values: Sequence[Any] | None = None) -> ClaimResult:
    """Compare every matrix and vector of ``claim`` with ``op``.

    ``index_base``: 0 or 1, or None to try both and keep the reading that agrees (the report says
    which).  ``input_values``: numbers for the inputs, so that numeric columns (``W^T y`` with
    y = [2, -1, 3]) can be checked.  With a symbolic n the claim is checked for the first lengths
    it fits (a sketch: several consecutive n; a full matrix: the n its shape gives).
    """
    if index_base not in (None, 0, 1):
        raise SymdilError(f"index_base must be 0, 1 or None (detect), got {index_base!r}")
    values = None
    if input_values is not None:
        # counted before any value is read: 60,000 values took 20 s to parse before the refusal
        input_values = list(input_values)
        wanted = op.shape[1] if not op.symbolic else None
        if (wanted is not None and len(input_values) != wanted) or (
                wanted is None and len(input_values) > MAX_SYMBOLIC_N):
            allowed = (f"one value per input ({wanted})" if wanted is not None else
                       f"one value per input (at most {MAX_SYMBOLIC_N} with a symbolic n)")
            raise SymdilError(f"--input-values must give {allowed}, got {len(input_values):,}")
        values = [sympy.nsimplify(v) if isinstance(v, float) else sympy.sympify(v)
                  for v in input_values]
        if any(not v.is_number for v in values):
            raise SymdilError(f"input_values must be numbers, got {list(input_values)!r}")
    if not op.symbolic:
        if values is not None and len(values) != op.shape[1]:
            raise SymdilError(f"--input-values must give one value per input ({op.shape[1]}), "
                              f"got {len(values)}")
        return _compare_concrete(claim, op, index_base, values)
    lengths = _fitting_lengths(claim, op)
    if not lengths:
        return ClaimResult(False, "matrix", [], f"no input length n ≤ {MAX_SYMBOLIC_N} fits the "
                                                "shapes written in the claim", verdict=FAIL)
    results = [(n, _compare_concrete(claim, op.replace(n=n), index_base, values)) for n in lengths]
    shown = ", ".join(str(n) for n in lengths)
    failed = next(((n, r) for n, r in results if not r.passed), None)
    if failed is not None:
        n, result = failed
        return _with_prefix(result, f"with n = {n}: ")
    prefix = (f"for n = {shown} (the lengths the claim's shape fits): " if len(lengths) > 1 else
              f"for n = {shown} (the length the claim's shape gives): ")
    return _with_prefix(results[0][1], prefix)


def _with_prefix(result: ClaimResult, prefix: str) -> ClaimResult:
    return replace(result, detail=prefix + result.detail)


def _fitting_lengths(claim: Claim, op: Conv) -> list[int]:
    """The first lengths n every object fits (a sketch: several; a full matrix: the one its shape
    gives).  Each elision stands for at least one hidden row or column when some n allows it; a
    column of the kernel's taps fits every n and decides nothing."""
    stride = op.axes[0].stride
    decided = [m for m in claim.matrices if not m.note and not _kernel_sized(m, op)]
    wanted = 1 if any(not m.elided for m in decided) else max(4, 2 * stride)
    for strict in (True, False):
        found = []
        for n in range(1, MAX_SYMBOLIC_N + 1):
            try:
                candidate = op.replace(n=n)
                rows, cols = candidate.shape
            except SymdilError:
                continue
            if rows < 1:
                continue
            if all(_could_fit(m, rows, cols, strict) for m in decided):
                found.append(n)
                if len(found) == wanted:
                    break
        if found:
            return found
    return []


def _kernel_sized(obj: ClaimMatrix, op: Conv) -> bool:
    """A column or row of bare symbols of one letter, as long as the kernel: its taps."""
    size = op.kernel_shape[2:]
    if len(size) != 1 or obj.elided or sorted(obj.shape) != [1, size[0]] or size[0] == 1:
        return False
    refs = [raw_ref(cell.expr) for row in obj.cells for cell in row if cell.kind == ENTRY]
    return all(ref is not None for ref in refs) and len({ref.letter for ref in refs}) == 1 and \
        refs[0].letter in (op.kernel_symbol, *KERNEL_LETTERS)


def _could_fit(obj: ClaimMatrix, rows: int, cols: int, strict: bool = False) -> bool:
    if obj.lhs is not None:
        ref = raw_ref(next(iter(obj.lhs.expr.free_symbols)))
        digits = [int(part) for part in ref.sub if part.isdigit()]
        return not digits or max(digits) < rows
    height, width = obj.shape
    if obj.transposed and height == 1:
        height, width = width, 1
    if width == 1:
        shapes = [(rows, 1), (cols, 1)] + ([(1, cols)] if rows == 1 else [])
    else:
        shapes = [(cols, rows)] if obj.transposed else [(rows, cols)]
    plan = sketch.plan(_grid(obj))
    return any(not sketch.fits(plan, r, c, obj.elided, strict) for r, c in shapes)


# ----- one concrete operator -------------------------------------------------------------------
def _compare_concrete(claim: Claim, op: Conv, index_base: int | None,
                      values: list | None) -> ClaimResult:
    bases = [index_base] if index_base is not None else [0, 1]
    detected, sentence = detect(claim, op)
    conventions = [identity(op, b) for b in bases]
    if detected is not None:
        conventions += [Convention(detected.names, b) for b in bases]
    evaluated = []
    for convention in conventions:
        reports = _check_objects(claim, op, convention, values)
        failed = [r for r in reports if r.status == "failed"]
        # a shape that does not fit is a worse reading than any number of wrong entries
        wrong = sum(len(r.mismatches) or 10**6 for r in failed)
        checked = sum(1 for r in reports if r.status != "skipped")
        # the best reading checks the most objects, then has the fewest failures
        evaluated.append(((-checked, len(failed), wrong), convention, reports))
        if checked and not failed and not any(r.status == "skipped" for r in reports):
            break  # everything read and agrees: later readings cannot do better
    score, convention, reports = min(evaluated, key=lambda item: item[0])
    notes = []
    if detected is not None and convention.names == detected.names:
        notes.append(sentence)
    elif detected is not None and score[1]:
        notes.append(sentence.replace("(detected", "(a reading tried").replace(
            "the claim writes", "the claim seems to write"))
    ours = {op.kernel_symbol, op.input_symbol, op.output_symbol}
    if index_base is None and letters(claim, ours):
        other = next((s for s, c, _ in evaluated if c.names == convention.names
                      and c.index_base != convention.index_base), None)
        said = f"indices read {convention.index_base}-based (detected"
        if other is not None and other[2] != score[2] and other[2] < 10**6:
            said += (f"; the {1 - convention.index_base}-based reading gives {other[2]} wrong "
                     f"entr{'y' if other[2] == 1 else 'ies'}")
        notes.append(said + ")")
    return _result(claim, reports, notes)


def _result(claim: Claim, reports: list[ObjectReport], notes: list[str]) -> ClaimResult:
    checked = [r for r in reports if r.status != "skipped"]
    failed = [r for r in reports if r.status == "failed"]
    skipped = [r for r in reports if r.status == "skipped"]
    mismatches = [m for r in failed for m in r.mismatches]
    if failed:
        kind = failed[0].kind
    elif checked:
        order = ("matrix", "transpose", "output", "data matrix", "output grid", "equation",
                 "input", "output names")
        kind = min((r.kind for r in checked), key=lambda k: order.index(k) if k in order else 9)
    else:
        kind = "none"
    parts = [r.detail for r in checked]
    if skipped:
        parts.append("skipped: " + "; ".join(r.detail for r in skipped))
    result = ClaimResult(False, kind, mismatches, "", tuple(reports), tuple(notes))
    if result.verdict == NOT_CHECKED:
        parts.insert(0, "nothing that states the convolution (the operator, its output or the "
                        "product) could be compared")
    detail = "; ".join(parts)
    if notes:
        detail += " [" + "; ".join(notes) + "]"
    return replace(result, detail=detail)


@dataclass
class _Context:
    op: Conv
    resolver: Resolver
    values: list | None
    rows: dict
    neighbours: dict = field(default_factory=dict)  # (display, side, position) -> object
    kernel_values: dict | None = None  # tap -> number, read from a numeric matrix of the claim


def _check_objects(claim: Claim, op: Conv, convention: Convention,
                   values: list | None) -> list[ObjectReport]:
    context = _Context(op, Resolver(op, convention), values, {},
                       {(obj.display, obj.side, obj.position): obj for obj in claim.matrices})
    kinds = [_classify(obj, context) for obj in claim.matrices]
    operators = {(obj.display, obj.side, obj.position) for obj, kind in zip(claim.matrices, kinds)
                 if kind == "matrix"}
    numeric_inputs = {obj.display for obj, kind in zip(claim.matrices, kinds) if kind == "numeric"
                      and (obj.display, obj.side, obj.position - 1) in operators}
    read_from: ClaimMatrix | None = None
    if values is None:
        read_from, read = _written_input(claim, kinds, operators, op)
        if read_from is not None:
            context.values = values = read
    reports: list = [None] * len(kinds)
    # operators first: a numeric matrix's kernel is then known to the columns that follow it
    order = sorted(range(len(kinds)), key=lambda i: kinds[i] != "matrix")
    for index in order:
        obj, kind = claim.matrices[index], kinds[index]
        if kind == "numeric":
            is_input = (obj.display, obj.side, obj.position - 1) in operators or (
                values is not None and _lists_values(obj, values))
            kind = "numeric input" if is_input else "numeric output"
            if kind == "numeric output" and obj.display not in numeric_inputs and all(
                    cell.expr == 0 for row in obj.cells for cell in row if cell.kind == ENTRY):
                kind = "output"  # zeros after = with symbolic inputs: outputs that vanish
        reports[index] = _check_object(claim, obj, kind, context)
        if obj is read_from:
            reports[index] = replace(reports[index], detail=reports[index].detail + (
                "; the input values are read from it (as --input-values would give them), "
                "so the outputs written with them are checked"))
    return reports


def _written_input(claim: Claim, kinds: list[str], operators: set, op: Conv):
    """The numbers of the input column written right after the operator (``M [1, 1, 1, 1]^T =
    …``), one per input, as ``--input-values`` would give them: (the column, its values), or
    (None, None) when no such column is written or two of them disagree.  A column after a
    transposed operator (``W^T g``) holds output-space values and is not taken."""
    found: list = []
    for obj, kind in zip(claim.matrices, kinds):
        before = next((m for m in claim.matrices if (m.display, m.side, m.position) ==
                       (obj.display, obj.side, obj.position - 1)), None)
        if kind != "numeric" or before is None or obj.elided or \
                (obj.display, obj.side, obj.position - 1) not in operators or \
                before.transposed or before.named_transpose:
            continue
        cells = [cell for row in _grid(obj) for cell in row]
        if len(cells) == op.shape[1] and all(cell.kind == ENTRY and cell.expr.is_number
                                             for cell in cells) and \
                all(len(row) == 1 for row in _grid(obj)):
            found.append((obj, [cell.expr for cell in cells]))
    if not found or any(values != found[0][1] for _, values in found):
        return None, None
    return found[0]


def _lists_values(obj: ClaimMatrix, values: list) -> bool:
    """A column (or transposed row) of exactly the given input values: the input."""
    cells = [cell for row in _grid(obj) for cell in row]
    return len(cells) == len(values) and all(
        cell.kind == ENTRY and cell.expr == value for cell, value in zip(cells, values))


def _where(claim: Claim, obj: ClaimMatrix) -> str:
    return f"{claim.source}:{obj.line}:{obj.column}"


def _grid(obj: ClaimMatrix) -> tuple[tuple[Cell, ...], ...]:
    """The cells as a column when the object is a transposed row vector; ragged full matrices
    padded (LaTeX reads a missing cell as empty)."""
    cells = obj.cells if obj.elided else obj.padded()
    if obj.transposed and len(cells) == 1:
        return tuple((cell,) for cell in cells[0])
    return cells


def _without_trailing_empty_column(grid):
    """The grid without a last column that is empty in every row (``&`` ending every row), or
    None when there is no such column."""
    if len(grid) and all(len(row) > 1 and row[-1].kind == BLANK and not row[-1].text
                         for row in grid):
        return tuple(row[:-1] for row in grid)
    return None


def _classify(obj: ClaimMatrix, context: _Context) -> str:
    if obj.note:
        return "skip"
    if obj.lhs is not None:
        return "equation"
    grid = _grid(obj)
    width = max((len(row) for row in grid), default=0)
    shape = (len(grid), width)
    op, resolver = context.op, context.resolver
    if _marked_letters(obj, resolver):
        return "marked"
    if obj.label and layouts.block_index(obj.label) is not None and not obj.elided and \
            layouts.block_dims(op) == shape and shape != op.shape:
        return layouts.BLOCK
    entries = [c.expr for row in grid for c in row if c.kind == ENTRY and c.expr != 0]
    roles = [[resolver.role_of(s) for s in e.free_symbols] for e in entries]
    bare = [len(e.free_symbols) == 1 and raw_ref(e) is not None for e in entries]
    flat = [r for rs in roles for r in rs]
    if entries and all(bare) and all(rs == [KERNEL] for rs in roles) and not obj.elided and \
            layouts.grid_dims(op, "kernel", shape) and sketch.fits(sketch.plan(grid), *op.shape,
                                                                   False):
        return layouts.KERNEL_GRID
    letters_used = {raw_ref(e).letter for e in entries if raw_ref(e) is not None}
    if entries and all(bare) and len(letters_used) == 1 and all(rs == [None] for rs in roles) \
            and not obj.elided and layouts.block_grid_dims(op) == shape != op.shape:
        return layouts.BLOCK_GRID  # M = [T_1 & T_2 & 0 \\ T_0 & T_1 & T_2 …]
    if entries and all(bare) and letters_used and all(rs == [None] for rs in roles) and \
            letters_used == {raw_ref(e).letter for e in _label_refs(obj.label)}:
        return "own blocks"  # M = [M^{(0,0)} \\ M^{(1,0)}]: the channel blocks of M
    if entries and all(bare) and all(rs == [INPUT] for rs in roles):
        if width == 1:
            return "input"
        data = layouts.data_dims(op)
        if data is not None and not sketch.fits(sketch.plan(grid), *data, obj.elided) and (
                shape != layouts.spatial(op, "input") or _kernel_column_follows(obj, context)):
            return layouts.DATA_MATRIX
        if not obj.elided and layouts.grid_dims(op, "input", shape):
            return layouts.INPUT_GRID
        return "reshaped input"
    if entries and all(bare) and all(rs == [OUTPUT] for rs in roles):
        if width == 1:
            return "output names"
        if not obj.elided and layouts.grid_dims(op, "output", shape):
            return "output names grid"
        return "reshaped output"
    if width > 1 and not (obj.transposed and len(grid) == 1):
        # a grid of outputs has an input in every entry; one stray input makes a wrong matrix
        if roles and all(INPUT in rs for rs in roles):
            return (layouts.OUTPUT_GRID if not obj.elided and
                    layouts.grid_dims(op, "output", shape) else "reshaped output")
        return "matrix"
    if INPUT in flat:
        return "output"
    if not flat:
        return "numeric"
    if KERNEL in flat and INPUT not in flat:
        return "matrix" if op.shape[1] == 1 else "output of numeric inputs"
    return "output"


def _marked_letters(obj: ClaimMatrix, resolver: Resolver) -> list[str]:
    """Primed or accented letters (``x'``, ``\\hat y``) no option names: other variables."""
    if not any("'" in cell.text or "\\" in cell.text for row in obj.cells for cell in row):
        return []  # nothing written could carry a prime or an accent
    return sorted({ref.latex() for row in obj.cells for cell in row if cell.kind == ENTRY
                   for x in cell.expr.free_symbols if (ref := raw_ref(x)) is not None
                   and ref.marked and resolver.role_of(x) is None})


def _kernel_column_follows(obj: ClaimMatrix, context: _Context) -> bool:
    """Whether the next object of the display is a column of kernel taps (``X w``)."""
    following = context.neighbours.get((obj.display, obj.side, obj.position + 1))
    if following is None:
        return False
    cells = [c.expr for row in following.cells for c in row if c.kind == ENTRY and c.expr != 0]
    return bool(cells) and following.shape[1] == 1 and all(
        [context.resolver.role_of(x) for x in e.free_symbols] == [KERNEL] for e in cells)


_SKIP_REASONS = {
    "reshaped input": "a reshaped input (its cells are the inputs, in a shape that is neither the "
                      "input's grid nor the data matrix of windows)",
    "reshaped output": "a reshaped output (its cells are outputs, in a shape that is not the "
                       "output's grid)",
    "own blocks": "a matrix of blocks named after itself (M = [M^{(0,0)} … ]), each block "
                  "written elsewhere",
}


def _label_refs(label: str) -> list:
    """The indexed symbol a label names (``M`` -> [M]), or [] when it names none."""
    if not label:
        return []
    try:
        cell = classify(label, 1, 1)
    except CellError:
        return []
    ref = raw_ref(cell.expr) if cell.kind == ENTRY else None
    return [cell.expr] if ref is not None else []


def _check_object(claim: Claim, obj: ClaimMatrix, kind: str, context: _Context) -> ObjectReport:
    rows, cols = context.op.shape
    if kind == "matrix" and obj.named_transpose and not obj.transposed and (
            rows == cols or obj.elided):
        # square or sketched (the shape does not tell): C with M = C^T elsewhere may be the
        # operator or its transpose (the text may also write M^T g for the operator M itself);
        # either reading that agrees passes
        plain = _check_object(claim, replace(obj, named_transpose=False), kind, context)
        if plain.status == "passed":
            return plain
        flipped = _check_object(claim, replace(obj, transposed=True), kind, context)
        if flipped.status != "passed":  # wrong either way: the reading closer to the text
            return plain if len(plain.mismatches) < len(flipped.mismatches) else flipped
        return replace(flipped, detail=flipped.detail.replace(
            "(it is marked ^T: compared", f"(the text writes {obj.label}^T: compared"))
    where = _where(claim, obj)
    label = f"object {obj.position}" + (f" of display {obj.display + 1}" if obj.display >= 0
                                        else "")
    if kind == "skip":
        return ObjectReport("not checked", "skipped", where,
                            f"the {obj.environment} at {where} ({label}) is not part of the "
                            f"convolution: {obj.note}")
    if kind == "marked":
        marked = _marked_letters(obj, context.resolver)
        letter = raw_ref(next(x for row in obj.cells for cell in row if cell.kind == ENTRY
                              for x in cell.expr.free_symbols if raw_ref(x) is not None
                              and raw_ref(x).marked)).letter
        return ObjectReport("not checked", "skipped", where,
                            f"the {obj.environment} at {where} ({label}) writes "
                            f"{', '.join(marked[:3])}: a primed or accented letter is a "
                            "different variable unless a symbol option names it",
                            hint=f"--input-symbol {letter} (or --kernel-symbol / "
                                 "--output-symbol)")
    if kind in _SKIP_REASONS:
        return ObjectReport("not checked", "skipped", where,
                            f"the {obj.environment} at {where} ({label}) is {_SKIP_REASONS[kind]}")
    op, values = context.op, context.values
    if kind == "equation":
        return _check_equation(claim, obj, context, where, label)
    if kind in ("numeric input", "numeric output", "output of numeric inputs") and values is None:
        return ObjectReport(kind, "skipped", where,
                            f"the column at {where} ({label}) holds no input symbol: it cannot be "
                            "checked without the input values (give --input-values, e.g. "
                            "--input-values 2,-1,3)", hint="--input-values")
    rows, cols = op.shape
    substitute: dict = {}
    if values is not None:
        substitute = {op.input_symbol_at(c): v for c, v in enumerate(values)}

    def row(r: int) -> dict:
        if r not in context.rows:
            context.rows[r] = op.row(r)
        return context.rows[r]

    def output(r: int) -> sympy.Expr:
        return sympy.Add(*(v * op.input_symbol_at(c) for c, v in row(r).items()))

    expected: Callable[[int, int], sympy.Expr]
    transposed = obj.transposed and kind == "matrix" and obj.shape[0] > 1
    if kind == "matrix" and obj.named_transpose and not obj.transposed and \
            obj.shape == (cols, rows) != (rows, cols):
        transposed = True  # C with M = C^T elsewhere: C is the operator's transpose
    if kind == "matrix" and transposed:
        name, dims, expected = "transpose", (cols, rows), lambda r, c: row(c).get(r, 0)
    elif kind == "matrix":
        name, dims, expected = "matrix", (rows, cols), lambda r, c: row(r).get(c, 0)
    elif kind == "input":
        name, dims, expected = "input", (cols, 1), lambda r, c: op.input_symbol_at(r)
    elif kind == "numeric input":
        name, dims, expected = "input", (cols, 1), lambda r, c: values[r]
    elif kind == "output names":
        name, dims, expected = "output names", (rows, 1), lambda r, c: op.output_symbol_at(r)
    elif kind in _GRIDS:
        role = _GRIDS[kind]
        dims = layouts.grid_dims(op, role, obj.shape)
        name = "output names" if kind == "output names grid" else kind
        entry = op.output_symbol_at if name == "output names" else output
        expected = lambda r, c: layouts.grid_entry(op, role, dims, entry, r, c)  # noqa: E731
    elif kind == layouts.BLOCK:
        name, dims = kind, layouts.block_dims(op)
        kernel_row = layouts.block_index(obj.label) - context.resolver.convention.index_base
        at = layouts.find_block(op, kernel_row, row) if kernel_row >= 0 else None
        if at is None:
            return ObjectReport("not checked", "skipped", where,
                                f"the {obj.environment} at {where} ({label}) is a block named "
                                f"{obj.label}; no block of the operator holds kernel row "
                                f"{kernel_row} (0-based) alone")
        block_row, block_column = at
        expected = lambda r, c: row(block_row * dims[0] + r).get(  # noqa: E731
            block_column * dims[1] + c, 0)
    elif kind == layouts.BLOCK_GRID:
        name, dims = kind, layouts.block_grid_dims(op)
        letter = next(raw_ref(c.expr).letter for c in obj.explicit()
                      if c.kind == ENTRY and c.expr != 0)
        base = context.resolver.convention.index_base

        def expected(r: int, c: int) -> sympy.Expr:
            kernel_rows = layouts.block_kernel_rows(op, r, c, row)
            if not kernel_rows:
                return sympy.Integer(0)
            if len(kernel_rows) > 1:  # a block mixing kernel rows has no single name
                return sympy.Symbol("(" + "+".join(RawRef(letter, (str(t + base),)).latex()
                                                   for t in sorted(kernel_rows)) + ")")
            return sympy.Symbol(RawRef(letter, (str(next(iter(kernel_rows)) + base),)).latex())
    elif kind == layouts.DATA_MATRIX:
        name, dims = kind, layouts.data_dims(op)
        expected = lambda r, c: layouts.data_entry(op, row(r), c)  # noqa: E731
    else:
        name, dims, expected = "output", (rows, 1), lambda r, c: output(r)
    what = {"matrix": f"{rows}×{cols} matrix", "transpose": f"{cols}×{rows} transpose",
            "input": f"{cols}×1 input vector", "output": f"{rows}×1 output vector",
            "output names": f"{dims[0]}×{dims[1]} {'vector' if dims[1] == 1 else 'grid'} of "
                            "output names",
            layouts.KERNEL_GRID: f"{dims[0]}×{dims[1]} kernel",
            layouts.INPUT_GRID: f"{dims[0]}×{dims[1]} input grid",
            layouts.OUTPUT_GRID: f"{dims[0]}×{dims[1]} output grid",
            layouts.BLOCK: f"{dims[0]}×{dims[1]} block {obj.label} (kernel row "
                           f"{obj.label and layouts.block_index(obj.label)} as written)",
            layouts.BLOCK_GRID: f"{dims[0]}×{dims[1]} matrix of named blocks (block row i, "
                                f"column j: the block of the kernel row it holds)",
            layouts.DATA_MATRIX: f"{dims[0]}×{dims[1]} data matrix (row i: the inputs output i "
                                 "reads, in tap order)"}[name]
    grid = _grid(obj)
    height = len(grid)
    width = max((len(r) for r in grid), default=0)
    if height > SHAPE_FACTOR * dims[0] + SHAPE_MARGIN or width > SHAPE_FACTOR * dims[1] + \
            SHAPE_MARGIN:
        return ObjectReport(name, "failed", where,
                            f"the claimed {obj.environment} at {where} ({label}) is "
                            f"{height}×{width}, far from the operator's {what}; refused "
                            "without comparing entries")
    plan = sketch.plan(grid)
    why = sketch.fits(plan, dims[0], dims[1], obj.elided)
    trimmed = _without_trailing_empty_column(grid) if why else None
    if trimmed is not None and not sketch.fits(sketch.plan(trimmed), dims[0], dims[1],
                                               obj.elided):
        grid, plan, why = trimmed, sketch.plan(trimmed), ""  # a stray & ends every row
    part = _named_part(obj, context, bool(why)) if why or obj.elided and obj.label else ""
    if part:
        hint = ("--kernel-symbol / --input-symbol naming its letters, if it is the operator"
                if "letters other" in part else "")
        return ObjectReport("not checked", "skipped", where,
                            f"the {obj.environment} at {where} ({label}) is {part}, "
                            f"{height}×{width}: not the whole operator, so not compared",
                            hint=hint)
    if why:
        hint = " — the transpose's shape (rows are outputs, columns inputs)" if (
            name == "matrix" and (height, width) == (cols, rows) != (rows, cols)) else ""
        if name == "transpose":
            hint = f" (it is marked ^T, so it must be the operator's {cols}×{rows} transpose)"
        return ObjectReport(name, "failed", where,
                            f"shape mismatch: the claimed {obj.environment} at {where} ({label}) "
                            f"is {height}×{width}; the operator is {rows}×{cols}{hint}, its "
                            f"output vector {rows}×1 and its input vector {cols}×1 ({why})")
    resolver = context.resolver
    numeric = bool(substitute) and name in ("output", "input")
    kernel_note = ""
    if name in ("matrix", "transpose") and numeric_kernel.is_numeric(obj.explicit()) and \
            not all(isinstance(tap, sympy.Basic) and tap.is_number for tap in op.kernel):
        read, clash = numeric_kernel.read_kernel(sketch.fixed_positions(plan, *dims), expected,
                                                 set(op.kernel))
        if clash is not None:
            return _clash_report(claim, obj, name, what, where, label, clash, resolver)
        if not read:
            return ObjectReport(name, "skipped", where,
                                f"the numeric {obj.environment} at {where} ({label}) has no entry "
                                "where the operator has a single tap: the kernel cannot be read "
                                "from it", hint="--kernel with the taps as numbers, e.g. "
                                                "--kernel 1,-2,1")
        # taps written only inside sums (k_0 + k_2 under reflect padding): solved for together
        places = [(cell, r, c) for cell, r, c in sketch.fixed_positions(plan, *dims)
                  if cell.kind == ENTRY and not cell.expr.free_symbols]
        folded = [(cell, r, sympy.sympify(expected(r, c)).xreplace(read))
                  for cell, r, c in places]
        general, wrong_at, _ = numeric_kernel.solve_kernel(folded, [
            tap for tap in op.kernel if tap not in read])
        if wrong_at is not None:
            cell, r, c = places[wrong_at]
            return _numeric_contradiction(claim, obj, name, what, where, label, cell, r, c,
                                          sympy.expand(folded[wrong_at][2].xreplace(general)),
                                          resolver)
        read = {**read, **numeric_kernel.fixed(general)}
        context.kernel_values = {**(context.kernel_values or {}), **general, **read}
        kernel_note = "; kernel read from the claim: " + ", ".join(
            f"{show(tap, renamer(op, resolver.convention, resolver.styles))} = {value}"
            for tap, value in sorted(read.items(), key=lambda item: op.kernel.index(item[0])))
        if len(read) < len(op.kernel):
            kernel_note += " (the other taps only in sums)"
    symbolic_taps = [tap for tap in op.kernel if isinstance(tap, sympy.Symbol)]
    if name == "output" and numeric and not context.kernel_values and symbolic_taps and \
            numeric_kernel.is_numeric(obj.explicit()) and not obj.elided and \
            len(symbolic_taps) <= MAX_SOLVED_TAPS:
        # numbers for the outputs and the inputs, taps unknown: read the kernel from the outputs
        rows_written = [(cell, r, output(r).xreplace(substitute))
                        for r, (cell,) in enumerate(grid[:dims[0]]) if cell.kind == ENTRY]
        general, wrong_at, implied = numeric_kernel.solve_kernel(rows_written, symbolic_taps)
        solved = numeric_kernel.fixed(general)
        if wrong_at is not None:
            cell, r, expression = rows_written[wrong_at]
            rename = renamer(op, resolver.convention, resolver.styles)
            correct_value = sympy.expand(sympy.sympify(expression).xreplace(general))
            shown_value = show(correct_value, rename)
            mismatch = Mismatch(r, 0, r + 1, 1, cell.text, shown_value, cell.text,
                                f"{claim.source}:{cell.line}:{cell.column}",
                                f"{name} ({label})", shown_value)
            return ObjectReport(name, "failed", where,
                                f"no kernel gives the numeric outputs of the {what} at {where} "
                                f"({label}): the rows above row {r + 1} fix "
                                f"{shown_value if not correct_value.free_symbols else 'a kernel'}"
                                f" for it, the claim writes {cell.text}", (mismatch,),
                                rows=(RowDiff(r + 1, (cell.text,), (shown_value,)),))
        rename = renamer(op, resolver.convention, resolver.styles)
        if not implied:
            fixes = ", ".join(f"{show(tap, rename)} = {v}" for tap, v in solved.items())
            return ObjectReport(name, "skipped", where,
                                f"the numeric {what} at {where} ({label}) only fixes the kernel "
                                f"({fixes or 'partly'}) with no output left over to check",
                                hint="--kernel with the taps as numbers, e.g. --kernel 1,-2,1")
        context.kernel_values = general
        kernel_note = "; kernel read from the claim's outputs: " + ", ".join(
            f"{show(tap, rename)} = {solved[tap]}" for tap in symbolic_taps if tap in solved)
        if len(solved) < len(symbolic_taps):
            kernel_note += " (the other taps only in sums)"
    taps_known = context.kernel_values or {}
    if taps_known and name in ("matrix", "transpose", "output"):
        substitute = {**substitute, **taps_known}
        numeric = True

    def claimed(cell: Cell) -> sympy.Expr:
        value = resolver.expr(cell.expr)
        return value.xreplace(substitute) if numeric else value

    def correct(r: int, c: int) -> sympy.Expr:
        value = sympy.sympify(expected(r, c))
        return value.xreplace(substitute) if numeric else value

    def agrees(cell: Cell, r: int, c: int) -> bool:
        left, right = claimed(cell), correct(r, c)
        return left == right or sympy.expand(left - right) == 0

    outcome = sketch.check(plan, dims[0], dims[1], agrees)
    rename = renamer(op, resolver.convention, resolver.styles)
    def correct_text(r: int, c: int) -> str:
        # printed like symdil's output: kernel first, terms in tap order (issue 12 section 3)
        if name == "output" and not numeric:
            return sum_text([(coef, op.input_symbol_at(col)) for col, coef in op.row(r).items()],
                            readable=True)
        return sstr(correct(r, c), readable=True)

    mismatches = tuple(Mismatch(r, c, r + 1, c + 1, sstr(claimed(cell), readable=True),
                                correct_text(r, c),
                                cell.text or "(empty)",
                                f"{claim.source}:{cell.line}:{cell.column}",
                                f"{name} ({label})", show(correct(r, c), rename))
                       for cell, r, c in outcome.wrong)
    if obj.elided:
        size = (f"{outcome.checked} explicit entr{'y' if outcome.checked == 1 else 'ies'} in "
                f"{outcome.rows_checked} row{'' if outcome.rows_checked == 1 else 's'} of the "
                f"sketched {what} ({where}, {label}) checked; {plan.elisions} elision"
                f"{'' if plan.elisions == 1 else 's'}")
        if outcome.floating:
            size += "; " + ", ".join(outcome.floating)
    else:
        size = f"entries of the claimed {what} ({where}, {label})"
    if not mismatches:
        detail = (f"{size}: all agree with the operator" if obj.elided else
                  f"all {outcome.checked} {size} agree with the operator")
        if name == "transpose":
            detail += (f" (the text writes {obj.label}^T: compared with the operator's "
                       "transpose)" if obj.named_transpose and not obj.transposed else
                       " (it is marked ^T: compared with the operator's transpose)")
        return ObjectReport(name, "passed", where, detail + kernel_note)
    shown = "; ".join(m.describe() for m in mismatches[:3])
    more = f"; and {len(mismatches) - 3} more" if len(mismatches) > 3 else ""
    if obj.elided:
        detail = f"{size}: {len(mismatches)} differ: {shown}{more}"
    else:
        detail = f"{len(mismatches)} of {outcome.checked} {size} differ: {shown}{more}"
    return ObjectReport(name, "failed", where, detail + kernel_note, mismatches,
                        rows=_row_diffs(grid, mismatches, outcome.wrong))


def _row_diffs(grid, mismatches, wrong, limit: int = 3) -> tuple[RowDiff, ...]:
    """The written rows holding wrong entries: as written, and with each wrong entry replaced by
    its correct value (the other cells, elisions included, stay as written)."""
    fixes = {(cell.line, cell.column): m.correct_as_written or m.correct
             for (cell, _, _), m in zip(wrong, mismatches)}
    rows_of = {(cell.line, cell.column): (k, r) for k, row in enumerate(grid) for cell in row
               for (wcell, r, _) in wrong if (wcell.line, wcell.column) == (cell.line,
                                                                             cell.column)}
    diffs = []
    for k in sorted({k for k, _ in rows_of.values()})[:limit]:
        row = grid[k]
        operator_row = next(r for key, (j, r) in rows_of.items() if j == k)
        claimed = tuple(cell.text or "0" for cell in row)
        correct = tuple(fixes.get((cell.line, cell.column), cell.text or "0") for cell in row)
        diffs.append(RowDiff(operator_row + 1, claimed, correct))
    return tuple(diffs)


def _numeric_contradiction(claim, obj, name, what, where, label, cell, r, c, value,
                           resolver) -> ObjectReport:
    """A number no kernel gives together with the numbers before it (taps only in sums)."""
    shown = show(value, renamer(resolver.op, resolver.convention, resolver.styles))
    mismatch = Mismatch(r, c, r + 1, c + 1, cell.text, shown, cell.text,
                        f"{claim.source}:{cell.line}:{cell.column}", f"{name} ({label})", shown)
    return ObjectReport(name, "failed", where,
                        f"the numeric {what} at {where} ({label}): the entries before row "
                        f"{r + 1}, column {c + 1} ({claim.source}:{cell.line}:{cell.column}) fix "
                        f"{shown} there, the claim writes {cell.text}", (mismatch,))


def _clash_report(claim, obj, name, what, where, label, clash, resolver) -> ObjectReport:
    """A numeric matrix holding two numbers for one tap: FAIL naming both positions."""
    (cell1, r1, c1), (cell2, r2, c2) = clash.first, clash.second
    tap = show(clash.tap, renamer(resolver.op, resolver.convention, resolver.styles))
    mismatch = Mismatch(r2, c2, r2 + 1, c2 + 1, cell2.text, f"{cell1.text} ({tap})", cell2.text,
                        f"{claim.source}:{cell2.line}:{cell2.column}", f"{name} ({label})",
                        f"{cell1.text}, the value of {tap} at row {r1 + 1}, column {c1 + 1}")
    return ObjectReport(name, "failed", where,
                        f"the numeric {what} at {where} ({label}) holds two values for the tap "
                        f"{tap}: {cell1.text} at row {r1 + 1}, column {c1 + 1} "
                        f"({claim.source}:{cell1.line}:{cell1.column}) and {cell2.text} at row "
                        f"{r2 + 1}, column {c2 + 1} ({claim.source}:{cell2.line}:{cell2.column}) "
                        "(rows and columns 1-based)", (mismatch,))


def _output_row(op: Conv, symbol: sympy.Basic) -> int | None:
    """The flat row of an output symbol ``y^{(o)}_{i,j}`` (None when it is not one)."""
    parts = split_name(getattr(symbol, "name", ""))
    if parts is None or parts[0] != op.output_symbol:
        return None
    index = tuple(int(i) for i in parts[2] or ("0",)) + tuple(int(i) for i in parts[1])
    shape = op.output_shape
    if len(index) != len(shape) or any(not 0 <= i < size for i, size in zip(index, shape)):
        return None
    flat = 0
    for i, size in zip(index, shape):
        flat = flat * size + i
    return flat


def _check_equation(claim: Claim, obj: ClaimMatrix, context: _Context, where: str,
                    label: str) -> ObjectReport:
    op, resolver = context.op, context.resolver
    (placeholder,) = obj.lhs.expr.free_symbols
    name = resolver.symbol(placeholder)
    if resolver.role_of(placeholder) != OUTPUT:
        return ObjectReport("not checked", "skipped", where,
                            f"the equation {obj.label} = … at {where} ({label}) is not about an "
                            "output of the operator")
    row = _output_row(op, name)
    if row is None:
        return ObjectReport("equation", "failed", where,
                            f"the equation {obj.label} = … at {where} ({label}) names an output "
                            f"the operator does not have (it has {op.shape[0]} outputs, shape "
                            f"{op.output_shape})")
    substitute = ({op.input_symbol_at(c): v for c, v in enumerate(context.values)}
                  if context.values is not None else {})
    correct = sympy.Add(*(v * op.input_symbol_at(c) for c, v in op.row(row).items()))
    (cell,) = obj.cells[0]
    claimed = resolver.expr(cell.expr)
    if substitute:
        correct, claimed = correct.xreplace(substitute), claimed.xreplace(substitute)
    if claimed == correct or sympy.expand(claimed - correct) == 0:
        return ObjectReport("equation", "passed", where,
                            f"the equation {obj.label} = … at {where} ({label}) agrees with "
                            "the operator")
    rename = renamer(op, resolver.convention, resolver.styles)
    mismatch = Mismatch(row, 0, row + 1, 1, str(claimed), str(correct), cell.text,
                        f"{claim.source}:{cell.line}:{cell.column}", f"equation ({label})",
                        show(correct, rename))
    return ObjectReport("equation", "failed", where,
                        f"the equation {obj.label} = … at {where} ({label}) differs: output "
                        f"row {row + 1} (1-based; {row} 0-based): claimed {cell.text}, correct "
                        f"{mismatch.correct_as_written}", (mismatch,))


def _named_part(obj: ClaimMatrix, context: _Context, misfit: bool) -> str:
    """What a misfitting object is when it is plainly a part of the operator or another named
    matrix: a block named with an index or an accent (``T_{0} =``, ``M^{(0,0)} =``), or a matrix
    of named blocks (``[T_0 & T_1 & 0]``).  "" otherwise: then a misfit is a failure."""
    label = obj.label
    if label and re.search(r"[_^]|\\(?:hat|tilde|bar|widetilde|widehat)\b", label):
        return f"a matrix named {label}"
    entries = [c.expr for row in obj.cells for c in row if c.kind == ENTRY and c.expr != 0]
    symbols = {x for e in entries for x in e.free_symbols}
    ours = {context.op.kernel_symbol, context.op.input_symbol, context.op.output_symbol}
    if obj.shape[1] > 1 and entries and all(e.free_symbols for e in entries) and all(
            raw_ref(x) is not None and raw_ref(x).letter not in ours for x in symbols) and misfit:
        names = sorted({raw_ref(x).latex() for x in symbols})[:3]
        return (f"a matrix of named blocks or of letters other than the operator's "
                f"({', '.join(names)})")
    return ""
