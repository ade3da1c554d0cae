"""``Derivation``: the document of one operator -- its statements (``symdil.statements``), its
context (``LineContext`` in 1-D, ``BlockContext`` for N-D and channels) and its rendering through
the templates (``symdil.render``); ``derive`` is the one-call form."""

from __future__ import annotations

from typing import Any

from ..core.conv import Conv
from ..core.limits import check_derivation
from ..core.spec import SymdilError, plain_int
from ..layout.elision import DEFAULT_MAX_COLS, DEFAULT_MAX_ROWS
from ..layout.matrices import matrix_equation
from ..layout.width import estimate_units, line_width, using_width
from ..render.printer import SymdilLatexPrinter
from ..statements.facts import BlockFacts, Facts
from .line import LineContext
from .report import normalize_verification

FORMATS = ("latex", "markdown", "html")


def _check_limit(name: str, value: Any) -> int:
    value = plain_int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 3:
        raise SymdilError(f"{name} must be an integer >= 3 (first entries, an ellipsis and the "
                          f"last entry), got {value!r}")
    return value


class Derivation:
    """The derivation of a ``Conv``: 1-D with one channel (concrete, or the general case
    ``n="n"``), or N-D and/or with channels (the block structure; concrete sizes).

    ``max_rows``/``max_cols`` bound the displayed matrices (counting the ellipsis); larger ones are
    elided and only their visible entries are built, so the cost does not depend on n.
    """

    def __init__(self, op: Conv, max_rows: int = DEFAULT_MAX_ROWS,
                 max_cols: int = DEFAULT_MAX_COLS, width: Any = None) -> None:
        if not isinstance(op, Conv):
            raise SymdilError(f"derive needs a symdil.Conv, got {type(op).__name__}")
        self.op = op
        self.max_rows = _check_limit("max_rows", max_rows)
        self.max_cols = _check_limit("max_cols", max_cols)
        # points: every display is laid out to fit it (None: a two-column paper's column for a
        # snippet, a one-column page for a standalone document)
        self.width = None if width is None else line_width(width)
        check_derivation(op, self.max_rows, self.max_cols)  # refuse oversized work up front
        self.printer = SymdilLatexPrinter()
        self.axis = op.axes[0]
        # N-D or several channels: the block structure (see BlockContext)
        self._blocks = None
        self._statement_results: list | None = None
        if op.ndim > 1 or op.in_channels > 1 or op.out_channels > 1:
            from .blocks import BlockContext  # N-D only: kept off a 1-D derivation's start-up

            self._blocks = BlockContext(op, self.max_rows, self.max_cols)
            self.facts = self._blocks.facts  # a BlockFacts
            return
        self._line = LineContext(op, self.max_rows, self.max_cols)
        self.facts: Facts | BlockFacts = self._line.facts

    # ----- statements ------------------------------------------------------------------------
    @property
    def statements(self) -> list:
        """The ordered statements this document makes: ``symdil.statements(op)`` and, in 1-D, what
        the printed matrix shows (``elision``, from the layout printed; in the general case
        ``valid_from`` raised until that sketch is right).  Every one is phrased in the document
        (``symdil.render.phrasing``) and evaluated by ``--verify``."""
        if "_statements" not in self.__dict__:
            from ..statements import statements

            made = statements(self.op)
            if self._blocks is None:  # what the document shows of the matrix
                made = made + self._line.shown_statements()
                if self.op.symbolic:
                    made = self._line.with_sketch_bound(made)
            self.__dict__["_statements"] = made
        return self.__dict__["_statements"]

    def check_statements(self) -> list:
        """``[(statement, holds)]`` for every statement, evaluated on the operator's own rows
        (the general case: on its instances n = bound ... bound + 3s + K)."""
        if self._statement_results is None:
            from ..statements import check_statements

            self._statement_results = check_statements(self.op, self.statements)
        return self._statement_results

    def statement_checks(self) -> list[dict[str, Any]]:
        """One verification check per statement kind of the document (title, detail)."""
        from .statements import statement_checks

        return statement_checks(self.op, self.check_statements())

    # ----- public ----------------------------------------------------------------------------
    def render(self, fmt: str = "latex", standalone: bool = False, templates: Any = None,
               verification: Any = None, title: str | None = None, figures: bool = False,
               figure_stem: str | None = None) -> str:
        """The derivation as LaTeX, Markdown or HTML (see ``derive``).  ``figures``: the window
        and matrix figures (``symdil.figures``) too -- TikZ in LaTeX, inline SVG in HTML, in
        Markdown links to ``<figure_stem>-window.svg`` and ``-matrix.svg``
        (``symdil.figures.embed.figure_files`` gives them)."""
        from ..render.environment import (
            check_title,
            latex_text_error,
            needs_latin_fonts,
            render_document,
        )

        if fmt not in FORMATS:
            raise SymdilError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        check_title(title)
        if fmt == "latex" and title is not None:
            error = latex_text_error(title, "title")
            if error is not None:
                raise error
        width = self.width if self.width is not None else line_width(
            "page" if standalone or fmt == "html" else "column")
        with using_width(width):
            context = self.context()
        context["line_width"] = estimate_units(width)
        section = normalize_verification(verification)
        if section is not None:
            # a verified document also evaluates every statement it makes
            checks = self.statement_checks()
            failed = [check["name"] for check in checks if not check["passed"]]
            if failed:
                raise SymdilError(f"verification failed ({', '.join(failed)}); the derivation "
                                  "is not rendered with a false statement in it")
            # one informative line for all of them (the per-kind records stay in JSON / the API)
            from .statements import statement_summary

            summary = statement_summary(self.op, self.check_statements())
            section["checks"] = section["checks"] + [summary]
        context["verification"] = section
        context["title"] = title
        context["standalone"] = bool(standalone)
        context["figures"] = None
        if figures:
            from ..figures.embed import figure_context

            context["figures"] = figure_context(self.op, fmt, figure_stem, width)
        prose = [title]
        if section is not None:
            prose += [section["statement"]] + [
                check[key] for check in section["checks"] + section["not_applicable"]
                for key in ("name", "detail", "title")]
        context["latin_fonts"] = needs_latin_fonts(*prose)
        return render_document(fmt, standalone, context, templates)

    def _repr_markdown_(self) -> str:
        return self.render("markdown", standalone=False)

    def _repr_latex_(self) -> str:
        return "$$\n" + self.math_matrix_equation() + "\n$$"

    def math_matrix_equation(self) -> str:
        with using_width(line_width(self.width)):
            return self._math_matrix_equation()

    def _math_matrix_equation(self) -> str:
        if self._blocks is not None:
            return self._blocks.matrix_equation()
        return matrix_equation(self.op, self.max_rows, self.max_cols)

    # ----- context ---------------------------------------------------------------------------

    def context(self) -> dict[str, Any]:
        """Everything the templates use: numbers, flags, words-free pre-printed LaTeX math."""
        from .statements import views

        stated, stated_all = views(self.statements, self.op)
        if self._blocks is not None:
            from .statements import by_axis

            context = self._blocks.context()
            context.update(stated=stated, stated_all=stated_all,
                           stated_axis=by_axis(self.statements, self.op))
            folded_back = {st.params["axis"] for st in self.statements
                           if st.kind == "padding_only_taps"}
            slices: dict[tuple[str, int], tuple[int, ...]] = {
                (st.kind, st.params["axis"]): tuple(st.params["slices"])
                for st in self.statements if st.kind in ("zero_slices", "empty_slices")}
            for level, facts in zip(context["levels"], self._blocks.facts.levels):
                level["folded_back"] = level["axis"] in folded_back
                for kind in ("zero_slices", "empty_slices"):
                    chosen = slices.get((kind, level["axis"]), ())
                    level[kind] = {"count": len(chosen), "labels": ", ".join(
                        self.printer._print(facts.labels[t]) for t in chosen)}
            return context
        context = self._line.context()
        context.update(stated=stated, stated_all=stated_all)
        return context


def derive(
    op: Conv,
    fmt: str = "latex",
    standalone: bool = False,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cols: int = DEFAULT_MAX_COLS,
    templates: Any = None,
    verification: Any = None,
    title: str | None = None,
    width: Any = None,
) -> str:
    """The step-by-step derivation of ``op`` as LaTeX (``fmt="latex"``) or Markdown.

    LaTeX: a snippet for ``\\input`` (needs ``amsmath``) unless ``standalone``, then a complete
    ``article``.  Markdown: math in ``$…$``/``$$…$$`` (GitHub, KaTeX); ``standalone`` adds the
    title.
    ``title`` (prose, escaped) applies to standalone documents only.  ``templates`` is a folder
    whose files override the built-in templates by name.  Same input, byte-identical output.
    """
    if title is not None and not standalone:
        raise SymdilError("title applies to standalone documents; pass standalone=True "
                          "(--standalone) with it")
    return Derivation(op, max_rows, max_cols, width).render(fmt, standalone, templates,
                                                            verification, title)
