"""Finishing an HTML fragment for a MathJax page (Moodle's MathJax filter): the maths stays TeX,
between ``\\( \\)`` inline and ``\\[ \\]`` in display, the delimiters the filter reads by default;
blank-line-separated prose blocks become paragraphs, as in ``finish_html``."""

from __future__ import annotations

from .html import _DISPLAY_RE, _INLINE_RE, _paragraphs


def finish_mathjax(text: str) -> str:
    """``$$…$$`` to ``\\[…\\]``, ``$…$`` to ``\\(…\\)``, blocks to paragraphs."""
    text = _DISPLAY_RE.sub(lambda m: "\\[" + m.group(1).strip() + "\\]", text)
    text = _INLINE_RE.sub(lambda m: "\\(" + m.group(1) + "\\)", text)
    return _paragraphs(text)
