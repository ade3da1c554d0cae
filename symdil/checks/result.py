"""The record every check returns, and the small helpers that build one.

A ``CheckResult`` is plain data: the machine ``name`` (JSON, the CLI table), ``passed``,
``applicable``, the plain-text ``detail`` (evidence or the first problem found), and for documents a
human ``title`` ("Dilation identity") and ``detail_latex``: one sentence with inline ``$…$`` math,
written by symdil from numbers and symbols it built itself -- never from user text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

#: Human names of the checks, by machine name (documents print these; JSON keeps the machine name).
TITLES = {
    "definition": "Definition",
    "dilation_identity": "Dilation identity",
    "stride_identity": "Stride identity",
    "transposition": "Transposition",
    "polyphase": "Polyphase form",
    "formulas": "Formulas against counts",
    "padding_split": "Padding split",
    "printed_rows": "Printed rows",
    "kronecker": "Kronecker identity",
    "general_case": "General case",
    "numeric": "Numeric cross-check",
    "numeric_torch": "PyTorch cross-check",
    "claim": "Claim",
}

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}


def escape_text(text: str) -> str:
    """Plain ASCII text as LaTeX prose (every TeX special character typeset literally); a
    character outside ASCII is written as ``U+XXXX`` rather than passed to TeX."""
    out = []
    for char in text:
        if char in _LATEX_SPECIALS:
            out.append(_LATEX_SPECIALS[char])
        elif 32 <= ord(char) < 127:
            out.append(char)
        elif char in "\t\n\r":
            out.append(" ")
        else:
            out.append(f"U+{ord(char):04X}")
    return "".join(out)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.  ``applicable=False`` marks a check that did not run (``passed`` is
    then True and ``detail`` starts with "not applicable:"), so a report never passes silently.

    ``title`` defaults to the human name of ``name`` (``TITLES``); ``detail_latex`` to the plain
    ``detail`` escaped as LaTeX prose (passing checks write a typeset sentence instead)."""

    name: str
    passed: bool
    detail: str
    applicable: bool = True
    title: str | None = None
    detail_latex: str | None = None

    def __post_init__(self) -> None:
        if self.title is None:
            base = self.name
            object.__setattr__(self, "title", TITLES.get(base, base.replace("_", " ").capitalize()))
        if self.detail_latex is None:
            object.__setattr__(self, "detail_latex", escape_text(self.detail))

    def to_json(self) -> dict[str, Any]:
        """``{name, title, passed, applicable, detail, detail_latex}``; a check that did not run
        has ``applicable: false`` (and ``passed: true``: it failed nothing)."""
        return {"name": self.name, "title": self.title, "passed": self.passed,
                "detail": self.detail, "detail_latex": self.detail_latex,
                "applicable": self.applicable}


def not_applicable(name: str, reason: str, reason_latex: str | None = None) -> CheckResult:
    """A check that did not run, and why: ``detail`` starts with "not applicable:",
    ``detail_latex`` is the reason alone (``reason_latex``: typeset, if it has math)."""
    latex = reason_latex if reason_latex is not None else escape_text(reason)
    return CheckResult(name, True, f"not applicable: {reason}", applicable=False,
                       detail_latex=latex)


def symbolic_guard(name: str, op: Any) -> CheckResult | None:
    """The instance checks need a concrete operator: not applicable for a symbolic n."""
    if op.symbolic:
        return not_applicable(name, f"n = {op.axes[0].n} is symbolic; see the general case",
                              "$n$ is symbolic; see the general case")
    return None


def fail_or_pass(name: str, problems: list[str], evidence: str,
                 evidence_latex: str | None = None) -> CheckResult:
    if problems:
        return CheckResult(name, False, "; ".join(problems))
    return CheckResult(name, True, evidence, detail_latex=evidence_latex)


def shape_mismatch(name: str, op: Any, shape: tuple[int, int]) -> CheckResult | None:
    if shape != op.shape:
        return CheckResult(name, False, f"shape {shape[0]}x{shape[1]} differs from the "
                                        f"operator's {op.shape[0]}x{op.shape[1]}")
    return None


def along(op: Any, texts: Sequence[str], latex: bool = False) -> str:
    """Per-axis phrases: the phrase itself in 1-D, 'axis 0: ... | axis 1: ...' in N-D."""
    if op.ndim == 1:
        return texts[0]
    separator = "; " if latex else " | "
    return separator.join(f"axis {a}: {text}" for a, text in enumerate(texts))


def plural(count: int, one: str, many: str) -> str:
    """`one` for a count of 1, `many` otherwise (the number itself is the caller's)."""
    return one if count == 1 else many
