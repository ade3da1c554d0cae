"""The verification checks: each a small named function returning a ``CheckResult``.

Every check compares a *candidate* operator (by default the one ``Conv`` built) with something
derived another way (``symdil.checktools``), so each can fail: pass ``matrix=`` (and for the
definition ``output=``) to check a different, possibly wrong, operator against the convolution's
parameters.  Every check works in any number of axes, with channels and groups; the identities
hold per axis.  The checks are sparse: O(m*K) work per operator, so n = 4096 (1-D) or 16x16
(2-D) takes seconds.

1. ``check_definition``     matrix * input = output vector = the defining sum (exact, SymPy)
2. ``check_dilation``       dilation d = dilation 1 with the kernel zero-inserted along each axis
3. ``check_stride``         stride s = the stride-1 operator's rows at (s_0 i_0, s_1 i_1, ...)
4. ``check_transposition``  <Ta, b> = <a, T^T b>; transposed = forward transposed; zero insertion
5. ``check_polyphase``      dilation d = prod(d_a) ordinary convolutions on the input's phases
6. ``check_formulas``       output lengths, padding, receptive field, zero diagonals vs counts
8. ``check_numeric``        random values vs an independent NumPy loop (and PyTorch on request)

Check 7, the general case (symbolic n), lives in ``symdil.general``; the Kronecker identity of
separable kernels (2-D and up) in ``symdil.kronecker``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import sympy

from .checktools import (
    TORCH_INSTALL,
    Rows,
    adjoint_rows,
    axes_text,
    candidate_rows,
    compare_rows,
    count,
    definition_outputs,
    evaluate_rows,
    flat_index,
    forward_geometry,
    misplaced_channel,
    multiplication_count,
    nested_kernel,
    numpy_reference,
    padded_sources,
    per_axis_arg,
    polyphase_rows,
    prod,
    random_values,
    read_taps,
    remap_columns,
    restricted_forward_rows,
    same,
    shape_text,
    spatial,
    symbolic_kernel,
    symbolic_probe,
    tap_gaps,
    tap_lines,
    torch_reference,
    transpose_rows,
    unflat_index,
    variant,
    zero_inserted,
    zero_insertion_rows,
)
from .conv import Conv
from .spec import SymdilError

__all__ = [
    "CheckResult", "TORCH_INSTALL", "check_definition", "check_dilation", "check_formulas",
    "check_numeric", "check_polyphase", "check_stride", "check_transposition", "not_applicable",
]

_same = same  # the name symdil.general imports


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.  ``applicable=False`` marks a check that did not run (``passed`` is
    then True and ``detail`` starts with "not applicable:"), so a report never passes silently."""

    name: str
    passed: bool
    detail: str
    applicable: bool = True

    def to_json(self) -> dict[str, Any]:
        """``{name, passed, detail, applicable}``; a check that did not run has
        ``applicable: false`` (and ``passed: true``: it failed nothing)."""
        return {"name": self.name, "passed": self.passed, "detail": self.detail,
                "applicable": self.applicable}


def not_applicable(name: str, reason: str) -> CheckResult:
    return CheckResult(name, True, f"not applicable: {reason}", applicable=False)


def _guard(name: str, op: Conv) -> CheckResult | None:
    if op.symbolic:
        return not_applicable(name, f"n = {op.axes[0].n} is symbolic; see the general case")
    return None


def _fail_or_pass(name: str, problems: list[str], evidence: str) -> CheckResult:
    if problems:
        return CheckResult(name, False, "; ".join(problems))
    return CheckResult(name, True, evidence)


def _shape_mismatch(name: str, op: Conv, shape: tuple[int, int]) -> CheckResult | None:
    if shape != op.shape:
        return CheckResult(name, False, f"shape {shape[0]}x{shape[1]} differs from the "
                                        f"operator's {op.shape[0]}x{op.shape[1]}")
    return None


