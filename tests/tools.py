"""Test helpers that run the real tools: pdflatex on LaTeX, KaTeX (node) on Markdown math.

A missing tool makes the calling test skip, with the reason and the install command; CI installs
both (``apt-get install texlive-latex-base texlive-latex-recommended``; ``npm install`` in the
repository root for KaTeX, with node).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PDFLATEX_INSTALL = "apt-get install texlive-latex-base texlive-latex-recommended"
KATEX_INSTALL = "install node, then run `npm install` in the repository root (package.json)"

SNIPPET_WRAPPER = (
    "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n%s\n\\end{document}\n"
)


def need_pdflatex() -> str:
    path = shutil.which("pdflatex")
    if path is None:
        pytest.skip(f"pdflatex is not installed: {PDFLATEX_INSTALL}")
    return path


def compile_latex(source: str, standalone: bool = True) -> bytes:
    """Compile with ``pdflatex -halt-on-error``; a snippet is wrapped in a minimal amsmath
    document.  Fails the test (with the log's first error) when pdflatex reports an error."""
    pdflatex = need_pdflatex()
    document = source if standalone else SNIPPET_WRAPPER % source
    with tempfile.TemporaryDirectory(prefix="symdil-test-tex-") as folder:
        Path(folder, "doc.tex").write_text(document, encoding="utf-8")
        result = subprocess.run(
            [pdflatex, "-halt-on-error", "-interaction=nonstopmode", "-no-shell-escape",
             "doc.tex"],
            cwd=folder, capture_output=True, timeout=180, stdin=subprocess.DEVNULL,
        )
        log = result.stdout.decode("utf-8", "replace")
        if result.returncode != 0:
            errors = [line for line in log.splitlines() if line.startswith("!")]
            context = log[log.find("!"):][:1500] if errors else log[-1500:]
            pytest.fail(f"pdflatex failed: {errors[:3]}\n{context}")
        return Path(folder, "doc.pdf").read_bytes()


def need_katex() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip(f"node is not installed (KaTeX check): {KATEX_INSTALL}")
    if not (ROOT / "node_modules" / "katex").is_dir():
        pytest.skip(f"KaTeX is not installed: {KATEX_INSTALL}")
    return node


def katex_errors(*documents: str) -> list[list[str]]:
    """KaTeX parse errors of every math span, one list per Markdown document."""
    node = need_katex()
    result = subprocess.run(
        [node, str(ROOT / "tests" / "katex_check.js")], input=json.dumps(list(documents)),
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    if result.returncode != 0:
        pytest.fail(f"katex_check.js failed: {result.stderr[-1500:]}")
    return json.loads(result.stdout)


def assert_katex_ok(*documents: str) -> None:
    for index, errors in enumerate(katex_errors(*documents)):
        assert not errors, f"document {index}: KaTeX errors: {errors}"


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF (pdftotext, poppler-utils); skips when it is missing."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    result = subprocess.run([tool, "-layout", "-", "-"], input=pdf, capture_output=True,
                            timeout=60, check=True)
    return result.stdout.decode("utf-8", "replace")
