"""Executing a build plan (``symdil.buildfile``): render everything in memory, then write.

``build(path, out_dir)`` loads and validates the build file, renders every document of every entry
in memory -- PDFs are compiled in temporary folders -- and only when all of them succeeded writes
them under ``out_dir``, each atomically and only when its bytes change (an unchanged file keeps its
modification time, so make and latexmk see nothing new).  A failing build writes nothing and
raises ``BuildFileError`` listing every problem, each naming the file, the entry and the key.
The same build file gives byte-identical files.
"""

from __future__ import annotations

import functools
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..core.spec import SymdilError
from ..derivation import Derivation
from ..handout.document import Handout
from ..io import check_target, write_files
from ..layout.elision import DEFAULT_MAX_COLS, DEFAULT_MAX_ROWS
from ..render.pdf import PDFLATEX_INSTALL, PdfError, compile_pdf
from .file import BuildFileError, BuildPlan, Target, load_build

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
    skipped: tuple[str, ...] = field(default=())  # PDF names left out by --no-pdf


class _EntryError(Exception):
    def __init__(self, key: str | None, value: Any, message: str,
                 log: tuple[str, str] | None = None) -> None:
        super().__init__(message)
        self.key, self.value, self.message = key, value, message
        self.log = log  # (file name, pdflatex log) of a failed PDF


def _compile(target: Target, name: str, tex: str) -> bytes:
    """One PDF of an entry; a pdflatex error names its log, ``<name>.log`` beside the output."""
    try:
        return compile_pdf(tex)
    except PdfError as error:
        log_name = Path(name).stem + ".log"
        message = str(error.with_log(f"{log_name} in the output folder", None))
        raise _EntryError("formats", "pdf", message, (log_name, error.log)) from None
    except SymdilError as error:
        raise _EntryError("formats", "pdf", str(error)) from None


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
    from ..verification import verify

    report = verify(target.op)
    if not report.passed:
        failed = "; ".join(f"{check.name}: {check.detail}" for check in report.failed)
        raise SymdilError(f"verification failed ({failed})")
    # The general-case check's detail already states what was proved, in plain text.  The
    # report's statement_latex is LaTeX prose with inline math, not the display math the
    # derivation's ``statement_math`` expects, so it is not passed on.
    return {"checks": [{"name": c.name, "passed": c.passed, "detail": c.detail}
                       for c in report.checks]}


def _render_derivation(target: Target, compile_pdfs: bool,
                       skip_pdf: bool = False) -> dict[str, str | bytes]:
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
        if fmt == "pdf" and skip_pdf:
            continue
        if fmt == "pdf":
            tex = render("latex", True)
            out[fmt] = _compile(target, target.files()[fmt], tex) if compile_pdfs else tex
        else:
            out[fmt] = render(fmt, target.standalone or fmt == "html")
    if target.figures:
        out.update(_stage("figures", True, _figure_files, target, compile_pdfs, skip_pdf))
    return out


def _figure_files(target: Target, compile_pdfs: bool,
                  skip_pdf: bool = False) -> dict[str, str | bytes]:
    """The figures as files of their own, keyed ``file:<name>``: SVG beside a Markdown document
    (which links them), PDF beside a PDF (the documents themselves hold the figures too; left
    out with the other PDFs by ``skip_pdf``)."""
    from ..figures import available_kinds, figure, tikz_document, to_svg

    out: dict[str, str | bytes] = {}
    for kind in available_kinds(target.op):
        drawn = figure(target.op, kind)
        if "markdown" in target.formats:
            out[f"file:{target.name}-{kind}.svg"] = to_svg(drawn)
        if "pdf" in target.formats and not skip_pdf:
            tex = tikz_document(drawn)
            out[f"file:{target.name}-{kind}.pdf"] = compile_pdf(tex) if compile_pdfs else tex
    return out


def _render_handout(target: Target, compile_pdfs: bool,
                    skip_pdf: bool = False) -> dict[str, str | bytes]:
    spec = target.handout
    separate = spec.solutions_file is not None
    sheet = _stage(None, None, functools.partial(Handout, kinds=spec.kinds, level=spec.level,
                                                 figures=target.figures),
                   spec.exercises, spec.seed, spec.solutions and not separate, target.title,
                   target.max_rows or DEFAULT_MAX_ROWS, target.max_cols or DEFAULT_MAX_COLS)
    templates = target.templates
    out: dict[str, str | bytes] = {}
    parts = [("", "handout")] + ([("solutions-", "solutions")] if separate else [])
    for prefix, part in parts:
        for fmt in target.formats:
            if fmt == "pdf" and skip_pdf:
                continue
            text = _stage("templates" if templates else None, templates and str(templates),
                          sheet.render, "latex" if fmt == "pdf" else fmt, part, templates)
            out[prefix + fmt] = _compile(target, target.files()[prefix + fmt], text) \
                if fmt == "pdf" and compile_pdfs else text
    return out


