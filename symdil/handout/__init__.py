"""Documents, handouts: exercises with answers computed and checked twice (``exercises``) and the
sheet that prints them (``document``); a class's sheets, key and Moodle quiz (``classroom``,
``roster``, ``moodle``).

May import: every stage below the documents (core … claims).
"""

from __future__ import annotations

from .classroom import Classroom
from .document import Handout
from .roster import Student, read_roster, variants

__all__ = ["Classroom", "Handout", "Student", "read_roster", "variants"]
