"""Error reporting and output for the commands: one line on stderr, exit status 2, no traceback."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator, Optional

import typer

from ..io import write_atomic
from ..spec import SymdilError


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn invalid input into ``Error: <message>`` on stderr and exit status 2."""
    try:
        yield
    except SymdilError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None


def emit(text: str | bytes, output: Optional[Path]) -> None:
    """Write to ``output`` atomically, or to stdout when it is None."""
    if output is None:
        typer.echo(text if isinstance(text, str) else text.decode(), nl=False)
        return
    try:
        write_atomic(output, text)
    except OSError as error:
        raise SymdilError(f"--output {str(output)!r} cannot be written: {error.strerror}") from None
