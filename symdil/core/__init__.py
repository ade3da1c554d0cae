"""Stage 1, the core: the validated geometry (``spec``), the sparse rows (``operator``), the
``Conv`` operator, symbol names (``symbols``), work limits (``limits``), the reading of option
texts (``options``) and ``SymdilError`` (``errors``).

May import: numpy, sympy and the standard library -- no other stage (the one exception is
``Conv._repr_latex_``, the notebook display, which imports ``layout`` when a notebook asks).
No strings for a reader, no LaTeX, no Jinja2.
"""
