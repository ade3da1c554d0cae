"""The every-n proof of stride-1 zero-padded stacks (``symdil.stack.proof``) against the
independent reference: for random stacks, at several n >= n0, every row of tests/reference.py's
dense product equals the convolution with the composed kernel (a SymPy polynomial product written
here) exactly when the proof does not list it as a border row."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from test_stack import reference_chain

from symdil import Stack
from symdil.stack import proof
from symdil.stack.checks import verify_stack

PADDINGS = (0, 1, 2, "valid", "same", "full", "causal", (1, 0), (0, 2), (3, 1))


def composed_taps(net: Stack) -> list:
    """c_j of prod_l K_l(z^{d_l}), by SymPy's polynomial product (not the proof's walk)."""
    z = sympy.Symbol("z")
    product = sympy.Integer(1)
    for layer in net.layers:
        d = layer.axes[0].dilation
        taps = list(layer.kernel)[::-1] if layer.flip else list(layer.kernel)
        product *= sum(tap * z ** (d * t) for t, tap in enumerate(taps))
    poly = sympy.Poly(sympy.expand(product), z)
    degree = poly.degree()
    return [poly.coeff_monomial(z ** j) for j in range(degree + 1)]


def rows_against_reference(n: int, layers: list[dict], found: proof.Borders) -> None:
    net = Stack(n, layers)
    want = reference_chain(n, layers, [layer.kernel for layer in net.layers])
    taps = composed_taps(net)
    pad = sum(layer.axes[0].pad_before for layer in net.layers)
    m = want.rows
    border = set(found.left) | {m - 1 - e for e in found.right}
    for i in range(m):
        formula = [taps[c - i + pad] if 0 <= c - i + pad < len(taps) else 0
                   for c in range(want.cols)]
        equal = all(sympy.expand(want[i, c] - formula[c]) == 0 for c in range(want.cols))
        assert equal == (i not in border), (n, i, sorted(border))


@st.composite
def stride_one_stacks(draw):
    layers = []
    for _ in range(draw(st.integers(1, 3))):
        layers.append(dict(kernel=draw(st.integers(1, 3)), dilation=draw(st.integers(1, 3)),
                           padding=draw(st.sampled_from(PADDINGS)), flip=draw(st.booleans())))
    return layers


@settings(max_examples=80)
@given(stride_one_stacks(), st.integers(0, 6))
def test_border_rows_hold_for_every_n_from_n0(layers, extra) -> None:
    found = proof.borders(proof._layers(Stack(40, layers)))
    for n in sorted({found.n0, found.n0 + 1, found.n0 + extra}):
        rows_against_reference(n, layers, found)
    result = proof.prove_stack(Stack(found.n0 + extra, layers))
    assert result.passed and result.applicable, result.detail
    assert f"For every n >= {found.n0}" in result.detail


@pytest.mark.parametrize("layers", [
    [dict(kernel=3, padding="same"), dict(kernel=3, dilation=2, padding="same")],
    [dict(kernel=2, dilation=d, padding="causal") for d in (1, 2, 4)],
    [dict(kernel=3, padding=2), dict(kernel=2, padding=(0, 3), flip=True)],
])
def test_examples_against_reference(layers) -> None:
    found = proof.borders(proof._layers(Stack(40, layers)))
    for n in (found.n0, found.n0 + 1, found.n0 + 5, 30):
        rows_against_reference(max(n, found.n0), layers, found)


def test_coefficient_is_the_polynomial_product() -> None:
    layers = [dict(kernel=3, dilation=d, padding="same", flip=d == 2) for d in (1, 2, 3)]
    net = Stack(30, layers)
    taps = composed_taps(net)
    for j in range(len(taps)):
        assert sympy.expand(proof.coefficient(proof._layers(net), j) - taps[j]) == 0


# ----- the proof can fail: planted mistakes ----------------------------------------------------
def test_a_wrong_border_list_fails(monkeypatch) -> None:
    layers = [dict(kernel=3, padding="same"), dict(kernel=3, dilation=2, padding="same")]
    real = proof.borders

    def drop_one(found_layers):
        found = real(found_layers)
        return proof.Borders(found.left[1:], found.right, found.n0, found.shifts)

    assert proof.prove_stack(Stack(20, layers)).passed
    monkeypatch.setattr(proof, "borders", drop_one)
    result = proof.prove_stack(Stack(20, layers))
    assert not result.passed and "border" in result.detail


def test_a_wrong_library_row_fails(monkeypatch) -> None:
    layers = [dict(kernel=2, dilation=d, padding="causal") for d in (1, 2)]
    real = Stack.row

    def shifted(self, r):
        row = real(self, r)
        return {col + 1: value for col, value in row.items()} if r == 2 else row

    monkeypatch.setattr(Stack, "row", shifted)
    result = proof.prove_stack(Stack(12, layers))
    assert not result.passed and "row 2" in result.detail


def test_undecided_conditions_are_not_proved() -> None:
    A, B = sympy.symbols("A B", integer=True, nonnegative=True)
    assert proof._decided(sympy.Piecewise((A, A <= B), (0, True))) is None
    assert proof._decided(sympy.Piecewise((A, A <= A + B), (0, True))) == A
    assert proof.prove_layer_rule() is None


@pytest.mark.parametrize("layers, why", [
    ([dict(kernel=3, stride=2)], "stride 2"),
    ([dict(kernel=3, padding=1, padding_mode="reflect")], "'reflect'"),
    ([dict(kernel=3, out_channels=2)], "several channels"),
    ([dict(kernel=3, transposed=True)], "transposed"),
])
def test_outside_the_scope_is_not_applicable(layers, why) -> None:
    result = proof.prove_stack(Stack(9, layers))
    assert not result.applicable and why in result.detail


# ----- what the issue asked: answers in seconds -------------------------------------------------
def _symdil(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "symdil", *args], capture_output=True,
                          text=True, timeout=timeout)


def test_wavenet_30_at_a_million_is_proved() -> None:
    result = _symdil("stack", "--n", "1000000", "--wavenet", "30", "--verify")
    assert result.returncode == 0, result.stderr
    assert "proved for every n >= 1" in " ".join(result.stdout.split())
    assert "Traceback" not in result.stderr


def test_wavenet_10_at_4096_is_no_longer_refused() -> None:
    net = Stack(4096, [dict(kernel=2, dilation=2 ** j, padding="causal") for j in range(10)])
    report = verify_stack(net)
    assert report.passed
    names = {check.name: check for check in report.checks}
    assert names["stack_general_case"].applicable
    assert not names["product"].applicable  # the instances are too large at this n


def test_uncovered_and_too_large_is_refused_naming_why() -> None:
    net = Stack(100_000, [dict(kernel=3, stride=2)])
    with pytest.raises(Exception, match="every-n proof does not apply: layer 1 has stride 2"):
        verify_stack(net)
