"""The nine false sentences of issue 9 (F1-F9) and the general-case `same` crash, each as a named
regression test: the statement symdil now makes, checked against the independent reference, and
the sentence the document prints.  Plus mutation tests: a planted wrong parameter makes the
statement false."""

from __future__ import annotations

import re

import pytest
from test_statements_audit import reference_evidence

from symdil import Conv, derive, verify
from symdil.statements import Statement, evidence_of, statements


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def kinds(op: Conv) -> dict[str, list[Statement]]:
    out: dict[str, list[Statement]] = {}
    for statement in statements(op):
        out.setdefault(statement.kind, []).append(statement)
    return out


def ref(n, K, s=1, d=1, padding=0, mode="zeros", flip=False, transposed=False,
        output_padding=0, values=None):
    return reference_evidence(n, K, s, d, padding, mode, flip, transposed, output_padding,
                              values)


def all_hold(op: Conv, evidence) -> None:
    false = [st for st in statements(op) if not st.holds(evidence)]
    assert not false, false


def test_f1_causal_padding_with_reflect_is_not_causal():
    op = Conv(5, 3, padding="causal", padding_mode="reflect")
    found = kinds(op)
    assert "causal" not in found
    assert found["later_inputs"][0].params["rows"] == ((0, (1, 2)),)
    all_hold(op, ref(5, 3, padding="causal", mode="reflect"))
    text = flat(derive(op, "markdown"))
    assert "no output depends on later inputs" not in text
    assert "$y_{0}$ reads $a_{1}, a_{2}$, so the layer is not causal" in text
    for mode in ("zeros", "replicate"):  # causal indeed
        assert "causal" in kinds(Conv(5, 3, padding="causal", padding_mode=mode))
    assert "later_inputs" in kinds(Conv(5, 3, padding="causal", padding_mode="circular"))


def test_f2_transposed_crop_at_each_end_with_output_padding():
    op = Conv(5, 3, stride=2, padding=3, transposed=True, output_padding=1)
    found = kinds(op)
    assert dict(found["crop"][0].params)["start"] == 3 and found["crop"][0].params["end"] == 2
    z = found["zero_insertion"][0].params
    assert (z["pad_start"], z["pad_end"]) == (-1, 0)
    all_hold(op, ref(5, 3, 2, 1, 3, transposed=True, output_padding=1))
    text = flat(derive(op, "markdown"))
    assert "at each end" not in text
    assert "crop $p - d\\,(K-1) = 1$ sample at the start and leave its end as it is" in text
    assert "removes $3$ outputs at its start and $p - p_{\\mathrm{out}} = 3 - 1 = 2$ at its end" \
        in text


def test_f3_output_padding_beyond_stride_adds_two_outputs_and_shapes_do_not_invert():
    op = Conv(4, 2, dilation=3, transposed=True, output_padding=2)
    found = kinds(op)
    assert "transpose_of_forward" not in found
    assert found["forward_transpose_columns"][0].params["extra"] == 2
    all_hold(op, ref(4, 2, 1, 3, transposed=True, output_padding=2))
    text = flat(derive(op, "markdown"))
    assert "one more" not in text and "inverts the shapes" not in text
    assert "$6$ outputs, $2$ more than this layer's inputs" in text
    assert "the shapes do not invert" in text
    # p_out < s: the shapes do invert
    assert "transpose_of_forward" in kinds(Conv(4, 2, stride=3, transposed=True,
                                                output_padding=2))


def test_f4_products_through_a_zero_tap_involve_an_input():
    op = Conv(3, [1, 0, 2], transposed=True)
    product = kinds(op)["zero_insertion_products"][0].params
    assert (product["with_inputs"], product["with_zeros"]) == (9, 6)
    all_hold(op, ref(3, 3, transposed=True, values=[1, 0, 2]))
    text = flat(derive(op, "markdown"))
    assert "only $9$ of them involve an input sample, the other $6$ multiply inserted" in text


def test_f5_folded_border_entries_lie_on_further_diagonals():
    op = Conv(5, 1, padding=2, padding_mode="replicate")
    band = kinds(op)["band"][0].params
    assert band["lines"] == (-2,) and band["border_lines"] == (-4, -3, -1, 0)
    all_hold(op, ref(5, 1, padding=2, mode="replicate"))
    text = flat(derive(op, "markdown"))
    assert ("one non-zero diagonal, $j - i = -2$, apart from the folded entries of the border "
            "rows, which add the diagonals $j - i \\in \\{-4, -3, -1, 0\\}$") in text


