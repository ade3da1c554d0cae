"""The statement audit: every statement symdil's documents make, evaluated against the
independent reference (tests/reference.py, plain loops) -- not against symdil's own rows -- over
thousands of random configurations: 1-D and N-D, every padding form and mode, flip, numeric taps
with zeros, transposed with output_padding, channels and groups, and the general case
instantiated for every n from its stated bound to 40 -- each derivation's statements as the
document makes them (``Derivation.statements``: the printed matrix's ``elision`` included) --;
and the statements of random stacks against the reference's layer matrices chained by plain
matrix products.

A seeded random loop (not hypothesis): thousands of cases in seconds, the same cases every run.
"""

from __future__ import annotations

import random

import pytest
import sympy
from reference import Invalid, reference

from symdil import Conv, SymdilError
from symdil.derivation import Derivation
from symdil.statements import KINDS, Evidence


def statements(op):
    """The statements of ``op``'s document, as the derivation makes them."""
    return Derivation(op).statements

CONFIGURATIONS = 2000
GENERAL_CONFIGURATIONS = 120
STACK_CONFIGURATIONS = 150


def reference_evidence(n, K, s, d, padding, mode, flip, transposed, output_padding,
                       values=None, c_in=1, c_out=1, groups=1, bindings=None):
    """Evidence from the reference: symbolic taps give which weight meets which input; the
    numeric kernel (if any) gives the coefficients."""
    ref = reference(n, K, s, d, padding, mode, flip, transposed, output_padding,
                    in_channels=c_in, out_channels=c_out, groups=groups, with_output=False)
    index = {symbol: flat for flat, symbol in enumerate(ref.kernel)}
    taps = []
    for line in ref.matrix:
        row = {}
        for column, coefficient in enumerate(line):
            if coefficient != 0:
                row[column] = {index[term]: int(mult) for term, mult in
                               coefficient.as_coefficients_dict().items()}
        taps.append(row)
    kernel = tuple(ref.kernel) if values is None else tuple(sympy.sympify(v) for v in values)
    return Evidence(input_shape=ref.input_shape, output_shape=ref.output_shape, kernel=kernel,
                    taps=tuple(taps), kernel_shape=ref.kernel_shape, bindings=bindings or {})