def _along(op: Conv, texts: Sequence[str]) -> str:
    """Per-axis phrases: the phrase itself in 1-D, 'axis 0: ... | axis 1: ...' in N-D."""
    if op.ndim == 1:
        return texts[0]
    return " | ".join(f"axis {a}: {text}" for a, text in enumerate(texts))


# ----- 1. definition --------------------------------------------------------------------------

def check_definition(op: Conv, matrix: Any = None, output: Sequence[Any] | None = None
                     ) -> CheckResult:
    """1. ``matrix * input == output`` and ``output == the defining sum``, entry by entry, exactly
    (SymPy, after expansion).  ``matrix``/``output`` default to the op's own."""
    name = "definition"
    skipped = _guard(name, op)
    if skipped:
        return skipped
    shape, rows = candidate_rows(op, matrix)
    outputs = list(op.output if output is None else output)
    defined = definition_outputs(op)
    problems = []
    if shape != op.shape:
        problems.append(f"matrix shape {shape[0]}x{shape[1]} differs from the definition's "
                        f"{op.shape[0]}x{op.shape[1]}")
    if len(outputs) != len(defined):
        problems.append(f"output vector has {len(outputs)} entries, the definition {len(defined)}")
    if problems:
        return CheckResult(name, False, "; ".join(problems))
    inputs = op.input
    product_bad = [r for r, row in enumerate(rows)
                   if not same(sympy.Add(*[coef * inputs[c] for c, coef in row.items()]),
                               outputs[r])]
    sum_bad = [r for r in range(len(defined)) if not same(outputs[r], defined[r])]
    symbol = op.output_symbol_at
    if product_bad:
        r = product_bad[0]
        problems.append(f"matrix*input differs from the output vector in {len(product_bad)} rows; "
                        f"first row {r} (0-based, {symbol(r)}): {outputs[r]}")
    if sum_bad:
        r = sum_bad[0]
        problems.append(f"output differs from the defining sum in {len(sum_bad)} rows; first row "
                        f"{r} (0-based): {symbol(r)} = {outputs[r]}, definition gives {defined[r]}")
    kind = "scatter out[s*i+d*t-p] += k_t a_i" if op.transposed else \
        "y_i = sum_t k_t x~[s*i+d*t] over the padded input"
    if op.ndim > 1:
        kind += ", per axis"
    return _fail_or_pass(name, problems, f"{len(defined)} outputs: matrix*input = output = "
                                         f"defining sum ({kind}), exact after expansion")


# ----- 2. dilation identity -------------------------------------------------------------------

def check_dilation(op: Conv, matrix: Any = None) -> CheckResult:
    """2. The dilation-d operator equals the dilation-1 operator of the kernel zero-inserted along
    each axis (size d_a(K_a-1)+1), same stride and (resolved) padding."""
    name = "dilation_identity"
    skipped = _guard(name, op)
    if skipped:
        return skipped
    axes = op.axes
    d = tuple(axis.dilation for axis in axes)
    spans = tuple(axis.receptive_field for axis in axes)
    # output_padding >= stride is not allowed with dilation 1; the same extra rows come from
    # output_padding zero taps after the zero-inserted kernel (before it when flipped).
    extra = tuple(axis.output_padding if op.transposed and axis.output_padding >= axis.stride
                  else 0 for axis in axes)
    notes = [f"; output_padding {e} >= stride carried by {e} extra zero taps"
             + (f" along axis {a}" if op.ndim > 1 else "") for a, e in enumerate(extra) if e]
    lead, trail = (extra, (0,) * op.ndim) if op.flip else ((0,) * op.ndim, extra)
    spread = zero_inserted(op.kernel, op.kernel_shape, d, lead, trail)
    output_padding = (per_axis_arg([axis.output_padding - e for axis, e in zip(axes, extra)])
                      if op.transposed else 0)
    reference = variant(op, spread, [s + e for s, e in zip(spans, extra)], dilation=1,
                        output_padding=output_padding)
    shape, rows = candidate_rows(op, matrix)
    ok, message = compare_rows(rows, list(reference.rows), shape, reference.shape,
                               "the dilation-1 operator of the zero-inserted kernel")
    if not ok:
        return CheckResult(name, False, message)
    if op.ndim == 1:
        shown = (f"length d(K-1)+1 = {spans[0]} ({count(d[0] - 1, 'zero')} between taps)")
    else:
        shown = (f"size d(K-1)+1 = {shape_text(spans)} "
                 f"({', '.join(count(da - 1, 'zero') for da in d)} between taps along the axes)")
    return CheckResult(name, True, f"dilation {axes_text(d)} = dilation 1 with the zero-inserted "
                                   f"kernel of {shown}, padding {op.padding}{''.join(notes)}")


