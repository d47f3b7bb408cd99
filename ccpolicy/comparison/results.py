"""The results document of ``ccpolicy bench``: one record per backend x workload x size, and its JSON form."""

from __future__ import annotations

import enum
import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccpolicy.comparison.backend import ByteSizes, CitedFigure, Communication
from ccpolicy.comparison.machine import MachineDescription

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("results.schema.json")
PHASES = ("setup", "encode", "compute", "decode", "end_to_end")


class ResultStatus(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    UNAVAILABLE = "unavailable"
    UNSUPPORTED = "unsupported"
    TIMEOUT = "timeout"
    ERROR = "error"


@dataclass(frozen=True, slots=True, kw_only=True)
class TimingSummary:
    """Seconds over the repetitions of a run."""

    median: float
    minimum: float
    maximum: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> TimingSummary:
        return cls(median=statistics.median(samples), minimum=min(samples), maximum=max(samples))


@dataclass(frozen=True, slots=True, kw_only=True)
class StepSummary:
    name: str
    timing: TimingSummary | None
    unavailable: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultRecord:
    """Timings and sizes are set only when ``status`` is OK: a wrong result is never timed as a success."""

    backend: str
    technology: str
    library: str
    library_version: str | None
    workload: str
    size: int
    status: ResultStatus
    correct: bool | None
    detail: str | None = None
    repeat: int = 0
    phases: tuple[tuple[str, TimingSummary | None], ...] = ()
    extra_steps: tuple[StepSummary, ...] = ()
    sizes: ByteSizes | None = None
    communication: Communication | None = None
    plaintext_baseline_s: float | None = None
    overhead_ratio: float | None = None
    overhead_ratio_with_setup: float | None = None
    tolerance: float | None = None
    max_abs_error: float | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    cited: tuple[CitedFigure, ...] = ()

    def phase(self, name: str) -> TimingSummary | None:
        return dict(self.phases).get(name)


@dataclass(frozen=True, slots=True, kw_only=True)
class BenchSettings:
    workloads: tuple[str, ...]
    backends: tuple[str, ...]
    quick: bool
    repeat: int
    timeout_s: float
    seed: int
    threads: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BenchResults:
    ccpolicy_version: str
    created: str
    settings: BenchSettings
    machine: MachineDescription
    libraries: tuple[tuple[str, str | None], ...]
    records: tuple[ResultRecord, ...]


def results_to_json(results: BenchResults) -> dict[str, Any]:
    settings = results.settings
    machine = results.machine
    return {
        "schema_version": SCHEMA_VERSION,
        "ccpolicy_version": results.ccpolicy_version,
        "created": results.created,
        "settings": {
            "workloads": list(settings.workloads),
            "backends": list(settings.backends),
            "quick": settings.quick,
            "repeat": settings.repeat,
            "timeout_s": settings.timeout_s,
            "seed": settings.seed,
            "threads": settings.threads,
        },
        "machine": {
            "system": machine.system,
            "machine": machine.machine,
            "cpu_model": machine.cpu_model,
            "logical_cpus": machine.logical_cpus,
            "memory_bytes": machine.memory_bytes,
            "python": machine.python,
            "thread_settings": dict(machine.thread_settings),
        },
        "libraries": dict(results.libraries),
        "results": [_record_to_json(record) for record in results.records],
    }


def write_results(results: BenchResults, path: Path) -> None:
    path.write_text(json.dumps(results_to_json(results), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _timing_to_json(timing: TimingSummary | None) -> dict[str, float] | None:
    if timing is None:
        return None
    return {"median": timing.median, "min": timing.minimum, "max": timing.maximum}


def _record_to_json(record: ResultRecord) -> dict[str, Any]:
    sizes = record.sizes
    communication = record.communication
    return {
        "backend": record.backend,
        "technology": record.technology,
        "library": record.library,
        "library_version": record.library_version,
        "workload": record.workload,
        "size": record.size,
        "status": record.status.value,
        "correct": record.correct,
        "detail": record.detail,
        "repeat": record.repeat,
        "timings_s": {name: _timing_to_json(timing) for name, timing in record.phases} if record.phases else None,
        "extra_steps": [
            {"name": step.name, "timing_s": _timing_to_json(step.timing), "unavailable": step.unavailable}
            for step in record.extra_steps
        ],
        "bytes": None
        if sizes is None
        else {
            "ciphertext": sizes.ciphertext,
            "key": sizes.key,
            "proof": sizes.proof,
            "communication": sizes.communication,
        },
        "communication": None
        if communication is None
        else {"bytes_per_party": list(communication.bytes_per_party), "rounds": communication.rounds},
        "plaintext_baseline_s": record.plaintext_baseline_s,
        "overhead_ratio": record.overhead_ratio,
        "overhead_ratio_with_setup": record.overhead_ratio_with_setup,
        "tolerance": record.tolerance,
        "max_abs_error": record.max_abs_error,
        "parameters": dict(record.parameters),
        "notes": list(record.notes),
        "cited": [
            {
                "figure": cited.figure,
                "low_percent": cited.low_percent,
                "high_percent": cited.high_percent,
                "source": cited.source,
                "url": cited.url,
                "measured_here": False,
            }
            for cited in record.cited
        ],
    }
