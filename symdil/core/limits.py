"""Every size limit of symdil in one place, and the estimates that enforce them.

A command is guarded on the work it will actually do -- kernel weights built, taps per printed
row, border rows a derivation examines, cells it prints -- computed from the geometry *before*
any of it is done, so an oversized request is refused at once with one line naming the parameter
and the limit (``SymdilError``), and an accepted one finishes in seconds.  A huge ``n`` alone is
fine wherever only visible rows are built (elided matrices, derivations).

The numbers are listed in README ("Limits").  ``verify``'s own cost guard lives with the checks.
"""

from __future__ import annotations

from typing import Any

from .spec import SymdilError

#: Kernel weights built at once by ``Conv.kernel`` (C_out * C_in/groups * prod K).
MAX_KERNEL_WEIGHTS = 100_000
#: Taps feeding one output row (C_in/groups * prod K): the terms of one printed sum.
MAX_ROW_TAPS = 1_000
#: Cells of one printed matrix (visible rows * visible columns, ellipses included).
MAX_PRINTED_CELLS = 10_000
#: Border rows (rows a border cuts or folds) that a derivation examines, times their taps:
#: 16-30 µs and about 0.5 kB each, so at most a few seconds and 150 MB (2,000,000 allowed 30 s
#: and 1 GB for ``derive --n 10**12 --kernel 3 --padding 300000``).
MAX_BORDER_WORK = 150_000
#: Residues modulo the stride that a derivation examines (transposed, or a symbolic n).
MAX_STRIDE_RESIDUES = 10_000
#: (output, input) channel pairs whose blocks a derivation describes (C_out * C_in/groups).
MAX_CHANNEL_PAIRS = 4_096
#: Entries ``Conv.rows``/``.matrix``/``.nonzeros`` build at once (rows x taps per row, an upper
#: bound of the non-zeros), and input symbols ``Conv.input`` builds: the work ``verify`` accepts
#: (``checks.cost.MAX_VERIFY_WORK``), about 2 GB and a minute.
MAX_OPERATOR_ENTRIES = 8_000_000
#: Terms of ``Conv.output`` (one SymPy sum per row, about 60 µs a term): about a minute.
MAX_OUTPUT_TERMS = 1_000_000


def _prod(values: Any) -> int:
    result = 1
    for value in values:
        result *= value
    return result


def kernel_weights(op: Any) -> int:
    """C_out * C_in/groups * prod K (``C_in * C_out/groups * prod K`` transposed)."""
    return _prod(op.kernel_shape)


def row_taps(op: Any) -> int:
    """The most taps one output row can hold: C_in/groups (the input channels of its group) *
    prod K, forward and transposed alike."""
    return op.in_channels // op.groups * _prod(axis.kernel_size for axis in op.axes)


