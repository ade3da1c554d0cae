"""LaTeX math labels as plain text runs (base, subscript, superscript), for SVG and HTML titles.

Reads the small subset of LaTeX symdil's printer emits for labels (``a_{1}``, ``k_{0} + k_{2}``,
``\\frac``, Greek letters, dots); anything else raises ``ValueError``.
"""

from __future__ import annotations

import re

#: Paul Tol's "light" qualitative palette: colour-blind safe, pale enough for black labels.  The
#: colour is a second cue only: every tap cell also carries its kernel label, so a grayscale print
#: reads the same.


# --------------------------------------------------------------------------------------------
# LaTeX math -> text runs (for SVG): the small subset symdil's printer emits for labels
# --------------------------------------------------------------------------------------------

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "omicron": "ο", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ",
    "phi": "ϕ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
_SYMBOLS = {"cdot": "·", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "ldots": "…", "times": " × ",
            "dots": "…", "infty": "∞", "to": "→", "quad": " ", "qquad": "  ", ",": " ", " ": " ",
            ";": " ", ":": " ", "!": "", "colon": ":", "le": "≤", "ge": "≥", "in": "∈",
            "mapsto": "↦", "bmod": " mod ", "mid": "|"}
_SPACING = {"left", "right", "mathrm", "mathit", "displaystyle", "textstyle"}
#: Accents a symbol name may carry (``core.spec.ACCENTS``) as combining characters.
_ACCENTS = {"tilde": "\u0303", "widetilde": "\u0303", "hat": "\u0302", "widehat": "\u0302",
            "bar": "\u0304", "overline": "\u0305", "check": "\u030c", "breve": "\u0306",
            "dot": "\u0307", "ddot": "\u0308", "vec": "\u20d7", "acute": "\u0301",
            "grave": "\u0300", "mathring": "\u030a"}
_TOKEN_RE = re.compile(r"\\([A-Za-z]+|.)|([_^])|([{}])|(\s+)|(.)", re.S)


def latex_runs(source: str) -> list[tuple[str, str, bool]]:
    """Split a label's LaTeX into runs.  ``\\frac{a}{b}`` reads ``a/b``; ``-`` becomes ``−``;
    binary ``+``/``-`` get spaces.  Anything else outside the subset raises ValueError, so a
    label SVG cannot show is found by the tests rather than drawn wrong."""
    runs: list[tuple[str, str, bool]] = []
    _parse(_tokens(source), 0, "base", runs)
    merged: list[tuple[str, str, bool]] = []
    for text, position, italic in runs:
        if merged and merged[-1][1:] == (position, italic):
            merged[-1] = (merged[-1][0] + text, position, italic)
        elif text:
            merged.append((text, position, italic))
    return merged


def _tokens(source: str) -> list[tuple[str, str]]:
    out = []
    for match in _TOKEN_RE.finditer(source):
        command, script, brace, space, char = match.groups()
        if command is not None:
            out.append(("cmd", command))
        elif script:
            out.append(("script", script))
        elif brace:
            out.append(("brace", brace))
        elif space:
            continue
        else:
            out.append(("char", char))
    return out


def _group(tokens: list[tuple[str, str]], start: int) -> tuple[list[tuple[str, str]], int]:
    """The tokens of a braced group (or a single token) starting at ``start``."""
    if tokens[start] != ("brace", "{"):
        return [tokens[start]], start + 1
    depth = 0
    for index in range(start, len(tokens)):
        if tokens[index] == ("brace", "{"):
            depth += 1
        elif tokens[index] == ("brace", "}"):
            depth -= 1
            if depth == 0:
                return tokens[start + 1:index], index + 1
    raise ValueError("unbalanced braces in a label")


def _parse(tokens: list[tuple[str, str]], start: int, position: str,
           runs: list[tuple[str, str, bool]]) -> None:
    index = 0
    tokens = tokens[start:]
    while index < len(tokens):
        kind, value = tokens[index]
        if kind == "script":
            group, index = _group(tokens, index + 1)
            _parse(group, 0, "sub" if value == "_" else "sup", runs)
            continue
        if kind == "brace":
            if value == "{":
                group, index = _group(tokens, index)
                _parse(group, 0, position, runs)
                continue
            raise ValueError("unbalanced braces in a label")
        if kind == "cmd":
            if value in _ACCENTS:  # \tilde{x}: the letter and a combining accent
                group, index = _group(tokens, index + 1)
                before = len(runs)
                _parse(group, 0, position, runs)
                if len(runs) > before:
                    text, where, italic = runs[-1]
                    runs[-1] = (text + _ACCENTS[value], where, italic)
                continue
            if value == "frac":
                numerator, index = _group(tokens, index + 1)
                denominator, index = _group(tokens, index)
                _parse(numerator, 0, position, runs)
                runs.append(("/", position, False))
                _parse(denominator, 0, position, runs)
                continue
            if value in _GREEK:
                runs.append((_GREEK[value], position, value[0].islower()))
            elif value in _SYMBOLS:
                runs.append((_SYMBOLS[value], position, False))
            elif value in _SPACING:
                pass
            else:
                raise ValueError(f"label command \\{value} has no SVG form")
            index += 1
            continue
        if value == "'":  # a prime (w'), as typeset
            runs.append(("′", position, False))
            index += 1
            continue
        if value in "+-=":
            glyph = "−" if value == "-" else value
            binary = position == "base" and any(t for t, p, _ in runs if p == "base") and \
                not runs[-1][0].endswith(("(", " "))
            runs.append((f" {glyph} " if binary else glyph, position, False))
        else:
            runs.append((value, position, value.isalpha()))
        index += 1