def test_f6_taps_landing_in_circular_padding_fold_back():
    op = Conv(2, 3, dilation=2, padding=2, padding_mode="circular")
    found = kinds(op)
    assert "absent_taps" not in found
    assert found["padding_only_taps"][0].params["taps"] == (0, 2)
    all_hold(op, ref(2, 3, 1, 2, 2, "circular"))
    text = flat(derive(op, "markdown"))
    assert "never meet" not in text
    assert "taps $k_{0}, k_{2}$ always land in the padding, which folds them back" in text


def _general_instances(op, K, s, d, padding, upto=30):
    import sympy

    m_symbol = sympy.Symbol("m", integer=True, positive=True)
    chosen = statements(op)
    bound = next(st.params["bound"] for st in chosen if st.kind == "valid_from")
    for size in range(bound, upto):
        evidence = ref(size, K, s, d, padding)
        evidence = type(evidence)(evidence.input_shape, evidence.output_shape, evidence.kernel,
                                  evidence.taps, kernel_shape=evidence.kernel_shape,
                                  bindings={op.axes[0].n: size,
                                            m_symbol: evidence.output_shape[1]})
        false = [st for st in chosen if not st.holds(evidence)]
        assert not false, (size, false)


def test_f7_general_case_cuts_the_last_row_unless_n_is_2_mod_3():
    op = Conv("n", 2, stride=3, padding=(0, 2))
    found = kinds(op)
    assert "no_borders" not in found
    bottom = [st for st in found["cut_rows"] if st.params["side"] == "bottom"][0]
    assert dict(bottom.params["by_residue"]) == {0: (2,), 1: (1,), 2: ()}
    _general_instances(op, 2, 3, 1, (0, 2))
    text = flat(derive(op, "markdown"))
    assert "nothing is cut" not in text
    assert ("the last row loses $2$ taps when $n \\equiv 0$; the last row loses $1$ tap when "
            "$n \\equiv 1$; nothing when $n \\equiv 2$") in text


def test_f8_general_case_never_cuts_at_the_bottom():
    op = Conv("n", 3, stride=2, padding=(1, 0))
    bottom = [st for st in kinds(op)["cut_rows"] if st.params["side"] == "bottom"][0]
    assert dict(bottom.params["by_residue"]) == {0: (), 1: ()}
    _general_instances(op, 3, 2, 1, (1, 0))
    text = flat(derive(op, "markdown"))
    assert "depends on $n \\bmod s$" not in text
    assert "Nothing is ever cut at the bottom, whatever $n \\bmod 2$." in text


def test_f9_inputs_read_through_a_zero_tap_have_zero_weight():
    op = Conv(6, [1, 0], stride=2)
    found = kinds(op)
    assert "unread_inputs" not in found
    assert found["zero_weight_inputs"][0].params["first"] == (1, 3, 5)
    all_hold(op, ref(6, 2, 2, values=[1, 0]))
    text = flat(derive(op, "markdown"))
    assert "never read" not in text
    assert ("$3$ inputs are read only through zero taps, so their columns of $M$ are zero: "
            "$a_{1}, a_{3}, a_{5}$") in text
    # inputs no window reaches at all are still "never read"
    assert kinds(Conv(6, 1, stride=2))["unread_inputs"][0].params["count"] == 3


def test_general_same_padding_renders_and_verifies():
    op = Conv("n", 3, padding="same")
    text = flat(derive(op, "markdown", verification=verify(op)))
    assert "\\left\\lceil \\frac{n}{1} \\right\\rceil = n" in text
    _general_instances(op, 3, 1, 1, "same")


# --------------------------------------------------------------------------------------------
# Mutation: a planted wrong parameter makes holds() false
# --------------------------------------------------------------------------------------------

