"""Stage 4, layout: which rows and columns of a matrix are shown (``elision``) and the elided matrix
equation and block matrices as LaTeX (``matrices``) -- one policy shared by the matrix command,
derivations, HTML and figures.

May import: core, statements, render.
"""
