"""``Conv`` against the seed example, hand-computed geometry and the independent reference."""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import Invalid, reference

from symdil import Conv, SymdilError

a = sympy.symbols("a_0:7")
k = sympy.symbols("k_0:2")

WORDS = ("valid", "same", "full", "causal")
MODES = ("zeros", "circular", "reflect", "replicate")
SETTINGS = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# ----- the seed example, exactly ------------------------------------------------------------
def test_seed_example_matrix() -> None:
    op = Conv(n=7, kernel=2, dilation=2)
    k0, k1 = k
    assert op.matrix.shape == (5, 7)
    assert op.matrix == sympy.Matrix(
        [
            [k0, 0, k1, 0, 0, 0, 0],
            [0, k0, 0, k1, 0, 0, 0],
            [0, 0, k0, 0, k1, 0, 0],
            [0, 0, 0, k0, 0, k1, 0],
            [0, 0, 0, 0, k0, 0, k1],
        ]
    )
    assert [str(entry) for entry in op.matrix.row(0)] == ["k_0", "0", "k_1", "0", "0", "0", "0"]


def test_seed_example_output() -> None:
    op = Conv(n=7, kernel=2, dilation=2)
    k0, k1 = k
    assert op.output == tuple(a[i] * k0 + a[i + 2] * k1 for i in range(5))
    assert [str(y) for y in op.output] == [
        "a_0*k_0 + a_2*k_1",
        "a_1*k_0 + a_3*k_1",
        "a_2*k_0 + a_4*k_1",
        "a_3*k_0 + a_5*k_1",
        "a_4*k_0 + a_6*k_1",
    ]
    assert op.input == a
    assert op.kernel == k
    assert op.output_length == 5
    assert op.padding == (0, 0)
    assert op.receptive_field == 3
    assert op.nonzeros == 10
    assert sympy.latex(op.input[0]) == "a_{0}"


def test_concrete_taps_second_difference() -> None:
    op = Conv(n=5, kernel=[1, -2, 1])
    assert op.kernel == (1, -2, 1)
    assert op.matrix == sympy.Matrix(
        [[1, -2, 1, 0, 0], [0, 1, -2, 1, 0], [0, 0, 1, -2, 1]]
    )
    assert op.output[1] == a[1] - 2 * a[2] + a[3]


def test_folded_taps_replicate() -> None:
    # y_0 = k_0 x[0] + k_1 x[0] + k_2 x[1]: the padded sample replicates x[0]
    op = Conv(n=4, kernel=3, padding=1, padding_mode="replicate")
    k0, k1, k2 = sympy.symbols("k_0:3")
    assert op.matrix.row(0) == sympy.Matrix([[k0 + k1, k2, 0, 0]])
    assert op.matrix.row(3) == sympy.Matrix([[0, 0, k0, k1 + k2]])


def test_flip_is_numpy_convolve() -> None:
    op = Conv(n=5, kernel=[1, 2, 3], flip=True, padding="full")
    x = [1, 0, 2, -1, 4]
    expected = [sum(x[j] * [1, 2, 3][i - j] for j in range(5) if 0 <= i - j < 3) for i in range(7)]
    got = list(op.matrix * sympy.Matrix(x))
    assert got == expected  # numpy.convolve([1,0,2,-1,4], [1,2,3]), written out


def test_transposed_example() -> None:
    # n=3, K=2, s=2: out[2i + t] += k_t x[i], length (3-1)*2 + 1 + 1 = 6
    op = Conv(n=3, kernel=2, stride=2, transposed=True)
    k0, k1 = k
    assert op.output_length == 6
    assert op.matrix == sympy.Matrix(
        [[k0, 0, 0], [k1, 0, 0], [0, k0, 0], [0, k1, 0], [0, 0, k0], [0, 0, k1]]
    )


