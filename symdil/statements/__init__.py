"""Statements: what a derivation may say, each with a predicate over an operator's rows.

``statements(op)`` gives the ordered statements of ``op``'s derivation; ``Statement.holds``
decides one against an ``Evidence`` (``evidence_of(op)``, or rows from anywhere else, e.g. an
independent reference).  ``check_statements(op)`` evaluates all of them on the operator's own rows
(the general case: on the instances n = bound ... bound + 3s + K).  See ``base`` for the record
and the evidence protocol, ``kinds`` for every kind and its predicate.

Stage 2 of the pipeline.  May import: core.  (``facts`` computes the structure a derivation
reads; the statement builders phrase it as records with predicates.)
"""

import sys
import types
from typing import Any

from . import kinds as _kinds  # noqa: F401  (registers the kinds)
from . import levels as _levels  # noqa: F401  (registers the block-level kinds)
from . import shown as _shown  # noqa: F401  (registers the kinds of what is shown)
from .base import KINDS, Evidence, Kind, Statement, evaluate, register
from .evidence import evidence_of, instance_sizes, instances
from .select import statements


class _CallableModule(types.ModuleType):
    """``symdil.statements(op)`` calls ``statements(op)`` while ``symdil.statements`` stays this
    package (so ``import symdil.statements.base`` keeps working)."""

    def __call__(self, op: Any) -> list:
        return statements(op)


sys.modules[__name__].__class__ = _CallableModule

__all__ = ["KINDS", "Evidence", "Kind", "Statement", "check_statements", "evaluate",
           "evidence_of", "instance_sizes", "instances", "register", "statements"]


def check_statements(op, statement_list=None):
    """``[(statement, holds)]`` for every statement of ``op`` (or of ``statement_list``),
    evaluated on ``op``'s own rows; the general case on its instances from ``valid_from``."""
    chosen = statements(op) if statement_list is None else list(statement_list)
    if op.symbolic:
        bound = next(s.params["bound"] for s in chosen if s.kind == "valid_from")
        pieces = list(instances(op, bound))
    else:
        pieces = [evidence_of(op)]
    return evaluate(chosen, pieces)
