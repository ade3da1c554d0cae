"""The public ``verify``: a ``Conv`` runs the checks (``checks.verify``), a ``Stack`` its own
(``stack.checks``), and a claim -- LaTeX written by an author -- is compared entry by entry
(``claims``) and reported beside them.  It sits above those stages because it joins them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .checks import CheckResult
from .checks.verify import AGAINST, VerificationReport, verify_conv, verify_problem
from .core.conv import Conv
from .core.spec import SymdilError

__all__ = ["VerificationReport", "verify"]


def verify(op: Conv, against: str | None = None, claim_text: str | None = None,
           claim_source: str | None = None, seed: int = 0, claim_index_base: int | None = None,
           claim_input_values: Any = None) -> VerificationReport:
    """Run every check on ``op``.

    Concrete n: definition, dilation identity, stride identity, transposition, polyphase,
    formulas, padding split, printed rows, the Kronecker identity (2-D and up only; not
    applicable with channels or a padding mode other than zeros), the general case (for the same
    parameters with n symbolic), numeric (NumPy), then PyTorch with ``against="torch"``.
    A ``Stack`` runs ``symdil.stack_checks.verify_stack`` instead (product, receptive field,
    single convolution, numeric).  Symbolic n: padding split, printed rows and the general case
    (the instance checks need a concrete operator).  ``claim_text``: LaTeX written by an author,
    compared entry by entry (``symdil.claims``); a claim that cannot be parsed raises
    ``ClaimParseError``; ``claim_index_base`` (0, 1 or None: detect) and ``claim_input_values``
    (numbers for numeric columns) are passed to ``compare_claim``.  Raises ``SymdilError`` for an
    unknown ``against`` or when torch is requested but not installed, and, before any work, when
    the checks would take more than about a minute (``checks.cost``: the work is proportional to
    the operator's entries; for symbolic n, the proof's delta sums).
    """
    if against not in AGAINST:
        raise SymdilError(f"against must be None or 'torch', got {against!r}")
    if not isinstance(op, Conv) and type(op).__name__ != "Stack":
        raise SymdilError(f"verify needs a symdil.Conv or symdil.Stack, got {type(op).__name__}")
    if type(op).__name__ == "Stack":  # a chain of layers: its own checks (symdil.stack.checks)
        if claim_text is not None:
            raise SymdilError("a claim is compared with one convolution, not a stack")
        from .stack.checks import verify_stack

        return verify_stack(op, against=against, seed=seed)
    problem = verify_problem(op, against)
    if problem is not None:
        raise SymdilError(problem)
    extra: tuple[CheckResult, ...] = ()
    if claim_text is not None:
        from .claims import compare_claim, parse_claim

        # parse first: a claim that cannot be read is bad input, whatever the checks say
        claim = parse_claim(claim_text, claim_source or "<claim>")
        result = compare_claim(claim, op, claim_index_base, claim_input_values)
        checked = result.verdict != "NOT CHECKED"
        extra = (CheckResult("claim", result.verdict != "FAIL",
                             result.detail if checked else "not checked: " + result.detail,
                             applicable=checked),)
        return replace(verify_conv(op, against, seed, extra), claim=result)
    return verify_conv(op, against, seed, extra)
