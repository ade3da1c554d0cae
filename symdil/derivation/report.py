"""The verification section of a derivation as plain data: the checks of ``symdil.verify`` (and
the document's statements), normalized for the templates."""

from __future__ import annotations

from typing import Any, Iterable

from ..core.spec import SymdilError


def verification_section(report: Any) -> dict:
    """The data of a verification section from a ``symdil.verify`` report (checks and the
    general-case statement as LaTeX)."""
    return {"checks": [check.to_json() for check in report.checks],
            "statement_latex": report.statement_latex}


def _not_applicable_reason(detail: str) -> str:
    """The reason a check did not run: its detail without the leading "not applicable:"."""
    reason = detail
    while reason.lower().startswith("not applicable"):
        reason = reason[len("not applicable"):].lstrip(" :")
    return reason.rstrip(".")


def _optional_text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def normalize_verification(verification: Any) -> dict | None:
    """Plain data for the template: ``{"checks": [...], "not_applicable": [...], "statement"}``.

    Each check is ``{name, passed, applicable, detail}``; ``checks`` holds the ones that ran
    (``applicable`` true, the default for data without the key), ``not_applicable`` the others,
    whose ``detail`` is the reason without its leading "not applicable:"."""
    if verification is None:
        return None

    def get(item: Any, key: str, default: Any = None) -> Any:
        if isinstance(item, dict):
            return item.get(key, default)
        return getattr(item, key, default)

    statement_math = statement_latex = None
    if isinstance(verification, (list, tuple)):
        checks_in: Iterable = verification
        statement = None
    else:
        statement_math = get(verification, "statement_math", None)
        statement_latex = get(verification, "statement_latex", None)
        checks_in = get(verification, "checks", None)
        if checks_in is None:
            raise SymdilError("verification must be a list of checks or have 'checks', got "
                              f"{type(verification).__name__}")
        statement = get(verification, "statement", None)
    checks = []
    for item in checks_in:
        name = get(item, "name")
        passed = get(item, "passed")
        applicable = get(item, "applicable", True)
        if not isinstance(name, str) or not isinstance(passed, bool):
            raise SymdilError(f"each verification check needs a str 'name' and a bool 'passed', "
                              f"got {item!r}")
        if not isinstance(applicable, bool):
            raise SymdilError(f"a verification check's 'applicable' must be a bool, got "
                              f"{applicable!r} in {name!r}")
        detail = get(item, "detail", "")
        detail = "" if detail is None else str(detail).strip()
        detail_latex = _optional_text(get(item, "detail_latex"))
        if not applicable:
            detail = _not_applicable_reason(detail)
            detail_latex = detail_latex and _not_applicable_reason(detail_latex)
        # title (a human name, plain text) and detail_latex (a sentence with inline math, symdil's
        # own LaTeX) when present; the templates fall back to the escaped name and detail
        checks.append({"name": name, "passed": passed, "applicable": applicable,
                       "detail": detail, "title": _optional_text(get(item, "title")),
                       "detail_latex": detail_latex})
    failed = [check["name"] for check in checks if not check["passed"]]
    if failed:
        raise SymdilError(f"verification failed ({', '.join(failed)}); the derivation is not "
                          "rendered with a failed check in it")
    return {"checks": [check for check in checks if check["applicable"]],
            "not_applicable": [check for check in checks if not check["applicable"]],
            "statement": None if statement is None else str(statement).strip(),
            "statement_math": None if statement_math is None else str(statement_math),
            "statement_latex": None if statement_latex is None else str(statement_latex),
            "passed": True}
