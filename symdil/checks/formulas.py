"""Check 6, formulas against counts: lengths, padding, stride, receptive field and zero diagonals
read from the geometry agree with what is counted in the matrix, tap by tap."""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple, Sequence

import numpy as np
import sympy

from ..core.conv import Conv
from .result import CheckResult, along, fail_or_pass, plural, symbolic_guard
from .tools import (
    Rows,
    candidate_rows,
    count,
    num,
    prod,
    shape_latex,
    shape_text,
    spatial,
    symbolic_probe,
)

NAME = "formulas"


class Taps(NamedTuple):
    """Every kernel tap found in the matrix entries, one array element per tap (in row order,
    then column order, then the order of the terms in the entry): its weight (``term``: position
    in ``op.kernel``; ``lead``: position of its (out, in) or (in, out) channel pair in the weight
    layout), its index per axis in padded order (``u``, flip undone), and where it sits: output
    channel and index (``i``, one array per axis), input channel and index (``j``)."""

    term: np.ndarray
    lead: np.ndarray
    u: tuple[np.ndarray, ...]
    out_channel: np.ndarray
    i: tuple[np.ndarray, ...]
    in_channel: np.ndarray
    j: tuple[np.ndarray, ...]


def read_taps(op: Conv, rows: Rows) -> tuple[Taps | None, str]:
    """Every tap of ``rows`` (the operator of ``op``, whose taps must be distinct symbols); an
    entry that is not a sum of distinct taps gives (None, the reason).

    Each distinct coefficient is expanded and read once with SymPy; the positions are then
    integer arrays (NumPy), so the work per entry is a dictionary look-up."""
    ksizes = tuple(axis.kernel_size for axis in op.axes)
    per_weight = prod(ksizes)
    index = {symbol: w for w, symbol in enumerate(op.kernel)}
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    total = int(lengths.sum())
    columns = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=total)
    values = np.fromiter(itertools.chain.from_iterable(row.values() for row in rows),
                         dtype=object, count=total)
    # one code per distinct coefficient object (equal objects read alike, so reading an equal
    # one twice changes nothing)
    ids = np.fromiter(map(id, values), dtype=np.uint64, count=total)
    _, first_of, coded = np.unique(ids, return_index=True, return_inverse=True)
    coded = coded.reshape(-1).astype(np.int64)
    row_of = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    terms_of: list[list[int] | None] = []
    for coef in values[first_of].tolist():
        terms = sympy.Add.make_args(sympy.expand(coef))
        terms_of.append(None if any(term not in index for term in terms)
                        else [index[term] for term in terms])
    unreadable = [code for code, terms in enumerate(terms_of) if terms is None]
    if unreadable:
        first = int(np.flatnonzero(np.isin(coded, unreadable))[0])
        r, col = int(row_of[first]), int(columns[first])
        return None, (f"entry (row {r}, column {col}) (0-based) = {rows[r][col]} is not a sum "
                      "of distinct taps")
    counts = np.asarray([len(terms) for terms in terms_of], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    flat_terms = np.asarray([t for terms in terms_of for t in terms], dtype=np.int64)
    per_entry = counts[coded] if len(coded) else np.zeros(0, dtype=np.int64)
    entry = np.repeat(np.arange(len(coded), dtype=np.int64), per_entry)
    # position of each tap among its entry's terms
    within = np.arange(len(entry), dtype=np.int64) - np.repeat(
        np.cumsum(per_entry) - per_entry, per_entry)
    term = flat_terms[offsets[coded[entry]] + within] if len(entry) else entry
    lead, rest = np.divmod(term, per_weight)
    t = unflat_arrays(rest, ksizes)
    u = tuple(k - 1 - ta for k, ta in zip(ksizes, t)) if op.flip else t
    out_channel, *i = unflat_arrays(row_of[entry], op.output_shape)
    in_channel, *j = unflat_arrays(columns[entry], op.input_shape)
    return Taps(term, lead, u, out_channel, tuple(i), in_channel, tuple(j)), ""


def unflat_arrays(flat: np.ndarray, shape: Sequence[int]) -> tuple[np.ndarray, ...]:
    """The multi-indices of row-major flat positions, one array per axis."""
    index = []
    for size in reversed(shape[1:]):
        flat, rem = np.divmod(flat, size)
        index.append(rem)
    index.append(flat)
    return tuple(reversed(index))


def order_codes(columns: Sequence[np.ndarray]) -> np.ndarray:
    """One integer per element whose order is the lexicographic order of ``columns`` (equal codes
    for equal tuples); ranks are compressed whenever the product of the ranges grows large."""
    code = np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    span = 1
    for column in columns:
        if not len(column):
            return code
        low, high = int(column.min()), int(column.max())
        width = high - low + 1
        if span * width >= 2 ** 62:
            _, code = np.unique(code, return_inverse=True)
            code = code.astype(np.int64).reshape(-1)
            span = int(code.max()) + 1
            if span * width >= 2 ** 62:  # pragma: no cover - beyond any guarded size
                raise OverflowError("too many distinct lines")
        code = code * width + (column - low)
        span *= width
    return code


class Lines(NamedTuple):
    """The lines along one axis: each tap's line (``key``: order code of (context, line index);
    ``context``: code of the context alone; ``index``: the line's index along the axis), its tap
    index ``u`` along the axis and its position ``pos`` along the axis."""

    key: np.ndarray
    context: np.ndarray
    index: np.ndarray
    u: np.ndarray
    pos: np.ndarray


def tap_lines(op: Conv, taps: Taps, axis: int) -> tuple[Lines | None, str]:
    """The lines along ``axis``, tap by tap.

    A line is an output row of a forward op (positions: input indices along the axis) or an input
    column of a transposed op (positions: output indices); in N-D the context fixes the weight,
    the taps along the other axes and the line's indices along the other axes, so each line is a
    1-D operator's row.  A tap found twice in a line gives (None, the reason: the first such tap
    in reading order)."""
    line, pos = (taps.j, taps.i) if op.transposed else (taps.i, taps.j)
    others = [b for b in range(len(line)) if b != axis]
    context_columns = [taps.lead, *[taps.u[b] for b in others], *[line[b] for b in others]]
    context = order_codes(context_columns)
    key = order_codes([context, line[axis]])
    place = order_codes([key, taps.u[axis]])
    order = np.argsort(place, kind="stable")
    repeated = order[1:][place[order[1:]] == place[order[:-1]]]
    if len(repeated):
        first = int(repeated.min())
        return None, (f"tap {op.kernel[int(taps.term[first])]} appears twice in line "
                      f"{int(line[axis][first])} (0-based)")
    return Lines(key, context, line[axis], taps.u[axis], pos[axis]), ""


def misplaced_channel(op: Conv, taps: Taps) -> tuple[str, int]:
    """The first tap outside the (output, input) channel block its weight belongs to under the
    groups rule ("" if none), and the number of non-zero blocks."""
    per_in, per_out = op.in_channels // op.groups, op.out_channels // op.groups
    if op.transposed:
        c, local_out = np.divmod(taps.lead, per_out)
        o = (c // per_in) * per_out + local_out
    else:
        o, local_in = np.divmod(taps.lead, per_in)
        c = (o // per_out) * per_in + local_in
    blocks = len(np.unique(order_codes([taps.out_channel, taps.in_channel])))
    wrong = np.flatnonzero((taps.out_channel != o) | (taps.in_channel != c))
    if len(wrong):
        k = int(wrong[0])
        return (f"tap {op.kernel[int(taps.term[k])]} sits in the block (output channel "
                f"{int(taps.out_channel[k])}, input channel {int(taps.in_channel[k])}); with "
                f"groups={op.groups} it belongs to ({int(o[k])}, {int(c[k])})"), blocks
    return "", blocks


def _distinct(values: np.ndarray) -> list:
    """The distinct values, in increasing order, as Python numbers."""
    values = np.sort(values)
    if len(values):
        values = values[np.concatenate(([True], values[1:] != values[:-1]))]
    return values.tolist()


def _axis_formulas(op: Conv, probe: Conv, a: int, lines: Lines) -> tuple[list[str], str, str]:
    """The formulas along axis ``a`` counted on its lines: (problems, separator, evidence)."""
    axis = probe.axes[a]
    K, s, d, n, m = axis.kernel_size, axis.stride, axis.dilation, axis.n, axis.output_length
    problems: list[str] = []
    notes = []
    # the taps of each line in tap order: sorted by (line, u)
    order = np.lexsort((lines.u, lines.key))
    lines = Lines(*(field[order] for field in lines))
    total_lines = int(np.count_nonzero(lines.key[1:] != lines.key[:-1])) + 1 if len(lines.key) \
        else 0
    if axis.padding_mode != "zeros" and not op.transposed:
        # a folded border row can look like an ordinary one (e.g. replicate with K = 1), so the
        # geometry is counted on the rows the formulas put inside the input; the folded border
        # rows are the definition check's business
        first = s * lines.index - axis.pad_before
        inside = (0 <= first) & (first + d * (K - 1) <= n - 1)
        lines = Lines(*(field[inside] for field in lines))
        notes.append("folded border rows left to the definition check")
    if not len(lines.key):
        # every tap lands in the padding or is cropped: only the shape can be counted
        return [], "; ", "the matrix has no unfolded tap to count on"
    key, context, index, u, pos = lines
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    single = K > 1 and len(starts) == len(key)
    if single and op.ndim == 1:
        return [], "; ", ("no line holds two taps, so spacing, stride and padding are not "
                          "countable in so small an operator")
    # distance between successive taps of one line, per tap step
    same_line = key[1:] == key[:-1]
    spacings = _distinct((pos[1:] - pos[:-1])[same_line] / (u[1:] - u[:-1])[same_line])
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
    # where tap 0 of each line sits (may lie in the padding); the lines in sorted order
    clean = pos[starts] - gap * u[starts]
    line_context, line_index = context[starts], index[starts]
    successive = (line_context[1:] == line_context[:-1]) & (line_index[1:] == line_index[:-1] + 1)
    steps = _distinct((clean[1:] - clean[:-1])[successive])
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
    befores = _distinct(stride * line_index - clean)
    if len(befores) > 1:
        problems.append(f"first taps imply different padding before: {sorted(befores)}")
    wanted["stride"] = (s, stride)
    wanted["padding before"] = (formula_before, min(befores))
    counted_on = len(starts)
    middle = counted_on // 2
    ref_clean, ref_index = int(clean[middle]), int(line_index[middle])
    last_pos = ref_clean + stride * (lines_total - 1 - ref_index) + gap * (K - 1)
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
                f"{axis.receptive_field}, {spacing}; counted on {counted_on} of "
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
    name = NAME
    skipped = symbolic_guard(name, op)
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
                        f"{blocks} of {probe.out_channels}x{probe.in_channels} blocks "
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
                    + along(op, [text for _, text in texts]))
    return fail_or_pass(name, problems, evidence + channel_text,
                        _formulas_latex(op, probe, counted_m, channels))


def _formulas_latex(op: Conv, probe: Conv, rows: int, channels: int) -> str:
    """The sentence for documents: what the formulas give and that the matrix shows it."""
    axes = probe.axes
    m = [axis.output_length for axis in axes]
    parts = []
    for a, axis in enumerate(axes):
        where = f"along axis ${a}$: " if op.ndim > 1 else ""
        gaps = axis.dilation - 1
        zeros = (f", ${num(gaps)}$ {plural(gaps, 'zero diagonal', 'zero diagonals')} between taps"
                 if axis.kernel_size > 1 else "")
        extra = (f", output padding ${num(axis.output_padding)}$" if op.transposed else "")
        parts.append(f"{where}padding $({num(axis.pad_before)}, {num(axis.pad_after)})$, stride "
                     f"${num(axis.stride)}$, receptive field $d(K-1)+1 = "
                     f"{num(axis.receptive_field)}${zeros}{extra}")
    lengths = (f"output length $m = {num(m[0])}$" if op.ndim == 1 else
               f"output lengths ${shape_latex(m)}$")
    blocks = ""
    if probe.in_channels > 1 or probe.out_channels > 1:
        blocks = (f"; every tap lies in its own (output, input) channel block "
                  f"($\\text{{groups}} = {num(probe.groups)}$)")
    return (f"The formulas give {lengths} and {'; '.join(parts)}; the matrix shows the same, "
            f"counted tap by tap on its ${num(rows * channels)}$ rows{blocks}.")
