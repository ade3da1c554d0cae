"""Check 6, formulas against counts: lengths, padding, stride, receptive field and zero diagonals
read from the geometry agree with what is counted in the matrix, tap by tap."""

from __future__ import annotations

from typing import Any, NamedTuple, Sequence

import sympy

from ..conv import Conv
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
    unflat_index,
)

NAME = "formulas"


class Tap(NamedTuple):
    """One kernel tap found in a matrix entry: its weight (lead = position of its (out, in) or
    (in, out) channel pair in the weight layout), its index per axis in padded order (flip undone),
    and where it sits: output channel and index, input channel and index."""

    term: Any
    lead: int
    u: tuple[int, ...]
    out_channel: int
    i: tuple[int, ...]
    in_channel: int
    j: tuple[int, ...]


def read_taps(op: Conv, rows: Rows) -> tuple[list[Tap], str]:
    """Every tap of ``rows`` (the operator of ``op``, whose taps must be distinct symbols); an
    entry that is not a sum of distinct taps gives ([], the reason)."""
    ksizes = tuple(axis.kernel_size for axis in op.axes)
    per_weight = prod(ksizes)
    index = {symbol: w for w, symbol in enumerate(op.kernel)}
    out_shape, in_shape = op.output_shape, op.input_shape
    # each distinct coefficient is expanded and read once, each column unflattened once
    read: dict[Any, list[tuple[Any, int, tuple[int, ...]]] | None] = {}
    columns: dict[int, tuple[int, tuple[int, ...]]] = {}
    taps = []
    for r, row in enumerate(rows):
        o, *i = unflat_index(r, out_shape)
        i = tuple(i)
        for col, coef in row.items():
            found = read.get(coef, False)
            if found is False:
                terms = sympy.Add.make_args(sympy.expand(coef))
                if any(term not in index for term in terms):
                    found = None
                else:
                    found = []
                    for term in terms:
                        lead, rest = divmod(index[term], per_weight)
                        t = unflat_index(rest, ksizes)
                        u = tuple(k - 1 - ta for k, ta in zip(ksizes, t)) if op.flip else t
                        found.append((term, lead, u))
                read[coef] = found
            if found is None:
                return [], (f"entry (row {r}, column {col}) (0-based) = {coef} is not a sum of "
                            "distinct taps")
            place = columns.get(col)
            if place is None:
                c, *j = unflat_index(col, in_shape)
                place = columns[col] = (c, tuple(j))
            for term, lead, u in found:
                taps.append(Tap(term, lead, u, o, i, place[0], place[1]))
    return taps, ""


def tap_lines(op: Conv, taps: Sequence[Tap], axis: int
              ) -> tuple[dict[tuple, dict[int, int]], str]:
    """The lines along ``axis``: key (context, line index) -> {tap index u_a: position}.

    A line is an output row of a forward op (positions: input indices along the axis) or an input
    column of a transposed op (positions: output indices); in N-D the context fixes the weight,
    the taps along the other axes and the line's indices along the other axes, so each line is a
    1-D operator's row.  A tap found twice in a line gives ({}, the reason)."""
    lines: dict[tuple, dict[int, int]] = {}
    for tap in taps:
        line, pos = (tap.j, tap.i) if op.transposed else (tap.i, tap.j)
        context = (tap.lead, tap.u[:axis] + tap.u[axis + 1:], line[:axis] + line[axis + 1:])
        key = (context, line[axis])
        found = lines.setdefault(key, {})
        if tap.u[axis] in found:
            return {}, f"tap {tap.term} appears twice in line {key[1]} (0-based)"
        found[tap.u[axis]] = pos[axis]
    return lines, ""


def misplaced_channel(op: Conv, taps: Sequence[Tap]) -> tuple[str, set]:
    """The first tap outside the (output, input) channel block its weight belongs to under the
    groups rule ("" if none), and the set of non-zero blocks."""
    per_in, per_out = op.in_channels // op.groups, op.out_channels // op.groups
    blocks = set()
    for tap in taps:
        if op.transposed:
            c, local_out = divmod(tap.lead, per_out)
            o = (c // per_in) * per_out + local_out
        else:
            o, local_in = divmod(tap.lead, per_in)
            c = (o // per_out) * per_in + local_in
        blocks.add((tap.out_channel, tap.in_channel))
        if (tap.out_channel, tap.in_channel) != (o, c):
            return (f"tap {tap.term} sits in the block (output channel {tap.out_channel}, input "
                    f"channel {tap.in_channel}); with groups={op.groups} it belongs to "
                    f"({o}, {c})"), blocks
    return "", blocks


def tap_gaps(taps: dict[int, int]) -> set:
    """Distance between successive taps of one line, per tap step."""
    us = sorted(taps)
    return {(taps[b] - taps[a]) / (b - a) for a, b in zip(us, us[1:])}


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
