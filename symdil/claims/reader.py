"""``parse_claim``: a text -> its matrix objects, each placed in its display."""

from __future__ import annotations

import re

from .cells import FOREIGN
from .errors import ClaimParseError
from .limits import check_size
from .model import Claim, ClaimMatrix
from .tex import clean, displays, find_objects, line_col

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
    if not raw_objects and strict:
        raise ClaimParseError(f"{source}:1:1: no matrix environment found (expected bmatrix, "
                              "pmatrix, Bmatrix, vmatrix, matrix, smallmatrix, array or plain "
                              "TeX \\matrix{…})")
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
                                    obj.start, label))
    return Claim(source, tuple(matrices))
