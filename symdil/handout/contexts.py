"""The template data of the stack and matrix-reading exercise kinds (see ``stack_kinds`` and
``matrix_kinds``): what the student is given and the answer, as numbers and pre-printed math.

Each builder returns ``(question, answer, asked)`` as ``document.exercise_context`` expects; every
number is read from the exercise's answer data, and the worked steps are recomputed here from the
sizes and compared with it (``agree``), so a key never shows a chain that ends elsewhere.
"""

from __future__ import annotations

from typing import Any, Callable

import sympy

from ..core.errors import SymdilError
from ..layout.matrices import bracket_matrix
from ..render.printer import SymdilLatexPrinter, latex

_PB = r"p_{\mathrm{before}}"


def agree(value: Any, expected: Any, what: str) -> None:
    if value != expected:
        raise SymdilError(f"internal error: the handout's {what} {value} disagrees with the "
                          f"answer {expected}")


def _join(values: Any) -> str:
    return ", ".join(latex(v) for v in values)


def _layer_rows(layers: Any) -> list[list[str]]:
    return [[str(number), str(layer["kernel_size"]), str(layer["stride"]),
             str(layer["dilation"]), f"({layer['padding'][0]}, {layer['padding'][1]})"]
            for number, layer in enumerate(layers, start=1)]


def _jumps(layers: Any) -> list[int]:
    jumps, jump = [], 1
    for layer in layers:
        jumps.append(jump)
        jump *= layer["stride"]
    return jumps


def _stack_given(q: Any) -> dict[str, Any]:
    return {"given": f"n = {q['n']}", "layers": _layer_rows(q["layers"]),
            "depth": len(q["layers"])}


def _receptive_chain(layers: Any) -> tuple[str, int]:
    """``r = 1 + sum_l d_l (K_l - 1) J_l`` with the numbers, and its value."""
    jumps = _jumps(layers)
    terms = [rf"{layer['dilation']} \cdot {layer['kernel_size'] - 1} \cdot {jump}"
             for layer, jump in zip(layers, jumps)]
    value = 1 + sum(layer["dilation"] * (layer["kernel_size"] - 1) * jump
                    for layer, jump in zip(layers, jumps))
    return "r = 1 + " + " + ".join(terms) + f" = {value}", value


def _padding_chain(layers: Any) -> tuple[str, int]:
    jumps = _jumps(layers)
    terms = [rf"{layer['padding'][0]} \cdot {jump}" for layer, jump in zip(layers, jumps)]
    value = sum(layer["padding"][0] * jump for layer, jump in zip(layers, jumps))
    return "P = " + " + ".join(terms) + f" = {value}", value


def _stride_chain(layers: Any) -> tuple[str, int]:
    value = 1
    for layer in layers:
        value *= layer["stride"]
    return "S = " + r" \cdot ".join(str(layer["stride"]) for layer in layers) + f" = {value}", value


