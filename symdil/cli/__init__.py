"""The ``symdil`` command line: a Typer app whose commands each forward to one library call."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from .. import __version__

# the command modules, not their functions, are bound here: ``symdil.cli.derive`` stays a module
from . import build as _build
from . import derive as _derive
from . import figure as _figure
from . import handout as _handout
from . import matrix as _matrix
from . import verify as _verify

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


app.command()(_matrix.matrix)
app.command()(_derive.derive)
app.command()(_verify.verify)
app.command()(_handout.handout)
app.command()(_build.build)
app.command()(_figure.figure)


def main() -> None:
    """The console script: like ``app()``, but a usage error (unknown option, missing or
    malformed value, a choice not offered) is one line ``Error: …`` with exit status 2, as every
    other invalid input is, instead of the boxed usage message."""
    try:
        status = app(standalone_mode=False)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(1)
    except typer.TyperException as error:  # Typer's own Click: usage and parameter errors
        if type(error).__name__ == "NoArgsIsHelpError":
            error.show()  # plain `symdil`: the help text
        else:
            message = " ".join(str(error.format_message()).split())
            typer.echo(f"Error: {message}", err=True)
        sys.exit(getattr(error, "exit_code", 2))
    sys.exit(status if isinstance(status, int) else 0)
