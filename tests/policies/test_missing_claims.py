"""Every default policy is pessimistic about claims it is not shown: an input with no claims at all is never
affirmed, whatever the shipped reference values, and every reason it gets says the claim was missing (null)."""

from __future__ import annotations

import pytest

from ccpolicy.appraisal import Status, appraisal_from_decision
from ccpolicy.engines.regorus_engine import RegorusEngine
from ccpolicy.policy_files import load_policy
from tests.policies.test_rego_unit_tests import POLICY_DIRECTORIES

FACTS_OF_THE_TEE = {"sev.encrypted_state_required"}
"""Rules that state what a TEE lacks (legacy SEV never encrypts register state), not what a claim says."""


@pytest.mark.parametrize("tee", [directory.name for directory in POLICY_DIRECTORIES])
def test_an_input_without_claims_is_never_affirmed(tee: str) -> None:
    policy = load_policy(tee, policy_paths=(), data_paths=(), query=None)
    appraisal = appraisal_from_decision(RegorusEngine().evaluate(policy, {"tee": tee}), policy.policy_id)
    assert appraisal.status is not Status.AFFIRMING
    assert appraisal.reasons
    shown = [(r.rule, r.value) for r in appraisal.reasons if r.value is not None and r.rule not in FACTS_OF_THE_TEE]
    assert not shown
