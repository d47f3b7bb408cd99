"""The default policies pass OPA's own tools: ``opa check --strict``, ``opa fmt`` and ``opa test``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ccpolicy.policy_files import policies_root

pytestmark = pytest.mark.opa

POLICIES = Path(str(policies_root()))


def run_opa(binary: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(binary), *arguments], capture_output=True, text=True, timeout=120, check=False)


def test_policies_pass_opa_check_strict(opa_binary: Path) -> None:
    completed = run_opa(opa_binary, "check", "--strict", str(POLICIES))
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_policies_are_opa_formatted(opa_binary: Path) -> None:
    completed = run_opa(opa_binary, "fmt", "--list", "--fail", str(POLICIES))
    assert completed.returncode == 0 and not completed.stdout.strip(), (
        f"not formatted (fix with `opa fmt -w policies/`):\n{completed.stdout}"
        + run_opa(opa_binary, "fmt", "--diff", str(POLICIES)).stdout
    )


TEE_POLICY_DIRECTORIES = sorted(p for p in POLICIES.iterdir() if p.is_dir() and p.name not in {"lib", "__pycache__"})


@pytest.mark.parametrize("directory", TEE_POLICY_DIRECTORIES, ids=lambda p: p.name)
def test_policies_pass_opa_test(opa_binary: Path, directory: Path) -> None:
    """One TEE at a time, as ccpolicy loads it: OPA roots data.json at the directory it is given."""
    completed = run_opa(opa_binary, "test", "--format", "json", str(POLICIES / "lib"), str(directory))
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr
    assert '"fail": true' not in completed.stdout


def test_opa_check_catches_a_broken_policy(opa_binary: Path, tmp_path: Path) -> None:
    (tmp_path / "broken.rego").write_text("package broken\n\nimport rego.v1\n\nallow if input.x ==\n")
    assert run_opa(opa_binary, "check", "--strict", str(tmp_path)).returncode != 0


def test_opa_fmt_flags_an_unformatted_policy(opa_binary: Path, tmp_path: Path) -> None:
    (tmp_path / "ugly.rego").write_text("package ugly\nimport rego.v1\nallow if {input.x==1}\n")
    completed = run_opa(opa_binary, "fmt", "--list", "--fail", str(tmp_path))
    assert completed.returncode != 0 and "ugly.rego" in completed.stdout
