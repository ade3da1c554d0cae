"""The window figure: which samples of the (padded) input an output reads, two outputs in a row.

1-D: two panels, one per output (``y_i`` and ``y_{i+1}``, so the stride shows as the shift of the
taps); each has the input row with its padding cells (``0`` for zeros; for a padding mode the
sample it copies, e.g. ``a_1`` for reflect), the K taps of the output coloured with their kernel
labels (the dilation gaps are the cells between them), arrows from the taps to the output cell,
and the output row.  2-D: the same as grids, side by side (input grid with its padding ring, the
kernel footprint with its holes, the output grid).  Transposed: the zero-insertion view -- the
inputs ``s`` apart with ``s - 1`` zeros between them, padded by ``d(K-1) - p`` (plus the output
padding after) and read by the kernel reversed at stride 1, which is exactly ``conv_transpose``.

Where each tap lands comes from the geometry (``AxisView``); before a panel is drawn, its taps are
grouped by input column and compared with ``Conv.row`` -- the rows the checks examine -- so a
figure that disagrees with the operator is never drawn.  Long axes are elided around the drawn
windows (first and last positions, ellipses), so the cost depends on K, not on n.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Sequence

import sympy

from ..core.conv import Conv
from ..core.operator import fold_index
from ..core.spec import Axis, SymdilError, plain_int
from ..layout.elision import MARKER
from ..render.printer import latex, sum_latex
from .model import SMALL_RATIO, Cell, Edge, Figure, Label, Note, tap_fill

#: Visible positions of the input view per axis (counting ellipses) when it must be elided.
LIMIT_1D = 18
LIMIT_2D = 11
#: Outputs shown per axis in the output row/grid (counting ellipses).
OUTPUT_LIMIT_1D = 9
OUTPUT_LIMIT_2D = 6
#: The fewest positions per axis a window figure drawn for a narrow width shows.
MIN_LIMIT = 5
#: The narrowest cell (units; a cell is one unit high): room for ``a_{10}`` at full size, and
#: nine cells to a two-column paper's column.
MIN_CELL = 0.85
#: Window figures draw every tap: kernels larger than this per axis are refused.
MAX_TAPS = 12


@dataclass(frozen=True)
class AxisView:
    """One axis seen as a stride-``step`` correlation over a row of ``length`` view positions.

    Forward: the input padded by ``pad_before``/``pad_after`` (``offset = pad_before``).
    Transposed: the zero-inserted input (samples ``s`` apart) padded by ``d(K-1) - p`` before
    (``offset``; negative means that many zero-inserted positions are cut), read at stride 1.
    """

    axis: Axis
    length: int
    step: int
    offset: int

    @staticmethod
    def of(axis: Axis) -> "AxisView":
        span = axis.dilation * (axis.kernel_size - 1)
        if axis.transposed:
            return AxisView(axis, axis.output_length + span, 1, span - axis.pad_before)
        return AxisView(axis, axis.n + axis.pad_before + axis.pad_after, axis.stride,
                        axis.pad_before)

    def content(self, u: int) -> tuple[str, int | None]:
        """What view position ``u`` holds: ``("input", j)``, ``("mode", j)`` (a padding cell
        copying sample j), ``("zero", None)`` (zero padding) or ``("inserted", None)``."""
        axis = self.axis
        if axis.transposed:
            v = u - self.offset
            if v >= 0 and v % axis.stride == 0 and v // axis.stride < axis.n:
                return "input", v // axis.stride
            inside = 0 <= v <= (axis.n - 1) * axis.stride
            return ("inserted" if inside else "zero"), None
        j = u - self.offset
        if 0 <= j < axis.n:
            return "input", j
        folded = fold_index(axis, j)
        return ("zero", None) if folded is None else ("mode", folded)

    def taps(self, o: int) -> list[int]:
        """View positions of output ``o``'s taps, in geometric order t = 0..K-1."""
        return [self.step * o + self.axis.dilation * t for t in range(self.axis.kernel_size)]

    def kernel_index(self, t: int) -> int:
        """The kernel index of geometric tap ``t`` (the transposed view reads the kernel
        reversed; ``flip`` reverses it once more)."""
        last = self.axis.kernel_size - 1
        reverse = self.axis.flip != self.axis.transposed
        return last - t if reverse else t


