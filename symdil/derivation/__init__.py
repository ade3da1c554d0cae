"""The derivation of a convolution operator: what the document says, as data, and its rendering.

``Derivation(op)`` gathers the steps -- definition, sizes, matrix form, structure, borders, and the
transposed reading -- as numbers (``symdil.facts``) and pre-printed LaTeX (``symdil.printing``).
An N-D operator, or one with several channels, gets the block derivation instead
(``BlockContext``, template ``body/derivation_blocks.j2``): the flattening order, the partitioned
matrix, the (output channel, input channel) blocks with the zero blocks that groups give, and
per axis the block matrix ``[T_{r,c}]`` of a doubly (triply, ...) block Toeplitz operator whose
blocks are the operators of single kernel slices -- every count computed from the operator's
local rule, never from the full matrix.
``Derivation.render(fmt, standalone, …)`` fills the Jinja2 templates (``symdil.render``); templates
hold layout and words only.  ``derive(op, …)`` is the one-call form.

In a notebook a ``Derivation`` displays as Markdown (``_repr_markdown_``: the whole derivation,
math for MathJax/KaTeX); ``_repr_latex_`` gives the matrix equation alone (MathJax renders math, not
LaTeX prose).

``verification`` (optional) is plain data for the verification section: a mapping or object with
``checks`` -- items with ``name``, ``passed``, ``detail`` (mappings or attributes) -- and an
optional ``statement`` (prose, escaped) for the general case, with an optional ``statement_math``
(LaTeX math displayed as is: only for formulas symdil itself prints, never user text) or
``statement_latex`` (a sentence with inline ``$math$``, as ``VerificationReport.statement_latex``
gives it; likewise never user text); a bare list of checks is accepted too.
``verification_section(report)`` turns a ``VerificationReport`` into that data.  A failed check
is never rendered silently: ``render`` raises
``SymdilError`` instead.

Files: ``document`` (``Derivation``, ``derive``), ``line`` (the 1-D context), ``blocks`` (the N-D
and channel context), ``statements`` (the statements as template views and verification checks),
``report`` (the verification section's data), ``latex`` (small LaTeX builders).

A document stage.  May import: every stage below the documents (core … claims) and the
other documents (figures).
"""

from .document import FORMATS, Derivation, derive
from .latex import _line_set  # noqa: F401  (tests read it here)
from .report import normalize_verification, verification_section

__all__ = ["FORMATS", "Derivation", "derive", "normalize_verification", "verification_section"]
