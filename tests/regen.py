"""Regenerate the golden derivations and the rendered examples in output/.

Run from the repository root, after an intended change to the derivation text or layout:

    python -m tests.regen        (or: python tests/regen.py)

then review the diff.  It rewrites (only files whose bytes change):

* ``tests/golden/<case>.tex`` and ``.md`` -- the LaTeX and Markdown snippets of every case;
* ``output/<case>.tex`` and ``.md`` -- the standalone documents;
* ``output/seed.pdf`` -- the PDF of the first case (needs pdflatex; skipped with a warning).

Each case is a list of ``symdil derive`` arguments, rendered through the CLI's own option parsing
(``conv_from_options``), so ``symdil derive <args> --format latex --standalone`` prints exactly
``output/<case>.tex``.  ``tests/test_golden.py`` fails when any of these files is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
OUTPUT = ROOT / "output"

CASES: dict[str, list[str]] = {
    # the example: dilation 2, no padding
    "seed": ["--n", "7", "--kernel", "2", "--dilation", "2"],
    # strided 'same' (TensorFlow's rule): cut border taps, unread inputs
    "strided_same": ["--n", "12", "--kernel", "3", "--stride", "2", "--dilation", "2",
                     "--padding", "same"],
    # transposed: scatter, transpose of the forward matrix, zero insertion
    "transposed": ["--n", "5", "--kernel", "3", "--stride", "2", "--padding", "1",
                   "--transposed"],
    # elided: a million inputs, built from the visible entries only
    "large": ["--n", "1000000", "--kernel", "3", "--dilation", "4", "--padding", "same"],
    # the general case, symbolic n
    "general": ["--n", "n", "--kernel", "3", "--dilation", "2", "--padding", "2"],
    "general_strided": ["--n", "n", "--kernel", "3", "--dilation", "2", "--stride", "2"],
    # reflect padding folds taps back onto the input
    "reflect": ["--n", "8", "--kernel", "3", "--dilation", "2", "--padding", "2",
                "--padding-mode", "reflect"],
    # a numeric kernel and true convolution
    "numeric_flip": ["--n", "6", "--kernel", "1,-2,1", "--flip", "--padding", "1"],
}
PDF_CASE = "seed"


def _options(args: list[str]) -> dict[str, str | bool]:
    """``["--n", "7", "--flip"]`` -> ``{"n": "7", "flip": True}``."""
    options: dict[str, str | bool] = {}
    index = 0
    while index < len(args):
        key = args[index].lstrip("-").replace("-", "_")
        if index + 1 < len(args) and not args[index + 1].startswith("--"):
            options[key] = args[index + 1]
            index += 2
        else:
            options[key] = True
            index += 1
    return options


def render_case(args: list[str], fmt: str, standalone: bool) -> str:
    """The document ``symdil derive <args> --format fmt [--standalone]`` prints."""
    from symdil.cli.options import conv_from_options
    from symdil.derivation import derive

    options = _options(args)
    op = conv_from_options(**options)
    return derive(op, fmt, standalone=standalone)


def expected_files() -> dict[Path, str]:
    """Every text file regen writes, with its content."""
    files: dict[Path, str] = {}
    for name, args in CASES.items():
        files[GOLDEN / f"{name}.tex"] = render_case(args, "latex", False)
        files[GOLDEN / f"{name}.md"] = render_case(args, "markdown", False)
        files[OUTPUT / f"{name}.tex"] = render_case(args, "latex", True)
        files[OUTPUT / f"{name}.md"] = render_case(args, "markdown", True)
    return files


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from symdil.io import write_atomic
    from symdil.render import compile_pdf
    from symdil.spec import SymdilError

    files = expected_files()
    changed = [path for path, text in files.items() if write_atomic(path, text)]
    try:
        pdf = compile_pdf(files[OUTPUT / f"{PDF_CASE}.tex"])
    except SymdilError as error:
        print(f"warning: {OUTPUT / (PDF_CASE + '.pdf')} not rebuilt: {error}", file=sys.stderr)
    else:
        if write_atomic(OUTPUT / f"{PDF_CASE}.pdf", pdf):
            changed.append(OUTPUT / f"{PDF_CASE}.pdf")
    for path in changed:
        print(f"wrote {path.relative_to(ROOT)}")
    print(f"{len(changed)} file(s) changed, {len(files) + 1 - len(changed)} up to date")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
