"""Benchmarks share the test suite's fixtures (the ccpolicy kit and the real vectors).

Modules that compute ratios from their timings append lines to ``bench_summary``; they are printed
after pytest-benchmark's table, at the very end of the run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["ccpolicy.testing"]

SUMMARY = pytest.StashKey[list[str]]()


@pytest.fixture(scope="session")
def vectors(ccpolicy_vectors: Path) -> Path:
    return ccpolicy_vectors


@pytest.fixture(scope="session")
def bench_summary(pytestconfig: pytest.Config) -> list[str]:
    """Lines to print at the end of the run (after the benchmark table)."""
    return pytestconfig.stash.setdefault(SUMMARY, [])


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    lines = config.stash.get(SUMMARY, [])
    if lines:
        terminalreporter.section("ratios (medians of this run)")
        for line in lines:
            terminalreporter.write_line(line)
