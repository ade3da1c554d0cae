"""``parse_claim``: a text -> its matrix objects, each placed in its display."""

from __future__ import annotations

import re

from .cells import ENTRY, FOREIGN, CellError, classify, raw_ref
from .errors import ClaimParseError
from .limits import check_size
from .model import Claim, ClaimMatrix
from .tex import TRANSPOSE_MARK, Span, clean, displays, find_objects, line_col

_LABEL_RE = re.compile(r"((?:\\[A-Za-z]+\s*\{[^{}=]*\}|[A-Za-z{}\\]+)(?:\s*[_^]\s*(?:\{[^{}=]*\}|"
                       r"\{[^{}=]*\{[^{}=]*\}[^{}=]*\}|\w))*)\s*=\s*(?:\\left\s*[\[(.]\s*)?$")


def parse_claim(text: str, source: str = "<claim>", markdown: bool | None = None,
                strict: bool = True) -> Claim:
    """Read every matrix object of ``text``; raise ``ClaimParseError`` naming ``line:column``.

    ``markdown``: undo Markdown escaping (default: when ``source`` ends in ``.md`` or the text
    writes row ends as ``\\\\\\\\``).  Oversized or too deeply nested texts are refused up front.
    ``strict=False``: an object whose cell cannot be read is kept with its ``error`` instead of
    raising (a paper's other displays must not stop the check of an annotated one); a text without
    any matrix is then an empty claim.
    """
    check_size(text, source)
    if markdown is None:
        markdown = source.lower().endswith((".md", ".markdown"))
    cleaned = clean(text, markdown)
    raw_objects = find_objects(text, cleaned, source, strict)
    spans = displays(cleaned)
    outside = list(cleaned)
    for obj in raw_objects:
        outside[obj.start:obj.end] = " " * (obj.end - obj.start)
    outside_text = "".join(outside)
    matrices, counters = [], {}
    for obj in raw_objects:
        display = next((i for i, s in enumerate(spans) if s.start <= obj.start < s.end), -1)
        begin = spans[display].start if display >= 0 else 0
        counters[display] = counters.get(display, 0) + 1
        side = sum(1 for i in range(begin, obj.start) if outside_text[i] == "=" and
                   outside_text[i - 1:i] not in ("<", ">", "!", "\\"))
        note = obj.note
        if not note:
            foreign = next((cell for row in obj.rows for cell in row if cell.kind == FOREIGN), None)
            if foreign is not None:
                note = f"its cell {foreign.text!r} holds {foreign.note}"
        line, column = line_col(text, obj.start)
        before = outside_text[max(begin, obj.start - 80):obj.start]
        labelled = _LABEL_RE.search(before)
        label = " ".join(labelled[1].split()) if labelled else ""
        matrices.append(ClaimMatrix(obj.environment, line, column, obj.rows, display,
                                    counters[display], side, obj.transposed, note, obj.error,
                                    obj.start, label,
                                    named_transpose=_transposed_elsewhere(label, outside_text)))
    last_end = {}
    for obj in raw_objects:
        display = next((i for i, s in enumerate(spans) if s.start <= obj.start < s.end), -1)
        last_end[display] = max(last_end.get(display, 0), obj.end)
    for index, span in enumerate(spans):
        if span.inline and index not in last_end:  # $n = 4$ in prose: no claim
            continue
        # after a display's last matrix: ``y = M a: \\ y_0 &= …`` (one line per output)
        after = Span(max(span.start, last_end.get(index, span.start)), span.end)
        matrices += _equations(text, cleaned, after, index, source, counters.get(index, 0))
    if not matrices and strict:
        raise ClaimParseError(f"{source}:1:1: no matrix environment found (expected bmatrix, "
                              "pmatrix, Bmatrix, vmatrix, matrix, smallmatrix, array or plain "
                              "TeX \\matrix{…}) and no equation y_2 = … in a display")
    return Claim(source, tuple(matrices))




