"""Run backends on workloads: availability, isolation with a timeout, output checks, baseline and overheads."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Protocol

from ccpolicy import __version__
from ccpolicy.clock import format_time
from ccpolicy.comparison.backend import ComparisonBackend, Measurement, RunParameters
from ccpolicy.comparison.isolation import IsolatedStatus, run_isolated
from ccpolicy.comparison.machine import describe_machine
from ccpolicy.comparison.plaintext_baseline import time_plaintext
from ccpolicy.comparison.results import (
    PHASES,
    BenchResults,
    BenchSettings,
    ResultRecord,
    ResultStatus,
    StepSummary,
    TimingSummary,
)
from ccpolicy.comparison.workloads import Workload, WorkloadKind, check_output, make_workload, workload_sizes
from ccpolicy.errors import CcpolicyError

CORE_LIBRARIES = ("cryptography", "pluggy")


@dataclass(frozen=True, slots=True, kw_only=True)
class BenchPlan:
    workloads: tuple[WorkloadKind, ...] = tuple(WorkloadKind)
    quick: bool = False
    repeat: int = 3
    timeout_s: float = 300.0
    seed: int = 2025
    threads: int = 1
    vectors: str | None = None


class BenchProgress(Protocol):
    def planned(self, total: int) -> None: ...

    def running(self, description: str) -> None: ...

    def finished(self, record: ResultRecord) -> None: ...


class SilentProgress:
    def planned(self, total: int) -> None:
        pass

    def running(self, description: str) -> None:
        pass

    def finished(self, record: ResultRecord) -> None:
        pass


def pin_threads(threads: int) -> None:
    """Pin OpenMP and BLAS thread pools; must run before a backend library is imported."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)


def run_bench(
    backends: Sequence[ComparisonBackend], plan: BenchPlan, progress: BenchProgress | None = None
) -> BenchResults:
    """One record per backend x workload x size. Nothing a backend does stops the run."""
    progress = progress or SilentProgress()
    pin_threads(plan.threads)
    workloads = [
        make_workload(kind, size, plan.seed)
        for kind in plan.workloads
        for size in workload_sizes(kind, quick=plan.quick)
    ]
    baselines = {(w.kind, w.size): time_plaintext(w) for w in workloads}
    progress.planned(len(backends) * len(workloads))
    params = RunParameters(threads=plan.threads, timeout_s=plan.timeout_s, vectors=plan.vectors)
    records: list[ResultRecord] = []
    for backend in backends:
        unavailable = _availability(backend)
        for workload in workloads:
            progress.running(f"{backend.name}: {workload.kind.value} n={workload.size}")
            if unavailable is not None:
                record = _record(backend, workload, ResultStatus.UNAVAILABLE, detail=unavailable)
            elif workload.kind not in backend.supported_workloads():
                record = _record(backend, workload, ResultStatus.UNSUPPORTED, detail="workload not supported")
            else:
                record = _measure(backend, workload, params, plan, baselines[(workload.kind, workload.size)])
            records.append(record)
            progress.finished(record)
    settings = BenchSettings(
        workloads=tuple(kind.value for kind in plan.workloads),
        backends=tuple(backend.name for backend in backends),
        quick=plan.quick,
        repeat=plan.repeat,
        timeout_s=plan.timeout_s,
        seed=plan.seed,
        threads=plan.threads,
    )
    return BenchResults(
        ccpolicy_version=__version__,
        created=format_time(datetime.now(timezone.utc)),
        settings=settings,
        machine=describe_machine(),
        libraries=_library_versions(backends),
        records=tuple(records),
    )


def _availability(backend: ComparisonBackend) -> str | None:
    try:
        return backend.available()
    except CcpolicyError as error:
        return error.diagnostics()
    except Exception as exc:  # noqa: BLE001 - a broken availability check makes the backend unavailable
        return f"availability check failed: {type(exc).__name__}: {exc}"


