"""Batch builds: read a TOML build file into a fully validated plan, or report every problem.

A build file has an optional ``[defaults]`` table and any number of ``[[derivation]]`` entries (the
``Conv`` parameters plus output options) and ``[[handout]]`` entries; each needs a unique ``name``,
the stem of its output files.  Defaults merge under each entry that accepts their keys.  Everything
is checked before anything is built: ``load_build`` raises one ``BuildFileError`` listing every
problem, one per line, each naming the file, the entry (``derivation[2] "atrous"``, counted from 1)
and the key.  Loading reads the file only; it never renders or writes.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import sympy

from ..core.conv import Conv
from ..core.spec import SymdilError

FORMATS = ("latex", "markdown", "pdf", "html")
EXTENSIONS = {"latex": ".tex", "markdown": ".md", "pdf": ".pdf", "html": ".html"}
CONV_KEYS = ("n", "kernel", "stride", "dilation", "padding", "padding_mode", "flip", "transposed",
             "output_padding", "input_symbol", "kernel_symbol", "output_symbol", "in_channels",
             "out_channels", "groups")
_COMMON = ("formats", "max_rows", "max_cols", "templates", "title")
KEYS = {
    "derivation": ("name",) + CONV_KEYS + _COMMON[:1] + ("standalone", "verify", "figures")
    + _COMMON[1:],
    "handout": ("name", "exercises", "seed", "solutions", "solutions_file", "kinds", "level",
                "figures") + _COMMON,
    "stack": ("name", "n", "layers", "wavenet", "input_symbol", "kernel_symbol", "formats",
              "standalone", "verify", "figures") + _COMMON[1:],
}
#: Keys of one table of a [[stack]] entry's ``layers`` (Conv arguments without n).
LAYER_KEYS = ("kernel", "stride", "dilation", "padding", "padding_mode", "flip", "transposed",
              "output_padding", "kernel_symbol", "in_channels", "out_channels", "groups")
DEFAULT_KEYS = tuple(dict.fromkeys(k for keys in KEYS.values() for k in keys
                                   if k not in ("name", "layers", "wavenet")))
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}\Z")
_SYMBOL_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")
_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)(/\d+)?\Z")


class BuildFileError(SymdilError):
    """Problems in a build file, one per line (``problems`` holds them as a list)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Handout:
    exercises: int = 6
    seed: int = 0
    solutions: bool = False
    solutions_file: str | None = None  # a file stem: the key goes to <solutions_file>.<ext>
    kinds: tuple[str, ...] | None = None  # None: the seven classic kinds
    level: int = 2


@dataclass(frozen=True)
class Target:
    """One document to build: a derivation of ``op`` or a ``handout``, in ``formats``."""

    name: str
    kind: str  # "derivation", "handout" or "stack"
    formats: tuple[str, ...]
    op: Any = None  # a Conv (derivation) or a Stack (stack)
    handout: Handout | None = None
    standalone: bool = False
    verify: bool = False
    figures: bool = False  # window/matrix figures in the documents, and as files of their own
    max_rows: int | None = None
    max_cols: int | None = None
    templates: Path | None = None  # resolved against the build file's folder
    title: str | None = None

    def files(self) -> dict[str, str]:
        """Format -> file name: ``<name>.tex`` ..., and ``solutions-<format>`` for an answer key."""
        stems = {"": self.name}
        if self.handout is not None and self.handout.solutions_file:
            stems["solutions-"] = self.handout.solutions_file
        return {prefix + fmt: stem + EXTENSIONS[fmt] for prefix, stem in stems.items()
                for fmt in self.formats}


@dataclass(frozen=True)
class BuildPlan:
    path: Path
    # entries in file order, grouped by table ([[derivation]]/[[handout]]) in order of appearance
    targets: tuple[Target, ...]


# ----- value rules: key -> (accepts, what is allowed) -------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _ints(value: Any) -> bool:
    return _is_int(value) or (isinstance(value, list) and bool(value) and all(map(_is_int, value)))


