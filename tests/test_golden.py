"""Golden derivations and the rendered examples in output/ are up to date.

output/ is what ``symdil build examples.toml`` writes; the golden snippets are the derivations of
examples.toml without ``--standalone``.  When a change is intended, regenerate with
``python -m tests.regen`` and review the diff (see tests/regen.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from regen import (
    CASES,
    EXAMPLES,
    GOLDEN,
    OUTPUT,
    ROOT,
    SEED_ARGS,
    case_conv,
    golden_files,
    output_files,
    plan,
)
from tools import need_pdflatex, pdf_text
from typer.testing import CliRunner

from symdil.cli import app

STALE = "stale: regenerate with `python -m tests.regen` and review the diff"


@pytest.fixture(scope="module")
def golden() -> dict[Path, str]:
    return golden_files()


@pytest.fixture(scope="module")
def outputs() -> dict[Path, bytes]:
    return output_files()


def test_every_golden_snippet_is_current(golden) -> None:
    stale = [str(path.relative_to(ROOT)) for path, text in golden.items()
             if not path.is_file() or path.read_text(encoding="utf-8") != text]
    assert not stale, f"{STALE}: {stale}"


def test_every_output_text_file_is_what_symdil_build_writes(outputs) -> None:
    texts = {path: data for path, data in outputs.items() if path.suffix != ".pdf"}
    assert {path.suffix for path in texts} == {".tex", ".md", ".svg", ".html"}
    stale = [str(path.relative_to(ROOT)) for path, data in texts.items()
             if not path.is_file() or path.read_bytes() != data]
    assert not stale, f"{STALE}: {stale}"


def test_no_unexpected_files(golden, outputs) -> None:
    known = set(golden) | set(outputs)
    extra = [p for folder in (GOLDEN, OUTPUT) for p in folder.iterdir() if p not in known]
    assert not extra, f"files examples.toml does not produce (remove them or add an entry): {extra}"


def test_output_has_derivations_pdfs_and_a_handout_with_its_key(outputs) -> None:
    names = {path.name for path in outputs}
    assert {"seed.tex", "seed.md", "seed.pdf", "handout.tex", "handout.md", "handout.pdf",
            "handout-key.tex", "handout-key.md", "handout-key.pdf"} <= names


def test_the_cli_cases_are_the_derivations_of_examples_toml() -> None:
    derivations = {t.name: t.op for t in plan().targets if t.kind == "derivation"}
    assert sorted(derivations) == sorted(CASES)
    for name, args in CASES.items():
        assert case_conv(args) == derivations[name], name


def test_the_seed_command_writes_output_seed_tex(tmp_path: Path) -> None:
    target = tmp_path / "seed.tex"
    result = CliRunner().invoke(app, ["derive", *SEED_ARGS, "--format", "latex",
                                      "--standalone", "--figures", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == (OUTPUT / "seed.tex").read_bytes()


def test_the_handout_command_writes_output_handout(tmp_path: Path) -> None:
    """The handout entry of examples.toml is `symdil handout` with the same options."""
    result = CliRunner().invoke(app, [
        "handout", "--exercises", "7", "--seed", "314", "--format", "markdown",
        "--solutions-file", str(tmp_path / "key.md"), "-o", str(tmp_path / "handout.md")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "handout.md").read_bytes() == (OUTPUT / "handout.md").read_bytes()
    assert (tmp_path / "key.md").read_bytes() == (OUTPUT / "handout-key.md").read_bytes()


def test_symdil_build_reproduces_output(tmp_path: Path) -> None:
    """`symdil build examples.toml` writes exactly output/ (PDFs compared by their text)."""
    need_pdflatex()
    result = CliRunner().invoke(app, ["build", str(EXAMPLES), "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(p.name for p in OUTPUT.iterdir()), STALE
    for name in built:
        fresh, committed = (tmp_path / name).read_bytes(), (OUTPUT / name).read_bytes()
        if name.endswith(".pdf"):
            assert pdf_text(fresh) == pdf_text(committed), f"{name} {STALE}"
        else:
            assert fresh == committed, f"{name} {STALE}"
