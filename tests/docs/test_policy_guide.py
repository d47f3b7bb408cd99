"""The Rego in docs/write-a-policy.md works as the guide says: the example policy compiles with the shared
library, its unit test passes, and it judges an input without claims as the guide promises."""

from __future__ import annotations

import re
from pathlib import Path

from ccpolicy.appraisal import appraisal_from_decision
from ccpolicy.engines.regorus_engine import RegorusEngine
from ccpolicy.interfaces import PolicyModule
from ccpolicy.policy_files import make_policy, policies_root
from ccpolicy.policy_tests import run_rego_tests

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "write-a-policy.md"
REGO_BLOCK = re.compile(r"```rego\n(package .*?)```", re.DOTALL)


def guide_modules() -> dict[str, str]:
    """The guide's complete Rego modules (those with a package line), by package."""
    blocks = REGO_BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    return {block.splitlines()[0].removeprefix("package ").strip(): block for block in blocks}


def library() -> list[PolicyModule]:
    root = Path(str(policies_root()))
    return [
        PolicyModule(path=f"lib/{path.name}", text=path.read_text()) for path in sorted((root / "lib").glob("*.rego"))
    ]


def test_the_guides_example_and_its_test_pass() -> None:
    modules = guide_modules()
    assert set(modules) == {"ccpolicy.example", "ccpolicy.example_test"}
    policy_modules = [PolicyModule(path=f"{name}.rego", text=text) for name, text in modules.items()]
    outcomes, _ = run_rego_tests([*library(), *policy_modules], {}, suite="guide")
    assert outcomes and all(outcome.passed for outcome in outcomes), outcomes


def test_the_guides_example_reports_a_missing_claim() -> None:
    example = PolicyModule(path="example.rego", text=guide_modules()["ccpolicy.example"])
    policy = make_policy([*library(), example], {}, "data.ccpolicy.example.result")
    appraisal = appraisal_from_decision(RegorusEngine().evaluate(policy, {"tee": "example"}), policy.policy_id)
    [reason] = appraisal.reasons
    assert (reason.rule, reason.value, appraisal.trust_vector["configuration"]) == ("example.debug_disabled", None, 96)
