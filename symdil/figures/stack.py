"""The stack figure: layers as rows of nodes and the dependency tree of one output (the WaveNet
picture), its receptive field bracketed on the input.

The tree is read from the layers' rows (``Conv.row`` of each layer, top down): a node at layer l
depends on the columns its row holds at layer l - 1.  Every edge names its layer, row, column and
tap.  Nodes sit above the input sample at the end of their receptive region when every layer is
causal (the WaveNet layout), else above its centre; long rows are elided around the tree.  The
bracket spans ``Stack.receptive_field_region`` of the output, the fact the stack's checks prove.
1-D, one channel, forward layers; the tree is drawn whole, so it is refused past ``MAX_NODES``
nodes in a row.
"""

from __future__ import annotations

import math
from typing import Any

from ..core.spec import SymdilError
from ..layout.elision import MARKER
from ..render.printer import latex
from .matrix import entry_taps, symbolic_twin
from .model import Cell, Edge, Figure, Label, Note, tap_fill
from .window import _fit, visible_positions

#: Nodes of the tree in one row of the figure at most (the picture draws every one).
MAX_NODES = 40
#: Input positions shown (counting ellipses) before the input row is elided.
INPUT_LIMIT = 40
NODE = 0.62  # node diameter, in cell units
ROW = 1.9    # vertical distance between layers


def _refuse(stack: Any) -> None:
    if stack.ndim != 1:
        raise SymdilError(f"stack figures are drawn for 1-D stacks, got {stack.ndim}-D")
    for number, layer in enumerate(stack.layers, start=1):
        if layer.in_channels > 1 or layer.out_channels > 1:
            raise SymdilError(f"stack figures show one channel, got layer {number} with "
                              f"in_channels={layer.in_channels}, "
                              f"out_channels={layer.out_channels}")
        if layer.transposed:
            raise SymdilError(f"stack figures draw forward layers, got a transposed layer "
                              f"{number}")


def _levels(stack: Any) -> list[tuple[int, int, int]]:
    """Per level l = 0..L: (jump J_l, padding P_l, receptive field r_l) in input coordinates, so
    node i of level l covers inputs J_l i - P_l … J_l i - P_l + r_l - 1."""
    out = [(1, 0, 1)]
    for layer in stack.layers:
        jump, pad, field = out[-1]
        axis = layer.axes[0]
        out.append((jump * axis.stride, pad + axis.pad_before * jump,
                    field + axis.dilation * (axis.kernel_size - 1) * jump))
    return out


#: The fewest input positions the input row is elided to when a width asks for a narrower figure
#: (the tree's nodes and their neighbours are always drawn).
MIN_INPUT_LIMIT = 8
#: Distances between neighbouring positions tried, after eliding, for a tree wider than the line
#: (the nodes, NODE wide, stay apart; the type keeps its size).
SPACINGS = (0.85, 0.75)


def stack_figure(stack: Any, at: int | None = None, width: float | None = None) -> Figure:
    """The stack figure of output ``at`` (default: the last output).  ``width`` (cell units; None:
    no limit): the input row is elided further (down to the tree's own positions) until the
    figure fits it -- never scaled down; the narrowest drawing when none fits."""
    _refuse(stack)
    drawn = _stack_figure(stack, at, INPUT_LIMIT, 1.0)
    limit = min(INPUT_LIMIT, stack.input_shape[-1])
    while width is not None and drawn.width > width and limit > MIN_INPUT_LIMIT:
        limit -= 1
        narrower = _stack_figure(stack, at, limit, 1.0)
        if narrower.width < drawn.width:
            drawn = narrower
    for spacing in SPACINGS:  # a tree wider than the line: its nodes closer together
        if width is None or drawn.width <= width:
            break
        drawn = min(drawn, _stack_figure(stack, at, limit, spacing), key=lambda f: f.width)
    return drawn


