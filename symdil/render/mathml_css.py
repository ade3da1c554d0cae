"""MathML that Chromium and Firefox both draw: what MathML Core leaves out, written with CSS.

``latex2mathml`` writes ``\\boxed`` as ``<menclose notation="box">`` and an array's rules as
``columnlines``/``rowlines`` attributes; Chromium (MathML Core) draws neither, so the boxes of a
handout and the block lines of a partitioned matrix vanish.  ``drawable`` rewrites them as CSS
borders (an ``mrow`` with a border; borders on the ``mtd`` cells beside a line), marks a unary
minus as a prefix operator (``form="prefix"``: no binary spacing in ``-2``), and puts each
bracketed ``mtable`` with its two brackets in an ``mrow`` of its own, so the brackets stretch to
their own matrix and not to the tallest thing on the line.  An operator nested in an operator
(``\\mathrel{+}``) becomes one operator.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

NS = "http://www.w3.org/1998/Math/MathML"
_Q = "{" + NS + "}"
#: Operators after which a minus has no left operand (so it is a sign, not a subtraction).
_OPENING = set("([{,=<>≤≥+−-|:;∈") | {"\u2212", "\u00d7", "\u22c5", "&#x0003D;"}
MINUS = "\u2212"
LINE = "1px solid currentColor"
ET.register_namespace("", NS)


def _tag(element: ET.Element) -> str:
    return element.tag[len(_Q):] if element.tag.startswith(_Q) else element.tag


def _style(element: ET.Element, css: str) -> None:
    old = element.get("style", "")
    element.set("style", (old.rstrip("; ") + "; " if old else "") + css)


def _lines(table: ET.Element) -> None:
    """``columnlines``/``rowlines`` as borders on the cells beside each line."""
    columns = (table.attrib.pop("columnlines", "none")).split()
    rows = (table.attrib.pop("rowlines", "none")).split()
    table_rows = [row for row in table if _tag(row) == "mtr"]
    for r, row in enumerate(table_rows):
        cells = [cell for cell in row if _tag(cell) == "mtd"]
        for c, cell in enumerate(cells):
            if c < len(cells) - 1 and columns and columns[min(c, len(columns) - 1)] != "none":
                _style(cell, f"border-right: {LINE}")
            if r < len(table_rows) - 1 and rows and rows[min(r, len(rows) - 1)] != "none":
                _style(cell, f"border-bottom: {LINE}")


def _is_fence(element: ET.Element, chars: str) -> bool:
    return _tag(element) == "mo" and (element.text or "").strip() in chars


def _rewrite(parent: ET.Element) -> None:
    children = list(parent)
    # brackets around a table: one mrow each, so they stretch to that table only
    index = 0
    while index + 2 < len(children):
        left, table, right = children[index:index + 3]
        if (_is_fence(left, "[(|") and _tag(table) == "mtable" and _is_fence(right, "])|")
                and len(children) > 3):
            group = ET.Element(_Q + "mrow")
            position = list(parent).index(left)
            for item in (left, table, right):
                parent.remove(item)
                group.append(item)
            parent.insert(position, group)
            children = list(parent)
            index = position + 1
            continue
        index += 1
    previous = None
    for child in list(parent):
        tag = _tag(child)
        inner = list(child)
        if tag == "mo" and len(inner) == 1 and _tag(inner[0]) == "mrow" and len(
                inner[0]) == 1 and _tag(inner[0][0]) == "mo":
            # \mathrel{+} arrives as an mo inside an mo, which Chromium draws twice
            child.text = inner[0][0].text
            child.remove(inner[0])
        if tag == "menclose" and "box" in child.get("notation", ""):
            child.tag = _Q + "mrow"
            del child.attrib["notation"]
            child.set("class", "boxed")
            _style(child, f"border: {LINE}; padding: 0.15em 0.3em")
        elif tag == "mtable":
            _lines(child)
        elif tag == "mo" and (child.text or "").strip() in (MINUS, "-"):
            if previous is None or (_tag(previous) == "mo"
                                    and (previous.text or "").strip() in _OPENING):
                child.set("form", "prefix")
        _rewrite(child)
        previous = child


def drawable(math: str) -> str:
    """One ``<math>`` element rewritten as described above (same text, same order)."""
    root = ET.fromstring(math)
    _rewrite(root)
    return ET.tostring(root, encoding="unicode")
