"""How an Outcome is shown: a JSON object, or a few readable lines."""

from __future__ import annotations

import json

from ccpolicy.appraisal import Reason
from ccpolicy.claims import JsonValue, to_json_value
from ccpolicy.pipeline import Outcome
from ccpolicy.policy_tests import TestOutcome


def outcome_as_json(outcome: Outcome) -> dict[str, JsonValue]:
    document: dict[str, JsonValue] = {
        "source": outcome.source,
        "tee": outcome.tee,
        "verified": outcome.verified,
        "exit_code": outcome.exit_code,
        "claims": outcome.input_document,
        "appraisal": None,
        "result": outcome.result,
    }
    if outcome.appraisal is not None:
        document["appraisal"] = {
            "status": outcome.appraisal.status.value,
            "trust_vector": dict(outcome.appraisal.trust_vector),
            "reasons": [to_json_value(reason) for reason in outcome.appraisal.reasons],
            "policy_id": outcome.appraisal.policy_id,
        }
    if outcome.error is not None:
        document["error"] = {
            "code": outcome.error.exit_code,
            "reason": outcome.error.reason,
            "type": type(outcome.error).__name__,
            "message": outcome.error.message,
        }
    return document


def outcome_as_text(outcome: Outcome) -> str:
    tee = outcome.tee or "unknown TEE"
    if outcome.error is not None:
        return f"{outcome.source}: {tee}: ERROR (exit {outcome.exit_code})\n  {outcome.error.diagnostics()}"
    assert outcome.appraisal is not None
    appraisal = outcome.appraisal
    lines = [
        f"{outcome.source}: {tee}: verified, appraisal {appraisal.status.value.upper()} (exit {outcome.exit_code})"
    ]
    lines.append("  trust vector: " + " ".join(f"{k}={v}" for k, v in sorted(appraisal.trust_vector.items())))
    lines += [f"  - {describe_reason(reason)}" for reason in appraisal.reasons]
    return "\n".join(lines)


def describe_reason(reason: Reason) -> str:
    text = f"[{reason.trust_claim or '-'}] {reason.message} (rule {reason.rule}; claim {reason.claim}"
    if reason.value is not None:
        text += f" = {json.dumps(reason.value)}"
    if reason.expected is not None:
        text += f"; expected {json.dumps(reason.expected)}"
    return text + ")"


def outcome_as_test(outcome: Outcome) -> TestOutcome:
    """One evidence file as a test case: it passes when the evidence verified and the policy affirmed it."""
    if outcome.error is not None:
        message = f"exit {outcome.exit_code}: {outcome.error.diagnostics()}"
    elif outcome.exit_code != 0 and outcome.appraisal is not None:
        reasons = "; ".join(describe_reason(reason) for reason in outcome.appraisal.reasons)
        message = (
            f"exit {outcome.exit_code}: appraisal {outcome.appraisal.status.value}: {reasons or 'no affirming claim'}"
        )
    else:
        message = ""
    return TestOutcome(
        kind="verify",
        suite=outcome.tee or "unknown",
        name=outcome.source,
        file=outcome.source,
        line=1,
        passed=outcome.exit_code == 0,
        message=message,
    )
