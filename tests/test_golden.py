"""Golden derivations and the rendered examples in output/ are up to date.

When a change to the derivation is intended, regenerate with ``python -m tests.regen`` and review
the diff (see tests/regen.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from regen import CASES, OUTPUT, PDF_CASE, ROOT, expected_files, render_case
from tools import compile_latex, pdf_text
from typer.testing import CliRunner

from symdil.cli import app

STALE = "stale: regenerate with `python -m tests.regen` and review the diff"


@pytest.fixture(scope="module")
def expected() -> dict[Path, str]:
    return expected_files()


def test_every_golden_and_output_file_is_current(expected) -> None:
    stale = [str(path.relative_to(ROOT)) for path, text in expected.items()
             if not path.is_file() or path.read_text(encoding="utf-8") != text]
    assert not stale, f"{STALE}: {stale}"


def test_no_unexpected_files(expected) -> None:
    known = set(expected) | {OUTPUT / f"{PDF_CASE}.pdf"}
    extra = [p for folder in (ROOT / "tests" / "golden", OUTPUT) for p in folder.iterdir()
             if p not in known]
    assert not extra, f"files no case produces (remove them or add a case): {extra}"


def test_the_seed_command_writes_output_seed_tex(tmp_path: Path) -> None:
    target = tmp_path / "seed.tex"
    result = CliRunner().invoke(app, ["derive", *CASES["seed"], "--format", "latex",
                                      "--standalone", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == (OUTPUT / "seed.tex").read_bytes()


def test_the_pdf_is_current() -> None:
    """output/seed.pdf shows the text of a fresh compile of output/seed.tex."""
    committed = OUTPUT / f"{PDF_CASE}.pdf"
    assert committed.is_file(), f"{committed} is missing: {STALE}"
    fresh = compile_latex(render_case(CASES[PDF_CASE], "latex", True), standalone=True)
    assert pdf_text(committed.read_bytes()) == pdf_text(fresh), STALE