def _tap(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value) and all(map(_tap, value))
    return _is_int(value) or (isinstance(value, float) and math.isfinite(value)) or (
        isinstance(value, str) and bool(_NUMBER_RE.match(value)) and len(value) <= 4300
        and not _zero_denominator(value))


def _zero_denominator(text: str) -> bool:
    """``"1/0"``: a tap that divides by zero."""
    return "/" in text and int(text.split("/")[1]) == 0


def _padding_item(value: Any) -> bool:
    return _is_int(value) or (isinstance(value, list) and len(value) == 2
                              and all(map(_is_int, value)))


def _at_least(minimum: int) -> tuple[Callable[[Any], bool], str]:
    return (lambda value: _is_int(value) and value >= minimum), f"an integer >= {minimum}"


_PER_AXIS = "an integer or a list of integers (one per axis)"
_BOOL = (lambda v: isinstance(v, bool), "true or false")
_STR = (lambda v: isinstance(v, str), "a string")
_INT = (_is_int, "an integer")
_STEM = (lambda v: isinstance(v, str) and bool(_NAME_RE.match(v)),
         "a file stem of letters, digits, '-' and '_' starting with a letter or digit "
         "(at most 100 characters), e.g. \"atrous-2\"")
_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "name": _STEM, "solutions_file": _STEM,
    "n": (lambda v: _ints(v) or (isinstance(v, str) and bool(_SYMBOL_RE.match(v))),
          _PER_AXIS + ", or a symbol name such as \"n\" for the general case"),
    "kernel": (lambda v: _is_int(v) or (isinstance(v, list) and _tap(v)),
               "a number of taps K, a list of sizes (one per axis), or in 1-D a list of tap "
               "values such as [1, -2, 1] or [\"1/2\", \"1/2\"]"),
    "stride": (_ints, _PER_AXIS), "dilation": (_ints, _PER_AXIS),
    "output_padding": (_ints, _PER_AXIS),
    "padding": (lambda v: isinstance(v, str) or _padding_item(v) or (
        isinstance(v, list) and bool(v) and all(map(_padding_item, v))),
        "an integer, [before, after], a list per axis of integers or [before, after] pairs, "
        "or one of \"valid\", \"same\", \"full\", \"causal\""),
    "formats": (lambda v: isinstance(v, list) and bool(v) and all(f in FORMATS for f in v),
                "a non-empty list of " + ", ".join(f'"{f}"' for f in FORMATS)),
    "max_rows": _at_least(3), "max_cols": _at_least(3),
    "exercises": _at_least(1), "seed": _at_least(0),
    "in_channels": _INT, "out_channels": _INT, "groups": _INT,
    "flip": _BOOL, "transposed": _BOOL, "standalone": _BOOL, "verify": _BOOL, "solutions": _BOOL,
    "figures": _BOOL,
    "padding_mode": _STR, "input_symbol": _STR, "kernel_symbol": _STR, "output_symbol": _STR,
    "templates": _STR, "title": _STR,
    "layers": (lambda v: isinstance(v, list) and bool(v) and all(isinstance(t, dict) for t in v),
               "a non-empty array of tables, e.g. [{kernel = 2, dilation = 4, "
               "padding = \"causal\"}]"),
    "wavenet": (lambda v: _is_int(v) and 1 <= v <= 30, "a number of layers from 1 to 30"),
    "kinds": (lambda v: (isinstance(v, str) and bool(v)) or (
        isinstance(v, list) and bool(v) and all(isinstance(k, str) for k in v)),
              "a list of exercise kinds such as [\"receptive_field\", \"find_wrong_entry\"] "
              "(symdil handout --list-kinds)"),
    "level": (lambda v: _is_int(v) and v in (1, 2, 3), "1, 2 or 3"),
}


def _shown(value: Any) -> str:
    kinds = {bool: "a boolean", int: "an integer", float: "a float", str: "a string",
             list: "an array", dict: "a table"}
    text = json.dumps(value, default=str, ensure_ascii=False)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{text} ({kinds.get(type(value), type(value).__name__)})"