def visible_positions(length: int, wanted: Sequence[int], limit: int) -> list:
    """All of ``range(length)`` when it fits ``limit``; else the wanted positions, their
    neighbours, the first and the last, with MARKER for every longer gap (a gap of one position
    is shown rather than replaced by an ellipsis)."""
    if length <= limit:
        return list(range(length))
    keep = {0, length - 1}
    for u in wanted:
        keep.update(v for v in (u - 1, u, u + 1) if 0 <= v < length)
    ordered = sorted(keep)
    out: list = []
    for previous, current in zip([None] + ordered, ordered):
        if previous is not None:
            gap = current - previous - 1
            if gap == 1:
                out.append(previous + 1)
            elif gap > 1:
                out.append(MARKER)
        out.append(current)
    return out


def _around(size: int, focus: Sequence[int], limit: int) -> list:
    """Output indices shown: all when they fit, else the focus, its neighbours, first and last."""
    return visible_positions(size, focus, limit)


def check_window(op: Conv) -> None:
    """Raise SymdilError unless a window figure can be drawn for ``op``."""
    if op.symbolic:
        raise SymdilError("figures need a concrete n (the general case has no finite picture), "
                          f"got n = {op.axes[0].n}")
    if op.ndim > 2:
        raise SymdilError(f"window figures are drawn for 1-D and 2-D operators, got {op.ndim}-D; "
                          "use --kind matrix")
    if op.in_channels > 1 or op.out_channels > 1:
        raise SymdilError("window figures show one channel, got in_channels="
                          f"{op.in_channels}, out_channels={op.out_channels}; use --kind matrix")
    for axis in op.axes:
        if axis.kernel_size > MAX_TAPS:
            raise SymdilError(f"window figures draw every tap: kernel size must be at most "
                              f"{MAX_TAPS} per axis, got {axis.kernel_size}; use --kind matrix")


def _focus(op: Conv, at: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The two consecutive outputs drawn: ``at`` and the next one along the last axis (or along
    the first axis when the last has a single output).  ``at`` defaults, on every axis, to the
    first output whose window and the next one's read only inputs (an interior output; 0 when
    there is none), so the default figure shows the pattern rather than the border."""
    lengths = [axis.output_length for axis in op.axes]
    at = plain_int(at)  # numpy.int64(2) is output 2
    if at is None:
        at = tuple(_interior_output(axis) for axis in op.axes)
    elif isinstance(at, int):
        at = (at,) * op.ndim
    elif not isinstance(at, (tuple, list)):
        raise SymdilError(f"at must be an output index or one per axis, got {at!r}")
    at = tuple(plain_int(i) for i in at)
    shown = ",".join(map(str, at))
    if len(at) != op.ndim or any(isinstance(i, bool) or not isinstance(i, int) for i in at):
        raise SymdilError(f"at must be {op.ndim} output index(es) (one per axis), got {shown}")
    for a, (i, m) in enumerate(zip(at, lengths)):
        if not 0 <= i < m:
            where = f" on axis {a}" if op.ndim > 1 else ""
            raise SymdilError(f"at must be an output index in [0, {m}){where}, got {shown}")
    second = list(at)
    for axis in reversed(range(op.ndim)):
        if at[axis] + 1 < lengths[axis]:
            second[axis] += 1
            return at, tuple(second)
    # the last output (or a single one): the previous one along the last axis that has one
    for axis in reversed(range(op.ndim)):
        if at[axis] > 0:
            second[axis] -= 1
            return tuple(second), at
    return at, at


#: Outputs examined for an interior default focus: the first interior output of a forward axis
#: is at most ceil(p_before / s); a transposed one's within the kernel span of the start.
INTERIOR_SEARCH = 64


def _interior_output(axis: Axis) -> int:
    """The first output ``o`` (O(1) candidates, each O(K)) whose taps, and output ``o + 1``'s
    when there is one, read no padding; else the first that reads none; else 0."""
    view = AxisView.of(axis)
    last = axis.output_length - 1

    def inside(o: int) -> bool:  # no padding read (inserted zeros are the transposed reading)
        return all(0 <= u < view.length and view.content(u)[0] in ("input", "inserted")
                   for u in view.taps(o))

    start = 0 if axis.transposed else -(-view.offset // view.step)
    candidates = range(start, min(last, start + INTERIOR_SEARCH) + 1)
    single = None
    for o in candidates:
        if inside(o):
            if o == last or inside(o + 1):
                return o
            single = o if single is None else single
    return 0 if single is None else single


def _flat(index: Sequence[int], sizes: Sequence[int]) -> int:
    flat = 0
    for i, size in zip(index, sizes):
        flat = flat * size + i
    return flat


def _check_against_row(op: Conv, row: int, hits: dict[int, list[int]]) -> None:
    """The drawn taps, grouped by column, must be the operator's row (else nothing is drawn)."""
    kernel = op.kernel
    drawn = {}
    for col, taps in hits.items():
        value = sympy.Add(*[kernel[t] for t in taps])
        if value != 0:
            drawn[col] = value
    actual = {col: coef for col, coef in op.row(row).items()}
    if drawn.keys() != actual.keys() or any(
            sympy.expand(drawn[c] - actual[c]) != 0 for c in drawn):
        raise AssertionError(f"window figure disagrees with Conv.row({row}): {drawn} vs {actual}")