def _stack_figure(stack: Any, at: int | None, input_limit: int, spacing: float) -> Figure:
    """The stack figure with at most ``input_limit`` input positions shown (the tree's own
    positions and their neighbours are shown whatever the limit), ``spacing`` cell units
    between neighbouring positions."""
    layers = stack.layers
    count = len(layers)
    m = layers[-1].axes[0].output_length
    if at is None:
        at = m - 1
    if isinstance(at, bool) or not isinstance(at, int) or not 0 <= at < m:
        raise SymdilError(f"at must be an output index in [0, {m}), got {at!r}")
    # the tree, top down, from the rows
    tree: list[set[int]] = [set() for _ in range(count + 1)]
    tree[count] = {at}
    edges_data: list[tuple[int, int, int, tuple[int, ...]]] = []
    for level in range(count, 0, -1):
        layer = layers[level - 1]
        twin = symbolic_twin(layer)
        index = {symbol: i for i, symbol in enumerate(twin.kernel)}
        for row in sorted(tree[level]):
            entries = layer.row(row)
            symbolic = entries if twin is layer else twin.row(row)
            for col in entries:
                tree[level - 1].add(col)
                edges_data.append((level, row, col, entry_taps(index, symbolic[col])))
        if len(tree[level - 1]) > MAX_NODES:
            raise SymdilError(f"stack figures draw the whole dependency tree: at most "
                              f"{MAX_NODES} nodes per layer, got {len(tree[level - 1])} at "
                              f"layer {level - 1}; draw a stack with fewer or shorter layers")
    levels = _levels(stack)
    causal = all(a.pad_after == 0 and a.pad_before == a.dilation * (a.kernel_size - 1)
                 for a in (layer.axes[0] for layer in layers))

    def anchor(level: int, i: int) -> float:
        jump, pad, field = levels[level]
        start = jump * i - pad
        return start + field - 1 if causal else start + (field - 1) / 2

    n = stack.input_shape[-1]
    region = stack.receptive_field_region(at)
    wanted = sorted({round(anchor(level, i)) for level in range(count + 1) for i in tree[level]}
                    | set(tree[0]))
    if region is not None:  # the bracket's ends, however far the input row is elided
        wanted += [min(max(end, 0), n - 1) for end in region]
    wanted = sorted({u for u in wanted if 0 <= u < n})
    slots = visible_positions(n, wanted, input_limit)
    slot_of = {u: k for k, u in enumerate(slots) if u is not MARKER}

    def x_of(position: float) -> float | None:
        """Drawing x of an input coordinate: its slot, between slots, or None when elided."""
        if position in slot_of:
            return float(slot_of[position])
        low = max((u for u in slot_of if u < position), default=None)
        high = min((u for u in slot_of if u > position), default=None)
        if low is None:  # in the padding before the input
            return slot_of[0] + position if 0 in slot_of else None
        if high is None:  # in the padding after it
            return slot_of[n - 1] + position - (n - 1) if n - 1 in slot_of else None
        if slot_of[high] - slot_of[low] == high - low:  # no ellipsis between them
            return slot_of[low] + (position - low)
        return None

    def _drawn(level: int, size: int) -> list[int]:
        """The nodes of a level that can get a drawing x (the others are elided): those near a
        visible input slot, and those in the padding beside a visible end -- found from the
        anchors' affine form, not by visiting every node (n can be 10**12)."""
        jump = levels[level][0]
        first = anchor(level, 0)  # anchor(level, i) = first + jump i
        found: set[int] = set()
        for u in slot_of:
            low = math.floor((u - 1 - first) / jump)
            high = math.ceil((u + 1 - first) / jump)
            found.update(range(max(low, 0), min(high, size - 1) + 1))
        if 0 in slot_of:  # anchors before the input
            found.update(range(0, min(size, max(0, math.ceil(-first / jump)))))
        if n - 1 in slot_of:  # anchors after it
            found.update(range(max(0, math.floor((n - 1 - first) / jump) + 1), size))
        return sorted(found)

    cells: list[Cell] = []
    edges: list[Edge] = []
    notes: list[Note] = []
    centre: dict[tuple[int, int], tuple[float, float]] = {}
    for level in range(count + 1):
        y = (count - level) * ROW
        size = layers[level - 1].axes[0].output_length if level else n
        word = "input" if level == 0 else ("output" if level == count else f"layer {level}")
        notes.append(Note(-0.6, y + 0.15, Label(word, math=False), "axis-label", "end"))
        if level:
            axis = layers[level - 1].axes[0]
            notes.append(Note(len(slots) * spacing + 0.3, y + 0.15,
                              Label(f"d = {axis.dilation}" + (f", s = {axis.stride}"
                                                              if axis.stride > 1 else ""),
                                    math=False), "layer-label", "start", small=True))
        for i in _drawn(level, size):
            x = x_of(anchor(level, i))
            in_tree = i in tree[level]
            if x is None:
                continue
            if not in_tree and level and abs(anchor(level, i) - round(anchor(level, i))) > 0:
                continue
            cx = (x + 0.5) * spacing
            centre[(level, i)] = (cx, y)
            ids = (("level", level), ("node", i)) + ((("tree", "yes"),) if in_tree else ())
            fill = ("focus" if level == count else tap_fill(0, 1, 1)) if in_tree else "plain"
            cells.append(Cell(cx - NODE / 2, y - NODE / 2, NODE, NODE, "node", None, fill,
                              strong=in_tree, ids=ids))
        for k, u in enumerate(slots):
            if u is MARKER:
                cells.append(Cell(k * spacing, y - 0.5, spacing, 1.0, "ellipsis",
                                  Label(r"\cdots"), border=False))
    # the tree's edges, child (below) to parent (above)
    for level, row, col, taps in edges_data:
        x1, y1 = centre[(level - 1, col)]
        x2, y2 = centre[(level, row)]
        edges.append(Edge(x1, y1 - NODE / 2, x2, y2 + NODE / 2, "dependency",
                          ids=(("layer", level), ("row", row), ("col", col))
                          + tuple(("tap", t) for t in taps)))
    # labels of the ends: the output and the input samples it reads
    top = centre[(count, at)]
    notes.append(Note(top[0], top[1] - 0.55, Label(latex(layers[-1].output_symbol_at(at))),
                      "output-label"))
    bottom = count * ROW
    if region is not None:
        u, v = region
        left, right = x_of(max(u, 0)), x_of(min(v, n - 1))
        if left is not None and right is not None:
            y = bottom + 0.75
            x1, x2 = (left + 0.5) * spacing - 0.3, (right + 0.5) * spacing + 0.3
            # a bracket: a line with end ticks, labelled with the region's length
            edges.append(Edge(x1, y, x2, y, "bracket", arrow=False, ids=(("from", u),
                                                                         ("to", v))))
            edges.append(Edge(x1, y - 0.25, x1, y, "bracket-end", arrow=False))
            edges.append(Edge(x2, y - 0.25, x2, y, "bracket-end", arrow=False))
            text = f"receptive field of the output: {v - u + 1} samples"
            if u < 0 or v >= n:
                text += " (some in the padding)"
            notes.append(Note((x1 + x2) / 2, y + 0.65, Label(text, math=False),
                              "receptive-field", small=True))
    title = (f"stack figure: {count} layers, the inputs output {at} depends on, receptive "
             f"field {stack.receptive_field}")
    return _fit(Figure("stack", 0, 0, title, tuple(cells), tuple(edges), tuple(notes),
                       {"tree": tree, "region": region}))
