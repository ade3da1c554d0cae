"""``statements(op)``: the ordered statements of an operator's derivation -- the 1-D builder for one
axis and one channel, the block builder (``blocks``) otherwise."""

from __future__ import annotations

from ..core.conv import Conv
from ..core.spec import SymdilError
from .base import Statement
from .build import one_dimensional


def statements(op: Conv) -> list[Statement]:
    """The ordered statements of ``op``'s derivation (each with ``holds(evidence)``)."""
    if not isinstance(op, Conv):
        raise SymdilError(f"statements needs a symdil.Conv, got {type(op).__name__}")
    if op.ndim == 1 and op.in_channels == 1 and op.out_channels == 1:
        return one_dimensional(op)
    from .blocks import block_statements  # N-D only: kept off a 1-D derivation's start-up

    return block_statements(op)
