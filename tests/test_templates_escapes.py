"""Jinja string literals are read with Python's escape rules: ``'\\mathrm'`` inside a template's
expression is an invalid escape sequence (a DeprecationWarning today, an error in a later Python),
and ``'\\frac'`` would silently become a form feed.  Every backslash meant for TeX inside a Jinja
string literal is written doubled; rendering compiles every template without a warning."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import symdil
from symdil.render import environment as render

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TAG = re.compile(r"\(\(\((.*?)\)\)\)|\(\(\*(.*?)\*\)\)", re.S)
LITERAL = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", re.S)
# escapes a Jinja (Python) string literal reads as intended: quotes, backslash, newline
MEANT = {"\\", "'", '"', "n"}


def test_no_jinja_string_literal_holds_a_single_backslash_escape():
    found = []
    for path in sorted(TEMPLATES.rglob("*.j2")):
        text = path.read_text(encoding="utf-8")
        for tag in TAG.finditer(text):
            body = tag.group(1) or tag.group(2) or ""
            for literal in LITERAL.finditer(body):
                value = literal.group(1) if literal.group(1) is not None else literal.group(2)
                for escape in re.finditer(r"\\(.)", value, re.S):
                    if escape.group(1) not in MEANT:
                        line = text[:tag.start()].count("\n") + 1
                        found.append(f"{path.relative_to(TEMPLATES)}:{line}: "
                                     f"\\{escape.group(1)} in {value[:60]!r}")
    assert not found, "single backslashes in Jinja string literals:\n" + "\n".join(found)


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_rendering_compiles_every_template_without_a_deprecation_warning(fmt):
    render._builtin_environment.cache_clear()  # compile the templates afresh in this test
    operators = [
        symdil.Conv(5, 3, stride=2, padding=3, transposed=True, output_padding=1),
        symdil.Conv(5, 2, stride=2, padding=1, transposed=True, output_padding=1),
        symdil.Conv(7, 2, dilation=2),
        symdil.Conv((3, 4), 2, in_channels=2, out_channels=2, groups=2),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for op in operators:
            symdil.derive(op, fmt, standalone=True)
        env = render._builtin_environment()
        for name in env.list_templates(extensions=["j2"]):
            env.get_template(name)
