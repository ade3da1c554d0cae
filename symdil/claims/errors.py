"""The one error a claim raises when it cannot be read."""

from __future__ import annotations

from ..core.spec import SymdilError


class ClaimParseError(SymdilError):
    """A claim that cannot be read; the message starts with ``source:line:column``."""
