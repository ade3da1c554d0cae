"""Compiling a standalone LaTeX document to PDF with pdflatex, leaving nothing behind.

pdflatex runs in a folder ``symdil-pdf-<pid>-*`` of the temporary directory, removed when the
compilation ends, fails, or the process is stopped by SIGTERM, SIGHUP or Ctrl-C (the CLI turns
those into a normal exit).  A process killed outright (SIGKILL) cannot clean up, so every
compilation first sweeps the folders of processes that no longer run, and any older than a day.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from ..core.errors import SymdilError

PDFLATEX_INSTALL = "apt-get install texlive-latex-base texlive-latex-recommended"
TEMP_PREFIX = "symdil-pdf-"
#: a folder of a running process older than this is left over too (pdflatex has 120 s)
STALE_AFTER = 24 * 3600.0

_FOLDER_RE = re.compile(re.escape(TEMP_PREFIX) + r"([0-9]+)-")
_LINE_RE = re.compile(r"l\.([0-9]+) ?(.*)")


class PdfError(SymdilError):
    """pdflatex failed: ``message`` is its first error, ``line`` the source line (or None) and
    ``log`` the whole log, for the caller to keep next to the output."""

    def __init__(self, message: str, line: int | None, log: str, context: str = "") -> None:
        super().__init__(message)
        self.line, self.log, self.context = line, log, context

    def with_log(self, log_path: str | os.PathLike | None, source: str | None) -> SymdilError:
        """The one-line error a user reads: the first error, where, and where the log is."""
        where = ""
        if self.line is not None:
            where = f" at line {self.line} of {source or 'the LaTeX source'}"
        context = f" (l.{self.line} {self.context.strip()[-60:]})" if self.context.strip() else ""
        kept = f"; the log is {log_path}" if log_path is not None else ""
        return SymdilError(f"pdflatex failed{where}: {str(self).rstrip('.')}{context}{kept}")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(folder: str | os.PathLike | None = None, now: float | None = None) -> list[Path]:
    """Remove this user's ``symdil-pdf-*`` folders whose process is gone, or older than a day;
    return the ones removed."""
    base = Path(folder if folder is not None else tempfile.gettempdir())
    now = time.time() if now is None else now
    removed = []
    try:
        candidates = list(base.glob(TEMP_PREFIX + "*"))
    except OSError:
        return removed
    for path in candidates:
        match = _FOLDER_RE.match(path.name)
        try:
            info = path.lstat()
        except OSError:
            continue
        if not path.is_dir() or path.is_symlink() or info.st_uid != os.getuid():
            continue
        pid = int(match.group(1)) if match else None
        gone = pid is not None and pid != os.getpid() and not _running(pid)
        if gone or now - info.st_mtime > STALE_AFTER:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def first_error(log: str) -> tuple[str, int | None, str]:
    """The first ``! …`` error of a pdflatex log, the line number of its ``l.N`` context and
    the source text pdflatex shows there (up to the error)."""
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("!"):
            for after in lines[index + 1:index + 30]:
                match = _LINE_RE.match(after)
                if match:
                    return line.lstrip("! ").strip(), int(match.group(1)), match.group(2)
            return line.lstrip("! ").strip(), None, ""
    return "", None, ""


def compile_pdf(tex: str, timeout: float = 120.0) -> bytes:
    """Compile a standalone LaTeX document with pdflatex (no shell escape) and return the PDF.

    A missing pdflatex raises a one-line ``SymdilError``; a compilation error a ``PdfError``
    carrying the log.  The output does not depend on the clock (SOURCE_DATE_EPOCH, and the
    document omits dates and trailer ids).
    """
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        raise SymdilError(f"--pdf needs pdflatex, which is not installed; install it with: "
                          f"{PDFLATEX_INSTALL}")
    sweep_stale()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
    with tempfile.TemporaryDirectory(prefix=f"{TEMP_PREFIX}{os.getpid()}-") as folder:
        source = Path(folder) / "document.tex"
        source.write_text(tex, encoding="utf-8")
        try:
            result = subprocess.run(
                [pdflatex, "-halt-on-error", "-interaction=nonstopmode", "-no-shell-escape",
                 "document.tex"],
                cwd=folder, env=env, capture_output=True, timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise SymdilError(f"pdflatex did not finish within {timeout:.0f} s") from None
        pdf = Path(folder) / "document.pdf"
        if result.returncode != 0 or not pdf.is_file():
            log_file = Path(folder) / "document.log"
            log = log_file.read_text("utf-8", "replace") if log_file.is_file() else \
                result.stdout.decode("utf-8", "replace")
            message, line, context = first_error(log)
            raise PdfError(message or f"exit status {result.returncode}", line, log, context)
        return pdf.read_bytes()