def border_rows(axis: Any) -> int:
    """How many outer lines of one axis a border touches (an upper bound for a symbolic n):
    forward, rows whose window leaves the input; transposed, rows near either end."""
    s, d, k = axis.stride, axis.dilation, axis.kernel_size
    span = d * (k - 1)
    if axis.symbolic:
        return (axis.pad_before + axis.pad_after + span) // s + 2
    m = axis.output_length
    if axis.transposed:
        top = min(m, max(0, span - axis.pad_before))
        bottom = max(0, m - max(0, s * (axis.n - 1) - axis.pad_before + 1))
        return min(m, top + bottom)
    first = -(-axis.pad_before // s)
    last = (axis.n - 1 + axis.pad_before - span) // s
    first, last = max(first, 0), min(last, m - 1)
    interior = max(0, last - first + 1)
    return m - interior


def _refuse(message: str) -> SymdilError:
    return SymdilError(message)


def check_kernel_weights(op: Any) -> None:
    """Refuse to build more than ``MAX_KERNEL_WEIGHTS`` kernel weights at once."""
    weights = kernel_weights(op)
    if weights > MAX_KERNEL_WEIGHTS:
        raise _refuse(
            f"in_channels/out_channels/kernel give {weights:,} kernel weights "
            f"({' x '.join(map(str, op.kernel_shape))}); at most {MAX_KERNEL_WEIGHTS:,} are built "
            "at once: use fewer channels or taps"
        )


def check_row_taps(op: Any) -> None:
    """Refuse operators whose printed rows would hold more than ``MAX_ROW_TAPS`` terms."""
    taps = row_taps(op)
    if taps <= MAX_ROW_TAPS:
        return
    kernel = _prod(axis.kernel_size for axis in op.axes)
    channels = op.in_channels // op.groups
    culprit = (f"kernel ({kernel:,} taps)" if kernel > MAX_ROW_TAPS
               else f"in_channels/groups ({channels:,}) times the kernel's {kernel:,} taps")
    raise _refuse(
        f"kernel and in_channels give {taps:,} terms in one output's sum, from the {culprit}; "
        f"at most {MAX_ROW_TAPS:,} are printed: use a smaller kernel or fewer input channels"
    )


def check_printed_cells(rows: Any, cols: Any, max_rows: int | None, max_cols: int | None,
                        names: str = "max_rows/max_cols") -> None:
    """Refuse a printed matrix of more than ``MAX_PRINTED_CELLS`` cells (``rows``/``cols``: the
    matrix's size, an int or a symbol; the limits count the ellipsis)."""
    shown_rows = max_rows if not isinstance(rows, int) else min(rows, max_rows or rows)
    shown_cols = max_cols if not isinstance(cols, int) else min(cols, max_cols or cols)
    if shown_rows is None or shown_cols is None:
        return
    if shown_rows * shown_cols > MAX_PRINTED_CELLS:
        raise _refuse(
            f"{names} would print {shown_rows:,} x {shown_cols:,} = {shown_rows * shown_cols:,} "
            f"matrix cells; at most {MAX_PRINTED_CELLS:,} are printed: lower {names}"
        )


def check_derivation(op: Any, max_rows: int | None, max_cols: int | None) -> None:
    """Everything a derivation of ``op`` examines, checked before it starts."""
    check_row_taps(op)
    pairs = op.out_channels * (op.in_channels // op.groups)
    if pairs > MAX_CHANNEL_PAIRS:
        raise _refuse(
            f"in_channels/out_channels give {pairs:,} (output, input) channel pairs; a derivation "
            f"describes at most {MAX_CHANNEL_PAIRS:,}: use fewer channels"
        )
    if op.ndim == 1 and op.in_channels == op.out_channels == 1:
        check_printed_cells(op.shape[0] if not op.symbolic else None,
                            op.shape[1] if not op.symbolic else None, max_rows, max_cols)
    else:
        check_printed_cells(op.shape[0], op.shape[1], max_rows, max_cols)
    taps = row_taps(op)
    for number, axis in enumerate(op.axes):
        where = f" (axis {number})" if op.ndim > 1 else ""
        if (axis.transposed or axis.symbolic) and axis.stride > MAX_STRIDE_RESIDUES:
            case = "a transposed operator" if axis.transposed else "a symbolic n"
            raise _refuse(
                f"stride{where} must be at most {MAX_STRIDE_RESIDUES:,} for the derivation of "
                f"{case} (it examines every residue modulo the stride), got {axis.stride:,}"
            )
        border = border_rows(axis)
        if border * taps > MAX_BORDER_WORK:
            raise _refuse(
                f"padding{where} ({axis.pad_before:,}, {axis.pad_after:,}) and the kernel span "
                f"{axis.receptive_field:,} give {border:,} border rows of up to {taps:,} taps; a "
                f"derivation examines at most {MAX_BORDER_WORK:,} border entries: use a smaller "
                "padding, kernel or dilation"
            )


def operator_entries(op: Any) -> int:
    """An upper bound of the operator's non-zeros, from the geometry: rows x ``row_taps``."""
    return op.shape[0] * row_taps(op)


def check_operator_entries(op: Any, what: str) -> None:
    """Refuse to build every row of an operator with more than ``MAX_OPERATOR_ENTRIES``
    entries (``what``: the attribute asked for, e.g. ``Conv.rows``)."""
    entries = operator_entries(op)
    if entries > MAX_OPERATOR_ENTRIES:
        raise _refuse(
            f"{what} would build up to {entries:,} entries ({op.shape[0]:,} rows x "
            f"{row_taps(op):,} taps); at most {MAX_OPERATOR_ENTRIES:,} are built at once: use "
            "Conv.row(r) for single rows, or a smaller n"
        )


def check_input_symbols(op: Any) -> None:
    """Refuse to build more than ``MAX_OPERATOR_ENTRIES`` input symbols (``Conv.input``)."""
    columns = op.shape[1]
    if columns > MAX_OPERATOR_ENTRIES:
        raise _refuse(
            f"Conv.input would build {columns:,} input symbols; at most "
            f"{MAX_OPERATOR_ENTRIES:,} are built at once: use Conv.input_symbol_at(c), or a "
            "smaller n"
        )


def check_output_terms(op: Any) -> None:
    """Refuse ``Conv.output`` past ``MAX_OUTPUT_TERMS`` terms (one SymPy sum per row)."""
    entries = operator_entries(op)
    if entries > MAX_OUTPUT_TERMS:
        raise _refuse(
            f"Conv.output would build {op.shape[0]:,} sums of up to {row_taps(op):,} terms "
            f"({entries:,}); at most {MAX_OUTPUT_TERMS:,} terms are built at once: use "
            "Conv.row(r) for single rows, or a smaller n"
        )
