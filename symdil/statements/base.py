"""What a document may say, as data: a ``Statement`` (kind + parameters) and the evidence that
decides it.

A statement is one claim a derivation makes -- "row 2 reads a_0 through the folded tap k_0",
"3 inputs are never read", "the output has 6 samples" -- written as a small frozen record.  Each
*kind* is registered once (``register``) with a predicate ``predicate(params, evidence) -> bool``
that re-derives the claim from an operator's sparse rows.  The derivation decides which statements
exist, the templates phrase them by kind, ``derive --verify`` evaluates every one, and the tests
evaluate them against an independent reference (``tests/reference.py``) instead of symdil's own
rows.  If a predicate cannot be written, the sentence cannot be written.

``Evidence`` is what a predicate may look at: the shapes and, per output row, which weight
(flat index in PyTorch's weight layout) meets which input column -- ``taps`` -- from which the
numeric ``rows`` (column -> non-zero coefficient) follow with the kernel values.  Knowing the
taps, not just the coefficients, is what lets a predicate tell "an input read through a zero tap"
from "an input never read".

The general case (symbolic n): a statement's parameters may hold SymPy expressions in n (and m);
it is evaluated on concrete instances, whose evidence carries ``bindings`` ({n: 17, m: 15}) that
are substituted into the parameters before the predicate runs.  ``Statement.valid_from`` (a
parameter, when present) is the smallest n it claims to hold for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, Sequence

import sympy

from ..core.errors import SymdilError

Predicate = Callable[[Mapping[str, Any], "Evidence"], bool]


@dataclass(frozen=True)
class Kind:
    """A registered statement kind: its name, predicate and a one-line description."""

    name: str
    predicate: Predicate
    description: str


KINDS: dict[str, Kind] = {}


def register(name: str, description: str = "") -> Callable[[Predicate], Predicate]:
    """Register the predicate of statement kind ``name`` (a decorator).  A kind is registered
    once; registering it again is a programming error."""

    def decorate(predicate: Predicate) -> Predicate:
        if name in KINDS:
            raise ValueError(f"statement kind {name!r} is already registered")
        KINDS[name] = Kind(name, predicate, description or (predicate.__doc__ or "").strip())
        return predicate

    return decorate


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(_freeze(item) for item in value)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, frozenset):
        return sorted((_plain(item) for item in value), key=repr)
    return value


@dataclass(frozen=True, eq=False)
class Statement:
    """One claim of a document: ``kind`` (a registered name) and its ``params``.

    ``params`` is frozen (mappings become read-only, lists tuples).  ``holds(evidence)`` decides
    the claim from ``evidence`` (an ``Evidence`` or anything with the same attributes).  In a
    template, ``statement.params.count`` reads a parameter.
    """

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown statement kind {self.kind!r}")
        object.__setattr__(self, "params", _freeze(dict(self.params)))

    def holds(self, evidence: Any) -> bool:
        """True when the claim is true of ``evidence``'s rows (instance bindings substituted).
        ``evidence`` is an ``Evidence`` (``evidence_of(op)``, or rows built by a reference)."""
        # the evidence protocol (an Evidence, a stack's evidence): shapes and rows to read
        if not (hasattr(evidence, "input_shape") and hasattr(evidence, "output_shape")):
            raise SymdilError(f"holds needs an Evidence (symdil.statements.evidence_of(conv)), "
                              f"got {type(evidence).__name__}")
        params = bind(self.params, getattr(evidence, "bindings", None) or {})
        return bool(KINDS[self.kind].predicate(params, evidence))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Statement) and self.kind == other.kind
                and _plain(self.params) == _plain(other.params))

    def __hash__(self) -> int:
        return hash((self.kind, repr(_plain(self.params))))

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in _plain(self.params).items())
        return f"Statement({self.kind!r}, {shown})"

    def to_json(self) -> dict[str, Any]:
        """``{"kind", "params"}`` with SymPy values as strings (readable back with sympify)."""

        def text(value: Any) -> Any:
            if isinstance(value, dict):
                return {str(key): text(item) for key, item in value.items()}
            if isinstance(value, list):
                return [text(item) for item in value]
            if isinstance(value, sympy.Basic):
                return str(value)
            return value

        return {"kind": self.kind, "params": text(_plain(self.params))}


def bind(value: Any, bindings: Mapping[Any, int]) -> Any:
    """``value`` with every SymPy expression evaluated at ``bindings`` (integers stay ints)."""
    if not bindings:
        return value
    if isinstance(value, (int, str, bool, type(None))):
        return value
    if isinstance(value, (MappingProxyType, dict)):
        return MappingProxyType({bind(key, bindings): bind(item, bindings)
                                 for key, item in value.items()})
    if isinstance(value, tuple):
        return tuple(bind(item, bindings) for item in value)
    if isinstance(value, frozenset):
        return frozenset(bind(item, bindings) for item in value)
    if isinstance(value, sympy.Basic) and value.free_symbols:
        # xreplace rebuilds the expression with the numbers in, which evaluates it (floor too)
        result = value.xreplace({symbol: sympy.Integer(number)
                                 for symbol, number in bindings.items()})
        if isinstance(result, sympy.Integer):
            return int(result)
        return result
    return value


@dataclass(frozen=True)
class Evidence:
    """What a predicate reads: an operator given by its rows, from any source.

    ``input_shape`` is ``(C_in, *n)`` and ``output_shape`` ``(C_out, *m)``; ``kernel`` the flat
    weight values (symbols or numbers, PyTorch's weight layout); ``taps[r]`` maps each input
    column that output row ``r`` meets to ``{flat weight index: multiplicity}`` -- every tap that
    lands on it, zero-valued taps included.  ``rows[r]`` (column -> non-zero coefficient) follows
    from ``taps`` and ``kernel`` unless given.  ``bindings`` names the instance of a general-case
    operator ({n: 17, m: 15}).  ``kernel_shape`` is the weight shape
    ``(C_out, C_in/G, *K)`` (``(C_in, C_out/G, *K)`` transposed); None means ``(1, 1, K)``.
    """

    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    kernel: tuple[Any, ...]
    taps: Sequence[Mapping[int, Mapping[int, int]]]
    given_rows: Sequence[Mapping[int, Any]] | None = None
    kernel_shape: tuple[int, ...] | None = None
    bindings: Mapping[Any, int] = field(default_factory=dict)

    @cached_property
    def rows(self) -> tuple[Mapping[int, Any], ...]:
        if self.given_rows is not None:
            return tuple(self.given_rows)
        kernel = self.kernel
        rows = []
        for line in self.taps:
            entries = {}
            for column in sorted(line):
                weights = line[column]
                coefficient = sympy.Add(*[multiplicity * kernel[index]
                                          for index, multiplicity in weights.items()])
                if coefficient != 0:
                    entries[column] = coefficient
            rows.append(entries)
        return tuple(rows)

    @cached_property
    def columns(self) -> tuple[dict[int, dict[int, Mapping[int, int]]], ...]:
        """``columns[c]``: row -> the taps of entry (row, c) (the transpose of ``taps``)."""
        out: list[dict[int, Mapping[int, int]]] = [{} for _ in range(self.column_count)]
        for r, line in enumerate(self.taps):
            for column, weights in line.items():
                out[column][r] = weights
        return tuple(out)

    @property
    def row_count(self) -> int:
        return len(self.taps)

    @property
    def column_count(self) -> int:
        count = 1
        for size in self.input_shape:
            count *= size
        return count

    @property
    def nonzero_count(self) -> int:
        return sum(len(row) for row in self.rows)


def evaluate(statements: Iterable[Statement], evidence: Iterable[Any]) -> list[tuple[Statement,
                                                                                   bool]]:
    """Each statement with whether it holds on every piece of ``evidence`` (all instances)."""
    pieces = list(evidence)
    return [(statement, all(statement.holds(piece) for piece in pieces))
            for statement in statements]
