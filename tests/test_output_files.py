"""Output files (issue 11 §1): written through links, devices written directly, modes kept, every
target checked before anything is written, and a failure part-way rolls back what was written."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import symdil.io as sio
from symdil import SymdilError
from symdil.cli import app
from symdil.io import write_files
from symdil.render.pdf import TEMP_PREFIX, first_error, sweep_stale

SEED = ["--n", "7", "--kernel", "2", "--dilation", "2"]
LAUNCH = [sys.executable, "-c", "from symdil.cli import main; main()"]


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


# ----- links, devices, folders ----------------------------------------------------------------


def test_a_symbolic_link_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "paper" / "fig.tex"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "link.tex"
    link.symlink_to(real)
    result = run("derive", *SEED, "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("% symdil derivation")
    # a dangling link creates its target
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "new.md")
    assert run("derive", *SEED, "-f", "markdown", "-o", str(dangling)).exit_code == 0
    assert dangling.is_symlink() and (tmp_path / "new.md").is_file()


def test_dev_stdout_into_a_pipe_is_written() -> None:
    result = subprocess.run([*LAUNCH, "matrix", *SEED, "-f", "json", "-o", "/dev/stdout"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('{\n  "shape": [5, 7]')
    assert result.stderr == "wrote /dev/stdout\n"


def test_dev_null_stays_a_device() -> None:
    before = os.stat("/dev/null")
    result = run("matrix", *SEED, "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert result.stdout == "" and result.stderr == "wrote /dev/null\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full is Linux only")
def test_dev_full_is_an_error_and_nothing_else_is_written(tmp_path: Path) -> None:
    key = tmp_path / "key.tex"
    result = run("handout", "-e", "2", "-o", "/dev/full", "--solutions-file", str(key))
    message = one_error_line(result)
    assert "-o/--output '/dev/full' cannot be written: No space left on device" in message
    assert "nothing was written" in message
    assert not key.exists()
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_fifo_is_written_directly(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("matrix", *SEED, "-f", "json", "-o", str(fifo))
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received and received[0].startswith(b'{\n  "shape": [5, 7]')


def test_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out.tex").mkdir()
    message = one_error_line(run("derive", *SEED, "-o", str(tmp_path / "out.tex")))
    assert f"-o/--output '{tmp_path / 'out.tex'}' is a folder; give a file name" in message


def test_a_path_below_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    message = one_error_line(run("derive", *SEED, "-o", str(tmp_path / "plain" / "x.tex")))
    assert "is not a folder" in message and str(tmp_path / "plain") in message


def test_output_folders_are_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "seed.md"
    result = run("derive", *SEED, "-f", "markdown", "-o", str(target))
    assert result.exit_code == 0 and target.is_file()
    assert result.stdout == "" and result.stderr == f"wrote {target}\n"


# ----- modes --------------------------------------------------------------------------------


def test_an_existing_file_keeps_its_mode_and_new_files_follow_the_umask(tmp_path: Path) -> None:
    private = tmp_path / "private.tex"
    private.write_text("old\n")
    private.chmod(0o600)
    shared = tmp_path / "shared.tex"
    shared.write_text("old\n")
    shared.chmod(0o664)
    old = os.umask(0o077)
    try:
        write_files([(private, "new\n", "-o"), (shared, "new\n", "-o"),
                     (tmp_path / "fresh.tex", "new\n", "-o")])
        os.umask(0o002)
        write_files([(tmp_path / "group.tex", "new\n", "-o")])
    finally:
        os.umask(old)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and private.read_text() == "new\n"
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    assert stat.S_IMODE((tmp_path / "fresh.tex").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "group.tex").stat().st_mode) == 0o664


def test_a_read_only_file_is_refused(tmp_path: Path) -> None:
    """A 0444 file for a user; root writes those, so as root the file sits on a tmpfs mounted
    read-only, which refuses even root."""
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = False
    if os.geteuid() == 0:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"root writes 0444 files and no tmpfs can be mounted: {done.stderr.strip()}")
        mounted = True
    locked = folder / "locked.tex"
    try:
        locked.write_text("old\n")
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True,
                           capture_output=True)
        else:
            locked.chmod(0o444)
        message = one_error_line(run("derive", *SEED, "-o", str(locked)))
        assert f"'{locked}' cannot be written" in message, message
        assert locked.read_text() == "old\n"
        assert sorted(p.name for p in folder.iterdir()) == ["locked.tex"]  # no temporaries
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], capture_output=True)


# ----- every target checked first ---------------------------------------------------------------


def test_handout_checks_the_key_before_writing_the_sheet(tmp_path: Path) -> None:
    (tmp_path / "key.tex").mkdir()
    result = run("handout", "-e", "2", "-o", str(tmp_path / "h.tex"), "--solutions-file",
                 str(tmp_path / "key.tex"))
    message = one_error_line(result)
    assert message.startswith(f"Error: --solutions-file '{tmp_path / 'key.tex'}' is a folder")
    assert not (tmp_path / "h.tex").exists()


def test_derive_pdf_checks_the_pdf_before_writing_the_tex(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").mkdir()
    message = one_error_line(run("derive", *SEED, "--pdf", "-o", str(tmp_path / "x.tex")))
    assert f"-o/--output (its PDF) '{tmp_path / 'x.pdf'}' is a folder" in message
    assert not (tmp_path / "x.tex").exists()


def test_two_targets_that_are_one_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "real.tex").write_text("")
    (tmp_path / "alias.tex").symlink_to(tmp_path / "real.tex")
    with pytest.raises(SymdilError, match="is the same file as"):
        write_files([(tmp_path / "real.tex", "a", "-o"), (tmp_path / "alias.tex", "b", "--key")])
    assert (tmp_path / "real.tex").read_text() == ""


# ----- roll back a failure part-way ------------------------------------------------------------


def test_a_failed_rename_rolls_back_every_file_of_the_run(tmp_path: Path, monkeypatch) -> None:
    first, second, third = (tmp_path / name for name in ("a.tex", "new/b.tex", "c.tex"))
    first.write_text("first before\n")
    third.write_text("third before\n")
    real_replace = os.replace
    calls = []

    def failing_replace(source, target):
        calls.append(target)
        if len(calls) == 3:  # a.tex and new/b.tex are in place; c.tex fails
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(sio.os, "replace", failing_replace)
    with pytest.raises(SymdilError, match="'.*c.tex' cannot be written: No space left on device; "
                                          "nothing was written"):
        write_files([(first, "first after\n", "-o"), (second, "b\n", "-o"),
                     (third, "third after\n", "-o")])
    monkeypatch.undo()
    assert first.read_text() == "first before\n" and third.read_text() == "third before\n"
    assert not (tmp_path / "new").exists()  # the folder this run created is gone too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tex", "c.tex"]  # no temporaries


@pytest.fixture
def small_filesystem(tmp_path: Path):
    """A 1 MiB tmpfs (root and a kernel that allows mounts); skips with the reason otherwise."""
    mount = shutil.which("mount")
    folder = tmp_path / "small"
    folder.mkdir()
    if os.geteuid() != 0 or mount is None:
        pytest.skip("a small full filesystem needs root and mount (tmpfs)")
    done = subprocess.run([mount, "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_build_into_a_full_filesystem_writes_nothing(tmp_path: Path, small_filesystem) -> None:
    out = small_filesystem / "out"
    out.mkdir()
    (out / "keep.tex").write_text("kept\n")
    # fill the filesystem to a few KiB below full, so the first document fits and a later one not
    filler = small_filesystem / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(descriptor)
    os.truncate(filler, os.path.getsize(filler) - 2 * 4096)
    build = tmp_path / "b.toml"
    build.write_text('[[derivation]]\nname = "keep"\nn = 7\nkernel = 2\ndilation = 2\n'
                     # the 25 x 49 block operator, fitted to a column (~7 KB): more than the room left
                     '[[derivation]]\nname = "big"\nn = [7, 7]\nkernel = [3, 3]\n'
                     'formats = ["latex"]\nstandalone = true\nmax_rows = 49\nmax_cols = 49\n')
    result = run("build", str(build), "--out-dir", str(out))
    assert result.exit_code == 2, result.output
    assert "No space left on device; nothing was written" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["keep.tex"]
    assert (out / "keep.tex").read_text() == "kept\n"


# ----- PDF temporary folders -----------------------------------------------------------------


def test_stale_pdf_folders_are_swept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    gone = tmp_path / f"{TEMP_PREFIX}{dead.pid}-abc"
    alive = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-def"
    old = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-old"
    other = tmp_path / "symdil-test-keep"
    for folder in (gone, alive, old, other):
        folder.mkdir()
        (folder / "document.tex").write_text("x")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    assert sorted(sweep_stale(tmp_path)) == sorted([gone, old])
    assert alive.is_dir() and other.is_dir() and not gone.exists() and not old.exists()


def test_sigterm_during_pdf_compilation_leaves_no_temporary_folder(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    slow = bin_dir / "pdflatex"  # stands in for a long pdflatex run
    slow.write_text("#!/bin/sh\nsleep 60\n")
    slow.chmod(0o755)
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "TMPDIR": str(temp)}
    process = subprocess.Popen([*LAUNCH, "derive", *SEED, "--pdf", "-o", str(tmp_path / "x.pdf")],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while not list(temp.glob(TEMP_PREFIX + "*")) and time.time() < deadline:
        time.sleep(0.1)
    assert list(temp.glob(TEMP_PREFIX + "*")), "the compilation never started"
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    # the template bytecode cache (symdil-jinja2-<uid>-<version>) is meant to stay; nothing else
    left = [p for p in temp.iterdir() if not p.name.startswith("symdil-jinja2-")]
    assert not left and not (tmp_path / "x.pdf").exists()


def test_first_error_quotes_the_line() -> None:
    log = ("This is pdfTeX\n! Undefined control sequence.\n"
           "l.12 \\foo\n           {bar}\n! Later error.\n")
    assert first_error(log) == ("Undefined control sequence.", 12, "\\foo")
    assert first_error("no errors\n") == ("", None, "")

