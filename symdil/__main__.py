"""``python -m symdil``: the same as the ``symdil`` command."""

from .cli import main

main()
