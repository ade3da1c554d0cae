"""Stage 6, stacks: a chain of convolution layers (``model``: ``Stack``, ``SingleConv``), a PyTorch
model read as one (``torch_model``), what a stack document states (``statements``), its checks
(``checks``), the one-screen summary (``summary``) and its document (``document``).

May import: core, statements, render, layout, checks.
"""

from __future__ import annotations

from .model import SingleConv, Stack

__all__ = ["SingleConv", "Stack"]
