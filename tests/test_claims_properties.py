"""Property tests for the readings issue 18 added, each against the independent reference
(``tests/reference.py``, plain loops): a numeric matrix gives the kernel, an im2col data matrix is
the windows in tap order, and a planted error is FAIL at its entry (never PASS)."""

from __future__ import annotations

import random

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symdil.claims import compare_claim, parse_claim
from symdil.core.conv import Conv
from symdil.core.errors import SymdilError
from tests.reference import Invalid, reference, resolve

configurations = st.builds(
    dict, n=st.integers(3, 9), kernel=st.integers(2, 3), stride=st.integers(1, 2),
    dilation=st.integers(1, 2), padding=st.sampled_from([0, 1, "same"]),
    padding_mode=st.sampled_from(["zeros", "circular", "reflect", "replicate"]),
)


def bmatrix(rows) -> str:
    return (r"\[ \begin{bmatrix} " + r" \\ ".join(" & ".join(str(v) for v in row)
                                                 for row in rows) + r" \end{bmatrix} \]")


def _rank(expressions, symbols) -> int:
    rows = [[sympy.sympify(e).coeff(x) for x in symbols] for e in expressions]
    return sympy.Matrix(rows).rank() if rows else 0


@settings(max_examples=60, deadline=None)
@given(configurations, st.data())
def test_a_numeric_matrix_gives_the_kernel_and_a_changed_number_fails(config, data):
    taps = data.draw(st.lists(st.integers(-9, 9).filter(bool), min_size=config["kernel"],
                              max_size=config["kernel"]))
    try:
        op = Conv(**config)
        ref = reference(kernel_values=[sympy.Integer(t) for t in taps], with_output=False,
                        **config)
        symbolic = reference(with_output=False, **config).matrix
    except (SymdilError, Invalid):
        return
    names = reference(with_output=False, **config).kernel
    result = compare_claim(parse_claim(bmatrix(ref.matrix)), op)
    alone = [t for t, name in enumerate(names) if any(e == name for row in symbolic
                                                      for e in row)]
    if not alone:  # every entry folds several taps (reflect at n = 3): no tap can be read
        assert result.verdict == "NOT CHECKED" and "kernel cannot be read" in result.detail
        return
    assert result.verdict == "PASS", result.detail
    for t in alone:
        assert f"k_{t} = {taps[t]}" in result.detail.split("kernel read from the claim: ")[1]
    row = data.draw(st.integers(0, op.shape[0] - 1))
    col = data.draw(st.integers(0, op.shape[1] - 1))
    changed = [list(r) for r in ref.matrix]
    changed[row][col] += 1
    wrong = compare_claim(parse_claim(bmatrix(changed)), op)
    # the change is visible unless that entry's combination of taps is written nowhere else
    # (then some other kernel gives the changed matrix): decided by ranks, from the reference
    entry = symbolic[row][col]
    others = [e for r, line in enumerate(symbolic) for c, e in enumerate(line)
              if (r, c) != (row, col) and e != 0]
    visible = entry == 0 or _rank(others, names) == _rank(others + [entry], names)
    assert wrong.verdict == ("FAIL" if visible else "PASS"), wrong.detail


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 10), st.integers(2, 3), st.integers(1, 2), st.integers(1, 2),
       st.sampled_from([0, 1, "same", "full"]), st.data())
def test_an_im2col_data_matrix_is_the_windows_in_tap_order(n, size, stride, dilation, padding,
                                                          data):
    try:
        op = Conv(n, size, stride=stride, dilation=dilation, padding=padding)
        before, _ = resolve(padding, n, size, stride, dilation)
    except (SymdilError, Invalid):
        return
    if op.shape[0] < 2:
        return
    # written from the definition: output i reads input s*i + d*t - p with tap t (0 in padding)
    windows = [[f"a_{{{stride * i + dilation * t - before}}}"
                if 0 <= stride * i + dilation * t - before < n else "0" for t in range(size)]
               for i in range(op.shape[0])]
    text = bmatrix(windows) + r"\[ \begin{bmatrix} " + r" \\ ".join(
        f"k_{t}" for t in range(size)) + r" \end{bmatrix} \]"
    result = compare_claim(parse_claim(text), op)
    assert result.verdict == "PASS" and result.objects[0].kind == "data matrix", result.detail
    row = data.draw(st.integers(0, op.shape[0] - 1))
    tap = data.draw(st.integers(0, size - 1))
    other = random.Random(row * 31 + tap).choice([j for j in range(n)
                                                   if f"a_{{{j}}}" != windows[row][tap]])
    windows[row][tap] = f"a_{{{other}}}"
    wrong = compare_claim(parse_claim(bmatrix(windows)), op)
    assert wrong.verdict == "FAIL"
    assert [(m.row_0based, m.column_0based) for m in wrong.failing_entries] == [(row, tap)]
