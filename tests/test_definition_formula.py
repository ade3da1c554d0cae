"""The formula the definition check prints (text of ``--verify``, ``detail_latex``) is the one it
checked: read back from the printed LaTeX and evaluated literally, with a plain loop over the
padded input of tests/reference.py, it gives the operator's outputs (a formula without
``- p_before``, or with the wrong tap under flip, fails here)."""

from __future__ import annotations

import re

import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from reference import padded_sources, reference
from sympy.parsing.sympy_parser import (
    implicit_multiplication_application,
    parse_expr,
    split_symbols,
    standard_transformations,
)

from symdil import Conv, SymdilError
from symdil import checks as C

S, D, P, II, J, T, K = sympy.symbols("s d P i j t K")
TRANSFORMS = standard_transformations + (split_symbols, implicit_multiplication_application)
FORWARD = re.compile(r"the defining sum \$y_i = \\sum_t k_(t|\{K-1-t\}) \\tilde a_\{(.+?)\}\$ "
                     r"over the padded input \$\\tilde a\$ \(indexed from \$-(.+?)\$\)")
SCATTER = re.compile(r"the scatter \$y_\{(.+?)\} \\mathrel\{\+\}= k_(t|\{K-1-t\}) a_j\$")


def index(text: str, p_name: str) -> sympy.Expr:
    """A printed subscript such as ``si+dt-p_{\\mathrm{before}}`` as an expression in s, d, P,
    i (or j), t."""
    text = text.replace(p_name, "P")
    return parse_expr(text, local_dict={"s": S, "d": D, "P": P, "i": II, "j": J, "t": T},
                      transformations=TRANSFORMS)


def tap(printed: str) -> sympy.Expr:
    return T if printed == "t" else parse_expr(printed.strip("{}"), local_dict={"K": K, "t": T})


@st.composite
def convs(draw):
    transposed = draw(st.booleans())
    k, s, d, n = (draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 3)),
                  draw(st.integers(1, 9)))
    if transposed:
        padding, mode, output_padding = draw(st.integers(0, 4)), "zeros", draw(
            st.integers(0, max(s, d) - 1))
    else:
        padding = draw(st.one_of(st.sampled_from(["valid", "same", "full", "causal"]),
                                 st.integers(0, 4),
                                 st.tuples(st.integers(0, 4), st.integers(0, 4))))
        mode = draw(st.sampled_from(["zeros", "circular", "reflect", "replicate"]))
        output_padding = 0
    try:
        return Conv(n=n, kernel=k, stride=s, dilation=d, padding=padding, padding_mode=mode,
                    flip=draw(st.booleans()), transposed=transposed,
                    output_padding=output_padding)
    except SymdilError:
        assume(False)


@settings(max_examples=150, deadline=None)
@given(convs())
def test_the_printed_definition_evaluated_literally_gives_the_outputs(op: Conv) -> None:
    result = C.check_definition(op)
    assert result.passed
    axis = op.axes[0]
    K_, s, d, n = axis.kernel_size, axis.stride, axis.dilation, axis.n
    before, after = axis.pad_before, axis.pad_after
    kernel = list(op.kernel)
    inputs = op.input
    m = axis.output_length
    if op.transposed:
        found = SCATTER.search(result.detail_latex)
        assert found, result.detail_latex
        target, k_index = index(found.group(1), "p"), tap(found.group(2))
        y = [sympy.Integer(0)] * m
        for j in range(n):
            for t in range(K_):
                r = int(target.subs({S: s, D: d, P: before, J: j, T: t}))
                if 0 <= r < m:
                    y[r] += kernel[int(k_index.subs({K: K_, T: t}))] * inputs[j]
    else:
        found = FORWARD.search(result.detail_latex)
        assert found, result.detail_latex
        source, k_index = index(found.group(2), found.group(3)), tap(found.group(1))
        assert index(found.group(3), found.group(3)) == P  # indexed from -p_before
        # the padded input a~_q, q = -p_before, ..., n - 1 + p_after (reference.py's blocks)
        padded = padded_sources(n, before, after, axis.padding_mode)
        y = []
        for i in range(m):
            total = sympy.Integer(0)
            for t in range(K_):
                q = int(source.subs({S: s, D: d, P: before, II: i, T: t}))
                src = padded[q + before] if -before <= q < n + after else None
                if src is not None:
                    total += kernel[int(k_index.subs({K: K_, T: t}))] * inputs[src]
            y.append(total)
    assert [sympy.expand(a - b) for a, b in zip(y, op.output)] == [0] * m
    ref = reference(n=n, kernel=K_, stride=s, dilation=d, padding=[(before, after)],
                    padding_mode=axis.padding_mode, flip=op.flip, transposed=op.transposed,
                    output_padding=axis.output_padding if op.transposed else 0,
                    kernel_values=kernel)
    assert [sympy.expand(a - b) for a, b in zip(y, ref.output)] == [0] * m


def test_the_reported_example_reads_five_a0() -> None:
    """`derive --n 3 --kernel 1,2,3,4,5 --dilation 2 --padding full`: y_0 = 5 a_0, and the printed
    formula says so (the old one, without - p_before, gave a_0 + 2 a_2)."""
    op = Conv(n=3, kernel=[1, 2, 3, 4, 5], dilation=2, padding="full")
    latex = C.check_definition(op).detail_latex
    assert r"\tilde a_{si+dt-p_{\mathrm{before}}}" in latex
    assert op.output[0] == 5 * op.input[0]
