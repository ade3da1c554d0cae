"""The templates ship inside the wheel: a non-editable install runs ``symdil derive`` anywhere."""

from __future__ import annotations

import subprocess
import sys
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


def test_installed_wheel_derives_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                    "-q", str(wheel)], check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import symdil.render as r; print(r.builtin_templates())"],
        cwd=elsewhere, check=True, capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(env_dir)) and where.endswith("symdil/templates")
    result = subprocess.run([str(env_dir / "bin" / "symdil"), "derive", *CASES["seed"],
                             "--format", "markdown"], cwd=elsewhere, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == render_case(CASES["seed"], "markdown", False)
