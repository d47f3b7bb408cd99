"""Fixtures of the OPA engine tests: a real OPA server on loopback, the engine on it, the default policies."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ccpolicy.engines.opa_connection import OpaServerSettings
from ccpolicy.engines.opa_engine import OpaEngine
from tests.opa.opa_process import OpaServerProcess, find_opa_binary


@dataclass(slots=True)
class DifferentialTally:
    """How many decisions the differential tests compared, per policy case."""

    cases: dict[str, tuple[int, int]] = field(default_factory=dict)

    def record(self, case: str, *, single: int, batched: int) -> None:
        self.cases[case] = (single, batched)

    def summary(self) -> str:
        single = sum(count for count, _ in self.cases.values())
        batched = sum(count for _, count in self.cases.values())
        per_case = ", ".join(f"{case} {count}" for case, (count, _) in sorted(self.cases.items()))
        return (
            f"OPA differential: compared {single} decisions on regorus, the OPA server and an OPA bundle, "
            f"plus {batched} batched on the OPA server ({per_case})"
        )


TALLY_KEY = pytest.StashKey[DifferentialTally]()


@pytest.fixture(scope="session")
def differential_tally(request: pytest.FixtureRequest) -> DifferentialTally:
    return request.config.stash.setdefault(TALLY_KEY, DifferentialTally())


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    tally = config.stash.get(TALLY_KEY, None)
    if tally is not None and tally.cases:
        terminalreporter.write_line(tally.summary())


@pytest.fixture(scope="session")
def opa_binary() -> Path:
    """The OPA binary; the tests that need it skip only when there is none (CI installs it: .ci/install-opa)."""
    binary = find_opa_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("no opa binary in CI: .ci/install-opa must run before the tests")
        pytest.skip("no opa binary (run .ci/install-opa or set CCPOLICY_OPA_BINARY)")
    return binary


@pytest.fixture(scope="session")
def opa_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("opa-logs")


@pytest.fixture(scope="session")
def opa_server(opa_binary: Path, opa_logs: Path) -> Iterator[OpaServerProcess]:
    """One OPA server shared by the tests that do not stop or poison it."""
    server = OpaServerProcess(opa_binary).start(opa_logs)
    yield server
    server.stop()


@pytest.fixture
def own_opa_server(opa_binary: Path, opa_logs: Path) -> Iterator[OpaServerProcess]:
    """A fresh OPA server for one test (which may kill it)."""
    server = OpaServerProcess(opa_binary).start(opa_logs)
    yield server
    server.stop()


@pytest.fixture
def opa_engine(opa_server: OpaServerProcess) -> OpaEngine:
    return OpaEngine(OpaServerSettings(url=opa_server.url, timeout=10.0))