# ----- 3. stride identity ---------------------------------------------------------------------

def check_stride(op: Conv, matrix: Any = None) -> CheckResult:
    """3. Forward: the stride-s operator is the stride-1 operator's rows at multi-indices
    (s_0 i_0, s_1 i_1, ...) of every output channel, same resolved padding (1-D: rows 0, s, 2s,
    ...).  Transposed: it is the columns at (s_0 j_0, ...) of the stride-1 transposed operator on
    (n_a-1)s_a+1+output_padding_a inputs per axis (s_a-1 zeros inserted between inputs)."""
    name = "stride_identity"
    skipped = _guard(name, op)
    if skipped:
        return skipped
    axes = op.axes
    s = tuple(axis.stride for axis in axes)
    n, m = spatial(op, "n"), spatial(op, "m")
    shape, rows = candidate_rows(op, matrix)
    if not op.transposed:
        reference = variant(op, stride=1)
        m1 = spatial(reference, "m")
        ref_rows = reference.rows
        selected = [dict(ref_rows[flat_index((o, *[sa * ia for sa, ia in zip(s, i)]),
                                             (op.out_channels, *m1))])
                    for o in range(op.out_channels)
                    for i in itertools.product(*[range(length) for length in m])]
        if op.ndim == 1:
            what = f"rows 0, {s[0]}, ... of the stride-1 operator"
            evidence = (f"stride {s[0]} = rows 0, {s[0]}, ..., {s[0] * (m[0] - 1)} of the "
                        f"stride-1 operator ({m1[0]} rows, padding {op.padding})")
        else:
            at = ", ".join(f"{sa} i_{a}" for a, sa in enumerate(s))
            what = f"the stride-1 operator's rows at ({at})"
            evidence = (f"stride {axes_text(s)} = the rows at multi-indices ({at}) of every "
                        f"output channel of the stride-1 operator (output {shape_text(m1)} per "
                        f"channel, padding {op.padding})")
        ok, message = compare_rows(rows, selected, shape, op.shape, what)
    else:
        long_n = tuple((axis.n - 1) * axis.stride + 1 + axis.output_padding for axis in axes)
        reference = variant(op, n=per_axis_arg(long_n), stride=1, output_padding=0)
        selected = [remap_columns(ref_row, (op.in_channels, *long_n), s, op.input_shape)
                    for ref_row in reference.rows]
        gaps = ", ".join(count(sa - 1, "zero") for sa in s)
        padded = any(axis.output_padding for axis in axes)
        if op.ndim == 1:
            what = f"columns 0, {s[0]}, ... of the stride-1 transposed operator"
            evidence = (f"transposed stride {s[0]} = columns 0, {s[0]}, ..., {s[0] * (n[0] - 1)} "
                        f"of the stride-1 transposed operator on {long_n[0]} inputs ({gaps} "
                        f"between inputs{', output_padding zeros after' if padded else ''})")
        else:
            at = ", ".join(f"{sa} j_{a}" for a, sa in enumerate(s))
            what = f"the stride-1 transposed operator's columns at ({at})"
            evidence = (f"transposed stride {axes_text(s)} = the columns at multi-indices ({at}) "
                        f"of the stride-1 transposed operator on {shape_text(long_n)} inputs "
                        f"({gaps} between inputs along the axes"
                        f"{', output_padding zeros after' if padded else ''})")
        ok, message = compare_rows(rows, selected, shape, op.shape, what)
    return CheckResult(name, ok, message if not ok else evidence)