def window_figure(op: Conv, at: Any = None, width: float | None = None) -> Figure:
    """The window figure of ``op`` (1-D or 2-D, one channel, concrete n).  ``at``: the first of
    the two consecutive outputs drawn (an int, or one index per axis; default an interior
    output).  ``width`` (cell units): the figure is drawn for it -- fewer positions shown
    (elided around the windows), 2-D panels one above the other -- never scaled down."""
    check_window(op)
    first, second = _focus(op, at)
    outputs = [first] if first == second else [first, second]
    drawn = None
    if op.ndim == 1:
        narrowest = None
        asked = None if at is None else plain_int(at[0] if isinstance(at, (tuple, list)) else at)
        lone = [second] if asked == second[0] else [first]  # the output asked for, if any
        for shown in (outputs, lone):  # two outputs, else one alone
            for limit in range(LIMIT_1D, MIN_LIMIT - 1, -1):
                drawn = _window_1d(op, [o[0] for o in shown], limit)
                if width is None or drawn.width <= width:
                    return drawn
                if narrowest is None or drawn.width < narrowest.width:
                    narrowest = drawn
        return narrowest
    for single in (False, True):
        for limit in range(LIMIT_2D, MIN_LIMIT - 1, -1):
            drawn = _window_2d(op, outputs, limit, single)
            if width is None or drawn.width <= width:
                return drawn
    return drawn


# --------------------------------------------------------------------------------------------
# labels
# --------------------------------------------------------------------------------------------


def _input_label(op: Conv, index: Sequence[int]) -> Label:
    return Label(latex(op.input_symbol_at(_flat(index, [a.n for a in op.axes]))))


def _output_label(op: Conv, index: Sequence[int]) -> Label:
    sizes = [a.output_length for a in op.axes]
    return Label(latex(op.output_symbol_at(_flat(index, sizes))))


def _kernel_label(op: Conv, tap: int) -> Label:
    return Label(latex(op.kernel[tap]))


def _view_cell(op: Conv, views: Sequence[AxisView], position: Sequence[int]) -> tuple[str, Any]:
    """(kind, input index tuple or None) of a view position in every axis."""
    kinds = [view.content(u) for view, u in zip(views, position)]
    if any(kind in ("zero", "inserted") for kind, _ in kinds):
        kind = "inserted" if any(k == "inserted" for k, _ in kinds) and not any(
            k == "zero" for k, _ in kinds) else "zero"
        return kind, None
    index = tuple(j for _, j in kinds)
    return ("mode" if any(k == "mode" for k, _ in kinds) else "input"), index


def _caption(op: Conv) -> str:
    """The parameters drawn (one value per axis, in axis order)."""
    def per_axis(values: Sequence[Any]) -> str:
        return str(values[0]) if len(values) == 1 else "(" + ", ".join(map(str, values)) + ")"

    axes = op.axes
    if axes[0].transposed:
        inserted = [a.stride - 1 for a in axes]
        pads = [a.dilation * (a.kernel_size - 1) - a.pad_before for a in axes]
        text = (f"transposed: stride {per_axis([a.stride for a in axes])} as "
                f"{per_axis(inserted)} zero(s) between inputs, padding d(K−1)−p = "
                f"{per_axis(pads)}")
        if any(a.output_padding for a in axes):
            text += f" (+{per_axis([a.output_padding for a in axes])} after)"
        text += f", dilation {per_axis([a.dilation for a in axes])}"
        return text + (", kernel reversed" if not axes[0].flip else "")
    text = (f"stride {per_axis([a.stride for a in axes])}, dilation "
            f"{per_axis([a.dilation for a in axes])}, padding "
            + " and ".join(f"({a.pad_before}, {a.pad_after})" for a in axes))
    if axes[0].padding_mode != "zeros" and any(a.pad_before or a.pad_after for a in axes):
        text += f" ({axes[0].padding_mode})"
    return text + (", kernel reversed (true convolution)" if axes[0].flip else "")


