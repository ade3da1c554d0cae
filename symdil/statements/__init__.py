"""Statements: what a derivation may say, each with a predicate over an operator's rows.

See ``symdil.statements.base`` for the record and the evidence protocol.
"""

from .base import KINDS, Evidence, Kind, Statement, evaluate, register

__all__ = ["KINDS", "Evidence", "Kind", "Statement", "evaluate", "register"]