def _exact(value: Any) -> Any:
    """Kernel values: floats and "p/q" strings become exact SymPy rationals."""
    if isinstance(value, list):
        return [_exact(item) for item in value]
    return sympy.Rational(str(value)) if isinstance(value, (float, str)) else value


# ----- loading --------------------------------------------------------------------------------

Report = Callable[[str], None]


def _check_keys(table: dict, allowed: tuple[str, ...], problem: Report) -> dict:
    """The table's entries with known keys and values of the right type; reports the others."""
    good = {}
    for key, value in table.items():
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problem(f"unknown key '{key}' (allowed: {', '.join(allowed)}){hint}")
        elif key == "kernel" and isinstance(value, float):
            # the same message as the CLI and the API: both readings of a lone 3.0
            from ..core.conv import kernel_reading_error

            problem("'kernel' " + str(kernel_reading_error(value, f"[{value!r}]", "value")))
        elif not _RULES[key][0](value):
            unknown = [f for f in value if isinstance(f, str) and f not in FORMATS] if (
                key == "formats" and isinstance(value, list)) else []
            problem(f"unknown format '{unknown[0]}' in 'formats' (allowed: {', '.join(FORMATS)})"
                    if unknown else f"'{key}' must be {_RULES[key][1]}, got {_shown(value)}")
        else:
            good[key] = value
    return good


def _target(kind: str, values: dict, base: Path, problem: Report) -> Target | None:
    """The target of one entry whose keys and types are valid; reports invalid parameters."""
    templates = op = handout = None
    if "templates" in values:
        templates = (base / values["templates"]).resolve()
        if not templates.is_dir():
            problem(f"'templates' must be a folder (relative to the build file), "
                    f"{str(templates)!r} is not one")
    if kind == "stack":
        op = _stack(values, problem)
        if op is None:
            return None
    elif kind == "derivation":
        params = {key: values[key] for key in CONV_KEYS if key in values}
        try:
            op = Conv(**{**params, "kernel": _exact(params["kernel"])})
        except SymdilError as error:
            problem(str(error))
            return None
    else:
        if values.get("solutions") is False and "solutions_file" in values:
            problem("'solutions_file' needs solutions = true (or leave 'solutions' out)")
        kinds = values.get("kinds")
        if kinds is not None:
            from ..handout.exercises import parse_kinds

            try:
                kinds = parse_kinds(kinds)
            except SymdilError as error:
                problem(str(error))
                kinds = None
        handout = Handout(values.get("exercises", 6), values.get("seed", 0),
                          values.get("solutions", "solutions_file" in values),
                          values.get("solutions_file"), kinds, values.get("level", 2))
    options = {key: values[key] for key in ("standalone", "verify", "figures", "max_rows",
                                            "max_cols", "title") if key in values}
    if options.get("figures") and op is not None and getattr(op, "symbolic", False):
        problem("'figures' needs a concrete n (the general case has no finite picture)")
    formats = tuple(dict.fromkeys(values.get("formats", ["latex"])))
    if "name" not in values:
        return None
    return Target(values["name"], kind, formats, op, handout, templates=templates, **options)


def _stack(values: dict, problem: Report) -> Any:
    """The Stack of a [[stack]] entry (``layers`` tables or ``wavenet = N``), or None."""
    from ..stack.model import Stack

    if ("layers" in values) == ("wavenet" in values):
        problem("give 'layers' (an array of tables) or 'wavenet' (a number of layers), "
                "exactly one")
        return None
    if "wavenet" in values:
        layers = [dict(kernel=2, dilation=2 ** j, padding="causal")
                  for j in range(values["wavenet"])]
    else:
        layers = []
        for number, table in enumerate(values["layers"], start=1):
            good = _check_keys(table, LAYER_KEYS, lambda message, number=number: problem(
                f"layers[{number}]: {message}"))
            if len(good) != len(table):
                return None
            if "kernel" in good:
                good["kernel"] = _exact(good["kernel"])
            if isinstance(good.get("padding"), list):
                good["padding"] = _pairs(good["padding"])
            layers.append(good)
    n = values["n"]
    n = tuple(n) if isinstance(n, list) else n
    symbols = {key: values[key] for key in ("input_symbol", "kernel_symbol") if key in values}
    try:
        return Stack(n, layers, **symbols)
    except SymdilError as error:
        problem(str(error))
        return None


