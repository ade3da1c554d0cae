"""The width a document is laid out for: ``column`` (the ``\\linewidth`` of a two-column
``article``, where a snippet is most often ``\\input``), ``page`` (a one-column ``article``), or
a length (``8cm``, ``300pt``, ``3.5in``).  Every display, matrix and figure is made to fit it.

``line_width(spec)`` turns the option into points; ``using_width(points)`` sets the width the
layout functions read with ``current_width()`` while one document is built (the derivation's
helpers are many small functions; passing the width through each would not say more).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from ..core.errors import SymdilError

#: ``\\linewidth`` of ``\\documentclass[twocolumn]{article}`` (10 pt, letter paper), in points.
COLUMN = 229.5
#: ``\\linewidth`` of a one-column ``\\documentclass{article}`` (10 pt), in points.
PAGE = 345.0
WIDTHS = {"column": COLUMN, "page": PAGE}
_UNITS = {"pt": 1.0, "bp": 72.27 / 72, "mm": 72.27 / 25.4, "cm": 72.27 / 2.54, "in": 72.27,
          "pc": 12.0}
_LENGTH_RE = re.compile(r"\A\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]+)\s*\Z")
#: Narrower than this, nothing symdil prints fits (a 3-column matrix and its vectors).
MIN_WIDTH = 100.0
MAX_WIDTH = 2000.0

#: ``render.measure`` estimates widths in points of 11 pt type, erring wide; the documents a
#: snippet is pasted into set 10 pt.  A width in points is worth this many estimated points
#: (less than 11/10: the rest is a margin for the estimate's errors).
ESTIMATE_SCALE = 1.05

_current: ContextVar[float] = ContextVar("symdil_line_width", default=COLUMN * ESTIMATE_SCALE)


def line_width(spec: str | float | int | None) -> float:
    """Points of a width option: ``column``, ``page``, a length with a unit (``pt``, ``bp``,
    ``mm``, ``cm``, ``in``, ``pc``) or a number of points; None is ``column``."""
    if spec is None:
        return COLUMN
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        points = float(spec)
    else:
        text = str(spec).strip().lower()
        if text in WIDTHS:
            return WIDTHS[text]
        match = _LENGTH_RE.match(text)
        if not match or match.group(2) not in _UNITS:
            raise SymdilError(f"width must be column, page or a length such as 8cm, 300pt or "
                              f"3.5in, got {spec!r}")
        points = float(match.group(1)) * _UNITS[match.group(2)]
    if not MIN_WIDTH <= points <= MAX_WIDTH:
        raise SymdilError(f"width must be between {MIN_WIDTH:g}pt and {MAX_WIDTH:g}pt, got "
                          f"{spec!r} ({points:.1f}pt)")
    return round(points, 2)


def estimate_units(points: float) -> float:
    """A width in points as ``render.measure`` counts (what every fitting compares with)."""
    return round(points * ESTIMATE_SCALE, 2)


def current_width() -> float:
    """The width of the document being built, in estimated points (``estimate_units``;
    ``column`` outside ``using_width``)."""
    return _current.get()


@contextmanager
def using_width(points: float) -> Iterator[float]:
    """Lay out for ``points`` (real points) inside the block."""
    token = _current.set(estimate_units(points))
    try:
        yield estimate_units(points)
    finally:
        _current.reset(token)
