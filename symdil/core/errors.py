"""The one exception type of invalid input (free of imports, so the CLI starts fast)."""


class SymdilError(ValueError):
    """An invalid argument: the message names the parameter, the value and what is allowed."""
