"""Figures inside documents: what a derivation's templates place for each format.

LaTeX gets the TikZ picture itself (the document loads ``tikz``), Markdown links an SVG file
written beside the document (``<stem>-window.svg``: GitHub renders linked SVG, not inline SVG),
HTML gets the SVG inline.  ``figure_files`` gives those SVG files for a Markdown document.
"""

from __future__ import annotations

from typing import Any

from ..core.spec import SymdilError
from . import available_kinds, figure
from .svg import inline_svg, to_svg
from .tikz import to_tikz


def _need_stem(stem: str | None) -> str:
    if not stem:
        raise SymdilError("figures in a Markdown document are SVG files linked beside it: give "
                          "the document a file name (-o FILE.md)")
    return stem


def figure_context(op: Any, fmt: str, stem: str | None = None,
                   width: float | None = None) -> dict[str, dict[str, str]]:
    """``{kind: {"kind": kind, "body": …}}`` for the figures drawn for ``op`` in ``fmt``:
    the TikZ source (latex), the linked file name (markdown) or the inline SVG (html)."""
    if op.symbolic:
        raise SymdilError("figures need a concrete n (the general case has no finite picture), "
                          f"got n = {op.axes[0].n}")
    out = {}
    for kind in available_kinds(op):
        drawn = figure(op, kind) if width is None else figure(op, kind, width=width)
        if fmt == "latex":
            body = to_tikz(drawn)
        elif fmt == "markdown":
            body = f"{_need_stem(stem)}-{kind}.svg"
        else:
            body = inline_svg(drawn)
        out[kind] = {"kind": kind, "body": body}
    return out


def figure_files(op: Any, stem: str) -> dict[str, str]:
    """File name -> SVG text of the figures a Markdown document with ``stem`` links."""
    return {f"{stem}-{kind}.svg": to_svg(figure(op, kind)) for kind in available_kinds(op)}
