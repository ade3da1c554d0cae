"""symdil.derivation / symdil.render: the Python API, templates, escaping, determinism, tools."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from regen import CASES, render_case
from tools import ROOT, assert_katex_ok, compile_latex, pdf_text

from symdil import Conv, SymdilError
from symdil.derivation import Derivation, derive
from symdil.render.environment import builtin_templates, latex_escape, markdown_escape

SEED = Conv(7, 2, dilation=2)


def flat(text: str) -> str:
    """Whitespace-normalised text: prose sentences wrap freely in the templates."""
    return " ".join(text.split())
INJECTION = r"\input{/etc/passwd} \write18{touch pwned} \catcode`\^^5c=0 \def\x{1} $x$ #%&~_^{}"


# ----- content ------------------------------------------------------------------------------
def test_seed_derivation_states_the_issue_formulas() -> None:
    text = flat(derive(SEED, "latex"))
    assert r"y_{i} = \sum_{t=0}^{1} k_{t}\, a_{i + 2 t}" in text  # substituted definition
    assert "cross-correlation" in text
    assert r"d\,(K-1) + 1 = 2 \cdot (2 - 1) + 1 = 3" in text  # receptive field
    assert r"$d - 1 = 1$ zero diagonal" in text
    assert r"$m \cdot K = 5 \cdot 2 = 10$" in text and r"$m \cdot n = 5 \cdot 7 = 35$" in text
    assert text.startswith("% symdil derivation (snippet)")
    assert r"\documentclass" not in text


def test_flip_transposed_and_padding_words_change_the_words() -> None:
    assert "true convolution" in flat(derive(Conv(7, 3, flip=True), "markdown"))
    same = flat(derive(Conv(12, 3, stride=2, dilation=2, padding="same"), "markdown"))
    assert "Padding `same` (TensorFlow's rule)" in same
    assert r"\left\lceil \frac{12}{2} \right\rceil = 6" in same
    assert "pads $d\\,(K-1) = 2 \\cdot (3 - 1) = 4$ samples on both sides" in flat(derive(
        Conv(9, 3, dilation=2, padding="full"), "markdown"))
    assert "at the start only" in flat(derive(Conv(9, 3, padding="causal"), "markdown"))
    transposed = flat(derive(Conv(5, 3, stride=2, padding=1, transposed=True), "markdown"))
    assert "insert $s - 1 = 1$ zero between neighbouring inputs" in transposed
    assert r"M = C^{\mathsf{T}}" in transposed
    reflect = flat(derive(Conv(8, 3, dilation=2, padding=2, padding_mode="reflect"),
                          "markdown"))
    assert r"$k_{0}$ reads $\tilde{a}_{-2} = a_{2}$" in reflect
    assert "both read $a_{2}$, whose weight is $k_{0} + k_{2}$" in reflect


def test_general_case_derivation() -> None:
    text = flat(derive(Conv("n", 3, dilation=2, stride=2), "markdown"))
    assert r"\tilde" not in text  # no padding
    assert r"y_{i} = \sum_{t=0}^{2} k_{t}\, a_{2 i + 2 t}" in text
    assert r"\left\lfloor \frac{n - 5}{2} \right\rfloor + 1" in text
    # the borders separate from n = 5, the printed sketch (13 first columns and the last, at
    # the 16-column limit every printed matrix has) from 15
    assert ("The statements below hold for every $n \\ge 15$, where the borders are separated by at "
            "least one interior row and the matrix is as drawn above") in text
    assert "depend on $n \\bmod s$" in text


def test_nd_and_channels_take_the_block_derivation() -> None:
    """N-D or several channels: the block structure (tests/test_derive_nd*.py has the rest)."""
    assert "Blocks along axis 0" in derive(Conv((4, 4), (2, 2)))
    assert "Channel blocks" in derive(Conv(4, 2, in_channels=2))
    assert "Blocks along" not in derive(SEED) and "Channel blocks" not in derive(SEED)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"fmt": "docx"}, "format must be one of latex, markdown, html"),
    ({"max_rows": 2}, "max_rows must be an integer >= 3"),
    ({"max_cols": True}, "max_cols must be an integer >= 3"),
    ({"title": "T"}, "title applies to standalone documents"),
    ({"verification": 3}, "verification must be a list of checks"),
])
def test_api_errors(kwargs, message) -> None:
    with pytest.raises(SymdilError, match=message):
        derive(SEED, **kwargs)


# ----- determinism ------------------------------------------------------------------------------
def test_same_input_gives_the_same_bytes_across_processes() -> None:
    script = ("import sys; from symdil import Conv; from symdil.derivation import derive; "
              "sys.stdout.write(derive(Conv(10, 3, stride=2, dilation=2, padding='same', "
              "padding_mode='reflect'), 'markdown', standalone=True))")
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.add(subprocess.run([sys.executable, "-c", script], env=env, check=True,
                                   capture_output=True, text=True, cwd=ROOT).stdout)
    assert len(outputs) == 1


# ----- real tools on every output ------------------------------------------------------------
@pytest.mark.parametrize("case", list(CASES))
def test_latex_outputs_compile(case: str) -> None:
    compile_latex(render_case(CASES[case], "latex", True), standalone=True)
    compile_latex(render_case(CASES[case], "latex", False), standalone=False)


def test_markdown_outputs_parse_with_katex() -> None:
    documents = []
    for args in CASES.values():
        documents.append(render_case(args, "markdown", True))
        documents.append(render_case(args, "markdown", False))
    documents.append(Derivation(Conv(6, 3, stride=3, padding=(0, 2)))._repr_markdown_())
    assert_katex_ok(*documents)


def test_katex_check_catches_bad_math() -> None:
    from tools import katex_errors

    errors = katex_errors("fine $a_{0}$ and $$\n\\frac{1}{\n$$\n", "inline $a\nb$ across lines")
    assert errors[0] and "frac" in errors[0][0]
    assert errors[1] and "crosses a line break" in errors[1][0]


# ----- escaping and injection ------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("a_b", r"a\_b"),
    ("50% & $5", r"50\% \& \$5"),
    (r"\input{x}", r"\textbackslash{}input\{x\}"),
    ("^^5c", r"\textasciicircum{}\textasciicircum{}5c"),
    ("~#", r"\textasciitilde{}\#"),
    ("line\nbreak", "line break"),
    ("Gauß é", "Gauß é"),
    ("Dilatación – «Łódź» “ok”", "Dilatación – «Łódź» “ok”"),
])
def test_latex_escape(text, expected) -> None:
    assert latex_escape(text) == expected


@pytest.mark.parametrize(("text", "char"), [
    ("snow ☃", "☃"), ("Dilatación ∑ 卷积 α→β", "∑"), ("卷积", "卷"), ("α", "α"),
    ("bell\x07", "\x07"), ("a ≤ b", "≤"), ("x − y", "−"),
])
def test_latex_escape_refuses_what_pdflatex_cannot_typeset(text, char) -> None:
    """Nothing is dropped or replaced silently: the first such character is named."""
    with pytest.raises(SymdilError, match=f"{re.escape(repr(char))}.*U\\+{ord(char):04X}.*only Latin"):
        latex_escape(text)


def test_latex_escape_keeps_every_latin_character() -> None:
    """Every character latex_escape accepts comes out as itself or as the command that typesets
    it -- never as something else."""
    from symdil.render.environment import PDFLATEX_RANGES, is_latin

    specials = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                "#": r"\#", "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}",
                "~": r"\textasciitilde{}", "<": r"\textless{}", ">": r"\textgreater{}",
                "|": r"\textbar{}", '"': "''"}
    latin = [chr(code) for low, high in PDFLATEX_RANGES for code in range(low, high + 1)]
    for char in [chr(code) for code in range(32, 127)] + latin:
        assert is_latin(char)
        assert latex_escape(char) == specials.get(char, char), char


def test_a_non_latin_title_is_an_error_and_markdown_keeps_it() -> None:
    title = "Dilatación ∑ 卷积 α→β"
    with pytest.raises(SymdilError, match=r"title has the character '∑' \(U\+2211"):
        derive(SEED, "latex", standalone=True, title=title)
    assert derive(SEED, "markdown", standalone=True, title=title).startswith(f"# {title}\n")


def test_latin_titles_compile_with_t1_fonts() -> None:
    """Every character of PDFLATEX_RANGES typesets: the standalone document loads T1 fonts and UTF-8
    input for them, and pdflatex reports no missing character."""
    from symdil.render.environment import PDFLATEX_RANGES

    latin = "".join(chr(code) for low, high in PDFLATEX_RANGES for code in range(low, high + 1))
    text = derive(SEED, "latex", standalone=True, title="Dilatación " + latin)
    assert "\\usepackage[T1]{fontenc}" in text and "\\usepackage[utf8]{inputenc}" in text
    assert "Dilatación " + latin in text
    traced = text.replace("\\begin{document}", "\\tracinglostchars=3\n\\begin{document}", 1)
    compile_latex(traced, standalone=True)  # fails on any error; lost characters are errors
    assert "fontenc" not in derive(SEED, "latex", standalone=True, title="ASCII only")


@pytest.mark.parametrize(("text", "expected"), [
    # what Markdown reads is escaped ...
    ("<script>$x$ *b* [l](u) `c` a_b | ~s~", r"&lt;script&gt;\$x\$ \*b\* \[l\](u) \`c\` a\_b \| \~s\~"),
    (r"back\slash", r"back\\slash"),
    ("# not a heading", r"\# not a heading"),
    ("- not an item", r"\- not an item"),
    ("+ not an item", r"\+ not an item"),
    ("12. not an item", r"12\. not an item"),
    ("a &amp; b", "a &amp;amp; b"),  # an entity stays text
    # ... and nothing else: parentheses, dots, dashes and pluses read as typed
    ("k_0, 0, k_1 (zero-inserted) & 50% = 1+1.", r"k\_0, 0, k\_1 (zero-inserted) & 50% = 1+1."),
    ("x - y # z", "x - y # z"),
    ("line\nbreak", "line break"),
])
def test_markdown_escape(text, expected) -> None:
    assert markdown_escape(text) == expected


def test_title_cannot_inject_tex(tmp_path: Path) -> None:
    text = derive(SEED, "latex", standalone=True, title=INJECTION)
    title_line = next(line for line in text.splitlines() if line.startswith(r"\title{"))
    for command in (r"\input", r"\write18", r"\catcode", r"\def", "^^"):
        assert command not in title_line
    pdf = compile_latex(text, standalone=True)
    shown = " ".join(pdf_text(pdf).split())
    assert r"\input{/etc/passwd} \write18{touch pwned}" in shown  # printed, not executed
    markdown = derive(SEED, "markdown", standalone=True, title=INJECTION + " <b>")
    first = markdown.splitlines()[0]
    assert "&lt;b&gt;" in first and r"\$x\$" in first
    assert_katex_ok(markdown)


# ----- templates --------------------------------------------------------------------------------
def test_builtin_templates_are_found() -> None:
    folder = builtin_templates()
    for name in ("latex/derivation.tex.j2", "latex/document.tex.j2",
                 "markdown/derivation.md.j2", "markdown/document.md.j2"):
        assert (folder / name).is_file()


def test_user_templates_override_by_name(tmp_path: Path) -> None:
    (tmp_path / "latex").mkdir()
    (tmp_path / "latex" / "derivation.tex.j2").write_text(
        "((= only the matrix =))\nMatrix ((( sizes.shape ))):\n\\[\n((( matrix.equation )))\n\\]\n")
    snippet = derive(SEED, "latex", templates=tmp_path)
    assert snippet.startswith(r"Matrix m \times n = 5 \times 7:")
    # the built-in document template includes the user's body
    document = derive(SEED, "latex", standalone=True, templates=tmp_path)
    assert r"\documentclass" in document and "Matrix m" in document
    assert "1. Definition" in derive(SEED, "markdown", templates=tmp_path)  # not overridden


def test_a_missing_variable_names_template_and_variable(tmp_path: Path) -> None:
    (tmp_path / "markdown").mkdir()
    (tmp_path / "markdown" / "derivation.md.j2").write_text(
        "first line\n((( sizes.output_length )))\n((( nonexistent_value )))\n")
    with pytest.raises(SymdilError) as info:
        derive(SEED, "markdown", templates=tmp_path)
    message = str(info.value)
    assert "markdown/derivation.md.j2" in message and "line 3" in message
    assert "'nonexistent_value'" in message and "\n" not in message
    (tmp_path / "markdown" / "derivation.md.j2").write_text("((( sizes.nope )))\n")
    with pytest.raises(SymdilError, match="undefined variable 'nope'"):
        derive(SEED, "markdown", templates=tmp_path)


def test_template_syntax_errors_and_missing_folders(tmp_path: Path) -> None:
    (tmp_path / "latex").mkdir()
    (tmp_path / "latex" / "derivation.tex.j2").write_text("ok\n((* if *))\n")
    with pytest.raises(SymdilError, match=r"template latex/derivation.tex.j2, line 2"):
        derive(SEED, "latex", templates=tmp_path)
    with pytest.raises(SymdilError, match="does not exist"):
        derive(SEED, "latex", templates=tmp_path / "nowhere")


# ----- verification section ----------------------------------------------------------------------
CHECKS = [
    {"name": "definition", "passed": True, "detail": "5 rows equal the defining sum"},
    {"name": "dilation_identity", "passed": True, "detail": "k_0, 0, k_1 (zero-inserted) & 50%"},
]


def test_verification_section() -> None:
    without = derive(SEED, "markdown")
    assert "Verification" not in without
    data = {"checks": CHECKS, "statement": "row i equals y_i for all n >= 3",
            "statement_math": r"y_{i} = \sum_{t=0}^{1} k_{t}\, a_{i + 2 t}"}
    markdown = flat(derive(SEED, "markdown", verification=data))
    # numbered after the derivation's own sections (issue 19)
    assert "### 6. Verification" in markdown and "**definition**" in markdown
    assert r"k\_0, 0, k\_1 (zero-inserted) & 50%." in markdown  # no \( \) for auto-render
    assert "Proved for the general case: row i equals y\\_i" in markdown
    assert r"$$ y_{i} = \sum_{t=0}^{1} k_{t}\, a_{i + 2 t} $$" in markdown
    latex_text = derive(SEED, "latex", standalone=True, verification=CHECKS)
    assert r"\textbf{dilation\_identity}" in latex_text and r"\& 50\%" in latex_text
    compile_latex(latex_text, standalone=True)
    assert_katex_ok(derive(SEED, "markdown", verification=data))

    class Check:
        def __init__(self, name, passed):
            self.name, self.passed, self.detail = name, passed, None

    assert "**polyphase**" in derive(SEED, "markdown", verification=[Check("polyphase", True)])
    # a detail that is already a sentence gets no second full stop
    sentence = [{"name": "stride", "passed": True, "detail": "All 5 rows agree."}]
    assert "All 5 rows agree.\n" in derive(SEED, "markdown", verification=sentence)
    assert "All 5 rows agree.\n" in derive(SEED, "latex", verification=sentence)
    assert "agree.." not in derive(Conv((3, 3), 2), "markdown", verification=sentence)
    assert "agree.." not in derive(Conv((3, 3), 2), "latex", verification=sentence)
    with pytest.raises(SymdilError, match=r"verification failed \(stride_identity\)"):
        derive(SEED, "markdown", verification=[Check("stride_identity", False)])
    with pytest.raises(SymdilError, match="needs a str 'name' and a bool 'passed'"):
        derive(SEED, "markdown", verification=[{"name": "x", "passed": "yes"}])


def test_checks_that_did_not_apply_are_listed_apart() -> None:
    """A check with applicable=False is not among those that "passed": it is listed as not
    applicable, with its reason; data without the key counts as applicable."""
    from symdil import verify
    from symdil.derivation import verification_section

    op = Conv((4, 3), (2, 2), dilation=(2, 1))
    section = verification_section(verify(op))
    # each check is shown by its human title (its machine name when it has none)
    skipped = [c.get("title") or c["name"] for c in section["checks"] if not c["applicable"]]
    assert skipped  # general_case does not apply in 2-D
    for fmt in ("markdown", "latex"):
        text = flat(derive(op, fmt, verification=section))
        passed, _, rest = text.partition("do not apply" if len(skipped) > 1 else "does not apply")
        assert rest, text
        for name in skipped:
            escaped = name.replace("_", "\\_")
            assert escaped not in passed.split("every check passed")[1]
            bold = "**" if fmt == "markdown" else "\\textbf{"
            assert f"not applicable: {bold}{escaped}" in rest
        assert "not applicable: not applicable" not in text
        assert "(the general case is proved in 1-D only (2-D operator))." in rest
    compile_latex(derive(op, "latex", standalone=True, verification=section), standalone=True)
    assert_katex_ok(derive(op, "markdown", verification=section))
    legacy = [{"name": "definition", "passed": True, "detail": "ok"}]  # no 'applicable' key
    assert "**definition**: ok." in derive(SEED, "markdown", verification=legacy)
    only_skipped = [{"name": "kronecker", "passed": True, "applicable": False,
                     "detail": "not applicable: needs two axes"}]
    text = flat(derive(SEED, "markdown", verification=only_skipped))
    # the document's own statements are always evaluated, so some check always applies
    assert "no check that applies" not in text and "**Statements**: All $" in text
    assert "not applicable: **kronecker**" in text
    assert "not applicable: **kronecker** (needs two axes)." in text
    compile_latex(derive(SEED, "latex", standalone=True, verification=only_skipped),
                  standalone=True)
    with pytest.raises(SymdilError, match="'applicable' must be a bool"):
        derive(SEED, "markdown", verification=[{"name": "x", "passed": True,
                                                "applicable": "no"}])


def test_wording_glitches_of_the_review() -> None:
    """'the taps k_1 are zero' (one tap), '(2 <= i_0 <= 2 )', '…$.' and digit groups in
    subscripts next to plain ones."""
    one_zero = flat(derive(Conv(5, [1, 0, 1]), "markdown"))
    assert "the tap $k_{1}$ is zero" in one_zero
    untouched = flat(derive(Conv(20, 1, stride=2), "markdown"))
    assert r"\dots$." not in untouched
    assert "the first $4$ are $a_{1}, a_{3}, a_{5}, a_{7}$." in untouched
    large = derive(Conv(1_000_000, 3, dilation=4, padding="same"), "markdown")
    assert "_{999{,}" not in large and "_{1{,}" not in large
    assert "$y_{999997} = k_{0} a_{999993} + k_{1} a_{999997}$" in large
    assert "Row $999997$" in large
    assert "$n = 1{,}000{,}000$" in large  # sizes and counts keep their digit groups


# ----- notebook ------------------------------------------------------------------------------
def test_jupyter_reprs() -> None:
    derivation = Derivation(SEED)
    assert derivation._repr_markdown_() == derive(SEED, "markdown")
    assert derivation._repr_latex_().startswith("$$\n\\begin{bmatrix}")
    assert_katex_ok(derivation._repr_latex_())


# ----- every template branch through the real tools ----------------------------------------------
BRANCHES = {
    "circular": dict(n=6, kernel=3, dilation=2, padding=2, padding_mode="circular"),
    "replicate": dict(n=5, kernel=[1, 0, -1], padding=(2, 1), padding_mode="replicate"),
    "single_tap": dict(n=5, kernel=1, stride=2, padding=1),
    "absent_taps": dict(n=1, kernel=3, stride=2, padding=2),
    "zero_taps": dict(n=6, kernel=[1, 0, 0, 2], dilation=2, padding="full"),
    "output_padding_beyond_stride": dict(n=4, kernel=3, stride=2, dilation=3, padding=1,
                                         output_padding=2, transposed=True),
    "transposed_crop": dict(n=5, kernel=2, stride=3, padding=3, transposed=True, flip=True),
    "transposed_general": dict(n="n", kernel=3, stride=2, dilation=2, padding=1,
                               transposed=True),
    "greek": dict(n=4, kernel=2, input_symbol="alpha", kernel_symbol="w1"),
    "causal_strided": dict(n=9, kernel=3, stride=2, padding="causal"),
}


@pytest.mark.parametrize("name", list(BRANCHES))
def test_branches_compile_and_parse(name: str) -> None:
    op = Conv(**BRANCHES[name])
    compile_latex(derive(op, "latex", standalone=True), standalone=True)
    assert_katex_ok(derive(op, "markdown", standalone=True))


def test_branch_sentences() -> None:
    text = flat(derive(Conv(**BRANCHES["absent_taps"]), "markdown"))
    assert "the tap $k_{1}$ never meets an input sample" in text
    text = flat(derive(Conv(**BRANCHES["output_padding_beyond_stride"]), "markdown"))
    assert "first $4$ columns of $C^{\\mathsf{T}}$" in text
    text = flat(derive(Conv(**BRANCHES["transposed_crop"]), "markdown"))
    assert "crop $p - d\\,(K-1) = 2$ samples at each end" in text
    text = flat(derive(Conv(**BRANCHES["zero_taps"]), "markdown"))
    assert "of the other $36$, $24$ meet zero padding and drop out and $12$ leave entries of weight zero (zero taps)" in text
    text = flat(derive(Conv(**BRANCHES["greek"]), "markdown"))
    assert r"\alpha_{0}" in text and "{w1}_{0}" in text
