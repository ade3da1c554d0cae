"""Executing a build plan (``symdil.buildfile``): render everything in memory, then write.

``build(path, out_dir)`` loads and validates the build file, renders every document of every entry
in memory -- PDFs are compiled in temporary folders -- and only when all of them succeeded writes
them under ``out_dir``, each atomically and only when its bytes change (an unchanged file keeps its
modification time, so make and latexmk see nothing new).  A failing build writes nothing and
raises ``BuildFileError`` listing every problem, each naming the file, the entry and the key.
The same build file gives byte-identical files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .buildfile import BuildFileError, BuildPlan, Target, load_build
from .derivation import Derivation
from .handout import Handout
from .io import write_atomic
from .printing import DEFAULT_MAX_COLS, DEFAULT_MAX_ROWS
from .render import compile_pdf
from .spec import SymdilError

#: ``progress(label, done, total)``: called before each entry renders and once at the end.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Document:
    """One rendered file: its name under the output folder, its bytes, and its entry."""

    name: str
    data: bytes
    entry: str


@dataclass(frozen=True)
class BuildResult:
    """What a build did: files written (new or changed) and files left as they were."""

    out_dir: Path
    written: tuple[Path, ...]
    unchanged: tuple[Path, ...]


class _EntryError(Exception):
    def __init__(self, key: str | None, value: Any, message: str) -> None:
        super().__init__(message)
        self.key, self.value, self.message = key, value, message


def entry_labels(plan: BuildPlan) -> list[str]:
    """``derivation[2] "down"`` for each target, numbered within its table as in the file."""
    counts: dict[str, int] = {}
    labels = []
    for target in plan.targets:
        counts[target.kind] = counts.get(target.kind, 0) + 1
        labels.append(f'{target.kind}[{counts[target.kind]}] "{target.name}"')
    return labels


def _stage(key: str | None, value: Any, action: Callable[..., Any], *args: Any) -> Any:
    """Run ``action(*args)``, one step of an entry; its SymdilError is blamed on ``key``."""
    try:
        return action(*args)
    except SymdilError as error:
        raise _EntryError(key, value, str(error)) from None


def _verification(target: Target) -> dict[str, Any]:
    from .verification import verify

    report = verify(target.op)
    if not report.passed:
        failed = "; ".join(f"{check.name}: {check.detail}" for check in report.failed)
        raise SymdilError(f"verification failed ({failed})")
    # The general-case check's detail already states what was proved, in plain text.  The
    # report's statement_latex is LaTeX prose with inline math, not the display math the
    # derivation's ``statement_math`` expects, so it is not passed on.
    return {"checks": [{"name": c.name, "passed": c.passed, "detail": c.detail}
                       for c in report.checks]}


def _render_derivation(target: Target, compile_pdfs: bool) -> dict[str, str | bytes]:
    templates = target.templates
    if target.title is not None and not target.standalone and not {"pdf", "html"} & set(
            target.formats):
        raise _EntryError("title", target.title, "a title applies to standalone documents and "
                          "PDFs; add standalone = true")
    derivation = _stage(None, None, Derivation, target.op, target.max_rows or DEFAULT_MAX_ROWS,
                        target.max_cols or DEFAULT_MAX_COLS)
    verification = _stage("verify", True, _verification, target) if target.verify else None

    def render(fmt: str, standalone: bool) -> str:
        title = target.title if standalone else None
        return _stage("templates" if templates else None, templates and str(templates),
                      derivation.render, fmt, standalone, templates, verification, title,
                      target.figures, target.name)

    out: dict[str, str | bytes] = {}
    for fmt in target.formats:
        if fmt == "pdf":
            tex = render("latex", True)
            out[fmt] = _stage("formats", "pdf", compile_pdf, tex) if compile_pdfs else tex
        else:
            out[fmt] = render(fmt, target.standalone or fmt == "html")
    if target.figures:
        out.update(_stage("figures", True, _figure_files, target, compile_pdfs))
    return out


def _figure_files(target: Target, compile_pdfs: bool) -> dict[str, str | bytes]:
    """The figures as files of their own, keyed ``file:<name>``: SVG beside a Markdown document
    (which links them), PDF beside a PDF (the documents themselves hold the figures too)."""
    from .figures import available_kinds, figure, tikz_document, to_svg

    out: dict[str, str | bytes] = {}
    for kind in available_kinds(target.op):
        drawn = figure(target.op, kind)
        if "markdown" in target.formats:
            out[f"file:{target.name}-{kind}.svg"] = to_svg(drawn)
        if "pdf" in target.formats:
            tex = tikz_document(drawn)
            out[f"file:{target.name}-{kind}.pdf"] = compile_pdf(tex) if compile_pdfs else tex
    return out


def _render_handout(target: Target, compile_pdfs: bool) -> dict[str, str | bytes]:
    spec = target.handout
    separate = spec.solutions_file is not None
    sheet = _stage(None, None, Handout, spec.exercises, spec.seed,
                   spec.solutions and not separate, target.title,
                   target.max_rows or DEFAULT_MAX_ROWS, target.max_cols or DEFAULT_MAX_COLS)
    templates = target.templates
    out: dict[str, str | bytes] = {}
    parts = [("", "handout")] + ([("solutions-", "solutions")] if separate else [])
    for prefix, part in parts:
        for fmt in target.formats:
            text = _stage("templates" if templates else None, templates and str(templates),
                          sheet.render, "latex" if fmt == "pdf" else fmt, part, templates)
            out[prefix + fmt] = _stage("formats", "pdf", compile_pdf, text) \
                if fmt == "pdf" and compile_pdfs else text
    return out


def render_target(target: Target, compile_pdfs: bool = True) -> dict[str, bytes]:
    """File name -> bytes of every document of one entry (raises ``_EntryError``).

    ``compile_pdfs=False`` gives, under each ``.pdf`` name, the LaTeX source it is compiled from
    (for checks that compare PDFs by their text).
    """
    render = _render_derivation if target.kind == "derivation" else _render_handout
    rendered = render(target, compile_pdfs)
    names = target.files()
    return {(key[5:] if key.startswith("file:") else names[key]):
            data.encode("utf-8") if isinstance(data, str) else data
            for key, data in rendered.items()}


def render_plan(plan: BuildPlan, progress: Progress | None = None,
                compile_pdfs: bool = True) -> list[Document]:
    """Every document of the plan, in memory and in file order; raise ``BuildFileError``
    naming file, entry and key for each entry that fails (after trying all of them).
    ``compile_pdfs``: see ``render_target``."""
    labels = entry_labels(plan)
    documents: list[Document] = []
    problems: list[str] = []
    total = len(plan.targets)
    for index, (target, label) in enumerate(zip(plan.targets, labels)):
        if progress is not None:
            progress(label, index, total)
        try:
            files = render_target(target, compile_pdfs)
        except _EntryError as error:
            where = f"'{error.key}' = {_shown(error.value)}: " if error.key else ""
            problems.append(f"{plan.path}: {label}: {where}{error.message}")
            continue
        documents.extend(Document(name, data, label) for name, data in files.items())
    if progress is not None:
        progress("", total, total)
    if problems:
        raise BuildFileError(problems)
    return documents


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)


def write_documents(documents: list[Document], out_dir: str | os.PathLike) -> BuildResult:
    """Write each document under ``out_dir`` atomically, only when its bytes change."""
    folder = Path(out_dir)
    # Catch what would stop the writes half-way before the first one.
    if folder.exists() and not folder.is_dir():
        raise BuildFileError([f"--out-dir {str(folder)!r} is not a folder"])
    blocked = [str(folder / d.name) for d in documents if (folder / d.name).is_dir()]
    if blocked:
        raise BuildFileError([f"{path}: is a folder, the build writes a file there"
                              for path in blocked])
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildFileError([f"--out-dir {str(folder)!r} cannot be created: "
                              f"{error.strerror}"]) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BuildFileError([f"--out-dir {str(folder)!r} is not writable"])
    written, unchanged = [], []
    for document in documents:
        path = folder / document.name
        try:
            changed = write_atomic(path, document.data)
        except OSError as error:
            raise BuildFileError([f"{path}: cannot be written ({document.entry}): "
                                  f"{error.strerror}"]) from None
        (written if changed else unchanged).append(path)
    return BuildResult(folder, tuple(written), tuple(unchanged))


def build(path: str | os.PathLike, out_dir: str | os.PathLike = "output",
          progress: Progress | None = None) -> BuildResult:
    """Load, validate and render everything in ``path``, then write it under ``out_dir``.

    Raises ``BuildFileError`` (and writes nothing) when the file or any entry fails.
    """
    plan = load_build(path)
    documents = render_plan(plan, progress)
    return write_documents(documents, out_dir)
