"""Entry point, builds: a TOML build file read and validated (``file``) and every target rendered,
checked and written (``run``).

May import: every stage.
"""
