"""``symdil check``: every annotated display of a paper (.tex or .md) checked against its op."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import check_extension, check_targets, emit, output_file, user_errors


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


def check(
    file: Annotated[Path, typer.Argument(help="A LaTeX (.tex) or Markdown (.md) file.",
                                         metavar="FILE")],
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", case_sensitive=False,
                                             help="Report format.")] = CheckFormat.text,
    output: Annotated[
        Optional[Path], typer.Option(
        "--output", "-o", parser=output_file, metavar="FILE",
        help="Write to FILE (default: stdout).")
    ] = None,
) -> None:
    """Check every display preceded by [bold]% symdil: --n 6 --kernel 2 --dilation 2[/]
    (Markdown: [bold]<!-- symdil: … -->[/]): its matrices, vectors and sketches, entry by entry.

    Each display gets one of three verdicts: PASS, FAIL (an entry compared differs; the claimed
    and the correct row are printed under it) or NOT CHECKED (nothing in it that states the
    convolution could be compared; each object says why and which option would let it be
    checked).

    Exit status: 0 every annotated display passes, 1 one fails, 3 none fails but one is NOT
    CHECKED (or the file has no annotated display), 2 a bad file, annotation or unreadable
    display.

    Examples:

    \b
      symdil check paper.tex
      symdil check notes.md --format json -o report.json
    """
    with user_errors():
        check_extension("-o/--output", output, fmt.value)
        check_targets([(output, "-o/--output")])
        from ..claims import check_document
        from ..claims.limits import read_claim_file

        text = read_claim_file(file, "FILE")
        report = check_document(text, str(file))
        if fmt is CheckFormat.json:
            rendered = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
        else:
            rendered = report.text()
        emit(rendered, output)
    if report.exit_code:
        raise typer.Exit(report.exit_code)
