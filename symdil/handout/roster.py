"""A class: who gets a sheet, and the seed of each sheet.

``Student(id, name)``: ``id`` goes into file names (``<stem>-<id>.pdf``), so it is letters,
digits, ``-`` and ``_`` only.  ``variants(count)`` numbers anonymous sheets ``1`` … ``count``;
``read_roster(text)`` reads a CSV file with a column of ids and, optionally, names (a first row
``id,name`` is a header).  ``student_seed(class_seed, id)`` hashes the class seed with the id:
a student's sheet depends on nothing else, so adding a student changes nobody else's sheet.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import SymdilError

#: The most sheets of one class (each sheet is drawn and checked: bounded before it starts).
MAX_STUDENTS = 500
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")


@dataclass(frozen=True)
class Student:
    id: str
    name: str | None = None


def student_seed(class_seed: int, student_id: str) -> int:
    """The sheet's seed: 4 bytes of SHA-256 of ``"<class seed>:<id>"`` (same in every process;
    ``symdil handout --seed <it>`` prints the same exercises again)."""
    digest = hashlib.sha256(f"{class_seed}:{student_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def variants(count: int) -> tuple[Student, ...]:
    """``count`` anonymous sheets with ids ``1`` … ``count`` (asking for more keeps the first
    ones as they were)."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_STUDENTS:
        raise SymdilError(f"variants must be an integer from 1 to {MAX_STUDENTS}, got {count!r}")
    return tuple(Student(str(number)) for number in range(1, count + 1))


def read_roster(text: str, source: str = "--roster") -> tuple[Student, ...]:
    """The students of a CSV roster: first column the id, second (optional) the name."""
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    rows = [row for row in rows if any(row)]
    if rows and rows[0] and rows[0][0].lower() == "id":
        rows = rows[1:]
    if not rows:
        raise SymdilError(f"{source}: the roster lists no student (a column of ids, names "
                          "optional)")
    if len(rows) > MAX_STUDENTS:
        raise SymdilError(f"{source}: at most {MAX_STUDENTS} students, got {len(rows)}")
    students, seen = [], set()
    for line, row in enumerate(rows, start=1):
        student_id = row[0] if row else ""
        if not _ID_RE.fullmatch(student_id):
            raise SymdilError(f"{source}: student {line}: id must be 1 to 40 letters, digits, "
                              f"'-' or '_' (it names the student's file), got {student_id!r}")
        if student_id in seen:
            raise SymdilError(f"{source}: student {line}: id {student_id!r} appears twice")
        seen.add(student_id)
        name = row[1] if len(row) > 1 and row[1] else None
        students.append(Student(student_id, name))
    return tuple(students)


def read_roster_file(path: Any, option: str = "--roster") -> tuple[Student, ...]:
    """``read_roster`` of a UTF-8 CSV file; a file too large for ``MAX_STUDENTS`` lines is refused
    before it is read."""
    limit = MAX_STUDENTS * 256
    where = f"{option} {str(path)!r}"
    try:
        size = Path(path).stat().st_size
        if size > limit:
            raise SymdilError(f"{where} has {size:,} bytes, more than a roster of "
                              f"{MAX_STUDENTS} students needs ({limit:,})")
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read(limit + 1)
    except IsADirectoryError:
        raise SymdilError(f"{where} is a directory, not a file") from None
    except OSError as error:
        raise SymdilError(f"{where} cannot be read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise SymdilError(f"{where} is not UTF-8 text") from None
    return read_roster(text, where)
