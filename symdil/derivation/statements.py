"""The statements of a derivation, ready for the templates: per kind, the parameters the sentence
prints (numbers as LaTeX).  Templates test whether a statement exists (``stated.causal``) and
phrase it; they never decide a fact."""

from __future__ import annotations

from typing import Any, Sequence

import sympy

from ..render.printer import latex, latex_base, latex_index
from ..statements import Statement


class Stated(dict):
    """kind -> the view of the first statement of that kind; a missing kind reads as None."""

    def __missing__(self, key: str) -> None:
        return None


class StatedAll(dict):
    """kind -> the views of every statement of that kind; a missing kind reads as []."""

    def __missing__(self, key: str) -> list:
        return []


def _sym(base: str, index: Any) -> str:
    return latex_base(base) + "_{" + latex_index(index) + "}"


def _factor(value: Any) -> str:
    text = latex(value)
    return f"({text})" if isinstance(value, sympy.Add) else text


def product(a: Any, b: Any, value: Any) -> str:
    """``a \\cdot b = value`` (the value left out when it only repeats a floor product)."""
    text = rf"{_factor(a)} \cdot {_factor(b)}"
    value = sympy.expand(value)
    if isinstance(value, sympy.Basic) and value.has(sympy.floor, sympy.ceiling):
        return text
    return rf"{text} = {latex(value)}"


def _inputs(n: Any) -> str:
    """``n = 5`` for a number of inputs, ``n`` alone when it is the symbol (not ``n = n``)."""
    value = latex(n)
    return "n" if value == "n" else f"n = {value}"


def _listing(symbol: str, indices: Sequence[int], count: int) -> dict[str, Any]:
    shown = [_sym(symbol, i) for i in indices]
    return {"count": count, "list": ", ".join(shown), "shown": len(shown),
            "more": count > len(shown)}


def _taps(kernel: str, taps: Sequence[int]) -> dict[str, Any]:
    k = latex_base(kernel)
    return {"taps": ", ".join(rf"{k}_{{{t}}}" for t in taps), "count": len(taps)}


def view(statement: Statement, op: Any) -> dict[str, Any]:
    """The template view of one statement (see the module docstring)."""
    p = statement.params
    kind = statement.kind
    out: dict[str, Any] = {"kind": kind}
    if kind in ("absent_taps", "padding_only_taps", "zero_taps"):
        out.update(_taps(op.kernel_symbol, p["taps"]))
        out["indices"] = ", ".join(str(t) for t in p["taps"])
    elif kind in ("unread_inputs", "zero_weight_inputs"):
        out.update(_listing(op.input_symbol, p["first"], p["count"]))
    elif kind in ("empty_outputs", "zero_weight_outputs"):
        out.update(_listing(op.output_symbol, p["first"], p["count"]))
    elif kind == "valid_from":
        out["bound"] = p["bound"]
        out["sketch"] = bool(p.get("sketch"))  # the bound was raised for the printed matrix
    elif kind == "output_length":
        out.update(axis=p["axis"], length=latex(p["length"]))
    elif kind == "crop":
        out.update(full_length=latex(p["full_length"]), start=p["start"], end=p["end"])
    elif kind == "same_padding":
        out.update(_same(p, op))
    elif kind == "later_inputs":
        out["rows"] = [{"row": row, "inputs": ", ".join(_sym(op.input_symbol, c) for c in cols)}
                       for row, cols in p["rows"]]
    elif kind in ("shift", "interior"):
        lines = op.axes[0].n if p["g"]["transposed"] else op.axes[0].output_length
        first, last = p["first"], p["last"]
        outer = "j" if p["g"]["transposed"] else "i"
        out.update(first=latex_index(first), last=latex_index(last),
                   range=rf"{latex_index(first)} \le {outer} \le {latex_index(last)}",
                   all=first == 0 and sympy.simplify(last - (lines - 1)) == 0)
        if kind == "interior":
            out["per_line"] = p["per_line"]
    elif kind in ("band", "block_rows"):
        out.update(_band(p, op))
        out["axis"] = p["axis"]
    elif kind == "nonzero_blocks":
        out.update(axis=p["axis"], count=p["count"])
    elif kind == "residue_counts":
        counts = p["counts"]
        out.update(uniform=len(set(counts)) == 1, value=counts[0],
                   pattern=", ".join(str(c) for c in counts), residues=", ".join(
                       str(r) for r in range(len(counts))))
    elif kind == "nonzeros":
        out["count"] = latex(p["count"])
    elif kind == "products_count":
        out.update(_products(p))
        out["dense"] = product(op.shape[0], op.shape[1], p["dense"])
    elif kind == "cost":
        out.update(gather=product(p["lines"], p["per_line"], p["total"]),
                   dense=product(op.shape[0], op.shape[1], p["dense"]), fewer=False)
    elif kind == "border_rows":
        out.update(_border_rows(p))
    elif kind == "cut_rows":
        out.update(_cut_rows(p))
    elif kind in ("transpose_of_forward", "forward_transpose_columns"):
        out.update(forward_n=latex(p["forward_n"]),
                   forward_rows=latex(p.get("forward_rows", op.axes[0].n)),
                   extra=p.get("extra", 0), inputs=_inputs(op.axes[0].n))
    elif kind == "zero_insertion":
        out.update(zeros_between=p["zeros_between"],
                   upsampled_length=latex(p["upsampled_length"]),
                   pad_start=p["pad_start"], pad_end=p["pad_end"])
    elif kind == "zero_insertion_products":
        m = op.axes[0].output_length
        out.update(total=product(m, op.axes[0].kernel_size, p["total"]),
                   with_inputs=latex(p["with_inputs"]), with_zeros=latex(p["with_zeros"]),
                   with_inputs_value=p["with_inputs"])
    elif kind == "elision":
        out.update(_elision(p))
    elif kind == "kernel_values":
        out["values"] = ", ".join(latex(v) for v in p["values"])
    elif kind == "shape":
        out.update(rows=latex(p["rows"]), cols=latex(p["cols"]))
    elif kind == "window":
        out["n"] = latex(p["n"]) if "n" in p else None
    elif kind == "channel_blocks":
        out.update(separated=p["separated"], zero_kernel=p["zero_kernel"], empty=p["empty"],
                   nonzero=p["nonzero"])
    return out