# --------------------------------------------------------------------------------------------
# 1-D
# --------------------------------------------------------------------------------------------

_ROLE = {"input": "input", "mode": "pad", "zero": "pad", "inserted": "inserted"}


def _input_cell(op: Conv, x: float, y: float, w: float, h: float, kind: str,
                index: Any, tap: tuple[int, int] | None, position: Sequence[int]) -> list[Cell]:
    """The cell of one view position (ids: the column it holds, and for a tap the output row and
    kernel index; ``pos0``, ``pos1``: its position in the padded / zero-inserted view)."""
    ids: tuple = ()
    if index is not None:
        ids = (("col", _flat(index, [a.n for a in op.axes])),)
    label = _input_label(op, index) if index is not None else Label("0")
    fill = "pad" if kind != "input" else "plain"
    strong = False
    if tap is not None:
        row, k = tap
        ids = (("row", row),) + (ids or (("col", None),)) + (("tap", k),)
        fill, strong = tap_fill(k, *_kernel_grid(op)), True
    role = "tap" if tap is not None else _ROLE[kind]
    cells = [Cell(x, y, w, h, role, label, fill, dashed=kind != "input", strong=strong,
                  ids=ids + (("view", kind),)
                  + tuple((f"pos{a}", u) for a, u in enumerate(position)))]
    return cells


def _kernel_grid(op: Conv) -> tuple[int, int]:
    """Taps of one kernel and taps per row of its grid (the colouring's two numbers)."""
    count = 1
    for axis in op.axes:
        count *= axis.kernel_size
    return count, op.axes[-1].kernel_size


def _row_equation(op: Conv, row: int, room: float | None = None) -> list[Label]:
    """``y_0 = k_0 a_0 + k_1 a_2``: output ``row`` from ``Conv.row``, terms in column order;
    on several lines (each but the first starting with its ``+``) when wider than ``room``
    cell units."""
    terms = [(coef, op.input_symbol_at(col)) for col, coef in op.row(row).items()]
    head = latex(op.output_symbol_at(row)) + " = "
    if room is None or Label(head + sum_latex(terms)).width(EM) <= room:
        return [Label(head + sum_latex(terms))]
    lines: list[list] = [[]]
    for term in terms:
        trial = lines[-1] + [term]
        text = (head if len(lines) == 1 else "+ ") + sum_latex(trial)
        if lines[-1] and Label(text).width(EM) > room:
            lines.append([term])
        else:
            lines[-1] = trial
    out = [Label(head + sum_latex(lines[0]))]
    for line in lines[1:]:
        text = sum_latex(line)
        out.append(Label(text if text.startswith("-") else "+ " + text))
    return out


def _cell_width(op: Conv, views: Sequence[AxisView], slots: Sequence[list],
                out_slots: Sequence[list]) -> float:
    """One width for every cell: the widest visible sample or output label fits."""
    widest = 0.0
    for u in itertools.product(*[[u for u in axis if u is not MARKER] for axis in slots]):
        kind, index = _view_cell(op, views, u)
        if index is not None:
            widest = max(widest, _input_label(op, index).width(EM))
    for o in itertools.product(*[[o for o in axis if o is not MARKER] for axis in out_slots]):
        widest = max(widest, _output_label(op, o).width(EM))
    return max(MIN_CELL, round(widest + 0.3, 2))


def _ellipsis(x: float, y: float, w: float, h: float, glyph: str = r"\cdots") -> Cell:
    return Cell(x, y, w, h, "ellipsis", Label(glyph), border=False)


