"""The policy view: for each policy, the threats it mitigates and leaves open per TEE, and its decisions.

Threat coverage is the policy lint's (``ccpolicy.policy_lint``): the METADATA annotations of the
policy's rules against the threat models the plugins declare.  Decisions come from the ordinary
verification pipeline on the evidence given, at the given time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ccpolicy.clock import format_time
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import CcpolicyError
from ccpolicy.host import PluginHost
from ccpolicy.pipeline import AttestationVerifier
from ccpolicy.policy_files import default_policy_directory
from ccpolicy.policy_lint import PolicyLint, ThreatCoverage, lint_policy
from ccpolicy.report.model import (
    EvidenceDecision,
    LintLine,
    PolicyCoverage,
    PolicySection,
    PolicyThreat,
    PolicyView,
    ReasonLine,
)
from ccpolicy.threats import ThreatModel

POLICY = "policy"
VERIFIER = "verifier"
OPEN = "open"


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceInput:
    name: str
    content: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionSettings:
    evidence: tuple[EvidenceInput, ...]
    collateral: CollateralStore
    now: datetime


def default_policy_paths(tee_ids: Sequence[str]) -> list[Path]:
    """The shipped default policy directory of each TEE that has one."""
    paths = []
    for tee in sorted(tee_ids):
        try:
            paths.append(Path(str(default_policy_directory(tee))))
        except CcpolicyError:
            continue
    return paths


def build_policy_section(
    host: PluginHost,
    policies: Sequence[Path],
    threat_models: Mapping[str, ThreatModel],
    decisions: DecisionSettings | None,
) -> PolicySection:
    known_tees = sorted(set(host.tee_verifiers) | set(threat_models))
    views = []
    for path in policies:
        try:
            lint = lint_policy(path, known_tees=known_tees, threat_models=threat_models, report_threats=True)
        except CcpolicyError as error:
            summary = error.message.strip().splitlines()[0] if error.message.strip() else error.reason
            views.append(PolicyView(policy=str(path), coverage=(), findings=(), decisions=(), error=summary))
            continue
        coverage = tuple(_coverage(item, threat_models.get(item.tee)) for item in lint.threat_coverage)
        outcomes = _decisions(host, path, {item.tee for item in coverage}, decisions) if decisions else ()
        views.append(PolicyView(policy=str(path), coverage=coverage, findings=_findings(lint), decisions=outcomes))
    decided = {decision.evidence for view in views for decision in view.decisions}
    undecided = tuple(item.name for item in decisions.evidence if item.name not in decided) if decisions else ()
    return PolicySection(
        views=tuple(views), evaluated_at=format_time(decisions.now) if decisions else None, undecided=undecided
    )


def _coverage(coverage: ThreatCoverage, model: ThreatModel | None) -> PolicyCoverage:
    threats = []
    for threat in model.threats if model is not None else ():
        where: tuple[str, ...]
        if threat.verifier_mitigation is not None:
            state, where = VERIFIER, (threat.verifier_mitigation,)
        elif threat.id in coverage.mitigated:
            state, where = POLICY, tuple(str(location) for location in coverage.mitigated[threat.id])
        else:
            state, where = OPEN, ()
        threats.append(
            PolicyThreat(
                threat_id=threat.id,
                description=threat.description,
                state=state,
                mitigated_by=where,
                claims=threat.mitigating_claims,
            )
        )
    return PolicyCoverage(
        tee=coverage.tee,
        package=coverage.package,
        model_declared=coverage.model_declared,
        threats=tuple(threats),
        unknown=coverage.unknown,
    )


def _findings(lint: PolicyLint) -> tuple[LintLine, ...]:
    return tuple(
        LintLine(
            level=finding.rule.level.value,
            rule=finding.rule.id,
            message=finding.message,
            location=str(finding.location),
        )
        for finding in lint.findings
    )


def _decisions(
    host: PluginHost, policy: Path, covered: set[str], settings: DecisionSettings
) -> tuple[EvidenceDecision, ...]:
    verifier = AttestationVerifier(host, policy_paths=[policy])
    decisions = []
    for item in settings.evidence:
        try:
            tee = host.detect(item.content).tee_id
        except CcpolicyError as error:
            decisions.append(_error(item.name, None, error))
            continue
        if tee not in covered:
            continue
        outcome = verifier.verify(
            item.content, now=settings.now, collateral=settings.collateral, source=item.name, tee=tee
        )
        if outcome.error is not None or outcome.appraisal is None:
            decisions.append(_error(item.name, outcome.tee, outcome.error))
            continue
        appraisal = outcome.appraisal
        decisions.append(
            EvidenceDecision(
                evidence=item.name,
                tee=outcome.tee,
                status=appraisal.status.value,
                exit_code=outcome.exit_code,
                trust_vector=tuple(sorted(appraisal.trust_vector.items())),
                reasons=tuple(
                    ReasonLine(
                        trust_claim=reason.trust_claim, message=reason.message, rule=reason.rule, claim=reason.claim
                    )
                    for reason in appraisal.reasons
                ),
                error=None,
            )
        )
    return tuple(decisions)


def _error(name: str, tee: str | None, error: CcpolicyError | None) -> EvidenceDecision:
    return EvidenceDecision(
        evidence=name,
        tee=tee,
        status="error",
        exit_code=error.exit_code if error is not None else None,
        trust_vector=(),
        reasons=(),
        error=error.diagnostics() if error is not None else "no appraisal",
    )