def _render_stack(target: Target, compile_pdfs: bool,
                  skip_pdf: bool = False) -> dict[str, str | bytes]:
    from ..stack.checks import verify_stack
    from ..stack.document import StackDocument

    if target.title is not None and not target.standalone and "pdf" not in target.formats:
        raise _EntryError("title", target.title, "a title applies to standalone documents and "
                          "PDFs; add standalone = true")
    document = _stage(None, None, StackDocument, target.op, target.max_rows or DEFAULT_MAX_ROWS,
                      target.max_cols or DEFAULT_MAX_COLS)
    report = None
    if target.verify:
        report = _stage("verify", True, verify_stack, target.op)
        if not report.passed:
            failed = "; ".join(f"{check.name}: {check.detail}" for check in report.failed)
            raise _EntryError("verify", True, f"verification failed ({failed})")

    def render(fmt: str, standalone: bool) -> str:
        return _stage("templates" if target.templates else None,
                      target.templates and str(target.templates), document.render, fmt,
                      standalone, report, target.title if standalone else None,
                      target.templates)

    out: dict[str, str | bytes] = {}
    for fmt in target.formats:
        if fmt == "pdf" and skip_pdf:
            continue
        if fmt == "pdf":
            tex = render("latex", True)
            out[fmt] = _compile(target, target.files()[fmt], tex) if compile_pdfs else tex
        else:
            out[fmt] = render(fmt, target.standalone)
    if target.figures:
        from ..figures import stack_figure, to_svg

        drawn = _stage("figures", True, stack_figure, target.op)
        out[f"file:{target.name}-stack.svg"] = to_svg(drawn)
    return out


def render_target(target: Target, compile_pdfs: bool = True,
                  skip_pdf: bool = False) -> dict[str, bytes]:
    """File name -> bytes of every document of one entry (raises ``_EntryError``).

    ``compile_pdfs=False`` gives, under each ``.pdf`` name, the LaTeX source it is compiled from
    (for checks that compare PDFs by their text); ``skip_pdf=True`` leaves the PDFs out.
    """
    render = {"derivation": _render_derivation, "stack": _render_stack}.get(
        target.kind, _render_handout)
    rendered = render(target, compile_pdfs, skip_pdf)
    names = target.files()
    return {(key[5:] if key.startswith("file:") else names[key]):
            data.encode("utf-8") if isinstance(data, str) else data
            for key, data in rendered.items()}


def planned_names(target: Target, skip_pdf: bool = False) -> list[str]:
    """Every file name one entry writes, known before anything is rendered: its documents and,
    with ``figures``, the figure files (``skip_pdf``: without the PDFs)."""
    names = [name for key, name in target.files().items()
             if not (skip_pdf and key.endswith("pdf"))]
    if target.figures and target.kind == "derivation":
        from ..figures import available_kinds

        for kind in available_kinds(target.op):
            if "markdown" in target.formats:
                names.append(f"{target.name}-{kind}.svg")
            if "pdf" in target.formats and not skip_pdf:
                names.append(f"{target.name}-{kind}.pdf")
    elif target.figures and target.kind == "stack":
        names.append(f"{target.name}-stack.svg")
    return names


def pdf_names(plan: BuildPlan) -> list[str]:
    """The PDF files of the plan, figures included (what ``--no-pdf`` leaves out)."""
    return [name for target in plan.targets for name in planned_names(target)
            if name.endswith(".pdf")]


def check_plan_targets(plan: BuildPlan, out_dir: str | os.PathLike,
                       skip_pdf: bool = False) -> None:
    """Refuse, before anything is rendered, an out-dir that is not a folder and every file of
    the plan that could not be written (a build renders for minutes before writing)."""
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise BuildFileError([f"--out-dir {str(folder)!r} is not a folder"])
    problems = []
    for target, label in zip(plan.targets, entry_labels(plan)):
        for name in planned_names(target, skip_pdf):
            try:
                check_target(folder / name, "")
            except SymdilError as error:
                problems.append(f"{label}: {str(error).strip()}")
    if problems:
        raise BuildFileError(problems)