def random_config(rng: random.Random) -> dict:
    ndim = rng.choice([1, 1, 1, 2, 2, 3])
    transposed = rng.random() < 0.3
    channels = rng.random() < 0.25
    groups = rng.choice([1, 2]) if channels else 1
    c_in = groups * rng.randint(1, 2) if channels else 1
    c_out = groups * rng.randint(1, 2) if channels else 1
    n = tuple(rng.randint(1, {1: 9, 2: 5, 3: 3}[ndim]) for _ in range(ndim))
    K = tuple(rng.randint(1, 4 if ndim == 1 else 3) for _ in range(ndim))
    s = tuple(rng.randint(1, 3) for _ in range(ndim))
    d = tuple(rng.randint(1, 3) for _ in range(ndim))
    flip = rng.random() < 0.3
    if transposed:
        padding: object = rng.randint(0, 3)
        mode = "zeros"
        output_padding = tuple(rng.randint(0, max(a, b) - 1) for a, b in zip(s, d))
    else:
        padding = rng.choice(["valid", "same", "full", "causal", rng.randint(0, 3),
                              (rng.randint(0, 3), rng.randint(0, 3))])
        mode = rng.choice(["zeros", "zeros", "circular", "reflect", "replicate"])
        output_padding = (0,) * ndim
    numeric = rng.random() < 0.5
    size = c_out * (c_in // groups) * _prod(K) if not transposed else \
        c_in * (c_out // groups) * _prod(K)
    values = [rng.choice([0, 0, 1, -1, 2]) for _ in range(size)] if numeric else None
    return dict(n=n, K=K, s=s, d=d, padding=padding, mode=mode, flip=flip,
                transposed=transposed, output_padding=output_padding, values=values,
                c_in=c_in, c_out=c_out, groups=groups)


def _prod(values) -> int:
    out = 1
    for value in values:
        out *= value
    return out


def _one(values):
    return values[0] if len(values) == 1 else values


def build(cfg):
    ndim = len(cfg["n"])
    if cfg["values"] is None:
        kernel = _one(cfg["K"]) if ndim == 1 else cfg["K"]
    else:
        kernel = _nest(cfg)
    try:
        return Conv(_one(cfg["n"]), kernel, stride=_one(cfg["s"]), dilation=_one(cfg["d"]),
                    padding=cfg["padding"], padding_mode=cfg["mode"], flip=cfg["flip"],
                    transposed=cfg["transposed"], output_padding=_one(cfg["output_padding"]),
                    in_channels=cfg["c_in"], out_channels=cfg["c_out"], groups=cfg["groups"])
    except SymdilError:
        return None


def _nest(cfg):
    """The flat numeric kernel nested in the weight layout Conv reads."""
    c_in, c_out, g = cfg["c_in"], cfg["c_out"], cfg["groups"]
    lead = (c_in, c_out // g) if cfg["transposed"] else (c_out, c_in // g)
    shape = (lead if lead != (1, 1) else ()) + tuple(cfg["K"])
    flat = list(cfg["values"])

    def nest(level, values):
        if level == len(shape) - 1:
            return values
        step = len(values) // shape[level]
        return [nest(level + 1, values[i * step:(i + 1) * step]) for i in range(shape[level])]

    return nest(0, flat)


def _evidence(cfg, n=None, bindings=None):
    return reference_evidence(
        _one(n if n is not None else cfg["n"]), _one(cfg["K"]), _one(cfg["s"]), _one(cfg["d"]),
        cfg["padding"], cfg["mode"], cfg["flip"], cfg["transposed"], _one(cfg["output_padding"]),
        cfg["values"], cfg["c_in"], cfg["c_out"], cfg["groups"], bindings)


def test_every_statement_holds_on_the_reference():
    rng = random.Random(20261130)
    audited = statements_checked = 0
    failures = []
    kinds = set()
    while audited < CONFIGURATIONS:
        cfg = random_config(rng)
        op = build(cfg)
        if op is None:
            continue
        try:
            evidence = _evidence(cfg)
        except Invalid:
            pytest.fail(f"Conv accepted what the reference refuses: {cfg}")
        audited += 1
        for statement in statements(op):
            statements_checked += 1
            kinds.add(statement.kind)
            if not statement.holds(evidence):
                failures.append((cfg, statement))
    assert not failures, f"{len(failures)} false statements, first: {failures[:3]}"
    assert statements_checked > 10 * CONFIGURATIONS
    # every kind of a single convolution's document is audited (valid_from: the general case's)
    # (answer_...: a handout answer key's kinds, audited in test_handout_statements.py)
    single = {kind for kind in KINDS if not kind.startswith(("stack_", "answer_"))}
    assert single - kinds == {"valid_from", "cost"}, single - kinds


def random_general(rng: random.Random) -> dict:
    transposed = rng.random() < 0.35
    K, s, d = rng.randint(1, 4), rng.randint(1, 3), rng.randint(1, 3)
    if transposed:
        padding: object = rng.randint(0, 3)
        output_padding = rng.randint(0, max(s, d) - 1)
    else:
        padding = rng.choice(["valid", "full", "causal", rng.randint(0, 3),
                              (rng.randint(0, 3), rng.randint(0, 3))] + (["same"] if s == 1
                                                                         else []))
        output_padding = 0
    values = [rng.choice([0, 1, -1, 2]) for _ in range(K)] if rng.random() < 0.4 else None
    return dict(n=("n",), K=(K,), s=(s,), d=(d,), padding=padding, mode="zeros",
                flip=rng.random() < 0.3, transposed=transposed, output_padding=(output_padding,),
                values=values, c_in=1, c_out=1, groups=1)


def test_general_statements_hold_for_every_n_from_their_bound_to_40():
    rng = random.Random(7)
    m_symbol = sympy.Symbol("m", integer=True, positive=True)
    audited = instances = 0
    failures = []
    kinds = set()
    while audited < GENERAL_CONFIGURATIONS:
        cfg = random_general(rng)
        op = build(cfg)
        if op is None:
            continue
        audited += 1
        chosen = statements(op)
        kinds.update(st.kind for st in chosen)
        bound = next(st.params["bound"] for st in chosen if st.kind == "valid_from")
        for size in range(bound, 41):
            try:
                evidence = _evidence(cfg, n=(size,))
            except Invalid:
                continue
            instances += 1
            evidence = Evidence(evidence.input_shape, evidence.output_shape, evidence.kernel,
                                evidence.taps, kernel_shape=evidence.kernel_shape,
                                bindings={op.axes[0].n: size,
                                          m_symbol: evidence.output_shape[1]})
            for statement in chosen:
                if not statement.holds(evidence):
                    failures.append((cfg, size, statement))
    assert not failures, f"{len(failures)} false statements, first: {failures[:3]}"
    assert instances > 10 * GENERAL_CONFIGURATIONS
    assert {"valid_from", "cost", "elision"} <= kinds


def test_stack_statements_hold_on_the_reference_chain():
    """Every statement of a random stack's document on the reference's layer matrices chained by
    plain matrix products (1-D and 2-D, strides, dilations, every padding form and mode, flip,
    transposed layers, channels and groups)."""
    from test_stack import reference_chain
    from test_statements_masking import random_stacks

    from symdil.stack.statements import StackEvidence, stack_statements

    failures = []
    checked = 0
    kinds = set()
    for net in random_stacks(STACK_CONFIGURATIONS, seed=4242):
        layer_rows, shapes = [], []
        for layer in net.layers:
            spec = _layer_spec(layer)
            one = reference_chain(spec["n"], [spec["layer"]], [list(layer.kernel)])
            layer_rows.append(_rows(one))
            shapes.append((layer.input_shape, layer.output_shape))
        dense = reference_chain(*_chain_spec(net), [list(layer.kernel) for layer in net.layers])
        product = _rows(dense)
        evidence = StackEvidence(product, net.input_shape, net.output_shape, layer_rows, shapes)
        for statement in stack_statements(net):
            checked += 1
            kinds.add(statement.kind)
            if not statement.holds(evidence):
                failures.append((net.layers, statement))
    assert not failures, f"{len(failures)} false statements, first: {failures[:3]}"
    assert kinds == {kind for kind in KINDS if kind.startswith("stack_")}, kinds
    assert checked > 5 * STACK_CONFIGURATIONS


def _rows(matrix):
    return [{c: matrix[r, c] for c in range(matrix.cols) if sympy.expand(matrix[r, c]) != 0}
            for r in range(matrix.rows)]


def _layer_spec(layer):
    axes = layer.axes
    one = len(axes) == 1
    pick = (lambda values: values[0]) if one else tuple  # noqa: E731
    spec = dict(kernel=pick([a.kernel_size for a in axes]), stride=pick([a.stride for a in axes]),
                dilation=pick([a.dilation for a in axes]),
                padding=pick([(a.pad_before, a.pad_after) for a in axes]),
                padding_mode=axes[0].padding_mode, flip=axes[0].flip,
                transposed=layer.transposed,
                output_padding=pick([a.output_padding for a in axes]),
                in_channels=layer.in_channels, out_channels=layer.out_channels,
                groups=layer.groups)
    return {"n": pick([a.n for a in axes]), "layer": spec}


def _chain_spec(net):
    return _layer_spec(net.layers[0])["n"], [_layer_spec(layer)["layer"] for layer in net.layers]
