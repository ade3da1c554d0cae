"""The statement kinds and their predicates.

Every predicate reads only its parameters and the evidence (``symdil.statements.base.Evidence``):
shapes, per-row taps (zero-valued taps included) and the rows they give.  Geometry parameters
(``K``, ``s``, ``d``, ``p``, ``flip``, ``mode``, ``transposed``) are part of a statement: a
sentence that names a stride or a padding claims it, and its predicate checks the rows against it.

1-D kinds take an ``axis``: on an N-D or multi-channel operator they read the *pattern* of that
axis -- which (output index, input index, tap index) triples occur along it, over the channel pair
(0, 0) -- so "the blocks along axis 0 sit on lines {-1, 0, 1}" is checked like a 1-D band.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

import sympy

from .base import Evidence, register

# --------------------------------------------------------------------------------------------
# Reading the evidence along one axis
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One axis of the evidence as a 1-D pattern: ``taps[i][j]`` = {tap index t: count} for
    output index i, input index j along the axis (channel pair (0, 0)); ``rows[i]`` = {j: value}
    only for a 1-D one-channel operator (None otherwise)."""

    n: int
    m: int
    K: int
    taps: tuple[dict[int, dict[int, int]], ...]
    rows: tuple[Mapping[int, Any], ...] | None
    kernel: tuple[Any, ...] | None


def _unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    out = []
    for size in reversed(shape):
        flat, rest = divmod(flat, size)
        out.append(rest)
    return tuple(reversed(out))


def kernel_shape(evidence: Any) -> tuple[int, ...]:
    shape = getattr(evidence, "kernel_shape", None)
    if shape:
        return tuple(shape)
    return (1, 1, len(evidence.kernel))


def one_channel_1d(evidence: Any) -> bool:
    return len(evidence.input_shape) == 2 and evidence.input_shape[0] == 1 and \
        evidence.output_shape[0] == 1


def line(evidence: Any, axis: int = 0) -> Line:
    """The pattern of ``axis`` (see ``Line``); cached per evidence object."""
    cache = evidence.__dict__.setdefault("_statement_lines", {}) if hasattr(
        evidence, "__dict__") else {}
    if axis in cache:
        return cache[axis]
    shape = kernel_shape(evidence)
    if one_channel_1d(evidence):
        result = Line(evidence.input_shape[1], evidence.output_shape[1], shape[-1],
                      tuple({c: dict(w) for c, w in row.items()} for row in evidence.taps),
                      tuple(evidence.rows), tuple(evidence.kernel))
    else:
        spatial_in, spatial_out = evidence.input_shape[1:], evidence.output_shape[1:]
        rows_per_channel = 1
        for size in spatial_out:
            rows_per_channel *= size
        cols_per_channel = 1
        for size in spatial_in:
            cols_per_channel *= size
        taps: list[dict[int, dict[int, int]]] = [{} for _ in range(spatial_out[axis])]
        out_index = _unravelled(evidence, "out", tuple(spatial_out), rows_per_channel)
        in_index = _unravelled(evidence, "in", tuple(spatial_in), cols_per_channel)
        # weight -> its index along the axis, for channel pair (0, 0) only
        along = {w: index[2 + axis] for w, index in enumerate(
            _unravelled(evidence, "weights", shape, len(evidence.kernel)))
            if index[:2] == (0, 0)}
        for r in range(rows_per_channel):  # output channel 0
            line_i = taps[out_index[r][axis]]
            for column, weights in evidence.taps[r].items():
                if column >= cols_per_channel:
                    continue  # another input channel
                j = in_index[column][axis]
                for weight in weights:
                    t = along.get(weight)
                    if t is not None:
                        line_i.setdefault(j, {})[t] = 1
        result = Line(spatial_in[axis], spatial_out[axis], shape[2 + axis], tuple(taps), None,
                      None)
    cache[axis] = result
    return result


def _tap(offset: int, K: int, flip: bool) -> int:
    return K - 1 - offset if flip else offset


def _fold(position: int, n: int, mode: str) -> int | None:
    if 0 <= position < n:
        return position
    if mode == "zeros":
        return None
    if mode == "circular":
        return position % n
    if mode == "replicate":
        return 0 if position < 0 else n - 1
    return -position if position < 0 else 2 * (n - 1) - position  # reflect


def expected_taps(g: Mapping[str, Any], n: int, m: int) -> list[dict[int, dict[int, int]]]:
    """The pattern the geometry ``g`` defines (a plain loop over the definition)."""
    K, s, d, p, flip = g["K"], g["s"], g["d"], g["p"], g["flip"]
    rows: list[dict[int, dict[int, int]]] = [{} for _ in range(m)]
    if g["transposed"]:
        for j in range(n):
            for t in range(K):
                r = s * j + d * t - p
                if 0 <= r < m:
                    rows[r].setdefault(j, {})[_tap(t, K, flip)] = 1
        return rows
    for i in range(m):
        for t in range(K):
            column = _fold(s * i + d * t - p, n, g["mode"])
            if column is not None:
                rows[i].setdefault(column, {})[_tap(t, K, flip)] = 1
    return rows


