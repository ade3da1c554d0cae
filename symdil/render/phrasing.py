"""Statement-phrased spans: the one way a template writes a sentence that states a number, a set,
an index range or a structural claim.

A body template wraps such a sentence in ``((* call phrase(S) *)) … ((* endcall *))``, where ``S``
is the view of a statement the document makes (``stated.band``, an item of ``stated_all.…``; a
stack's ``facts.…``) or several of them.  In normal output ``phrase`` returns the sentence
unchanged, so documents do not depend on it.  Inside ``marking_statements()`` (tests only) it wraps
the sentence in invisible markers carrying the ids of the statements it phrases, so a test can
remove every statement-phrased span and check that no number, index or set is left in the prose
(``tests/test_statements_masking.py``).  ``checked(check)`` marks a verification check's own
sentence (a check record, not a statement) and ``counted(n)`` the verification section's count
of statements, which the same test compares with the statements phrased.

Asking to phrase a statement the document does not make (a view that is None) is an error: a
sentence cannot be written without its statement.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator

#: Private-use code points: never in symdil's output otherwise.
OPEN, SEP, CLOSE = "\ue000", "\ue001", "\ue002"

_MARKING: ContextVar[bool] = ContextVar("symdil_marking_statements", default=False)


@contextmanager
def marking_statements() -> Iterator[None]:
    """Render with every statement-phrased span marked (see the module docstring)."""
    token = _MARKING.set(True)
    try:
        yield
    finally:
        _MARKING.reset(token)


def _ids(views: tuple[Any, ...]) -> list[str]:
    ids: list[str] = []
    for view in views:
        if isinstance(view, (list, tuple)):
            ids += _ids(tuple(view))
        elif view is None:
            continue
        else:
            ids.append(str(view["id"]))
    return ids


def _wrap(label: str, caller: Callable[[], str]) -> str:
    text = caller()
    if not _MARKING.get():
        return text
    return OPEN + label + SEP + text + CLOSE


def phrase(*views: Any, caller: Callable[[], str]) -> str:
    """The sentence ``caller()`` phrases the statements ``views`` (see the module docstring)."""
    ids = _ids(views)
    if not ids:
        from ..core.errors import SymdilError

        raise SymdilError("a template phrases a statement the document does not make")
    return _wrap(",".join(ids), caller)


def checked(check: Any, caller: Callable[[], str]) -> str:
    """The sentence ``caller()`` reports the verification check ``check`` (its own record)."""
    return _wrap("check:" + str(check["name"]), caller)


def counted(count: Any, caller: Callable[[], str]) -> str:
    """The sentence ``caller()`` states how many statements the document evaluated: ``count``."""
    return _wrap("count:" + str(count), caller)


_SPAN = re.compile(re.escape(OPEN) + "([^" + SEP + "]*)" + re.escape(SEP))


def split_marked(text: str) -> tuple[list[tuple[str, str]], str]:
    """``([(label, span text)], rest)``: the outermost marked spans of a marked rendering and the
    text with them removed (nested spans belong to their outer span)."""
    spans: list[tuple[str, str]] = []
    rest: list[str] = []
    depth = 0
    label = ""
    position = 0
    current: list[str] = []
    labels: list[str] = []
    while position < len(text):
        char = text[position]
        if char == OPEN:
            match = _SPAN.match(text, position)
            if match is None:
                raise ValueError("a marker without its label")
            labels.append(match.group(1))
            if depth == 0:
                label = match.group(1)
                current = []
            depth += 1
            position = match.end()
            continue
        if char == CLOSE:
            if depth == 0:
                raise ValueError("a closing marker without an opening one")
            depth -= 1
            if depth == 0:
                spans.append((label, "".join(current)))
            position += 1
            continue
        (current if depth else rest).append(char)
        position += 1
    if depth:
        raise ValueError("an opening marker without its closing one")
    return spans, "".join(rest)


def all_labels(text: str) -> list[str]:
    """Every label of a marked rendering, nested ones included, in order."""
    return _SPAN.findall(text)