def _same(p: Any, op: Any) -> dict[str, str]:
    axis = op.axes[p["axis"]]
    n, s, d, K = latex(axis.n), p["s"], p["d"], p["K"]
    target, total = p["target"], p["total"]
    before, after = p["before"], p["after"]
    return {
        "target": rf"m = \left\lceil \frac{{n}}{{s}} \right\rceil = \left\lceil "
                  rf"\frac{{{n}}}{{{s}}} \right\rceil = {latex(target)}",
        "total": (rf"\max\bigl((m-1)\,s + d\,(K-1) + 1 - n,\ 0\bigr) = "
                  rf"\max({_factor(sympy.expand(target - 1))} \cdot {s} + {d} \cdot ({K} - 1) "
                  rf"+ 1 - {n},\ 0) = {latex(total)}"),
        "split": (rf"p_{{\mathrm{{before}}}} = \left\lfloor \frac{{{latex(total)}}}"
                  rf"{{2}} \right\rfloor = {before},\quad p_{{\mathrm{{after}}}} = "
                  rf"{latex(total)} - {before} = {after}"),
    }


def _band(p: Any, op: Any) -> dict[str, Any]:
    g = p["g"]
    lines = list(p["lines"])
    # the lines the window spans (zero-valued taps included), from the statement's own span
    span = p.get("span")
    width = span[1] - span[0] + 1 if span else (lines[-1] - lines[0] + 1 if lines else 0)
    K, d = g["K"], g["d"]
    regular = len(lines) == K and all(b - a == d for a, b in zip(lines, lines[1:]))
    border = list(p["border_lines"])
    return {"lines": ", ".join(latex(v) for v in lines), "count": len(lines), "width": width,
            "zero_lines": width - len(lines), "regular": regular, "gap": d - 1,
            "interior": p["first"] is not None,
            "border_lines": ", ".join(latex(v) for v in border), "border_count": len(border)}


def _products(p: Any) -> dict[str, Any]:
    reasons = [(key, latex(p[key]) if p[key] != 0 else None) for key in ("cut", "merged",
                                                                          "zeroed")]
    return {"gather": product(p["lines"], p["per_line"], p["total"]),
            "dense_value": latex(p["dense"]), "kept": latex(p["kept"]),
            "fewer": any(value for _, value in reasons), "reasons": dict(reasons),
            "missing": latex(sympy.expand(p["total"] - p["kept"])),
            "per_line": p["per_line"], "scatter": p["scatter"]}


