"""The compiled-template cache: private to the user, refused when anyone else could write it."""

from __future__ import annotations

import os
import tempfile

import jinja2
import pytest

from symdil.render import environment


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_the_cache_folder_is_private(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    cache = environment._bytecode_cache()
    assert isinstance(cache, jinja2.FileSystemBytecodeCache)
    (folder,) = tmp_path.iterdir()
    assert folder.stat().st_mode & 0o777 == 0o700
    # a template compiled once is read back from the cache by a new environment
    env = environment._make_environment(None)
    env.bytecode_cache = cache
    env.get_template("latex/markup.j2")
    assert any(folder.iterdir())


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o777, 0o770, 0o707])
def test_a_folder_others_may_write_is_not_used(tmp_path, monkeypatch, mode):
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    environment._bytecode_cache()
    (folder,) = tmp_path.iterdir()
    folder.chmod(mode)
    assert environment._bytecode_cache() is None


def test_a_link_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    name = f"symdil-jinja2-{os.getuid() if hasattr(os, 'getuid') else 0}-{jinja2.__version__}"
    (tmp_path / "tmp" / name).symlink_to(tmp_path / "elsewhere")
    assert environment._bytecode_cache() is None