# ----- resolved geometry, hand-computed -----------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, padding, output_length, receptive_field",
    [
        (dict(n=7, kernel=3, padding="same"), (1, 1), 7, 3),
        (dict(n=7, kernel=3, dilation=2, padding="same"), (2, 2), 7, 5),
        (dict(n=7, kernel=2, padding="same"), (0, 1), 7, 2),
        (dict(n=7, kernel=4, padding="same"), (1, 2), 7, 4),
        (dict(n=7, kernel=3, stride=2, padding="same"), (1, 1), 4, 3),
        (dict(n=8, kernel=3, stride=2, padding="same"), (0, 1), 4, 3),
        (dict(n=10, kernel=3, stride=3, dilation=2, padding="same"), (2, 2), 4, 5),
        (dict(n=5, kernel=1, stride=2, padding="same"), (0, 0), 3, 1),
        (dict(n=6, kernel=3, dilation=2, padding="full"), (4, 4), 10, 5),
        (dict(n=6, kernel=3, dilation=2, padding="causal"), (4, 0), 6, 5),
        (dict(n=6, kernel=3, dilation=2, padding="valid"), (0, 0), 2, 5),
        (dict(n=6, kernel=3, padding=2), (2, 2), 8, 3),
        (dict(n=6, kernel=3, padding=(1, 3)), (1, 3), 8, 3),
        (dict(n=6, kernel=3, padding=[0, 2], stride=2), (0, 2), 3, 3),
        (dict(n=9, kernel=3, stride=2, dilation=3), (0, 0), 2, 7),
        (dict(n=4, kernel=3, stride=2, padding=1, output_padding=1, transposed=True), (1, 1), 8, 3),
        (dict(n=4, kernel=3, dilation=2, padding=2, transposed=True), (2, 2), 4, 5),
        (dict(n=3, kernel=2, dilation=3, output_padding=2, transposed=True), (0, 0), 8, 4),
    ],
)
def test_resolved_geometry(kwargs, padding, output_length, receptive_field) -> None:
    op = Conv(**kwargs)
    assert op.padding == padding
    assert op.output_length == output_length
    assert op.receptive_field == receptive_field
    assert op.matrix.shape == (output_length, kwargs["n"])
    assert len(op.output) == output_length


def test_resolved_geometry_2d() -> None:
    op = Conv(n=(5, 6), kernel=(3, 2), stride=(2, 1), dilation=(1, 2), padding=((1, 0), 2))
    assert op.padding == ((1, 0), (2, 2))
    assert op.output_length == (2, 8)  # (5+1-3)//2+1, (6+4-3)//1+1
    assert op.receptive_field == (3, 3)
    assert op.shape == (16, 30)
    same = Conv(n=(7, 8), kernel=3, stride=2, padding="same", in_channels=2, out_channels=4)
    assert same.padding == ((1, 1), (0, 1))
    assert same.output_shape == (4, 4, 4)
    assert same.kernel_shape == (4, 2, 3, 3)
    assert same.shape == (64, 112)
    up = Conv(n=(2, 3, 4), kernel=2, stride=2, transposed=True, in_channels=4, out_channels=2,
              groups=2)
    assert up.output_shape == (2, 4, 6, 8)
    assert up.kernel_shape == (4, 1, 2, 2, 2)


def test_symbol_naming() -> None:
    op = Conv(n=(2, 2), kernel=(1, 2), in_channels=2, out_channels=3, input_symbol="x",
              kernel_symbol="w", output_symbol="z")
    assert [str(s) for s in op.input[:3]] == ["x^{(0)}_{0,0}", "x^{(0)}_{0,1}", "x^{(0)}_{1,0}"]
    assert str(op.input[4]) == "x^{(1)}_{0,0}"
    assert str(op.kernel[0]) == "w^{(0,0)}_{0,0}"
    assert str(op.kernel[3]) == "w^{(0,1)}_{0,1}"
    assert str(op.kernel[4]) == "w^{(1,0)}_{0,0}"
    assert str(op.output_symbol_at(0)) == "z^{(0)}_{0,0}"
    assert str(op.output_symbol_at(2)) == "z^{(1)}_{0,0}"
    assert str(op.input_symbol_at(5)) == "x^{(1)}_{0,1}"
    one = Conv(n=4, kernel=2, input_symbol="alpha", kernel_symbol="omega")
    assert [str(s) for s in one.kernel] == ["omega_0", "omega_1"]
    assert str(one.output_symbol_at(2)) == "y_2"
    assert str(one.input_symbol_at(3)) == "alpha_3"


