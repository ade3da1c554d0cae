"""Templates: one prose source under several formats, overriding a markup file or a body, the
sandbox, and template errors as one ``Error:`` line naming the file and line."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from tools import assert_katex_ok, compile_latex
from typer.testing import CliRunner

from symdil import Conv, SymdilError, derive
from symdil.cli import app
from symdil.derivation import Derivation
from symdil.handout.document import Handout
from symdil.render.environment import builtin_templates, render_template

SEED = Conv(7, 2, dilation=2)
SEED_ARGS = ["derive", "--n", "7", "--kernel", "2", "--dilation", "2"]
EXPLOIT = "((( cycler.__init__.__globals__.os.popen('{command}').read() )))"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def user_template(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# ----- one prose source --------------------------------------------------------------------------
FORMATS = ("latex", "markdown")


def test_format_folders_hold_markup_and_page_shells_only() -> None:
    """Every sentence lives in body/: a format folder holds its markup file and shells that set
    the markup and include a body (no format folder keeps a copy of the prose)."""
    root = builtin_templates()
    assert (root / "body" / "derivation.j2").is_file()
    for fmt in FORMATS:
        assert (root / fmt / "markup.j2").is_file()
        for shell in (root / fmt).glob("*.j2"):
            if shell.name == "markup.j2":
                continue
            text = shell.read_text(encoding="utf-8")
            assert "((* include 'body/" in text or "((* include '" + fmt + "/" in text, shell
            # a shell is page furniture: a handful of lines, never a derivation's prose
            assert len(text.splitlines()) <= 30, shell


@pytest.mark.parametrize("fmt, emphasis", [("latex", r"\textit{dilation}"),
                                            ("markdown", "_dilation_")])
def test_overriding_a_markup_file_changes_every_document_of_that_format(
        tmp_path: Path, fmt: str, emphasis: str) -> None:
    builtin = (builtin_templates() / fmt / "markup.j2").read_text(encoding="utf-8")
    if fmt == "latex":
        changed = builtin.replace(r"\emph{((( text )))}", r"\textit{((( text )))}")
    else:
        changed = builtin.replace("*((( text )))*", "_((( text )))_")
    assert changed != builtin
    user_template(tmp_path, f"{fmt}/markup.j2", changed)
    text = derive(SEED, fmt, templates=tmp_path)
    plain = derive(SEED, fmt)
    assert emphasis in text and emphasis not in plain
    if fmt == "latex":
        assert text == plain.replace("\\emph{", "\\textit{")
    else:  # the same document with each *emphasis* as _emphasis_
        assert len(text) == len(plain) and "*dilation*" in plain and "*dilation*" not in text
    handout = Handout(2, 3).render(fmt, templates=tmp_path)
    assert handout != Handout(2, 3).render(fmt)  # the handout uses the same markup


def test_overriding_a_body_changes_the_words_in_every_format(tmp_path: Path) -> None:
    user_template(tmp_path, "body/derivation.j2",
                  "((* import markup as m *))\nOur ((( m.em('own') ))) words, "
                  "$((( sizes.shape )))$.\n")
    latex = derive(SEED, "latex", templates=tmp_path)
    markdown = derive(SEED, "markdown", templates=tmp_path)
    assert latex.endswith("Our \\emph{own} words, $m \\times n = 5 \\times 7$.\n")
    assert markdown == "Our *own* words, $m \\times n = 5 \\times 7$.\n"
    # the page shells stay the built-in ones
    assert derive(SEED, "latex", standalone=True, templates=tmp_path).startswith(
        "\\documentclass")


HTML_MARKUP = r"""
((* set dash = '&mdash;' *))((* set ndash = '&ndash;' *))((* set ellipsis = '&hellip;' *))
((* set item = '<li>' *))((* set bare_item = '<li>' *))((* set indent = '' *))
((* set block_gap = '' *))((* set page_break = '' *))
((* macro em(text) *))<em>((( text )))</em>((* endmacro *))
((* macro strong(text) *))<strong>((( text )))</strong>((* endmacro *))
((* macro code(text) *))<code>((( text )))</code>((* endmacro *))
((* macro quote(text) *))&ldquo;((( text )))&rdquo;((* endmacro *))
((* macro escape(text) *))((( text | e )))((* endmacro *))
((* macro item_label(label) *))<li>((( label )))((* endmacro *))
((* macro heading(text, level, run_in=False) *))<h((( level )))>((( text )))</h((( level )))>
((* endmacro *))
((* macro display(tight=False, stretch=None) *))<div class="math">\[
((( caller() )))\]</div>
((* endmacro *))
((* macro itemize() *))<ul>
((( caller() )))</ul>
((* endmacro *))
((* macro enumerate() *))<ol>
((( caller() )))</ol>
((* endmacro *))
"""


def test_a_third_format_is_a_markup_file_and_a_shell(tmp_path: Path) -> None:
    """What a future HTML format needs: html/markup.j2 and a shell, no copy of the prose."""
    user_template(tmp_path, "html/markup.j2", HTML_MARKUP)
    user_template(tmp_path, "html/derivation.html.j2",
                  "((* set markup = 'html/markup.j2' *))\n((* include 'body/derivation.j2' *))\n")
    for op in (SEED, Conv(5, 3, stride=2, padding=1, transposed=True),
               Conv((4, 3), (2, 2), dilation=(2, 1)), Conv("n", 3, dilation=2, padding=2)):
        context = Derivation(op).context()
        context.update(verification=None, title=None, standalone=True, latin_fonts=False)
        html = render_template("html/derivation.html.j2", context, tmp_path)
        latex = derive(op, "latex", standalone=True)
        assert "<h2>1. Definition</h2>" in html and "<em>" in html
        assert "\\emph" not in html and "\\section" not in html and "\\item" not in html
        assert "**" not in html and "\n$$\n" not in html
        # the same sentences as the LaTeX document: compare the words, markup stripped
        assert html.count("<li>") == latex.count("\\item")


# ----- the verification section ------------------------------------------------------------------
TYPESET = [
    {"name": "dilation_identity", "passed": True, "title": "Dilation identity",
     "detail": "y_i = sum_t k_t x~[s*i+d*t] for 0 <= i <= n-3",
     "detail_latex": r"$y_{i} = \sum_{t} k_{t}\, \tilde{a}_{s i + d t}$ for $0 \le i \le n-3$"},
    {"name": "definition", "passed": True, "title": "Definition",
     "detail": "5 rows equal the defining sum",
     "detail_latex": "all $5$ rows equal the defining sum."},
    {"name": "torch", "passed": True, "applicable": False, "title": "PyTorch",
     "detail": "not applicable: PyTorch is not installed",
     "detail_latex": "PyTorch is not installed"},
]


def test_checks_show_their_title_and_typeset_detail() -> None:
    latex = derive(SEED, "latex", verification=TYPESET)
    assert (r"\item \textbf{Dilation identity}: $y_{i} = \sum_{t} k_{t}\, "
            r"\tilde{a}_{s i + d t}$ for $0 \le i \le n-3$." in latex)
    assert r"\item \textbf{Definition}: all $5$ rows equal the defining sum." in latex
    assert r"\item not applicable: \textbf{PyTorch} (PyTorch is not installed)." in latex
    assert "dilation_identity" not in latex and "x~[" not in latex
    markdown = derive(SEED, "markdown", verification=TYPESET)
    assert "- **Dilation identity**: $y_{i} = \\sum_{t}" in markdown
    assert "- not applicable: **PyTorch** (PyTorch is not installed)." in markdown
    assert_katex_ok(markdown)
    compile_latex(derive(SEED, "latex", standalone=True, verification=TYPESET))


def test_checks_without_title_fall_back_to_the_escaped_name_and_detail() -> None:
    plain = [{key: value for key, value in check.items() if key not in ("title", "detail_latex")}
             for check in TYPESET]
    latex = derive(SEED, "latex", verification=plain)
    assert (r"\item \textbf{dilation\_identity}: y\_i = sum\_t k\_t x\textasciitilde{}"
            r"[s*i+d*t] for 0 \textless{}= i \textless{}= n-3." in latex)
    assert r"\item not applicable: \textbf{torch} (PyTorch is not installed)." in latex
    markdown = derive(SEED, "markdown", verification=plain)
    assert r"- **dilation\_identity**: y\_i = sum\_t k\_t x\~\[s\*i+d\*t\]" in markdown
    assert_katex_ok(markdown)


def test_the_real_verification_report_renders_in_both_formats() -> None:
    from symdil import verify

    report = verify(SEED)
    latex = derive(SEED, "latex", standalone=True, verification=report)
    markdown = derive(SEED, "markdown", verification=report)
    assert "Verification" in latex and "Verification" in markdown
    assert_katex_ok(markdown)
    compile_latex(latex)


# ----- the sandbox -------------------------------------------------------------------------------
def test_a_user_template_cannot_run_a_shell_command(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    user_template(tmp_path / "tpl", "latex/derivation.tex.j2",
                  "ok\n" + EXPLOIT.format(command=f"touch {marker}") + "\n")
    with pytest.raises(SymdilError) as info:
        derive(SEED, "latex", templates=tmp_path / "tpl")
    message = str(info.value)
    assert "latex/derivation.tex.j2, line 2" in message and "sandbox" in message
    assert "\n" not in message
    result = run(*SEED_ARGS, "--templates", str(tmp_path / "tpl"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: template latex/derivation.tex.j2, line 2: refused")
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert not marker.exists()


@pytest.mark.parametrize("expression", [
    "''.__class__.__mro__[1].__subclasses__()",
    "lipsum.__globals__",
    "namespace.__init__.__globals__",
    "sizes.__class__",
    "self._TemplateReference__context",
])
def test_the_sandbox_refuses_private_attributes(tmp_path: Path, expression: str) -> None:
    user_template(tmp_path, "markdown/derivation.md.j2", f"((( {expression} )))\n")
    with pytest.raises(SymdilError, match=r"^template markdown/derivation\.md\.j2, line 1: "):
        derive(SEED, "markdown", templates=tmp_path)


def test_a_build_file_template_runs_in_the_same_sandbox(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    user_template(tmp_path / "tpl", "latex/document.tex.j2",
                  EXPLOIT.format(command=f"touch {marker}") + "\n")
    paper = tmp_path / "paper.toml"
    paper.write_text(textwrap.dedent("""
        [[derivation]]
        name = "evil"
        n = 5
        kernel = 2
        standalone = true
        templates = "tpl"
        """), encoding="utf-8")
    result = run("build", str(paper), "--out-dir", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "latex/document.tex.j2, line 1: refused by the sandbox" in result.output
    assert not marker.exists() and not (tmp_path / "out").exists()


# ----- template errors ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("first\n((( 1 / 0 )))\n", "line 2: ZeroDivisionError: division by zero"),
    ("((( sizes.shape.no_such_method() )))\n", "line 1: undefined variable 'no_such_method'"),
    ("a\nb\n((( range(10 ** 9) | list | length )))\n", "line 3: OverflowError"),
    ("((( 10 ** (10 ** 10) )))\n", "line 1: refused by the sandbox: a power of more than"),
    ("((( 'x' * 10 ** 11 )))\n", "line 1: refused by the sandbox: a repetition of more than"),
    ("((( [0] * 10 ** 9 )))\n", "line 1: refused by the sandbox: a repetition of more than"),
    ("((* include 'latex/derivation.tex.j2' *))\n", "line 1: templates include or call each "
                                                     "other without end"),
    ("((* macro f() *))((( f() )))((* endmacro *))((( f() )))\n", "without end"),
    ("ok\n((* if *))\n", "line 2: Expected an expression"),
    ("((( missing )))\n", "line 1: undefined variable 'missing'"),
    (b"one\ntwo \xff\xfe\n", "line 2: not UTF-8 text (byte 0xff)"),
])
def test_template_errors_are_one_line_naming_file_and_line(
        tmp_path: Path, text: str | bytes, expected: str) -> None:
    user_template(tmp_path, "latex/derivation.tex.j2", text)
    with pytest.raises(SymdilError) as info:
        derive(SEED, "latex", templates=tmp_path)
    message = str(info.value)
    assert message.startswith("template latex/derivation.tex.j2")
    assert expected in message and "\n" not in message
    result = run(*SEED_ARGS, "--templates", str(tmp_path))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: template latex/derivation.tex.j2")
    assert result.stderr.count("\n") == 1


def test_an_error_inside_an_included_user_body_names_that_file(tmp_path: Path) -> None:
    user_template(tmp_path, "body/derivation.j2", "fine\nfine\n((( 1 / 0 )))\n")
    with pytest.raises(SymdilError, match=r"^template body/derivation\.j2, line 3: "
                                          r"ZeroDivisionError"):
        derive(SEED, "markdown", templates=tmp_path)


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("secret ((( sizes.shape )))\n")
    folder = tmp_path / "tpl"
    (folder / "latex").mkdir(parents=True)
    (folder / "latex" / "derivation.tex.j2").symlink_to(outside)
    with pytest.raises(SymdilError) as info:
        derive(SEED, "latex", templates=folder)
    assert "latex/derivation.tex.j2 is a symbolic link to" in str(info.value)
    assert "outside the templates folder" in str(info.value)
    # a link to a directory outside, followed by a file inside it
    (folder / "latex" / "derivation.tex.j2").unlink()
    (folder / "body").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "derivation.j2").write_text("leaked\n")
    with pytest.raises(SymdilError, match="symbolic link"):
        derive(SEED, "latex", templates=folder)
    result = run(*SEED_ARGS, "--templates", str(folder))
    assert result.exit_code == 2 and "symbolic link" in result.stderr


def test_a_symlink_inside_the_folder_is_followed(tmp_path: Path) -> None:
    user_template(tmp_path, "mine/only.j2", "shape ((( sizes.shape )))\n")
    (tmp_path / "latex").mkdir()
    (tmp_path / "latex" / "derivation.tex.j2").symlink_to(Path("..") / "mine" / "only.j2")
    assert derive(SEED, "latex", templates=tmp_path) == "shape m \\times n = 5 \\times 7\n"


def test_a_folder_in_place_of_a_template_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "latex" / "derivation.tex.j2").mkdir(parents=True)
    with pytest.raises(SymdilError, match="latex/derivation.tex.j2 is not a regular file"):
        derive(SEED, "latex", templates=tmp_path)


def test_an_unreadable_template_is_an_error(tmp_path: Path, monkeypatch) -> None:
    """Permissions do not stop root (CI), so the refusal to read is simulated."""
    path = user_template(tmp_path, "latex/derivation.tex.j2", "x\n")
    real_open = open

    def refuse(file, *args, **kwargs):
        if os.fspath(file) == os.path.realpath(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("symdil.render.environment.open", refuse, raising=False)
    with pytest.raises(SymdilError, match="^template latex/derivation.tex.j2 cannot be read: "
                                          "Permission denied$"):
        derive(SEED, "latex", templates=tmp_path)


def test_a_check_title_is_plain_text() -> None:
    check = {"name": "x", "passed": True, "title": "Row_sum & 100%", "detail_latex": "$1$"}
    assert r"\textbf{Row\_sum \& 100\%}: $1$." in derive(SEED, "latex", verification=[check])
    assert r"**Row\_sum & 100%**: $1$." in derive(SEED, "markdown", verification=[check])


def test_a_not_applicable_reason_is_stated_once() -> None:
    check = {"name": "split", "passed": True, "applicable": False, "title": "Padding split",
             "detail": "not applicable: numbers", "detail_latex": "Not applicable: $p = (1, 1)$."}
    latex = derive(SEED, "latex", verification=[check])
    assert r"\item not applicable: \textbf{Padding split} ($p = (1, 1)$)." in latex


def test_the_general_statement_is_typeset_once() -> None:
    both = {"checks": [], "statement": "for n >= 3: y_i = k_0 a_i",
            "statement_latex": r"For every $n \ge 3$: $y_{i} = k_{0} a_{i}$."}
    for fmt in FORMATS:
        text = derive(Conv("n", 2), fmt, verification=both)
        assert text.count("Proved for the general case") == 1
        assert r"Proved for the general case: For every $n \ge 3$: $y_{i} = k_{0} a_{i}$." in text
    plain = {"checks": [], "statement": "for n >= 3: y_i = k_0 a_i"}
    assert (r"Proved for the general case: for n \textgreater{}= 3: y\_i = k\_0 a\_i."
            in derive(Conv("n", 2), "latex", verification=plain))
