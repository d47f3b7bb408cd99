"""Run one backend call in a child process so that a hang or a crash can be stopped and reported.

The child is forked (it inherits the backend object, so test backends need not be importable), made
the leader of its own process group, and killed with that whole group when its time is up: an MPC
backend's party processes go with it.
"""

from __future__ import annotations

import contextlib
import enum
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

from ccpolicy.errors import CcpolicyError

T = TypeVar("T")
REAP_SECONDS = 5.0


class IsolatedStatus(enum.Enum):
    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True, kw_only=True)
class IsolatedOutcome(Generic[T]):
    status: IsolatedStatus
    value: T | None = None
    detail: str | None = None


def run_isolated(call: Callable[[], T], *, timeout_s: float) -> IsolatedOutcome[T]:
    """Run ``call`` in a forked child; its value comes back pickled. Exceptions and timeouts become outcomes."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(call, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            _kill_group(child.pid)
            child.kill()
            child.join(REAP_SECONDS)
            if child.exitcode is None:
                return IsolatedOutcome(status=IsolatedStatus.TIMEOUT, detail=f"no answer after {timeout_s:g} s")
            return IsolatedOutcome(status=IsolatedStatus.TIMEOUT, detail=f"stopped after {timeout_s:g} s")
        try:
            kind, payload = receiver.recv()
        except EOFError:
            child.join(REAP_SECONDS)
            return IsolatedOutcome(
                status=IsolatedStatus.ERROR, detail=f"the backend process died (exit code {child.exitcode})"
            )
    finally:
        receiver.close()
    child.join(REAP_SECONDS)
    _kill_group(child.pid)  # leftovers (party processes) of a child that answered
    if kind == "ok":
        return IsolatedOutcome(status=IsolatedStatus.OK, value=payload)
    return IsolatedOutcome(status=IsolatedStatus.ERROR, detail=str(payload))


def _child_main(call: Callable[[], object], sender: Connection) -> None:
    os.setpgid(0, 0)
    try:
        sender.send(("ok", call()))
    except CcpolicyError as error:
        sender.send(("error", error.diagnostics()))
    except Exception as exc:  # noqa: BLE001 - a backend's failure is reported, never raised into the host
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {last[0].filename}:{last[0].lineno}" if last else ""
        sender.send(("error", f"{type(exc).__name__}: {exc}{where}"))
    sender.close()


def _kill_group(pid: int | None) -> None:
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
