"""``symdil build``: every document of a TOML build file, rendered first, then written."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Iterator

import typer

from .common import user_errors

if TYPE_CHECKING:  # imported when the command runs, so that --help stays fast
    from rich.console import Console


@contextlib.contextmanager
def progress_bar(console: Console, enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr while entries render (only when ``enabled``)."""
    if not enabled:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(TextColumn("[bold]building[/]"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                   transient=True)
    with bar:
        task = bar.add_task("", total=None)

        def update(label: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=label)

        yield update


def build(
    build_file: Annotated[Path, typer.Argument(
        help="The TOML build file: \\[defaults], \\[\\[derivation]] and \\[\\[handout]] "
        "entries.",
        metavar="FILE.toml", show_default=False)],
    out_dir: Annotated[Path, typer.Option(
        "--out-dir", "-O", help="Folder the files are written to (created if missing).")] = (
        Path("output")
    ),
    no_pdf: Annotated[bool, typer.Option(
        "--no-pdf", help="Leave out the PDFs (no pdflatex needed) and write everything else. "
        "Without it, PDF entries and no pdflatex stop the build before anything is "
        "rendered.")] = False,
) -> None:
    """Build every document of a TOML file: [bold]<name>.tex[/], [bold].md[/], [bold].pdf[/].

    Everything is validated and rendered first; then only files whose bytes changed are written.
    A failing build writes nothing (but the pdflatex log of a PDF that failed) and lists each
    problem with file, entry and key (exit 2).  What was written is listed on stderr.

    Examples:

    \b
      symdil build examples.toml --out-dir out/
      symdil build examples.toml --out-dir out/ --no-pdf  # without pdflatex
    """
    from rich.console import Console

    from ..build.file import BuildFileError, load_build
    from ..build.run import (
        check_plan_targets,
        need_pdflatex,
        pdf_names,
        render_plan,
        write_documents,
        write_logs,
    )

    with user_errors():
        plan = load_build(build_file)
        if not no_pdf:
            need_pdflatex(plan)
        check_plan_targets(plan, out_dir, no_pdf)
        console = Console(stderr=True)
        try:
            with progress_bar(console, len(plan.targets) > 1) as progress:
                documents = render_plan(plan, progress, skip_pdf=no_pdf)
        except BuildFileError as error:
            write_logs(error, out_dir)
            raise
        skipped = tuple(pdf_names(plan)) if no_pdf else ()
        result = write_documents(documents, out_dir, skipped)
    for path in result.written:
        typer.echo(f"wrote      {path}", err=True)
    for path in result.unchanged:
        typer.echo(f"unchanged  {path}", err=True)
    for name in result.skipped:
        typer.echo(f"skipped    {out_dir / name} (--no-pdf)", err=True)
    skipped = f", {len(result.skipped)} skipped" if result.skipped else ""
    typer.echo(f"{len(result.written)} written, {len(result.unchanged)} unchanged{skipped} "
               f"({len(plan.targets)} entr{'y' if len(plan.targets) == 1 else 'ies'} of "
               f"{build_file})", err=True)
