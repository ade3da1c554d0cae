"""The stack derivation document: statements (``symdil.stack_statements``) and printed math
in, LaTeX or Markdown out, through one body template (``templates/body/stack.j2``) and a small
markup file per format.  Nothing here decides a fact: every number comes from a statement whose
predicate ``StackDocument.check()`` (and ``--verify``) evaluates on the composed rows."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from ..core.spec import SymdilError
from ..layout.elision import DEFAULT_MAX_COLS, DEFAULT_MAX_ROWS, matrix_layout
from ..layout.matrices import (
    EQUATION_SPACING,
    bracket_matrix,
    matrix_cells,
)
from ..layout.width import current_width, estimate_units, line_width, using_width
from ..render.environment import (
    check_title,
    latex_text_error,
    needs_latin_fonts,
    render_template,
)
from ..render.measure import array_width
from ..render.printer import SymdilLatexPrinter
from .checks import MAX_CHECK_OUTPUTS
from .model import MAX_PRODUCT_NONZEROS, Stack
from .statements import StackEvidence, StackStatement, stack_statements

FORMATS = ("latex", "markdown", "html")
#: The human name of each stack statement kind (the verification section names them).
KIND_TITLES = {"stack_layer_lengths": "layer sizes", "stack_receptive_field": "receptive fields",
               "stack_product": "the composed product", "stack_region": "regions",
               "stack_single_conv": "one convolution", "stack_polynomial": "the taps of C(z)"}

#: Composed taps listed in full up to this many; beyond, the first and last three.
MAX_TAPS_SHOWN = 8


def _natural(symbol: Any) -> tuple:
    """Sort key of a factor: numbers inside its name compared as numbers (k^{(2)} < k^{(10)})."""
    name = str(symbol)
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"(\d+)", name))


class _StackPrinter(SymdilLatexPrinter):
    """Products of taps in layer order: ``k^{(1)}_{0} k^{(2)}_{1} ... k^{(10)}_{0}`` (SymPy would
    sort the names as strings, putting layer 10 after layer 1)."""

    def _print_Mul(self, expr: Any) -> str:
        # printed once per printer: the page-fitting loop prints the same entries at each size
        # it tries, and a deep stack's entries have one factor per layer
        printed = self.__dict__.setdefault("_printed", {})
        if expr not in printed:
            printed[expr] = self._print_product(expr)
        return printed[expr]

    def _print_product(self, expr: Any) -> str:
        coefficient, factors = expr.as_coeff_mul()
        if not all(f.is_Symbol or (f.is_Pow and f.base.is_Symbol and f.exp.is_Integer
                                   and f.exp > 0) for f in factors):
            return super()._print_Mul(expr)
        ordered = sorted(factors, key=lambda f: _natural(f.base if f.is_Pow else f))
        text = " ".join(self._print(f) for f in ordered)
        if coefficient == 1:
            return text
        if coefficient == -1:
            return "- " + text
        return self._print(coefficient) + " " + text


def _chain(definition: str, terms: list[str], joiner: str, result: Any, per_line: int = 4
           ) -> str:
    """``definition = t_1 + ... + t_n = result`` as aligned lines of ``per_line`` terms."""
    lines = [definition]
    for start in range(0, len(terms), per_line):
        chunk = joiner.join(terms[start:start + per_line])
        lines.append(("&= " if start == 0 else r"&\quad" + joiner.rstrip() + " ") + chunk)
    lines.append(f"&= {result}")
    return " \\\\\n".join(lines)


def _num(value: Any) -> str:
    if isinstance(value, Fraction):
        return rf"\tfrac{{{value.numerator}}}{{{value.denominator}}}"
    return str(value)


def _pair(pair: tuple[int, int]) -> str:
    return f"({pair[0]}, {pair[1]})"


def _axes(values: list[str]) -> str:
    return values[0] if len(values) == 1 else r"\times ".join(values)


class _Spans(dict):
    """kind -> the ids of its statements; a kind the document does not state reads as []."""

    def __missing__(self, key: str) -> list:
        return []


def _reads(stack: Stack, positions: Any, printer: Any) -> str:
    """The inputs a folding row reads (``stack_region``'s exact positions), as math: every one up
    to 8, else the first and last three and how many."""
    if stack.ndim != 1 or stack.input_shape[0] != 1:
        per_axis = [", ".join(str(p) for p in axis) for axis in positions]
        return r" \times ".join(rf"\{{{text}\}}" for text in per_axis)
    names = [printer._print(stack.input_symbol_at(p)) for p in positions[0]]
    if len(names) > 8:
        return ", ".join(names[:3]) + r", \dots, " + ", ".join(names[-3:]) + \
            rf"\ ({len(names)}\text{{ inputs}})"
    return ", ".join(names)


class StackDocument:
    """A derivation of a ``Stack``: ``render(fmt, standalone, report)`` and ``check()``."""

    def __init__(self, stack: Stack, max_rows: int = DEFAULT_MAX_ROWS,
                 max_cols: int = DEFAULT_MAX_COLS, width: Any = None) -> None:
        self.stack = stack
        self.max_rows, self.max_cols = max_rows, max_cols
        # points (None: a column for a snippet, a page for a standalone document)
        self.width = None if width is None else line_width(width)
        self.statements = stack_statements(stack)

    def check(self) -> list[tuple[StackStatement, bool]]:
        """Every statement's predicate on the composed rows (builds the product)."""
        evidence = StackEvidence.of(self.stack)
        return [(statement, statement.holds(evidence)) for statement in self.statements]

    # ----- the context ----------------------------------------------------------------------
    def context(self) -> dict[str, Any]:
        stack = self.stack
        printer = _StackPrinter()
        ndim = stack.ndim
        by_kind: dict[str, list[StackStatement]] = {}
        # what a phrased span names (symdil.render.phrasing): kind -> [{"id": index}], in order
        spans: dict[str, list[dict[str, int]]] = _Spans()
        ids = {}
        for index, statement in enumerate(self.statements):
            by_kind.setdefault(statement.kind, []).append(statement)
            spans.setdefault(statement.kind, []).append({"id": index})
            ids[id(statement)] = {"id": index}
        shapes = by_kind["stack_layer_lengths"][0].params["shapes"]
        fields = {(s.params["axis"], s.params["upto"]): s for s in by_kind["stack_receptive_field"]}
        table = []
        for number, layer in enumerate(stack.layers, start=1):
            (in_shape, out_shape) = shapes[number - 1]
            axes = layer.axes

            def cell(values: list[Any]) -> str:
                return _axes([_num(v) for v in values])

            table.append([
                str(number), cell(list(in_shape[1:])), cell([a.kernel_size for a in axes]),
                cell([a.stride for a in axes]) + (r"^{\top}" if layer.transposed else ""),
                cell([a.dilation for a in axes]),
                _axes([_pair((a.pad_before, a.pad_after)) for a in axes])
                + ("" if axes[0].padding_mode == "zeros" else
                   rf"\ \text{{{axes[0].padding_mode}}}"),
                cell(list(out_shape[1:])),
                cell([fields[(a, number)].params["r"] for a in range(ndim)]),
                cell([stack.jumps(a)[number - 1] for a in range(ndim)]),
            ])
        recurrences = []
        for axis in range(ndim):
            recurrences.append(self._recurrence(axis, fields))
        regions = []
        for statement in by_kind["stack_region"]:
            index = statement.params["index"]
            region = statement.params["region"]
            name = printer._print(stack.output_symbol_at(statement.params["row"]))
            positions = statement.params.get("positions")
            regions.append({
                "statement": ids[id(statement)],
                "folded": None if positions is None else _reads(stack, positions, printer),
                "output": name,
                "region": None if region is None else _axes(
                    [rf"[{u}, {v}]" for u, v in region]),
                "index": ", ".join(map(str, index)),
            })
        single = by_kind.get("stack_single_conv", [None])[0]
        single_context = None
        if single is not None:
            single_context = self._single(single, printer)
            single_context["polynomial"] = bool(by_kind.get("stack_polynomial"))
        else:
            found = stack.single_conv()
            single_context = {"exists": False, "candidate": False, "unbuilt": found.unbuilt,
                              "reason": found.reason}
        # the composed outputs are long sums of products: the matrix alone, elided
        equation = self._matrix()
        layers = len(stack.layers)
        return {
            "spans": spans,
            "flipped": ", ".join(str(number) for number, layer in enumerate(stack.layers, 1)
                                 if layer.axes[0].flip),
            "layers": layers,
            "n": _axes([str(v) for v in stack.input_shape[1:]]),
            "outputs": _axes([str(v) for v in stack.output_shape[1:]]),
            "channels": (stack.input_shape[0], stack.output_shape[0]),
            "table": table,
            "recurrences": recurrences,
            "product": {"equation": equation, "factors": r" ".join(
                f"M_{{{number}}}" for number in range(layers, 0, -1)) if layers <= 4
                else rf"M_{{{layers}}} M_{{{layers - 1}}} \cdots M_{{1}}",
                "shape": f"{stack.shape[0]} \\times {stack.shape[1]}"},
            "regions": regions,
            "single": single_context,
            "affine": any(bias is not None for bias in stack.biases),
            "kernel_names": next((printer._print(tap) for tap in stack.kernel
                                  if getattr(tap, "is_Symbol", False)), None),
        }

    def _matrix(self) -> str:
        """``M = [...]`` elided, with as many columns (down to 3) and then rows (down to 3) as
        fit the page: a composed entry is a sum of products of one tap per layer, often wide."""
        rows = self.max_rows
        printer = _StackPrinter()
        while True:
            if rows > 3 and self.max_cols >= 3:
                narrowest = matrix_cells(matrix_layout(self.stack, rows, 3), printer)
                if array_width(narrowest) + EQUATION_SPACING > current_width():
                    rows -= 1  # not even three columns fit: no wider choice does
                    continue
            for cols in range(self.max_cols, 2, -1):
                cells = matrix_cells(matrix_layout(self.stack, rows, cols), printer)
                if array_width(cells) + EQUATION_SPACING <= current_width() or (cols == 3
                                                                           and rows == 3):
                    return "M = " + bracket_matrix(cells)
            rows -= 1

    def _recurrence(self, axis: int, fields: dict) -> dict[str, Any]:
        stack = self.stack
        last = fields[(axis, len(stack.layers))]
        lines = []
        jumps = stack.jumps(axis)
        previous = 1
        for number, layer in enumerate(stack.layers, start=1):
            ax = layer.axes[axis]
            r = fields[(axis, number)].params["r"]
            if fields[(axis, number)].params["closed_form"]:
                lines.append(
                    rf"r_{{{number}}} &= r_{{{number - 1}}} + d_{{{number}}}(K_{{{number}}} - 1)"
                    rf"J_{{{number}}} = {previous} + {ax.dilation} \cdot {ax.kernel_size - 1} "
                    rf"\cdot {_num(jumps[number - 1])} = {r}")
            else:
                lines.append(rf"r_{{{number}}} &= {r}")
            previous = r
        closed = last.params["closed_form"]
        terms = ["1"] + [
            rf"{layer.axes[axis].dilation} \cdot {layer.axes[axis].kernel_size - 1} \cdot "
            rf"{_num(jumps[k])}" for k, layer in enumerate(stack.layers)]
        pads = [rf"{layer.axes[axis].pad_before} \cdot {_num(jumps[k])}"
                for k, layer in enumerate(stack.layers)]
        strides = [str(layer.axes[axis].stride) for layer in stack.layers]
        start = ""
        if closed:
            stride, before = last.params["stride"], last.params["before"]
            start = ("i" if stride == 1 else f"{stride} i") + (f" - {before}" if before else "")
        return {
            "axis": axis if stack.ndim > 1 else None,
            "lines": lines,
            "closed": closed,
            "r": last.params["r"],
            "r_sum": _chain(rf"r &= 1 + \sum_{{l=1}}^{{{len(stack.layers)}}} d_l (K_l - 1) J_l",
                            terms, " + ", last.params["r"]) if closed else None,
            "stride": _chain(rf"S &= \prod_{{l=1}}^{{{len(stack.layers)}}} s_l", strides,
                             r" \cdot ", last.params["stride"], 10) if closed else None,
            "padding": _chain(rf"P &= \sum_{{l=1}}^{{{len(stack.layers)}}} p_l J_l", pads,
                              " + ", last.params["before"]) if closed else None,
            "region": (rf"[u_i, v_i] = [{start},\ {start} + {last.params['r'] - 1}]"
                       if closed else None),
        }

    def _single(self, statement: StackStatement, printer: SymdilLatexPrinter) -> dict[str, Any]:
        stack = self.stack
        single = stack.single_conv()
        candidate = single.candidate
        ndim = stack.ndim
        product = None
        taps = None
        if ndim == 1 and all(layer.in_channels == layer.out_channels == 1
                             for layer in stack.layers):
            jumps = stack.jumps(0)
            factors = []
            for number, layer in enumerate(stack.layers, start=1):
                power = layer.axes[0].dilation * jumps[number - 1]
                factors.append(rf"K_{{{number}}}\!\left(z^{{{power}}}\right)")
            product = "C(z) = " + " ".join(factors)
            values = list(candidate.kernel)
            shown = list(enumerate(values))
            if len(shown) > MAX_TAPS_SHOWN:
                shown = shown[:3] + [None] + shown[-3:]
            taps = [None if item is None else rf"c_{{{item[0]}}} &= {printer._print(item[1])}"
                    for item in shown]
        border = [printer._print(stack.output_symbol_at(r)) for r in single.border]
        if len(border) > 6:
            border = border[:3] + [r"\dots"] + border[-3:]
        return {
            "exists": statement.params["exists"],
            "candidate": True,
            "reason": single.reason,
            "stride": _axes([str(a.stride) for a in candidate.axes]),
            "padding": _axes([_pair((a.pad_before, a.pad_after)) for a in candidate.axes]),
            "size": _axes([str(a.kernel_size) for a in candidate.axes]),
            "product": product,
            "taps": taps,
            "border": ", ".join(border),
            "border_count": len(single.border),
            "symbolic": statement.params["symbolic"],
            "rows": stack.shape[0],
        }

    # ----- rendering ------------------------------------------------------------------------
    def render(self, fmt: str = "latex", standalone: bool = False, report: Any = None,
               title: str | None = None, templates: Any = None) -> str:
        """The document; ``report`` (``verify_stack``'s) adds the verification section, and then
        every statement is evaluated too (a false one raises ``SymdilError``)."""
        if fmt not in FORMATS:
            raise SymdilError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        check_title(title)
        if title is not None and fmt == "latex":
            error = latex_text_error(title, "title")
            if error is not None:
                raise error
        width = self.width if self.width is not None else line_width(
            "page" if standalone or fmt == "html" else "column")
        with using_width(width):
            context = self.context()
        context["line_width"] = estimate_units(width)
        checks = None
        if report is not None:
            statements = kinds = None
            if self.stack.shape[0] <= MAX_CHECK_OUTPUTS and (
                    self.stack.nonzeros_bound <= MAX_PRODUCT_NONZEROS):
                results = self.check()
                false = [s.kind for s, ok in results if not ok]
                if false:
                    raise SymdilError(f"a statement of the stack document does not hold: "
                                      f"{', '.join(false)}")
                statements = len(results)
                kinds = ", ".join(dict.fromkeys(KIND_TITLES.get(s.kind, s.kind)
                                                for s, _ in results))
            elif not any(c.name == "stack_general_case" and c.applicable
                         for c in report.checks):
                self.stack._guard()  # the statements need the rows: refuse as the product does
            checks = {"checks": [{"name": c.name, "title": getattr(c, "title", None),
                                  "passed": c.passed, "detail": c.detail,
                                  # symdil's own typeset sentence (the proof); else the
                                  # plain detail, escaped by the format's markup
                                  "detail_latex": c.detail_latex if c.name == "stack_general_case"
                                  else None,
                                  "applicable": c.applicable} for c in report.checks],
                      "statements": statements, "kinds": kinds}
        context.update(fmt=fmt, standalone=standalone, verification=checks, title=title,
                       latin_fonts=needs_latin_fonts(title or ""),
                       default_title=f"A stack of {context['layers']} convolutions: receptive "
                       "field and composed operator")
        shell = {("latex", False): "latex/stack.tex.j2",
                 ("latex", True): "latex/stack_document.tex.j2",
                 ("html", False): "html/stack.html.j2",
                 ("html", True): "html/stack.html.j2"}.get(
            (fmt, bool(standalone)), "markdown/stack.md.j2")
        text = render_template(shell, context, templates)
        return text if text.endswith("\n") else text + "\n"
