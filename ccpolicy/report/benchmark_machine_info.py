"""A pytest plugin that records ccpolicy's library versions in pytest-benchmark's ``machine_info``.

``ccpolicy report --quick`` loads it with ``-p ccpolicy.report.benchmark_machine_info`` so that the
verifier figures it measures say which library versions produced them.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from ccpolicy.report.verifier_bench_file import LIBRARIES_KEY

VERIFIER_LIBRARIES = ("ccpolicy", "cryptography", "pluggy", "cbor2", "gordon-to-regorus", "dcap-qvl")


def library_versions(names: tuple[str, ...] = VERIFIER_LIBRARIES) -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def pytest_benchmark_update_machine_info(config: Any, machine_info: dict[str, Any]) -> None:
    machine_info[LIBRARIES_KEY] = library_versions()
