"""Rendering: one sandboxed Jinja2 environment, template lookup, escaping, and PDF compilation.

Templates use nbconvert-style delimiters that cannot clash with TeX -- ``((* … *))`` blocks,
``((( … )))`` variables, ``((= … =))`` comments -- with ``StrictUndefined`` (a missing variable
is an error naming the template and the variable), ``trim_blocks``/``lstrip_blocks``, and
autoescape off: math arrives pre-printed, and prose from users goes through the explicit
``latex_escape`` / ``markdown_escape`` filters, so ``\\input``, ``\\write18`` or ``\\catcode``
can never be injected.  Templates are code: every environment is Jinja2's
``SandboxedEnvironment``, and every template problem is one ``SymdilError`` naming the file and
line.

Layout: ``body/<document>.j2`` hold each document's words once; a format is
``<format>/markup.j2`` (the macros the bodies call: em, code, display, itemize, heading, …) plus
page shells (``<format>/derivation.*.j2``, ``document.*.j2``, ``handout*.j2``) that set ``markup``
and include a body.

Lookup: a user folder (``templates=DIR``, ``--templates DIR``) first, then the built-in templates --
inside the installed package (``symdil/templates``, force-included in the wheel), else the top-level
``templates/`` folder beside the source checkout (editable installs).  A file in the user folder
that is a symbolic link leading out of it is refused.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from ..core.spec import SymdilError

# compile_pdf lives in symdil.pdf (output files and their clean-up); still importable from here
from .pdf import PDFLATEX_INSTALL, compile_pdf  # noqa: F401

TEMPLATE_NAMES = {
    ("latex", False): "latex/derivation.tex.j2",
    ("latex", True): "latex/document.tex.j2",
    ("markdown", False): "markdown/derivation.md.j2",
    ("markdown", True): "markdown/document.md.j2",
    ("html", False): "html/derivation.html.j2",
    ("html", True): "html/document.html.j2",
}


def builtin_templates() -> Path:
    """The built-in template folder: in the installed package, else beside the checkout."""
    package = Path(__file__).resolve().parent.parent  # symdil/
    packaged = package / "templates"
    if packaged.is_dir():
        return packaged
    checkout = package.parent / "templates"
    if checkout.is_dir():
        return checkout
    raise SymdilError(f"the built-in templates are missing (looked in {packaged} and {checkout})")


# --------------------------------------------------------------------------------------------
# Escaping prose
# --------------------------------------------------------------------------------------------

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': "''",
}


#: The characters beyond ASCII that pdflatex typesets from UTF-8 input (T1 fonts loaded): the
#: accented Latin letters and ligatures, quotes, dashes and text symbols (``€``, ``×``, ``…``,
#: ``→``) that LaTeX itself declares -- ``t1enc.dfu``, ``ts1enc.dfu``, ``ot1enc.dfu``,
#: ``omsenc.dfu`` and ``utf8.def`` -- without the invisible ones (soft hyphen, zero-width
#: joiners).  Inclusive ranges; tests compile every one of them.
PDFLATEX_RANGES = (
    (0x00A0, 0x00AC), (0x00AE, 0x0125), (0x0128, 0x0137), (0x0139, 0x013E), (0x0141, 0x0148),
    (0x014A, 0x0165), (0x0168, 0x017E), (0x0192, 0x0192), (0x01C4, 0x01D4), (0x01E2, 0x01E3),
    (0x01E6, 0x01EB), (0x01F0, 0x01F0), (0x01F4, 0x01F5), (0x0218, 0x021B), (0x0232, 0x0233),
    (0x0237, 0x0237), (0x02C6, 0x02C7), (0x02D8, 0x02D9), (0x02DB, 0x02DD), (0x0E3F, 0x0E3F),
    (0x1E02, 0x1E03), (0x1E0D, 0x1E0D), (0x1E1E, 0x1E21), (0x1E25, 0x1E25), (0x1E30, 0x1E31),
    (0x1E37, 0x1E37), (0x1E43, 0x1E43), (0x1E45, 0x1E45), (0x1E47, 0x1E47), (0x1E5B, 0x1E5B),
    (0x1E63, 0x1E63), (0x1E6D, 0x1E6D), (0x1E8E, 0x1E91), (0x1E9E, 0x1E9E), (0x1EF2, 0x1EF3),
    (0x2010, 0x2016), (0x2018, 0x201A), (0x201C, 0x201E), (0x2020, 0x2022), (0x2026, 0x2026),
    (0x2030, 0x2031), (0x2039, 0x203B), (0x203D, 0x203D), (0x2044, 0x2044), (0x204E, 0x204E),
    (0x2052, 0x2052), (0x20A1, 0x20A1), (0x20A4, 0x20A4), (0x20A6, 0x20A6), (0x20A9, 0x20A9),
    (0x20AB, 0x20AC), (0x20B1, 0x20B1), (0x2103, 0x2103), (0x2116, 0x2117), (0x211E, 0x211E),
    (0x2120, 0x2120), (0x2122, 0x2122), (0x2126, 0x2127), (0x212E, 0x212E), (0x2190, 0x2193),
    (0x2329, 0x232A), (0x2422, 0x2423), (0x25E6, 0x25E6), (0x25EF, 0x25EF), (0x266A, 0x266A),
    (0x27E8, 0x27E9), (0x3008, 0x3009), (0xFB00, 0xFB06),
)


def is_latin(char: str) -> bool:
    """Whether pdflatex can typeset ``char`` from UTF-8 with T1 fonts (printable ASCII or one of
    ``PDFLATEX_RANGES``)."""
    code = ord(char)
    return 32 <= code < 127 or any(low <= code <= high for low, high in PDFLATEX_RANGES)


def latex_text_error(text: Any, what: str = "text") -> SymdilError | None:
    """The error for prose that pdflatex cannot typeset (None when it can): the first character
    that is neither Latin text nor a line break, named with its code point."""
    for char in str(text):
        if char in _WHITESPACE or is_latin(char):
            continue
        name = unicodedata.name(char, "a control character" if ord(char) < 32 or
                                0x7F <= ord(char) < 0xA0 else "unnamed")
        return SymdilError(
            f"{what} has the character {char!r} (U+{ord(char):04X} {name}), which pdflatex "
            "cannot typeset: only Latin text (ASCII, accented Latin letters, the quotes, dashes "
            "and text symbols LaTeX declares) can be (Markdown keeps every character)")
    return None


def check_title(title: Any) -> None:
    """A document title, for every format: a string without control characters (NUL, BEL, ESC,
    DEL, the C1 controls), surrogates or non-characters -- code points no HTML page may hold and
    no reader would see; a tab or a line break is spacing."""
    if title is None:
        return
    if not isinstance(title, str):
        raise SymdilError(f"title must be a string, got {title!r}")
    for char in title:
        code = ord(char)
        if char in "\t\n" or not (code < 32 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000
                                   or 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE):
            continue
        raise SymdilError(f"title has the character {char!r} (U+{code:04X}), a control or "
                          "non-character code point that no document format may hold: remove it")


def needs_latin_fonts(*texts: Any) -> bool:
    """Whether prose holds characters beyond ASCII, for which a standalone document loads T1
    fonts and UTF-8 input (ASCII-only documents keep LaTeX's default fonts)."""
    return any(text is not None and not str(text).isascii() for text in texts)


_WHITESPACE = "\t\r\n\f\v"


def latex_escape(text: Any) -> str:
    """Prose for LaTeX: every TeX special character becomes a command that typesets it (``\\``,
    ``{``, ``$``, ``&``, ``#``, ``%``, ``_``, ``^``, ``~``, ``<``, ``>``, ``|``; ``"`` as ``''``);
    line breaks and tabs become spaces.  Latin letters with accents, quotes, dashes and the text
    symbols of ``PDFLATEX_RANGES`` stay as typed (a standalone document loads T1 fonts for them).
    Any other character -- Greek, CJK, math symbols, control characters -- raises ``SymdilError``
    naming it: nothing is dropped or replaced silently.  No command, group or ``^^`` escape
    survives.
    """
    error = latex_text_error(text)
    if error is not None:
        raise error
    out = []
    for char in str(text):
        if char in _LATEX_SPECIALS:
            out.append(_LATEX_SPECIALS[char])
        elif char in _WHITESPACE:
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def latex_code(text: Any) -> str:
    """Code for ``\\texttt``: as ``latex_escape``, except that ``"`` stays a straight quote
    (typewriter fonts print it as typed); after a comma a line may break, or stretch (a long
    list such as ``--kinds a,b,c`` is one word otherwise, wider than the page)."""
    return "".join('"' if char == '"' else r",\hspace{0pt plus 2em}" if char == "," else
                   latex_escape(char) for char in str(text))


# --------------------------------------------------------------------------------------------
# The environment
# --------------------------------------------------------------------------------------------


def environment(user_dir: str | None = None) -> jinja2.Environment:
    """The sandboxed Jinja2 environment (user folder first, then the built-ins).  The built-in
    one is cached; with a user folder a fresh environment reads the user's current files."""
    if user_dir is None:
        return _builtin_environment()
    return _make_environment(user_dir)


@lru_cache(maxsize=1)
def _builtin_environment() -> jinja2.Environment:
    return _make_environment(None)


class _FolderLoader(jinja2.FileSystemLoader):
    """A template folder whose files must be UTF-8 text inside the folder: a symbolic link that
    leads out of it is refused, and an unreadable or non-UTF-8 file is an error naming it."""

    def __init__(self, folder: str) -> None:
        super().__init__(folder)
        self.folder = os.path.realpath(folder)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        path = os.path.join(self.folder, *jinja2.loaders.split_template_path(template))
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        target = os.path.realpath(path)
        if os.path.commonpath([self.folder, target]) != self.folder:
            raise SymdilError(f"template {template} is a symbolic link to {target}, outside "
                              f"the templates folder {self.folder}; refused")
        if not os.path.isfile(target):
            raise SymdilError(f"template {template} is not a regular file")
        try:
            with open(target, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise SymdilError(f"template {template} cannot be read: "
                              f"{error.strerror or error}") from None
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            raise SymdilError(f"template {template}, line {line}: not UTF-8 text (byte "
                              f"0x{data[error.start]:02x})") from None
        mtime = os.path.getmtime(target)
        return source, path, lambda: os.path.getmtime(target) == mtime


#: What one ``*`` or ``**`` in a template may build: a text or list of 10^7 items, a number of
#: 10^5 bits (``'x' * 10**11`` or ``10 ** 10 ** 10`` would exhaust memory or never finish).
MAX_TEMPLATE_ITEMS = 10**7
MAX_TEMPLATE_BITS = 10**5


class _Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox with bounded ``*`` and ``**`` (it already bounds ``range``)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if (isinstance(seq, (str, list, tuple)) and isinstance(count, int)
                        and len(seq) * count > MAX_TEMPLATE_ITEMS):
                    raise SecurityError(f"a repetition of more than {MAX_TEMPLATE_ITEMS:,} "
                                        "items")
        elif (isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1
              and right * abs(left).bit_length() > MAX_TEMPLATE_BITS):
            raise SecurityError(f"a power of more than {MAX_TEMPLATE_BITS:,} bits")
        return super().call_binop(context, operator, left, right)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (compiling them is most of a small derivation's
    time): a folder of the temporary directory private to this user (created 0700; refused if
    someone else owns it, it is a link or others may write it), keyed by the Jinja2 version and
    symdil's delimiters; None when no such folder can be had -- templates are then compiled."""
    import stat
    import tempfile

    name = f"symdil-jinja2-{os.getuid() if hasattr(os, 'getuid') else 0}-{jinja2.__version__}"
    folder = os.path.join(tempfile.gettempdir(), name)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
        if (not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o077
                or (hasattr(os, "getuid") and info.st_uid != os.getuid())):
            return None
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(folder, "%s.cache")


def _make_environment(user_dir: str | None) -> jinja2.Environment:
    # Templates are code: a user's folder (or a build file's) must not run any, so every
    # environment is sandboxed -- no attribute starting with "_", no unsafe callables, bounded
    # range(), * and **.
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(_FolderLoader(user_dir))
    loaders.append(_FolderLoader(str(builtin_templates())))
    env = _Sandbox(
        loader=jinja2.ChoiceLoader(loaders),
        block_start_string="((*",
        block_end_string="*))",
        variable_start_string="(((",
        variable_end_string=")))",
        comment_start_string="((=",
        comment_end_string="=))",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["latex_escape"] = latex_escape
    env.filters["latex_code"] = latex_code
    from .html import html_escape, text_only

    env.filters["html_escape"] = html_escape
    env.filters["text_only"] = text_only
    env.filters["markdown_escape"] = markdown_escape
    from .phrasing import checked, counted, phrase

    env.globals.update(phrase=phrase, checked=checked, counted=counted)
    return env


def _user_dir(templates: Any) -> str | None:
    if templates is None:
        return None
    path = Path(templates)
    if not path.is_dir():
        raise SymdilError(f"templates folder {str(path)!r} does not exist or is not a folder")
    return str(path.resolve())


def _template_frame(error: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line of a rendering error (Jinja rewrites tracebacks so
    template frames carry the template's file name and line)."""
    name, line = None, None
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            name, line = filename, tb.tb_lineno
        tb = tb.tb_next
    return name, line


def _short(path: str | None, roots: list[str]) -> str:
    if path is None:
        return "?"
    for root in roots:
        if path.startswith(root + os.sep):
            return path[len(root) + 1:]
    return path


def render_template(name: str, context: dict[str, Any], templates: Any = None) -> str:
    """Render template ``name`` with ``context`` in the sandbox.  Every template problem -- a
    syntax error, a missing variable, a Python error inside a template, an unsafe attribute, a
    template that includes itself, a file that is unreadable, not UTF-8 or a symbolic link out
    of the folder -- becomes one SymdilError naming the template file (and line)."""
    user = _user_dir(templates)
    env = environment(user)
    roots = [r for r in (user, str(builtin_templates())) if r]
    try:
        text = env.get_template(name).render(**context)
        if context.get("line_width"):  # every display made to fit the document's width
            from .fit import fit_displays

            fmt = "latex" if name.endswith(".tex.j2") else "dollars"
            text = fit_displays(text, fmt, context["line_width"])
        if name.endswith(".html.j2"):  # math to MathML, blocks to paragraphs
            from .html import finish_html

            text = finish_html(text)
        elif name.endswith(".moodle.j2"):  # TeX maths for MathJax, blocks to paragraphs
            from .mathjax import finish_mathjax

            text = finish_mathjax(text)
        return text
    except SymdilError:
        raise
    except jinja2.TemplateNotFound as error:
        raise SymdilError(f"template {error.name!r} not found (looked in "
                          f"{', '.join(roots)})") from None
    except jinja2.TemplateSyntaxError as error:
        where = _short(error.filename, roots) if error.filename else error.name
        raise SymdilError(f"template {where}, line {error.lineno}: {error.message}") from None
    except jinja2.UndefinedError as error:
        file, line = _template_frame(error)
        variable = _undefined_name(str(error))
        raise SymdilError(f"template {_short(file, roots)}, line {line}: undefined variable "
                          f"{variable} ({error.message})") from None
    except SecurityError as error:
        file, line = _template_frame(error)
        raise SymdilError(f"template {_short(file, roots)}, line {line}: refused by the "
                          f"sandbox: {error}") from None
    except RecursionError as error:
        file, line = _template_frame(error)
        raise SymdilError(f"template {_short(file, roots)}, line {line}: templates include "
                          "or call each other without end") from None
    except Exception as error:  # a Python error inside a template: the template is at fault
        file, line = _template_frame(error)
        message = str(error).splitlines()[0] if str(error) else ""
        raise SymdilError(f"template {_short(file, roots)}, line {line}: "
                          f"{type(error).__name__}" + (f": {message}" if message else "")
                          ) from None


def _undefined_name(message: str) -> str:
    match = re.search(r"'([^']+)' is undefined", message) or re.search(
        r"has no attribute '([^']+)'", message)
    return repr(match.group(1)) if match else "?"


def render_document(fmt: str, standalone: bool, context: dict[str, Any],
                    templates: Any = None) -> str:
    """Render the derivation document (snippet or standalone) for ``fmt``."""
    text = render_template(TEMPLATE_NAMES[(fmt, bool(standalone))], context, templates)
    return text if text.endswith("\n") else text + "\n"


# --------------------------------------------------------------------------------------------
# Jupyter and PDF
# --------------------------------------------------------------------------------------------


_MARKDOWN_TEXT_SPECIALS = set("\\`*_$[]|~")
_ENTITY_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_LINE_START_RE = re.compile(r"([#+\-]|[0-9]+[.)])")


def markdown_escape(text: Any) -> str:
    """Prose for Markdown, escaping only what Markdown would read: backslash, ``*``, ``_``,
    backtick, ``$`` (math), ``[``/``]`` (links), ``|`` (tables), ``~`` (strikethrough); ``<``
    and ``>`` become entities (no HTML), ``&`` only where it would start an entity; at the start
    of the text ``#``, ``+``, ``-`` and ``1.`` (headings, list items).  Parentheses, dots and
    other punctuation stay as typed, so the raw Markdown reads naturally and no ``\\(``…``\\)``
    is left for MathJax/KaTeX auto-render to take as math.  Line breaks become spaces."""
    text = str(text)
    out = []
    for index, char in enumerate(text):
        if char == "<":
            out.append("&lt;")
        elif char == ">":
            out.append("&gt;")
        elif char == "&" and _ENTITY_RE.match(text, index):
            out.append("&amp;")
        elif char in _MARKDOWN_TEXT_SPECIALS:
            out.append("\\" + char)
        elif char in "\t\r\n\f\v" or ord(char) < 32:
            out.append(" ")
        else:
            out.append(char)
    escaped = "".join(out)
    start = _LINE_START_RE.match(escaped)
    if start:
        marker = start.group(1)
        escaped = (marker[:-1] + "\\" + marker[-1]) + escaped[len(marker):]
    return escaped
