"""What a quiz grades in each exercise: its answer fields, as data read from the exercise's answer.

``graded_fields(exercise)`` gives one ``Field`` per blank a student fills in: ``label`` (TeX math
naming the blank), ``numeric`` (True: an integer graded exactly, tolerance 0; False: short text)
and ``answers`` (every accepted spelling, the canonical one first).  A quiz with one numeric
field is a Moodle ``numerical`` question, anything else a ``cloze`` question.  Nothing here is
worded: the templates phrase the fields, the Moodle writer turns them into cloze codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import sympy


@dataclass(frozen=True)
class Field:
    """One graded blank: ``label`` is TeX math, ``answers`` the accepted texts (canonical
    first); ``value`` is the exact answer (an int for numeric fields, a SymPy entry otherwise)."""

    label: str
    numeric: bool
    answers: tuple[str, ...]
    value: Any


def _number(label: str, value: Any) -> Field:
    if isinstance(value, bool) or not isinstance(value, int):
        value = sympy.Integer(value)
        if not value.is_Integer:
            raise ValueError(f"internal error: {label} = {value} is not an integer")
        value = int(value)
    return Field(label, True, (str(value),), value)


def entry_texts(value: Any) -> tuple[str, ...]:
    """How a student may type a matrix entry: ``0``, ``k_1``, ``k1`` or ``k_{1}``,
    ``k_0 + k_2`` …"""
    value = sympy.sympify(value)
    if value == 0:
        return ("0",)
    terms = sorted(sympy.Add.make_args(sympy.expand(value)), key=sympy.default_sort_key)
    names = []
    for term in terms:
        coefficient, rest = term.as_coeff_Mul()
        if coefficient != 1 or not isinstance(rest, sympy.Symbol):
            raise ValueError(f"internal error: entry {value} is not a sum of taps")
        names.append(rest.name)
    braced = [re.sub(r"_(\d+)$", r"_{\1}", name) for name in names]
    canonical = " + ".join(names)
    variants = [canonical, "+".join(names), "+".join(name.replace("_", "") for name in names),
                " + ".join(braced), "+".join(braced)]
    return tuple(dict.fromkeys(variants))


def _entry(label: str, value: Any) -> Field:
    return Field(label, False, entry_texts(value), value)


def _output_length(q: Any, a: Any) -> list[Field]:
    return [_number("m", a["output_length"])]


def _fill_matrix(q: Any, a: Any) -> list[Field]:
    return [_entry(f"M_{{{r},{c}}}", value) for (r, c), value in a["values"]]


def _columns(label: str, columns: Any) -> Field:
    """A list of whole numbers (column indices, block diagonals), typed with or without spaces
    after the commas."""
    values = tuple(int(c) for c in columns)
    texts = (", ".join(map(str, values)), ",".join(map(str, values)))
    return Field(label, False, tuple(dict.fromkeys(texts)), values)


def _zero_diagonals(q: Any, a: Any) -> list[Field]:
    return ([_number(r"d - 1", a["zero_diagonals_between_taps"])]
            + [_number(rf"j - i \text{{ of }} k_{{{t}}}", offset)
               for t, offset in enumerate(a["tap_diagonals"])]
            + [_columns(rf"\text{{zero entries of row }} {q['row']} \text{{ (columns)}}",
                        a["zero_columns"])])


def _output_entry(q: Any, a: Any) -> list[Field]:
    row = q["row"]
    return [_number(rf"\text{{index of }} \tilde{{a}} \text{{ read by }} k_{{{t}}}",
                    q["stride"] * row + q["dilation"] * t - q["padding"][0])
            for t in range(q["kernel_size"])]


def _same_padding(q: Any, a: Any) -> list[Field]:
    before, after = a["padding"]
    return [_number(r"p_{\mathrm{before}}", before), _number(r"p_{\mathrm{after}}", after)]


def _transposed_shape(q: Any, a: Any) -> list[Field]:
    rows, cols = a["shape"]
    return [_number(r"\text{rows of } M", rows), _number(r"\text{columns of } M", cols)]


def _block_structure(q: Any, a: Any) -> list[Field]:
    (grid_rows, grid_cols), (block_rows, block_cols) = a["block_grid"], a["block_shape"]
    return [_number(r"\text{block rows}", grid_rows), _number(r"\text{block columns}", grid_cols),
            _number(r"\text{rows of a block}", block_rows),
            _number(r"\text{columns of a block}", block_cols),
            _number(r"\text{non-zero blocks}", len(a["nonzero_blocks"])),
            _columns(r"J - I \text{ of the non-zero blocks}", a["block_diagonals"])]


def _receptive_field(q: Any, a: Any) -> list[Field]:
    first, last = a["region"]
    return [_number("r", a["receptive_field"]), _number("u", first), _number("v", last)]


def _effective_stride(q: Any, a: Any) -> list[Field]:
    return [_number("S", a["effective_stride"]), _number("P", a["effective_padding"])]


def _single_conv(q: Any, a: Any) -> list[Field]:
    return [_number("K", a["kernel_size"]), _number("s", a["stride"]),
            _number(r"p_{\mathrm{before}}", a["padding"])]


def _transposed_length(q: Any, a: Any) -> list[Field]:
    return [_number("m", a["output_length"])]


def _numeric_output(q: Any, a: Any) -> list[Field]:
    return [_number(f"y_{{{i}}}", value) for i, value in enumerate(a["output"])]


def _which_parameters(q: Any, a: Any) -> list[Field]:
    return [_number("s", a["stride"]), _number("d", a["dilation"]),
            _number(r"p_{\mathrm{before}}", a["padding"])]


def _find_wrong_entry(q: Any, a: Any) -> list[Field]:
    return [_number("i", a["row"]), _number("j", a["column"]),
            _entry(r"\text{correct } M_{i,j}", a["correct"])]


_FIELDS: dict[str, Callable[[Any, Any], list[Field]]] = {
    "output_length": _output_length, "fill_matrix": _fill_matrix,
    "zero_diagonals": _zero_diagonals, "output_entry": _output_entry,
    "same_padding": _same_padding, "transposed_shape": _transposed_shape,
    "block_structure": _block_structure, "receptive_field": _receptive_field,
    "effective_stride": _effective_stride, "single_conv": _single_conv,
    "transposed_length": _transposed_length, "numeric_output": _numeric_output,
    "which_parameters": _which_parameters, "find_wrong_entry": _find_wrong_entry,
}


def graded_fields(exercise: Any) -> tuple[Field, ...]:
    """The blanks of ``exercise`` a quiz grades, in the order the question asks them."""
    return tuple(_FIELDS[exercise.kind](exercise.question, exercise.answer))