def test_symbolic_n_rows_match_a_long_input() -> None:
    general = Conv(n="n", kernel=3, stride=2, dilation=2, padding=(3, 1))
    nn = sympy.Symbol("n", integer=True, positive=True)
    assert sympy.simplify(general.output_length - (sympy.floor((nn + 4 - 5) / 2) + 1)) == 0
    assert general.symbolic
    ref = reference(40, 3, stride=2, dilation=2, padding=(3, 1))
    for r in range(5):
        expected = {c: v for c, v in enumerate(ref.matrix[r]) if v != 0}
        assert general.row(r) == expected
    with pytest.raises(SymdilError):
        general.matrix  # noqa: B018


# ----- the independent reference, over random configurations --------------------------------
def _nest(flat: list, shape: tuple[int, ...]) -> list:
    if len(shape) == 1:
        return list(flat)
    step = math.prod(shape[1:])
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _build(params: dict):
    """(Conv or the SymdilError it raised, Reference or None if the reference calls it invalid)."""
    values = params.pop("kernel_values", None)
    try:
        ref = reference(**params, kernel_values=values)
    except Invalid:
        ref = None
    conv_params = dict(params)
    if values is not None:
        ndim = len(params["n"]) if isinstance(params["n"], tuple) else 1
        sizes = params["kernel"]
        if not isinstance(sizes, tuple):
            sizes = (sizes,) * ndim
        c_in, c_out, g = (params.get(x, 1) for x in ("in_channels", "out_channels", "groups"))
        lead = (c_in, c_out // g) if params.get("transposed") else (c_out, c_in // g)
        conv_params["kernel"] = _nest(values, lead + tuple(sizes))
    try:
        conv = Conv(**conv_params)
    except SymdilError as error:
        conv = error
    return conv, ref


def _same(x, y) -> bool:
    return x == y or sympy.expand(x - y) == 0


def assert_matches(conv: Conv, ref) -> None:
    assert conv.input_shape == ref.input_shape
    assert conv.output_shape == ref.output_shape
    assert conv.kernel_shape == ref.kernel_shape
    assert conv.shape == (len(ref.matrix), len(ref.input))
    assert list(conv.padding if conv.ndim > 1 else [conv.padding]) == ref.padding
    assert list(conv.receptive_field if conv.ndim > 1 else [conv.receptive_field]) == (
        ref.receptive_field
    )
    assert conv.input == tuple(ref.input)
    assert conv.kernel == tuple(ref.kernel)
    expected = {
        (r, c): v for r, row in enumerate(ref.matrix) for c, v in enumerate(row) if v != 0
    }
    got = {key: v for key, v in conv.matrix.todok().items() if v != 0}
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert _same(got[key], value), (key, got[key], value)
    assert conv.nonzeros == len(expected)
    assert len(conv.output) == len(ref.output)
    for r, (y, y_ref) in enumerate(zip(conv.output, ref.output, strict=True)):
        assert _same(y, y_ref), (r, y, y_ref)
        row = conv.row(r)
        assert set(row) == {c for (rr, c) in expected if rr == r}
        assert all(_same(v, expected[(r, c)]) for c, v in row.items())


def assert_output_is_matrix_times_input(conv: Conv) -> None:
    product = conv.matrix * sympy.Matrix(conv.input)
    for y, p in zip(conv.output, product, strict=True):
        assert sympy.expand(y) == sympy.expand(p)


def check(params: dict) -> None:
    conv, ref = _build(dict(params))
    if ref is None:
        assert isinstance(conv, SymdilError), f"Conv accepted an invalid configuration {params}"
        return
    assert isinstance(conv, Conv), f"Conv refused a valid configuration {params}: {conv}"
    assert_matches(conv, ref)
    assert_output_is_matrix_times_input(conv)


taps = st.one_of(
    st.integers(-3, 3),
    st.fractions(min_value=-2, max_value=2, max_denominator=3).map(sympy.Rational),
)


@st.composite
def configs_1d(draw) -> dict:
    n = draw(st.integers(1, 9))
    kernel = draw(st.integers(1, 4))
    stride = draw(st.integers(1, 3))
    dilation = draw(st.integers(1, 3))
    params = dict(n=n, kernel=kernel, stride=stride, dilation=dilation, flip=draw(st.booleans()))
    if draw(st.integers(0, 2)) == 0:
        params["transposed"] = True
        params["padding"] = draw(st.integers(0, 3) | st.just("valid"))
        params["output_padding"] = draw(st.integers(0, max(stride, dilation) - 1))
    else:
        params["padding"] = draw(
            st.integers(0, 4)
            | st.tuples(st.integers(0, 4), st.integers(0, 4))
            | st.sampled_from(WORDS)
        )
        params["padding_mode"] = draw(st.sampled_from(MODES))
    if draw(st.booleans()):
        params["kernel_values"] = draw(st.lists(taps, min_size=kernel, max_size=kernel))
    names = draw(st.sampled_from([("a", "k"), ("x", "w"), ("alpha", "theta")]))
    params["input_symbol"], params["kernel_symbol"] = names
    return params


@SETTINGS
@given(configs_1d())
def test_1d_matches_reference(params: dict) -> None:
    check(params)


@st.composite
def configs_nd(draw) -> dict:
    ndim = draw(st.sampled_from([2, 2, 3]))
    top = 4 if ndim == 2 else 3
    n = tuple(draw(st.integers(1, top)) for _ in range(ndim))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    groups = draw(st.integers(1, 2))
    in_channels = groups * draw(st.integers(1, 2))
    out_channels = groups * draw(st.integers(1, 2 if ndim == 2 else 1))
    params = dict(n=n, kernel=kernel, stride=stride, dilation=dilation, flip=draw(st.booleans()),
                  in_channels=in_channels, out_channels=out_channels, groups=groups)
    if draw(st.integers(0, 2)) == 0:
        params["transposed"] = True
        params["padding"] = tuple(draw(st.integers(0, 2)) for _ in range(ndim))
        params["output_padding"] = tuple(
            draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)
        )
    else:
        params["padding"] = draw(
            st.sampled_from(WORDS)
            | st.integers(0, 2)
            | st.tuples(
                *[st.integers(0, 2) | st.tuples(st.integers(0, 2), st.integers(0, 2))] * ndim
            )
        )
        params["padding_mode"] = draw(st.sampled_from(MODES))
    if draw(st.integers(0, 3)) == 0:
        lead = (in_channels, out_channels // groups) if params.get("transposed") else (
            out_channels, in_channels // groups)
        size = math.prod(lead + kernel)
        params["kernel_values"] = draw(st.lists(st.integers(-2, 2), min_size=size, max_size=size))
    return params


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs_nd())
def test_nd_matches_reference(params: dict) -> None:
    check(params)


