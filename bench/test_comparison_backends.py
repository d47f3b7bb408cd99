"""The comparison workloads under pytest-benchmark, one benchmark per backend x workload x size.

Each call is the backend's full run (setup included) and its output is checked against the plaintext
reference; the plaintext baseline is benchmarked beside it. ``CCPOLICY_BENCH_QUICK=1`` keeps the
smallest size of each workload. ``ccpolicy bench`` gives the per-phase breakdown and the results file.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from ccpolicy.comparison.backend import ComparisonBackend, RunParameters
from ccpolicy.comparison.runner import pin_threads
from ccpolicy.comparison.workloads import (
    WorkloadKind,
    check_output,
    make_workload,
    plaintext_result,
    workload_sizes,
)
from ccpolicy_fhe.tenseal_backend import TensealBackend
from ccpolicy_mpc.backend import MpycBackend
from ccpolicy_paillier.backend import PaillierBackend
from ccpolicy_teemodel.backend import TeeModelBackend
from ccpolicy_zkp.backend import ZkskBackend

SEED = 2025
QUICK = os.environ.get("CCPOLICY_BENCH_QUICK", "") not in ("", "0")
BACKENDS: tuple[ComparisonBackend, ...] = (
    TensealBackend(),
    MpycBackend(),
    ZkskBackend(),
    PaillierBackend(),
    TeeModelBackend(),
)
CASES = [(kind, size) for kind in WorkloadKind for size in workload_sizes(kind, quick=QUICK)]
PARAMS = RunParameters(threads=1, timeout_s=600.0)

pin_threads(1)


def _case_id(case: tuple[WorkloadKind, int]) -> str:
    return f"{case[0].value}-{case[1]}"


@pytest.mark.parametrize(("kind", "size"), CASES, ids=[f"{kind.value}-{size}" for kind, size in CASES])
def test_plaintext_baseline(benchmark: Any, kind: WorkloadKind, size: int) -> None:
    workload = make_workload(kind, size, SEED)
    assert benchmark(plaintext_result, workload) == workload.reference


@pytest.mark.parametrize(
    ("backend", "kind", "size"),
    [
        pytest.param(backend, kind, size, id=f"{backend.name}-{_case_id((kind, size))}")
        for backend in BACKENDS
        for kind, size in CASES
        if kind in backend.supported_workloads()
    ],
)
def test_backend(benchmark: Any, backend: ComparisonBackend, kind: WorkloadKind, size: int) -> None:
    reason = backend.available()
    assert reason is None, f"{backend.name} unavailable in the bench environment (tox -e bench installs all): {reason}"
    workload = make_workload(kind, size, SEED)
    measurement = benchmark.pedantic(backend.run, args=(workload, PARAMS), rounds=1 if QUICK else 3, iterations=1)
    check = check_output(workload, measurement.output, measurement.tolerance)
    assert check.correct, check.detail
    benchmark.extra_info.update(
        technology=backend.technology.value,
        end_to_end_s=measurement.times.end_to_end,
        setup_s=measurement.times.setup,
        max_abs_error=check.max_abs_error,
    )
