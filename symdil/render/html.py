"""Finishing an HTML page: TeX math to MathML (``latex2mathml``, when the page is built: no
JavaScript, no network) and blank-line-separated blocks to paragraphs.

The HTML markup file (``templates/html/markup.j2``) writes math as TeX -- ``$…$`` inline and
``$$…$$`` in display blocks, exactly as the bodies give it to every format -- and separates blocks
with blank lines; ``finish_html`` does the rest.  Prose from users reaches the page through
``html_escape``, which also writes ``$`` and ``\\`` as entities, so no math is ever read from it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..core.spec import SymdilError
from .mathml_css import drawable

_DISPLAY_RE = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_RE = re.compile(r"\$([^$]+?)\$")
_ROW_SPACE_RE = re.compile(r"\\\\\[[0-9.]+(?:ex|em|pt|mm|cm)\]")
#: A token that is a bare ``&`` (not an entity) or starts with ``\``: TeX left unconverted.
_UNREAD_RE = re.compile(r"<m(?:i|o|n|text)\b[^>]*>(?:&(?!#?\w+;)|\\)")
_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "div", "figure", "header",
               "hr", "p", "section", "table", "svg", "nav", "footer", "math")
_BLOCK_RE = re.compile(r"<(?:%s)\b" % "|".join(_BLOCK_TAGS))
#: A block element opening a line inside a paragraph's text (inline math is not one).
_BLOCK_LINE_RE = re.compile(r"(?<=\n)[ \t]*<(?:(?:%s)\b|math\b[^>]*display=\"block\")" % "|".join(
    tag for tag in _BLOCK_TAGS if tag != "math"))
_HTML_SPECIALS = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
                  "$": "&#36;", "\\": "&#92;"}


def html_escape(text: Any) -> str:
    """Text for HTML: ``& < > " '`` escaped, and ``$`` and ``\\`` as entities (never math)."""
    return "".join(_HTML_SPECIALS.get(char, char) for char in str(text))


@lru_cache(maxsize=4096)
def mathml(tex: str, display: bool) -> str:
    """One formula as MathML (``<math display="block">`` or inline)."""
    from latex2mathml.converter import convert

    # latex2mathml reads ``aligned`` as plain text (a literal ``&`` in the output); ``split``
    # is the same alignment and converts to a table
    tex = tex.replace(r"\begin{aligned}", r"\begin{split}").replace(r"\end{aligned}",
                                                                     r"\end{split}")
    # nor does it know a line break's extra space (\\[0.5ex]): it would print "[0.5ex]"
    tex = _ROW_SPACE_RE.sub(r"\\\\", tex)
    try:
        out = convert(tex.strip(), display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises its own exception types
        raise SymdilError(f"math cannot be converted to MathML ({error}): {tex.strip()[:80]}"
                          ) from None
    if _UNREAD_RE.search(out):  # TeX the converter did not understand, left as text
        raise SymdilError(f"math cannot be converted to MathML (unsupported TeX): "
                          f"{tex.strip()[:80]}")
    return drawable(out)  # boxes and lines as CSS, prefix minus, brackets per matrix


def text_only(text: Any) -> str:
    """A heading as plain text (for ``<title>``): inline math read as text, tags dropped."""
    from .plain import latex_runs

    def plain(match: re.Match) -> str:
        return "".join(run for run, _, _ in latex_runs(match.group(1)))

    text = _INLINE_RE.sub(plain, str(text))
    text = re.sub(r"<[^>]+>", "", text)
    return (text.replace("&#36;", "$").replace("&#92;", "\\").replace("&lt;", "<")
            .replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'")
            .replace("&amp;", "&"))


def _paragraphs(body: str) -> str:
    """Blank-line-separated blocks: block elements as they are, other text in ``<p>``."""
    out = []
    for chunk in re.split(r"\n\s*\n", body):
        chunk = chunk.strip("\n")
        if not chunk.strip():
            continue
        if _BLOCK_RE.match(chunk.lstrip()) or chunk.lstrip().startswith("</"):
            out.append(chunk)
            continue
        # a block element on a line of its own ends the paragraph (a <div> inside <p> is
        # invalid HTML: the browser closes the <p> before it and leaves a stray </p>)
        block = _BLOCK_LINE_RE.search(chunk)
        if block is None:
            out.append("<p>" + chunk + "</p>")
        else:
            out.append("<p>" + chunk[:block.start()].rstrip("\n") + "</p>")
            out.append(_paragraphs(chunk[block.start():]))
    return "\n".join(out)


def finish_html(text: str) -> str:
    """Convert the math of a rendered HTML page (or fragment) to MathML and its prose blocks to
    paragraphs; inside ``<main>`` when the page has one."""
    head, body, tail = "", text, ""
    if "<main>" in text:
        start = text.index("<main>") + len("<main>")
        end = text.rindex("</main>")
        head, body, tail = text[:start], text[start:end], text[end:]
    # display math first (its own block), then inline math, then paragraphs
    body = _DISPLAY_RE.sub(lambda m: mathml(m.group(1), True), body)
    body = _INLINE_RE.sub(lambda m: mathml(m.group(1), False), body)
    body = _paragraphs(body)
    return head + "\n" + body + "\n" + tail
