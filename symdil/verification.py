"""``verify``: run the checks of one convolution (and optionally a user's claim) into a report."""

from __future__ import annotations

import gc
import importlib.util
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from . import checks
from .checks import TORCH_INSTALL, CheckResult, GeneralResult, check_general, check_kronecker
from .checks.cost import MAX_VERIFY_WORK, verify_cost_problem  # noqa: F401 (re-exported)
from .checks.general import general_cost_problem
from .conv import Conv
from .spec import SymdilError

AGAINST = (None, "torch")


@dataclass(frozen=True)
class VerificationReport:
    """The checks that ran, in order.  ``statement``/``statement_latex``: what the general case
    proved (None when it did not run), for a document to print."""

    checks: tuple[CheckResult, ...]
    statement: str | None = None
    statement_latex: str | None = None

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(check for check in self.checks if not check.passed)

    def to_json(self) -> dict[str, Any]:
        """``{"passed": bool, "checks": [{"name", "title", "passed", "applicable", "detail",
        "detail_latex"}, ...]}`` (a dict, ready for ``json.dumps``); ``applicable: false`` marks a
        check that did not run."""
        return {"passed": self.passed, "checks": [check.to_json() for check in self.checks]}


@contextmanager
def _collector_paused():
    """The instance checks allocate millions of small containers (rows, entries) and build no
    reference cycles worth collecting mid-run; pausing the cyclic collector while they run saves
    a fifth of the time (reference counting still frees everything).  Restored afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def torch_available() -> bool:
    return importlib.util.find_spec("torch") is not None


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
    if type(op).__name__ == "Stack":  # a chain of layers: its own checks (symdil.stack_checks)
        if claim_text is not None:
            raise SymdilError("a claim is compared with one convolution, not a stack")
        from .stack_checks import verify_stack

        return verify_stack(op, against=against, seed=seed)
    if op.symbolic:
        too_long = general_cost_problem(op) if op.ndim == 1 else None
    else:
        too_long = verify_cost_problem(op)
    if too_long is not None:
        raise SymdilError(too_long)
    if against == "torch" and not torch_available():
        raise SymdilError(f"--against torch needs PyTorch, which is not installed: "
                          f"{TORCH_INSTALL}")
    claim_result = None
    if claim_text is not None:
        from .claims import compare_claim, parse_claim

        # parse first: a claim that cannot be read is bad input, whatever the checks say
        claim = parse_claim(claim_text, claim_source or "<claim>")
        claim_result = compare_claim(claim, op, claim_index_base, claim_input_values)
    results = _run_checks(op, against, seed)
    if claim_result is not None:
        results.append(CheckResult("claim", claim_result.passed, claim_result.detail))
    general = next((r for r in results if isinstance(r, GeneralResult)), None)
    return VerificationReport(
        tuple(results),
        statement=general.statement if general and general.passed else None,
        statement_latex=general.statement_latex if general and general.passed else None,
    )


def _run_checks(op: Conv, against: str | None, seed: int) -> list[CheckResult]:
    results: list[CheckResult] = []
    if op.symbolic:
        results += [
            checks.check_padding_split(op, against=against, seed=seed),
            checks.check_printed_rows(op),
            check_general(op),
        ]
    else:
        # the general case (SymPy's delta sums) runs with the collector on, as everywhere else
        with _collector_paused():
            results += [
                checks.check_definition(op),
                checks.check_dilation(op),
                checks.check_stride(op),
                checks.check_transposition(op),
                checks.check_polyphase(op),
                checks.check_formulas(op),
                checks.check_padding_split(op, against=against, seed=seed),
                checks.check_printed_rows(op),
                *([check_kronecker(op)] if op.ndim > 1 else []),
            ]
        results.append(check_general(op))
        with _collector_paused():
            results.append(checks.check_numeric(op, seed=seed))
            if against == "torch":
                results.append(checks.check_numeric(op, against="torch", seed=seed))
    return results
