"""The ``symdil`` command line: a Typer app whose commands each forward to one library call."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .. import __version__
from .build import build
from .derive import derive
from .handout import handout
from .matrix import matrix
from .verify import verify

app = typer.Typer(
    name="symdil",
    help="Dilated and strided convolutions as exact symbolic matrices, verified and typeset.",
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"symdil {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """symdil: convolution arithmetic as verified mathematics on the page."""


app.command()(matrix)
app.command()(derive)
app.command()(verify)
app.command()(handout)
app.command()(build)


def main() -> None:
    app()
