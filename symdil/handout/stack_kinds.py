"""Exercise kinds about a stack of convolutions: receptive field and region, effective stride and
padding, the single equivalent convolution.

Each kind has a maker ``make_<kind>(rng, level)`` (sizes from ``random.Random`` only, drawn from
the level's ranges) and a check ``check_<kind>(stack, question, answer)``.  The answer is read
from ``symdil.stack.Stack`` (its receptive-field arithmetic and ``single_conv``); the check
recomputes it another way: the input positions an output reads, followed through the layers one
tap at a time (a plain loop over ``j = s i + d t - p``), and the composed kernel as a sum over
every choice of one tap per layer.

Question keys: ``n`` (input length), ``layers`` (per layer ``kernel_size``, ``stride``,
``dilation``, ``padding`` as (before, after)), ``row`` (receptive_field only).  Answer keys:

=================  ===========================================================================
receptive_field    receptive_field, region: (first, last) input position read by output ``row``
effective_stride   effective_stride, effective_padding (before)
single_conv        kernel_size, stride, padding (before), taps: composed taps (SymPy), in order
=================  ===========================================================================
"""

from __future__ import annotations

import random
from typing import Any, Mapping

import sympy

from ..stack.model import Stack

KINDS = ("receptive_field", "effective_stride", "single_conv")

#: Per level: (layers, n, K, s, d, p) inclusive ranges; level 3 is a WaveNet block half the time.
_SIZES = {
    1: ((2, 2), (8, 12), (2, 3), (1, 1), (1, 2), (0, 0)),
    2: ((2, 2), (10, 16), (2, 3), (1, 2), (1, 2), (0, 1)),
    3: ((2, 3), (12, 24), (2, 3), (1, 2), (1, 3), (0, 2)),
}


#: effective_stride at level 1: strides and padding it asks about, dilation 1 (level 1 of the
#: other kinds has neither, and would make both answers trivial).
_EFFECTIVE_LEVEL_1 = ((2, 2), (8, 12), (2, 3), (1, 2), (1, 1), (0, 1))


def _layers(rng: random.Random, level: int, sizes: tuple | None = None,
            ) -> tuple[int, tuple[dict[str, Any], ...]]:
    """An input length and layer sizes whose stack has at least 3 outputs, every one reading
    some input (no empty rows)."""
    count, n_range, k_range, s_range, d_range, p_range = sizes or _SIZES[level]
    while True:
        if level == 3 and rng.random() < 0.5:  # a WaveNet block: K = 2, dilations 1, 2, 4 (, 8)
            depth = rng.randint(3, 4)
            n = rng.randint(2 ** depth + 2, 2 ** depth + 10)
            layers = tuple({"kernel_size": 2, "stride": 1, "dilation": 2 ** layer,
                            "padding": (0, 0)} for layer in range(depth))
        else:
            n = rng.randint(*n_range)
            layers = tuple({"kernel_size": rng.randint(*k_range),
                            "stride": rng.randint(*s_range),
                            "dilation": rng.randint(*d_range),
                            "padding": (rng.randint(*p_range),) * 2}
                           for _ in range(rng.randint(*count)))
        lengths = _lengths(n, layers)
        if lengths is not None and lengths[-1] >= 3 and all(
                _inputs_read(n, layers, lengths, i) for i in range(lengths[-1])):
            return n, layers


def stack_of(n: int, layers: tuple[Mapping[str, Any], ...]) -> Stack:
    """The ``Stack`` the question describes (symbolic taps ``k^{(l)}_t``)."""
    return Stack(n, [{"kernel": layer["kernel_size"], "stride": layer["stride"],
                      "dilation": layer["dilation"], "padding": tuple(layer["padding"])}
                     for layer in layers])


def _lengths(n: int, layers: tuple[Mapping[str, Any], ...]) -> list[int] | None:
    """Each layer's output length counted window by window; None when one has no output."""
    out = []
    for layer in layers:
        K, s, d = layer["kernel_size"], layer["stride"], layer["dilation"]
        before, after = layer["padding"]
        count = 0
        while s * count + d * (K - 1) <= n + before + after - 1:
            count += 1
        if count == 0:
            return None
        out.append(count)
        n = count
    return out


def _positions(layers: tuple[Mapping[str, Any], ...], i: int) -> set[int]:
    """Every input position (padding included) output ``i`` reads: the last layer's taps, then
    each of those positions' taps one layer down, and so on (one tap at a time)."""
    positions = {i}
    for layer in reversed(layers):
        below = set()
        for j in positions:
            for t in range(layer["kernel_size"]):
                below.add(layer["stride"] * j + layer["dilation"] * t - layer["padding"][0])
        positions = below
    return positions


def _inputs_read(n: int, layers: tuple[Mapping[str, Any], ...], lengths: list[int],
                 i: int) -> set[int]:
    """The inputs output ``i`` really depends on: like ``_positions``, but a position in a
    layer's padding reads a zero and stops there (an output reading only zeros is empty)."""
    sizes = [n] + lengths[:-1]
    positions = {i}
    for layer, size in zip(reversed(layers), reversed(sizes)):
        positions = {layer["stride"] * j + layer["dilation"] * t - layer["padding"][0]
                     for j in positions for t in range(layer["kernel_size"])}
        positions = {j for j in positions if 0 <= j < size}
    return positions


