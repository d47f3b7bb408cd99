"""A real ``opa run --server`` on 127.0.0.1 for tests and benchmarks: find the binary, start, wait, stop.

The binary is ``$CCPOLICY_OPA_BINARY``, else ``opa`` on PATH, else ``$(go env GOPATH)/bin/opa`` (where
``.ci/install-opa`` puts the pinned version).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

BINARY_VARIABLE = "CCPOLICY_OPA_BINARY"
START_TIMEOUT = 30.0


def find_opa_binary() -> Path | None:
    """The OPA binary to test with, or None when there is none."""
    configured = os.environ.get(BINARY_VARIABLE)
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    on_path = shutil.which("opa")
    if on_path:
        return Path(on_path)
    candidates = [Path.home() / "go" / "bin" / "opa"]
    go = shutil.which("go")
    if go:
        try:
            gopath = subprocess.run(
                [go, "env", "GOPATH"], capture_output=True, text=True, timeout=30, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            gopath = ""
        candidates = [Path(entry) / "bin" / "opa" for entry in gopath.split(os.pathsep) if entry] + candidates
    return next((candidate for candidate in candidates if candidate.is_file()), None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class OpaServerProcess:
    """One ``opa run --server`` child process listening on a free loopback port."""

    def __init__(self, binary: Path, arguments: Sequence[str] = (), *, scheme: str = "http") -> None:
        self.binary = binary
        self.arguments = list(arguments)
        self.port = free_port()
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None

    def start(self, log_directory: Path, *, wait: bool = True) -> OpaServerProcess:
        self._log = log_directory / f"opa-{self.port}.log"
        command = [
            str(self.binary),
            "run",
            "--server",
            "--addr",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "error",
            *self.arguments,
        ]
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if wait:
            self.wait_healthy()
        return self

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        """Return when ``/health`` answers 200; raise with the server's log if it exits or never gets there."""
        deadline = time.monotonic() + timeout
        health = f"http://127.0.0.1:{self.port}/health"
        while time.monotonic() < deadline:
            if self.exited():
                raise RuntimeError(f"opa exited with {self.returncode()} before it was healthy:\n{self.log_text()}")
            ready = self._port_open() if self.url.startswith("https") else self._answers(health)
            if ready:
                return
            time.sleep(0.05)
        raise RuntimeError(f"opa did not become healthy within {timeout} s:\n{self.log_text()}")

    def wait_exit(self, timeout: float = START_TIMEOUT) -> int:
        """Wait for the process to end by itself (a server that refuses its bundle); its exit code."""
        assert self._process is not None
        return self._process.wait(timeout=timeout)

    def exited(self) -> bool:
        return self._process is not None and self._process.poll() is not None

    def returncode(self) -> int | None:
        return None if self._process is None else self._process.returncode

    def log_text(self) -> str:
        return self._log.read_text(errors="replace") if self._log and self._log.exists() else ""

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=10)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)

    def _answers(self, url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # loopback only
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def _port_open(self) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(1)
            return probe.connect_ex(("127.0.0.1", self.port)) == 0
