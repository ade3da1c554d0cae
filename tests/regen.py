"""Regenerate the golden derivations and the rendered examples in output/.

Run from the repository root, after an intended change to a document's text or layout:

    python -m tests.regen        (or: python tests/regen.py)

then review the diff.  It rewrites (only files whose bytes change):

* ``output/`` -- everything ``symdil build examples.toml --out-dir output`` writes: the
  standalone derivations (``.tex``, ``.md``, ``.html``, the PDF of ``seed``), their figures
  (``<name>-window.svg``/``-matrix.svg``, and PDFs for ``seed``) and the handout with its answer
  key (``.tex``, ``.md``, ``.html``, ``.pdf``); PDFs need pdflatex (skipped with a warning
  without it);
* ``tests/golden/<name>.tex`` and ``.md`` -- the LaTeX and Markdown snippets
  (``symdil derive … --format latex``, no ``--standalone``) of every derivation in
  ``examples.toml``.

``examples.toml`` is the one list of examples; ``tests/test_golden.py`` fails when any of these
files is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
OUTPUT = ROOT / "output"
EXAMPLES = ROOT / "examples.toml"

#: The derivations of examples.toml as ``symdil derive`` arguments, for tests that run the CLI;
#: tests/test_golden.py checks that each gives the same operator as its examples.toml entry.
CASES: dict[str, list[str]] = {
    "seed": ["--n", "7", "--kernel", "2", "--dilation", "2"],
    "strided_same": ["--n", "12", "--kernel", "3", "--stride", "2", "--dilation", "2",
                     "--padding", "same"],
    "transposed": ["--n", "5", "--kernel", "3", "--stride", "2", "--padding", "1",
                   "--transposed"],
    "large": ["--n", "1000000", "--kernel", "3", "--dilation", "4", "--padding", "same"],
    "general": ["--n", "n", "--kernel", "3", "--dilation", "2", "--padding", "2"],
    "general_strided": ["--n", "n", "--kernel", "3", "--dilation", "2", "--stride", "2"],
    "reflect": ["--n", "8", "--kernel", "3", "--dilation", "2", "--padding", "2",
                "--padding-mode", "reflect"],
    "numeric_flip": ["--n", "6", "--kernel", "1,-2,1", "--flip", "--padding", "1"],
    "dilated_2d": ["--n", "4,3", "--kernel", "2,2", "--dilation", "2,1"],
    "grouped": ["--n", "4", "--kernel", "2", "--dilation", "2", "--in-channels", "2",
                "--out-channels", "4", "--groups", "2"],
}
SEED_ARGS = CASES["seed"]


def cli_options(args: list[str]) -> dict[str, str | bool]:
    """``["--n", "7", "--flip"]`` -> ``{"n": "7", "flip": True}``."""
    options: dict[str, str | bool] = {}
    index = 0
    while index < len(args):
        key = args[index].lstrip("-").replace("-", "_")
        if index + 1 < len(args) and not args[index + 1].startswith("--"):
            options[key] = args[index + 1]  # the CLI passes every option as typed (a string)
            index += 2
        else:
            options[key] = True
            index += 1
    return options


def case_conv(args: list[str]):
    """The operator ``symdil derive <args>`` builds (the CLI's own option parsing)."""
    from symdil.cli.options import conv_from_options

    return conv_from_options(**cli_options(args))


def render_case(args: list[str], fmt: str, standalone: bool) -> str:
    """The document ``symdil derive <args> --format fmt [--standalone]`` prints."""
    from symdil.derivation import derive

    return derive(case_conv(args), fmt, standalone=standalone)


def plan():
    from symdil.build.file import load_build

    return load_build(EXAMPLES)


def golden_files() -> dict[Path, str]:
    """The snippet of every derivation of examples.toml, in LaTeX and Markdown."""
    from symdil.derivation import derive
    from symdil.layout.elision import DEFAULT_MAX_COLS, DEFAULT_MAX_ROWS

    files: dict[Path, str] = {}
    for target in plan().targets:
        if target.kind != "derivation":
            continue
        limits = (target.max_rows or DEFAULT_MAX_ROWS, target.max_cols or DEFAULT_MAX_COLS)
        for fmt, suffix in (("latex", ".tex"), ("markdown", ".md")):
            files[GOLDEN / f"{target.name}{suffix}"] = derive(target.op, fmt, False, *limits,
                                                              templates=target.templates)
    return files


def output_files() -> dict[Path, bytes]:
    """Every file ``symdil build examples.toml`` writes to output/, except that each ``.pdf``
    holds the LaTeX source it is compiled from (compare PDFs by their text)."""
    from symdil.build.run import render_plan

    return {OUTPUT / document.name: document.data
            for document in render_plan(plan(), compile_pdfs=False)}


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from symdil.build.file import BuildFileError
    from symdil.build.run import render_plan, write_documents
    from symdil.io import write_atomic

    changed = [path for path, text in golden_files().items() if write_atomic(path, text)]
    try:
        documents = render_plan(plan())
    except BuildFileError as error:
        print(f"warning: PDFs not rebuilt: {error}", file=sys.stderr)
        documents = [document for document in render_plan(plan(), compile_pdfs=False)
                     if not document.name.endswith(".pdf")]
    result = write_documents(documents, OUTPUT)
    changed += result.written
    for path in changed:
        print(f"wrote {path.relative_to(ROOT)}")
    print(f"{len(changed)} file(s) changed, {len(result.unchanged)} output file(s) up to date")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
