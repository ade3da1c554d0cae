"""Running the checks of one convolution into a ``VerificationReport`` (``verify_conv``).

The public ``symdil.verify`` (``symdil/verification.py``) dispatches a Conv here and a Stack to
``stack.checks``."""

from __future__ import annotations

import gc
import importlib.util
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .. import checks
from ..core.conv import Conv
from ..core.spec import SymdilError
from . import TORCH_INSTALL, CheckResult, GeneralResult, check_general, check_kronecker
from .cost import MAX_VERIFY_WORK, verify_cost_problem  # noqa: F401 (re-exported)
from .general import general_cost_problem

AGAINST = (None, "torch")


@dataclass(frozen=True)
class VerificationReport:
    """The checks that ran, in order.  ``statement``/``statement_latex``: what the general case
    proved (None when it did not run), for a document to print."""

    checks: tuple[CheckResult, ...]
    statement: str | None = None
    statement_latex: str | None = None
    claim: Any = None  # the claim's ``ClaimResult`` (``verify --claim``), its verdict first

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def exit_code(self) -> int:
        """1 when a check (or the claim) fails, else 3 when the claim could not be checked,
        else 0."""
        if not self.passed:
            return 1
        return 3 if self.claim is not None and self.claim.exit_code == 3 else 0

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(check for check in self.checks if not check.passed)

    def to_json(self) -> dict[str, Any]:
        """``{"passed": bool, "checks": [{"name", "title", "passed", "applicable", "detail",
        "detail_latex"}, ...]}`` (a dict, ready for ``json.dumps``); ``applicable: false`` marks a
        check that did not run."""
        data = {"passed": self.passed, "checks": [check.to_json() for check in self.checks]}
        if self.claim is not None:
            data = {"claim": self.claim.to_json(), "exit_code": self.exit_code, **data}
        return data


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


def verify_problem(op: Conv, against: str | None) -> str | None:
    """Why ``op`` cannot be verified (the work is over the guard, or torch is asked for and not
    installed), before any work; None when it can."""
    if op.symbolic:
        too_long = general_cost_problem(op) if op.ndim == 1 else None
    else:
        too_long = verify_cost_problem(op)
    if too_long is not None:
        return too_long
    if against == "torch" and not torch_available():
        return f"--against torch needs PyTorch, which is not installed: {TORCH_INSTALL}"
    return None


def verify_conv(op: Conv, against: str | None = None, seed: int = 0,
                extra: tuple[CheckResult, ...] = ()) -> VerificationReport:
    """Run every check on the convolution ``op`` (see ``symdil.verify``), then ``extra``."""
    problem = verify_problem(op, against)
    if problem is not None:
        raise SymdilError(problem)
    results = _run_checks(op, against, seed)
    results.extend(extra)
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