@pytest.mark.parametrize(
    "params",
    [
        # the doubly block Toeplitz case, dilated, with a 2-D concrete kernel (short nesting)
        dict(n=(4, 5), kernel=(2, 3), dilation=(1, 2), padding="same"),
        dict(n=(3, 3), kernel=2, padding=1, padding_mode="reflect", in_channels=2, out_channels=4,
             groups=2),
        dict(n=(3, 4), kernel=3, padding=((2, 0), 1), padding_mode="circular", flip=True),
        dict(n=(3, 3), kernel=(2, 3), padding=(1, (0, 2)), padding_mode="replicate",
             in_channels=3, out_channels=2),
        dict(n=(2, 3), kernel=3, stride=2, dilation=(2, 1), padding=(1, 2), output_padding=(1, 1),
             transposed=True, in_channels=2, out_channels=2, groups=2),
        dict(n=(2, 2, 3), kernel=(2, 1, 2), stride=(1, 2, 1), padding="full", in_channels=2,
             out_channels=2, groups=2, padding_mode="zeros"),
        dict(n=(2, 2, 2), kernel=2, stride=2, output_padding=(1, 0, 1), transposed=True, flip=True,
             in_channels=1, out_channels=3),
    ],
)
def test_nd_examples(params: dict) -> None:
    check(params)


