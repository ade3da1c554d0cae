"""Limits of the claim reader: what it refuses up front so that any input is answered in seconds.

A claim is a snippet or a paper, not a data file; these bounds are far above real documents.
"""

from __future__ import annotations

from .errors import ClaimParseError

#: Characters of one claim or one checked document (a long paper is about 200,000).
MAX_CHARS = 2_000_000
#: Nesting depth of braces, brackets and parentheses (real math rarely exceeds 10).
MAX_DEPTH = 100
#: Cells of all the matrices of one claim, counted before any cell is parsed.
MAX_CELLS = 200_000
#: Characters of one cell.
MAX_CELL_CHARS = 5_000
#: Largest exponent evaluated, and the largest number of bits a power of a number may have.
MAX_EXPONENT = 256
MAX_POWER_BITS = 20_000
#: Digits of one number written in a cell (Python's own limit for reading an integer).
MAX_NUMBER_DIGITS = 4_300
#: An object is compared only when neither side exceeds the operator's by this factor (+ margin).
SHAPE_FACTOR, SHAPE_MARGIN = 4, 64


def check_size(text: str, source: str) -> None:
    """Refuse a text that is too long or nested too deeply, in one linear pass."""
    if len(text) > MAX_CHARS:
        raise ClaimParseError(f"{source}:1:1: the claim has {len(text):,} characters, more than "
                              f"the limit of {MAX_CHARS:,}")
    depth, line, line_start = 0, 1, 0
    for index, char in enumerate(text):
        if char in "{([":
            depth += 1
            if depth > MAX_DEPTH:
                column = index - line_start + 1
                raise ClaimParseError(f"{source}:{line}:{column}: brackets nested more than "
                                      f"{MAX_DEPTH} deep; a claim is refused past that depth")
        elif char in "})]":
            depth = max(depth - 1, 0)
        elif char == "\n":
            line, line_start = line + 1, index + 1


def read_claim_file(path, option: str = "--claim") -> str:
    """The UTF-8 text of a claim file; a file too large to be a claim is refused before it is
    read (``SymdilError`` naming the option)."""
    from ..core.spec import SymdilError

    try:
        size = path.stat().st_size
        if size > 4 * MAX_CHARS:
            raise SymdilError(f"{option} {str(path)!r} has {size:,} bytes, more than the limit of "
                              f"{4 * MAX_CHARS:,} for a claim")
        with open(path, encoding="utf-8") as handle:
            return handle.read(4 * MAX_CHARS + 1)
    except IsADirectoryError:
        raise SymdilError(f"{option} {str(path)!r} is a directory, not a file") from None
    except OSError as error:
        raise SymdilError(f"{option} {str(path)!r} cannot be read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise SymdilError(f"{option} {str(path)!r} is not UTF-8 text") from None
