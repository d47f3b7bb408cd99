"""The plaintext baseline: the workload computed in the clear, in-process, timed the same way for every backend."""

from __future__ import annotations

import time

from ccpolicy.comparison.workloads import Workload, plaintext_result

MIN_BATCH_SECONDS = 0.02
BATCHES = 5


def time_plaintext(workload: Workload) -> float:
    """Best per-call seconds of :func:`plaintext_result` over a few batches of enough calls to be measurable."""
    loops = 1
    while True:
        elapsed = _time_batch(workload, loops)
        if elapsed >= MIN_BATCH_SECONDS or loops >= 1 << 20:
            break
        loops *= 4
    best = elapsed
    for _ in range(BATCHES - 1):
        best = min(best, _time_batch(workload, loops))
    return best / loops


def _time_batch(workload: Workload, loops: int) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        plaintext_result(workload)
    return time.perf_counter() - start