def _window_1d(op: Conv, outputs: list[int], limit: int = LIMIT_1D) -> Figure:
    view = AxisView.of(op.axes[0])
    m = op.axes[0].output_length
    wanted = [u for o in outputs for u in view.taps(o)]
    slots = visible_positions(view.length, wanted, limit)
    x_of = {u: k for k, u in enumerate(slots) if u is not MARKER}
    out_slots = _around(m, outputs, min(OUTPUT_LIMIT_1D, limit))
    cells: list[Cell] = []
    edges: list[Edge] = []
    notes: list[Note] = []
    h = 1.0
    w = _cell_width(op, [view], [slots], [out_slots])
    lines = max(len(_row_equation(op, o, max(len(slots) * w, 5.0))) for o in outputs)
    panel_height = 7.2 + 0.9 * (lines - 1)
    input_word = "zero-inserted input" if view.axis.transposed else "input"
    # outputs sit under the middle of the two windows: the focus pair centred there
    centres = [(sum(x_of[u] for u in view.taps(o)) / len(view.taps(o)) + 0.5) * w
               for o in outputs]
    middle = sum(centres) / len(centres)
    out_index = {o: k for k, o in enumerate(out_slots) if o is not MARKER}
    focus_slots = [out_index[o] for o in outputs]
    out_shift = middle - (sum(focus_slots) / len(focus_slots) + 0.5) * w
    for panel, o in enumerate(outputs):
        top = panel * panel_height
        taps = view.taps(o)
        tap_at = {u: t for t, u in enumerate(taps)}
        hits: dict[int, list[int]] = {}
        if panel:
            edges.append(Edge(0, top - 1.0, len(slots) * w, top - 1.0, "separator",
                              arrow=False, dashed=True))
        # the words above their rows, the equation under the outputs: the figure is as wide
        # as its cells, so that it fits a column
        notes.append(Note(0, top - 0.25, Label(input_word, math=False), "axis-label", "start",
                          small=True))
        for k, u in enumerate(slots):
            if u is MARKER:
                cells.append(_ellipsis(k * w, top, w, h))
                continue
            kind, index = _view_cell(op, [view], [u])
            tap = None
            if u in tap_at:
                kernel_index = view.kernel_index(tap_at[u])
                tap = (o, kernel_index)
                if index is not None:
                    hits.setdefault(index[0], []).append(kernel_index)
            cells.extend(_input_cell(op, k * w, top, w, h, kind, index, tap, (u,)))
        _check_against_row(op, o, hits)
        out_top = top + 3.0
        target_x = (out_index[o] + 0.5) * w + out_shift
        for t, u in enumerate(taps):
            kernel_index = view.kernel_index(t)
            kind, index = _view_cell(op, [view], [u])
            col = index[0] if index is not None else None
            x = (x_of[u] + 0.5) * w
            # the kernel label sits under its tap; the arrow starts below it
            notes.append(Note(x, top + h + 0.62, _kernel_label(op, kernel_index), "kernel-label",
                              small=True))
            edges.append(Edge(x, top + h + 0.85, target_x, out_top - 0.08, "tap",
                              ids=(("row", o), ("col", col), ("tap", kernel_index))))
        for k, oo in enumerate(out_slots):
            x = k * w + out_shift
            if oo is MARKER:
                cells.append(_ellipsis(x, out_top, w, h))
                continue
            focus = oo == o
            cells.append(Cell(x, out_top, w, h, "output", _output_label(op, (oo,)),
                              "focus" if focus else "out", strong=focus,
                              ids=(("row", oo),) + ((("focus", "yes"),) if focus else ())))
        # the output's equation, printed from the same row the checks examine
        left = min(0.0, out_shift)
        notes.append(Note(left, out_top + h + 0.6, Label("output", math=False), "axis-label",
                          "start", small=True))
        room = max(len(slots) * w, len(out_slots) * w + out_shift - left, 5.0)
        for line, label in enumerate(_row_equation(op, o, room)):
            notes.append(Note(left, out_top + h + 1.5 + 0.9 * line, label, "equation", "start"))
    caption = _caption(op)
    return _fit(Figure("window", 0, 0, f"window figure: {caption}", tuple(cells), tuple(edges),
                       tuple(notes), {"outputs": outputs, "caption": caption}))


# --------------------------------------------------------------------------------------------
# 2-D
# --------------------------------------------------------------------------------------------


