"""The shape of the code: the core does not import rendering, the derivation is a package whose
files say what they hold, and the statements are importable on their own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import symdil

PACKAGE = Path(symdil.__file__).parent
RENDERING = {"render", "printing", "derivation", "facts", "statements", "jinja2"}


def _module_level_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
            names.update(alias.name for alias in node.names if node.module is None)
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
    return names


def test_the_core_does_not_import_rendering_at_module_level():
    for name in ("spec.py", "operator.py", "conv.py", "symbols.py"):
        assert not _module_level_imports(PACKAGE / name) & RENDERING, name


def test_importing_the_core_alone_loads_no_rendering():
    code = ("import importlib.util, sys; sys.modules['symdil'] = type(sys)('symdil'); "
            f"sys.modules['symdil'].__path__ = [{str(PACKAGE)!r}]; "
            "import symdil.conv; "
            "print(sorted(m for m in sys.modules if m.startswith('symdil') or m == 'jinja2'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    loaded = eval(out)  # noqa: S307 -- our own printed list
    assert "jinja2" not in loaded and "symdil.render" not in loaded
    assert "symdil.printing" not in loaded and "symdil.derivation" not in loaded


def test_the_derivation_package_and_the_public_api():
    files = {path.name for path in (PACKAGE / "derivation").glob("*.py")}
    assert {"document.py", "line.py", "blocks.py", "statements.py", "latex.py",
            "report.py"} <= files
    assert all(len((PACKAGE / "derivation" / f).read_text().splitlines()) < 800 for f in files)
    assert symdil.derive is symdil.derivation.derive
    assert callable(symdil.statements)
    from symdil.statements.base import Statement

    assert all(isinstance(s, Statement) for s in symdil.statements(symdil.Conv(5, 3)))
