"""The padding split is checked on its own, and a wrong split fails ``verify``.

Every other check reads the resolved padding from the operator, so these mutation tests replace
``spec.resolve_padding`` (the one place the words are resolved) with plausible wrong versions and
require ``verify`` to fail: the ``same`` split swapped, the stride-1 rule used at s > 1, ``causal``
padding put at the end.  The rules the check recomputes are compared with ``tests/reference.py``.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from reference import resolve

from symdil import Conv, SymdilError
from symdil import checks as C
from symdil.checks.padding import _torch_same
from symdil.core import spec
from symdil.verification import verify

WORDS = ("valid", "same", "full", "causal")


@given(st.integers(1, 40), st.integers(1, 6), st.integers(1, 5), st.integers(1, 4),
       st.sampled_from(WORDS))
def test_the_recomputed_split_is_the_reference_split(n, K, s, d, word) -> None:
    before, after, length = C.expected_split(word, n, K, s, d)
    assert (before, after) == resolve(word, n, K, s, d)
    try:
        op = Conv(n, K, stride=s, dilation=d, padding=word)
    except SymdilError:
        assume(False)
    result = C.check_padding_split(op)
    assert result.passed and result.applicable, result.detail
    assert op.output_length == length
    if word == "same":
        assert length == -(-n // s)


def test_numbers_have_nothing_to_resolve() -> None:
    result = C.check_padding_split(Conv(8, 3, padding=(1, 2)))
    assert not result.applicable and result.passed
    assert "nothing to resolve" in result.detail


def test_symbolic_same_and_per_axis_words() -> None:
    result = C.check_padding_split(Conv("n", 4, dilation=3, padding="same"))
    assert result.passed, result.detail
    assert "same = (4, 5)" in result.detail
    op = Conv((6, 7), (3, 2), stride=(2, 1), padding=("same", (1, 0)))
    result = C.check_padding_split(op)
    assert result.passed and "axis 0: same = (0, 1)" in result.detail  # total (3-1)2+2+1-6
    assert "axis 1" not in result.detail


# ----- mutants of the resolver ----------------------------------------------------------------
real_resolve = spec.resolve_padding


def swapped_same(padding, n, kernel_size, stride, dilation, transposed):
    before, after, word = real_resolve(padding, n, kernel_size, stride, dilation, transposed)
    return (after, before, word) if word == "same" else (before, after, word)


def stride_one_rule(padding, n, kernel_size, stride, dilation, transposed):
    before, after, word = real_resolve(padding, n, kernel_size, stride, dilation, transposed)
    if word == "same":
        total = dilation * (kernel_size - 1)  # the stride-1 total, wrong for s > 1
        return total // 2, total - total // 2, word
    return before, after, word


def causal_at_the_end(padding, n, kernel_size, stride, dilation, transposed):
    before, after, word = real_resolve(padding, n, kernel_size, stride, dilation, transposed)
    return (after, before, word) if word == "causal" else (before, after, word)


MUTANTS = [
    pytest.param(swapped_same, dict(n=12, kernel=3, stride=2, dilation=2, padding="same"),
                 id="same-split-swapped"),
    pytest.param(swapped_same, dict(n=(6, 7), kernel=(2, 3), padding="same"),
                 id="same-split-swapped-2d"),
    pytest.param(stride_one_rule, dict(n=12, kernel=3, stride=2, dilation=2, padding="same"),
                 id="stride-1-rule-at-stride-2"),
    pytest.param(stride_one_rule, dict(n=11, kernel=3, stride=3, padding="same",
                                       padding_mode="reflect"), id="stride-1-rule-reflect"),
    pytest.param(causal_at_the_end, dict(n=8, kernel=3, dilation=2, padding="causal"),
                 id="causal-at-the-end"),
    pytest.param(causal_at_the_end, dict(n=9, kernel=2, stride=2, padding="causal",
                                         padding_mode="replicate"), id="causal-at-the-end-s2"),
    pytest.param(causal_at_the_end, dict(n="n", kernel=3, padding="causal"),
                 id="causal-at-the-end-general-case"),
]


@pytest.mark.parametrize(("mutant", "args"), MUTANTS)
def test_a_wrong_padding_split_fails_verify(monkeypatch, mutant, args) -> None:
    correct = Conv(**args)
    monkeypatch.setattr(spec, "resolve_padding", mutant)
    op = Conv(**args)
    assert op.padding != correct.padding  # the mutant changes the operator
    report = verify(op)
    assert not report.passed
    failed = {check.name: check for check in report.failed}
    assert "padding_split" in failed
    assert "the rule gives" in failed["padding_split"].detail


def test_the_mutants_fail_nothing_else_would_catch_them(monkeypatch) -> None:
    """Why the check exists: with a swapped split, every other check still passes."""
    monkeypatch.setattr(spec, "resolve_padding", swapped_same)
    report = verify(Conv(12, 3, stride=2, dilation=2, padding="same"))
    assert [check.name for check in report.failed] == ["padding_split"]


# ----- PyTorch's padding="same" ---------------------------------------------------------------
def _torch():
    return pytest.importorskip("torch", reason="PyTorch is not installed (the [torch] extra, see README)")


@pytest.mark.parametrize("args", [
    dict(n=9, kernel=4, dilation=1, padding="same"),
    dict(n=9, kernel=3, dilation=3, padding="same", flip=True),
    dict(n=9, kernel=4, dilation=2, padding="same", padding_mode="reflect"),
    dict(n=9, kernel=2, padding="same", padding_mode="circular"),
    dict(n=9, kernel=4, padding="same", padding_mode="replicate"),
    dict(n=(5, 6), kernel=(2, 3), dilation=(1, 2), padding="same", in_channels=2,
         out_channels=4, groups=2),
    dict(n=(3, 4, 5), kernel=2, padding="same"),
])
def test_torch_same_agrees(args) -> None:
    _torch()
    op = Conv(**args)
    ok, message = _torch_same(op, 0)
    assert ok, message
    result = C.check_padding_split(op, against="torch")
    assert result.passed and "torch.nn.Conv" in result.detail


def test_torch_same_catches_a_swapped_split(monkeypatch) -> None:
    _torch()
    monkeypatch.setattr(spec, "resolve_padding", swapped_same)
    op = Conv(9, 4, padding="same")  # total 3: (1, 2), swapped (2, 1)
    ok, message = _torch_same(op, 0)
    assert not ok and "PyTorch's padding='same'" in message
    assert not verify(op, against="torch").passed


def test_torch_same_does_not_apply_past_stride_1() -> None:
    _torch()
    assert _torch_same(Conv(9, 3, stride=2, padding="same"), 0) is None
    assert _torch_same(Conv(9, 3, padding="causal"), 0) is None