def _pairs(value: list) -> Any:
    """TOML arrays to tuples: [1, 0] is (before, after), [[1, 0], 2] per axis."""
    if len(value) == 2 and all(_is_int(v) for v in value):
        return tuple(value)
    return tuple(tuple(v) if isinstance(v, list) else v for v in value)


def _entry(kind: str, label: str, entry: dict, defaults: dict, seen: dict[str, str],
           base: Path, problem: Report) -> Target | None:
    merged = {key: value for key, value in defaults.items() if key in KEYS[kind]}
    required = ("name",) + {"derivation": ("n", "kernel"), "stack": ("n",)}.get(kind, ())
    missing = [key for key in required if key not in merged and key not in entry]
    for key in missing:
        problem(f"missing required key '{key}'")
    good = _check_keys(entry, KEYS[kind], problem)
    merged.update(good)
    for stem in (merged.get(key) for key in ("name", "solutions_file")):
        if stem is not None and stem.casefold() in seen:
            problem(f"duplicate name {json.dumps(stem)} (also {seen[stem.casefold()]}): names "
                    "become file names and must be unique, ignoring case")
        elif stem is not None:
            seen[stem.casefold()] = label
    # a rejected value must not fall back to its default, nor be reported again by Conv
    rejected = set(entry) - set(good)
    for key in rejected:
        merged.pop(key, None)
    if (set(missing) | rejected) & (set(CONV_KEYS) | {"layers", "wavenet"}):
        return None
    return _target(kind, merged, base, problem)


def load_build(path: str | os.PathLike) -> BuildPlan:
    """Read and validate a build file; raise ``BuildFileError`` listing every problem."""
    path = Path(path)
    problems: list[str] = []

    def reporter(where: str) -> Report:
        return lambda message: problems.append(f"{path}: {where}{message}")

    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise BuildFileError([f"{path}: cannot be read: {error.strerror}"]) from None
    except tomllib.TOMLDecodeError as error:
        raise BuildFileError([f"{path}: invalid TOML: {error}"]) from None
    except RecursionError:
        raise BuildFileError([f"{path}: invalid TOML: arrays or tables nested too deeply"]) \
            from None
    except ValueError:  # an integer longer than Python converts
        raise BuildFileError([f"{path}: invalid TOML: an integer has more than "
                              f"{sys.get_int_max_str_digits() or 4300:,} digits, the most "
                              "symdil reads"]) from None
    except UnicodeDecodeError:
        raise BuildFileError([f"{path}: invalid TOML: the file is not UTF-8 text"]) from None
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        reporter("")(f"'defaults' must be a table [defaults], got {_shown(defaults)}")
        defaults = {}
    defaults = _check_keys(defaults, DEFAULT_KEYS, reporter("defaults: "))
    targets: list[Target] = []
    seen: dict[str, str] = {}
    for kind, entries in data.items():
        if kind not in KEYS:
            if kind != "defaults":
                reporter("")(f"unknown table '{kind}' (allowed: [defaults], [[derivation]], "
                             "[[handout]], [[stack]])")
        elif not isinstance(entries, list):
            reporter("")(f"'{kind}' must be [[{kind}]] entries, got {_shown(entries)}")
        else:
            for number, entry in enumerate(entries, start=1):
                name = entry.get("name") if isinstance(entry, dict) else None
                label = f"{kind}[{number}]" + (f" {json.dumps(name)}" if isinstance(name, str)
                                               else "")
                if not isinstance(entry, dict):
                    reporter(label + ": ")(f"must be a table, got {_shown(entry)}")
                    continue
                target = _entry(kind, label, entry, defaults, seen, path.parent,
                                reporter(label + ": "))
                targets.extend([target] if target is not None else [])
    if not problems and not targets:
        reporter("")("nothing to build: add [[derivation]], [[handout]] or [[stack]] entries")
    if problems:
        raise BuildFileError(problems)
    return BuildPlan(path, tuple(targets))
