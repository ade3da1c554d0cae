"""HTML pages: one self-contained page per document, math as MathML, figures as inline SVG,
user text escaped -- checked as text here and in headless Chromium (browser.py)."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from browser import CHROMIUM, SKIP_REASON, Page, png_colours
from figure_tools import drawn_rows, svg_items
from typer.testing import CliRunner

from symdil import Conv, Derivation, Handout
from symdil.cli import app
from symdil.render.html import finish_html, html_escape

runner = CliRunner()

EXAMPLES = {
    "seed": Conv(7, 2, dilation=2),
    "dilated_2d": Conv((4, 3), (2, 2), dilation=(2, 1)),
    "reflect": Conv(8, 3, dilation=2, padding=2, padding_mode="reflect"),
    "transposed": Conv(5, 3, stride=2, padding=1, transposed=True),
    "grouped": Conv(4, 2, dilation=2, in_channels=2, out_channels=4, groups=2),
    "large": Conv(10**6, 3, dilation=4, padding="same"),
    "general": Conv("n", 3, dilation=2, padding=2),
}


def page_for(name: str) -> str:
    op = EXAMPLES[name]
    return Derivation(op).render("html", True, figures=not op.symbolic)


def visible_text(page: str) -> str:
    """The page's text outside tags, MathML, SVG and the style sheet."""
    body = page[page.index("<main>"):]
    for tag in ("math", "svg", "style"):
        body = re.sub(rf"<{tag}\b.*?</{tag}>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_page_is_self_contained_mathml_and_svg(name):
    page = page_for(name)
    assert page == page_for(name)  # the same bytes every time
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/1998/Math/MathML"', "").replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert "<merror" not in page and "<math" in page
    assert "@media print" in page
    text = visible_text(page)
    assert "\\" not in text and "$" not in text, re.findall(r".{30}[\\$].{30}", text)[:3]
    # no TeX left inside the MathML either: no bare & (alignment) or \command as a token
    assert not re.search(r"<m(?:i|o|n|text)\b[^>]*>(?:&(?!#?\w+;)|\\)", page)
    figures = page.count("<svg")
    expected = {"general": 0, "grouped": 1}.get(name, 2)
    assert figures == expected


def test_figures_in_the_page_are_the_operator():
    page = page_for("seed")
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    window = svg_items('<?xml version="1.0"?>\n' + svgs[0])
    assert drawn_rows(window) == {0: {0: [0], 2: [1]}, 1: {1: [0], 3: [1]}}


def test_user_text_is_escaped():
    title = '<script>alert(1)</script> & $x$ \\input{/etc/passwd} "q"'
    page = Derivation(EXAMPLES["seed"]).render("html", True, title=title)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#36;x&#36; &#92;input{/etc/passwd}" in page
    assert f"<title>{html_escape(title)}</title>".replace("&#36;", "&#36;") in page.replace(
        "\n", "") or "<title>&lt;script&gt;" in page
    assert html_escape("a$b\\c<") == "a&#36;b&#92;c&lt;"


def test_unconverted_tex_is_an_error_not_a_page():
    from symdil import SymdilError
    from symdil.render.html import mathml

    assert "<mtable" in mathml(r"\begin{aligned}&x \\ &= y\end{aligned}", True)
    with pytest.raises(SymdilError, match="cannot be converted to MathML"):
        mathml(r"\begin{gathered}&x\end{gathered}", True)


def test_finish_html_paragraphs_and_math():
    out = finish_html("<main>\nText $a_{1}$ here.\n\n<h2>T</h2>\n\n<div class=\"display\">$$\n"
                      "y = x\n$$</div>\n</main>")
    assert "<p>Text <math" in out and 'display="block"' in out and "<h2>T</h2>" in out
    assert "$" not in out


def test_cli_formats_html(tmp_path):
    target = tmp_path / "seed.html"
    result = runner.invoke(app, ["derive", "--n", "7", "-k", "2", "-d", "2", "-f", "html",
                                 "--figures", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text() == page_for("seed")
    result = runner.invoke(app, ["matrix", "--n", "7", "-k", "2", "-d", "2", "-f", "html"])
    assert result.exit_code == 0 and "<math" in result.stdout and "<svg" in result.stdout
    result = runner.invoke(app, ["handout", "-e", "3", "-f", "html", "-o",
                                 str(tmp_path / "h.html")])
    assert result.exit_code == 0, result.output
    assert "<merror" not in (tmp_path / "h.html").read_text()
    result = runner.invoke(app, ["derive", "--n", "7", "-k", "2", "-f", "html", "-o", "x.md"])
    assert result.exit_code == 2 and "--format html writes HTML" in result.output


def test_build_file_html(tmp_path):
    (tmp_path / "b.toml").write_text('[defaults]\nformats = ["html"]\n'
                                     '[[derivation]]\nname = "s"\nn = 7\nkernel = 2\n'
                                     'dilation = 2\nfigures = true\n'
                                     '[[handout]]\nname = "h"\nexercises = 2\n')
    result = runner.invoke(app, ["build", str(tmp_path / "b.toml"), "--out-dir",
                                 str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["h.html", "s.html"]
    assert (tmp_path / "out" / "s.html").read_text() == page_for("seed")


# ----- in the browser --------------------------------------------------------------------------

SHOTS = os.environ.get("SYMDIL_SCREENSHOTS")  # a folder: keep the screenshots to look at


def _pages(tmp_path: Path) -> dict[str, Path]:
    pages = {}
    for name in ("seed", "dilated_2d", "reflect", "transposed", "grouped", "general"):
        pages[name] = tmp_path / f"{name}.html"
        pages[name].write_text(page_for(name))
    pages["handout"] = tmp_path / "handout.html"
    pages["handout"].write_text(Handout(7, 314, solutions=True).render("html"))
    result = runner.invoke(app, ["matrix", "--n", "12", "-k", "3", "-s", "2", "-d", "2", "-p",
                                 "same", "-f", "html", "-o", str(tmp_path / "matrix.html")])
    assert result.exit_code == 0, result.output
    pages["matrix"] = tmp_path / "matrix.html"
    from symdil.stack.document import StackDocument
    from symdil.stack.model import Stack

    pages["wavenet"] = tmp_path / "wavenet.html"
    pages["wavenet"].write_text(StackDocument(Stack(32, [
        dict(kernel=2, dilation=d, padding="causal") for d in (1, 2, 4, 8)])).render("html"))
    return pages


@pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON)
def test_pages_in_chromium(tmp_path):
    for name, path in _pages(tmp_path).items():
        with Page(path) as page:
            assert page.errors == [], (name, page.errors)
            assert page.evaluate("document.querySelectorAll('merror').length") == 0, name
            assert page.evaluate("document.querySelectorAll('math').length") > 0, name
            text = page.evaluate("document.body.innerText")
            assert "[0.5ex]" not in text  # a TeX row spacing the converter would print
            assert "\\" not in text and "$" not in text and "&" not in text, (
                name, re.findall(r".{20}[\\$&].{20}", text)[:3])
            sizes = page.evaluate("[...document.querySelectorAll('svg')].map(s => {"
                                  "const r = s.getBoundingClientRect(); return [r.width, "
                                  "r.height]})")
            expected = path.read_text().count("<svg")
            assert len(sizes) == expected, name
            assert all(w > 50 and h > 50 for w, h in sizes), (name, sizes)
            # display math is laid out (not collapsed to nothing)
            heights = page.evaluate("[...document.querySelectorAll('math[display=block]')]"
                                    ".map(m => m.getBoundingClientRect().height)")
            assert heights and min(heights) > 5, (name, heights)
            png = page.screenshot()
            assert png_colours(png) > 20, name  # not blank
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                (Path(SHOTS) / f"{name}.png").write_bytes(png)