def _question(n: int, layers: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    return {"n": n, "layers": layers}


def make_receptive_field(rng: random.Random, level: int) -> tuple[Stack, dict, dict]:
    n, layers = _layers(rng, level)
    stack = stack_of(n, layers)
    row = rng.randrange(stack.output_length)
    return (stack, {**_question(n, layers), "row": row},
            {"receptive_field": stack.receptive_field,
             "region": tuple(stack.receptive_field_region(row))})


def make_effective_stride(rng: random.Random, level: int) -> tuple[Stack, dict, dict]:
    while True:  # no stride or no padding would make an answer trivial (1 or 0)
        n, layers = _layers(rng, level, _EFFECTIVE_LEVEL_1 if level == 1 else None)
        if any(layer["stride"] > 1 for layer in layers) and any(
                layer["padding"][0] > 0 for layer in layers):
            break
    stack = stack_of(n, layers)
    return (stack, _question(n, layers),
            {"effective_stride": stack.effective_stride,
             "effective_padding": stack.effective_padding[0]})


def make_single_conv(rng: random.Random, level: int) -> tuple[Stack, dict, dict]:
    while True:
        n, layers = _layers(rng, min(level, 2))  # two layers: the taps stay readable
        stack = stack_of(n, layers)
        single = stack.single_conv()
        if single.candidate is not None:
            break
    candidate = single.candidate
    axis = candidate.axes[0]
    return (stack, _question(n, layers),
            {"kernel_size": axis.kernel_size, "stride": axis.stride,
             "padding": axis.pad_before, "taps": tuple(candidate.kernel),
             "border_rows": tuple(single.border)})


# ----- independent checks ---------------------------------------------------------------------


def _describes(stack: Stack, q: Mapping[str, Any]) -> bool:
    sizes = tuple((layer.axes[0].kernel_size, layer.axes[0].stride, layer.axes[0].dilation,
                   (layer.axes[0].pad_before, layer.axes[0].pad_after)) for layer in stack.layers)
    return stack.n == q["n"] and sizes == tuple(
        (layer["kernel_size"], layer["stride"], layer["dilation"], tuple(layer["padding"]))
        for layer in q["layers"])


def check_receptive_field(stack: Stack, q: Mapping, a: Mapping) -> bool:
    layers = q["layers"]
    m = _lengths(q["n"], layers)[-1]
    spans = [max(p) - min(p) + 1 for p in (_positions(layers, i) for i in range(m))]
    reads = _positions(layers, q["row"])
    return (_describes(stack, q) and a["receptive_field"] == max(spans) == min(spans)
            and tuple(a["region"]) == (min(reads), max(reads)))


def check_effective_stride(stack: Stack, q: Mapping, a: Mapping) -> bool:
    layers = q["layers"]
    m = _lengths(q["n"], layers)[-1]
    starts = [min(_positions(layers, i)) for i in range(m)]
    steps = {later - earlier for earlier, later in zip(starts, starts[1:])}
    return (_describes(stack, q) and steps == {a["effective_stride"]}
            and a["effective_padding"] == -starts[0])


def composed_taps(stack: Stack) -> list[sympy.Expr]:
    """The single convolution's taps, summed over every choice of one tap per layer: choosing
    taps t_1..t_L moves the read position by sum_l d_l t_l J_l (J_l the product of the strides
    below layer l)."""
    taps: dict[int, sympy.Expr] = {}
    choices: list[tuple[int, sympy.Expr]] = [(0, sympy.Integer(1))]
    jump = 1
    for layer in stack.layers:
        axis = layer.axes[0]
        choices = [(offset + axis.dilation * t * jump, product * layer.kernel[t])
                   for offset, product in choices for t in range(axis.kernel_size)]
        jump *= axis.stride
    for offset, product in choices:
        taps[offset] = taps.get(offset, sympy.Integer(0)) + product
    span = max(taps) + 1
    return [sympy.expand(taps.get(t, sympy.Integer(0))) for t in range(span)]


def check_single_conv(stack: Stack, q: Mapping, a: Mapping) -> bool:
    layers = q["layers"]
    taps = composed_taps(stack)
    starts = [min(_positions(layers, i)) for i in range(2)]
    if not (_describes(stack, q) and a["kernel_size"] == len(taps)
            and a["stride"] == starts[1] - starts[0] and a["padding"] == -starts[0]
            and all(sympy.expand(x - y) == 0 for x, y in zip(a["taps"], taps))):
        return False
    # an interior row of the stack's own matrix is the single convolution's row
    interior = [r for r in range(stack.shape[0]) if r not in set(a["border_rows"])]
    if not interior:
        return True
    r = interior[len(interior) // 2]
    row = stack.row(r)
    expected: dict[int, sympy.Expr] = {}
    for t, tap in enumerate(taps):
        j = a["stride"] * r + t - a["padding"]
        if 0 <= j < q["n"] and tap != 0:
            expected[j] = tap
    return set(row) == set(expected) and all(
        sympy.expand(row[j] - expected[j]) == 0 for j in expected)


MAKERS = {"receptive_field": make_receptive_field, "effective_stride": make_effective_stride,
          "single_conv": make_single_conv}
CHECKS = {"receptive_field": check_receptive_field, "effective_stride": check_effective_stride,
          "single_conv": check_single_conv}
