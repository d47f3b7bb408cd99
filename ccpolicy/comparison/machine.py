"""A description of the machine a benchmark ran on, recorded with its results."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True, slots=True, kw_only=True)
class MachineDescription:
    system: str
    machine: str
    cpu_model: str | None
    logical_cpus: int | None
    memory_bytes: int | None
    python: str
    thread_settings: tuple[tuple[str, str | None], ...]


def describe_machine() -> MachineDescription:
    return MachineDescription(
        system=platform.platform(),
        machine=platform.machine(),
        cpu_model=_proc_field(Path("/proc/cpuinfo"), "model name"),
        logical_cpus=os.cpu_count(),
        memory_bytes=_memory_bytes(),
        python=f"{platform.python_implementation()} {sys.version.split()[0]}",
        thread_settings=tuple((name, os.environ.get(name)) for name in THREAD_VARIABLES),
    )


def _proc_field(path: Path, name: str) -> str | None:
    try:
        lines = path.read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return None


def _memory_bytes() -> int | None:
    total = _proc_field(Path("/proc/meminfo"), "MemTotal")
    if total is None or not total.split()[0].isdigit():
        return None
    return int(total.split()[0]) * 1024
