"""Why a decision came out as it did: verification steps, the claims the policy read, and each trust
claim with its reasons (rule file:line, claim and value, expected value or bound, how far behind).

Rule lines come from the policy's structure as regorus parses it (``rego_structure``): the rule whose
reason object names the rule, else the string literal the reason's rule name is built from.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ccpolicy.appraisal import Reason, Status, tier
from ccpolicy.claims import JsonValue
from ccpolicy.clock import format_time, parse_time
from ccpolicy.errors import (
    CcpolicyError,
    CollateralError,
    EvidenceError,
    FreshnessError,
    VerificationError,
)
from ccpolicy.interfaces import Policy
from ccpolicy.pipeline import Outcome
from ccpolicy.rego_structure import Location, PackageAnalysis, PolicyStructure


class StepState(enum.Enum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_REACHED = "not reached"


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    name: str
    state: StepState
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimRead:
    path: str
    value: JsonValue
    present: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ReasonExplanation:
    reason: Reason
    location: Location | None
    distance: tuple[str, ...]
    """How far the value is from the bound (TCB components, SVNs, dates)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustClaimExplanation:
    claim: str
    value: int
    status: Status
    reasons: tuple[ReasonExplanation, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation:
    source: str
    tee: str | None
    exit_code: int
    status: Status | None
    steps: tuple[Step, ...]
    claims_read: tuple[ClaimRead, ...]
    trust_claims: tuple[TrustClaimExplanation, ...]
    other_reasons: tuple[ReasonExplanation, ...]
    """Reasons that name no trust claim of the vector."""


def explain(outcome: Outcome, policy: Policy | None) -> Explanation:
    analysis = _analysis(policy, outcome.tee) if policy is not None and outcome.appraisal is not None else None
    reasons = [_explain_reason(r, analysis) for r in outcome.appraisal.reasons] if outcome.appraisal else []
    trust_claims = []
    if outcome.appraisal is not None:
        for claim, value in sorted(outcome.appraisal.trust_vector.items()):
            mine = tuple(r for r in reasons if r.reason.trust_claim == claim)
            trust_claims.append(TrustClaimExplanation(claim=claim, value=value, status=tier(value), reasons=mine))
    vector = outcome.appraisal.trust_vector if outcome.appraisal else {}
    return Explanation(
        source=outcome.source,
        tee=outcome.tee,
        exit_code=outcome.exit_code,
        status=outcome.appraisal.status if outcome.appraisal else None,
        steps=tuple(_steps(outcome)),
        claims_read=tuple(_claims_read(analysis, outcome.input_document)) if analysis else (),
        trust_claims=tuple(trust_claims),
        other_reasons=tuple(r for r in reasons if r.reason.trust_claim not in vector),
    )


def render_tree(explanation: Explanation) -> str:
    status = explanation.status.value.upper() if explanation.status else "ERROR"
    lines = [f"{explanation.source}: {explanation.tee or 'unknown TEE'}: {status} (exit {explanation.exit_code})"]
    lines.append("├─ verification")
    for number, step in enumerate(explanation.steps):
        branch = "└─" if number == len(explanation.steps) - 1 else "├─"
        lines.append(f"│  {branch} {step.name}: {step.state.value} — {step.detail}")
    if explanation.claims_read:
        lines.append("├─ claims the policy read")
        for number, claim in enumerate(explanation.claims_read):
            branch = "└─" if number == len(explanation.claims_read) - 1 else "├─"
            shown = _show(claim.value) if claim.present else "(absent)"
            lines.append(f"│  {branch} {claim.path} = {shown}")
    lines.append("└─ trust vector" if explanation.trust_claims else "└─ no appraisal")
    groups = [(f"{t.claim} = {t.value} ({t.status.value})", t.reasons) for t in explanation.trust_claims]
    if explanation.other_reasons:
        groups.append(("reasons without a trust claim", explanation.other_reasons))
    for number, (title, reasons) in enumerate(groups):
        last = number == len(groups) - 1
        lines.append(f"   {'└─' if last else '├─'} {title}")
        indent = "      " if last else "   │  "
        for index, item in enumerate(reasons):
            lines += _reason_lines(item, indent, index == len(reasons) - 1)
    return "\n".join(lines)


def explanation_as_json(explanation: Explanation) -> dict[str, JsonValue]:
    return {
        "source": explanation.source,
        "tee": explanation.tee,
        "exit_code": explanation.exit_code,
        "status": explanation.status.value if explanation.status else None,
        "steps": [{"name": s.name, "state": s.state.value, "detail": s.detail} for s in explanation.steps],
        "claims_read": [{"path": c.path, "value": c.value, "present": c.present} for c in explanation.claims_read],
        "trust_vector": [
            {
                "claim": t.claim,
                "value": t.value,
                "status": t.status.value,
                "reasons": [_reason_json(r) for r in t.reasons],
            }
            for t in explanation.trust_claims
        ],
        "other_reasons": [_reason_json(r) for r in explanation.other_reasons],
    }


def distance(value: JsonValue, expected: JsonValue) -> tuple[str, ...]:
    """How far a value is below its bound: numbers, objects of numbers (TCB components), dates."""
    if _number(value) and _number(expected):
        return (f"{expected - value} behind (have {value}, need {expected})",) if value < expected else ()
    if isinstance(value, Mapping) and isinstance(expected, Mapping):
        lines = []
        for key in expected:
            have, need = value.get(key), expected[key]
            if _number(have) and _number(need) and have < need:
                lines.append(f"{key}: have {have}, need {need} ({need - have} behind)")
        return tuple(lines)
    if isinstance(value, str) and isinstance(expected, str):
        try:
            have_time, need_time = parse_time(value), parse_time(expected)
        except CcpolicyError:
            return ()
        if have_time < need_time:
            days = (need_time - have_time).days
            return (f"{days} days behind ({format_time(have_time)} < {format_time(need_time)})",)
    return ()


def _analysis(policy: Policy, tee: str | None) -> PackageAnalysis | None:
    parts = policy.query.removeprefix("data.").split(".")
    if len(parts) < 2:
        return None
    structure = PolicyStructure(policy.modules)
    package = ".".join(parts[:-1])
    return structure.analyze_package(package, tee) if package in structure.packages else None


def _explain_reason(reason: Reason, analysis: PackageAnalysis | None) -> ReasonExplanation:
    return ReasonExplanation(
        reason=reason,
        location=_rule_location(reason.rule, analysis) if analysis else None,
        distance=distance(reason.value, reason.expected),
    )


def _rule_location(rule_name: str, analysis: PackageAnalysis) -> Location | None:
    for rule in analysis.rules:
        if rule.head_fields.get("rule") == rule_name:
            return rule.location
    for field in analysis.object_fields:
        if field.key == "rule" and field.value == rule_name:
            return field.location
    suffix = rule_name.partition(".")[2]
    for candidate in (rule_name, f"%s.{suffix}", suffix):
        for literal in analysis.strings:
            if candidate and literal.value == candidate:
                return literal.location
    return None


def _claims_read(analysis: PackageAnalysis, document: Mapping[str, Any] | None) -> list[ClaimRead]:
    if document is None:
        return []
    paths = sorted({r.path for r in analysis.input_paths() if r.path and None not in r.path}, key=str)
    leaves = [p for p in paths if not any(o != p and o[: len(p)] == p for o in paths)]
    claims = []
    for path in leaves:
        current: Any = document
        present = True
        for segment in path:
            if isinstance(current, Mapping) and segment in current:
                current = current[segment]
            else:
                present, current = False, None
                break
        claims.append(ClaimRead(path="input." + ".".join(str(s) for s in path), value=current, present=present))
    return claims


def _steps(outcome: Outcome) -> list[Step]:
    error = outcome.error
    failed_at = _failed_step(error) if error is not None else None
    steps = []
    order = ["evidence", "signature and chain", "collateral", "freshness", "appraisal"]
    reached = order.index(failed_at) if failed_at in order else len(order)
    for index, name in enumerate(order):
        if name == failed_at:
            assert error is not None
            steps.append(Step(name=name, state=StepState.FAILED, detail=error.diagnostics()))
        elif index > reached:
            steps.append(Step(name=name, state=StepState.NOT_REACHED, detail="an earlier step failed"))
        else:
            steps.append(_passed_step(name, outcome))
    if failed_at is None and error is not None:
        steps.append(Step(name="other", state=StepState.FAILED, detail=error.diagnostics()))
    return steps


def _failed_step(error: CcpolicyError) -> str | None:
    if isinstance(error, EvidenceError):
        return "evidence"
    if isinstance(error, FreshnessError):
        return "freshness"
    if isinstance(error, VerificationError):
        return "signature and chain"
    if isinstance(error, CollateralError):
        return "collateral"
    return "appraisal"


def _passed_step(name: str, outcome: Outcome) -> Step:
    claims = outcome.claims
    document = outcome.input_document or {}
    if name == "evidence":
        return Step(name=name, state=StepState.OK, detail=f"parsed as {outcome.tee} evidence")
    if name == "signature and chain":
        return Step(name=name, state=StepState.OK, detail="signature verified up to a trusted root")
    if name == "collateral":
        if claims is None:
            return Step(name=name, state=StepState.OK, detail="inside every validity window")
        status = claims.collateral
        until = format_time(status.not_after) if status.not_after else "no end"
        crl = "CRL checked" if status.crl_checked else "no CRL checked"
        return Step(name=name, state=StepState.OK, detail=f"source {status.source}, valid until {until}, {crl}")
    if name == "freshness":
        verified = document.get("evidence", {}).get("nonce_verified")
        if verified is True:
            return Step(name=name, state=StepState.OK, detail="the nonce matches the report data")
        return Step(name=name, state=StepState.SKIPPED, detail="no nonce given (--nonce)")
    appraisal = outcome.appraisal
    if appraisal is None:
        return Step(name=name, state=StepState.OK, detail="")
    return Step(
        name=name,
        state=StepState.OK,
        detail=f"{appraisal.status.value} by policy {appraisal.policy_id[:19]}…, {len(appraisal.reasons)} reason(s)",
    )


def _reason_lines(item: ReasonExplanation, indent: str, last: bool) -> list[str]:
    reason = item.reason
    where = f" at {item.location}" if item.location else ""
    lines = [f"{indent}{'└─' if last else '├─'} {reason.rule}{where}: {reason.message}"]
    inner = indent + ("   " if last else "│  ")
    lines.append(f"{inner}claim {reason.claim} = {_show(reason.value)}")
    if reason.expected is not None:
        lines.append(f"{inner}expected {_show(reason.expected)}")
    lines += [f"{inner}{line}" for line in item.distance]
    return lines


def _reason_json(item: ReasonExplanation) -> dict[str, JsonValue]:
    reason = item.reason
    return {
        "rule": reason.rule,
        "file": item.location.file if item.location else None,
        "line": item.location.line if item.location else None,
        "claim": reason.claim,
        "value": reason.value,
        "expected": reason.expected,
        "message": reason.message,
        "distance": list(item.distance),
    }


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show(value: JsonValue) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 120 else text[:117] + "..."
