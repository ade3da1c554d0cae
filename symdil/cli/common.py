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


#: File extensions symdil knows, by what is written into the file.
_EXTENSIONS = {"LaTeX": (".tex", ".ltx", ".latex"), "Markdown": (".md", ".markdown"),
               "PDF": (".pdf",), "HTML": (".html", ".htm"), "SVG": (".svg",)}


def check_extension(option: str, path: Optional[Path], fmt: str, pdf: bool) -> None:
    """Refuse a file whose extension names another format than the one written into it.

    ``--format latex`` writes LaTeX (.tex), or with ``--pdf`` a PDF (.pdf) or LaTeX and a PDF
    (.tex); ``--format markdown`` writes Markdown (.md), ``--format html`` a page (.html).  No
    extension, or one symdil does not know, is accepted as it is.
    """
    if path is None:
        return
    suffix = path.suffix.lower()
    kind = next((kind for kind, suffixes in _EXTENSIONS.items() if suffix in suffixes), None)
    if fmt == "markdown":
        allowed, fits = ".md", kind in (None, "Markdown")
    elif fmt == "html":
        allowed, fits = ".html", kind in (None, "HTML")
    elif pdf:
        allowed, fits = ".tex or .pdf", kind in (None, "LaTeX", "PDF")
    else:
        allowed, fits = ".tex (or .pdf with --pdf)", kind in (None, "LaTeX")
    if not fits:
        written = {"markdown": "Markdown", "html": "HTML"}.get(fmt, "LaTeX")
        raise SymdilError(f"{option} {str(path)!r} is named as {kind} ({path.suffix}) but "
                          f"--format {fmt} writes {written}; name it {allowed}, or change "
                          "--format")
