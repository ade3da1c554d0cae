"""A tiny Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (no dependency): open a
page in headless Chromium, collect console errors and exceptions, evaluate JavaScript in the page
(the page itself has none) and take a screenshot.  ``CHROMIUM`` is None when no browser is
installed (tests then skip, saying so)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path
from typing import Any

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(name)), None)
SKIP_REASON = "headless Chromium is not installed (apt-get install chromium)"


class Page:
    """One loaded page: ``errors`` (console errors and exceptions), ``evaluate``, ``screenshot``."""

    def __init__(self, path: Path, width: int = 1000, height: int = 1400) -> None:
        self._profile = tempfile.mkdtemp(prefix="symdil-chromium-")
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()

        def child_fds() -> None:  # Chromium reads commands on fd 3 and writes on fd 4
            # via copies, so that a pipe end that already is fd 3 or 4 is not clobbered, and
            # os.dup2 leaves 3 and 4 inheritable (the pipes themselves are close-on-exec)
            read_copy, write_copy = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(read_copy, 3)
            os.dup2(write_copy, 4)

        self._process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-pipe", "--hide-scrollbars", f"--user-data-dir={self._profile}",
             f"--window-size={width},{height}"],
            # subprocess closes the other descriptors after preexec_fn: keep 3 and 4
            preexec_fn=child_fds, pass_fds=(3, 4),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._write = os.fdopen(to_chrome_w, "wb", buffering=0)
        self._read = os.fdopen(from_chrome_r, "rb", buffering=0)
        self._buffer = b""
        self._next = 0
        self.errors: list[str] = []
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self._call("Target.attachToTarget",
                                   {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            self._call(f"{domain}.enable", session=True)
        self._call("Emulation.setDeviceMetricsOverride",
                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                   session=True)
        self._call("Page.navigate", {"url": path.resolve().as_uri()}, session=True)
        self._wait_event("Page.loadEventFired")

    # ----- protocol -----------------------------------------------------------------------
    def _send(self, method: str, params: dict | None, session: bool) -> int:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        self._write.write(json.dumps(message).encode() + b"\0")
        return self._next

    def _message(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = self._read.read(1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        self._record(message)
        return message

    def _record(self, message: dict) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            self.errors.append("exception: " + json.dumps(params.get("exceptionDetails"))[:300])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append("console: " + json.dumps(params.get("args"))[:300])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.errors.append("log: " + params["entry"].get("text", "")[:300])

    def _call(self, method: str, params: dict | None = None, session: bool = False) -> dict:
        ident = self._send(method, params, session)
        while True:
            message = self._message()
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def _wait_event(self, name: str) -> None:
        while self._message().get("method") != name:
            pass

    # ----- use ----------------------------------------------------------------------------
    def evaluate(self, expression: str) -> Any:
        result = self._call("Runtime.evaluate", {"expression": expression,
                                                 "returnByValue": True}, session=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluation failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        data = self._call("Page.captureScreenshot", {"format": "png",
                                                     "captureBeyondViewport": True},
                          session=True)["data"]
        return base64.b64decode(data)

    def close(self) -> None:
        try:
            self._send("Browser.close", None, False)
            self._process.wait(timeout=20)
        except Exception:
            self._process.kill()
            self._process.wait()
        finally:
            self._write.close()
            self._read.close()
            shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> "Page":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def png_colours(png: bytes, sample: int = 200_000) -> int:
    """How many distinct byte values the decoded pixel rows hold (1 or 2: a blank image)."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    position, idat = 8, b""
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        if kind == b"IDAT":
            idat += png[position + 8:position + 8 + length]
        position += 12 + length
    pixels = zlib.decompress(idat)
    return len(set(pixels[:sample]))
