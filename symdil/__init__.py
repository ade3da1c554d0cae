"""symdil: dilated and strided convolutions as exact symbolic matrices, verified and typeset.

The public API: ``Conv`` (the operator), ``verify`` (the checks), ``derive``/``Derivation`` (LaTeX
and Markdown derivations), ``Handout`` (exercise sheets), ``Stack`` (a chain of layers),
``from_torch`` (a PyTorch model as a Conv or Stack), ``SymdilError`` (every invalid argument).
"""

from .conv import Conv
from .derivation import Derivation, derive
from .handout import Handout
from .spec import SymdilError
from .stack import SingleConv, Stack
from .torch_model import from_torch
from .verification import VerificationReport, verify

__version__ = "0.1.0"
__all__ = [
    "Conv",
    "Derivation",
    "Handout",
    "SingleConv",
    "Stack",
    "SymdilError",
    "VerificationReport",
    "derive",
    "from_torch",
    "verify",
    "__version__",
]