def _pattern(line_: Line) -> list[dict[int, dict[int, int]]]:
    return [{c: {t: 1 for t in w} for c, w in row.items()} for row in line_.taps]


_OUTER_CACHE: dict[tuple[int, bool], tuple[Line, list[dict[int, set[int]]]]] = {}


def _outer(line_: Line, transposed: bool) -> list[dict[int, set[int]]]:
    """Outer lines (rows forward, columns transposed): outer index -> {inner index: taps}
    (cached for the last few patterns: predicates ask for every line of one pattern)."""
    key = (id(line_), transposed)
    hit = _OUTER_CACHE.get(key)
    if hit is not None and hit[0] is line_:
        return hit[1]
    if len(_OUTER_CACHE) > 64:
        _OUTER_CACHE.clear()
    result = _outer_lines(line_, transposed)
    _OUTER_CACHE[key] = (line_, result)
    return result


def _outer_lines(line_: Line, transposed: bool) -> list[dict[int, set[int]]]:
    if not transposed:
        return [{c: set(w) for c, w in row.items()} for row in line_.taps]
    cols: list[dict[int, set[int]]] = [{} for _ in range(line_.n)]
    for r, row in enumerate(line_.taps):
        for c, w in row.items():
            cols[c][r] = set(w)
    return cols


def _complete(g: Mapping[str, Any], line_: Line, outer: int) -> bool:
    """Every tap of outer line ``outer`` lands inside, unfolded, at its own place."""
    K, s, d, p, flip = g["K"], g["s"], g["d"], g["p"], g["flip"]
    reach = line_.m if g["transposed"] else line_.n
    lines = _outer(line_, g["transposed"])
    entries = lines[outer]
    for t in range(K):
        position = s * outer + d * t - p
        if not 0 <= position < reach or _tap(t, K, flip) not in entries.get(position, set()):
            return False
    return len(entries) == K and all(len(w) == 1 for w in entries.values())


def _complete_row_transposed(g: Mapping[str, Any], line_: Line, r: int) -> bool:
    """Transposed: output row r receives every tap its position allows (from inputs inside)."""
    K, s, d, p, flip = g["K"], g["s"], g["d"], g["p"], g["flip"]
    for t in range(K):
        q, rem = divmod(r + p - d * t, s)
        if rem == 0 and not (0 <= q < line_.n and _tap(t, K, flip) in line_.taps[r].get(q, {})):
            return False
    return True


def nonzero_value(value: Any) -> bool:
    """A coefficient is non-zero (a sum is expanded first: folded taps may cancel)."""
    if isinstance(value, sympy.Add):
        return sympy.expand(value) != 0
    return value != 0


# --------------------------------------------------------------------------------------------
# Sizes
# --------------------------------------------------------------------------------------------


@register("output_length", "The output has `length` samples along `axis`.")
def _output_length(params: Mapping[str, Any], ev: Evidence) -> bool:
    return ev.output_shape[1 + params["axis"]] == params["length"]


@register("same_padding", "Padding `same`: output ceil(n/s) = `target`, `total` padding samples "
          "split as (`before`, `after`), the odd one after.")
