"""Expressions in a message, written the way the claim writes them (its letters, its index base)
with the kernel first in every product (``k_0 a_3 + k_1 a_5``)."""

from __future__ import annotations

import sympy

from ..core.symbols import split_name
from .conventions import Convention


def renamer(op, convention: Convention, styles: dict | None = None):
    """symdil's symbol name -> the claim's spelling of it (``k_1`` -> ``w_2`` 1-based; an N-D
    index written as the claim writes it: ``styles[role]`` is ``flat`` for ``w_4`` numbered
    row-major, ``digits`` for ``w_{11}``, else ``w_{1,1}``)."""
    letter = {role: written for written, role in convention.names}
    roles = {op.kernel_symbol: "kernel", op.input_symbol: "input", op.output_symbol: "output"}
    base = convention.index_base
    styles = styles or {}
    shapes = {"kernel": tuple(op.kernel_shape[2:]), "input": tuple(op.input_shape[1:]),
              "output": tuple(op.output_shape[1:])}

    def rename(name: str) -> tuple[int, str]:
        parts = split_name(name)
        if parts is None or parts[0] not in roles:
            return 3, name
        role = roles[parts[0]]
        written = letter.get(role, parts[0])
        written = written if len(written) == 1 else "\\" + written if written.isalpha() and \
            written in _GREEK else "{" + written + "}"
        style, shape = styles.get(role), shapes[role]
        if style == "flat" and len(parts[1]) == len(shape) > 1:
            flat = 0
            for i, size in zip(parts[1], shape):
                flat = flat * size + int(i)
            sub = str(flat + base)
        elif style == "digits" and len(parts[1]) > 1:
            sub = "".join(str(int(i) + base) for i in parts[1])
        else:
            sub = ",".join(str(int(i) + base) for i in parts[1])
        sup = "^{(" + ",".join(str(int(i) + base) for i in parts[2]) + ")}" if parts[2] else ""
        sub = sub if len(sub) == 1 else "{" + sub + "}"
        return {"kernel": 0, "input": 1, "output": 2}[role], f"{written}{sup}_{sub}"

    return rename


def show(expr: sympy.Expr, rename) -> str:
    """``expr`` as plain text, terms in SymPy's order, each product kernel first."""
    expr = sympy.sympify(expr)
    if expr == 0:
        return "0"
    pieces = []
    for term in expr.as_ordered_terms():
        coeff, factors = term.as_coeff_mul()
        named = sorted((_factor(f, rename) for f in factors), key=lambda item: item[0])
        body = " ".join(text for _, text in named)
        if not body:
            text = str(coeff)
        elif coeff == 1:
            text = body
        elif coeff == -1:
            text = "-" + body
        else:
            text = f"{coeff} {body}"
        pieces.append(text)
    out = pieces[0]
    for piece in pieces[1:]:
        out += f" - {piece[1:]}" if piece.startswith("-") else f" + {piece}"
    return out


def _factor(factor: sympy.Expr, rename) -> tuple[int, str]:
    if isinstance(factor, sympy.Symbol):
        return rename(factor.name)
    if isinstance(factor, sympy.Pow) and isinstance(factor.base, sympy.Symbol):
        order, text = rename(factor.base.name)
        return order, f"{text}^{factor.exp}"
    return 4, f"({show(factor, rename)})" if isinstance(factor, sympy.Add) else str(factor)


_GREEK = set()


def _load_greek() -> None:
    from ..core.spec import GREEK

    _GREEK.update(GREEK)


_load_greek()
