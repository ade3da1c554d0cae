"""The Kronecker identity: a separable kernel's N-D operator is the Kronecker product of 1-D ones.

With the kernel ``k_{i,j} = u_i v_j`` (fresh symbols ``u_i``, ``v_j``; ``w_l`` for a third axis) and
zero padding, entry ((i_0, i_1), (j_0, j_1)) of the 2-D operator is
``sum_{t_0, t_1} u_{t_0} v_{t_1} [j_0 = s_0 i_0 + d_0 t_0 - p_0] [j_1 = s_1 i_1 + d_1 t_1 - p_1]``
= U[i_0, j_0] V[i_1, j_1]: the operator is ``U ⊗ V``, where U and V are the 1-D operators along
each axis with that axis' stride, dilation and padding (row-major flattening puts axis 0 first,
so U is the left factor).  ``check_kronecker`` builds both sides and compares them entry by
entry, exactly; in 3-D the product is nested, ``U ⊗ V ⊗ W``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy
from sympy import kronecker_product

from ..core.conv import Conv
from ..core.symbols import indexed_symbol
from . import sparse  # noqa: I001
from .result import CheckResult, not_applicable
from .tools import candidate_rows, num, prod

NAME = "kronecker"
FACTOR_LETTERS = "uvw"
# up to this many entries (rows x columns) the product is SymPy's kronecker_product; beyond, the
# same definition is evaluated on the non-zeros only (SymPy's builds every entry: 0.6 s at 256x256)
DENSE_LIMIT = 256 * 256


def factor_symbols(op: Conv) -> list[list[sympy.Symbol]]:
    """Fresh tap symbols per axis: u_0, u_1, ... along axis 0, v_... along axis 1, w_... (axis
    2); u0_..., u1_..., ... beyond three axes."""
    names = FACTOR_LETTERS if op.ndim <= len(FACTOR_LETTERS) else [f"u{a}" for a in range(op.ndim)]
    return [[indexed_symbol(names[a], (t,)) for t in range(axis.kernel_size)]
            for a, axis in enumerate(op.axes)]


def separable_conv(op: Conv) -> Conv:
    """``op``'s geometry with the separable kernel k_{i,j,...} = u_i v_j ... (resolved padding)."""
    factors = factor_symbols(op)
    sizes = [len(symbols) for symbols in factors]

    def nest(prefix: tuple[int, ...]) -> Any:
        if len(prefix) == len(sizes):
            return sympy.Mul(*[factors[a][t] for a, t in enumerate(prefix)])
        return [nest(prefix + (t,)) for t in range(sizes[len(prefix)])]

    return op.replace(kernel=nest(()), padding=op.padding)


def axis_operators(op: Conv) -> list[Conv]:
    """The 1-D operator along each axis: that axis' taps u, v, ..., length, stride, dilation,
    padding, output_padding, flip and kind."""
    return [Conv(n=axis.n, kernel=symbols, stride=axis.stride, dilation=axis.dilation,
                 padding=(axis.pad_before, axis.pad_after), flip=op.flip,
                 transposed=op.transposed, output_padding=axis.output_padding)
            for axis, symbols in zip(op.axes, factor_symbols(op))]


def sparse_kronecker(factors: list[list[dict[int, Any]]], shapes: list[tuple[int, int]]
                     ) -> list[dict[int, Any]]:
    """Rows of the Kronecker product of sparse operators (``kronecker_entries`` as rows)."""
    return sparse.to_rows(kronecker_entries(factors, shapes))


def kronecker_entries(factors: list[list[dict[int, Any]]], shapes: list[tuple[int, int]]
                      ) -> sparse.Sparse:
    """The Kronecker product of sparse operators (rows as column -> value): entry
    (flat(r), flat(c)) = prod_a F_a[r_a, c_a], row-major over the factors as in
    ``sympy.kronecker_product``; positions by NumPy index arithmetic, each distinct product of
    values built once with SymPy (a few taps per axis)."""
    row_shape = [shape[0] for shape in shapes]
    col_shape = [shape[1] for shape in shapes]
    parts = [sparse.from_rows(rows, shape) for rows, shape in zip(factors, shapes)]
    # every combination of one entry per factor, the last factor varying fastest
    counts = [part.nonzeros for part in parts]
    total = prod(counts)
    picks = sparse.unflat(np.arange(total, dtype=np.int64), counts) if total else \
        tuple(np.zeros(0, dtype=np.int64) for _ in parts)
    rows = sparse.flat([part.row[pick] for part, pick in zip(parts, picks)], row_shape)
    cols = sparse.flat([part.col[pick] for part, pick in zip(parts, picks)], col_shape)
    # the values of each factor as codes; one SymPy product per distinct combination
    codes, distinct = [], []
    for part in parts:
        seen: dict[Any, int] = {}
        codes.append(np.asarray([seen.setdefault(v, len(seen)) for v in part.value.tolist()],
                                dtype=np.int64))
        distinct.append(list(seen))
    combo = np.zeros(total, dtype=np.int64)
    for code, values, pick in zip(codes, distinct, picks):
        combo = combo * len(values) + code[pick]
    unique, inverse = np.unique(combo, return_inverse=True)
    products = []
    for key in unique.tolist():
        values = []
        for options in reversed(distinct):
            key, k = divmod(key, len(options))
            values.append(options[k])
        products.append(sympy.Mul(*reversed(values)))
    value = sparse.objects(products)[inverse.reshape(-1)] if total else sparse.objects([])
    return sparse.build((prod(row_shape), prod(col_shape)), rows, cols, value)


