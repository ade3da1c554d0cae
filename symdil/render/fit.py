"""Displays made to fit a line: a formula wider than the width is broken at its top-level
relations (``=``, ``\\le``, …), then at its top-level ``+``/``-``, into ``aligned`` lines."""

from __future__ import annotations

import re

from .measure import display_width as estimated_width

_RELATIONS = ("=", r"\le", r"\ge", r"\leq", r"\geq", r"\approx", r"\equiv", "<", ">")
_COMMAND = re.compile(r"\\[A-Za-z]+|\\.")
_PREFIX = re.compile(r"\A(\s*\\setlength\{[^{}]*\}\{[^{}]*\}\s*)")


def _tokens(tex: str) -> list[tuple[str, int]]:
    """``(token, depth)`` pairs: a command, a character; depth counts braces, parentheses,
    ``\\left``/``\\right`` and ``\\begin``/``\\end`` (0 = top level: a line never breaks
    inside a parenthesis)."""
    out: list[tuple[str, int]] = []
    depth = 0
    index = 0
    while index < len(tex):
        match = _COMMAND.match(tex, index)
        token = match.group(0) if match else tex[index]
        index += len(token)
        if token in ("{", "(", r"\left", r"\begin"):
            out.append((token, depth))
            depth += 1
            continue
        if token in ("}", ")", r"\right", r"\end"):
            depth -= 1
            out.append((token, depth))
            continue
        out.append((token, depth))
    return out


def _split(tex: str, kinds: str) -> list[tuple[str, str]]:
    """``[(separator, piece), …]`` at the top-level ``kinds`` (``rel``: relations and
    ``\\qquad``; ``bin``: binary ``+``/``-``; ``product``: the thin space between factors);
    the first separator is empty."""
    pieces: list[tuple[str, str]] = [("", "")]
    previous = ""
    for token, depth in _tokens(tex):
        if depth == 0:
            is_rel = kinds == "rel" and (token in _RELATIONS or token == r"\qquad")
            is_bin = (kinds == "product" and token == r"\,") or (
                      kinds == "bin" and token in "+-" and token
                      and previous not in ("", "=", "(", "[", "{", ",", "+", "-", "&")
                      and previous not in _RELATIONS)
            if (is_rel or is_bin) and pieces[-1][1].strip():
                pieces.append((token, ""))
                previous = token
                continue
        separator, piece = pieces[-1]
        pieces[-1] = (separator, piece + token)
        if not token.isspace():
            previous = token
    return [(separator, piece.strip()) for separator, piece in pieces]


def _join(separator: str, piece: str) -> str:
    return f"{separator} {piece}" if separator else piece


def fit_display(tex: str, width: float) -> str:
    """``tex`` (one display's body) as it is when its estimated width fits ``width`` points,
    else broken into ``aligned`` lines at top-level relations and then at ``+``/``-``.  A body
    that already has lines (``aligned``, ``\\\\``) or cannot be broken is returned as it is."""
    prefix_match = _PREFIX.match(tex)
    prefix = prefix_match.group(1) if prefix_match else ""
    body = tex[len(prefix):].strip()
    if prefix or r"\begin{aligned}" in body or estimated_width(body) <= width or any(
            token == "\\\\" and depth == 0 for token, depth in _tokens(body)):
        return tex
    pieces = _split(body, "rel")
    if len(pieces) < 2:
        return tex
    lhs = pieces[0][1]
    # a wide left side has a line of its own, the rest indented under it
    alone = estimated_width(lhs) > width / 2
    room = width - (estimated_width(r"\quad") if alone else estimated_width(lhs))
    lines: list[str] = []
    for separator, piece in pieces[1:]:
        text = _join(separator, piece)
        if lines and estimated_width(lines[-1] + " " + text) <= room:
            lines[-1] += " " + text
            continue
        if estimated_width(text) <= room:
            lines.append(text)
            continue
        # one side wider than the line: its terms, continued after a \quad (a product too
        # wide for a line continues at its thin space with a \cdot)
        terms = []
        for term_sep, term in _split(piece, "bin"):
            factors = _split(term, "product")
            if len(factors) > 1 and estimated_width(_join(term_sep, term)) > room:
                terms.append((term_sep, factors[0][1]))
                terms += [(r"\cdot", factor) for _, factor in factors[1:]]
            else:
                terms.append((term_sep, term))
        line = separator
        for term_sep, term in terms:
            addition = _join(term_sep, term)
            if line.strip() and line != separator and estimated_width(
                    line + " " + addition) > room:
                lines.append(line)
                line = r"\quad " + addition
            else:
                line = (line + " " + addition).strip()
        lines.append(line)
    if len(lines) < 2 and not (alone and lines):  # nothing to break at: as it is
        return tex
    if alone:
        body_lines = ["&" + lhs] + ["&\\quad " + line for line in lines]
    else:
        body_lines = [lhs + " &" + lines[0]] + ["&" + line for line in lines[1:]]
    return (prefix + "\\begin{aligned}\n" + " \\\\\n".join(body_lines) + "\n\\end{aligned}\n")


_LATEX_DISPLAY_RE = re.compile(r"(\\\[\n)(.*?)(\\\])", re.S)
_DOLLAR_DISPLAY_RE = re.compile(r"(\$\$\n?)(.*?)(\$\$)", re.S)
#: ``\\arraycolsep`` set inside a display: LaTeX only (KaTeX and latex2mathml do not read it).
_SETLENGTH_RE = re.compile(r"\\setlength\{\\arraycolsep\}\{[^{}]*\}\s*")


def fit_displays(text: str, fmt: str, width: float) -> str:
    """Every display of a rendered document (``\\[ … \\]`` in LaTeX, ``$$ … $$`` in Markdown
    and HTML) made to fit ``width`` points with ``fit_display``; outside LaTeX the column
    spacing commands are dropped."""
    if fmt == "latex":
        return _LATEX_DISPLAY_RE.sub(
            lambda m: m.group(1) + _fit_lines(m.group(2), width) + m.group(3), text)

    def one(match: re.Match) -> str:
        body = _SETLENGTH_RE.sub("", match.group(2))
        return match.group(1) + _fit_lines(body, width) + match.group(3)

    return _DOLLAR_DISPLAY_RE.sub(one, text)


def _fit_lines(body: str, width: float) -> str:
    fitted = fit_display(body, width)
    return fitted if fitted.endswith("\n") or not body.endswith("\n") else fitted + "\n"
