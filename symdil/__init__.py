"""symdil: dilated and strided convolutions as exact symbolic matrices, verified and typeset.

The public API: ``Conv`` (the operator), ``verify`` (the checks), ``derive``/``Derivation`` (LaTeX
and Markdown derivations), ``Handout`` (exercise sheets), ``statements`` (what a derivation
states, each with ``holds``), ``SymdilError`` (every invalid argument).
"""

from . import statements  # callable: symdil.statements(op); also the package symdil.statements.*
from .conv import Conv
from .derivation import Derivation, derive
from .handout import Handout
from .spec import SymdilError
from .verification import VerificationReport, verify

__version__ = "0.1.0"
__all__ = [
    "Conv",
    "Derivation",
    "Handout",
    "SymdilError",
    "VerificationReport",
    "derive",
    "statements",
    "verify",
    "__version__",
]
