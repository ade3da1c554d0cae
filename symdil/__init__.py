"""symdil: dilated and strided convolutions as exact symbolic matrices, verified and typeset."""

from .conv import Conv
from .spec import SymdilError
from .verify import VerificationReport, verify

__version__ = "0.1.0"
__all__ = ["Conv", "SymdilError", "VerificationReport", "verify", "__version__"]
