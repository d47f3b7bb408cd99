"""Median timings of a benchmark module, kept by (case, measurement) for the ratios printed at the end of
the run (``bench_summary`` in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Timings = dict[tuple[str, str], float]


def collect_timings(bench_summary: list[str], ratio_lines: Callable[[Timings], list[str]]) -> Iterator[Timings]:
    """For a module-scoped fixture: the timings dict, then the module's ratio lines into the summary."""
    found: Timings = {}
    yield found
    bench_summary.extend(ratio_lines(found))


def measure(
    benchmark: Any, timings: Timings, key: tuple[str, str], call: Callable[..., Any], *args: Any, **kwargs: Any
) -> Any:
    """Benchmark ``call(*args, **kwargs)`` and keep its median (nothing when benchmarks are disabled)."""
    result = benchmark(call, *args, **kwargs)
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        timings[key] = stats.stats.median
    return result
