from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from ccpolicy.comparison.isolation import IsolatedStatus, run_isolated
from ccpolicy.errors import BackendError


def test_value_comes_back() -> None:
    outcome = run_isolated(lambda: (os.getpid(), 42), timeout_s=30)
    assert outcome.status is IsolatedStatus.OK
    assert outcome.value is not None
    assert outcome.value[0] != os.getpid()
    assert outcome.value[1] == 42


def test_exceptions_are_reported() -> None:
    def fail() -> None:
        raise BackendError("no result")

    def crash() -> None:
        raise ZeroDivisionError("boom")

    failed = run_isolated(fail, timeout_s=30)
    assert failed.status is IsolatedStatus.ERROR
    assert failed.detail is not None and "no result" in failed.detail
    crashed = run_isolated(crash, timeout_s=30)
    assert crashed.status is IsolatedStatus.ERROR
    assert crashed.detail is not None and "ZeroDivisionError" in crashed.detail


def test_hang_is_stopped_with_its_children(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"

    def hang() -> None:
        grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        pid_file.write_text(str(grandchild.pid))
        time.sleep(120)

    start = time.monotonic()
    outcome = run_isolated(hang, timeout_s=1.5)
    assert outcome.status is IsolatedStatus.TIMEOUT
    assert time.monotonic() - start < 10
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(grandchild):
        time.sleep(0.05)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"
