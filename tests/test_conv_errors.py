"""Every invalid argument of ``Conv`` raises ``SymdilError`` naming the parameter and the value."""

from __future__ import annotations

import dataclasses
import re

import pytest
import sympy

from symdil import Conv, SymdilError

BAD_NAMES = ["a b", "\\input", "1a", "", "a_1", "_a", "k}", "a$", "é", 3, None]


def _error(kwargs: dict) -> str:
    with pytest.raises(SymdilError) as info:
        Conv(**kwargs)
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert "\n" not in message, "errors are one line"
    return message


def _expect(kwargs: dict, *patterns: str) -> None:
    message = _error(kwargs)
    for pattern in patterns:
        assert re.search(pattern, message), f"{pattern!r} not in {message!r}"


# (kwargs, fragments the message must contain: the parameter, the value, what is allowed)
CASES = [
    # sizes and steps: < 1, not an integer, bool
    (dict(n=7, kernel=2, stride=0), r"\bstride\b", r"positive integer", r"got 0\b"),
    (dict(n=7, kernel=2, stride=-2), r"\bstride\b", r"got -2\b"),
    (dict(n=7, kernel=2, stride=1.5), r"\bstride\b", r"integer", r"got 1\.5"),
    (dict(n=7, kernel=2, stride=True), r"\bstride\b", r"integer", r"got True"),
    (dict(n=7, kernel=2, stride="2"), r"\bstride\b", r"got '2'"),
    (dict(n=7, kernel=2, dilation=0), r"\bdilation\b", r"positive integer", r"got 0\b"),
    (dict(n=7, kernel=2, dilation=2.0), r"\bdilation\b", r"integer", r"got 2\.0"),
    (dict(n=7, kernel=2, dilation=False), r"\bdilation\b", r"got False"),
    (dict(n=0, kernel=2), r"^n\b", r"positive integer", r"got 0\b"),
    (dict(n=-3, kernel=1), r"^n\b", r"got -3\b"),
    (dict(n=2.5, kernel=1), r"^n\b", r"integer", r"got 2\.5"),
    (dict(n=True, kernel=1), r"^n\b", r"got True"),
    (dict(n=None, kernel=1), r"^n\b", r"got None"),
    (dict(n="n m", kernel=1), r"^n\b", r"'n m'"),
    (dict(n=7, kernel=0), r"kernel", r"positive integer", r"got 0\b"),
    (dict(n=7, kernel=-1), r"kernel", r"got -1\b"),
    (dict(n=7, kernel=1.5), r"kernel", r"integer", r"got 1\.5"),
    (dict(n=7, kernel=True), r"kernel", r"got True"),
    (dict(n=7, kernel="3"), r"kernel", r"got '3'"),
    (dict(n=7, kernel=[]), r"kernel", r"empty"),
    (dict(n=7, kernel=["a", 1]), r"kernel", r"numbers or SymPy", r"'a'"),
    (dict(n=7, kernel=[1, True]), r"kernel", r"True"),
    # padding words, forms and modes
    (dict(n=7, kernel=2, padding="sam"), r"padding", r"'sam'", r"valid.*same.*full.*causal"),
    (dict(n=7, kernel=2, padding="SAME"), r"padding", r"'SAME'"),
    (dict(n=7, kernel=2, padding=1.5), r"padding", r"1\.5"),
    (dict(n=7, kernel=2, padding=True), r"padding", r"True"),
    (dict(n=7, kernel=2, padding=None), r"padding", r"None"),
    (dict(n=7, kernel=2, padding=(1, 2, 3)), r"padding", r"\(1, 2, 3\)", r"before, after"),
    (dict(n=7, kernel=2, padding_mode="mirror"), r"padding_mode", r"'mirror'",
     r"zeros.*circular.*reflect.*replicate"),
    (dict(n=7, kernel=2, padding_mode="ZEROS"), r"padding_mode", r"'ZEROS'"),
    (dict(n=7, kernel=2, padding_mode=None), r"padding_mode", r"None"),
    (dict(n=7, kernel=2, padding=-1), r"padding", r">= 0", r"got -1\b"),
    (dict(n=7, kernel=2, padding=(-1, 0)), r"padding before", r"got -1\b"),
    (dict(n=7, kernel=2, padding=(0, -2)), r"padding after", r"got -2\b"),
    (dict(n=(5, 5), kernel=2, padding=(1, (0, -1))), r"padding after", r"got -1\b"),
    (dict(n=3, kernel=2, padding=3, padding_mode="reflect"), r"reflect padding", r"n = 3",
     r"\(3, 3\)"),
    (dict(n=3, kernel=2, padding=(0, 3), padding_mode="reflect"), r"reflect padding", r"\(0, 3\)"),
    (dict(n=2, kernel=3, padding="full", padding_mode="reflect"), r"reflect padding", r"n = 2",
     r"\(2, 2\)"),
    (dict(n=3, kernel=2, padding=4, padding_mode="circular"), r"circular padding", r"n = 3",
     r"\(4, 4\)"),
    (dict(n=3, kernel=2, padding=(4, 0), padding_mode="circular"), r"circular padding",
     r"\(4, 0\)"),
    (dict(n=(4, 4), kernel=3, padding=(0, (5, 5)), padding_mode="reflect"), r"reflect padding",
     r"axis 1", r"n = 4", r"\(5, 5\)"),
    # output_padding and transposed
    (dict(n=3, kernel=2, stride=2, transposed=True, output_padding=2), r"output_padding",
     r"max\(stride, dilation\) = 2", r"got 2\b"),
    (dict(n=3, kernel=2, stride=2, dilation=3, transposed=True, output_padding=3),
     r"output_padding", r"= 3", r"got 3\b"),
    (dict(n=3, kernel=2, transposed=True, output_padding=1), r"output_padding", r"got 1\b"),
    (dict(n=3, kernel=2, transposed=True, output_padding=-1), r"output_padding", r"got -1\b"),
    (dict(n=3, kernel=2, output_padding=1), r"output_padding", r"transposed", r"got 1\b"),
    (dict(n=3, kernel=2, transposed=True, padding_mode="reflect"), r"padding_mode",
     r"'reflect'", r"transposed", r"'zeros'"),
    (dict(n=3, kernel=2, transposed=True, padding_mode="circular"), r"'circular'", r"transposed"),
    (dict(n=3, kernel=2, transposed=True, padding=(1, 2)), r"transposed", r"symmetric",
     r"padding", r"\(1, 2\)"),
    (dict(n=3, kernel=2, transposed=True, padding="same"), r"padding='same'", r"transposed"),
    (dict(n=3, kernel=2, transposed=True, padding="causal"), r"padding='causal'", r"transposed"),
    (dict(n=3, kernel=2, transposed=True, padding="full"), r"padding='full'", r"transposed"),
    # empty output
    (dict(n=5, kernel=4, dilation=2),
     r"^kernel span d\(K-1\)\+1 = 7 exceeds the padded input length 5$"),
    (dict(n=2, kernel=3, padding=(0, 0)), r"kernel span d\(K-1\)\+1 = 3", r"length 2\b"),
    (dict(n=2, kernel=3, dilation=2, padding=(1, 1)), r"= 5 exceeds the padded input length 4"),
    (dict(n=(4, 2), kernel=(1, 4), dilation=(1, 2)), r"= 7 exceeds the padded input length 2",
     r"axis 1"),
    (dict(n=1, kernel=1, padding=1, transposed=True), r"transposed output length", r"-1",
     r"padding = 1"),
    # channels and groups
    (dict(n=5, kernel=2, in_channels=3, out_channels=2, groups=2), r"groups", r"in_channels=3",
     r"out_channels=2", r"groups=2"),
    (dict(n=5, kernel=2, in_channels=4, out_channels=3, groups=2), r"groups", r"out_channels=3"),
    (dict(n=5, kernel=2, groups=0), r"groups", r"got 0\b"),
    (dict(n=5, kernel=2, in_channels=0), r"in_channels", r"got 0\b"),
    (dict(n=5, kernel=2, out_channels=2.0), r"out_channels", r"got 2\.0"),
    (dict(n=5, kernel=2, out_channels=True), r"out_channels", r"got True"),
    (dict(n=5, kernel=[[[1, 2]]], in_channels=2), r"kernel", r"\(1, 1\)", r"\(1, 2\)"),
    (dict(n=(3, 3), kernel=[[1, 2], [3]]), r"kernel", r"rectangular"),
    (dict(n=(3, 3), kernel=[[[1, 2]]]), r"kernel", r"depth 3"),
    # wrong per-axis tuple lengths
    (dict(n=(4, 4), kernel=2, stride=(1, 2, 3)), r"stride", r"2 values", r"\(1, 2, 3\)"),
    (dict(n=(4, 4), kernel=2, dilation=(1,)), r"dilation", r"2 values", r"\(1,\)"),
    (dict(n=(4, 4), kernel=(3, 3, 3)), r"kernel", r"2 values", r"\(3, 3, 3\)"),
    (dict(n=(4, 4), kernel=2, transposed=True, output_padding=(0, 0, 0)), r"output_padding",
     r"2 values", r"\(0, 0, 0\)"),
    (dict(n=(4, 4), kernel=2, padding=(1, 2, 3)), r"padding", r"2 items", r"\(1, 2, 3\)"),
    (dict(n=(4, 4, 4), kernel=2, padding=(1, 2)), r"padding", r"3 items", r"\(1, 2\)"),
    (dict(n=(4, 4), kernel=2, padding=((1, 2, 3), 0)), r"padding", r"\(1, 2, 3\)"),
    (dict(n=(), kernel=2), r"^n\b", r"\(\)"),
    (dict(n=(4, 0), kernel=1), r"^n \(axis 1\)", r"got 0\b"),
    (dict(n=(4, 4), kernel=(2, 0)), r"kernel size \(axis 1\)", r"got 0\b"),
    (dict(n=(4, 4), kernel=2, stride=(1, 0)), r"stride \(axis 1\)", r"got 0\b"),
    # other flags
    (dict(n=5, kernel=2, flip="yes"), r"flip", r"'yes'"),
    (dict(n=5, kernel=2, flip=1), r"flip", r"got 1\b"),
    (dict(n=5, kernel=2, transposed=1), r"transposed", r"got 1\b"),
    # the general case (symbolic n) refuses what depends on a concrete n
    (dict(n="n", kernel=2, padding=1, padding_mode="reflect"), r"padding_mode='reflect'",
     r"concrete n"),
    (dict(n="n", kernel=2, stride=2, padding="same"), r"padding='same'", r"stride"),
    (dict(n="n", kernel=2, in_channels=2), r"symbolic n"),
]


