"""``ccpolicy report --quick``: measure what was not given, writing the same files the report then reads.

The comparison workloads run through the ordinary bench runner (smallest sizes, one repetition);
the SNP verifier benchmark runs as the bench/ pytest-benchmark suite in a child process, with
short timing budgets, when the suite and pytest-benchmark are present (a source checkout with the
``test`` extra).  Either way the numbers in the report come from files in the output directory.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ccpolicy.comparison.backend import ComparisonBackend
from ccpolicy.comparison.results import write_results
from ccpolicy.comparison.runner import BenchPlan, BenchProgress, run_bench
from ccpolicy.errors import ConfigurationError

RESULTS_NAME = "results.json"
VERIFIER_BENCH_NAME = "verifier-bench.json"
VERIFIER_SUITE = Path("bench") / "test_snp_verification.py"
VERIFIER_TIMEOUT_S = 300.0
QUICK_TIMEOUT_S = 120.0
BENCHMARK_OPTIONS = (
    "--benchmark-only",
    "--benchmark-max-time=0.05",
    "--benchmark-min-rounds=5",
    "--benchmark-warmup=off",
    "-q",
    "-p",
    "no:cacheprovider",
    "-p",
    "ccpolicy.report.benchmark_machine_info",
)


def run_quick_comparison(
    backends: Sequence[ComparisonBackend], out_dir: Path, vectors: str | None, progress: BenchProgress
) -> Path:
    plan = BenchPlan(quick=True, repeat=1, timeout_s=QUICK_TIMEOUT_S, vectors=vectors)
    results = run_bench(backends, plan, progress)
    path = out_dir / RESULTS_NAME
    write_results(results, path)
    return path


def verifier_suite() -> Path | None:
    """The SNP verifier benchmark of the source tree this ccpolicy runs from, if there is one."""
    suite = Path(__file__).absolute().parents[2] / VERIFIER_SUITE
    return suite if suite.is_file() else None


def run_quick_verifier_bench(out_dir: Path) -> Path:
    """Run the SNP verifier suite; ConfigurationError says why it could not run."""
    suite = verifier_suite()
    if suite is None:
        raise ConfigurationError(f"the verifier benchmarks ({VERIFIER_SUITE}) ship with the source tree, not here")
    if importlib.util.find_spec("pytest_benchmark") is None:
        raise ConfigurationError(
            "pytest-benchmark is not installed", hint="pip install 'ccpolicy[test]' to run the verifier benchmarks"
        )
    path = out_dir / VERIFIER_BENCH_NAME
    command = [sys.executable, "-m", "pytest", str(suite), f"--benchmark-json={path}", *BENCHMARK_OPTIONS]
    try:
        finished = subprocess.run(
            command,
            cwd=suite.parents[1],
            capture_output=True,
            text=True,
            timeout=VERIFIER_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ConfigurationError(f"the verifier benchmarks took longer than {VERIFIER_TIMEOUT_S:.0f} s") from exc
    if finished.returncode != 0 or not path.is_file():
        tail = "\n".join((finished.stdout + finished.stderr).strip().splitlines()[-5:])
        raise ConfigurationError(f"the verifier benchmarks failed (pytest exit {finished.returncode}): {tail}")
    return path