def receptive_field(e: Any, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    chain, r = _receptive_chain(q["layers"])
    agree(r, a["receptive_field"], "receptive field")
    stride_chain, S = _stride_chain(q["layers"])
    padding_chain, P = _padding_chain(q["layers"])
    row = q["row"]
    first, last = S * row - P, S * row - P + r - 1
    agree((first, last), tuple(a["region"]), "region")
    return ({**_stack_given(q), "row": row},
            {"chain": chain, "stride": stride_chain, "padding": padding_chain,
             "region": (rf"[u, v] = [S \cdot {row} - P,\ S \cdot {row} - P + r - 1] = "
                        rf"[{first}, {last}]"),
             "r": r, "outside": first < 0 or last > q["n"] - 1},
            r"r = \,?,\quad [u, v] = \,?")


def effective_stride(e: Any, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    stride_chain, S = _stride_chain(q["layers"])
    padding_chain, P = _padding_chain(q["layers"])
    agree((S, P), (a["effective_stride"], a["effective_padding"]), "effective stride/padding")
    jumps = _jumps(q["layers"])
    return (_stack_given(q),
            {"stride": stride_chain, "padding": padding_chain,
             "jumps": ",\\quad ".join(f"J_{{{number}}} = {jump}" for number, jump in
                                      enumerate(jumps, start=1))},
            r"S = \,?,\quad P = \,?")


def single_conv(e: Any, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    chain, r = _receptive_chain(q["layers"])
    stride_chain, S = _stride_chain(q["layers"])
    padding_chain, P = _padding_chain(q["layers"])
    agree((r, S, P), (a["kernel_size"], a["stride"], a["padding"]), "single convolution")
    # one tap per line: a sum of products per tap is too wide to run along a line
    taps = r"\begin{aligned}" + r" \\ ".join(
        rf"\kappa_{{{t}}} &= {printer.doprint(sympy.sympify(tap))}"
        for t, tap in enumerate(a["taps"])) + r"\end{aligned}"
    return (_stack_given(q),
            {"chain": chain, "stride": stride_chain, "padding": padding_chain,
             "taps": taps, "border": len(a["border_rows"]),
             "sizes": rf"K = {r},\quad s = {S},\quad {_PB} = {P}"},
            r"K = \,?,\quad s = \,?,\quad p = \,?")


def _given_1d(q: Any) -> str:
    parts = [f"n = {q['n']}", f"K = {q['kernel_size']}", f"s = {q['stride']}",
             f"d = {q['dilation']}", f"p = ({q['padding'][0]}, {q['padding'][1]})"]
    return r",\quad ".join(parts)


def transposed_length(e: Any, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    n, K, s, d = q["n"], q["kernel_size"], q["stride"], q["dilation"]
    p, out = q["padding"][0], q["output_padding"]
    value = (n - 1) * s - 2 * p + d * (K - 1) + out + 1
    agree(value, a["output_length"], "transposed output length")
    return ({"given": _given_1d(q) + rf",\quad p_{{\mathrm{{out}}}} = {out}"},
            {"equation": (rf"m = ({n} - 1) \cdot {s} - 2 \cdot {p} + {d} \cdot ({K} - 1) + "
                          rf"{out} + 1 = {value}"),
             "without": value - out, "out": out},
            r"m = \,?")


def _vector(name: str, values: Any) -> str:
    return f"{name} = (" + ", ".join(map(str, values)) + ")"


def _channels(kernel: Any, values: Any) -> str:
    """Per channel its kernel, then per channel its input, one per line (too wide for one)."""
    rows = [rf"k^{{({c})}} &= (" + ", ".join(map(str, taps)) + ")"
            for c, taps in enumerate(kernel)]
    rows += [rf"a^{{({c})}} &= (" + ", ".join(map(str, row)) + ")"
             for c, row in enumerate(values)]
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


def numeric_output(e: Any, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    kernel, values = q["kernel"], q["input"]
    lines = []
    for i, y in enumerate(a["output"]):
        per_channel = []
        total = 0
        for c in range(len(kernel)):
            terms = []
            for t in range(q["kernel_size"]):
                j = q["stride"] * i + q["dilation"] * t - q["padding"][0]
                if 0 <= j < q["n"]:
                    terms.append(rf"({kernel[c][t]}) \cdot ({values[c][j]})")
                    total += kernel[c][t] * values[c][j]
            per_channel.append(" + ".join(terms))
        agree(total, y, f"output y_{i}")
        # one line per channel: two channels' terms are too many for one line
        lines.append(rf"y_{{{i}}} &= " + r" \\ &\quad + ".join(per_channel) + f" = {y}")
    return ({"given": _given_1d(q), "kernel": _vector("k", kernel[0]),
             "input": _vector("a", values[0]), "channels_display": _channels(kernel, values),
             "m": len(a["output"]), "channels": len(kernel)},
            {"lines": r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}",
             "output": "y = (" + ", ".join(map(str, a["output"])) + ")"},
            r"y = \,?")


def _matrix(matrix: Any, printer: SymdilLatexPrinter, mark: Any = None) -> str:
    return "M = " + bracket_matrix(
        [[(rf"\boxed{{{printer.entry(matrix[r, c])}}}" if mark == (r, c)
           else printer.entry(matrix[r, c])) for c in range(matrix.cols)]
         for r in range(matrix.rows)])


def which_parameters(e: Any, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    matrix = q["matrix"]
    s, d, p = a["stride"], a["dilation"], a["padding"]
    row0 = sorted(c for c in range(matrix.cols) if matrix[0, c] != 0)
    row1 = sorted(c for c in range(matrix.cols) if matrix[1, c] != 0)
    return ({"given": rf"n = {q['n']},\quad K = {q['kernel_size']}",
             "matrix": _matrix(matrix, printer), "shape": rf"{matrix.rows} \times {matrix.cols}"},
            {"parameters": rf"s = {s},\quad d = {d},\quad {_PB} = {p}",
             "first": _join(row0), "second": _join(row1)},
            rf"s = \,?,\quad d = \,?,\quad {_PB} = \,?")


def find_wrong_entry(e: Any, printer: SymdilLatexPrinter) -> tuple[dict, dict, str]:
    q, a = e.question, e.answer
    r, c = a["row"], a["column"]
    t_values = [t for t in range(q["kernel_size"])
                if q["stride"] * r + q["dilation"] * t - q["padding"][0] == c]
    return ({"given": _given_1d(q), "matrix": _matrix(q["matrix"], printer)},
            {"cell": rf"M_{{{r},{c}}}",
             "claimed": printer.entry(a["claimed"]), "correct": printer.entry(a["correct"]),
             "rule": (rf"j = s i + d t - {_PB} = {q['stride']} \cdot {r} + {q['dilation']}\, t - "
                      rf"{q['padding'][0]}"),
             "tap": t_values[0] if t_values else None},
            r"(i, j) = \,?")


BUILDERS: dict[str, Callable[[Any, SymdilLatexPrinter], tuple[dict, dict, str]]] = {
    "receptive_field": receptive_field, "effective_stride": effective_stride,
    "single_conv": single_conv, "transposed_length": transposed_length,
    "numeric_output": numeric_output, "which_parameters": which_parameters,
    "find_wrong_entry": find_wrong_entry,
}