def check_kronecker(op: Conv, matrix: Any = None) -> CheckResult:
    """The operator of the separable kernel k_{i,j} = u_i v_j equals U ⊗ V (N-D: the nested
    product), entry by entry, exactly.  ``matrix``: a candidate operator for the separable kernel
    (default: ``separable_conv(op).matrix``).  Applies to 2-D and up, one channel, zero padding."""
    if op.symbolic:
        return not_applicable(NAME, f"n = {op.axes[0].n} is symbolic; see the general case")
    if op.ndim < 2:
        return not_applicable(NAME, "the Kronecker identity needs two or more axes (1-D "
                                    "operator)")
    if op.in_channels > 1 or op.out_channels > 1:
        return not_applicable(NAME, f"{op.in_channels} input and {op.out_channels} output "
                                    "channels: a separable kernel gives one Kronecker product per "
                                    "channel block, checked for one channel")
    mode = op.axes[0].padding_mode
    if mode != "zeros":
        return not_applicable(NAME, f"padding_mode={mode!r}: the identity is checked for zero "
                                    "padding")
    separable = separable_conv(op)
    shape, rows = candidate_rows(separable, matrix)
    factors = axis_operators(op)
    shapes = [factor.shape for factor in factors]
    product_shape = (prod(height for height, _ in shapes), prod(width for _, width in shapes))
    if product_shape[0] * product_shape[1] <= DENSE_LIMIT:
        product = kronecker_product(*[factor.matrix for factor in factors])
        _, product_rows = candidate_rows(separable, product)
        product_rows = sparse.from_rows(product_rows, product_shape)
        how = "sympy.kronecker_product"
    else:
        product_rows = kronecker_entries([list(factor.rows) for factor in factors], shapes)
        how = "the Kronecker product on the non-zeros"
    letters = [str(symbols[0]).split("_")[0] for symbols in factor_symbols(op)]
    product_text = " (x) ".join(letter.upper() for letter in letters)  # ASCII: documents print it
    ok, message = sparse.compare(sparse.from_rows(rows, shape), product_rows, product_text)
    if not ok:
        return CheckResult(NAME, False, message)
    names = list("ijlmnopq") if op.ndim <= 8 else [f"i{a}" for a in range(op.ndim)]
    index = ",".join(names[:op.ndim])
    kernel = " ".join(f"{letter}_{names[a]}" for a, letter in enumerate(letters))
    sizes = ", ".join(f"{letter.upper()}: {s[0]}x{s[1]} along axis {a}"
                      for a, (letter, s) in enumerate(zip(letters, shapes)))
    nonzeros = sum(len(row) for row in rows)
    kernel_latex = " ".join(f"{letter}_{names[a]}" for a, letter in enumerate(letters))
    product_latex = " \\otimes ".join(letter.upper() for letter in letters)
    sizes_latex = ", ".join(f"${letter.upper()}$: ${s[0]} \\times {s[1]}$"
                            for letter, s in zip(letters, shapes))
    latex = (f"For the separable kernel $k_{{{index}}} = {kernel_latex}$ the "
             f"${num(shape[0])} \\times {num(shape[1])}$ operator (${num(nonzeros)}$ non-zeros) "
             f"equals the Kronecker product ${product_latex}$ of the 1-D operators along the axes "
             f"({sizes_latex}), entry by entry, exactly.")
    detail = (f"separable kernel k_{{{index}}} = {kernel}: the {shape[0]}x{shape[1]} operator "
              f"({nonzeros} non-zeros) equals the Kronecker product {product_text} ({how}; "
              f"{sizes}, each the 1-D operator with that axis' stride, dilation and padding), "
              "entry by entry, exactly")
    return CheckResult(NAME, True, detail, detail_latex=latex)

