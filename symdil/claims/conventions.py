r"""Which letter is the kernel, where indices start, how an N-D index is written: the reading of a
claim's symbols as the operator's symbols.

A ``Convention`` maps each letter of the claim to a role (kernel, input, output) and fixes the
index base (0 or 1).  Indices are read as written: ``k_{0,1}`` / ``k_{0 1}`` / ``k_{01}`` (one
digit per axis) / ``k_2`` (numbered flat, row-major, for an N-D kernel); ``a_{n-1}`` uses the
operator's n (``m`` is the output length).  A symbol that cannot be read this way keeps its
written name, so it shows as a wrong entry rather than disappearing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import sympy

from ..core.conv import Conv
from ..core.symbols import indexed_symbol
from .cells import ENTRY, RawRef, raw_ref
from .model import Claim

KERNEL, INPUT, OUTPUT = "kernel", "input", "output"
#: Letters authors use for kernels: preferred when an output sum alone must tell kernel from input.
KERNEL_LETTERS = ("k", "w", "W", "h", "theta", "K", "g", "omega", "alpha", "beta")


@dataclass(frozen=True)
class Convention:
    names: tuple[tuple[str, str], ...]  # (letter as written, role)
    index_base: int = 0

    def role(self, base: str) -> str | None:
        return dict(self.names).get(base)


def identity(op: Conv, index_base: int = 0) -> Convention:
    return Convention(((op.kernel_symbol, KERNEL), (op.input_symbol, INPUT),
                       (op.output_symbol, OUTPUT)), index_base)


def letters(claim: Claim, ours: frozenset | set = frozenset()) -> Counter:
    """How often each letter occurs in the claim's checkable objects.  A primed or accented
    letter (``x'``, ``\\tilde x``) counts only when it is one of ``ours`` (named by an option):
    otherwise it is a different variable, never detected as a role."""
    counts: Counter = Counter()
    for obj in claim.matrices:
        if obj.note:
            continue
        for row in obj.cells:
            for cell in row:
                if cell.kind == ENTRY:
                    for symbol in cell.expr.free_symbols:
                        ref = raw_ref(symbol)
                        if ref is not None and ref.sub and (not ref.marked or
                                                            ref.letter in ours):
                            counts[ref.letter] += 1
    return counts


def _refs(obj, seen) -> list:
    found = [raw_ref(s) for row in obj.cells for cell in row if cell.kind == ENTRY
             for s in cell.expr.free_symbols]
    return [ref for ref in found if ref is not None and ref.sub and ref.letter in seen]


def _grid_shaped(shape: tuple[int, int], size: tuple) -> bool:
    """A written shape that is a grid of ``size``: itself in 2-D, one row in 1-D."""
    return shape == size or (len(size) == 1 and shape == (1, size[0]))


def detect(claim: Claim, op: Conv) -> tuple[Convention | None, str]:
    """A naming detected from the claim when it does not use the operator's letters (None when
    it does, or when nothing can be detected), and the sentence saying so.

    The column right after a matrix is its input even when written with the output's letter
    (``W^T y``: a transposed convolution, backpropagation)."""
    ours = {op.kernel_symbol, op.input_symbol, op.output_symbol}
    seen = letters(claim, ours)
    if not seen or (set(seen) <= ours and (op.output_symbol not in seen or
                                           op.input_symbol in seen)):
        return None, ""  # the operator's letters (and not W^T y with the output's letter)
    wide, bare_columns, products, after_matrix = Counter(), [], Counter(), []
    data_objects, after_data = set(), []
    grids: dict[str, list[str]] = {KERNEL: [], INPUT: []}
    objects = {(o.display, o.side, o.position): o for o in claim.matrices if not o.note}
    data_shape = (op.shape[0], _prod(op.kernel_shape[1:])) if not op.symbolic else None
    for obj in objects.values():
        refs = _refs(obj, seen)
        bases = {ref.letter for ref in refs}
        bare = all(raw_ref(cell.expr) is not None for row in obj.cells for cell in row
                   if cell.kind == ENTRY and cell.expr != 0)
        data = bare and len(bases) == 1 and obj.shape == data_shape != op.shape
        grid = bare and len(bases) == 1 and not obj.elided and obj.shape != op.shape and \
            obj.shape[1] > 1
        if grid and _grid_shaped(obj.shape, tuple(op.kernel_shape[2:])):
            grids[KERNEL].append(next(iter(bases)))  # K = [[w_11, w_12], [w_21, w_22]]
        elif grid and _grid_shaped(obj.shape, tuple(op.input_shape[1:])):
            grids[INPUT].append(next(iter(bases)))  # X = [[x_11, …], …]
        elif obj.shape[1] > 1 and not obj.transposed and not data:
            wide.update(ref.letter for ref in refs)  # an im2col data matrix holds inputs
        if data:
            data_objects.add((obj.display, obj.side, obj.position))
        if len(bases) == 1 and bare:
            letter = next(iter(bases))
            bare_columns.append((obj.side, obj.position, letter))
            before = (obj.display, obj.side, obj.position - 1)
            if obj.shape[1] == 1 and before in data_objects:
                after_data.append(letter)  # X w: the column after a data matrix is the kernel
            elif obj.shape[1] == 1 and before in objects and objects[before].shape[1] > 1:
                after_matrix.append(letter)
        for row in obj.cells:
            for cell in row:
                if cell.kind == ENTRY and len(cell.expr.free_symbols) >= 2:
                    products.update(ref.letter for s in cell.expr.free_symbols
                                    if (ref := raw_ref(s)) is not None and ref.letter in seen)
    if set(seen) <= ours and not (op.output_symbol in after_matrix and
                                  op.input_symbol not in seen):
        return None, ""
    kernel = op.kernel_symbol if op.kernel_symbol in seen else (
        grids[KERNEL][0] if grids[KERNEL] else
        next((b for b, _ in wide.most_common() if b not in grids[INPUT]), None) or
        (after_data[0] if after_data else None))
    if kernel is None and products:
        # in an output sum the kernel letter is the one that is not a bare column's letter
        columns = {base for _, _, base in bare_columns}
        candidates = sorted((base for base in products if base not in columns),
                            key=lambda base: (base not in KERNEL_LETTERS, -products[base], base))
        kernel = candidates[0] if candidates else None
    columns = sorted(bare_columns)
    output_as_input = op.output_symbol in after_matrix and op.input_symbol not in seen
    inputs = [b for side, _, b in columns if b != kernel and (b != op.output_symbol or
                                                               output_as_input)]
    if output_as_input:
        inputs.insert(0, op.output_symbol)
    inputs = [b for b in grids[INPUT] if b != kernel] + inputs
    input_letter = op.input_symbol if op.input_symbol in seen else (
        next((b for b in inputs), None) or next((b for b in products if b != kernel), None))
    outputs = [b for _, _, b in columns if b not in (kernel, input_letter)]
    output_letter = op.output_symbol if op.output_symbol in seen and \
        op.output_symbol != input_letter else next(iter(outputs), None)
    names = {}
    for letter, role in ((kernel, KERNEL), (input_letter, INPUT), (output_letter, OUTPUT)):
        if letter is not None and letter not in names:
            names[letter] = role
    detected = Convention(tuple(names.items()))
    if detected.names == identity(op).names:
        return None, ""
    mine = {KERNEL: op.kernel_symbol, INPUT: op.input_symbol, OUTPUT: op.output_symbol}
    said = [f"the {role} as {letter}" for letter, role in names.items() if letter != mine[role]]
    options = [f"--{role}-symbol {letter}" for letter, role in names.items()
               if letter != mine[role]]
    if output_letter is None and input_letter == op.output_symbol:
        said.append(f"no output named {op.output_symbol}")
        options.append("--output-symbol z")
    sentence = "the claim writes " + " and ".join(said) + " (detected" + (
        f"; {' '.join(options)} states it" if options else "") + ")"
    return detected, sentence


_INDEX_RE = re.compile(r"[0-9nmNM+\- ]+")


class Resolver:
    """Maps a claim's placeholder symbols to the operator's symbols under one convention."""

    def __init__(self, op: Conv, convention: Convention) -> None:
        self.op, self.convention = op, convention
        self.cache: dict[sympy.Symbol, sympy.Expr] = {}
        self.roles: dict[sympy.Symbol, str | None] = {}
        self.styles: dict[str, str] = {}  # role -> how an N-D index is written (flat, digits)
        n = op.axes[0].n
        m = op.output_length if op.ndim == 1 else op.output_length[0]
        self.values = {"n": n, "N": n, "m": m, "M": m}

    def expr(self, expr: sympy.Expr) -> sympy.Expr:
        mapping = {s: self.symbol(s) for s in expr.free_symbols}
        return expr.xreplace(mapping) if mapping else expr

    def role_of(self, symbol: sympy.Symbol) -> str | None:
        self.symbol(symbol)
        return self.roles.get(symbol)

    def symbol(self, placeholder: sympy.Symbol) -> sympy.Expr:
        if placeholder in self.cache:
            return self.cache[placeholder]
        ref = raw_ref(placeholder)
        role = self.convention.role(ref.letter) if ref is not None else None
        resolved = self._resolve(ref, role) if role else None
        if resolved is None:
            resolved = sympy.Symbol(ref.latex() if ref is not None else str(placeholder))
            role = None if resolved is None else role
        self.cache[placeholder] = resolved
        self.roles[placeholder] = role if resolved is not None else None
        return resolved

    def _int(self, part: str) -> int | None:
        if part.isdigit():
            return int(part) - self.convention.index_base
        if not _INDEX_RE.fullmatch(part) or not re.search(r"[nmNM]", part):
            return None
        try:
            value = sympy.sympify(part, locals={k: sympy.Integer(v) for k, v in
                                                self.values.items()})
        except (sympy.SympifyError, SyntaxError, TypeError):
            return None
        return int(value) - self.convention.index_base if value.is_Integer else None

    def _resolve(self, ref: RawRef, role: str) -> sympy.Symbol | None:
        op = self.op
        if role == KERNEL:
            letter, shape = op.kernel_symbol, op.kernel_shape[2:]
            channels = op.kernel_shape[:2] != (1, 1)
            sup_len = 2
        elif role == INPUT:
            letter, shape, channels, sup_len = (op.input_symbol, op.input_shape[1:],
                                                op.in_channels > 1, 1)
        else:
            letter, shape, channels, sup_len = (op.output_symbol, op.output_shape[1:],
                                                op.out_channels > 1, 1)
        if not ref.sub:
            return None
        sup: tuple[int, ...] = ()
        if channels:
            if len(ref.sup) != sup_len:
                return None
            sup = tuple(self._int(part) for part in ref.sup)  # type: ignore[misc]
            if any(v is None or v < 0 for v in sup):
                return None
        elif ref.sup:
            return None
        dims = len(shape)
        if len(ref.sub) == dims:
            index = tuple(self._int(part) for part in ref.sub)
        elif len(ref.sub) == 1 and dims > 1:
            part = ref.sub[0]
            base = self.convention.index_base
            if part.isdigit() and len(part) == dims and all(
                    0 <= int(d) - base < size for d, size in zip(part, shape)):
                index = tuple(int(d) - base for d in part)  # k_{11}: one digit per axis
                self.styles.setdefault(role, "digits")
            else:
                flat = self._int(part)
                if flat is None or not 0 <= flat < _prod(shape):
                    return None
                index = _unflatten(flat, shape)  # k_1 … k_4 numbered row-major
                self.styles.setdefault(role, "flat")
        else:
            return None
        if any(v is None or v < 0 for v in index):
            return None
        return indexed_symbol(letter, index, sup)  # type: ignore[arg-type]


def _prod(values) -> int:
    result = 1
    for value in values:
        result *= value
    return result


def _unflatten(flat: int, shape) -> tuple[int, ...]:
    index = []
    for size in reversed(shape):
        flat, rem = divmod(flat, size)
        index.append(rem)
    return tuple(reversed(index))