@pytest.mark.parametrize(
    "kwargs, patterns", [(case[0], [p for p in case[1:] if p]) for case in CASES],
    ids=[repr(case[0]) for case in CASES],
)
def test_invalid_argument(kwargs: dict, patterns: list[str]) -> None:
    _expect(kwargs, *patterns)


@pytest.mark.parametrize("parameter", ["input_symbol", "kernel_symbol", "output_symbol"])
@pytest.mark.parametrize("name", BAD_NAMES, ids=repr)
def test_bad_symbol_names(parameter: str, name) -> None:
    _expect({"n": 5, "kernel": 2, parameter: name}, rf"^{parameter}\b", re.escape(repr(name)),
            r"letter")


@pytest.mark.parametrize("name", ["x", "w2", "X", "alpha", "omega", "Gamma", "ab1c"])
def test_good_symbol_names(name: str) -> None:
    op = Conv(n=3, kernel=2, input_symbol=name, kernel_symbol="k" if name != "k" else "w")
    assert str(op.input[0]) == f"{name}_0"


@pytest.mark.parametrize(
    "kwargs, shown",
    [
        (dict(input_symbol="k"), r"'k', 'k', 'y'"),
        (dict(output_symbol="a"), r"'a', 'k', 'a'"),
        (dict(input_symbol="w", kernel_symbol="w", output_symbol="z"), r"'w', 'w', 'z'"),
    ],
)
def test_duplicate_symbol_names(kwargs: dict, shown: str) -> None:
    _expect(dict(n=5, kernel=2, **kwargs), r"input_symbol, kernel_symbol and output_symbol",
            r"different", shown)


