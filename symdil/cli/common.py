"""Error reporting and output for the commands: one line on stderr, exit status 2, no traceback.

Kept light (no SymPy, no Jinja2): every command module imports it when ``symdil --help`` runs.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Iterator, Optional, Sequence

import typer

from ..core.errors import SymdilError


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn invalid input into ``Error: <message>`` on stderr and exit status 2.

    A message of several problems (a build file's) is several lines, each ``Error: ...``, so
    that no line of the report reads as output.  Besides ``SymdilError``: integers too long to
    convert (Python refuses more than 4,300 digits) and nesting too deep to process are invalid
    input too, never a traceback."""
    try:
        yield
    except SymdilError as error:
        for line in str(error).splitlines() or [""]:
            typer.echo(f"Error: {line}", err=True)
        raise typer.Exit(2) from None
    except RecursionError:
        typer.echo("Error: the input is nested too deeply to process", err=True)
        raise typer.Exit(2) from None
    except ValueError as error:
        if "digits" not in str(error) or "integer" not in str(error):
            raise
        limit = sys.get_int_max_str_digits()
        typer.echo(f"Error: an integer has more than {limit:,} digits; symdil reads integers "
                   f"of at most {limit:,} digits", err=True)
        raise typer.Exit(2) from None


def output_file(text: str) -> Path:
    """The value of an option naming a file to write (``-o``, ``--solutions-file``,
    ``--figure``): a name ending in ``/`` names a folder -- as a Path it would lose the slash and
    become a file of that name -- so it is refused here, while the text is still whole."""
    if text.endswith("/") or text.endswith(os.sep):
        raise typer.BadParameter(f"{text!r} ends with {text[-1]!r}, so it names a folder; give a "
                                 f"file name such as {text}out.tex")
    return Path(text)


def emit(text: str | bytes, output: Optional[Path], option: str = "-o/--output") -> None:
    """Write to ``output`` (see ``write_outputs``), or to stdout when it is None."""
    if output is None:
        typer.echo(text if isinstance(text, str) else text.decode(), nl=False)
        return
    write_outputs([(output, text, option)])


def write_outputs(files: Sequence[tuple[Path, str | bytes, str]]) -> None:
    """Write every ``(path, data, option)`` -- all of them or none, each target checked first
    (``symdil.io.write_files``) -- and say so in one line on stderr: ``wrote x.tex, x.pdf``."""
    from ..io import write_files

    result = write_files(files)
    names = [str(path) for path in result.written]
    names += [f"{path} (unchanged)" for path in result.unchanged]
    if names:
        typer.echo("wrote " + ", ".join(names), err=True)


def check_targets(files: Sequence[tuple[Optional[Path], str]]) -> None:
    """Check every ``(path, option)`` a command will write before it computes anything."""
    from ..io import check_target

    seen: dict[str, str] = {}
    for path, option in files:
        if path is None:
            continue
        real = str(check_target(path, option))
        if real in seen:
            raise SymdilError(f"{option} {str(path)!r} is the same file as {seen[real]}; give "
                              "each its own file")
        seen[real] = f"{option} {str(path)!r}"


#: File extensions symdil knows, by what is written into the file.
_EXTENSIONS = {"LaTeX": (".tex", ".ltx", ".latex"), "Markdown": (".md", ".markdown"),
               "PDF": (".pdf",), "JSON": (".json",), "HTML": (".html", ".htm"),
               "SVG": (".svg",), "XML": (".xml",), "PNG": (".png",), "JPEG": (".jpg", ".jpeg"),
               "GIF": (".gif",), "WebP": (".webp",), "TIFF": (".tif", ".tiff"),
               "PostScript": (".eps", ".ps")}
#: what each --format writes
_WRITES = {"latex": "LaTeX", "markdown": "Markdown", "json": "JSON", "text": "text",
           "html": "HTML", "tikz": "LaTeX", "svg": "SVG", "moodle": "XML"}


def check_extension(option: str, path: Optional[Path], fmt: str,
                    pdf: Optional[bool] = None) -> None:
    """Refuse a file whose extension names another format than the one written into it.

    ``--format latex`` writes LaTeX (.tex), or with ``--pdf`` a PDF (.pdf) or LaTeX and a PDF
    (.tex); ``--format markdown`` writes Markdown (.md); ``json`` JSON (.json).  No extension,
    or one symdil does not know (.txt among them: any text), is accepted as it is.  ``pdf`` is
    None for a command without ``--pdf``.
    """
    if path is None:
        return
    suffix = path.suffix.lower()
    kind = next((kind for kind, suffixes in _EXTENSIONS.items() if suffix in suffixes), None)
    written = _WRITES.get(fmt, fmt)
    fits = {written} | ({"PDF"} if pdf else set())
    if kind is None or kind in fits:
        return
    allowed = _EXTENSIONS[written][0] if written in _EXTENSIONS else ".txt"
    if pdf:
        allowed = f"{allowed} or .pdf"
    elif pdf is False and written == "LaTeX":
        allowed = f"{allowed} (or .pdf with --pdf)"
    raise SymdilError(f"{option} {str(path)!r} is named as {kind} ({path.suffix}) but "
                      f"--format {fmt} writes {written}; name it {allowed}, or change --format")
