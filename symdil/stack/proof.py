"""The general case of a stack: a chain of stride-1 layers with zero padding, proved for every n.

Scope: 1-D, one channel, forward layers of stride 1 padding with zeros (any kernel, dilation,
padding and flip).  Layer ``l`` reads ``x_{i + d_l t - b_l}`` of the signal below it, zero outside
``[0, n_{l-1})``, with ``n_l = n + c_l`` and ``c_l = sum_{l' <= l} (b + a - d(K - 1))``.

1. **Each layer, for every n** (SymPy delta sums, as ``checks/general.py`` does for one
   convolution): one derivation with n, K, the tap t, d, the padding (b, a), the row i and its
   distance to the border all symbolic shows that tap t of an interior row reads input
   ``i + d t - b``, and that the zero-padded signal is ``a_q`` inside and 0 outside the input;
   every range condition is decided from the hypotheses alone (``_decided``).
2. **The interior, by polynomial product**: extend every signal to all integers by the same
   formula without borders (the *virtual* signals).  The last one is
   ``v_i = sum_j c_j a_{i - P + j}`` with ``C(z) = sum_j c_j z^j = prod_l K_l(z^{d_l})``,
   ``K_l(z) = sum_t k^{(l)}_t z^t`` (taps reversed for a flipped layer), ``P = sum_l b_l``.  By
   induction over the layers (step 1), a row equals ``v_i`` unless it reads, at some layer, a
   position outside that layer's input whose virtual value is not zero -- a *harmful* position:
   one whose region in the input meets ``[0, n)``.  A region's ends are read (all first, all last
   taps), so for the positions a row can read this is decided by the region's ends.
3. **The border rows, by the residue argument** (stride 1: one residue): the harmful positions at
   the left are fixed integers and at the right fixed offsets from ``n_{l-1}``; the rows that reach
   them are found by walking up the layers from them.  The only conditions that depend on n are
   the upper bounds ``q < n_l`` on the left walk (lower bounds on the right one), slack for
   ``n >= n_0`` and so for every larger n: the left border rows are the same indices, the right
   ones the same distances from the last row ``m - 1``, for every ``n >= n_0``.  With symbolic
   taps each border row differs from ``v_i`` (distinct paths are distinct products of taps).
4. **Library rows agree**: every row of the stacks at ``n_0`` and ``n_0 + 1`` (and one larger
   instance) against the formula, when that fits ``MAX_INSTANCE_TERMS``; and the stack's own
   ``single_conv()`` border at the given n against the proof's.

Layers outside the scope are verified on instances (``checks.verify_stack``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from ..checks.general import GeneralResult
from ..checks.result import CheckResult, not_applicable
from ..checks.tools import same
from ..core.spec import SymdilError
from .model import Stack

NAME = "stack_general_case"
TITLE = "General case (every n)"
#: Border rows the proof lists and walks to at most (positions visited on the walks).
MAX_WALK_POSITIONS = 1_000_000
#: Products of taps that the instance comparison expands at most (all rows of one instance).
MAX_INSTANCE_TERMS = 50_000


@dataclass(frozen=True)
class _Layer:
    K: int
    d: int
    b: int
    a: int
    taps: tuple  # tap at offset d t (flip applied)


def proof_problem(stack: Stack) -> str | None:
    """Why the every-n proof does not cover ``stack`` (None: it does)."""
    if stack.ndim != 1:
        return f"the every-n proof covers 1-D stacks, this one is {stack.ndim}-D"
    for number, layer in enumerate(stack.layers, start=1):
        axis = layer.axes[0]
        if layer.transposed:
            return f"layer {number} is transposed (the every-n proof covers forward layers)"
        if axis.stride != 1:
            return f"layer {number} has stride {axis.stride} (the every-n proof covers stride 1)"
        if axis.padding_mode != "zeros":
            return (f"layer {number} pads with {axis.padding_mode!r} (the every-n proof covers "
                    "zero padding)")
        if layer.in_channels != 1 or layer.out_channels != 1:
            return f"layer {number} has several channels (the every-n proof covers one channel)"
    return None


def _layers(stack: Stack) -> list[_Layer]:
    out = []
    for layer in stack.layers:
        axis = layer.axes[0]
        K = axis.kernel_size
        taps = tuple(layer.kernel[K - 1 - t] if layer.flip else layer.kernel[t] for t in range(K))
        out.append(_Layer(K, axis.dilation, axis.pad_before, axis.pad_after, taps))
    return out


# ----- 1. each layer, for every n --------------------------------------------------------------

_NONNEGATIVE = dict(integer=True, nonnegative=True)


def _decided(expr: Any) -> Any:
    """``Piecewise((value, lhs <= rhs), (0, True))`` -> value when SymPy's assumptions make
    ``rhs - lhs`` non-negative (strict: positive); None when a condition is left undecided."""
    while isinstance(expr, sympy.Piecewise):
        value, condition = expr.args[0]
        if condition is not sympy.true:
            if not isinstance(condition, (sympy.LessThan, sympy.GreaterThan,
                                          sympy.StrictLessThan, sympy.StrictGreaterThan)):
                return None
            gap = sympy.expand(condition.gts - condition.lts)
            strict = isinstance(condition, (sympy.StrictLessThan, sympy.StrictGreaterThan))
            if not (gap.is_positive if strict else gap.is_nonnegative):
                return None
        expr = value
    return expr


def prove_layer_rule() -> str | None:
    """Every forward stride-1 layer with zero padding, all symbolic -- kernel size ``K = T + U
    + 1``, tap ``t = T``, dilation d, padding (b, a), interior row ``i = A + b`` of an input of
    length ``n = A + B + d(K - 1) + 1`` -- reads ``a_{i + d t - b}`` (SymPy delta sums over the
    definition, conditions decided from the hypotheses alone); and the zero-padded signal is
    ``a_{q-b}`` inside the input and 0 before and after it, for every n.  None: proved."""
    A, B, T, U, b, a = (sympy.Symbol(name, **_NONNEGATIVE) for name in "ABTUba")
    d = sympy.Symbol("d", integer=True, positive=True)
    q, j = sympy.Symbol("q", integer=True), sympy.Symbol("j", integer=True)
    x, f = sympy.IndexedBase("a"), sympy.Function("f")

    def padded(length: Any) -> sympy.Lambda:  # x~_q = sum_j delta(q, j + b) a_j
        return sympy.Lambda(q, sympy.Sum(sympy.KroneckerDelta(q, j + b) * x[j],
                                         (j, 0, length - 1)).doit())

    n = A + B + d * (T + U) + 1
    # y_i = sum_t k_t sum_q delta(q, i + d t) x~_q over the padded input, tap t = T
    read = sympy.Sum(sympy.KroneckerDelta(q, A + b + d * T) * f(q),
                     (q, 0, n + b + a - 1)).doit()
    value = _decided(read)
    value = None if value is None else _decided(value.replace(f, padded(n)))
    if value != x[A + d * T]:
        return f"tap t of an interior row reads {read}, not a[i + d t - b]"
    length = sympy.Symbol("n", integer=True, positive=True)
    signal = padded(length)
    for where, position in (("before", b - 1 - A), ("after", length + b + A)):
        if signal(position) != 0:
            return f"the padded signal {where} the input is {signal(position)}, not 0"
    inside = _decided(padded(A + B + 1)(b + A))
    if inside != x[A]:
        return f"the padded signal inside the input is {inside}, not a[q - b]"
    return None


# ----- 2. the composed kernel ------------------------------------------------------------------

def coefficient(layers: list[_Layer], j: int) -> Any:
    """``c_j``: the coefficient of ``z^j`` in ``prod_l K_l(z^{d_l})``, by a walk over the layers
    keeping only the remainders the layers below can still reach (0 when none)."""
    reach = [0]
    for layer in layers:
        reach.append(reach[-1] + layer.d * (layer.K - 1))
    partial: dict[int, list[tuple]] = {j: [()]}  # remainder -> monomials (tuples of taps)
    for index in range(len(layers) - 1, -1, -1):
        layer = layers[index]
        below: dict[int, list[tuple]] = {}
        for rest, monomials in partial.items():
            for t in range(layer.K):
                left = rest - layer.d * t
                if 0 <= left <= reach[index] and layer.taps[t] != 0:
                    below.setdefault(left, []).extend((layer.taps[t],) + mono
                                                      for mono in monomials)
        partial = below
    return sympy.Add(*[sympy.Mul(*mono) for mono in partial.get(0, [])])


def _paths(layers: list[_Layer], j: int) -> int:
    """How many tap choices give offset j (integers only: the cost of ``coefficient``)."""
    reach = [0]
    for layer in layers:
        reach.append(reach[-1] + layer.d * (layer.K - 1))
    counts = {j: 1}
    for index in range(len(layers) - 1, -1, -1):
        layer = layers[index]
        below: dict[int, int] = {}
        for rest, count in counts.items():
            for t in range(layer.K):
                left = rest - layer.d * t
                if 0 <= left <= reach[index]:
                    below[left] = below.get(left, 0) + count
        counts = below
    return counts.get(0, 0)


# ----- 3. the border rows ----------------------------------------------------------------------

@dataclass(frozen=True)
class Borders:
    left: tuple[int, ...]       # border row indices, the same for every n >= n0
    right: tuple[int, ...]      # border rows as distances from the last row m - 1
    n0: int
    shifts: tuple[int, ...]     # c_l: n_l = n + c_l (c_0 = 0)


class _TooLong(Exception):
    pass


def _walk_up(layers: list[_Layer], level: int, positions: set[int], lower: Any, upper: Any,
             budget: list[int]) -> tuple[set[int], list[tuple[int, int]]]:
    """The rows of the last layer that reach ``positions`` (at the input of layer ``level``,
    0-based) through in-range positions; ``lower(l)``/``upper(l)`` bound level l (None: no
    bound).  Returns the rows and, per level, the extreme position met (for the slack)."""
    extremes = []
    current = set(positions)
    for index in range(level, len(layers)):
        layer = layers[index]
        if budget[0] + len(current) * layer.K > MAX_WALK_POSITIONS:
            raise _TooLong
        up = {q - layer.d * t + layer.b for q in current for t in range(layer.K)}
        low, high = lower(index + 1), upper(index + 1)
        current = {j for j in up if (low is None or j >= low) and (high is None or j <= high)}
        budget[0] += len(current)
        if budget[0] > MAX_WALK_POSITIONS:
            raise _TooLong
        if not current:
            return set(), extremes
        extremes.append((min(current), max(current)))
    return current, extremes


def borders(layers: list[_Layer]) -> Borders:
    """The border rows of the stack for every ``n >= n0`` (``_TooLong`` past the budget)."""
    shifts = [0]
    for layer in layers:
        shifts.append(shifts[-1] + layer.b + layer.a - layer.d * (layer.K - 1))
    # n0: every layer's padded input holds its kernel span: n + c_{l-1} + b + a >= span + 1
    n0 = max([1] + [layer.d * (layer.K - 1) + 1 - layer.b - layer.a - shifts[index]
                    for index, layer in enumerate(layers)])
    n0 = max([n0] + [1 - shift for shift in shifts])  # every layer has an output
    budget = [0]
    left: set[int] = set()
    right: set[int] = set()
    pad, field = 0, 1  # P_{<l}, R_{<l}
    for index, layer in enumerate(layers):
        if index:
            # left: q in [-b_l, -1], its region [q - P, q - P + R - 1] reaches 0
            low = max(-layer.b, pad - field + 1)
            if -low > MAX_WALK_POSITIONS:
                raise _TooLong
            if low <= -1:
                n0 = max(n0, field)  # the region's last end is then inside [0, n)
                rows, extremes = _walk_up(layers, index, set(range(low, 0)),
                                          lambda lv: 0, lambda lv: None, budget)
                for lv, (_, high) in enumerate(extremes, start=index + 1):
                    n0 = max(n0, high + 1 - shifts[lv])  # slack: high < n + c_lv
                left |= rows
            # right: offsets e = q - n_{l-1} in [0, a_l - 1], the region's first end
            # q - P <= n - 1, i.e. e <= P - 1 - c_{l-1}
            high_e = min(layer.a - 1, pad - 1 - shifts[index])
            if high_e + 1 > MAX_WALK_POSITIONS:
                raise _TooLong
            if high_e >= 0:
                n0 = max(n0, pad - shifts[index])  # the region's first end is then >= 0
                # offsets from n_l at every level: position q = n_l + e
                rows, extremes = _walk_up(
                    layers, index, set(range(shifts[index], shifts[index] + high_e + 1)),
                    lambda lv: None, lambda lv: shifts[lv] - 1, budget)
                for low_e, _ in extremes:
                    n0 = max(n0, -low_e)  # slack: n + low_e >= 0
                right |= {shifts[-1] - 1 - e for e in rows}
        pad += layer.b
        field += layer.d * (layer.K - 1)
    # the two sides apart: the last left border row before the first right one
    if left and right:
        n0 = max(n0, max(left) + max(right) + 2 - shifts[-1])
    return Borders(tuple(sorted(left)), tuple(sorted(right)), n0, tuple(shifts))


# ----- 4. the check ---------------------------------------------------------------------------

def _formula_row(layers: list[_Layer], i: int, n: int, pad: int, field: int,
                 cache: dict) -> dict[int, Any]:
    row = {}
    for col in range(max(0, i - pad), min(n, i - pad + field)):
        j = col - i + pad
        if j not in cache:
            cache[j] = coefficient(layers, j)
        if cache[j] != 0:
            row[col] = cache[j]
    return row


def _instance_terms(layers: list[_Layer], n: int, m: int, pad: int, field: int) -> int:
    """Products of taps the formula rows of one instance hold (an upper bound: every offset)."""
    total = 0
    if m * min(n, field) > 50 * MAX_INSTANCE_TERMS:
        return m * min(n, field)
    for j in range(max(0, pad - m + 1), min(field, n + pad)):  # the offsets some row uses
        total += _paths(layers, j) * max(0, min(m, n - j + pad) - max(0, pad - j))
        if total > MAX_INSTANCE_TERMS:
            return total
    return total


def _compare_instance(stack: Stack, layers: list[_Layer], found: Borders, n: int,
                      problems: list[str], cache: dict) -> None:
    args = [{key: layer.args[key] for key in ("kernel", "stride", "dilation", "padding",
                                               "padding_mode", "flip")} for layer in stack.layers]
    for arg, layer in zip(args, stack.layers):
        arg["kernel"] = list(layer.kernel)
        arg["padding"] = tuple(layer.padding)
    instance = Stack(n, args, input_symbol=stack.input_symbol,
                     kernel_symbol=stack.kernel_symbol, output_symbol=stack.output_symbol)
    m = instance.output_length
    pad = sum(layer.b for layer in layers)
    field = 1 + sum(layer.d * (layer.K - 1) for layer in layers)
    border = set(found.left) | {m - 1 - e for e in found.right}
    symbolic = all(isinstance(t, sympy.Symbol) for layer in layers for t in layer.taps)
    for i in range(m):
        got = instance.row(i)
        want = _formula_row(layers, i, n, pad, field, cache)
        equal = all(same(got.get(c, 0), want.get(c, 0)) for c in set(got) | set(want))
        if i not in border and not equal:
            problems.append(f"n = {n}, row {i}: the library's row differs from the formula")
        elif i in border and symbolic and equal:
            problems.append(f"n = {n}, border row {i} equals the formula")
        if len(problems) >= 3:
            return


def _product_text(layers: list[_Layer], latex: bool) -> str:
    factors = []
    for number, layer in enumerate(layers, start=1):
        power = "" if layer.d == 1 else (f"^{{{layer.d}}}" if latex else f"^{layer.d}")
        factors.append(rf"K_{{{number}}}(z{power})" if latex else f"K_{number}(z{power})")
    if len(factors) > 6:
        factors = factors[:3] + ([r"\cdots"] if latex else ["..."]) + factors[-2:]
    return (r" " if latex else " ").join(factors)


def _rows_text(found: Borders, latex: bool) -> str:
    def listing(items: list[str]) -> str:
        if len(items) > 8:
            items = items[:4] + [r"\dots" if latex else "..."] + items[-3:]
        return ", ".join(items)

    parts = []
    if found.left:
        parts.append(listing([str(i) for i in found.left]))
    if found.right:
        parts.append(listing([("m-1" if e == 0 else f"m-{e + 1}") for e in found.right]))
    return ", ".join(parts)


def prove_stack(stack: Stack, instances: bool = True) -> CheckResult:
    """The every-n proof of ``stack`` (see the module doc); not applicable outside its scope."""
    problem = proof_problem(stack)
    if problem is not None:
        return not_applicable(NAME, problem)
    layers = _layers(stack)
    problems: list[str] = []
    failure = prove_layer_rule()
    if failure is not None:
        problems.append(f"the layers' reading rule: {failure}")
    try:
        found = borders(layers)
    except _TooLong:
        return not_applicable(NAME, f"the border rows reach more than {MAX_WALK_POSITIONS:,} "
                                    "positions on the walk up the layers")
    pad = sum(layer.b for layer in layers)
    field = 1 + sum(layer.d * (layer.K - 1) for layer in layers)
    n = stack.n
    # the stack's own border rows at this n agree with the proof's
    if n >= found.n0:
        single = stack.single_conv()
        m = stack.output_length
        want = tuple(sorted(set(found.left) | {m - 1 - e for e in found.right}))
        if (single.exists or single.border) and tuple(single.border_indices[0]) != want:
            problems.append(f"at n = {n} the stack's border rows are "
                            f"{list(single.border_indices[0])[:6]}, the proof gives {want[:6]}")
    sizes = []
    skipped = ""
    if instances:
        cache: dict = {}
        candidates = sorted({found.n0, found.n0 + 1, found.n0 + min(field, 40)})
        for size in candidates:
            m = size + found.shifts[-1]
            terms = _instance_terms(layers, size, m, pad, field)
            if terms > MAX_INSTANCE_TERMS:
                skipped = (f" (larger instances are not expanded: n = {size:,} holds more than "
                           f"{MAX_INSTANCE_TERMS:,} products of taps)")
                break
            try:
                _compare_instance(stack, layers, found, size, problems, cache)
            except SymdilError as error:
                skipped = f" (n = {size:,} is not compared: {error})"
                break
            sizes.append(size)
            if problems:
                break
    shift = found.shifts[-1]
    m_text = "n" if shift == 0 else f"n {'+' if shift > 0 else '-'} {abs(shift)}"
    a, y = stack.input_symbol, stack.output_symbol
    index = f"i - {pad} + j" if pad else "i + j"
    rows = _rows_text(found, False)
    except_text = f" except the border rows {rows}" if rows else ""
    statement = (f"For every n >= {found.n0} and every row i{except_text}: "
                 f"{y}_i = sum_{{j=0}}^{{{field - 1}}} c_j {a}_{{{index}}} ({a}_q = 0 outside "
                 f"0..n-1; m = {m_text} outputs), C(z) = sum_j c_j z^j = "
                 f"{_product_text(layers, False)}, K_l(z) = sum_t k^(l)_t z^t.")
    rows_tex = _rows_text(found, True)
    except_tex = f" except the border rows ${rows_tex}$" if rows_tex else ""
    m_tex = m_text
    tex = (rf"For every $n \ge {found.n0}$ and every row $i${except_tex}: "
           rf"${y}_i = \sum_{{j=0}}^{{{field - 1}}} c_j\,{a}_{{{index}}}$ (${a}_q = 0$ outside "
           rf"$0, \dots, n-1$; $m = {m_tex}$ outputs), with $C(z) = \sum_j c_j z^j = "
           rf"{_product_text(layers, True)}$ and $K_l(z) = \sum_t k^{{(l)}}_t z^t$.")
    if problems:
        return GeneralResult(NAME, False, "; ".join(problems[:3]), title=TITLE,
                             statement=statement, statement_latex=tex)
    how = ("each layer's reading rule by SymPy delta sums with n, K, d, the padding and the "
           "row symbolic; the interior by the polynomial product; the border rows by the walk "
           "up from the harmful padded positions, n-independent")
    agree = (f" Library rows agree at n = {', '.join(f'{s:,}' for s in sizes)}{skipped}."
             if sizes else f" No instance is compared{skipped}.")
    detail = f"proved for every n >= {found.n0} ({how}): {statement}{agree}"
    agree_tex = (rf" The library's rows agree at $n =$ {', '.join(f'${s}$' for s in sizes)}."
                 if sizes else "")
    detail_latex = ("Proved (layer rule by SymPy delta sums, interior by the polynomial product, "
                    f"border rows by the walk up the layers): {tex[:1].lower()}{tex[1:]}"
                    f"{agree_tex}")
    return GeneralResult(NAME, True, detail, title=TITLE, statement=statement,
                         statement_latex=tex, detail_latex=detail_latex)


__all__ = ["Borders", "borders", "coefficient", "proof_problem", "prove_stack"]