def _frame(views: Sequence[AxisView], slots: Sequence[list], o: Sequence[int], left: float,
           top: float, size: float, tall: float) -> tuple[float, float, float, float]:
    """x, y, width, height of output ``o``'s window on the drawn input grid (holes included)."""
    u0s, u1s = views[0].taps(o[0]), views[1].taps(o[1])
    xs = [c for c, u in enumerate(slots[1]) if u is not MARKER and u1s[0] <= u <= u1s[-1]]
    ys = [r for r, u in enumerate(slots[0]) if u is not MARKER and u0s[0] <= u <= u0s[-1]]
    return (left + xs[0] * size, top + ys[0] * tall, (xs[-1] - xs[0] + 1) * size,
            (ys[-1] - ys[0] + 1) * tall)


def _window_2d(op: Conv, outputs: list[tuple[int, ...]], limit: int = LIMIT_2D,
               single: bool = False) -> Figure:
    """Two panels side by side, one per output; ``single`` (a narrow width): the first
    output's panel, with the next output's window framed dashed on the same input grid."""
    views = [AxisView.of(axis) for axis in op.axes]
    lengths = [axis.output_length for axis in op.axes]
    slots = [visible_positions(view.length, [u for o in outputs for u in view.taps(o[a])],
                               limit) for a, view in enumerate(views)]
    out_slots = [_around(lengths[a], [o[a] for o in outputs], min(OUTPUT_LIMIT_2D, limit))
                 for a in range(2)]
    # cells hold a sample label and, for taps, a kernel label
    # cells as wide as the widest label, tall enough for a sample label over a kernel label
    size = max(MIN_CELL, _cell_width(op, views, slots, out_slots))
    tall = max(1.25, size)
    grid_w = len(slots[1]) * size
    out_w = len(out_slots[1]) * size
    panel_w = max(grid_w, out_w) + 1.6
    cells: list[Cell] = []
    edges: list[Edge] = []
    notes: list[Note] = []
    k1 = op.axes[1].kernel_size
    for panel, o in enumerate(outputs[:1] if single else outputs):
        left = panel * panel_w
        top = 0.9
        row = _flat(o, lengths)
        tap_of: dict[tuple[int, int], int] = {}
        for t0, u0 in enumerate(views[0].taps(o[0])):
            for t1, u1 in enumerate(views[1].taps(o[1])):
                tap_of[(u0, u1)] = views[0].kernel_index(t0) * k1 + views[1].kernel_index(t1)
        hits: dict[int, list[int]] = {}
        word = "zero-inserted input" if any(a.transposed for a in op.axes) else "input"
        notes.append(Note(left, top - 0.3, Label(word, math=False), "axis-label", "start"))
        for r, u0 in enumerate(slots[0]):
            for c, u1 in enumerate(slots[1]):
                x, y = left + c * size, top + r * tall
                if u0 is MARKER or u1 is MARKER:
                    glyph = (r"\ddots" if u0 is MARKER and u1 is MARKER
                             else r"\vdots" if u0 is MARKER else r"\cdots")
                    cells.append(_ellipsis(x, y, size, tall, glyph))
                    continue
                kind, index = _view_cell(op, views, (u0, u1))
                tap = None
                if (u0, u1) in tap_of:
                    tap = (row, tap_of[(u0, u1)])
                    if index is not None:
                        col = _flat(index, [a.n for a in op.axes])
                        hits.setdefault(col, []).append(tap[1])
                cells.extend(_input_cell(op, x, y, size, tall, kind, index, tap, (u0, u1)))
                if tap is not None:
                    cells[-1] = _with_kernel_label(cells[-1])
                    notes.append(Note(x + size / 2, y + tall - 0.18, _kernel_label(op, tap[1]),
                                      "kernel-label", small=True))
        _check_against_row(op, row, hits)
        # the footprint: a frame around the window, holes included
        fx, fy, fw, fh = _frame(views, slots, o, left, top, size, tall)
        cells.append(Cell(fx - 0.06, fy - 0.06, fw + 0.12, fh + 0.12, "footprint", None, "none",
                          strong=True, ids=(("row", row),)))
        if single and len(outputs) > 1:  # the next output's window, dashed
            nx, ny, nw, nh = _frame(views, slots, outputs[1], left, top, size, tall)
            cells.append(Cell(nx - 0.14, ny - 0.14, nw + 0.28, nh + 0.28, "footprint-next",
                              None, "none", dashed=True,
                              ids=(("row", _flat(outputs[1], lengths)),)))
        out_top = top + len(slots[0]) * tall + 1.6
        # below the output grid: the arrow comes in from above
        notes.append(Note(left, out_top + len(out_slots[0]) * size + 0.5,
                          Label("output", math=False), "axis-label", "start"))
        target = None
        for r, i0 in enumerate(out_slots[0]):
            for c, i1 in enumerate(out_slots[1]):
                x, y = left + c * size, out_top + r * size
                if i0 is MARKER or i1 is MARKER:
                    glyph = (r"\ddots" if i0 is MARKER and i1 is MARKER
                             else r"\vdots" if i0 is MARKER else r"\cdots")
                    cells.append(_ellipsis(x, y, size, tall, glyph))
                    continue
                focus = (i0, i1) == tuple(o)
                flat = _flat((i0, i1), lengths)
                cells.append(Cell(x, y, size, size, "output", _output_label(op, (i0, i1)),
                                  "focus" if focus else "out", strong=focus,
                                  ids=(("row", flat),) + ((("focus", "yes"),) if focus else ())))
                if focus:
                    target = (x + size / 2, y)
        # the arrow leaves the grid under the footprint's centre (it never crosses cells)
        grid_bottom = top + len(slots[0]) * tall
        edges.append(Edge(fx + fw / 2, grid_bottom + 0.12, target[0], target[1] - 0.08,
                          "window", ids=(("row", row),), thick=True))
    caption = _caption(op)
    return _fit(Figure("window", 0, 0, f"window figure: {caption}", tuple(cells), tuple(edges),
                       tuple(notes), {"outputs": outputs, "caption": caption}))