def test_error_is_a_value_error() -> None:
    assert issubclass(SymdilError, ValueError)
    with pytest.raises(ValueError):
        Conv(n=7, kernel=2, stride=0)


def test_limits_are_inclusive_where_the_issue_says_so() -> None:
    # the boundary values just inside each limit are accepted
    assert Conv(n=3, kernel=2, padding=2, padding_mode="reflect").padding == (2, 2)
    assert Conv(n=3, kernel=2, padding=3, padding_mode="circular").padding == (3, 3)
    assert Conv(n=3, kernel=2, stride=2, transposed=True, output_padding=1).output_length == 7
    assert Conv(n=3, kernel=2, dilation=3, transposed=True, output_padding=2).output_length == 8
    assert Conv(n=5, kernel=3, dilation=2).output_length == 1  # span 5 == padded length 5
    assert Conv(n=1, kernel=1, padding=1, stride=1, dilation=1).output_length == 3
    assert Conv(n=3, kernel=2, transposed=True, padding="valid").padding == (0, 0)


# ----- row and symbol access ----------------------------------------------------------------
@pytest.mark.parametrize("row", [5, -1, "0", 1.0, None])
def test_row_out_of_range(row) -> None:
    op = Conv(n=7, kernel=2, dilation=2)
    with pytest.raises(SymdilError, match=r"row .*\[0, 5\).*got " + re.escape(repr(row))):
        op.row(row)


