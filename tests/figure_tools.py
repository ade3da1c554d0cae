"""Reading figures back: the SVG (xml.etree) and the TikZ source (its ``% cell``/``% edge``
comments) as records ``(kind, role, ids, label)``, so tests compare what is drawn with the
independent reference matrix."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def _value(text: str):
    if text == "none":
        return None
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    return text


def _ids(tokens: list[str], sep: str) -> dict:
    ids: dict = {}
    for token in tokens:
        key, _, value = token.partition(sep)
        if key == "tap":
            ids.setdefault("taps", []).append(_value(value))
        ids[key] = _value(value)
    return ids


def svg_items(svg: str) -> list[tuple[str, str, dict, str]]:
    """Every cell/edge group of an SVG: (``cell``/``edge``, role, ids, label text)."""
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == SVG + "svg" and root.get("version") == "1.1"
    items = []
    for group in root.iter(SVG + "g"):
        classes = (group.get("class") or "").split()
        if not classes or classes[0] not in ("cell", "edge"):
            continue
        text = "".join("".join(t.itertext()) for t in group.iter(SVG + "text"))
        items.append((classes[0], classes[1], _ids(classes[2:], "-"), text.replace("\u00a0", " ")))
    return items


_COMMENT_RE = re.compile(r"^% (cell|edge) (\S+)(.*)$")


def tikz_items(tikz: str) -> list[tuple[str, str, dict, str]]:
    """The same records from the TikZ source (label: the node text following the comment)."""
    items = []
    lines = tikz.splitlines()
    for index, line in enumerate(lines):
        match = _COMMENT_RE.match(line)
        if not match:
            continue
        label = ""
        for following in lines[index + 1:index + 3]:
            if following.startswith("%"):
                break
            node = re.search(r"\\node\[[^\]]*\] at \([^)]*\) \{(.*)\};$", following)
            if node:
                label = node.group(1)
        items.append((match.group(1), match.group(2), _ids(match.group(3).split(), "="), label))
    return items


def drawn_rows(items, role: str = "tap", kind: str = "cell") -> dict[int, dict]:
    """row -> {column (None for a zero): [kernel indices]} of the tap cells (or edges)."""
    rows: dict[int, dict] = {}
    for item_kind, item_role, ids, _ in items:
        if item_kind == kind and item_role == role:
            rows.setdefault(ids["row"], {}).setdefault(ids["col"], []).append(ids["tap"])
    return rows
