"""``symdil build``: every document of a TOML build file, rendered first, then written."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Iterator

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..build import Progress as ProgressCallback
from ..build import render_plan, write_documents
from ..buildfile import load_build
from .common import user_errors


@contextlib.contextmanager
def progress_bar(console: Console, enabled: bool) -> Iterator[ProgressCallback | None]:
    """A rich progress bar on stderr while entries render (only when ``enabled``)."""
    if not enabled:
        yield None
        return
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
        "--out-dir", "-O", help="Folder the files are written to.")] = Path("output"),
) -> None:
    """Build every document of a TOML file: [bold]<name>.tex[/], [bold].md[/], [bold].pdf[/].

    Everything is validated and rendered first; then only files whose bytes changed are written.
    A failing build writes nothing and lists each problem with file, entry and key (exit 2).
    """
    with user_errors():
        plan = load_build(build_file)
        console = Console(stderr=True)
        with progress_bar(console, len(plan.targets) > 1) as progress:
            documents = render_plan(plan, progress)
        result = write_documents(documents, out_dir)
    for path in result.written:
        typer.echo(f"wrote      {path}")
    for path in result.unchanged:
        typer.echo(f"unchanged  {path}")
    typer.echo(f"{len(result.written)} written, {len(result.unchanged)} unchanged "
               f"({len(plan.targets)} entr{'y' if len(plan.targets) == 1 else 'ies'} of "
               f"{build_file})")
