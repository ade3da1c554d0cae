"""Figures as data: cells, edges and notes placed in cell units, each naming what it shows.

A figure is built once (``window``, ``matrix``, ``stack`` modules) and then written by a format
writer (``svg``, ``tikz``); writers only translate, they never decide what is drawn.  Coordinates
are in cell units (one input sample = 1 x 1), y grows downwards.  Every cell and edge carries
``ids`` -- ``(("row", 3), ("col", 5), ("tap", 1))`` -- that the writers emit as SVG classes and
TikZ comments, so a test can read a figure back and compare it with the operator.

Labels are LaTeX math printed by ``symdil.printing`` (``a_{1}``, ``k_{0} + k_{2}``); TikZ typesets
them as they are and ``runs`` turns them into plain text runs (base, subscript, superscript) for
SVG, so both formats show the same label by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: Paul Tol's "light" qualitative palette: colour-blind safe, pale enough for black labels.  The
#: colour is a second cue only: every tap cell also carries its kernel label, so a grayscale print
#: reads the same.
TAP_COLOURS = ("77AADD", "EE8866", "EEDD88", "FFAABB", "99DDFF", "44BB99", "BBCC33", "AAAA00")
#: Named fills besides the taps.
FILLS = {
    "pad": "EEEEEE",      # padding cells (dashed border)
    "mixed": "DDDDDD",    # a matrix entry that sums several taps (folded padding)
    "out": "FFFFFF",
    "focus": "FFF3C4",    # the output being computed
    "plain": "FFFFFF",
}
INK = "222222"
GRID = "999999"


def tap_fill(tap: int) -> str:
    return f"tap{tap % len(TAP_COLOURS)}"


def colour(fill: str) -> str:
    """The RGB hex of a fill name (``tap3``, ``pad``, …)."""
    if fill.startswith("tap"):
        return TAP_COLOURS[int(fill[3:]) % len(TAP_COLOURS)]
    return FILLS[fill]


@dataclass(frozen=True)
class Label:
    """Text of a cell or note: LaTeX math (``math=True``) or a plain word."""

    text: str
    math: bool = True

    @property
    def runs(self) -> tuple[tuple[str, str, bool], ...]:
        """``(text, position, italic)`` runs; position is ``base``, ``sub`` or ``sup``."""
        if not self.math:
            return ((self.text, "base", False),)
        return tuple(_latex_runs(self.text))

    def width(self, size: float = 1.0) -> float:
        """Estimated width in ems (for layout): 0.55 em per glyph, 0.7 of that in scripts."""
        total = 0.0
        previous = None
        for text, position, _ in self.runs:
            width = len(text) * 0.55 * (0.7 if position != "base" else 1.0)
            if position == "sub" and previous is not None and previous[1] == "sup":
                width = max(0.0, width - previous[0])  # stacked under the superscript
            total += width
            previous = (width, position)
        return total * size


@dataclass(frozen=True)
class Cell:
    """A box: ``role`` says what it is (input, pad, inserted, tap, output, entry, header, …)."""

    x: float
    y: float
    w: float
    h: float
    role: str
    label: Label | None = None
    fill: str = "plain"
    dashed: bool = False
    strong: bool = False
    border: bool = True
    ids: tuple[tuple[str, Any], ...] = ()
    small: bool = False


@dataclass(frozen=True)
class Edge:
    """A line or arrow from (x1, y1) to (x2, y2)."""

    x1: float
    y1: float
    x2: float
    y2: float
    role: str
    arrow: bool = True
    ids: tuple[tuple[str, Any], ...] = ()
    dashed: bool = False
    thick: bool = False


@dataclass(frozen=True)
class Note:
    """Free text at (x, y) (its baseline centre; ``anchor`` start/middle/end)."""

    x: float
    y: float
    label: Label
    role: str = "note"
    anchor: str = "middle"
    small: bool = False


@dataclass(frozen=True)
class Figure:
    """A whole picture: its size in cell units and everything drawn, in drawing order."""

    kind: str
    width: float
    height: float
    title: str
    cells: tuple[Cell, ...] = ()
    edges: tuple[Edge, ...] = ()
    notes: tuple[Note, ...] = ()
    meta: dict = field(default_factory=dict, compare=False)


def id_tokens(ids: tuple[tuple[str, Any], ...]) -> list[str]:
    """``row-3 col-5 tap-1`` tokens (``col-none`` for a tap that meets a zero)."""
    return [f"{key}-{'none' if value is None else value}" for key, value in ids]


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
_TOKEN_RE = re.compile(r"\\([A-Za-z]+|.)|([_^])|([{}])|(\s+)|(.)", re.S)


def _latex_runs(source: str) -> list[tuple[str, str, bool]]:
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
        if value in "+-=":
            glyph = "−" if value == "-" else value
            binary = position == "base" and any(t for t, p, _ in runs if p == "base") and \
                not runs[-1][0].endswith(("(", " "))
            runs.append((f" {glyph} " if binary else glyph, position, False))
        else:
            runs.append((value, position, value.isalpha()))
        index += 1
