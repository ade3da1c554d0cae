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


def letters(claim: Claim) -> Counter:
    """How often each letter occurs in the claim's checkable objects."""
    counts: Counter = Counter()
    for obj in claim.matrices:
        if obj.note:
            continue
        for row in obj.cells:
            for cell in row:
                if cell.kind == ENTRY:
                    for symbol in cell.expr.free_symbols:
                        ref = raw_ref(symbol)
                        if ref is not None and ref.sub:
                            counts[ref.base] += 1
    return counts


def detect(claim: Claim, op: Conv) -> tuple[Convention | None, str]:
    """A naming detected from the claim when it does not use the operator's letters (None when
    it does, or when nothing can be detected), and the sentence saying so."""
    seen = letters(claim)
    ours = {op.kernel_symbol, op.input_symbol, op.output_symbol}
    if not seen or set(seen) <= ours:
        return None, ""
    wide, bare_columns, products = Counter(), [], Counter()
    for obj in claim.matrices:
        if obj.note:
            continue
        symbols = [(cell, raw_ref(s)) for row in obj.cells for cell in row if cell.kind == ENTRY
                   for s in cell.expr.free_symbols]
        symbols = [(cell, ref) for cell, ref in symbols if ref is not None and ref.sub]
        if obj.shape[1] > 1 and not obj.transposed:
            wide.update(ref.base for _, ref in symbols)
        bases = {ref.base for _, ref in symbols}
        if len(bases) == 1 and all(raw_ref(cell.expr) is not None for row in obj.cells
                                   for cell in row if cell.kind == ENTRY and cell.expr != 0):
            bare_columns.append((obj.side, obj.position, next(iter(bases))))
        for row in obj.cells:
            for cell in row:
                if cell.kind == ENTRY and len(cell.expr.free_symbols) >= 2:
                    products.update(raw_ref(s).base for s in cell.expr.free_symbols
                                    if raw_ref(s) is not None)
    kernel = op.kernel_symbol if op.kernel_symbol in seen else (
        wide.most_common(1)[0][0] if wide else None)
    if kernel is None and products:
        # in an output sum the kernel letter is the one that is not a bare column's letter
        columns = {base for _, _, base in bare_columns}
        candidates = sorted((base for base in products if base not in columns),
                            key=lambda base: (base not in KERNEL_LETTERS, -products[base], base))
        kernel = candidates[0] if candidates else None
    columns = sorted(bare_columns)
    inputs = [b for side, _, b in columns if b != kernel and b != op.output_symbol]
    input_letter = op.input_symbol if op.input_symbol in seen else (
        next((b for b in inputs), None) or next((b for b in products if b != kernel), None))
    outputs = [b for _, _, b in columns if b not in (kernel, input_letter)]
    output_letter = op.output_symbol if op.output_symbol in seen else next(iter(outputs), None)
    names = {}
    for letter, role in ((kernel, KERNEL), (input_letter, INPUT), (output_letter, OUTPUT)):
        if letter is not None and letter not in names:
            names[letter] = role
    detected = Convention(tuple(names.items()))
    if detected.names == identity(op).names:
        return None, ""
    said = [f"the {role} as {letter}" for letter, role in names.items()
            if letter != {KERNEL: op.kernel_symbol, INPUT: op.input_symbol,
                          OUTPUT: op.output_symbol}[role]]
    options = [f"--{role}-symbol {letter}" for letter, role in names.items() if role != OUTPUT
               and letter != {KERNEL: op.kernel_symbol, INPUT: op.input_symbol}[role]]
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
        role = self.convention.role(ref.base) if ref is not None else None
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
        if not ref.sub or ref.primes:
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
