"""The verification checks: one file per family, each a function returning a ``CheckResult``.

Every check compares a *candidate* operator (by default the one ``Conv`` built) with something
derived another way, so each can fail: pass ``matrix=`` (and for the definition ``output=``) to
check a different, possibly wrong, operator against the convolution's parameters.  Every check
works in any number of axes, with channels and groups; the identities hold per axis.  The checks
are sparse: their work is proportional to the operator's non-zeros (``cost.verify_cost``).

====================  ===========================================================================
``definition``        every row = the defining sum (exact), matrix * input = output
``dilation``          dilation d = dilation 1 with the kernel zero-inserted along each axis
``stride``            stride s = the stride-1 operator's rows at (s_0 i_0, s_1 i_1, ...)
``transposition``     T^T = the adjoint built as the other kind of convolution; zero insertion
``polyphase``         dilation d = prod(d_a) ordinary convolutions on the input's phases
``formulas``          output lengths, padding, receptive field, zero diagonals vs counts
``padding``           the valid/same/full/causal split recomputed from the rules (+ PyTorch same)
``printed``           the rows documents print (``Conv.row``) = the rows the checks read
``kronecker``         separable kernels (2-D and up): the operator is U (x) V (x) ...
``general``           the general case (symbolic n), proved with SymPy delta sums
``numeric``           random values vs an independent NumPy loop (and PyTorch on request)
====================  ===========================================================================

``result`` holds the record, ``tools`` what several families share, ``cost`` the up-front estimate
of a verification's work.

Stage 5 of the pipeline.  May import: core, statements, render (the printer, for details),
layout (the printed rows a check compares).
"""

from __future__ import annotations

from .definition import check_definition, definition_outputs, definition_rows
from .dilation import check_dilation
from .formulas import check_formulas
from .general import GeneralResult, check_general
from .kronecker import check_kronecker
from .numeric import TORCH_INSTALL, check_numeric, numpy_reference, random_values
from .padding import check_padding_split, expected_split
from .polyphase import check_polyphase
from .printed import check_printed_rows
from .result import TITLES, CheckResult, not_applicable
from .stride import check_stride
from .tools import same, variant
from .transposition import check_transposition

__all__ = [
    "TITLES", "TORCH_INSTALL", "CheckResult", "GeneralResult", "check_definition",
    "check_dilation", "check_formulas", "check_general", "check_kronecker", "check_numeric",
    "check_padding_split", "check_polyphase", "check_printed_rows", "check_stride",
    "check_transposition", "definition_outputs", "definition_rows", "expected_split",
    "not_applicable", "numpy_reference", "random_values", "same", "variant",
]
