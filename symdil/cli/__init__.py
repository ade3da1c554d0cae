"""The ``symdil`` command line: a Typer app whose commands each forward to one library call.

Only Typer is imported up front: each command imports SymPy, Jinja2, NumPy or rich when it runs,
so ``symdil --version``, ``--help`` and every ``-h`` start about as fast as Typer itself.

An entry point.  May import: every stage; holds no logic a Python user would miss.
"""

from __future__ import annotations

import inspect
import re
import signal
import sys
import typing
from typing import Annotated, Any

import typer

from .. import __version__

# the command modules, not their functions, are bound here: ``symdil.cli.derive`` stays a module
from . import build as _build
from . import check as _check
from . import derive as _derive
from . import figure as _figure
from . import handout as _handout
from . import matrix_command as _matrix
from . import stack as _stack
from . import verify as _verify

app = typer.Typer(
    name="symdil",
    help="Dilated and strided convolutions as exact symbolic matrices, verified and typeset.",
    # Plain Click help: Typer's rich help panels import rich and markdown-it, which doubles
    # the cost of every -h (issue 12: at most 2x `import typer`); markup in help texts is
    # removed below, so commands may still write [bold]…[/].
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"symdil {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    # a plain bool (not Optional): Typer then skips its pydantic coercion, which costs as much
    # as importing Typer itself
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """symdil: convolution arithmetic as verified mathematics on the page."""


_RICH_TAG_RE = re.compile(r"(?<!\\)\[/?(?:bold|dim|italic|b|i|u|red|green|yellow|cyan|blue|"
                          r"magenta)?(?: [a-z]+)*\]")


def plain_help(text: str | None) -> str | None:
    """A help text without rich markup: ``[bold]7[/]`` -> ``7``, ``\\[defaults]`` ->
    ``[defaults]``."""
    if text is None:
        return None
    return _RICH_TAG_RE.sub("", text).replace("\\[", "[")


def _plain_help_everywhere(typer_app: Any) -> None:
    """Apply ``plain_help`` to every command's docstring and option help, including commands
    registered by other modules."""
    for info in typer_app.registered_commands:
        callback = info.callback
        if info.help is None and callback is not None and callback.__doc__:
            info.help = plain_help(inspect.cleandoc(callback.__doc__))
        info.help = plain_help(info.help)
        # evaluated once and kept: string annotations would give Typer fresh, unstripped copies
        hints = typing.get_type_hints(callback, include_extras=True)
        callback.__annotations__.update(hints)
        for parameter in inspect.signature(callback).parameters.values():
            annotation = hints.get(parameter.name, parameter.annotation)
            for meta in getattr(annotation, "__metadata__", ()):
                if hasattr(meta, "help"):
                    meta.help = plain_help(meta.help)
            if hasattr(parameter.default, "help"):
                parameter.default.help = plain_help(parameter.default.help)


# one line per command
app.command()(_matrix.matrix)
app.command()(_derive.derive)
app.command()(_verify.verify)
app.command()(_handout.handout)
app.command()(_build.build)
app.command()(_check.check)
app.command()(_stack.stack)
app.command()(_figure.figure)
_plain_help_everywhere(app)  # after the last registration: help texts without markup


def _plain_values_without_pydantic() -> None:
    """Typer 0.29 converts every option value through pydantic, whose import alone costs more
    than Typer's -- even ``--help``'s unset None, so ``symdil derive -h`` would pay it before
    printing anything.  Values that need no conversion skip it: an unset (None) optional value,
    a string for a ``str`` option, an Enum member for its Enum option.  Everything else (a Path,
    a choice typed as text) still goes through Typer."""
    from enum import Enum

    from typer.core import _TyperParameter

    process = getattr(_TyperParameter, "process_value", None)
    if process is None or getattr(process, "_symdil", False):
        return

    def process_value(self, ctx, value):  # type: ignore[no-untyped-def]
        annotation = getattr(getattr(self, "type_descriptor", None), "annotation", None)
        plain = (value is None and not self.required and annotation is not None) or (
            annotation is str and isinstance(value, str) and not getattr(self, "multiple", 0)
        ) or (isinstance(annotation, type) and issubclass(annotation, Enum)
              and isinstance(value, annotation))
        if not plain:
            return process(self, ctx, value)
        return self.callback(ctx, self, value) if self.callback is not None else value

    process_value._symdil = True  # type: ignore[attr-defined]
    _TyperParameter.process_value = process_value  # type: ignore[method-assign]


_plain_values_without_pydantic()


def _stdout_failed(error: OSError) -> None:
    """A write to stdout failed (``> /dev/full``, a closed pipe): one line, never a traceback.
    Stdout is pointed at the null device so that the interpreter's own flush at exit does not
    fail a second time."""
    import errno
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    if error.errno == errno.EPIPE:  # the reader stopped (`symdil matrix … | head`): not an error
        sys.exit(1)
    reason = error.strerror or str(error)
    typer.echo(f"Error: cannot write to standard output: {reason}", err=True)
    sys.exit(2)


def _stop(signum: int, _frame: object) -> None:
    # a normal exit: context managers run, so a PDF compilation removes its temporary folder
    raise SystemExit(128 + signum)


def main() -> None:
    """The console script: like ``app()``, but a usage error (unknown option, missing or
    malformed value, a choice not offered) is one line ``Error: …`` with exit status 2, as every
    other invalid input is, instead of the boxed usage message.  SIGTERM and SIGHUP end the
    command cleanly (temporary files removed, nothing half-written)."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)
    try:
        status = app(standalone_mode=False, prog_name="symdil")
        sys.stdout.flush()  # here, not at exit: a full or closed stdout is reported below
    except OSError as error:
        _stdout_failed(error)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)
    except typer.TyperException as error:  # Typer's own Click: usage and parameter errors
        if type(error).__name__ == "NoArgsIsHelpError":
            error.show()  # plain `symdil`: the help text
        else:
            message = " ".join(str(error.format_message()).split())
            # Typer's value coercion prefixes its messages with pydantic's "Value error, "
            message = message.replace("Value error, ", "")
            typer.echo(f"Error: {message}", err=True)
        sys.exit(getattr(error, "exit_code", 2))
    sys.exit(status if isinstance(status, int) else 0)