def _library_versions(backends: Sequence[ComparisonBackend]) -> tuple[tuple[str, str | None], ...]:
    versions: dict[str, str | None] = {}
    for name in CORE_LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    for backend in backends:
        try:
            versions[backend.library] = backend.library_version()
        except Exception:  # noqa: BLE001 - a version lookup never stops the run
            versions[backend.library] = None
    return tuple(sorted(versions.items()))


def _record(backend: ComparisonBackend, workload: Workload, status: ResultStatus, **fields: Any) -> ResultRecord:
    try:
        library_version = backend.library_version()
    except Exception:  # noqa: BLE001 - a version lookup never stops the run
        library_version = None
    base = ResultRecord(
        backend=backend.name,
        technology=backend.technology.value,
        library=backend.library,
        library_version=library_version,
        workload=workload.kind.value,
        size=workload.size,
        status=status,
        correct=False if status is ResultStatus.WRONG else (True if status is ResultStatus.OK else None),
    )
    return replace(base, **fields)


def _measure(
    backend: ComparisonBackend, workload: Workload, params: RunParameters, plan: BenchPlan, baseline: float
) -> ResultRecord:
    measurements: list[Measurement] = []
    call: Callable[[], Measurement] = lambda: backend.run(workload, params)  # noqa: E731
    for attempt in range(plan.repeat):
        outcome = run_isolated(call, timeout_s=plan.timeout_s)
        if outcome.status is IsolatedStatus.TIMEOUT:
            return _record(
                backend, workload, ResultStatus.TIMEOUT, detail=outcome.detail, plaintext_baseline_s=baseline
            )
        if outcome.status is IsolatedStatus.ERROR or not isinstance(outcome.value, Measurement):
            detail = outcome.detail or f"run returned {type(outcome.value).__name__}, not a Measurement"
            return _record(backend, workload, ResultStatus.ERROR, detail=detail, plaintext_baseline_s=baseline)
        measurement = outcome.value
        check = check_output(workload, measurement.output, measurement.tolerance)
        if not check.correct:
            return _record(
                backend,
                workload,
                ResultStatus.WRONG,
                detail=f"repetition {attempt + 1}: {check.detail}",
                tolerance=measurement.tolerance,
                max_abs_error=check.max_abs_error,
                plaintext_baseline_s=baseline,
            )
        measurements.append(measurement)
    return _summarize(backend, workload, measurements, baseline)


def _summarize(
    backend: ComparisonBackend, workload: Workload, measurements: Sequence[Measurement], baseline: float
) -> ResultRecord:
    last = measurements[-1]
    phases = tuple((name, _summary([getattr(m.times, name) for m in measurements])) for name in PHASES)
    end_to_end = dict(phases)["end_to_end"]
    setup = dict(phases)["setup"]
    steps = []
    for step in last.extra_steps:
        samples = [s.seconds for m in measurements for s in m.extra_steps if s.name == step.name]
        steps.append(StepSummary(name=step.name, timing=_summary(samples), unavailable=step.unavailable))
    errors = [check_output(workload, m.output, m.tolerance).max_abs_error or 0.0 for m in measurements]
    overhead = end_to_end.median / baseline if end_to_end is not None and baseline > 0 else None
    with_setup = (
        (end_to_end.median + setup.median) / baseline
        if end_to_end is not None and setup is not None and baseline > 0
        else None
    )
    return _record(
        backend,
        workload,
        ResultStatus.OK,
        repeat=len(measurements),
        phases=phases,
        extra_steps=tuple(steps),
        sizes=last.sizes,
        communication=last.communication,
        plaintext_baseline_s=baseline,
        overhead_ratio=overhead,
        overhead_ratio_with_setup=with_setup,
        tolerance=last.tolerance,
        max_abs_error=max(errors),
        parameters=last.parameters,
        notes=last.notes,
        cited=last.cited,
    )


def _summary(samples: Sequence[float | None]) -> TimingSummary | None:
    measured = [sample for sample in samples if sample is not None]
    if not measured or len(measured) != len(samples):
        return None
    return TimingSummary.of(measured)