def _transposed_elsewhere(label: str, text: str) -> bool:
    """Whether a one-letter (or bold, or Greek) label is written transposed somewhere in the
    text (``M = C^{\\mathsf{T}}``): the object is then the transpose of what the text uses."""
    if not label or not re.fullmatch(r"[A-Za-z]|\\(?:mathbf|bm|boldsymbol)\{[A-Za-z]\}|"
                                     r"\\[A-Za-z]+", label):
        return False
    written = r"(?:" + re.escape(label) + r"|\{\s*" + re.escape(label) + r"\s*\})"  # C or {C}
    return re.search(r"(?<![A-Za-z\\])" + written + TRANSPOSE_MARK, text) is not None


_INNER_ENV_RE = re.compile(r"\\(?:begin|end)\s*\{(?:aligned|split|gathered|alignedat)\}"
                           r"(?:\s*\{\d+\})?")
_ROW_END_RE = re.compile(r"\\\\(?:\s*\[[^\]\n]*\])?|\\cr(?![A-Za-z])")
_CONCRETE_INDEX_RE = re.compile(r"-?[0-9]+|[0-9nmNM+\- ]*[nmNM][0-9nmNM+\- ]*")


def _top_level_split(text: str, start: int, separators: str) -> list[tuple[int, str]]:
    """Pieces of ``text`` split at ``separators`` outside braces/brackets, with their offsets."""
    pieces, depth, begin = [], 0, 0
    for index, char in enumerate(text):
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth -= 1
        elif depth == 0 and char in separators and text[index - 1:index] not in ("\\", "<",
                                                                               ">", "!"):
            pieces.append((start + begin, text[begin:index]))
            begin = index + 1
    pieces.append((start + begin, text[begin:]))
    return pieces


def _equations(text: str, cleaned: str, span, display: int, source: str,
               objects: int = 0) -> list[ClaimMatrix]:
    """Equations ``y_2 = k_0 a_2 + k_1 a_4`` of a display (after its last matrix, ``objects``
    of them): a left-hand side that is one indexed symbol with concrete indices, right-hand sides
    that read as entries; a line starting with ``+`` or ``-`` continues the line before it
    (``y_0 ={}& k_0 a_0 \\\\ &+ k_1 a_1``).  Anything else (``y_i = \\sum_t …``, ``m = 4``) is
    not an equation about one output."""
    found: list[ClaimMatrix] = []
    content = cleaned[span.start:span.end]
    pieces, begin = [], 0
    for end in _ROW_END_RE.finditer(content):
        pieces.append((begin, end.start()))
        begin = end.end()
    pieces.append((begin, len(content)))
    lines: list[tuple[int, str]] = []
    for begin, end in pieces:
        if lines and content[begin:end].replace("&", " ").lstrip().startswith(("+", "-")):
            joined = _ROW_END_RE.sub(lambda m: " " * len(m[0]),
                                     content[lines[-1][0] - span.start:end])
            lines[-1] = (lines[-1][0], joined)
        else:
            lines.append((span.start + begin, content[begin:end]))
    for offset, line in lines:
        line = _INNER_ENV_RE.sub(lambda m: " " * len(m[0]),
                                 line.replace("&", " ").replace("{}", "  "))
        for start, segment in _top_level_split(line, offset, ",;"):
            parts = _top_level_split(segment, start, "=")
            if len(parts) < 2 or len(segment) > 5_000:
                continue
            lhs_start, lhs_text = parts[0]
            try:
                lhs = classify(lhs_text, *line_col(text, lhs_start + len(lhs_text) -
                                                   len(lhs_text.lstrip())))
            except CellError:
                continue
            ref = raw_ref(lhs.expr) if lhs.kind == ENTRY else None
            if ref is None or not ref.sub or not all(_CONCRETE_INDEX_RE.fullmatch(part)
                                                     for part in ref.sub):
                continue
            for rhs_start, rhs_text in parts[1:]:
                rhs_text = rhs_text.rstrip().rstrip(".").rstrip()
                position = rhs_start + len(rhs_text) - len(rhs_text.lstrip())
                try:
                    rhs = classify(rhs_text, *line_col(text, position))
                except CellError:
                    continue
                if rhs.kind != ENTRY:
                    continue
                line_no, column = line_col(text, position)
                found.append(ClaimMatrix("equation", line_no, column, ((rhs,),), display,
                                         objects + len(found) + 1, 1, False, "", "", position,
                                         " ".join(lhs_text.split()), lhs))
    return found
