"""Documents, handouts: exercises with answers computed and checked twice (``exercises``) and the
sheet that prints them (``document``).

May import: every stage below the documents (core … claims).
"""

from __future__ import annotations

from .document import Handout

__all__ = ["Handout"]
