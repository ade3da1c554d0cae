"""Small LaTeX builders of the derivations (math only; words live in the templates)."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import sympy

from ..core.conv import Conv
from ..layout.width import current_width
from ..render.measure import estimated_width
from ..render.printer import (
    SymdilLatexPrinter,
    latex,
    latex_base,
    latex_index,
    sum_latex,
)


def _floor_frac(numerator: str, denominator: int) -> str:
    if denominator == 1:
        return numerator
    return rf"\left\lfloor \frac{{{numerator}}}{{{denominator}}} \right\rfloor"


def _sym(base: str, index: Any) -> str:
    return latex_base(base) + "_{" + (index if isinstance(index, str) else latex_index(index)) + "}"





def _term(printer: SymdilLatexPrinter, coefficient: Any, symbol: str) -> str:
    """``coefficient symbol`` with the coefficient first, as in the sum (``1``/``-1`` dropped,
    a sum in parentheses)."""
    if coefficient == 1:
        return symbol
    if coefficient == -1:
        return "-" + symbol
    text = printer._print(coefficient)
    if isinstance(coefficient, sympy.Add):
        text = rf"\left({text}\right)"
    return text + r"\, " + symbol


def _chain(lhs: str, sides: Sequence[str]) -> str:
    """``lhs = a = b = c`` on one line when it fits a line, else on ``aligned`` lines, each
    ``= side`` joining the line above when it fits."""
    line = " = ".join([lhs, *sides])
    if estimated_width(line) <= current_width():
        return line
    lines = [[sides[0]]]
    for side in sides[1:]:  # each further side joins the line above when it fits
        if estimated_width(lhs + " = " + " = ".join(lines[-1] + [side])) <= current_width():
            lines[-1].append(side)
        else:
            lines.append([side])
    return (r"\begin{aligned} " + lhs + " &= " + r" \\ &= ".join(" = ".join(line)
                                                                for line in lines)
            + r" \end{aligned}")


def _toeplitz(axis: Any) -> bool:
    """The 1-D operator of ``axis`` is constant along its diagonals: stride 1 and no padding
    that folds taps (zero padding and transposed crops keep a Toeplitz matrix)."""
    from ..statements.facts import border_lines

    return axis.stride == 1 and not border_lines(_axis_operator(axis)).folded


def _interior(interior: tuple[Any, Any] | None) -> dict[str, Any] | None:
    """The interior lines ``first .. last`` for the templates (``single``: just one line)."""
    if interior is None:
        return None
    first, last = interior
    return {"first": latex_index(first), "last": latex_index(last), "single": first == last,
            "count": latex(last - first + 1)}


def _line_set(indices: Sequence[int], total: int) -> dict[str, Any] | None:
    """A set of rows or columns, for the words: the first ``first`` lines, the last ``last``
    lines, the ``listed`` others (printed), or ``all`` of them; None when empty.  ``plural``
    tells the verb (``every block row holds``, ``the first 2 block rows hold``)."""
    chosen = sorted(set(indices))
    if not chosen:
        return None
    if len(chosen) == total:
        return {"all": True, "first": 0, "last": 0, "listed": [], "plural": False}
    members = set(chosen)
    first = 0
    while first in members:
        first += 1
    last = 0
    while total - 1 - last in members:
        last += 1
    listed = [latex_index(i) for i in chosen if first <= i < total - last]
    return {"all": False, "first": first, "last": last, "listed": listed,
            "plural": len(chosen) > 1}


def _range(var: str, count: int) -> str:
    """``t = 0, 1`` for a few values, ``t = 0, \\dots, 5`` for more."""
    if count <= 4:
        return f"{var} = " + ", ".join(str(v) for v in range(count))
    return f"{var} = 0, \\dots, {count - 1}"


def _listing(base: str, count: Any) -> str:
    """``a_{0}, a_{1}, a_{2}`` for a few, ``a_{0}, a_{1}, \\dots, a_{n - 1}`` for many."""
    if isinstance(count, int) and count <= 4:
        return ", ".join(_sym(base, i) for i in range(count))
    return f"{_sym(base, 0)}, {_sym(base, 1)}, \\dots, {_sym(base, count - 1)}"


def _factor(value: Any) -> str:
    """A factor of a product: parenthesised when it is a sum."""
    text = latex(value)
    return f"({text})" if isinstance(value, sympy.Add) else text


def _int(value: Any) -> Any:
    if isinstance(value, sympy.Integer):
        return int(value)
    return value


def _entry(entries: dict, column: Any) -> Any:
    for key, value in entries.items():
        if sympy.simplify(key - column) == 0:
            return value
    return 0


def _axis_word(a: int, ndim: int) -> str:
    """Index names: ``i``/``t``/``j`` in 1-D, ``i_{a}`` along axis a in N-D."""
    return "" if ndim == 1 else f"_{{{a}}}"


def _index_symbols(name: str, ndim: int) -> list[sympy.Symbol]:
    if ndim == 1:
        return [sympy.Symbol(name, integer=True)]
    return [sympy.Symbol(f"{name}_{a}", integer=True) for a in range(ndim)]


def _times(values: Iterable[Any]) -> str:
    return r" \times ".join(latex(v) for v in values)


def _axis_operator(axis: Any) -> Conv:
    from ..statements.facts import axis_operator

    return axis_operator(axis, axis.kernel_size)


def _with_period(tex: str) -> str:
    """A displayed equation ending a sentence: the period after its last line, inside an
    ``aligned`` block (after ``\\end{aligned}`` it would dangle beside the middle line)."""
    end = r" \end{aligned}"
    if tex.endswith(end):
        return tex[:-len(end)] + "." + end
    return tex + "."


def _split_sum(lhs: str, terms: list, printer: SymdilLatexPrinter) -> str:
    """``lhs = t_1 + t_2 + ...``, broken into ``aligned`` lines that fit a page line."""
    lines: list[list] = [[]]
    for term in terms:
        trial = lines[-1] + [term]
        if lines[-1] and estimated_width(sum_latex(trial, printer)) > current_width() - 80:
            lines.append([term])
        else:
            lines[-1] = trial
    texts = [sum_latex(line, printer) for line in lines]
    if len(texts) == 1:
        return f"{lhs} = {texts[0]}"
    rest = "".join(r" \\ &" + (text if text.startswith("-") else "+ " + text)
                   for text in texts[1:])
    return rf"\begin{{aligned}} {lhs} ={{}}& {texts[0]}{rest} \end{{aligned}}"


def _prod(values: Iterable[Any]) -> Any:
    result = 1
    for value in values:
        result *= value
    return result


def parameter_title(op: Any) -> str:
    """Every parameter of ``op`` for a title, as TeX: ``n, K, s, d`` and the padding (per axis
    in N-D), the output padding of a transposed operator, and the channels and groups."""
    def per_axis(values: list) -> str:
        return latex(values[0]) if len(values) == 1 else r" \times ".join(
            latex(v) for v in values)

    def pairs(values: list) -> str:
        text = ", ".join(f"({b}, {a})" for b, a in values)
        return text if len(values) == 1 else "(" + text + ")"

    axes = op.axes
    parts = [] if axes[0].symbolic else [f"n = {per_axis([a.n for a in axes])}"]
    parts += [f"K = {per_axis([a.kernel_size for a in axes])}",
              "s = " + pairs_or_one([a.stride for a in axes]),
              "d = " + pairs_or_one([a.dilation for a in axes]),
              "p = " + pairs([(a.pad_before, a.pad_after) for a in axes])]
    if axes[0].transposed and any(a.output_padding for a in axes):
        parts.append(r"p_{\mathrm{out}} = " + pairs_or_one([a.output_padding for a in axes]))
    if op.in_channels > 1 or op.out_channels > 1:
        parts += [rf"C_{{\mathrm{{in}}}} = {op.in_channels}",
                  rf"C_{{\mathrm{{out}}}} = {op.out_channels}"]
        if op.groups > 1:
            parts.append(f"G = {op.groups}")
    return r",\ ".join(parts)


def pairs_or_one(values: list) -> str:
    """``2`` for one axis, ``(2, 1)`` for several."""
    return str(values[0]) if len(values) == 1 else "(" + ", ".join(map(str, values)) + ")"


def title_kinds(op: Any) -> list[str]:
    """The words before ``convolution`` in a title: what sets the operator apart, including
    the padding mode and a flipped kernel (every parameter is in the title)."""
    axes = op.axes
    kinds = []
    if op.transposed:
        kinds.append("transposed")
    if any(a.stride > 1 for a in axes):
        kinds.append("strided")
    if any(a.dilation > 1 for a in axes):
        kinds.append("dilated")
    if op.groups > 1:
        kinds.append("grouped")
    if axes[0].padding_mode != "zeros" and any(a.pad_before or a.pad_after for a in axes):
        kinds.append(f"{axes[0].padding_mode}-padded")
    if axes[0].flip:
        kinds.append("flipped-kernel")
    return kinds
