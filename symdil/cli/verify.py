"""``symdil verify``: prove the operator's identities, check a claim, cross-check numerically."""

from __future__ import annotations

import io
import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..core.errors import SymdilError
from . import options as o
from .common import check_extension, check_targets, emit, output_file, user_errors

if TYPE_CHECKING:  # imported when the command runs, so that --help stays fast
    from ..checks.verify import VerificationReport
    from ..core.conv import Conv


class VerifyFormat(str, Enum):
    text = "text"
    json = "json"


class Against(str, Enum):
    torch = "torch"


class IndexBase(str, Enum):
    zero = "0"
    one = "1"


def report_text(report: VerificationReport, width: int | None = None,
                colour: bool = False) -> str:
    """The claim's verdict first (with ``--claim``), then a rich table, one row per check: name,
    PASS/FAIL/n/a and the evidence.  ``width``: the table's width (default 120 columns);
    ``colour``: PASS/FAIL in colour (for a terminal)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="symdil verify", show_lines=True)
    table.add_column("check", no_wrap=True)
    table.add_column("result", no_wrap=True)
    table.add_column("evidence")
    for check in report.checks:
        if check.name == "claim" and report.claim is not None:
            status = _VERDICT_STYLE[report.claim.verdict]
        elif not check.applicable:
            status = "[yellow]n/a[/]"
        else:
            status = "[green]PASS[/]" if check.passed else "[bold red]FAIL[/]"
        table.add_row(escape(check.name), status, escape(check.detail))
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 120, force_terminal=colour,
                      color_system="standard" if colour else None, highlight=False,
                      soft_wrap=False)
    if report.claim is not None:
        verdict, rest = report.claim.summary().split(" — ", 1)
        name, word = verdict.split(": ", 1)
        console.print(f"{name}: {_VERDICT_STYLE[word]} — {escape(rest)}")
        for obj in report.claim.objects:
            for row in obj.rows:
                for line in row.lines():
                    console.print("  " + escape(line))
    console.print(table)
    verdict = "all checks passed" if report.passed else \
        f"{len(report.failed)} check(s) failed: {', '.join(c.name for c in report.failed)}"
    console.print(verdict)
    return buffer.getvalue()


_VERDICT_STYLE = {"PASS": "[green]PASS[/]", "FAIL": "[bold red]FAIL[/]",
                  "NOT CHECKED": "[yellow]NOT CHECKED[/]"}


def terminal() -> tuple[int, bool]:
    """The width of the terminal (``COLUMNS``, else 120 when not a terminal) and whether stdout
    is one that shows colour (not with ``NO_COLOR``)."""
    import os
    import shutil
    import sys

    width = shutil.get_terminal_size(fallback=(120, 24)).columns
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return max(width, 40), colour


def _read_claim(path: Path) -> str:
    from ..claims.limits import read_claim_file

    return read_claim_file(path, "--claim")


@o.conv_command
def verify(
    op: Conv,
    against: Annotated[
        Optional[Against],
        typer.Option("--against", help="Also compare numerically with PyTorch "
                                       "(the [bold]\\[torch][/] extra, see README)."),
    ] = None,
    claim: Annotated[
        Optional[Path],
        typer.Option("--claim", help="A LaTeX or Markdown file with your display: every matrix, "
                                     "input and output vector (sketches with \\cdots/\\vdots "
                                     "too) checked entry by entry."),
    ] = None,
    index_base: Annotated[
        Optional[IndexBase],
        typer.Option("--index-base", help="Indices of the claim start at 0 or 1 (default: "
                                          "detect, and say which)."),
    ] = None,
    input_values: Annotated[
        Optional[str],
        typer.Option("--input-values", help="Numbers for the inputs (e.g. [bold]2,-1,3[/]), so "
                                            "that numeric columns of the claim can be checked."),
    ] = None,
    fmt: Annotated[VerifyFormat, typer.Option("--format", "-f", case_sensitive=False,
                                              help="Report format.")] = (
        VerifyFormat.text
    ),
    output: Annotated[
        Optional[Path], typer.Option(
        "--output", "-o", parser=output_file, metavar="FILE",
        help="Write to FILE (default: stdout).")
    ] = None,
) -> None:
    """Verify a convolution: definition, identities, general case, numeric cross-check.

    Exit status: 0 every check passes (and the claim: PASS), 1 a check fails or the claim is
    wrong (FAIL: an entry compared differs), 3 the claim is NOT CHECKED (nothing in it that
    states the convolution could be compared; each object says why and which option would let
    it be checked), 2 bad arguments or an unparsable claim.  With [bold]--claim[/] the first
    line is the claim's verdict.

    Examples:

    \b
      symdil verify --n 12 --kernel 3 --stride 2 --dilation 2 --padding same
      symdil verify --n n --kernel 3 --dilation 2 --stride 2  # every n
      symdil verify --n 6 --kernel 2 --dilation 2 --claim my_matrix.tex
    """
    from ..verification import verify as run_verify

    with user_errors():
        check_extension("-o/--output", output, fmt.value)
        check_targets([(output, "-o/--output")])
        claim_text = _read_claim(claim) if claim is not None else None
        from ..claims.document import parse_values

        values = parse_values(input_values) if input_values is not None else None
        if claim is None and (values is not None or index_base is not None):
            raise SymdilError("--index-base and --input-values apply to a --claim; give --claim")
        report = run_verify(op, against=against.value if against else None,
                            claim_text=claim_text,
                            claim_source=str(claim) if claim is not None else None,
                            claim_index_base=int(index_base.value) if index_base else None,
                            claim_input_values=values)
        if fmt is VerifyFormat.json:
            text = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
        elif output is None:
            width, colour = terminal()
            text = report_text(report, width, colour)
        else:
            text = report_text(report)
        emit(text, output)
    if report.exit_code:
        raise typer.Exit(report.exit_code)