def need_pdflatex(plan: BuildPlan) -> None:
    """Refuse up front, before rendering anything, a plan with PDFs when pdflatex is missing."""
    names = pdf_names(plan)
    if names and shutil.which("pdflatex") is None:
        raise BuildFileError([f"{plan.path}: {', '.join(names)}: 'formats' = \"pdf\" needs "
                              f"pdflatex, which is not installed; install it with: "
                              f"{PDFLATEX_INSTALL}; or run symdil build --no-pdf to write "
                              "everything else"])


def render_plan(plan: BuildPlan, progress: Progress | None = None,
                compile_pdfs: bool = True, skip_pdf: bool = False) -> list[Document]:
    """Every document of the plan, in memory and in file order; raise ``BuildFileError``
    naming file, entry and key for each entry that fails (after trying all of them).
    ``compile_pdfs``, ``skip_pdf``: see ``render_target``.  The error's ``logs`` holds
    ``(file name, text)`` of the pdflatex log of each PDF that failed."""
    labels = entry_labels(plan)
    documents: list[Document] = []
    problems: list[str] = []
    logs: list[tuple[str, str]] = []
    total = len(plan.targets)
    for index, (target, label) in enumerate(zip(plan.targets, labels)):
        if progress is not None:
            progress(label, index, total)
        try:
            files = render_target(target, compile_pdfs, skip_pdf)
        except _EntryError as error:
            where = f"'{error.key}' = {_shown(error.value)}: " if error.key else ""
            problems.append(f"{plan.path}: {label}: {where}{error.message}")
            logs.extend([error.log] if error.log else [])
            continue
        documents.extend(Document(name, data, label) for name, data in files.items())
    if progress is not None:
        progress("", total, total)
    if problems:
        failure = BuildFileError(problems)
        failure.logs = logs
        raise failure
    return documents


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)


def write_documents(documents: list[Document], out_dir: str | os.PathLike,
                    skipped: tuple[str, ...] = ()) -> BuildResult:
    """Write every document under ``out_dir``, all of them or none (``symdil.io.write_files``:
    every target checked first, a failure part-way rolls back), each only when its bytes
    change."""
    folder = Path(out_dir)
    # Catch what would stop the writes half-way before the first one.
    if folder.exists() and not folder.is_dir():
        raise BuildFileError([f"--out-dir {str(folder)!r} is not a folder"])
    problems = []
    for document in documents:
        try:
            check_target(folder / document.name, "")
        except SymdilError as error:
            problems.append(f"{document.entry}: {str(error).strip()}")
    if problems:
        raise BuildFileError(problems)
    try:
        result = write_files([(folder / d.name, d.data, d.entry) for d in documents])
    except SymdilError as error:
        raise BuildFileError([str(error)]) from None
    return BuildResult(folder, result.written, result.unchanged, skipped)


def write_logs(error: BuildFileError, out_dir: str | os.PathLike) -> None:
    """Keep the pdflatex log of each failed PDF in ``out_dir`` (the one thing a failing build
    writes, so that the error it names can be read)."""
    logs = getattr(error, "logs", ())
    if logs:
        try:
            write_files([(Path(out_dir) / name, text, "the pdflatex log") for name, text in logs])
        except SymdilError:
            pass


def build(path: str | os.PathLike, out_dir: str | os.PathLike = "output",
          progress: Progress | None = None, skip_pdf: bool = False) -> BuildResult:
    """Load, validate and render everything in ``path``, then write it under ``out_dir``.

    Raises ``BuildFileError`` (and writes nothing but the pdflatex log of a PDF that failed)
    when the file or any entry fails, or when it has PDFs, pdflatex is missing and
    ``skip_pdf`` is false; ``skip_pdf=True`` writes everything but the PDFs.
    """
    plan = load_build(path)
    if not skip_pdf:
        need_pdflatex(plan)
    check_plan_targets(plan, out_dir, skip_pdf)
    try:
        documents = render_plan(plan, progress, skip_pdf=skip_pdf)
    except BuildFileError as error:
        write_logs(error, out_dir)
        raise
    skipped = tuple(pdf_names(plan)) if skip_pdf else ()
    return write_documents(documents, out_dir, skipped)