def _with_kernel_label(cell: Cell) -> Cell:
    """A 2-D tap cell: its sample label moves up to leave room for the kernel label."""
    return Cell(cell.x, cell.y, cell.w, cell.h, cell.role, cell.label, cell.fill, cell.dashed,
                cell.strong, cell.border, cell.ids + (("layout", "upper"),), cell.small)


# --------------------------------------------------------------------------------------------
# placement
# --------------------------------------------------------------------------------------------

#: Ems per cell unit (the writers' font size relative to a cell): for note widths.
EM = 0.4
MARGIN = 0.3


def _note_box(note: Note) -> tuple[float, float, float, float]:
    width = note.label.width(EM * (SMALL_RATIO if note.small else 1.0))
    if note.anchor == "start":
        left = note.x
    elif note.anchor == "end":
        left = note.x - width
    else:
        left = note.x - width / 2
    return left, note.y - 0.35, left + width, note.y + 0.12


def _fit(figure: Figure) -> Figure:
    """Translate everything so the drawing starts at the margin; size the figure to fit."""
    boxes = [(c.x, c.y, c.x + c.w, c.y + c.h) for c in figure.cells]
    boxes += [(min(e.x1, e.x2), min(e.y1, e.y2), max(e.x1, e.x2), max(e.y1, e.y2))
              for e in figure.edges]
    boxes += [_note_box(n) for n in figure.notes]
    x0 = min(b[0] for b in boxes) - MARGIN
    y0 = min(b[1] for b in boxes) - MARGIN
    x1 = max(b[2] for b in boxes) + MARGIN
    y1 = max(b[3] for b in boxes) + MARGIN
    return shifted(figure, -x0, -y0, x1 - x0, y1 - y0)


def shifted(figure: Figure, dx: float, dy: float, width: float, height: float) -> Figure:
    def move(item: Any) -> Any:
        if isinstance(item, Edge):
            return Edge(item.x1 + dx, item.y1 + dy, item.x2 + dx, item.y2 + dy, item.role,
                        item.arrow, item.ids, item.dashed, item.thick)
        if isinstance(item, Cell):
            return Cell(item.x + dx, item.y + dy, item.w, item.h, item.role, item.label,
                        item.fill, item.dashed, item.strong, item.border, item.ids, item.small)
        return Note(item.x + dx, item.y + dy, item.label, item.role, item.anchor, item.small)

    return Figure(figure.kind, round(width, 3), round(height, 3), figure.title,
                  tuple(move(c) for c in figure.cells), tuple(move(e) for e in figure.edges),
                  tuple(move(n) for n in figure.notes), figure.meta)

