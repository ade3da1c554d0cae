"""Stage 3, rendering machinery: the SymPy LaTeX/str printer (``printer``), the sandboxed Jinja2
environment and escapes (``environment``), HTML (``html``), plain-text runs of LaTeX labels
(``plain``) and PDF compilation (``pdf``).

May import: core, statements.  Rendering never recomputes mathematics; a template phrases what
the stages below decided.
"""