def test_symbolic_n_has_no_concrete_matrix() -> None:
    op = Conv(n="n", kernel=2)
    for attribute in ("matrix", "output", "input"):
        with pytest.raises(SymdilError, match=r"n = n is symbolic"):
            getattr(op, attribute)


def test_replace_unknown_argument() -> None:
    op = Conv(n=7, kernel=2)
    with pytest.raises(SymdilError, match=r"unknown Conv argument\(s\): foo"):
        op.replace(foo=1)
    # and replace validates like the constructor
    with pytest.raises(SymdilError, match=r"stride"):
        op.replace(stride=0)


# ----- immutability -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "attribute", ["stride", "axes", "flip", "matrix", "output", "kernel", "groups", "new_field"]
)
def test_setting_an_attribute_fails(attribute: str) -> None:
    op = Conv(n=7, kernel=2, dilation=2)
    before = op.output
    with pytest.raises(AttributeError):
        setattr(op, attribute, 1)
    assert op.output == before


def test_deleting_an_attribute_fails() -> None:
    op = Conv(n=7, kernel=2)
    with pytest.raises(AttributeError):
        del op.axes
    assert op.axes[0].n == 7


def test_axes_are_frozen() -> None:
    op = Conv(n=7, kernel=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        op.axes[0].n = 3  # type: ignore[misc]
    assert isinstance(op.axes, tuple) and isinstance(op.output, tuple)
    assert isinstance(op.kernel, tuple) and isinstance(op.input, tuple)


def test_mutating_the_returned_matrix_leaves_the_conv_alone() -> None:
    op = Conv(n=7, kernel=2, dilation=2)
    k0 = sympy.Symbol("k_0")
    matrix = op.matrix
    try:
        matrix[0, 0] = 99
    except TypeError:
        pass  # an immutable matrix is fine too
    assert op.matrix[0, 0] == k0
    assert op.output[0] == sympy.Symbol("a_0") * k0 + sympy.Symbol("a_2") * sympy.Symbol("k_1")


def test_replace_builds_a_new_conv() -> None:
    op = Conv(n=7, kernel=2, dilation=2)
    other = op.replace(stride=2)
    assert other is not op
    assert (op.output_length, other.output_length) == (5, 3)
    assert op.args["stride"] == 1 and other.args["stride"] == 2
