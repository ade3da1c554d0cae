r"""Reading other people's LaTeX: a claimed matrix, vector or sketch checked against the operator.

Pipeline: ``tex`` (Markdown escapes, ignorable commands, displays, objects, cells) → ``cells``
(one cell → an exact entry, a blank, an elision or a non-convolution marker; the entry is read by
``entry`` into SymPy with symbols as written, ``refs``) → ``reader``
(``parse_claim``) → ``conventions`` (letters and index base) → ``sketch`` (where each written cell
lands) → ``compare`` (``compare_claim``; ``show`` writes values in the claim's own letters) →
``document`` (``check_document``: annotated displays of
a paper).  ``limits`` bounds what is read.

Stage 7 of the pipeline.  May import: core, statements, render, layout, checks, stack.
"""

from .compare import compare_claim
from .document import DisplayVerdict, DocumentReport, check_document
from .errors import ClaimParseError
from .model import Claim, ClaimMatrix, ClaimResult, Mismatch, ObjectReport
from .reader import parse_claim

__all__ = ["Claim", "ClaimMatrix", "ClaimParseError", "ClaimResult", "DisplayVerdict",
           "DocumentReport", "Mismatch", "ObjectReport", "check_document", "compare_claim",
           "parse_claim"]