# ----- 4. transposition -----------------------------------------------------------------------

def _inner_products(rows: Rows, adjoint: Rows, inputs: Sequence[Any]) -> bool:
    """<M a, b> == <a, A b> symbolically, where ``adjoint`` holds the rows of A (one per input).

    Both sides are expanded into monomials b_r * tap * a_c (each distinct coefficient expanded
    once) and SymPy's ``Add`` collects <M a, b> - <a, A b>: the identity holds iff it is 0."""
    bs = [sympy.Symbol(f"_adjoint_b{r}") for r in range(len(rows))]
    expanded: dict[Any, tuple] = {}

    def terms(coef: Any) -> tuple:
        found = expanded.get(coef)
        if found is None:
            found = expanded[coef] = sympy.Add.make_args(sympy.expand(coef))
        return found

    lhs = [sympy.Mul(bs[r], term, inputs[c]) for r, row in enumerate(rows)
           for c, coef in row.items() for term in terms(coef)]
    rhs = [sympy.Mul(-1, inputs[c], term, bs[r]) for c, row in enumerate(adjoint)
           for r, coef in row.items() for term in terms(coef)]
    return sympy.Add(*lhs, *rhs) == 0


def _forward_adjoint(op: Conv) -> tuple[Rows, str, Conv]:
    """A forward op's adjoint: M = C E (E pads/folds, C is the valid convolution on the padded
    input), whose adjoint is conv_transpose with padding 0 and output_padding = the stride's
    remainder per axis, its rows folded back by E^T."""
    axes = op.axes
    padded = tuple(axis.n + axis.pad_before + axis.pad_after for axis in axes)
    remainder = tuple((p - axis.receptive_field) % axis.stride for p, axis in zip(padded, axes))
    partner = Conv(n=per_axis_arg(spatial(op, "m")),
                   kernel=nested_kernel(op.kernel, op.kernel_shape),
                   stride=per_axis_arg([axis.stride for axis in axes]),
                   dilation=per_axis_arg([axis.dilation for axis in axes]), padding=0,
                   output_padding=per_axis_arg(remainder), transposed=True, flip=op.flip,
                   in_channels=op.out_channels, out_channels=op.in_channels, groups=op.groups)
    sources = [padded_sources(a.n, a.pad_before, a.pad_after, a.padding_mode) for a in axes]
    n = spatial(op, "n")
    adjoint: Rows = [{} for _ in range(op.shape[1])]
    for r, row in enumerate(partner.rows):
        c, *q = unflat_index(r, (op.in_channels, *padded))
        j = [source[qa] for source, qa in zip(sources, q)]
        if None in j:
            continue
        target = adjoint[flat_index((c, *j), (op.in_channels, *n))]
        for col, coef in row.items():
            target[col] = target.get(col, 0) + coef
    adjoint = [{c: v for c, v in row.items() if v != 0} for row in adjoint]
    how = (f"conv_transpose (padding 0, output_padding {axes_text(remainder)}) with its rows "
           f"{'cropped' if axes[0].padding_mode == 'zeros' else 'folded'} by the padding")
    return adjoint, how, partner


