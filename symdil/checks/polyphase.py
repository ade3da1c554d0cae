"""Check 5, polyphase: atrous = space-to-batch, and the multiplication count of the sparse form."""

from __future__ import annotations

import itertools
from typing import Any, Sequence

import numpy as np

from ..core.conv import Conv
from . import sparse  # noqa: I001
from .result import CheckResult, along, fail_or_pass, plural, shape_mismatch, symbolic_guard
from .tools import (
    Geometry,
    axes_latex,
    axes_text,
    candidate_rows,
    forward_geometry,
    nonzero,
    num,
    prod,
    spatial,
    symbolic_kernel,
    symbolic_probe,
)

NAME = "polyphase"


def polyphase_rows(geometry: Geometry
                   ) -> tuple[sparse.Sparse, dict[tuple[int, ...], tuple[int, ...]]]:
    """Rows of a forward convolution computed phase by phase: phase r = (r_0, r_1, ...) is
    x~[r_0::d_0, r_1::d_1, ...] of the padded input, an ordinary (dilation 1, stride 1, valid)
    convolution per phase, output i read from phase ((s_a i_a) mod d_a) at position
    ((s_a i_a) div d_a).  Returns (rows, phase -> phase output lengths)."""
    g = geometry
    padded = g.padded
    sources = g.sources()
    m = g.output_length
    needed_per_axis = [sorted({(s * i) % d for i in range(length)})
                       for s, d, length in zip(g.stride, g.dilation, m)]
    n_total = prod(g.n)
    phase_convs, phase_lengths, phase_outputs = {}, {}, {}
    for r in itertools.product(*needed_per_axis):
        lengths = tuple(len(range(ra, pa, d)) for ra, pa, d in zip(r, padded, g.dilation))
        conv = g.conv(n=lengths, stride=1, dilation=1, padding=0, padding_mode="zeros")
        phase_convs[r], phase_lengths[r] = conv, lengths
        phase_outputs[r] = spatial(conv, "m")
    # stride 1 reads every row of every phase (built at once); a larger stride only every s-th,
    # built one by one (Conv.row is local), so the work stays that of the strided operator
    every_row = all(stride == 1 for stride in g.stride)
    out_shape = (g.out_channels, *m)
    o, *i = sparse.unflat(np.arange(prod(out_shape), dtype=np.int64), out_shape)
    q = [s * ia // d for s, ia, d in zip(g.stride, i, g.dilation)]
    r_all = [s * ia % d for s, ia, d in zip(g.stride, i, g.dilation)]
    lookups = [np.asarray([-1 if src is None else src for src in srcs], dtype=np.int64)
               for srcs in sources]
    parts = []
    for r, conv in phase_convs.items():
        mine = np.ones(len(o), dtype=bool)
        for ra, r_axis in zip(r, r_all):
            mine &= r_axis == ra
        outputs = np.flatnonzero(mine)
        if not len(outputs):
            continue
        flat = sparse.flat([o[outputs], *[qa[outputs] for qa in q]],
                           (g.out_channels, *phase_outputs[r]))
        if every_row:
            picked = sparse.take_rows(sparse.of_conv(conv), flat)
        else:
            picked = sparse.from_rows([conv.row(f) for f in flat.tolist()],
                                      (len(flat), conv.shape[1]))
        c, *u = sparse.unflat(picked.col, (g.in_channels, *phase_lengths[r]))
        keep = np.ones(len(c), dtype=bool)
        j = []
        for lookup, ra, d, ua in zip(lookups, r, g.dilation, u):
            ja = lookup[ra + d * ua]
            keep &= ja >= 0
            j.append(ja)
        parts.append((outputs[picked.row[keep]],
                      c[keep] * n_total + sparse.flat([ja[keep] for ja in j], g.n),
                      picked.value[keep]))
    shape = (prod(out_shape), g.in_channels * n_total)
    if not parts:
        return sparse.build(shape, np.zeros(0), np.zeros(0), sparse.objects([])), phase_outputs
    rows = sparse.build(shape, np.concatenate([p[0] for p in parts]),
                        np.concatenate([p[1] for p in parts]),
                        np.concatenate([p[2] for p in parts]))
    return rows, phase_outputs


def multiplication_count(geometry: Geometry, keep: Sequence[int] | None = None
                         ) -> tuple[int, int, int]:
    """(prod(m_a K_a) * C_out * C_in/g, taps landing in zero padding, taps folded onto a column
    another tap of the same row already uses), by index arithmetic over rows i_a < keep_a.

    A row's taps are the product of its per-axis taps, so every count is a product over the axes
    of per-axis sums: taps present (not in zero padding) and distinct columns."""
    g = geometry
    sources = g.sources()
    rows = g.output_length if keep is None else tuple(keep)
    total = present = distinct = g.out_channels * (g.in_channels // g.groups)
    for src, s, d, k, length in zip(sources, g.stride, g.dilation, g.kernel_size, rows):
        axis_present = axis_distinct = 0
        for i in range(length):
            cols = [src[s * i + d * t] for t in range(k)]
            found = [c for c in cols if c is not None]
            axis_present += len(found)
            axis_distinct += len(set(found))
        total *= k * length
        present *= axis_present
        distinct *= axis_distinct
    return total, total - present, present - distinct


def check_polyphase(op: Conv, matrix: Any = None) -> CheckResult:
    """5. Atrous = space-to-batch: the dilation-d convolution equals prod(d_a) ordinary
    convolutions on the interleaved phases of the padded input (phase r: x~[r_0::d_0, r_1::d_1,
    ...]), re-interleaved (stride s: output i from phase ((s_a i_a) mod d_a)).  Phases are taken of
    the *padded* input, so every padding mode is covered.  The sparse form's multiplication count
    m*K (per axis, times the channel pairs) is checked against the non-zeros: nnz = m*K - (taps in
    zero padding) - (taps folded onto a shared column).  A transposed op is checked through its
    transpose (a forward convolution)."""
    name = NAME
    skipped = symbolic_guard(name, op)
    if skipped:
        return skipped
    geometry = forward_geometry(op)
    shape, rows = candidate_rows(op, matrix)
    mismatch = shape_mismatch(name, op, shape)
    if mismatch:
        return mismatch
    candidate = sparse.from_rows(rows, shape)
    if op.transposed:
        candidate = sparse.transpose(candidate)
        shape = (shape[1], shape[0])
    keep = spatial(op, "n") if op.transposed else geometry.output_length
    phase, phase_outputs = polyphase_rows(geometry)
    if op.transposed:
        # rows with i_a < keep_a along every axis, of every output channel
        lead = (geometry.out_channels, *keep)
        o, *i = sparse.unflat(np.arange(prod(lead), dtype=np.int64), lead)
        phase = sparse.take_rows(phase, sparse.flat([o, *i], (geometry.out_channels,
                                                              *geometry.output_length)))
    phase = sparse.Sparse(shape, phase.row, phase.col, phase.value)
    problems = []
    ok, message = sparse.compare(candidate, phase, "the polyphase form")
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
    # the non-zero entries of M itself (zero taps and folded taps that cancel leave fewer than
    # the structural count below): the number the sentence states is this count
    matrix_nonzeros = sum(1 for row in rows for value in row.values() if nonzero(value))
    if symbolic_kernel(op) or matrix is None:
        # counted with symbol taps: numeric taps could cancel or be zero
        # (a transpose has the same number of non-zeros)
        nonzeros = (candidate.nonzeros if symbolic_kernel(op) else
                    sum(len(row) for row in symbolic_probe(op).rows))
        if nonzeros != total - cut - merged:
            problems.append(f"non-zeros {nonzeros} != m*K*channels - cut - merged = {total} - {cut}"
                            f" - {merged}")
        if matrix_nonzeros > nonzeros:
            problems.append(f"M has {matrix_nonzeros} non-zeros, more than the {nonzeros} "
                            f"positions the taps reach")
        vanished = nonzeros - matrix_nonzeros
        counted = (f"{nonzeros} = {total} - {cut} in zero padding - {merged} folded entries with "
                   f"symbol taps; M has {matrix_nonzeros} non-zeros")
        if vanished:
            counted += (f" ({vanished} {plural(vanished, 'vanishes', 'vanish')}: zero taps or "
                        "folded taps that cancel)")
    else:
        counted = "non-zeros not counted (a given matrix with numeric taps may cancel entries)"
    who = "of the transpose " if op.transposed else ""
    # outputs read from each phase: output i comes from phase (s_a i_a) mod d_a
    # (a transposed op keeps only the transpose's first n_a rows: those are the ones counted)
    read_per_axis = [{r: reads for r in lengths
                      if (reads := sum(1 for i in range(length) if (sa * i) % da == r))}
                     for lengths, sa, da, length in zip(per_axis, s, d, keep)]
    splits = [", ".join(f"phase {r}: {reads[r]}" for r in sorted(reads))
              for reads in read_per_axis]
    phases = prod(d)
    used = "" if len(phase_outputs) == phases else f", {len(phase_outputs)} used"
    spans = [da * (k - 1) + 1 for da, k in zip(d, K)]
    zero_inserted_count = total // prod(K) * prod(spans)
    if op.ndim == 1:
        noun = plural(d[0], "phase", "phases")
        head = f"{d[0]} {noun} {who}of the padded input{used} ({splits[0]} outputs read"
        read = "" if s[0] == 1 else ", output i read at (s*i) div d of phase (s*i) mod d"
    else:
        head = (f"{phases} phases (d = {axes_text(d)}) {who}of the padded input{used} (outputs "
                f"read per axis: {along(op, splits)}")
        read = ("" if set(s) == {1} else
                ", output i read at (s_a i_a) div d_a of phase ((s_a i_a) mod d_a)")
    evidence = (f"{head}{read}); sparse form: {total} multiplications (m*K per channel pair), the "
                f"same as dilation 1 (zero-inserted kernel: {zero_inserted_count}); "
                f"{'' if counted.startswith('non-zeros') else 'entries '}{counted}")
    phase_word = plural(phases, "phase", "phases")
    if op.ndim == 1:
        reads = read_per_axis[0]
        split_latex = ", ".join(f"${num(reads[r])}$ from $r = {num(r)}$" for r in sorted(reads))
        transpose_latex = "of the transpose " if who else ""
        if d[0] == 1:
            head_latex = (f"The dilation-$1$ convolution {transpose_latex}is one ordinary "
                          f"convolution of the padded input $\\tilde a$ (a single phase, so this "
                          f"check is trivial at $d = 1$; ${num(reads[0])}$ "
                          f"{plural(reads[0], 'output', 'outputs')} read)")
        else:
            residues = (", ".join(num(r) for r in range(d[0])) if d[0] <= 3
                        else f"0, 1, \\ldots, {num(d[0] - 1)}")
            head_latex = (f"The dilation-${num(d[0])}$ convolution {transpose_latex}equals "
                          f"${num(phases)}$ ordinary convolutions on the phases "
                          f"$\\tilde a_{{r}}, \\tilde a_{{r+{num(d[0])}}}, "
                          f"\\tilde a_{{r+{num(2 * d[0])}}}, \\ldots$ "
                          f"($r = {residues}$) "
                          f"of the padded input (outputs read: {split_latex})")
        read_latex = ("" if s[0] == 1 else
                      f", output $i$ read at position ${num(s[0])} i$" if d[0] == 1 else
                      f", output $i$ read at $\\lfloor {num(s[0])} i/{num(d[0])} \\rfloor$ of "
                      f"phase ${num(s[0])} i \\bmod {num(d[0])}$")
    else:
        head_latex = (f"The dilation-${axes_latex(d)}$ convolution "
                      f"{'of the transpose ' if who else ''}equals ${num(phases)}$ ordinary "
                      f"{plural(phases, 'convolution', 'convolutions')} on the {phase_word} of "
                      f"the padded input")
        read_latex = ("" if set(s) == {1} else
                      ", output $i$ read at $\\lfloor s_a i_a/d_a \\rfloor$ of phase "
                      "$s_a i_a \\bmod d_a$ along each axis")
    if counted.startswith("non-zeros not counted"):
        count_latex = (" (a given matrix with numeric taps may cancel entries: non-zeros not "
                       "counted)")
    else:
        vanished = nonzeros - matrix_nonzeros
        if vanished:
            tail = (f", of which ${num(matrix_nonzeros)}$ are non-zero in $M$ (the other "
                    f"${num(vanished)}$ {plural(vanished, 'vanishes', 'vanish')}: zero taps or "
                    "folded taps that cancel)")
        else:
            tail = f", all ${num(matrix_nonzeros)}$ of them non-zero in $M$"
        count_latex = (f"; the sparse form has ${num(total)} - {num(cut)} - {num(merged)} = "
                       f"{num(nonzeros)}$ {plural(nonzeros, 'entry', 'entries')} ($mK$ "
                       f"multiplications per channel pair, less the taps in zero padding and the "
                       f"taps folded onto a shared column){tail}")
    latex = f"{head_latex}{read_latex}{count_latex}."
    return fail_or_pass(name, problems, evidence, latex)