MUTATIONS = [
    # (operator, kind, parameter path, wrong value)
    (dict(n=5, kernel=3, padding="causal", padding_mode="reflect"), "later_inputs", ("rows",),
     ((0, (2,)),)),
    (dict(n=5, kernel=3, stride=2, padding=3, transposed=True, output_padding=1), "crop",
     ("end",), 3),
    (dict(n=5, kernel=3, stride=2, padding=3, transposed=True, output_padding=1),
     "zero_insertion", ("pad_end",), -1),
    (dict(n=4, kernel=2, dilation=3, transposed=True, output_padding=2),
     "forward_transpose_columns", ("extra",), 1),
    (dict(n=3, kernel=[1, 0, 2], transposed=True), "zero_insertion_products", ("with_inputs",),
     6),
    (dict(n=5, kernel=1, padding=2, padding_mode="replicate"), "band", ("border_lines",), ()),
    (dict(n=2, kernel=3, dilation=2, padding=2, padding_mode="circular"), "padding_only_taps",
     ("taps",), (0, 1, 2)),
    (dict(n=6, kernel=[1, 0], stride=2), "zero_weight_inputs", ("count",), 2),
    (dict(n=6, kernel=[1, 0], stride=2), "zero_weight_inputs", ("first",), (1, 3, 4)),
    (dict(n=8, kernel=3, padding=1), "nonzeros", ("count",), 23),
    (dict(n=8, kernel=3, padding=1), "products_count", ("cut",), 1),
    (dict(n=8, kernel=3, padding=1), "border_rows", ("bottom",), 2),
    (dict(n=8, kernel=3, padding=1), "interior", ("last",), 7),
    (dict(n=8, kernel=3, padding=1), "window", ("g", "p"), 0),
    (dict(n=8, kernel=3, stride=2, padding="same"), "same_padding", ("before",), 1),
    (dict(n=8, kernel=3, stride=2), "output_length", ("length",), 4),
    (dict(n=8, kernel=3, dilation=2), "receptive_field", ("size",), 3),
    (dict(n=8, kernel=3, dilation=2, padding=1), "shift", ("g", "s"), 2),
    (dict(n=7, kernel=3, stride=2, transposed=True), "residue_counts", ("counts",), (1, 2)),
    (dict(n=(3, 4), kernel=(2, 2), in_channels=2, out_channels=2, groups=2), "channel_blocks",
     ("separated",), 0),
    (dict(n=(3, 4), kernel=(2, 3), padding=1), "products_count", ("kept",), 35),
    (dict(n=(3, 4, 3), kernel=(2, 3, 2), padding=1, padding_mode="reflect"), "nonzero_blocks",
     ("count",), 5),
    (dict(n=(3, 4), kernel=[[1, 0, 2], [0, 0, 0]], padding=1), "nonzero_blocks", ("count",), 6),
    # the band spans its non-zero lines only: a zero tap at the end of the window adds none
    # (issue 17, T7; these were "1 of the 2 lines spanned")
    (dict(n=6, kernel=[1, 0], stride=2), "band", ("span",), (0, 1)),
    (dict(n=9, kernel=[1, 0, 0], dilation=2, padding=1), "band", ("span",), (-1, 3)),
]


def _mutate(statement: Statement, path: tuple, value) -> Statement:
    params = {key: (dict(v) if hasattr(v, "items") else v) for key, v in
              statement.params.items()}
    if len(path) == 2:
        params[path[0]][path[1]] = value
    else:
        params[path[0]] = value
    return Statement(statement.kind, params)


@pytest.mark.parametrize("args,kind,path,value", MUTATIONS,
                         ids=[f"{m[1]}-{'.'.join(m[2])}" for m in MUTATIONS])
def test_a_planted_wrong_parameter_is_false(args, kind, path, value):
    op = Conv(**args)
    evidence = evidence_of(op)
    statement = next(st for st in statements(op) if st.kind == kind)
    assert statement.holds(evidence)
    assert not _mutate(statement, path, value).holds(evidence)


def test_verify_fails_on_a_false_statement(monkeypatch):
    """A derivation whose statement is false is not rendered and derive --verify exits 1."""
    from typer.testing import CliRunner

    import symdil.statements.select as build
    from symdil.cli import app

    original = build.one_dimensional

    def planted(op):
        return [_mutate(st, ("count",), st.params["count"] + 1) if st.kind == "nonzeros" else st
                for st in original(op)]

    monkeypatch.setattr(build, "one_dimensional", planted)
    result = CliRunner().invoke(app, ["derive", "--n", "6", "--kernel", "3", "--verify", "-f",
                                      "markdown"])
    assert result.exit_code == 1
    assert "statement:nonzeros" in result.output and "nothing was written" in result.output
    assert "### 1." not in result.output