def test_nd_concrete_kernel_short_nesting() -> None:
    op = Conv(n=(3, 3), kernel=[[1, 2], [3, 4]])
    ref = reference((3, 3), (2, 2), kernel_values=[1, 2, 3, 4])
    assert_matches(op, ref)
    assert op.kernel_shape == (1, 1, 2, 2)


# ----- the transposed operator is the transpose of the forward one --------------------------
@st.composite
def transposed_configs(draw) -> dict:
    ndim = draw(st.sampled_from([1, 1, 2]))
    n = tuple(draw(st.integers(1, 5 if ndim == 1 else 3)) for _ in range(ndim))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    output_padding = tuple(draw(st.integers(0, s - 1)) for s in stride)
    padding = tuple(draw(st.integers(0, 2)) for _ in range(ndim))
    groups = draw(st.integers(1, 2))
    return dict(
        # in 1-D a sequence kernel means concrete taps, so the size goes in as an int
        n=n, kernel=kernel[0] if ndim == 1 else kernel, stride=stride, dilation=dilation,
        output_padding=output_padding, padding=padding, flip=draw(st.booleans()), groups=groups,
        in_channels=groups * draw(st.integers(1, 2)), out_channels=groups * draw(st.integers(1, 2)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transposed_configs())
def test_transposed_matrix_is_forward_transposed(params: dict) -> None:
    try:
        up = Conv(**params, transposed=True)
    except SymdilError:
        sizes = params["kernel"] if isinstance(params["kernel"], tuple) else (params["kernel"],)
        lengths = [
            (n - 1) * s - 2 * p + d * (K - 1) + op + 1
            for n, K, s, d, p, op in zip(params["n"], sizes, params["stride"],
                                         params["dilation"], params["padding"],
                                         params["output_padding"], strict=True)
        ]
        assert min(lengths) < 1  # the only way this configuration is invalid
        return
    m = up.output_shape[1:]
    forward = Conv(
        n=m, kernel=params["kernel"], stride=params["stride"], dilation=params["dilation"],
        padding=params["padding"], flip=params["flip"], groups=params["groups"],
        in_channels=params["out_channels"], out_channels=params["in_channels"],
    )
    assert forward.output_shape == up.input_shape
    assert forward.kernel_shape == up.kernel_shape
    assert forward.kernel == up.kernel
    assert up.matrix == forward.matrix.T


# ----- the general case: rows of a symbolic n are the top rows of any long input -------------
@st.composite
def general_configs(draw) -> dict:
    kernel, stride, dilation = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(
        st.integers(1, 3))
    params = dict(kernel=kernel, stride=stride, dilation=dilation, flip=draw(st.booleans()))
    if draw(st.booleans()):
        params.update(transposed=True, padding=draw(st.integers(0, 3)),
                      output_padding=draw(st.integers(0, max(stride, dilation) - 1)))
    else:
        words = ("valid", "full", "causal") + (("same",) if stride == 1 else ())
        params["padding"] = draw(
            st.integers(0, 4) | st.tuples(st.integers(0, 4), st.integers(0, 4))
            | st.sampled_from(words)
        )
    return params


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(general_configs())
def test_symbolic_n_matches_reference_top_rows(params: dict) -> None:
    general = Conv(n="n", **params)
    long = 40
    ref = reference(long, **params)
    nn = sympy.Symbol("n", integer=True, positive=True)
    assert general.output_length.subs(nn, long) == len(ref.matrix)
    for r in range(4):
        assert general.row(r) == {c: v for c, v in enumerate(ref.matrix[r]) if v != 0}
