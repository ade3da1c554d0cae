"""symdil: dilated and strided convolutions as exact symbolic matrices, verified and typeset."""

from .conv import Conv
from .spec import SymdilError

__version__ = "0.1.0"
__all__ = ["Conv", "SymdilError", "__version__"]
