"""Launch the MPyC parties as separate processes over 127.0.0.1 and collect their reports.

MPyC waits forever when parties disagree on input lengths, so every party's spec is checked first,
and each party has a deadline: a party still running at it is killed with the others. MPyC parties
can also run on separate hosts (``-P host:port`` once per party, the same list on every host): that
is how to measure a real network instead of loopback.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccpolicy.errors import BackendError

PARTY_PROGRAM = Path(__file__).with_name("party_program.py")
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True, slots=True, kw_only=True)
class PartySpec:
    """One party's share of the work: its own inputs, and what every party contributes."""

    workload: str
    bit_length: int
    own_values: tuple[int, ...]
    lengths: tuple[int, ...]
    threshold: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyReport:
    pid: int
    output: tuple[int, ...]
    setup_s: float
    share_s: float
    compute_s: float
    open_s: float
    bytes_sent: tuple[int, ...]
    messages_sent: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PartiesRun:
    reports: tuple[PartyReport, ...]
    wall_s: float


def validate_specs(specs: Sequence[PartySpec]) -> None:
    """Every party must agree on the workload and the lengths, and hold as many values as it declares."""
    if len(specs) < 2:
        raise BackendError("MPC needs at least two parties")
    first = specs[0]
    for pid, spec in enumerate(specs):
        if len(spec.lengths) != len(specs):
            raise BackendError(f"party {pid} declares {len(spec.lengths)} parties, not {len(specs)}")
        if (spec.workload, spec.lengths, spec.bit_length, spec.threshold) != (
            first.workload,
            first.lengths,
            first.bit_length,
            first.threshold,
        ):
            raise BackendError(f"party {pid} disagrees with party 0 on the workload, lengths or parameters")
        if len(spec.own_values) != spec.lengths[pid]:
            raise BackendError(f"party {pid} holds {len(spec.own_values)} values but declares {spec.lengths[pid]}")
        limit = 1 << (spec.bit_length - 1)
        if any(not -limit <= value < limit for value in spec.own_values):
            raise BackendError(f"party {pid} has a value outside the {spec.bit_length}-bit secure integers")


def free_ports(count: int) -> tuple[int, ...]:
    sockets = []
    try:
        for _ in range(count):
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.bind((LOOPBACK, 0))
            sockets.append(listener)
        return tuple(listener.getsockname()[1] for listener in sockets)
    finally:
        for listener in sockets:
            listener.close()


def run_parties(specs: Sequence[PartySpec], *, timeout_s: float) -> PartiesRun:
    """Run one process per party over loopback; every party must finish within ``timeout_s``."""
    validate_specs(specs)
    ports = free_ports(len(specs))
    addresses = [argument for port in ports for argument in ("-P", f"{LOOPBACK}:{port}")]
    with tempfile.TemporaryDirectory(prefix="ccpolicy-mpc-") as directory:
        processes = []
        start = time.perf_counter()
        try:
            for pid, spec in enumerate(specs):
                spec_path = Path(directory) / f"party{pid}.json"
                spec_path.write_text(json.dumps(_spec_json(spec)), encoding="utf-8")
                command = [sys.executable, str(PARTY_PROGRAM), str(spec_path), "-M", str(len(specs)), "-I", str(pid)]
                processes.append(
                    subprocess.Popen(
                        [*command, *addresses, "--no-log"],
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                    )
                )
            outputs = []
            deadline = start + timeout_s
            for pid, process in enumerate(processes):
                try:
                    stdout, stderr = process.communicate(timeout=max(0.0, deadline - time.perf_counter()))
                except subprocess.TimeoutExpired:
                    raise BackendError(f"MPC party {pid} did not finish within {timeout_s:g} s") from None
                if process.returncode != 0:
                    raise BackendError(f"MPC party {pid} exited with {process.returncode}: {stderr.strip()[-500:]}")
                outputs.append(stdout)
            wall = time.perf_counter() - start
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    return PartiesRun(reports=tuple(_parse_report(pid, text) for pid, text in enumerate(outputs)), wall_s=wall)


def _spec_json(spec: PartySpec) -> dict[str, Any]:
    return {
        "workload": spec.workload,
        "bit_length": spec.bit_length,
        "own_values": list(spec.own_values),
        "lengths": list(spec.lengths),
        "threshold": spec.threshold,
    }


def _parse_report(pid: int, text: str) -> PartyReport:
    lines = [line for line in text.splitlines() if line.startswith("{")]
    try:
        document = json.loads(lines[-1])
        return PartyReport(
            pid=int(document["pid"]),
            output=tuple(int(value) for value in document["output"]),
            setup_s=float(document["setup_s"]),
            share_s=float(document["share_s"]),
            compute_s=float(document["compute_s"]),
            open_s=float(document["open_s"]),
            bytes_sent=tuple(int(value) for value in document["bytes_sent"]),
            messages_sent=tuple(int(value) for value in document["messages_sent"]),
        )
    except (IndexError, KeyError, TypeError, ValueError) as exc:
        raise BackendError(f"MPC party {pid} printed no report: {text.strip()[-300:]!r}") from exc
