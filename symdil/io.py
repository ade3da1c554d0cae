"""Writing output files: every target checked first, all of them or none, only when bytes change.

``write_files([(path, data, option), ...])`` is what every command and ``symdil build`` use:

* every target is checked before anything is written: a folder, a socket or block device, a
  path below a file, an unwritable folder or file, or two targets that are one file, raise a
  ``SymdilError`` naming the option (``--output``, ``--solutions-file``, ...); nothing is written;
* a symbolic link is written through, to the file it points to (the link stays a link);
* a character device (``/dev/null``, ``/dev/stdout``) or a FIFO is written directly, as a shell
  redirection would; every other file goes through a temporary file in its folder and a rename, so
  a reader never sees half a file;
* an existing file keeps its mode (and, when the writer may, its owner); a new file gets
  0666 minus the umask, as any other program's output;
* when a write fails part-way (a full disk, a device that refuses the bytes), the files this call
  already replaced are put back as they were and the files it created are removed;
* a file that already holds exactly the bytes is not touched (make and latexmk see no change).
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .core.errors import SymdilError

#: (path, data, option): ``option`` names the command-line option or key the path came from.
Target = tuple[str | os.PathLike, str | bytes, str]

_UMASK_LOCK = threading.Lock()


@dataclass(frozen=True)
class WriteResult:
    """Paths as given: the ones written (new or changed) and the ones already holding the bytes."""

    written: tuple[Path, ...]
    unchanged: tuple[Path, ...]


def _umask() -> int:
    with _UMASK_LOCK:  # os.umask can only be read by setting it
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return ""


def _is_special(mode: int) -> bool:
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def check_target(path: str | os.PathLike, option: str) -> Path:
    """The file ``path`` writes to (symbolic links followed); raise ``SymdilError`` naming
    ``option`` when it cannot be written."""
    shown = f"{option} {str(path)!r}"
    try:
        if _is_special(os.stat(path).st_mode):
            # /dev/stdout is a link to /proc/self/fd/1, whose "target" may be a pipe with no
            # path: a device or FIFO is opened by the name given
            return Path(path)
    except OSError:
        pass
    real = Path(os.path.realpath(path))
    if os.path.islink(real):
        raise SymdilError(f"{shown} is a symbolic link that never reaches a file (a loop)")
    try:
        info = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):  # the folder walk below says which
        info = None
    except OSError as error:
        raise SymdilError(f"{shown} cannot be written: {error.strerror}") from None
    if info is not None:
        kind = _kind(info.st_mode)
        if kind:
            raise SymdilError(f"{shown} is {kind}; give a file name")
        if not os.access(real, os.W_OK):
            raise SymdilError(f"{shown} cannot be written: permission denied")
        if _is_special(info.st_mode):
            return real
    # the nearest existing folder above must be a folder we can create files in
    folder = real.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise SymdilError(f"{shown} cannot be written: {str(folder)!r} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SymdilError(f"{shown} cannot be written: the folder {str(folder)!r} is not "
                          "writable")
    return real


def _payload(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _same_bytes(real: Path, payload: bytes) -> bool:
    try:
        info = os.stat(real)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(payload):
            return False
        return real.read_bytes() == payload
    except OSError:
        return False


def _temporary(real: Path, payload: bytes) -> str:
    """A temporary file beside ``real`` holding ``payload``, with the mode (and owner) the
    final file must have."""
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            old = os.stat(real)
        except FileNotFoundError:
            os.chmod(tmp, 0o666 & ~_umask())
        else:
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
            if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
                try:
                    os.chown(tmp, old.st_uid, old.st_gid)
                except OSError:
                    pass  # only root may give a file away; the file is then the writer's
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_files(targets: Sequence[Target]) -> WriteResult:
    """Write every ``(path, data, option)``, all or none (see the module docstring)."""
    reals: dict[Path, str] = {}
    planned: list[tuple[Path, Path, bytes, str]] = []
    for path, data, option in targets:
        real = check_target(path, option)
        if real in reals:
            raise SymdilError(f"{option} {str(path)!r} is the same file as {reals[real]}; give "
                              "each its own file")
        reals[real] = f"{option} {str(path)!r}"
        planned.append((Path(path), real, _payload(data), option))

    written: list[Path] = []
    unchanged: list[Path] = []
    devices: list[Path] = []  # written directly: these cannot be taken back
    temporaries: dict[Path, str] = {}
    created: list[Path] = []  # folders this call made, to remove on a failure
    done: list[tuple[Path, str | None]] = []  # (real, backup or None when the file was new)
    current = ""
    try:
        # 1. the bytes of every regular file, beside it: a full disk fails here, before any
        #    file is replaced
        for path, real, payload, option in planned:
            current = f"{option} {str(path)!r}"
            if _is_special_file(real) or _same_bytes(real, payload):
                continue
            created.extend(_make_folders(real.parent))
            temporaries[real] = _temporary(real, payload)
        # 2. devices and FIFOs, directly (a failure here still leaves every regular file as
        #    it was)
        for path, real, payload, option in planned:
            current = f"{option} {str(path)!r}"
            if _is_special_file(real):
                with open(real, "wb") as handle:
                    handle.write(payload)
                devices.append(path)
        # 3. the renames, keeping each replaced file under a backup name until all succeeded
        for path, real, _payload_bytes, option in planned:
            current = f"{option} {str(path)!r}"
            tmp = temporaries.get(real)
            if tmp is None:
                (written if path in devices else unchanged).append(path)
                continue
            backup = _backup(real, tmp) if real.exists() else None
            try:
                os.replace(tmp, real)
            except OSError:
                if backup is not None:  # put the old file back under its name
                    os.replace(backup, real) if not real.exists() else os.unlink(backup)
                raise
            del temporaries[real]
            done.append((real, backup))
            written.append(path)
    except OSError as error:
        _roll_back(done, temporaries, created)
        reason = error.strerror or str(error)
        if devices:
            kept = ", ".join(str(path) for path in devices)
            raise SymdilError(f"{current} cannot be written: {reason}; nothing else was "
                              f"written ({kept} already received its bytes)") from None
        raise SymdilError(f"{current} cannot be written: {reason}; nothing was written") \
            from None
    except BaseException:
        _roll_back(done, temporaries, created)
        raise
    for _real, backup in done:
        if backup is not None:
            _silent_unlink(backup)
    return WriteResult(tuple(written), tuple(unchanged))


def _is_special_file(real: Path) -> bool:
    try:
        return _is_special(os.stat(real).st_mode)
    except OSError:
        return False


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; the ones created, deepest last."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir()
    return list(reversed(missing))


def _backup(real: Path, tmp: str) -> str:
    """A second name for the file about to be replaced (a hard link: no copy, no space)."""
    backup = tmp + ".old"
    try:
        os.link(real, backup)
    except OSError:  # a file system without hard links: move it aside instead
        os.rename(real, backup)
    return backup


def _roll_back(done: list[tuple[Path, str | None]], temporaries: dict[Path, str],
               created: list[Path]) -> None:
    for tmp in temporaries.values():
        _silent_unlink(tmp)
    for real, backup in reversed(done):
        try:
            if backup is None:
                os.unlink(real)
            else:
                os.replace(backup, real)
        except OSError:
            pass
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            pass


def _silent_unlink(path: str | os.PathLike) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def write_atomic(path: str | os.PathLike, data: str | bytes, option: str = "--output") -> bool:
    """Write one file as ``write_files`` does; False (nothing touched) when it already holds
    exactly ``data``."""
    return bool(write_files([(path, data, option)]).written)
