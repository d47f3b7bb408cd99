"""The Rego in docs/write-a-policy.md works as the guide says: the example policy compiles with the shared
library, its unit test passes, and it judges an input without claims as the guide promises."""

from __future__ import annotations

import re
from pathlib import Path

from ccpolicy.appraisal import appraisal_from_decision
from ccpolicy.engines.regorus_engine import RegorusEngine
from ccpolicy.policy_files import load_policy_directory, make_policy
from ccpolicy.policy_tests import run_rego_tests

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "write-a-policy.md"
REGO_BLOCK = re.compile(r"```rego\n(package .*?)```", re.DOTALL)


def guide_policy(directory: Path) -> Path:
    """The guide's complete Rego modules (those with a package line) written as a policy directory."""
    blocks = REGO_BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    names = {block.splitlines()[0].removeprefix("package ccpolicy.").strip(): block for block in blocks}
    assert set(names) == {"example", "example_test"}
    for name, text in names.items():
        (directory / f"{name}.rego").write_text(text)
    return directory


def test_the_guides_example_and_its_test_pass(tmp_path: Path) -> None:
    modules, data = load_policy_directory(guide_policy(tmp_path), include_tests=True)
    outcomes, _ = run_rego_tests(modules, data, suite="guide")
    assert outcomes and all(outcome.passed for outcome in outcomes), outcomes


def test_the_guides_example_reports_a_missing_claim(tmp_path: Path) -> None:
    modules, data = load_policy_directory(guide_policy(tmp_path))
    policy = make_policy(modules, data, "data.ccpolicy.example.result")
    appraisal = appraisal_from_decision(RegorusEngine().evaluate(policy, {"tee": "example"}), policy.policy_id)
    [reason] = appraisal.reasons
    assert (reason.rule, reason.value, appraisal.trust_vector["configuration"]) == ("example.debug_disabled", None, 96)
