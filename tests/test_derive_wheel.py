"""The templates ship inside the wheel: a non-editable install runs ``symdil derive`` anywhere.

The wheel goes into a fresh virtualenv of its own, without the system's packages.  Its
dependencies are borrowed from the Python running the tests, whatever that is (a venv, pyenv, the
system's): a ``.pth`` file lists the running interpreter's site-packages folders, which Python
appends after the venv's own, so ``import symdil`` finds the wheel and nothing else of the outer
environment (a ``.pth`` line adds a folder without running the ``.pth`` files inside it, so an
editable install of symdil out there stays invisible).  Nothing is downloaded.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from regen import CASES, render_case
from tools import ROOT

TEMPLATES = ("latex/derivation.tex.j2", "latex/document.tex.j2", "markdown/derivation.md.j2",
             "markdown/document.md.j2", "latex/markup.j2", "markdown/markup.j2",
             "body/derivation.j2", "body/handout_parts.j2")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling: "
                        "pip install hatchling")
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(folder), str(ROOT)], check=True, capture_output=True,
                   timeout=300)
    (built,) = folder.glob("symdil-*.whl")
    return built


def test_the_wheel_contains_the_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in TEMPLATES:
        assert f"symdil/templates/{name}" in names


def dependency_folders() -> list[str]:
    """The site-packages folders the running interpreter imports symdil's dependencies from."""
    folders = [*site.getsitepackages(), site.getusersitepackages(),
               sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    folders += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    return [f for f in dict.fromkeys(folders) if os.path.isdir(f)]


def test_installed_wheel_derives_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "outer-dependencies.pth").write_text("\n".join(dependency_folders()) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                    "-q", str(wheel)], check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # the tests may run with PYTHONPATH pointing at a checkout: the venv must not see it
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    where = subprocess.run(
        [str(python), "-c", "import symdil.render.environment as r; print(r.builtin_templates())"],
        cwd=elsewhere, check=True, capture_output=True, text=True, env=env).stdout.strip()
    assert where.startswith(str(env_dir)) and where.endswith("symdil/templates")
    result = subprocess.run([str(env_dir / "bin" / "symdil"), "derive", *CASES["seed"],
                             "--format", "markdown"], cwd=elsewhere, capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == render_case(CASES["seed"], "markdown", False)