def _same_padding(params: Mapping[str, Any], ev: Evidence) -> bool:
    a = params["axis"]
    n, m = ev.input_shape[1 + a], ev.output_shape[1 + a]
    s, span = params["s"], params["d"] * (params["K"] - 1)
    target = -(-n // s)
    total = max((target - 1) * s + span + 1 - n, 0)
    return (m == target == params["target"] and params["total"] == total
            and params["before"] == total // 2 and params["after"] == total - total // 2)


@register("window", "The definition: output i reads (folded) padded position s*i + d*t - p "
          "through tap t (transposed: input j writes row s*j + d*t - p).")
def _window(params: Mapping[str, Any], ev: Evidence) -> bool:
    line_ = line(ev, params["axis"])
    if "n" in params and params["n"] != line_.n:
        return False
    return _pattern(line_) == expected_taps(params["g"], line_.n, line_.m)


@register("receptive_field", "Each output window spans `size` = d(K-1)+1 consecutive samples.")
def _receptive_field(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    if params["size"] != g["d"] * (g["K"] - 1) + 1:
        return False
    line_ = line(ev, params["axis"])
    outer = _outer(line_, g["transposed"])
    complete = [i for i in range(len(outer)) if _complete(g, line_, i)]
    return all(max(outer[i]) - min(outer[i]) + 1 == params["size"] for i in complete)


@register("causal", "No output reads a later input: row i reads (a non-zero coefficient) only "
          "columns <= s*i.")
def _causal(params: Mapping[str, Any], ev: Evidence) -> bool:
    line_ = line(ev, params["axis"])
    s = params["s"]
    read = line_.rows if line_.rows is not None else line_.taps  # read: a non-zero coefficient
    return all(not row or max(row) <= s * i for i, row in enumerate(read))


@register("later_inputs", "The rows listed (and no others) read inputs later than s*i, those "
          "columns exactly (an input is read when its coefficient is not zero).")
def _later_inputs(params: Mapping[str, Any], ev: Evidence) -> bool:
    line_ = line(ev, params["axis"])
    s = params["s"]
    read = line_.rows if line_.rows is not None else line_.taps
    found = {i: tuple(sorted(c for c in row if c > s * i)) for i, row in enumerate(read)}
    found = {i: cols for i, cols in found.items() if cols}
    return found == {i: tuple(cols) for i, cols in params["rows"]}


# --------------------------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------------------------


def _values(params: Mapping[str, Any], line_: Line) -> list[dict[int, Any]] | None:
    """Numeric outer lines (rows forward, columns transposed) of a 1-D one-channel operator."""
    if line_.rows is None:
        return None
    if not params["g"]["transposed"]:
        return [dict(row) for row in line_.rows]
    cols: list[dict[int, Any]] = [{} for _ in range(line_.n)]
    for r, row in enumerate(line_.rows):
        for c, v in row.items():
            cols[c][r] = v
    return cols


def _nonzero_outer(params: Mapping[str, Any], line_: Line) -> list[dict[int, Any]]:
    """Outer lines with their non-zero entries (numeric when known, else the pattern)."""
    values = _values(params, line_)
    if values is not None:
        return values
    return [{c: 1 for c in entries} for entries in _outer(line_, params["g"]["transposed"])]


@register("shift", "Outer lines `first`..`last` (rows forward, columns transposed): each is the "
          "previous one moved by s.")
def _shift(params: Mapping[str, Any], ev: Evidence) -> bool:
    line_ = line(ev, params["axis"])
    lines = _nonzero_outer(params, line_)
    s = params["g"]["s"]
    first, last = params["first"], params["last"]
    if not 0 <= first <= last < len(lines):
        return False
    return all({c + s: v for c, v in lines[i].items()} == lines[i + 1]
               for i in range(first, last))


@register("band", "Non-zero entries of outer lines `first`..`last` lie exactly on `lines` "
          "(inner - s*outer); the other outer lines add exactly `border_lines`.")
def _band(params: Mapping[str, Any], ev: Evidence) -> bool:
    line_ = line(ev, params["axis"])
    lines = _nonzero_outer(params, line_)
    s = params["g"]["s"]
    first, last = params["first"], params["last"]
    inside: set[int] = set()
    outside: set[int] = set()
    for i, entries in enumerate(lines):
        target = inside if first is not None and first <= i <= last else outside
        target.update(c - s * i for c in entries)
    if first is None:
        inside, outside = outside, set()
    if "span" in params:
        # the lines the band spans: from the first non-zero line to the last (T7: a line that
        # holds only a zero-valued tap at an end is not spanned)
        span = (min(inside), max(inside)) if inside else None
        if span != (tuple(params["span"]) if params["span"] is not None else None):
            return False
    return (inside == set(params["lines"])
            and outside - inside == set(params["border_lines"]))


@register("absent_taps", "The taps listed never meet an input sample: they occur in no entry.")
def _absent_taps(params: Mapping[str, Any], ev: Evidence) -> bool:
    line_ = line(ev, params["axis"])
    seen = {t for row in line_.taps for w in row.values() for t in w}
    return not seen & set(params["taps"]) and bool(params["taps"])


@register("padding_only_taps", "The taps listed always land in the padding and are folded back "
          "onto the input (they occur, never at their own position).")
def _padding_only_taps(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    line_ = line(ev, params["axis"])
    K, s, d, p = g["K"], g["s"], g["d"], g["p"]
    for t_offset in range(K):
        tap = _tap(t_offset, K, g["flip"])
        if tap not in params["taps"]:
            continue
        occurs = False
        for i, row in enumerate(line_.taps):
            for w in row.values():
                if tap in w:
                    occurs = True
                    position = s * i + d * t_offset - p
                    if 0 <= position < line_.n:
                        return False
        if not occurs:
            return False
    return bool(params["taps"])


@register("zero_taps", "The kernel taps listed are zero.")
def _zero_taps(params: Mapping[str, Any], ev: Evidence) -> bool:
    return bool(params["taps"]) and all(ev.kernel[t] == 0 for t in params["taps"]) and all(
        ev.kernel[t] != 0 for t in range(len(ev.kernel)) if t not in params["taps"])


@register("interior", "Outer lines `first`..`last` (and no others) hold every tap inside, "
          "unfolded; each has `per_line` non-zero entries.")
def _interior(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    line_ = line(ev, params["axis"])
    lines = _nonzero_outer(params, line_)
    first, last = params["first"], params["last"]
    for i in range(len(lines)):
        inside = first <= i <= last
        if _complete(g, line_, i) != inside:
            return False
        if inside and len(lines[i]) != params["per_line"]:
            return False
    return True


@register("no_interior", "No outer line holds every tap inside: each touches a border.")
def _no_interior(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    line_ = line(ev, params["axis"])
    count = line_.n if g["transposed"] else line_.m
    return not any(_complete(g, line_, i) for i in range(count))


@register("residue_counts", "Transposed: rows `first`..`last` receive counts[r mod s] non-zero "
          "contributions each.")
def _residue_counts(params: Mapping[str, Any], ev: Evidence) -> bool:
    line_ = line(ev, params["axis"])
    values = line_.rows if line_.rows is not None else line_.taps
    s = params["s"]
    first, last = params["first"], params["last"]
    if not 0 <= first <= last < line_.m:
        return False
    counts = params["counts"]
    return all(len(values[r]) == counts[r % s] for r in range(first, last + 1))


@register("nonzeros", "The matrix has `count` non-zero entries.")
def _nonzeros(params: Mapping[str, Any], ev: Evidence) -> bool:
    return ev.nonzero_count == params["count"]


def _first_listed(found: list[int], params: Mapping[str, Any]) -> bool:
    return len(found) == params["count"] and tuple(found[:len(params["first"])]) == tuple(
        params["first"])


@register("unread_inputs", "`count` inputs are read by no window at all (no tap meets them); "
          "the first are `first`.")
def _unread_inputs(params: Mapping[str, Any], ev: Evidence) -> bool:
    found = [c for c, rows in enumerate(ev.columns) if not rows]
    return _first_listed(found, params)


@register("zero_weight_inputs", "`count` inputs are read, but only through taps that are zero "
          "(or cancel): zero columns; the first are `first`.")
def _zero_weight_inputs(params: Mapping[str, Any], ev: Evidence) -> bool:
    nonzero_columns = {c for row in ev.rows for c in row}
    found = [c for c, rows in enumerate(ev.columns) if rows and c not in nonzero_columns]
    return _first_listed(found, params)


@register("empty_outputs", "`count` outputs receive no contribution at all (no tap reaches "
          "them); the first are `first`.")
def _empty_outputs(params: Mapping[str, Any], ev: Evidence) -> bool:
    found = [r for r, row in enumerate(ev.taps) if not row]
    return _first_listed(found, params)


@register("zero_weight_outputs", "`count` outputs are reached only through taps that are zero "
          "(or cancel): zero rows; the first are `first`.")
def _zero_weight_outputs(params: Mapping[str, Any], ev: Evidence) -> bool:
    found = [r for r, row in enumerate(ev.taps) if row and not ev.rows[r]]
    return _first_listed(found, params)


@register("products_count", "The definition costs `lines` x `per_line` = `total` products "
          "(per output gathered, or per input scattered) against rows x columns = `dense`; the "
          "matrix keeps `kept` of them: `cut` meet padding or land outside, `merged` fold onto "
          "an input another tap of the line also reads, `zeroed` leave a zero coefficient.")
def _products_count(params: Mapping[str, Any], ev: Evidence) -> bool:
    lines = ev.column_count if params["scatter"] else ev.row_count
    per_line = kernel_shape(ev)[1]  # C_in/G taps per output (C_out/G per input, transposed)
    for size in kernel_shape(ev)[2:]:
        per_line *= size
    landed = merged = zeroed = 0
    for r, row in enumerate(ev.taps):
        for c, weights in row.items():
            count = sum(weights.values())
            landed += count
            merged += count - 1
            if c not in ev.rows[r]:
                zeroed += 1
    total = lines * per_line
    return (params["lines"] == lines and params["per_line"] == per_line
            and params["total"] == total
            and params["dense"] == ev.row_count * ev.column_count
            and params["cut"] == total - landed and params["merged"] == merged
            and params["zeroed"] == zeroed and params["kept"] == ev.nonzero_count
            and params["kept"] + params["cut"] + params["merged"] + params["zeroed"] == total)


# --------------------------------------------------------------------------------------------
# Borders
# --------------------------------------------------------------------------------------------


def _border_flags(g: Mapping[str, Any], line_: Line) -> list[bool]:
    """Forward: row i is a border row (not complete); transposed: row r misses a contribution."""
    if g["transposed"]:
        return [not _complete_row_transposed(g, line_, r) for r in range(line_.m)]
    return [not _complete(g, line_, i) for i in range(line_.m)]


def _runs(flags: list[bool]) -> tuple[int, int]:
    top = 0
    while top < len(flags) and flags[top]:
        top += 1
    bottom = 0
    while bottom < len(flags) and flags[len(flags) - 1 - bottom]:
        bottom += 1
    return top, bottom


def _sides(g: Mapping[str, Any], line_: Line, r: int) -> tuple[bool, bool]:
    """Whether border row r touches the start / the end: forward, a window position before 0 /
    past n-1; transposed, a tap that would need an input before 0 / past n-1."""
    K, s, d, p = g["K"], g["s"], g["d"], g["p"]
    if g["transposed"]:
        sources = [q for t in range(K) for q, rem in [divmod(r + p - d * t, s)] if rem == 0]
        return any(q < 0 for q in sources), any(q >= line_.n for q in sources)
    positions = [s * r + d * t - p for t in range(K)]
    return min(positions) < 0, max(positions) >= line_.n


@register("border_rows", "`top` rows touch only the start, `bottom` rows only the end and "
          "`both` rows both ends (each row counted once); they are exactly the border rows "
          "(forward: a tap cut or folded; transposed: a contribution missing).  `bottom` may "
          "depend on n mod `modulus` (a mapping residue -> count).")
def _border_rows(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    line_ = line(ev, params["axis"])
    flags = _border_flags(g, line_)
    top = bottom = both = 0
    for r, flag in enumerate(flags):
        low, high = _sides(g, line_, r)
        if flag != (low or high):
            return False
        both += flag and low and high
        top += flag and low and not high
        bottom += flag and high and not low
    bottom_claim = params["bottom"]
    if isinstance(bottom_claim, Mapping):
        bottom_claim = bottom_claim[line_.n % params["modulus"]]
    return top == params["top"] and bottom == bottom_claim and both == params["both"]


@register("cut_rows", "Zero padding: how many taps the `side` rows lose, row by row from the "
          "edge (`by_residue`: n mod `modulus` -> counts; an empty list: nothing is cut there).")
def _cut_rows(params: Mapping[str, Any], ev: Evidence) -> bool:
    line_ = line(ev, params["axis"])
    K = line_.K
    cuts = [K - sum(len(w) for w in row.values()) for row in line_.taps]
    if params["side"] == "bottom":
        cuts = cuts[::-1]
    found = []
    for count in cuts:
        if count <= 0:
            break
        found.append(count)
    if len(found) == len(cuts):
        return False  # no complete row: the sides are not separate
    claim = params["by_residue"][line_.n % params["modulus"]]
    return tuple(found) == tuple(claim)


@register("border_row", "Row `row` is exactly `entries`; each `cut` tap meets a padding zero "
          "(forward) or would need an input outside (transposed); each `folded` tap reads the "
          "input `column` from padded position `position`; each `merged` set of taps reads one "
          "input.")
def _border_row(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    line_ = line(ev, 0)
    r = params["row"]
    if not 0 <= r < line_.m or line_.rows is None:
        return False
    if {c: sympy.expand(v) for c, v in line_.rows[r].items()} != {
            c: sympy.expand(v) for c, v in params["entries"].items()}:
        return False
    K, s, d, p = g["K"], g["s"], g["d"], g["p"]
    present = {t for w in line_.taps[r].values() for t in w}
    for tap, position in params["cut"]:
        offset = _tap(tap, K, g["flip"])
        if g["transposed"]:
            if position * s != r + p - d * offset or 0 <= position < line_.n:
                return False
        elif position != s * r + d * offset - p or 0 <= position < line_.n:
            return False
        if tap in present:
            return False
    for tap, position, column in params["folded"]:
        offset = _tap(tap, K, g["flip"])
        if position != s * r + d * offset - p or 0 <= position < line_.n:
            return False
        if tap not in line_.taps[r].get(column, {}):
            return False
    for taps, column in params["merged"]:
        if set(line_.taps[r].get(column, {})) != set(taps):
            return False
    return True


@register("no_borders", "No border row: forward, every row holds all its taps inside, unfolded; "
          "transposed, every row receives every tap its position allows.")
def _no_borders(params: Mapping[str, Any], ev: Evidence) -> bool:
    return not any(_border_flags(params["g"], line(ev, params["axis"])))


@register("padding", "The input is padded by `before` samples at the start and `after` at the "
          "end: the output length and every window follow from it.")
def _padding(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = dict(params["g"])
    line_ = line(ev, params["axis"])
    if g["p"] != params["before"]:
        return False
    m = (line_.n + params["before"] + params["after"] - g["d"] * (g["K"] - 1) - 1) // g["s"] + 1
    return m == line_.m and _pattern(line_) == expected_taps(g, line_.n, line_.m)


@register("full_overlap", "Padding `full`: every output's window overlaps the input, and the "
          "next window would not.")
def _full_overlap(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    line_ = line(ev, params["axis"])
    K, s, d, p = g["K"], g["s"], g["d"], g["p"]

    def overlaps(i: int) -> bool:  # the window's span [s*i - p, s*i - p + d(K-1)] meets [0, n)
        return s * i - p <= line_.n - 1 and s * i - p + d * (K - 1) >= 0

    return all(overlaps(i) for i in range(line_.m)) and not overlaps(line_.m)


@register("valid_from", "General case: from n = `bound` on an interior line separates the "
          "borders (the instance has a complete outer line).")
def _valid_from(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    line_ = line(ev, 0)
    if line_.n < params["bound"]:
        return False
    count = line_.n if g["transposed"] else line_.m
    return any(_complete(g, line_, i) for i in range(count))


# --------------------------------------------------------------------------------------------
# Transposed
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _forward_columns(K: int, s: int, d: int, p: int, flip: bool, length: int
                     ) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Rows of the forward convolution (zero padding p both sides) on ``length`` inputs, as
    sorted (column, tap) pairs -- a plain loop over the definition."""
    rows = []
    i = 0
    while s * i + d * (K - 1) <= length + 2 * p - 1:
        pairs = []
        for t in range(K):
            c = s * i + d * t - p
            if 0 <= c < length:
                pairs.append((c, _tap(t, K, flip)))
        rows.append(tuple(sorted(pairs)))
        i += 1
    return tuple(rows)


def _transpose_pairs(line_: Line) -> list[tuple[tuple[int, int], ...]]:
    cols: list[list[tuple[int, int]]] = [[] for _ in range(line_.n)]
    for r, row in enumerate(line_.taps):
        for c, w in row.items():
            for t in w:
                cols[c].append((r, t))
    return [tuple(sorted(col)) for col in cols]


@register("transpose_of_forward", "M is the transpose of the forward convolution C on `forward_n` "
          "inputs (same K, s, d, p), which has exactly this layer's n outputs.")
def _transpose_of_forward(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    line_ = line(ev, 0)
    forward = _forward_columns(g["K"], g["s"], g["d"], g["p"], g["flip"], params["forward_n"])
    return (params["forward_n"] == line_.m and len(forward) == line_.n
            and list(forward) == _transpose_pairs(line_))


@register("forward_transpose_columns", "The forward convolution C on `forward_n` inputs has "
          "`forward_rows` = n + `extra` outputs; M is the first n columns of C^T.")
def _forward_transpose_columns(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    line_ = line(ev, 0)
    forward = _forward_columns(g["K"], g["s"], g["d"], g["p"], g["flip"], params["forward_n"])
    return (params["forward_n"] == line_.m and len(forward) == params["forward_rows"]
            == line_.n + params["extra"] and params["extra"] > 0
            and list(forward[:line_.n]) == _transpose_pairs(line_))


@register("crop", "Transposed sizes: the full scatter (n-1)s + d(K-1) + 1 = `full_length` loses "
          "`start` outputs at the start and `end` at the end (negative: zeros added).")
def _crop(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    line_ = line(ev, 0)
    K, s, d = g["K"], g["s"], g["d"]
    full = (line_.n - 1) * s + d * (K - 1) + 1
    if params["full_length"] != full or line_.m != full - params["start"] - params["end"]:
        return False
    # output r is position r + start of the full scatter, whose entries are s*j + d*t
    rows: list[dict[int, dict[int, int]]] = [{} for _ in range(line_.m)]
    for j in range(line_.n):
        for t in range(K):
            r = s * j + d * t - params["start"]
            if 0 <= r < line_.m:
                rows[r].setdefault(j, {})[_tap(t, K, g["flip"])] = 1
    return rows == _pattern(line_)


@register("zero_insertion", "Transposed reading: insert s-1 zeros between inputs (length "
          "`upsampled_length`), pad `pad_start` before and `pad_end` after (negative: crop), and "
          "correlate at stride 1, dilation d with the reversed kernel.")
def _zero_insertion(params: Mapping[str, Any], ev: Evidence) -> bool:
    g = params["g"]
    line_ = line(ev, 0)
    K, s, d = g["K"], g["s"], g["d"]
    if params["zeros_between"] != s - 1:
        return False
    length = (line_.n - 1) * s + 1
    if params["upsampled_length"] != length:
        return False
    start, end = params["pad_start"], params["pad_end"]
    padded = length + start + end
    outputs = padded - d * (K - 1)
    if outputs != line_.m:
        return False
    rows: list[dict[int, dict[int, int]]] = [{} for _ in range(outputs)]
    for r in range(outputs):
        for t in range(K):
            position = r + d * t - start  # index into the upsampled input
            if 0 <= position < length and position % s == 0:
                # the reversed kernel: offset t holds tap K-1-t (of the flipped order if flip)
                rows[r].setdefault(position // s, {})[_tap(K - 1 - t, K, g["flip"])] = 1
    return rows == _pattern(line_)


@register("zero_insertion_products", "The zero-insertion form costs m*K = `total` products; "
          "`with_inputs` involve an input sample (zero taps included), `with_zeros` multiply "
          "inserted or padding zeros.")
def _zero_insertion_products(params: Mapping[str, Any], ev: Evidence) -> bool:
    line_ = line(ev, 0)
    landed = sum(len(w) for row in line_.taps for w in row.values())
    total = line_.m * line_.K
    return (params["total"] == total and params["with_inputs"] == landed
            and params["with_zeros"] == total - landed)


# --------------------------------------------------------------------------------------------
# Channels and blocks
# --------------------------------------------------------------------------------------------


@register("channel_blocks", "The (C_out x C_in) grid of channel blocks with `groups` groups: "
          "`separated` pairs lie in different groups, `zero_kernel` pairs of one group have an "
          "all-zero kernel, `empty` others are zero anyway (no tap lands, or taps cancel), "
          "`nonzero` hold a non-zero entry.")
def _channel_blocks(params: Mapping[str, Any], ev: Evidence) -> bool:
    c_out, c_in = ev.output_shape[0], ev.input_shape[0]
    groups = params["groups"]
    if tuple(params["grid"]) != (c_out, c_in):
        return False
    rows_per = ev.row_count // c_out
    cols_per = ev.column_count // c_in
    per_out, per_in = c_out // groups, c_in // groups
    linked = {(o, c) for o in range(c_out) for c in range(c_in) if o // per_out == c // per_in}
    reached: set[tuple[int, int]] = set()
    nonzero: set[tuple[int, int]] = set()
    for r, row in enumerate(ev.taps):
        for c in row:
            reached.add((r // rows_per, c // cols_per))
        for c in ev.rows[r]:
            nonzero.add((r // rows_per, c // cols_per))
    if not reached <= linked:
        return False
    shape = kernel_shape(ev)
    size = len(ev.kernel) // (shape[0] * shape[1])

    def kernel_zero(o: int, c: int) -> bool:
        first, second = (c, o % (c_out // groups)) if params["transposed"] else (
            o, c % (c_in // groups))
        start = (first * shape[1] + second) * size
        return all(value == 0 for value in ev.kernel[start:start + size])

    zero_kernel = {pair for pair in linked if kernel_zero(*pair)}
    return (params["separated"] == c_out * c_in - len(linked)
            and params["zero_kernel"] == len(zero_kernel)
            and params["empty"] == len(linked - zero_kernel - nonzero)
            and not nonzero & zero_kernel
            and params["nonzero"] == len(nonzero))


@register("shape", "The matrix has `rows` x `cols` entries.")
def _shape(params: Mapping[str, Any], ev: Evidence) -> bool:
    return ev.row_count == params["rows"] and ev.column_count == params["cols"]


def _unravelled(ev: Evidence, name: str, shape: tuple[int, ...], count: int) -> list[tuple]:
    """Every flat index of ``shape`` unravelled, computed once per evidence."""
    cache = ev.__dict__.setdefault("_statement_unravelled", {})
    key = (name, shape)
    if key not in cache:
        cache[key] = [_unravel(flat, shape) for flat in range(count)]
    return cache[key]


def _prefix_block(ev: Evidence, level: int, prefix: tuple[int, ...] | None = None
                  ) -> dict[tuple[int, ...], dict[tuple, Any]] | None:
    """The operator T_{0,...,0} (``level`` zeros) of channel pair (0, 0), read off M: entries at
    one position (i_b, j_b), b < level, where tap 0 of axis b lands, keeping the weights whose
    first ``level`` spatial indices are 0 (or ``prefix``, of length ``level``).  Returns
    {(i_level.., j_level..): coefficient}, None when no such weight meets an input.  Cached per
    evidence."""
    prefix = (0,) * level if prefix is None else tuple(prefix)
    cache = ev.__dict__.setdefault("_statement_prefix_blocks", {})
    if (level, prefix) in cache:
        return cache[(level, prefix)]
    shape = kernel_shape(ev)
    spatial_in, spatial_out = tuple(ev.input_shape[1:]), tuple(ev.output_shape[1:])
    rows_per_channel = 1
    for size in spatial_out:
        rows_per_channel *= size
    cols_per_channel = 1
    for size in spatial_in:
        cols_per_channel *= size
    weights_index = _unravelled(ev, "weights", shape, len(ev.kernel))
    chosen = {w for w, index in enumerate(weights_index)
              if index[:2] == (0, 0) and index[2:2 + level] == prefix}
    out_index = _unravelled(ev, "out", spatial_out, rows_per_channel)
    in_index = _unravelled(ev, "in", spatial_in, cols_per_channel)
    rows = ev.rows
    entries: list[tuple[tuple, tuple, Any]] = []
    for r in range(rows_per_channel):
        for column, weights in ev.taps[r].items():
            if column >= cols_per_channel:
                continue  # another input channel
            if all(w in chosen for w in weights):  # the entry as it is in M
                entries.append((out_index[r], in_index[column], rows[r].get(column, 0)))
                continue
            kept = [(w, mult) for w, mult in weights.items() if w in chosen]
            if kept:
                entries.append((out_index[r], in_index[column],
                                sympy.Add(*[mult * ev.kernel[w] for w, mult in kept])))
    result = None
    if entries:
        anchor = min((i[:level], j[:level]) for i, j, _ in entries)
        result = {(i[level:], j[level:]): value for i, j, value in entries
                  if (i[:level], j[:level]) == anchor}
    cache[(level, prefix)] = result
    return result


def block_pairs(ev: Evidence, level: int) -> set[tuple[int, int]] | None:
    """The (i_level, j_level) blocks of T_{0,...,0} (see ``_prefix_block``) that hold a non-zero
    entry; None when T_{0,...,0} does not show in M.  A fast path of ``_prefix_block`` (one pass,
    only the anchor's entries), cached per evidence."""
    cache = ev.__dict__.setdefault("_statement_block_pairs", {})
    if level in cache:
        return cache[level]
    shape = kernel_shape(ev)
    spatial_in, spatial_out = tuple(ev.input_shape[1:]), tuple(ev.output_shape[1:])
    rows_per_channel = 1
    for size in spatial_out:
        rows_per_channel *= size
    cols_per_channel = 1
    for size in spatial_in:
        cols_per_channel *= size
    weights_index = _unravelled(ev, "weights", shape, len(ev.kernel))
    prefix = (0,) * level
    chosen = {w for w, index in enumerate(weights_index)
              if index[:2] == (0, 0) and index[2:2 + level] == prefix}
    out_index = _unravelled(ev, "out", spatial_out, rows_per_channel)
    in_index = _unravelled(ev, "in", spatial_in, cols_per_channel)
    if level == 0:  # M^{(0,0)} itself: every weight of its entries is chosen
        rows = ev.rows
        pairs0 = {(out_index[r][0], in_index[column][0]) for r in range(rows_per_channel)
                  for column, value in rows[r].items()
                  if column < cols_per_channel and nonzero_value(value)}
        found = pairs0 if any(column < cols_per_channel for r in range(rows_per_channel)
                              for column in ev.taps[r]) else None
        cache[level] = found
        return found
    anchor = None  # the smallest (i[:level], j[:level]) where a chosen weight lands
    for r in range(rows_per_channel):
        head = out_index[r][:level]
        if anchor is not None and head > anchor[0]:
            break
        for column, weights in ev.taps[r].items():
            if column < cols_per_channel and any(w in chosen for w in weights):
                candidate = (head, in_index[column][:level])
                if anchor is None or candidate < anchor:
                    anchor = candidate
    if anchor is None:
        cache[level] = None
        return None
    rows = ev.rows
    pairs: set[tuple[int, int]] = set()
    for r in range(rows_per_channel):
        if out_index[r][:level] != anchor[0]:
            continue
        i = out_index[r][level]
        for column, weights in ev.taps[r].items():
            if column >= cols_per_channel or in_index[column][:level] != anchor[1]:
                continue
            if all(w in chosen for w in weights):
                value = rows[r].get(column, 0)
            else:
                value = sympy.Add(*[mult * ev.kernel[w] for w, mult in weights.items()
                                    if w in chosen])
            if nonzero_value(value):
                pairs.add((i, in_index[column][level]))
    cache[level] = pairs
    return pairs


@register("nonzero_blocks", "Along axis `axis`, the operator T_{0,...,0} (`axis` zeros; M itself "
          "for axis 0, channel pair (0, 0)) is a grid of blocks of which `count` are non-zero.")
def _nonzero_blocks(params: Mapping[str, Any], ev: Evidence) -> bool:
    pairs = block_pairs(ev, params["axis"])
    return (0 if pairs is None else len(pairs)) == params["count"]