def check_transposition(op: Conv, matrix: Any = None) -> CheckResult:
    """4. The adjoint built as the other kind of convolution (a transposed conv for a forward op, a
    forward conv for a transposed op) satisfies <T a, b> = <a, T^T b> symbolically and equals the
    candidate's transpose; and a transposed conv equals its zero-insertion reading (per axis)."""
    name = "transposition"
    skipped = _guard(name, op)
    if skipped:
        return skipped
    shape, rows = candidate_rows(op, matrix)
    mismatch = _shape_mismatch(name, op, shape)
    if mismatch:
        return mismatch
    axes = op.axes
    problems = []
    if not op.transposed:
        adjoint, how, partner = _forward_adjoint(op)
        zi_rows, zi_shape, zi_text = zero_insertion_rows(partner)
        zi_target, zi_what = list(partner.rows), "that conv_transpose"
    else:
        m, n = spatial(op, "m"), spatial(op, "n")
        partner = Conv(n=per_axis_arg(m), kernel=nested_kernel(op.kernel, op.kernel_shape),
                       stride=per_axis_arg([axis.stride for axis in axes]),
                       dilation=per_axis_arg([axis.dilation for axis in axes]),
                       padding=per_axis_arg([axis.pad_before for axis in axes]), flip=op.flip,
                       in_channels=op.out_channels, out_channels=op.in_channels, groups=op.groups)
        adjoint = restricted_forward_rows(forward_geometry(op), list(partner.rows), n)
        cut = spatial(partner, "m") != n
        first = (f"first {n[0]} rows" if op.ndim == 1 else
                 f"first {shape_text(n)} rows per channel")
        how = (f"the forward conv on {shape_text(m)} inputs (padding "
               f"{axes_text([axis.pad_before for axis in axes])}{f', {first}' if cut else ''})")
        zi_rows, zi_shape, zi_text = zero_insertion_rows(op)
        zi_target, zi_what = rows, "the transposed operator"
    if not _inner_products(rows, adjoint, op.input):
        problems.append(f"<T a, b> != <a, A b> with A = {how}")
    ok, message = compare_rows(transpose_rows(rows, shape[1]), adjoint, (shape[1], shape[0]),
                               (shape[1], shape[0]), "the adjoint " + how)
    if not ok:
        problems.append("T^T: " + message)
    ok, message = compare_rows(zi_target, zi_rows, zi_shape, zi_shape, "the zero-insertion reading")
    if not ok:
        problems.append(f"{zi_what}: " + message)
    evidence = (f"<T a, b> = <a, T^T b> symbolically and T^T = {how}; zero-insertion reading of "
                f"{'the transposed op' if op.transposed else 'that conv_transpose'}: {zi_text}")
    return _fail_or_pass(name, problems, evidence)


# ----- 5. polyphase ---------------------------------------------------------------------------

def check_polyphase(op: Conv, matrix: Any = None) -> CheckResult:
    """5. Atrous = space-to-batch: the dilation-d convolution equals prod(d_a) ordinary
    convolutions on the interleaved phases of the padded input (phase r: x~[r_0::d_0, r_1::d_1,
    ...]), re-interleaved (stride s: output i from phase ((s_a i_a) mod d_a)).  Phases are taken of
    the *padded* input, so every padding mode is covered.  The sparse form's multiplication count
    m*K (per axis, times the channel pairs) is checked against the non-zeros: nnz = m*K - (taps in
    zero padding) - (taps folded onto a shared column).  A transposed op is checked through its
    transpose (a forward convolution)."""
    name = "polyphase"
    skipped = _guard(name, op)
    if skipped:
        return skipped
    geometry = forward_geometry(op)
    shape, rows = candidate_rows(op, matrix)
    mismatch = _shape_mismatch(name, op, shape)
    if mismatch:
        return mismatch
    rows, shape = adjoint_rows(op, rows, shape)
    keep = spatial(op, "n") if op.transposed else geometry.output_length
    phase, phase_outputs = polyphase_rows(geometry)
    if op.transposed:
        phase = restricted_forward_rows(geometry, phase, keep)
    problems = []
    ok, message = compare_rows(rows, phase, shape, shape, "the polyphase form")
    if not ok:
        problems.append(message)
    d, s, K = geometry.dilation, geometry.stride, geometry.kernel_size
    m = geometry.output_length
    # phase r's output length along axis a depends on r_a only
    per_axis = [{r[a]: lengths[a] for r, lengths in phase_outputs.items()}
                for a in range(op.ndim)]
    for a, lengths in enumerate(per_axis):
        if s[a] == 1 and sum(lengths.values()) != m[a]:
            where = "" if op.ndim == 1 else f" along axis {a}"
            problems.append(f"phase output lengths {lengths}{where} do not add up to m = {m[a]}")
    total, cut, merged = multiplication_count(geometry, keep)
    if symbolic_kernel(op) or matrix is None:
        # counted with symbol taps: numeric taps could cancel or be zero
        probe = symbolic_probe(op)
        count_rows = rows if symbolic_kernel(op) else adjoint_rows(probe, list(probe.rows),
                                                                   op.shape)[0]
        nonzeros = sum(len(row) for row in count_rows)
        if nonzeros != total - cut - merged:
            problems.append(f"non-zeros {nonzeros} != m*K*channels - cut - merged = {total} - {cut}"
                            f" - {merged}")
        counted = f"non-zeros {nonzeros} = {total} - {cut} in zero padding - {merged} folded"
    else:
        counted = "non-zeros not counted (a given matrix with numeric taps may cancel entries)"
    who = "of the transpose " if op.transposed else ""
    splits = [", ".join(f"phase {r}: {lengths[r]}" for r in sorted(lengths))
              for lengths in per_axis]
    phases = prod(d)
    used = "" if len(phase_outputs) == phases else f", {len(phase_outputs)} used"
    spans = [da * (k - 1) + 1 for da, k in zip(d, K)]
    zero_inserted_count = total // prod(K) * prod(spans)
    if op.ndim == 1:
        noun = "phase" if d[0] == 1 else "phases"
        head = f"{d[0]} {noun} {who}of the padded input{used} ({splits[0]} outputs"
        read = "" if s[0] == 1 else ", output i read at (s*i) div d of phase (s*i) mod d"
    else:
        head = (f"{phases} phases (d = {axes_text(d)}) {who}of the padded input{used} (outputs "
                f"per axis: {_along(op, splits)}")
        read = ("" if set(s) == {1} else
                ", output i read at (s_a i_a) div d_a of phase ((s_a i_a) mod d_a)")
    evidence = (f"{head}{read}); sparse form: {total} multiplications (m*K per channel pair), the "
                f"same as dilation 1 (zero-inserted kernel: {zero_inserted_count}); {counted}")
    return _fail_or_pass(name, problems, evidence)


