r"""Reading other people's LaTeX: a claimed matrix, vector or sketch checked against the operator.

Pipeline: ``tex`` (Markdown escapes, ignorable commands, displays, objects, cells) → ``cells``
(one cell → an exact entry, a blank, an elision or a non-convolution marker; the entry is read by
``entry`` into SymPy with symbols as written, ``refs``) → ``reader``
(``parse_claim``) → ``conventions`` (letters and index base) → ``sketch`` (where each written cell
lands) → ``compare`` (``compare_claim``; ``show`` writes values in the claim's own letters) →
``document`` (``check_document``: annotated displays of
a paper).  ``layouts`` gives the other ways of writing the convolution (kernel/input/output grids,
the im2col data matrix, named blocks), ``numeric`` reads a kernel written as numbers.  ``limits``
bounds what is read.

Every claim gets one verdict (``ClaimResult.verdict``): ``PASS`` (exit 0), ``FAIL`` (1: something
compared differs; ``failing_entries`` lists the wrong entries) or ``NOT CHECKED`` (3: nothing that
states the convolution could be compared).

Stage 7 of the pipeline.  May import: core, statements, render, layout, checks, stack.
"""

from .compare import compare_claim
from .document import DisplayVerdict, DocumentReport, check_document
from .errors import ClaimParseError
from .model import (
                    FAIL,
                    NOT_CHECKED,
                    PASS,
                    Claim,
                    ClaimMatrix,
                    ClaimResult,
                    Mismatch,
                    ObjectReport,
                    RowDiff,
)
from .reader import parse_claim

__all__ = ["FAIL", "NOT_CHECKED", "PASS", "Claim", "ClaimMatrix", "ClaimParseError",
           "ClaimResult", "DisplayVerdict", "DocumentReport", "Mismatch", "ObjectReport", "RowDiff",
           "check_document", "compare_claim", "parse_claim"]
