"""The shape of the code: one folder per pipeline stage, and a stage imports only the stages
before it (README, "Architecture").  Every import counts, module-level and lazy (inside a
function) alike; the one exception is the notebook display (``Conv._repr_latex_`` imports the
layout when a notebook asks).  No two modules import each other, directly or round a loop."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import symdil

PACKAGE = Path(symdil.__file__).parent

#: stage -> rank; a module may import modules of its own rank or lower
STAGES = {
    "core": 0, "io": 0,
    "statements": 1,
    "render": 2,
    "layout": 3,
    "checks": 4,
    "stack": 5,
    "claims": 6,
    "derivation": 7, "handout": 7, "figures": 7, "verification": 7,
    "build": 8, "cli": 8, "__main__": 8,
}
#: the only import against the order: the notebook display of a Conv
EXCEPTIONS = {("symdil.core.conv", "symdil.layout.matrices")}
TOP_LEVEL = {"__init__.py", "__main__.py", "io.py", "verification.py"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(module: str, path: Path) -> set[str]:
    """Every symdil module ``module`` imports, at module level or inside functions."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if not source.startswith("symdil"):
                continue
            for alias in node.names:  # ``from . import sparse`` imports a module
                child = f"{source}.{alias.name}"
                found.add(child if child in MODULES else source)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("symdil"))
    found.discard(module)
    return {name for name in found if name in MODULES}


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _rank(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) == 1:
        return None  # the package itself: re-exports the public API, lazily
    return STAGES[parts[1]]


def test_every_module_belongs_to_a_stage():
    top = {path.name for path in PACKAGE.glob("*.py")}
    assert top == TOP_LEVEL
    for module in MODULES:
        if module != "symdil":
            assert module.split(".")[1] in STAGES, module


def _violations() -> list[str]:
    wrong = []
    for module, targets in GRAPH.items():
        rank = _rank(module)
        if rank is None:
            continue
        for target in targets:
            target_rank = _rank(target)
            if target_rank is not None and target_rank > rank and (module, target) not in EXCEPTIONS:
                wrong.append(f"{module} -> {target}")
    return wrong


def test_no_import_goes_against_the_stage_order():
    assert _violations() == []


def _loops() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if (v, w) in EXCEPTIONS:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in GRAPH:
        if v not in index:
            visit(v)
    return components


def test_no_import_loops():
    assert _loops() == []


@pytest.mark.parametrize("planted", [("symdil.core.spec", "symdil.render.printer"),
                                     ("symdil.checks.tools", "symdil.claims.compare"),
                                     ("symdil.statements.facts", "symdil.layout.elision")])
def test_the_order_check_finds_a_planted_import(planted, monkeypatch):
    module, target = planted
    monkeypatch.setitem(GRAPH, module, GRAPH[module] | {target})
    assert _violations() == [f"{module} -> {target}"]


def test_a_planted_loop_is_found(monkeypatch):
    monkeypatch.setitem(GRAPH, "symdil.core.errors", GRAPH["symdil.core.errors"] | {"symdil.core.spec"})
    assert ["symdil.core.errors", "symdil.core.spec"] in _loops()


def test_every_stage_folder_says_what_it_holds_and_may_import():
    for folder in ("core", "statements", "render", "layout", "checks", "stack", "claims",
                   "derivation", "handout", "figures", "build", "cli"):
        doc = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text()))
        assert doc and "May import" in doc, folder


def test_importing_the_core_alone_loads_no_rendering():
    code = ("import sys; import symdil.core.conv; "
            "print(sorted(m for m in sys.modules if m.startswith('symdil') or m == 'jinja2'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    loaded = eval(out)  # noqa: S307 -- our own printed list
    assert "jinja2" not in loaded
    assert not [m for m in loaded if m.split(".")[1:2] and STAGES[m.split(".")[1]] > 0], loaded


def test_the_derivation_package_and_the_public_api():
    files = {path.name for path in (PACKAGE / "derivation").glob("*.py")}
    assert {"document.py", "line.py", "blocks.py", "statements.py", "latex.py",
            "report.py"} <= files
    assert all(len((PACKAGE / "derivation" / f).read_text().splitlines()) < 800 for f in files)
    assert symdil.derive is symdil.derivation.derive
    assert callable(symdil.statements)
    from symdil.statements.base import Statement

    assert all(isinstance(s, Statement) for s in symdil.statements(symdil.Conv(5, 3)))
    for name in symdil.__all__:
        assert getattr(symdil, name) is not None, name
    from symdil.stack import Stack

    assert symdil.Stack is Stack