def _border_rows(p: Any) -> dict[str, Any]:
    bottom = p["bottom"]
    both = p["both"]
    if isinstance(bottom, dict) or hasattr(bottom, "items"):
        values = dict(bottom)
        if len(set(values.values())) == 1:
            bottom = next(iter(values.values()))
            return {"top": p["top"], "bottom": bottom, "by_residue": None,
                    "modulus": p["modulus"], "both": both, "total": p["top"] + bottom + both}
        return {"top": p["top"], "bottom": None, "modulus": p["modulus"], "both": both,
                "by_residue": [{"residue": r, "count": c} for r, c in sorted(values.items())]}
    return {"top": p["top"], "bottom": bottom, "by_residue": None, "modulus": p["modulus"],
            "both": both, "total": p["top"] + bottom + both}


def _run_words(indices: Sequence[Any], size: Any, noun: str) -> list[str]:
    """The shown indices (None: an ellipsis) as phrases: 'its first 2 rows', 'row 4',
    'rows 4 to 6', 'its last row' (LaTeX math for the numbers)."""
    runs: list[list[Any]] = []
    for index in indices:
        if index is None:
            runs.append([])
        elif runs and runs[-1]:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts = []
    for run in (r for r in runs if r):
        count = len(run)
        amount = f"${count}$ {noun}s" if count > 1 else noun
        if run[0] == 0:
            parts.append(f"its first {amount}")
        elif sympy.simplify(run[-1] - (size - 1)) == 0:
            parts.append(f"its last {amount}")
        elif count == 1:
            parts.append(f"{noun} ${latex_index(run[0])}$")
        else:
            parts.append(f"{noun}s ${latex_index(run[0])}$ to ${latex_index(run[-1])}$")
    return parts


