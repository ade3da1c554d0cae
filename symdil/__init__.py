"""symdil: dilated and strided convolutions as exact symbolic matrices, verified and typeset.

The public API: ``Conv`` (the operator), ``verify`` (the checks), ``derive``/``Derivation`` (LaTeX
and Markdown derivations), ``Handout`` (exercise sheets), ``statements`` (what a derivation
states, each statement with ``holds``), ``Stack`` (a chain of layers), ``from_torch`` (a PyTorch
model as a Conv or Stack), ``SymdilError`` (every invalid argument).

The names are imported on first use, so ``import symdil`` (and the ``symdil`` command's
``--version`` and ``--help``) does not pay for SymPy, NumPy and Jinja2 up front.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .core.errors import SymdilError

__version__ = "0.1.0"

#: public name -> the module that defines it
_LAZY = {
    "Conv": "core.conv",
    "Derivation": "derivation",
    "derive": "derivation",
    "Handout": "handout.document",
    "VerificationReport": "checks.verify",
    "verify": "verification",
    "Stack": "stack.model",
    "SingleConv": "stack.model",
    "from_torch": "stack.torch_model",
    "statements": "statements",  # the package itself, callable: symdil.statements(op)
}

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
    "statements",
    "verify",
    "__version__",
]

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from . import statements
    from .checks.verify import VerificationReport
    from .core.conv import Conv
    from .derivation import Derivation, derive
    from .handout.document import Handout
    from .stack.model import SingleConv, Stack
    from .stack.torch_model import from_torch
    from .verification import verify


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'symdil' has no attribute {name!r}")
    value = importlib.import_module(f".{module}", __name__)
    if name != "statements":  # the statements package is callable and stays a package
        value = getattr(value, name)
    globals()[name] = value  # later look-ups do not come back here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
