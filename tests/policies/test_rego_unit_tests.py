"""Every default policy's Rego unit tests pass, and a failing test is reported as failing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccpolicy.interfaces import PolicyModule
from ccpolicy.policy_files import policies_root
from ccpolicy.policy_tests import run_directory_tests, run_rego_tests

POLICY_DIRECTORIES = sorted(
    Path(str(entry))
    for entry in policies_root().iterdir()
    if entry.is_dir() and entry.name not in {"lib", "__pycache__"}
)


@pytest.mark.parametrize("directory", POLICY_DIRECTORIES, ids=lambda d: d.name)
def test_default_policy_rego_tests_pass(directory: Path) -> None:
    results = run_directory_tests(directory)
    assert len(results) >= 5, f"{directory.name} has too few Rego tests"
    failures = [f"{r.file}:{r.line} {r.name}: {r.message}" for r in results if not r.passed]
    assert not failures, "\n".join(failures)


def test_failing_rego_test_is_reported() -> None:
    module = PolicyModule(
        path="x_test.rego", text="package x_test\nimport rego.v1\ntest_ok if 1 == 1\ntest_bad if 1 == 2\n"
    )
    results = {r.name: r for r in run_rego_tests([module], {})}
    assert results["test_ok"].passed
    assert not results["test_bad"].passed
    assert results["test_bad"].line == 4
