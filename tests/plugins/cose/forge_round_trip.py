"""Test helper: ``ccpolicy forge TEE`` then ``ccpolicy verify`` on what it wrote, returning the exit code.

The TEE's default policy is used when it exists; otherwise a tiny policy (the CLI would stop with exit 1
for want of a policy) that affirms non-debug evidence and contraindicates the rest.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ccpolicy.cli.main import main
from ccpolicy.errors import ConfigurationError
from ccpolicy.policy_files import default_policy_directory, rego_package_name

TINY_POLICY = """package ccpolicy.{package}

import rego.v1

default result := {{"trust_vector": {{"configuration": 96}}, "reasons": []}}

result := {{"trust_vector": {{"configuration": 2, "hardware": 2}}, "reasons": []}} if {{
	input.evidence.debug == false
}}
"""


def policy_arguments(tee: str, directory: Path) -> list[str]:
    """``[]`` for the default policy when it exists, else ``--policy`` with the tiny one."""
    try:
        default_policy_directory(tee)
    except ConfigurationError:
        path = directory / f"{tee}_tiny_policy.rego"
        path.write_text(TINY_POLICY.format(package=rego_package_name(tee)))
        return ["--policy", str(path)]
    return []


def forge_and_verify(
    directory: Path,
    tee: str,
    *,
    at: str,
    settings: Sequence[str] = (),
    trust_test_root: bool = True,
    verify_options: Sequence[str] = (),
) -> int:
    """Forge into ``directory/forged`` and verify with the forge's collateral and reference values."""
    out = directory / "forged"
    assert main(["forge", tee, "--out", str(out), "--at", at, *(f"--set={item}" for item in settings)]) == 0
    written = sorted(path.name for path in out.iterdir())
    evidence = next(out / name for name in written if name.endswith(".cbor"))
    collateral = [out / name for name in written if name.endswith(".pem")]
    reference = out / "refvalues.json"
    assert json.loads(reference.read_text()).keys() == {tee}
    arguments = ["verify", str(evidence), "--tee", tee, "--at", at, "--data", str(reference)]
    for path in collateral:
        arguments += ["--collateral", str(path)]
    arguments += [*policy_arguments(tee, directory), *verify_options]
    if trust_test_root:
        arguments.append("--trust-test-root")
    return main(arguments)