def _and(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _elision(p: Any) -> dict[str, Any]:
    rows_count, cols_count = p["shape"]
    rows, cols = list(p["rows"]), list(p["cols"])
    return {"rows_elided": None in rows, "cols_elided": None in cols,
            "rows": _and(_run_words(rows, rows_count, "row")),
            "cols": _and(_run_words(cols, cols_count, "column")),
            "last_row_shown": rows[-1] is not None}


def _cut_rows(p: Any) -> dict[str, Any]:
    by = {r: tuple(c) for r, c in p["by_residue"].items()}
    same = len(set(by.values())) == 1
    cases = [{"residue": r, "rows": len(c), "counts": ", ".join(str(v) for v in c),
              "single": len(c) == 1, "total": sum(c)} for r, c in sorted(by.items())]
    return {"side": p["side"], "modulus": p["modulus"], "uniform": same, "cases": cases,
            "none": all(not c for c in by.values()), "first": cases[0]}


class AxisStated(dict):
    """kind -> {axis: view}; a missing kind reads as {}."""

    def __missing__(self, key: str) -> dict:
        return {}


def by_axis(statements: Sequence[Statement], op: Any) -> dict[str, dict[int, Any]]:
    """kind -> axis -> the view of the statement of that kind about that axis (N-D documents
    phrase the statements of each axis and block level in its own sentences); views carry the
    statement's index in ``statements`` as ``id``."""
    out: dict[str, dict[int, Any]] = AxisStated()
    for index, statement in enumerate(statements):
        if "axis" in statement.params:
            v = view(statement, op)
            v["id"] = index
            out.setdefault(statement.kind, {})[statement.params["axis"]] = v
    return out


def views(statements: Sequence[Statement], op: Any) -> tuple[Stated, StatedAll]:
    """(first view per kind, every view per kind) for the template context."""
    first, every = Stated(), StatedAll()
    for index, statement in enumerate(statements):
        v = view(statement, op)
        v["id"] = index  # what a phrased span names (symdil.render.phrasing)
        every.setdefault(statement.kind, []).append(v)
        first.setdefault(statement.kind, v)
    return first, every


#: The human name of each statement kind (the verification section's titles).
TITLES = {
    "output_length": "output length", "same_padding": "padding same", "padding": "padding",
    "full_overlap": "padding full", "causal": "causality", "later_inputs": "later inputs read",
    "receptive_field": "receptive field", "window": "window positions", "shift": "shifted rows",
    "band": "band of non-zero lines", "absent_taps": "taps that never land",
    "padding_only_taps": "taps folded back", "zero_taps": "zero taps",
    "interior": "interior lines", "no_interior": "no interior line",
    "residue_counts": "contributions per residue", "nonzeros": "non-zero count",
    "unread_inputs": "inputs never read", "zero_weight_inputs": "inputs read with zero weight",
    "empty_outputs": "outputs never reached",
    "zero_weight_outputs": "outputs reached with zero weight",
    "products_count": "products counted", "border_rows": "border rows", "cut_rows": "cut taps",
    "border_row": "border row equations", "no_borders": "no border rows",
    "valid_from": "general-case bound", "crop": "transposed crop",
    "transpose_of_forward": "transpose of the forward matrix",
    "forward_transpose_columns": "columns of the forward transpose",
    "zero_insertion": "zero-insertion reading",
    "zero_insertion_products": "zero-insertion products", "channel_blocks": "channel blocks",
    "shape": "matrix shape", "elision": "what the printed matrix shows",
    "kernel_values": "kernel values", "cost": "cost of the definition",
    "definition": "the definition, entry by entry", "nonzero_blocks": "non-zero blocks",
    "block_rows": "block rows and block lines", "zero_slices": "zero kernel slices",
    "empty_slices": "zero blocks of non-zero slices",
}


def statement_checks(op: Any, results: Sequence[tuple[Statement, bool]]) -> list[dict[str, Any]]:
    """One check record per statement kind, in document order: every statement of that kind
    evaluated on the rows (the general case: on the instances), passed when all hold."""
    from ..statements import instance_sizes

    order: list[str] = []
    grouped: dict[str, list[bool]] = {}
    for statement, holds in results:
        if statement.kind not in grouped:
            order.append(statement.kind)
        grouped.setdefault(statement.kind, []).append(holds)
    where_text = "the rows of M"
    where_latex = "the rows of $M$"
    if op.symbolic:
        bound = next(s.params["bound"] for s, _ in results if s.kind == "valid_from")
        sizes = instance_sizes(op, bound)
        where_text = f"the instances n = {sizes[0]}..{sizes[-1]}"
        where_latex = rf"the instances $n = {sizes[0]}, \dots, {sizes[-1]}$"
    checks = []
    for kind in order:
        values = grouped[kind]
        count = len(values)
        noun = "statement" if count == 1 else "statements"
        verb = ("holds" if count == 1 else "hold") if all(values) else "fail"
        failed = count - sum(values)
        amount = f"{count} {noun}" if all(values) else f"{failed} of {count} {noun}"
        checks.append({
            "name": f"statement:{kind}", "passed": all(values), "applicable": True,
            "title": "Statement: " + TITLES.get(kind, kind.replace("_", " ")),
            "detail": f"{amount} {verb} on {where_text}",
            "detail_latex": f"{amount} {verb} on {where_latex}",
        })
    return checks


def statement_summary(op: Any, results: Sequence[tuple[Statement, bool]]) -> dict[str, Any]:
    """The verification section's one line about the document's statements: how many there are,
    what they are about (the human names of their kinds, in document order) and where they were
    re-derived.  Only rendered when every statement holds (a false one stops the document);
    ``statement_checks`` keeps the per-kind machine records."""
    from ..statements import instance_sizes

    kinds: list[str] = []
    for statement, _ in results:
        if statement.kind not in kinds:
            kinds.append(statement.kind)
    names = ", ".join(TITLES.get(kind, kind.replace("_", " ")) for kind in kinds)
    count = len(results)
    held = sum(1 for _, holds in results if holds)
    where_text, where_latex = "the rows of M", "the rows of $M$"
    if op.symbolic:
        bound = next(s.params["bound"] for s, _ in results if s.kind == "valid_from")
        sizes = instance_sizes(op, bound)
        where_text = f"the instances n = {sizes[0]}..{sizes[-1]}"
        where_latex = rf"the instances $n = {sizes[0]}, \dots, {sizes[-1]}$"
    if count == 1:
        head = "The one statement of this document"
        verb = "was"
    else:
        head = f"All {count} statements of this document"
        verb = "were"
    outcome = "hold" if count > 1 else "holds"
    if held != count:
        outcome = f"{count - held} of them fail" if count > 1 else "it fails"
    detail = f"{head} ({names}) {verb} re-derived from {where_text} and {outcome}"
    head_latex = head if count == 1 else f"All ${count}$ statements of this document"
    detail_latex = f"{head_latex} ({names}) {verb} re-derived from {where_latex} and {outcome}."
    return {"name": "statements", "passed": held == count, "applicable": True,
            "title": "Statements", "detail": detail, "detail_latex": detail_latex,
            "count": count, "kinds": len(kinds)}
