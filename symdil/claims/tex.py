r"""Reading the TeX around the cells: Markdown escapes, ignorable commands, displays, matrix
objects and their cells.

Every transformation keeps the text's length, so a position in the cleaned text is the author's
``line:column``.  Objects are ``\begin{bmatrix}`` … (and p/B/v/V/small/``array``) environments and
plain-TeX ``\matrix{… \cr …}`` / ``\pmatrix{…}`` / ``\bmatrix{…}``; a display is ``\[ … \]``,
``$$ … $$``, ``\( … \)``, inline ``$ … $`` or an equation-like environment.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .cells import BLANK, ELISIONS, GAP, Cell, CellError, classify
from .errors import ClaimParseError
from .limits import MAX_CELLS

_MATRIX_ENVS = r"[pbBvV]?matrix\*?|smallmatrix|array|darray"
_BEGIN_RE = re.compile(r"\\begin\s*\{(?P<env>" + _MATRIX_ENVS + r")\}")
_PLAIN_RE = re.compile(r"\\(?P<env>[pbv]?matrix)\s*\{")
_DISPLAY_ENVS = r"equation|align|gather|multline|eqnarray|displaymath|math|flalign|alignat"
_DISPLAY_RE = re.compile(
    r"\\\[(?P<a>.*?)\\\]|\$\$(?P<b>.*?)\$\$|\\\((?P<c>.*?)\\\)"
    r"|\\begin\s*\{(?P<env>(?:" + _DISPLAY_ENVS + r")\*?)\}(?P<d>.*?)\\end\s*\{(?P=env)\}"
    r"|(?<![\\$])\$(?P<e>[^$]+?)(?<!\\)\$(?!\$)",  # inline $…$ (a matrix in running text)
    re.S)
_COLOUR_BODY_RE = re.compile(
    r"\s*(?:\\(?:cellcolor|rowcolor|columncolor|color)\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}\s*)+")
_NEWCOMMAND_RE = re.compile(
    r"\\(?:newcommand|renewcommand|providecommand)\*?\s*\{?\s*\\(?P<name>[A-Za-z]+)\s*\}?"
    r"(?:\s*\[\d\])?\s*\{(?P<body>(?:[^{}]|\{[^{}]*\})*)\}"
    r"|\\def\s*\\(?P<dname>[A-Za-z]+)\s*\{(?P<dbody>(?:[^{}]|\{[^{}]*\})*)\}")
_IGNORED = [
    r"(?<!\\)%[^\n]*", r"<!--.*?-->",
    r"\\(?:hline|hdashline|toprule|midrule|bottomrule|noalign\s*\{[^{}]*\})",
    r"\\(?:cline|cmidrule)\s*(?:\([^)]*\))?\s*\{[^}]*\}",
    r"\\(?:cellcolor|rowcolor|columncolor|color|pagecolor)\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}",
    r"\\(?:textcolor|colorbox)\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}",
    r"\\fcolorbox\s*\{[^{}]*\}\s*\{[^{}]*\}",
    r"\\definecolor\s*\{[^{}]*\}\s*\{[^{}]*\}\s*\{[^{}]*\}",
    r"\\renewcommand\s*\{?\\arraystretch\}?\s*\{[^{}]*\}",
    r"\\setlength\s*\{?\\[A-Za-z]+\}?\s*\{[^{}]*\}",
    r"\\(?:[,;:!>]|q?quad(?![A-Za-z])|displaystyle|textstyle|mathstrut|strut|smash"
    r"|underbrace|overbrace|boxed|tag\s*\{[^{}]*\}|label\s*\{[^{}]*\}|nonumber|notag)",
    r"\\(?:h|v)space\*?\s*\{[^{}]*\}", r"~",
    r"\\rule\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}\s*\{[^{}]*\}", r"\\(?:vrule|hfill|hfil)(?![A-Za-z])",
]


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match[0])


def unescape_markdown(text: str) -> str:
    r"""Undo kramdown/Jekyll escaping (``\\\\`` for a row end ``\\``, ``\\[`` for ``\[``, ``\_``
    for ``_``), keeping every character's position (the freed characters become spaces)."""
    if "\\\\\\\\" in text:
        text = text.replace("\\\\\\\\", "\\\\  ")
        text = re.sub(r"\\\\([\[\]()])", r" \\\1", text)
    text = re.sub(r"(?<!\\)\\([_*])", r"\1 ", text)
    return text


def colour_macros(text: str) -> set[str]:
    r"""Names of one-word macros the file defines as colour commands (``\newcommand\z{\cellcolor
    {blue!10}}``): they are ignored like ``\cellcolor`` itself."""
    names = set()
    for match in _NEWCOMMAND_RE.finditer(text):
        body = match["body"] if match["name"] else match["dbody"]
        if _COLOUR_BODY_RE.fullmatch(body or ""):
            names.add(match["name"] or match["dname"])
    return names


def clean(text: str, markdown: bool = False) -> str:
    """The text with comments, rules, colours, spacing and colour macros blanked (same length)."""
    if markdown or "\\\\\\\\" in text:
        text = unescape_markdown(text)
    macros = colour_macros(text)
    text = _NEWCOMMAND_RE.sub(_blank, text)
    patterns = list(_IGNORED)
    if macros:
        patterns.append(r"\\(?:" + "|".join(sorted(macros)) + r")(?![A-Za-z])")
    return re.compile("|".join(patterns), re.S).sub(_blank, text)


_LINE_STARTS: dict[int, tuple[str, list[int]]] = {}


def line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of offset ``pos`` (line starts are computed once per text)."""
    cached = _LINE_STARTS.get(id(text))
    if cached is None or cached[0] is not text:
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        _LINE_STARTS.clear()  # one text at a time: no unbounded cache
        _LINE_STARTS[id(text)] = cached = (text, starts)
    starts = cached[1]
    line = bisect.bisect_right(starts, pos)
    return line, pos - starts[line - 1] + 1


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    inline: bool = False  # $…$ in running text


def displays(cleaned: str) -> list[Span]:
    """The display-math spans, in order (the content between the delimiters)."""
    spans = []
    for match in _DISPLAY_RE.finditer(cleaned):
        group = next(g for g in ("a", "b", "c", "d", "e") if match[g] is not None)
        spans.append(Span(match.start(group), match.end(group), group == "e"))
    return spans


@dataclass(frozen=True)
class RawObject:
    """A matrix object as found: where it starts and ends, its environment and cells."""

    environment: str
    start: int
    end: int
    rows: tuple[tuple[Cell, ...], ...]
    transposed: bool
    note: str  # why it is not part of the convolution ("" when it may be)
    error: str = ""  # why it cannot be read (lenient reading only)


def find_objects(text: str, cleaned: str, source: str, strict: bool = True) -> list[RawObject]:
    """Every matrix object of the text, outermost ones only (inner ones of a block matrix are
    part of the outer object, which is then marked as not checkable)."""
    found = []
    for match in _BEGIN_RE.finditer(cleaned):
        env = match["env"]
        body, end, close = _environment_body(cleaned, match, env, text, source)
        found.append((match.start(), close, env, body, end, False))
    for match in _PLAIN_RE.finditer(cleaned):
        open_brace = match.end() - 1
        close = _matching_brace(cleaned, open_brace)
        if close < 0:
            line, column = line_col(text, match.start())
            raise ClaimParseError(f"{source}:{line}:{column}: \\{match['env']}{{ is not closed")
        found.append((match.start(), close + 1, match["env"], open_brace + 1, close, True))
    found.sort()
    objects, total_cells, outer_end = [], 0, -1
    for start, close, env, body, end, plain in found:
        if start < outer_end:
            continue  # inside a block matrix already recorded
        outer_end = close
        nested = _BEGIN_RE.search(cleaned, body, end) or _PLAIN_RE.search(cleaned, body, end)
        rows = _split(cleaned, body, end, plain)
        total_cells += sum(len(row) for row in rows)
        if total_cells > MAX_CELLS:
            line, column = line_col(text, start)
            raise ClaimParseError(f"{source}:{line}:{column}: the claim has more than "
                                  f"{MAX_CELLS:,} cells; a claim this large is refused")
        transposed = bool(_TRANSPOSED_RE.match(cleaned, close, close + 80))
        superscript = None if transposed else _SUPERSCRIPT_RE.match(cleaned, close)
        if superscript:
            mark = superscript.group(1)[:40]
            objects.append(RawObject(env, start, close, (), False,
                                     f"it carries a superscript symdil does not read ({mark})"))
            continue
        if nested:
            objects.append(RawObject(env, start, close, (), transposed,
                                     "it holds nested matrices (a block matrix)"))
            continue
        try:
            cells = _cells(text, cleaned, rows, source, env, start)
        except ClaimParseError as error:
            if strict:
                raise
            objects.append(RawObject(env, start, close, (), transposed, "", str(error)))
            continue
        objects.append(RawObject(env, start, close, cells, transposed, ""))
    return _joined(cleaned, objects)


#: After a matrix: ``^T``, ``^{\top}``, ``^{\mathsf{T}}``, ``^{\rm T}``,
#: ``^{\mkern-1.5mu\mathsf{T}}``, ``^{\operatorname{T}}``, ``^{\scriptscriptstyle T}``,
#: ``^\prime``, ``'``…  (spacing and style commands around the letter are read past; the letter
#: itself must be T, \top or \intercal)
_MARK_SPACE = (r"(?:\s|\\mkern\s*-?[0-9.]+\s*mu|\\[!,;:]|"
               r"\\(?:scriptscriptstyle|scriptstyle|textstyle|displaystyle)(?![A-Za-z]))*")
_MARK_LETTER = r"(?:T(?![A-Za-z])|\\top(?![A-Za-z])|\\intercal(?![A-Za-z]))"
_MARK_FONT = (r"\\(?:mathsf|mathrm|mathit|mathbf|mathtt|text|textsf|textrm|textit|operatorname|"
              r"boldsymbol|bm)")
TRANSPOSE_MARK = (r"\s*(?:\^\s*\{?" + _MARK_SPACE + r"(?:" + _MARK_LETTER
                  + r"|" + _MARK_FONT + r"\s*\{" + _MARK_SPACE + _MARK_LETTER + _MARK_SPACE + r"\}"
                  + r"|" + _MARK_FONT + r"\s+T(?![A-Za-z])"
                  + r"|\{?\s*\\(?:rm|sf|it|bf|mathrm|mathsf)\s*T(?![A-Za-z])))")
_TRANSPOSED_RE = re.compile(r"\s*(?:\\right\s*[)\]|.]\s*)?(?:" + TRANSPOSE_MARK
                            + r"|\s*\^\s*\{?\s*\\prime(?![A-Za-z])|\s*')")
#: Any other superscript right after a matrix (``^{-1}``, ``^{2}``, a mark not read above): the
#: object is then not the matrix as written, so it is skipped (never compared as if unmarked).
_SUPERSCRIPT_RE = re.compile(r"\s*(?:\\right\s*[)\]|.]\s*)?(\^\s*(?:\{(?:[^{}]|\{[^{}]*\})*\}"
                             r"|\\[A-Za-z]+|.))")
_OPEN_LEFT_RE = re.compile(r"\\left\s*[\[(]\s*\Z")
_OPEN_RIGHT_RE = re.compile(r"\s*\\right\s*\.")
_CLOSE_LEFT_RE = re.compile(r"\\left\s*\.\s*\Z")
_CLOSE_RIGHT_RE = re.compile(r"\s*\\right\s*[\])]")
_PART_GAP_RE = re.compile(r"(?:\s|\\right\s*\.|\\left\s*\.|\\\\|&)*\Z")


def _joined(cleaned: str, objects: list[RawObject]) -> list[RawObject]:
    r"""A matrix broken across lines at a column -- ``\left[ array \right. \\ &\qquad
    \left. array \right]`` (symdil's fitted matrices) -- read as the one object it is: the
    parts' rows side by side.  Parts of unequal height are left as they are."""
    out: list[RawObject] = []
    index = 0
    while index < len(objects):
        first = objects[index]
        last = index
        if first.rows and not first.note and not first.error and \
                _OPEN_LEFT_RE.search(cleaned[max(0, first.start - 20):first.start]):
            while last + 1 < len(objects):
                here, there = objects[last], objects[last + 1]
                if not (_OPEN_RIGHT_RE.match(cleaned, here.end) and there.rows
                        and not there.note and not there.error
                        and len(there.rows) == len(first.rows)
                        and _CLOSE_LEFT_RE.search(cleaned[max(0, there.start - 20):there.start])
                        and _PART_GAP_RE.match(cleaned[here.end:there.start])):
                    break
                last += 1
            if last > index and not _CLOSE_RIGHT_RE.match(cleaned, objects[last].end):
                last = index  # the last part never closes the bracket: not one matrix
        if last == index:
            out.append(first)
            index += 1
            continue
        parts = objects[index:last + 1]
        rows = tuple(sum((part.rows[r] for part in parts), ()) for r in range(len(first.rows)))
        out.append(RawObject(first.environment, first.start, parts[-1].end, rows,
                             parts[-1].transposed, ""))
        index = last + 1
    return out


def _environment_body(cleaned, match, env, text, source):
    body = match.end()
    option = re.compile(r"\s*\[[^\]]*\]").match(cleaned, body)
    body = option.end() if option else body
    if env in ("array", "darray"):
        spec = re.compile(r"\s*\{(?:[^{}]|\{[^{}]*\})*\}").match(cleaned, body)
        body = spec.end() if spec else body
    depth, pattern = 0, re.compile(r"\\(begin|end)\s*\{" + re.escape(env) + r"\}")
    for tag in pattern.finditer(cleaned, body):
        if tag[1] == "begin":
            depth += 1
        elif depth:
            depth -= 1
        else:
            return body, tag.start(), tag.end()
    line, column = line_col(text, match.start())
    raise ClaimParseError(f"{source}:{line}:{column}: \\begin{{{env}}} has no \\end{{{env}}}")


def _matching_brace(text: str, open_brace: int) -> int:
    depth = 0
    for index in range(open_brace, len(text)):
        char = text[index]
        if char in "{}" and text[index - 1:index] == "\\" and text[index - 2:index] != "\\\\":
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index
    return -1


_SPLIT_RE = re.compile(r"\\\\(?:\s*\[[^\]\n]*\])?|\\cr(?![A-Za-z])|\\[{}]|\\.|[{}&]")


def _split(text: str, start: int, stop: int, plain: bool) -> list[list[tuple[int, int]]]:
    rows, cells, cell_start, depth = [], [], start, 0
    for token in _SPLIT_RE.finditer(text, start, stop):
        word = token[0]
        if word in ("{", "}"):
            depth += 1 if word == "{" else -1
        elif depth == 0 and (word == "&" or word.startswith("\\\\") or word == "\\cr"):
            cells.append((cell_start, token.start()))
            cell_start = token.end()
            if word != "&":
                rows.append(cells)
                cells = []
    rows.append(cells + [(cell_start, stop)])
    if len(rows) > 1 and all(not text[a:b].strip() for a, b in rows[-1]):
        rows.pop()  # a trailing \\ ends the last row; it does not start a new one
    return rows


_MULTICOLUMN_RE = re.compile(r"\s*\\multicolumn\s*\{\s*(\d+)\s*\}\s*\{[^{}]*\}\s*\{")


def _cells(text, cleaned, rows, source, env, start):
    grid = []
    line0, _ = line_col(text, start)
    for r, row in enumerate(rows):
        out = []
        for c, (a, b) in enumerate(row):
            raw = cleaned[a:b]
            offset = a + len(raw) - len(raw.lstrip())
            line, column = line_col(text, offset)
            span = 1
            multi = _MULTICOLUMN_RE.match(raw)
            if multi:
                close = _matching_brace(raw, multi.end() - 1)
                span = max(1, min(int(multi[1]), 1000))
                raw = raw[multi.end():close] if close > 0 else raw[multi.end():]
            try:
                cell = classify(raw, line, column)
            except CellError as error:
                shown = " ".join(raw.split())
                if len(shown) > 80:  # a cell may hold 5,000 characters: quote its start
                    shown = shown[:60] + f"… ({len(shown):,} characters)"
                raise ClaimParseError(
                    f"{source}:{line}:{column}: cannot parse the cell {shown!r} "
                    f"(row {r + 1}, column {c + 1}, 1-based, of the {env} at line {line0}): "
                    f"{error}") from None
            out.append(cell)
            if span > 1:
                copy = cell if cell.kind in (BLANK, *ELISIONS) or cell.expr == 0 else Cell(
                    GAP, cell.text, line, column, note="covered by \\multicolumn")
                out += [copy] * (span - 1)
        grid.append(tuple(out))
    return tuple(grid)
