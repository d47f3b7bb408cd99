"""The example third-party plugin (examples/ccpolicy-example-tee) in a clean virtual environment.

ccpolicy is installed from this checkout without its optional dependencies (the wheel with --no-deps,
then only the core requirements of pyproject.toml, from the package index), the example from its own
directory.  Then the plugin must load through its entry point, its forged evidence must verify with its
policy only under --trust-test-root, and its own conformance tests must pass against the installed kit.
This needs the package index and takes about a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import venv
from collections.abc import Sequence
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLE = REPOSITORY / "examples" / "ccpolicy-example-tee"
SOURCES = ("ccpolicy", "plugins", "policies", "setup.py", "pyproject.toml", "README.md")
BUILD_LEFTOVERS = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", ".pytest_cache")
NONCE = "5eed" * 8
AT = "2025-06-01T00:00:00Z"


class CleanEnvironment:
    """A virtual environment without site packages, driven by subprocesses with a clean environment."""

    def __init__(self, root: Path) -> None:
        self.root = root
        venv.EnvBuilder(with_pip=True, clear=True).create(root)
        self.bin = root / ("Scripts" if sys.platform == "win32" else "bin")
        self.environment = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("PYTHON", "CCPOLICY_DISABLE", "VIRTUAL_ENV", "PYTEST"))
        }
        self.environment["PATH"] = f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}"

    def run(self, *command: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            cwd=cwd or self.root,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def must(self, *command: str, cwd: Path | None = None) -> str:
        done = self.run(*command, cwd=cwd)
        assert done.returncode == 0, f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def pip_install(self, *requirements: str) -> None:
        self.must("python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements)


def core_requirements() -> list[str]:
    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]
    requirements: list[str] = project["dependencies"]
    return [*requirements, "pytest>=8"]


def copy_tree(source: Path, names: Sequence[str], target: Path) -> Path:
    """Copy the sources to build, so that building leaves nothing in the checkout."""
    target.mkdir(parents=True)
    for name in names:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name, ignore=BUILD_LEFTOVERS)
        else:
            shutil.copy2(path, target / name)
    return target


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> CleanEnvironment:
    root = tmp_path_factory.mktemp("example-plugin")
    clean = CleanEnvironment(root / "venv")
    clean.pip_install("--no-deps", str(copy_tree(REPOSITORY, SOURCES, root / "ccpolicy-source")))
    clean.pip_install(*core_requirements())
    clean.pip_install("--no-deps", str(copy_tree(EXAMPLE, ("pyproject.toml", "src"), root / "example-source")))
    return clean


@pytest.fixture(scope="module")
def example_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's policy and tests, outside the checkout (whose pytest configuration would apply)."""
    return copy_tree(EXAMPLE, ("pyproject.toml", "policy", "tests"), tmp_path_factory.mktemp("example") / "example")


def test_the_environment_has_no_optional_dependency(environment: CleanEnvironment) -> None:
    listed = json.loads(environment.must("python", "-m", "pip", "list", "--format", "json"))
    installed = {package["name"].lower() for package in listed}
    assert {"ccpolicy", "ccpolicy-example-tee", "pluggy", "gordon-to-regorus"} <= installed
    assert not installed & {"tenseal", "mpyc", "opa-python-client", "hypothesis", "dcap-qvl"}


def test_the_plugin_loads_through_its_entry_point(environment: CleanEnvironment) -> None:
    plugins = {row["name"]: row for row in json.loads(environment.must("ccpolicy", "plugins", "--format", "json"))}
    example = plugins["example"]
    assert example["module"] == "ccpolicy_example_tee.plugin"
    assert example["distribution"] == "ccpolicy-example-tee"
    assert example["version"] == "0.1.0"
    assert example["provides"] == ["forge:example", "tee:example", "threats:example"]
    assert plugins["snp"]["distribution"] == "ccpolicy"  # built-in plugins load the same way


def verify(
    environment: CleanEnvironment, forged: Path, policy: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    return environment.run(
        "ccpolicy",
        "verify",
        str(forged / "evidence.json"),
        "--collateral",
        str(forged / "attestation_key.json"),
        "--policy",
        str(policy),
        "--data",
        str(forged / "refvalues.json"),
        "--at",
        AT,
        "--format",
        "json",
        *options,
    )


def test_forged_evidence_verifies_with_the_example_policy_only_under_the_test_root(
    environment: CleanEnvironment, example_copy: Path, tmp_path: Path
) -> None:
    forged = tmp_path / "forged"
    environment.must("ccpolicy", "forge", "example", "--out", str(forged), "--set", f"report_data={NONCE}")
    policy = example_copy / "policy"

    trusted = verify(environment, forged, policy, "--nonce", NONCE, "--trust-test-root")
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert "--trust-test-root" in trusted.stderr or "test root" in trusted.stderr.lower()

    untrusted = verify(environment, forged, policy, "--nonce", NONCE)
    assert untrusted.returncode == 3, untrusted.stdout + untrusted.stderr

    stale = verify(environment, forged, policy, "--nonce", "00" * 32, "--trust-test-root")
    assert stale.returncode == 3, stale.stdout + stale.stderr


def test_a_debug_device_is_denied_by_the_example_policy(
    environment: CleanEnvironment, example_copy: Path, tmp_path: Path
) -> None:
    forged = tmp_path / "debug"
    environment.must("ccpolicy", "forge", "example", "--out", str(forged), "--set", "debug=1")
    denied = verify(environment, forged, example_copy / "policy", "--trust-test-root")
    assert denied.returncode == 5, denied.stdout + denied.stderr
    assert "example.debug_disabled" in denied.stdout


def test_the_example_policy_tests_pass(environment: CleanEnvironment, example_copy: Path) -> None:
    output = environment.must("ccpolicy", "test", str(example_copy / "policy"), "--coverage", "--threshold", "100")
    assert "0 failed" in output


def test_the_examples_own_conformance_tests_pass(environment: CleanEnvironment, example_copy: Path) -> None:
    output = environment.must("python", "-m", "pytest", "-p", "ccpolicy.testing", "-q", "tests", cwd=example_copy)
    assert " passed" in output and "failed" not in output
