"""Every exercise kind, at every level, in every document format: LaTeX compiles with pdflatex
(figures included), Markdown maths parses with KaTeX, the HTML page converts (MathML) and draws
in Chromium without errors; the words that phrase an exercise never show a Python repr."""

from __future__ import annotations

import re

import pytest

from symdil.handout import Classroom, Handout, variants
from symdil.handout.exercises import KINDS
from tests.tools import assert_katex_ok, compile_latex, pdf_text

_REPR_RE = re.compile(r"<(?:built-in|bound method|function)|object at 0x|\{'|\bNone\b")


@pytest.mark.parametrize("level", (1, 2, 3))
def test_every_kind_compiles_with_pdflatex(level: int) -> None:
    sheet = Handout(14, 40 + level, solutions=True, kinds=KINDS, level=level, figures=True)
    text = pdf_text(compile_latex(sheet.render("latex"), standalone=True))
    for number in range(1, 15):
        assert f"Exercise {number}" in text


def _overfull(source: str) -> list[str]:
    """The ``Overfull \\hbox`` lines of a real pdflatex run's log."""
    import subprocess
    import tempfile
    from pathlib import Path

    from tests.tools import need_pdflatex

    pdflatex = need_pdflatex()
    with tempfile.TemporaryDirectory(prefix="symdil-test-tex-") as folder:
        Path(folder, "doc.tex").write_text(source, encoding="utf-8")
        subprocess.run([pdflatex, "-interaction=nonstopmode", "-no-shell-escape", "doc.tex"],
                       cwd=folder, capture_output=True, timeout=180, stdin=subprocess.DEVNULL)
        log = Path(folder, "doc.log").read_text(encoding="latin-1")
    return [line for line in log.splitlines() if line.startswith("Overfull \\hbox")]


@pytest.mark.parametrize("level", (1, 2, 3))
def test_nothing_runs_past_the_margin(level: int) -> None:
    sheet = Handout(14, 60 + level, solutions=True, kinds=KINDS, level=level, figures=True)
    assert _overfull(sheet.render("latex")) == []
    room = Classroom(variants(2), 60 + level, 14, kinds=KINDS, level=level)
    assert _overfull(room.key("latex")) == []
    blocks = Handout(4, level, solutions=True, kinds="block_structure", level=level)
    assert _overfull(blocks.render("latex")) == []


def test_the_reprint_command_of_a_long_kinds_list_stays_in_the_margin() -> None:
    # output/teaching.tex: "--kinds receptive_field, effective_stride, …" ran 4.7 pt past the margin
    kinds = ",".join(KINDS[7:])
    sheet = Handout(7, 2026, solutions=True, kinds=kinds, level=3, figures=True)
    assert "--kinds" in sheet.render("latex")
    assert _overfull(sheet.render("latex")) == []


@pytest.mark.parametrize("level", (1, 2, 3))
def test_every_kind_parses_with_katex_and_shows_no_repr(level: int) -> None:
    sheet = Handout(14, 50 + level, solutions=True, kinds=KINDS, level=level)
    markdown = sheet.render("markdown")
    assert_katex_ok(markdown)
    for fmt in ("latex", "markdown", "html"):
        assert not _REPR_RE.search(sheet.render(fmt)), fmt


def test_the_class_key_compiles_and_names_every_student() -> None:
    room = Classroom(variants(3), 5, 7, kinds=KINDS[7:], level=3, figures=True)
    text = pdf_text(compile_latex(room.key("latex"), standalone=True))
    for student in ("Student 1", "Student 2", "Student 3"):
        assert student in text
    assert_katex_ok(room.key("markdown"))


def test_the_html_page_draws_without_errors(tmp_path) -> None:
    from tests.browser import CHROMIUM, SKIP_REASON, Page

    if CHROMIUM is None:
        pytest.skip(SKIP_REASON)
    page_path = tmp_path / "handout.html"
    page_path.write_text(Handout(14, 3, solutions=True, kinds=KINDS, level=2,
                                 figures=True).render("html"), encoding="utf-8")
    with Page(page_path) as page:
        assert not page.errors, page.errors
        assert page.evaluate("document.querySelectorAll('math').length") > 100
        assert page.evaluate("document.querySelectorAll('figure svg').length") == 14
