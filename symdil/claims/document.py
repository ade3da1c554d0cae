r"""``check_document``: the annotated displays of a paper (``.tex`` or ``.md``), each checked.

An annotation is a comment just before a display: ``% symdil: --n 6 --kernel 2 --dilation 2`` in
LaTeX, ``<!-- symdil: --n 6 --kernel 2 -->`` in Markdown, with the options of ``symdil verify``
(``--n``, ``--kernel``, ``--stride``, ``--dilation``, ``--padding``, ``--padding-mode``,
``--flip``, ``--transposed``, ``--output-padding``, ``--input-symbol``, ``--kernel-symbol``,
``--output-symbol``,
``--in-channels``, ``--out-channels``, ``--groups``) and ``--index-base``, ``--input-values``.
It applies to the first display after it (``\[ … \]``, ``$$ … $$``, an equation-like
environment, or matrices standing outside any display).  Displays without an annotation are not
read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from ..core.spec import SymdilError
from .compare import compare_claim
from .errors import ClaimParseError
from .limits import check_size
from .model import FAIL, NOT_CHECKED, PASS, Claim, ClaimResult
from .reader import parse_claim
from .tex import displays, line_col, unescape_markdown

_ANNOTATION_RE = re.compile(r"^[ \t]*(?:%+[ \t]*symdil:(?P<tex>[^\n]*)"
                            r"|<!--[ \t]*symdil:(?P<md>.*?)-->)", re.M | re.S)
_SHORT = {"-k": "--kernel", "-s": "--stride", "-d": "--dilation", "-p": "--padding"}
_VALUED = {"--n", "--kernel", "--stride", "--dilation", "--padding", "--padding-mode",
           "--output-padding", "--input-symbol", "--kernel-symbol", "--output-symbol",
           "--in-channels",
           "--out-channels", "--groups", "--index-base", "--input-values"}
_FLAGS = {"--flip", "--transposed"}


@dataclass(frozen=True)
class DisplayVerdict:
    """One annotated display: ``verdict`` is ``passed``, ``failed``, ``not checked`` (nothing in
    it that states the convolution could be compared) or ``error`` (bad annotation or unreadable
    display)."""

    line: int
    annotation: str
    verdict: str
    detail: str
    result: ClaimResult | None = None


#: The exit status of ``symdil check``: the most serious verdict of any display decides.
EXIT_STATUS = (("error", 2), ("failed", 1), ("not checked", 3))


@dataclass(frozen=True)
class DocumentReport:
    source: str
    displays: tuple[DisplayVerdict, ...]

    @property
    def exit_code(self) -> int:
        """2 when an annotation or display cannot be read, else 1 when a display fails, else 3
        when a display holds nothing checkable or there is no annotated display at all (a
        misspelt annotation must not pass a paper vacuously), else 0."""
        if not self.displays:
            return 3
        verdicts = {d.verdict for d in self.displays}
        return next((code for verdict, code in EXIT_STATUS if verdict in verdicts), 0)

    def text(self) -> str:
        lines = []
        for d in self.displays:
            lines.append(f"{self.source}:{d.line}: {d.verdict.upper()}  [{d.annotation}]")
            if d.result is None or not d.result.objects:
                lines.append(f"    {d.detail}")
                continue
            prefix = d.detail.split(": ", 1)[0] + ":" if d.detail.startswith(("for n", "with n")) \
                else ""
            if prefix:
                lines.append(f"    {prefix}")
            if d.verdict == "not checked":
                lines.append("    nothing that states the convolution could be compared:")
            for obj in d.result.objects:
                lines.append(f"    - {obj.status}: {obj.detail}")
                if obj.hint and obj.status == "skipped":
                    lines.append(f"      (to check it: {obj.hint})")
                for row in obj.rows:
                    lines += [f"      {line}" for line in row.lines()]
            for note in d.result.notes:
                lines.append(f"    note: {note}")
        counts = {v: sum(1 for d in self.displays if d.verdict == v)
                  for v in ("passed", "failed", "not checked", "error")}
        summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
        lines.append(f"{len(self.displays)} annotated display"
                     f"{'' if len(self.displays) == 1 else 's'}" + (f": {summary}" if summary
                                                                    else ""))
        if not self.displays:
            lines.append("nothing was checked: annotate a display with a line such as "
                         "% symdil: --n 6 --kernel 2 (Markdown: <!-- symdil: --n 6 --kernel 2 -->)")
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "exit_code": self.exit_code, "displays": [
            {"line": d.line, "annotation": d.annotation, "verdict": d.verdict, "detail": d.detail,
             **({k: v for k, v in d.result.to_json().items() if k in ("objects", "notes")}
                if d.result else {"objects": []})}
            for d in self.displays]}


def parse_annotation(words: str) -> tuple[dict[str, Any], int | None, list[str] | None]:
    """``--n 6 --kernel 2`` -> (options for ``conv_from_options``, index base, input values)."""
    tokens = split_words(words)
    options: dict[str, Any] = {}
    index_base, values = None, None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        name, _, inline = token.partition("=")
        name = _SHORT.get(name, name)
        if name in _FLAGS and not inline:
            options[name[2:].replace("-", "_")] = True
            i += 1
            continue
        if name not in _VALUED:
            raise SymdilError(f"unknown option {token!r} in the annotation (allowed: "
                              f"{', '.join(sorted(_VALUED | _FLAGS))})")
        if inline:
            value = inline
        elif i + 1 < len(tokens):
            value = tokens[i + 1]
            i += 1
        else:
            raise SymdilError(f"option {name} needs a value")
        i += 1
        if name == "--index-base":
            if value not in ("0", "1"):
                raise SymdilError(f"--index-base must be 0 or 1, got {value!r}")
            index_base = int(value)
        elif name == "--input-values":
            values = parse_values(value)
        else:
            options[name[2:].replace("-", "_")] = value
    if "n" not in options or "kernel" not in options:
        raise SymdilError("the annotation must give --n and --kernel")
    return options, index_base, values


_WORD_RE = re.compile(r'"(?P<quoted>[^"]*)"|(?P<word>(?:\\[A-Za-z]+\s+(?=[A-Za-z\\{])|'
                      r'\{[^{}\s]*\}|[^\s"{}])+)')


def split_words(words: str) -> list[str]:
    r"""The words of an annotation: split at spaces, except inside double quotes and after an
    accent command (``--kernel-symbol \tilde w``); a single quote is a prime (``w'``), not a
    quote."""
    tokens, position = [], 0
    for match in _WORD_RE.finditer(words):
        gap = words[position:match.start()]
        if gap.strip():
            raise SymdilError(f"the annotation cannot be split into options near {gap.strip()!r}")
        tokens.append(match["quoted"] if match["quoted"] is not None else match["word"])
        position = match.end()
    if words[position:].strip():
        raise SymdilError(f"the annotation cannot be split into options near "
                          f"{words[position:].strip()!r} (a double quote is not closed?)")
    return tokens


_VALUE_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(/[0-9]+)?\Z")


def parse_values(text: str) -> list[str]:
    """``2,-1,3`` -> the values as exact numbers' texts; refuse anything else."""
    items = [item.strip() for item in text.split(",")]
    if not all(_VALUE_RE.match(item) for item in items):
        raise SymdilError(f"--input-values must be numbers separated by commas such as 2,-1,3, "
                          f"got {text!r}")
    return items


PADDING_MODES = ("zeros", "circular", "reflect", "replicate")


def _default_build(options: dict[str, Any]):
    """The operator of an annotation, read exactly as the command line reads its options."""
    from ..core.options import conv_from_texts

    if "padding_mode" in options:
        mode = options["padding_mode"].lower()
        if mode not in PADDING_MODES:
            raise SymdilError(f"--padding-mode must be one of zeros, circular, reflect, "
                              f"replicate, got {options['padding_mode']!r}")
        options["padding_mode"] = mode
    return conv_from_texts(**options)


def check_document(text: str, source: str = "<document>", markdown: bool | None = None,
                   build: Callable[[dict[str, Any]], Any] | None = None) -> DocumentReport:
    """Check every annotated display of ``text`` (see the module docstring)."""
    check_size(text, source)
    if markdown is None:
        markdown = source.lower().endswith((".md", ".markdown"))
    build = build or _default_build
    claim = parse_claim(text, source, markdown, strict=False)
    cleaned_for_displays = unescape_markdown(text) if markdown or "\\\\\\\\" in text else text
    cleaned_for_displays = re.sub(r"(?<!\\)%[^\n]*|<!--.*?-->",
                                  lambda m: re.sub(r"[^\n]", " ", m[0]), cleaned_for_displays,
                                  flags=re.S)
    spans = displays(cleaned_for_displays)
    annotations = list(_ANNOTATION_RE.finditer(text))
    with_objects = {m.display for m in claim.matrices}
    verdicts = []
    for k, annotation in enumerate(annotations):
        words = (annotation["tex"] if annotation["tex"] is not None else annotation["md"]).strip()
        line, _ = line_col(text, annotation.start())
        limit = annotations[k + 1].start() if k + 1 < len(annotations) else len(text)
        span = next((s for i, s in enumerate(spans) if annotation.end() <= s.start < limit
                     and (not s.inline or i in with_objects)), None)  # not $n$ in prose
        lone = [m for m in claim.matrices if m.display < 0 and annotation.end() <= m.start < limit]
        if span is not None and (not lone or spans.index(span) >= 0 and
                                 lone[0].start > span.start):
            index = spans.index(span)
            objects = [m for m in claim.matrices if m.display == index]
            where = line_col(text, span.start)[0]
        elif lone:
            objects, where = lone, lone[0].line
        else:
            verdicts.append(DisplayVerdict(line, words, "error", "the annotation is followed by "
                                           "no display (\\[ … \\], $$ … $$, an equation "
                                           "environment or a matrix)"))
            continue
        verdicts.append(_check_display(claim.source, objects, words, where, build))
    return DocumentReport(source, tuple(verdicts))


def _check_display(source, objects, words, where, build) -> DisplayVerdict:
    try:
        options, index_base, values = parse_annotation(words)
        op = build(dict(options))
    except SymdilError as error:
        return DisplayVerdict(where, words, "error", f"bad annotation: {error}")
    if not objects:
        return DisplayVerdict(where, words, "error", "the display holds no matrix or vector")
    broken = next((m for m in objects if m.error), None)
    if broken is not None:
        return DisplayVerdict(where, words, "error", broken.error)
    try:
        result = compare_claim(Claim(source, tuple(objects)), op, index_base, values)
    except (SymdilError, ClaimParseError) as error:
        return DisplayVerdict(where, words, "error", str(error))
    verdict = {PASS: "passed", FAIL: "failed", NOT_CHECKED: "not checked"}[result.verdict]
    return DisplayVerdict(where, words, verdict, result.detail, result)
