"""Comparison backends that misbehave on purpose: absent library, hang, wrong answer, crash."""

from __future__ import annotations

import time
from collections.abc import Sequence

from ccpolicy.comparison.backend import ComparisonBackend, Measurement, PhaseTimes, RunParameters, Technology
from ccpolicy.comparison.workloads import Workload, WorkloadKind
from ccpolicy.hookspecs import hookimpl

ABSENT_HINT = "notalib not installed; install with: pip install 'ccpolicy[absent]'"


class FakeBackend:
    technology = Technology.FHE
    library = "fake"

    def __init__(self, name: str) -> None:
        self.name = name

    def library_version(self) -> str | None:
        return None

    def available(self) -> str | None:
        return None

    def supported_workloads(self) -> Sequence[WorkloadKind]:
        return tuple(WorkloadKind)

    def run(self, workload: Workload, params: RunParameters) -> Measurement:
        return Measurement(output=workload.reference, times=PhaseTimes(end_to_end=0.001))


class AbsentBackend(FakeBackend):
    def available(self) -> str | None:
        return ABSENT_HINT

    def run(self, workload: Workload, params: RunParameters) -> Measurement:
        raise AssertionError("an unavailable backend must never be run")


class HangingBackend(FakeBackend):
    def run(self, workload: Workload, params: RunParameters) -> Measurement:
        while True:
            time.sleep(1)


class WrongBackend(FakeBackend):
    def run(self, workload: Workload, params: RunParameters) -> Measurement:
        output = tuple(value + 1 for value in workload.reference)
        return Measurement(output=output, times=PhaseTimes(end_to_end=0.001))


class CrashingBackend(FakeBackend):
    def run(self, workload: Workload, params: RunParameters) -> Measurement:
        raise RuntimeError("segfault stand-in")


class MisbehavingPlugin:
    """A plugin providing an absent and a hanging backend."""

    @hookimpl
    def ccpolicy_comparison_backends(self) -> Sequence[ComparisonBackend]:
        return [AbsentBackend("absent"), HangingBackend("hanging")]