# ----- 6. formulas vs counts ------------------------------------------------------------------

def _axis_formulas(op: Conv, probe: Conv, a: int, lines: dict) -> tuple[list[str], str, str]:
    """The formulas along axis ``a`` counted on its lines: (problems, separator, evidence)."""
    axis = probe.axes[a]
    K, s, d, n, m = axis.kernel_size, axis.stride, axis.dilation, axis.n, axis.output_length
    problems: list[str] = []
    notes = []
    total_lines = len(lines)
    if axis.padding_mode != "zeros" and not op.transposed:
        # a folded border row can look like an ordinary one (e.g. replicate with K = 1), so the
        # geometry is counted on the rows the formulas put inside the input; the folded border
        # rows are the definition check's business
        lines = {key: taps for key, taps in lines.items()
                 if 0 <= s * key[1] - axis.pad_before
                 and s * key[1] - axis.pad_before + d * (K - 1) <= n - 1}
        notes.append("folded border rows left to the definition check")
    if not lines:
        # every tap lands in the padding or is cropped: only the shape can be counted
        return [], "; ", "the matrix has no unfolded tap to count on"
    single = K > 1 and all(len(taps) == 1 for taps in lines.values())
    if single and op.ndim == 1:
        return [], "; ", ("no line holds two taps, so spacing, stride and padding are not "
                          "countable in so small an operator")
    spacings = sorted({gap for taps in lines.values() for gap in tap_gaps(taps)})
    gap = 1
    if single:
        # N-D: a short axis often has one tap per line; its taps are placed with the formula's
        # spacing so that stride and padding are still counted (1-D keeps its original report)
        gap = d
        notes.append("no line holds two taps: spacing taken from the formula")
    elif K > 1:
        if len(spacings) != 1:
            return [f"lines show different tap spacings {spacings}"], "", ""
        if spacings[0] != int(spacings[0]) or spacings[0] < 1:
            return [f"taps are spaced {spacings[0]} apart (expected {d})"], "", ""
        gap = int(spacings[0])
    clean = {}
    for key, taps in lines.items():
        u, pos = next(iter(taps.items()))
        clean[key] = pos - gap * u  # where tap 0 sits (may lie in the padding)
    counted_on = sorted(clean)
    steps = {clean[(context, i + 1)] - clean[(context, i)] for context, i in counted_on
             if (context, i + 1) in clean}
    if len(steps) > 1:
        problems.append(f"lines advance by {sorted(steps)} (not one stride)")
    if steps:
        stride = min(steps)
    else:
        stride = s
        notes.append("no two successive lines: stride taken from the formula")
    lines_total = n if op.transposed else m
    formula_before, formula_after = axis.pad_before, axis.pad_after
    wanted = {
        # with one tap there is no gap to count: d - 1 is then a statement about nothing
        "zero diagonals between taps": (d - 1, gap - 1) if K > 1 else (0, 0),
        "receptive field": (axis.receptive_field, gap * (K - 1) + 1),
    }
    befores = {stride * i - clean[(context, i)] for context, i in counted_on}
    if len(befores) > 1:
        problems.append(f"first taps imply different padding before: {sorted(befores)}")
    wanted["stride"] = (s, stride)
    wanted["padding before"] = (formula_before, min(befores))
    ref_key = counted_on[len(counted_on) // 2]
    last_pos = clean[ref_key] + stride * (lines_total - 1 - ref_key[1]) + gap * (K - 1)
    if op.transposed:
        tail = m - 1 - last_pos  # output rows after the last input's last tap
        if tail != axis.output_padding - formula_after:
            problems.append(f"output_padding: formula {axis.output_padding}, counted "
                            f"{tail + formula_after} (rows after the last tap {tail} + "
                            f"padding {formula_after})")
        after_text = (f", output_padding {axis.output_padding} (rows after the last tap: "
                      f"{tail} = output_padding - padding)")
    else:
        used = last_pos - (n - 1)
        if not 0 <= formula_after - used < stride:
            problems.append(f"padding after: formula {formula_after}, counted {used} used "
                            f"(+ at most {stride - 1} unused)")
        after_text = (f", padding after {formula_after} (last tap reaches {used} past the "
                      f"input, {formula_after - used} unused < stride)")
    for label, (formula, counted) in wanted.items():
        if formula != counted:
            problems.append(f"{label}: formula {formula}, counted {counted}")
    spacing = count(d - 1, "zero diagonal") + " between taps" if K > 1 else "one tap"
    if single:
        spacing = "spacing not countable"
    word = "lines" if op.ndim > 1 else ("columns" if op.transposed else "rows")
    evidence = (f"padding before {formula_before}{after_text}, stride {s}, receptive field "
                f"{axis.receptive_field}, {spacing}; counted on {len(counted_on)} of "
                f"{total_lines} {word}{''.join('; ' + note for note in notes)}")
    return problems, ", ", evidence


def check_formulas(op: Conv, matrix: Any = None) -> CheckResult:
    """6. Output lengths, padding split, receptive field and zero diagonals between taps (formulas
    from the geometry, per axis) agree with what is counted in the built matrix; with channels,
    every tap lies in its own (output, input) channel block (groups).

    Counted on the operator with symbol taps (``matrix`` must then use the op's tap symbols).
    Along each axis, a line is a 1-D operator's row (forward) or column (transposed) -- in N-D
    with the weight, the other axes' taps and the line's other indices fixed; the spacing g of its
    taps gives the zero diagonals g-1 and the receptive field g(K-1)+1; successive lines' first
    taps give the stride and the padding before; the last line gives the padding after (up to the
    s-1 padded samples a stride leaves unused) or, transposed, the output_padding.  With reflect,
    circular or replicate padding the folded border rows can mimic ordinary ones (the matrix alone
    does not determine the geometry there), so only the rows the formulas put inside the input
    are counted; the folded rows are checked by the definition check."""
    name = "formulas"
    skipped = _guard(name, op)
    if skipped:
        return skipped
    probe = symbolic_probe(op)
    m = spatial(probe, "m")
    channels = probe.out_channels
    shape, rows = candidate_rows(probe, matrix)
    if shape[1] != probe.shape[1]:
        return CheckResult(name, False, f"{shape[1]} columns, expected {probe.shape[1]}")
    counted_m = shape[0] // channels
    if counted_m * channels != shape[0] or counted_m != prod(m):
        formula = (f"output length: formula {m[0]}" if op.ndim == 1 else
                   f"output lengths: formula {shape_text(m)} = {prod(m)} rows per channel")
        return CheckResult(name, False, f"{formula}, counted {shape[0]} rows / {channels} "
                                        "channel(s)")
    taps, reason = read_taps(probe, rows)
    if reason:
        return CheckResult(name, False, reason)
    problems: list[str] = []
    channel_text = ""
    if probe.in_channels > 1 or probe.out_channels > 1:
        misplaced, blocks = misplaced_channel(probe, taps)
        if misplaced:
            problems.append(misplaced)
        allowed = probe.out_channels * probe.in_channels // probe.groups
        channel_text = (f"; channels: every tap in its own (output, input) channel block, "
                        f"{len(blocks)} of {probe.out_channels}x{probe.in_channels} blocks "
                        f"non-zero (groups={probe.groups} allows {allowed})")
    texts = []
    for a in range(op.ndim):
        lines, reason = tap_lines(probe, taps, a)
        if reason:
            return CheckResult(name, False, "; ".join(problems + [reason]))
        axis_problems, separator, text = _axis_formulas(op, probe, a, lines)
        where = "" if op.ndim == 1 else f"axis {a}: "
        problems += [where + problem for problem in axis_problems]
        texts.append((separator, text))
    if op.ndim == 1:
        separator, text = texts[0]
        evidence = f"output length {m[0]} (counted {counted_m} rows){separator}{text}"
    else:
        evidence = (f"output lengths {shape_text(m)} (counted {shape[0]} rows = "
                    f"{count(channels, 'channel')} x {prod(m)}); "
                    + _along(op, [text for _, text in texts]))
    return _fail_or_pass(name, problems, evidence + channel_text)


# ----- 8. numeric -----------------------------------------------------------------------------

def check_numeric(op: Conv, matrix: Any = None, against: str | None = None, seed: int = 0
                  ) -> CheckResult:
    """8. Random values substituted into the candidate operator, compared with an independent NumPy
    evaluation of the definition (``against="torch"``: with PyTorch's convolution instead)."""
    name = "numeric" if against is None else f"numeric_{against}"
    skipped = _guard(name, op)
    if skipped:
        return skipped
    shape, rows = candidate_rows(op, matrix)
    mismatch = _shape_mismatch(name, op, shape)
    if mismatch:
        return mismatch
    x, weights, symbols = random_values(op, seed)
    got = evaluate_rows(rows, x.reshape(-1), symbols)
    if against is None:
        want = numpy_reference(op, x, weights).reshape(-1)
        who = "an independent NumPy loop over the definition"
    elif against == "torch":
        want = torch_reference(op, x, weights).reshape(-1)
        kind = "conv_transpose" if op.transposed else "conv"
        who = f"torch.nn.functional.{kind}{op.ndim}d (float64)"
    else:
        raise SymdilError(f"against must be None or 'torch', got {against!r}")
    if want.shape != got.shape:
        return CheckResult(name, False, f"{who} gives {want.size} outputs, the operator "
                                        f"{got.size}")
    scale = max(1.0, float(np.abs(want).max(initial=0.0)))
    error = np.abs(got - want)
    worst = int(error.argmax()) if error.size else 0
    if error.size and error[worst] > 1e-9 * scale:
        return CheckResult(name, False, f"output {worst} (0-based) is {got[worst]:.12g}, {who} "
                                        f"gives {want[worst]:.12g}")
    return CheckResult(name, True, f"{got.size} outputs with random inputs and taps (seed {seed}) "
                                   f"agree with {who}: max |error| "
                                   f"{float(error.max(initial=0.0)):.1e}")
