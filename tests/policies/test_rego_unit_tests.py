"""Every default policy's Rego unit tests pass with high coverage, and a failing test is reported as failing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ccpolicy.interfaces import PolicyModule
from ccpolicy.policy_files import policies_root
from ccpolicy.policy_tests import run_directory_tests, run_rego_tests, total_coverage

POLICY_DIRECTORIES = sorted(
    Path(str(entry))
    for entry in policies_root().iterdir()
    if entry.is_dir() and entry.name not in {"lib", "__pycache__"}
)


@pytest.mark.parametrize("directory", POLICY_DIRECTORIES, ids=lambda d: d.name)
def test_default_policy_rego_tests_pass_with_coverage(directory: Path) -> None:
    outcomes, coverage = run_directory_tests(directory, coverage=True)
    assert len(outcomes) >= 5, f"{directory.name} has too few Rego tests"
    failures = [f"{o.file}:{o.line} {o.name}: {o.message}" for o in outcomes if not o.passed]
    assert not failures, "\n".join(failures)
    policy_files = [c for c in coverage if c.path.endswith(".rego")]
    assert policy_files, "coverage names no policy file"
    assert not any(c.path.startswith("lib/") for c in coverage)
    assert total_coverage(policy_files) >= 90.0, [(c.path, c.not_covered) for c in policy_files]


def test_failing_rego_test_is_reported() -> None:
    module = PolicyModule(
        path="x_test.rego", text="package x_test\nimport rego.v1\ntest_ok if 1 == 1\ntest_bad if 1 == 2\n"
    )
    outcomes, _ = run_rego_tests([module], {})
    results = {o.name: o for o in outcomes}
    assert results["x_test.test_ok"].passed
    assert not results["x_test.test_bad"].passed
    assert results["x_test.test_bad"].line == 4


def test_name_filter() -> None:
    module = PolicyModule(path="x_test.rego", text="package x_test\nimport rego.v1\ntest_a if true\ntest_b if true\n")
    outcomes, _ = run_rego_tests([module], {}, name_filter=re.compile("test_b"))
    assert [o.name for o in outcomes] == ["x_test.test_b"]
