"""Attestation-specific lint rules over the structure of a Rego policy (see ``rego_structure``).

Each rule reads what the policy's rules reference, say and compare, as regorus parsed them, for
the TEE of each ``ccpolicy.<tee>`` package; none matches policy text.  With threat models, the
lint also names the declared threats that no rule's METADATA annotation mitigates.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccpolicy.appraisal import TrustClaim
from ccpolicy.errors import ConfigurationError
from ccpolicy.policy_files import LIBRARY_DIRECTORY, load_policy, rego_package_name
from ccpolicy.rego_structure import Location, PackageAnalysis, PolicyStructure, Reference
from ccpolicy.threats import DEBUG_ACCESS, OUTDATED_TCB, REPLAY, ThreatModel

POLICY_NAMESPACE = "ccpolicy"
LINT_QUERY = "data"
"""The lint evaluates nothing; the policy loader wants a query all the same."""
AR4SI_LIBRARY_RESULT = "ccpolicy.lib.ar4si.result"
"""The shared library's result function: it puts every reason's trust claim into the vector."""
TRUST_CLAIMS = frozenset(claim.value for claim in TrustClaim)
WEAK_TCB_STATUSES = frozenset(
    {
        "OutOfDate",
        "SWHardeningNeeded",
        "ConfigurationNeeded",
        "ConfigurationAndSWHardeningNeeded",
        "OutOfDateConfigurationNeeded",
    }
)
_DEBUG_SEGMENT = re.compile(r"debug|dbg|dump", re.IGNORECASE)
_DEBUG_FIELD = re.compile(r"^(no_?)?(debug|dbg)(_\w+)?$", re.IGNORECASE)
_DEBUG_ALLOWANCE = re.compile(r"(allow|accept|permit)\w*(debug|dump)|debug\w*(allowed|ok)", re.IGNORECASE)
_MEASUREMENT = re.compile(r"measurement|mrenclave|mrtd|rtmr|^pcr|pcrs|launch_digest|image_digest", re.IGNORECASE)
_TCB_OR_PLATFORM = re.compile(
    r"tcb|svn|firmware|microcode|api_major|api_minor|^build$|platform|secure_boot|abi|lifecycle|fmspc"
    r"|sw_components|security_version|hardware",
    re.IGNORECASE,
)
_ADVISORY = re.compile(r"advisor", re.IGNORECASE)


class Level(enum.Enum):
    """SARIF result levels, from most to least severe."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {Level.ERROR: 3, Level.WARNING: 2, Level.NOTE: 1}[self]


@dataclass(frozen=True, slots=True, kw_only=True)
class LintRule:
    id: str
    level: Level
    summary: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    rule: LintRule
    message: str
    location: Location
    tee: str | None = None


DEBUG_NOT_CHECKED = LintRule(
    id="debug-not-checked",
    level=Level.ERROR,
    summary="No rule reads a debug claim, so debuggable evidence can be affirmed.",
)
DEBUG_ALLOWED = LintRule(
    id="debug-allowed",
    level=Level.ERROR,
    summary="The policy or its shipped reference values allow debugging.",
)
REASON_DROPPED_WHEN_MISSING = LintRule(
    id="reason-dropped-when-missing",
    level=Level.WARNING,
    summary="A reason reads a claim with no default: when the claim is missing, the reason is dropped.",
)
NEGATION_OVER_MISSING_CLAIM = LintRule(
    id="negation-over-missing-claim",
    level=Level.ERROR,
    summary="`not` over a call, membership or ordering of a claim: OPA and regorus disagree when it is missing.",
)
NO_NONCE_BINDING = LintRule(
    id="no-nonce-binding",
    level=Level.ERROR,
    summary="No rule reads evidence.nonce_verified or the report data: replayed evidence is affirmed.",
)
MEASUREMENT_ONLY = LintRule(
    id="measurement-only",
    level=Level.WARNING,
    summary="The policy checks measurements but no TCB or platform claim.",
)
WEAK_TCB_ACCEPTED = LintRule(
    id="weak-tcb-accepted",
    level=Level.WARNING,
    summary="OutOfDate / SWHardeningNeeded / ConfigurationNeeded is accepted without an advisory allow-list.",
)
TRUST_CLAIM_NEVER_SET = LintRule(
    id="trust-claim-never-set",
    level=Level.WARNING,
    summary="A reason names a trust claim that the policy's result never sets.",
)
TCB_REPORTED_COMMITTED = LintRule(
    id="tcb-reported-committed",
    level=Level.WARNING,
    summary="SNP: only one of reported_tcb / committed_tcb is checked.",
)
DATA_KEY_MISSING = LintRule(
    id="data-key-missing",
    level=Level.ERROR,
    summary="The policy reads a data key that the shipped reference values do not have.",
)
UNREACHABLE_TEE_BRANCH = LintRule(
    id="unreachable-tee-branch",
    level=Level.WARNING,
    summary="A condition or claim of another TEE inside a TEE's package never applies.",
)
UNMITIGATED_THREAT = LintRule(
    id="unmitigated-threat",
    level=Level.WARNING,
    summary="A threat the TEE's plugin declares is mitigated by no annotated rule.",
)
RULES = (
    DEBUG_NOT_CHECKED,
    DEBUG_ALLOWED,
    REASON_DROPPED_WHEN_MISSING,
    NEGATION_OVER_MISSING_CLAIM,
    NO_NONCE_BINDING,
    MEASUREMENT_ONLY,
    WEAK_TCB_ACCEPTED,
    TRUST_CLAIM_NEVER_SET,
    TCB_REPORTED_COMMITTED,
    DATA_KEY_MISSING,
    UNREACHABLE_TEE_BRANCH,
    UNMITIGATED_THREAT,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreatCoverage:
    tee: str
    package: str
    model_declared: bool
    mitigated: Mapping[str, tuple[Location, ...]]
    """Threat id -> the annotated rules mitigating it."""
    unmitigated: tuple[str, ...]
    unknown: tuple[str, ...]
    """Threat ids annotated in the policy that the TEE's threat model does not declare."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyLint:
    path: str
    findings: tuple[Finding, ...]
    threat_coverage: tuple[ThreatCoverage, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Context:
    analysis: PackageAnalysis
    data: Mapping[str, Any]
    data_files: tuple[Path, ...]
    known_tees: Collection[str]
    model: ThreatModel | None

    def reads_mitigating_claim(self, threat_id: str) -> bool:
        """Whether the policy reads a claim the TEE's threat model names against the threat."""
        threat = self.model.threat(threat_id) if self.model is not None else None
        if threat is None:
            return False
        return any(
            _overlaps(reference.path, tuple(claim.split(".")))
            for reference in self.analysis.input_paths()
            for claim in threat.mitigating_claims
        )

    def applies(self, threat_id: str) -> bool:
        """Whether a rule about this threat fits the TEE: without a threat model, always; else only
        when the model declares the threat with a claim a policy can check (a TPM has no debug mode,
        SEV launch evidence carries no report data)."""
        if self.model is None:
            return True
        threat = self.model.threat(threat_id)
        return threat is not None and bool(threat.mitigating_claims)


def lint_targets(paths: Sequence[Path]) -> list[Path]:
    """Policy files, and directories holding ``*.rego`` modules directly; ``lib`` directories are skipped."""
    targets: list[Path] = []
    for path in paths:
        if not path.exists():
            raise ConfigurationError(f"{path} does not exist")
        if path.is_file():
            targets.append(path)
        else:
            targets += _policy_directories(path)
    if not targets:
        raise ConfigurationError(f"no Rego policy under {', '.join(map(str, paths))}")
    return targets


def lint_policy(
    target: Path,
    *,
    known_tees: Collection[str] = (),
    threat_models: Mapping[str, ThreatModel] | None = None,
    report_threats: bool = False,
) -> PolicyLint:
    """Lint one policy (a file or a directory with its data.json files) for each TEE package it declares.

    Threat models tell which rules fit a TEE; with ``report_threats`` the declared threats that no
    annotated rule mitigates become findings too.
    """
    if target.is_dir():
        data_files = tuple(sorted(target.rglob("*.json")))
        policy = load_policy(LINT_QUERY, policy_paths=[target], query=LINT_QUERY)
    else:
        data_files = tuple(sorted(target.parent.glob("*.json")))
        policy = load_policy(LINT_QUERY, policy_paths=[target], data_paths=data_files, query=LINT_QUERY)
    modules, data = policy.modules, policy.data
    own = [m.path for m in modules if not m.path.startswith(LIBRARY_DIRECTORY + "/")]
    structure = PolicyStructure(modules)
    findings: list[Finding] = []
    coverage: list[ThreatCoverage] = []
    for package in structure.rule_packages(own):
        tee = package_tee(package, known_tees)
        analysis = structure.analyze_package(package, tee)
        model = (threat_models or {}).get(tee) if tee is not None else None
        context = _Context(analysis=analysis, data=data, data_files=data_files, known_tees=known_tees, model=model)
        for check in CHECKS:
            findings += [_with_tee(finding, tee) for finding in check(context)]
        if report_threats and threat_models is not None and tee is not None:
            covered = threat_coverage(analysis, tee, threat_models.get(tee))
            coverage.append(covered)
            findings += [
                Finding(
                    rule=UNMITIGATED_THREAT,
                    message=_unmitigated_message(threat_id, threat_models[tee]),
                    location=analysis.anchor,
                    tee=tee,
                )
                for threat_id in covered.unmitigated
            ]
    unique = list(dict.fromkeys(findings))
    unique.sort(key=lambda f: (f.location.file, f.location.line, f.rule.id, f.message))
    return PolicyLint(path=str(target), findings=tuple(unique), threat_coverage=tuple(coverage))


def package_tee(package: str, known_tees: Collection[str]) -> str | None:
    """The TEE of a ``ccpolicy.<tee>`` package: a known TEE id whose package name matches, else the name."""
    parts = package.split(".")
    if len(parts) != 2 or parts[0] != POLICY_NAMESPACE or parts[1] == LIBRARY_DIRECTORY:
        return None
    matches = [tee for tee in known_tees if rego_package_name(tee) == parts[1]]
    return matches[0] if matches else parts[1].replace("_", "-")


def threat_coverage(analysis: PackageAnalysis, tee: str, model: ThreatModel | None) -> ThreatCoverage:
    mitigated: dict[str, list[Location]] = {}
    for rule in analysis.rules:
        for threat_id in rule.threats:
            mitigated.setdefault(threat_id, []).append(rule.location)
    declared = {threat.id for threat in model.threats} if model else set()
    open_threats = [t.id for t in model.policy_threats() if t.id not in mitigated] if model else []
    return ThreatCoverage(
        tee=tee,
        package=analysis.package,
        model_declared=model is not None,
        mitigated={key: tuple(dict.fromkeys(value)) for key, value in sorted(mitigated.items())},
        unmitigated=tuple(open_threats),
        unknown=tuple(sorted(set(mitigated) - declared)) if model else (),
    )


def at_or_above(findings: Sequence[Finding], level: Level) -> list[Finding]:
    return [finding for finding in findings if finding.rule.level.rank >= level.rank]


def _unmitigated_message(threat_id: str, model: ThreatModel) -> str:
    threat = model.threat(threat_id)
    assert threat is not None
    claims = ", ".join(threat.mitigating_claims) or "no claim named by the plugin"
    return (
        f"threat '{threat_id}' ({threat.description}) is mitigated by no rule: annotate the rule that checks "
        f"{claims} with `# custom:` / `#   threats: [{threat_id}]`"
    )


def _check_debug(context: _Context) -> Iterator[Finding]:
    analysis = context.analysis
    inputs = analysis.input_paths()
    reads_debug = any(any(s is not None and _DEBUG_SEGMENT.search(s) for s in r.path) for r in inputs)
    dynamic_debug = any(None in r.path for r in inputs) and any(_DEBUG_FIELD.match(s.value) for s in analysis.strings)
    reads_model_claim = context.reads_mitigating_claim(DEBUG_ACCESS)
    if not (reads_debug or dynamic_debug or reads_model_claim) and context.applies(DEBUG_ACCESS):
        yield Finding(
            rule=DEBUG_NOT_CHECKED,
            message="no rule reads a debug claim (input.evidence.debug or the TEE's debug policy bit): "
            "evidence from a debuggable TEE, whose memory the host can read, is affirmed",
            location=analysis.anchor,
        )
    for rule in analysis.rules:
        if rule.constant is True and _DEBUG_ALLOWANCE.search(rule.name):
            yield Finding(
                rule=DEBUG_ALLOWED,
                message=f"rule '{rule.name}' is always true: debugging is allowed",
                location=rule.location,
            )
    for reference in analysis.data_paths():
        if _DEBUG_ALLOWANCE.search(str(reference.path[-1] or "")) and _data_value(context.data, reference) is True:
            yield Finding(
                rule=DEBUG_ALLOWED,
                message=f"the shipped reference values set {reference.dotted} = true: debugging is allowed",
                location=_data_location(context, reference),
            )


def _check_missing_claim_traps(context: _Context) -> Iterator[Finding]:
    """Rules of the policy that say nothing, or differ between engines, when a claim is missing."""
    for rule in context.analysis.rules:
        if rule.location.file not in context.analysis.own_files:
            continue
        name = rule.head_fields.get("rule", rule.name)
        if rule.head_claim_reads:
            yield Finding(
                rule=REASON_DROPPED_WHEN_MISSING,
                message=f"the reason of {name} reads {', '.join(rule.head_claim_reads)}: when that claim is "
                "missing, the whole reason is undefined and the rule reports nothing; read it through a rule with "
                "a `default` (e.g. `default x := null` and `x := input...`)",
                location=rule.location,
            )
        if rule.negated_claim_tests:
            yield Finding(
                rule=NEGATION_OVER_MISSING_CLAIM,
                message=f"rule {name} negates a test of {', '.join(rule.negated_claim_tests)}: with that claim "
                "missing, OPA leaves `not f(x)` / `not x in s` / `not x > y` undefined (the rule does not fire) "
                "while regorus makes it true; put the test in a helper rule and negate the helper "
                "(`not measurement_known`)",
                location=rule.location,
            )


def _check_nonce(context: _Context) -> Iterator[Finding]:
    if not context.applies(REPLAY):
        return
    for reference in context.analysis.input_paths():
        if reference.startswith("evidence", "nonce_verified") or "report_data" in reference.path:
            return
    yield Finding(
        rule=NO_NONCE_BINDING,
        message="no rule reads input.evidence.nonce_verified (or the report data): the policy cannot require "
        "that the evidence answers the relying party's nonce, so recorded evidence can be replayed",
        location=context.analysis.anchor,
    )


def _check_measurement_only(context: _Context) -> Iterator[Finding]:
    if not context.applies(OUTDATED_TCB):
        return
    inputs = context.analysis.input_paths()
    measurements = [r for r in inputs if any(s is not None and _MEASUREMENT.search(s) for s in r.path)]
    platform = [r for r in inputs if any(s is not None and _TCB_OR_PLATFORM.search(s) for s in r.path)]
    if measurements and not platform:
        yield Finding(
            rule=MEASUREMENT_ONLY,
            message=f"the policy checks measurements ({measurements[0].dotted}) but no TCB or platform claim: "
            "known-vulnerable firmware or microcode is affirmed",
            location=measurements[0].location,
        )


def _check_weak_tcb(context: _Context) -> Iterator[Finding]:
    analysis = context.analysis
    inputs_advisories = any(any(s and _ADVISORY.search(s) for s in r.path) for r in analysis.input_paths())
    data_advisories = any(any(s and _ADVISORY.search(s) for s in r.path) for r in analysis.data_paths())
    if inputs_advisories and data_advisories:
        return
    for literal in analysis.strings:
        if literal.value in WEAK_TCB_STATUSES and "UpToDate" in literal.in_collection:
            yield Finding(
                rule=WEAK_TCB_ACCEPTED,
                message=f"TCB status {literal.value} is accepted beside UpToDate, but no rule compares "
                "input.evidence.tcb.advisories with an allow-list of advisories from data",
                location=literal.location,
            )
    for reference in analysis.data_paths():
        value = _data_value(context.data, reference)
        if isinstance(value, list) and "UpToDate" in value:
            for status in sorted(WEAK_TCB_STATUSES.intersection(v for v in value if isinstance(v, str))):
                yield Finding(
                    rule=WEAK_TCB_ACCEPTED,
                    message=f"the shipped reference values {reference.dotted} accept TCB status {status}, but no "
                    "rule compares input.evidence.tcb.advisories with an allow-list of advisories from data",
                    location=_data_location(context, reference),
                )


def _check_trust_claims(context: _Context) -> Iterator[Finding]:
    analysis = context.analysis
    fields = analysis.object_fields
    produced = {f.key for f in fields if f.key in TRUST_CLAIMS}
    reasons = [f for f in fields if f.key == "trust_claim" and f.value is not None]
    if any(rule.key == AR4SI_LIBRARY_RESULT for rule in analysis.rules):
        produced |= {f.value for f in reasons if f.value in TRUST_CLAIMS}
    if not produced:
        yield Finding(
            rule=TRUST_CLAIM_NEVER_SET,
            message="the policy's result sets no AR4SI trust claim, so no appraisal can affirm anything",
            location=analysis.anchor,
        )
    for reason in reasons:
        if reason.value not in TRUST_CLAIMS:
            yield Finding(
                rule=TRUST_CLAIM_NEVER_SET,
                message=f"a reason names trust claim '{reason.value}', which is not an AR4SI trust claim "
                f"({', '.join(sorted(TRUST_CLAIMS))})",
                location=reason.location,
            )
        elif produced and reason.value not in produced:
            yield Finding(
                rule=TRUST_CLAIM_NEVER_SET,
                message=f"a reason lowers trust claim '{reason.value}', but the policy's result never sets it "
                f"(it sets {', '.join(sorted(produced))})",
                location=reason.location,
            )


def _check_tcb_pair(context: _Context) -> Iterator[Finding]:
    inputs = context.analysis.input_paths()
    reported = [r for r in inputs if "reported_tcb" in r.path]
    committed = [r for r in inputs if "committed_tcb" in r.path]
    if bool(reported) == bool(committed):
        return
    seen, missing = (reported, "committed_tcb") if reported else (committed, "reported_tcb")
    yield Finding(
        rule=TCB_REPORTED_COMMITTED,
        message=f"the policy checks {seen[0].dotted} but never {missing}: the reported TCB (which the VCEK is "
        "derived from) can be set lower than the committed TCB, and the committed TCB is what the firmware cannot "
        "roll back from; check both",
        location=seen[0].location,
    )


def _check_data_keys(context: _Context) -> Iterator[Finding]:
    reported: set[str] = set()
    for reference in context.analysis.data_paths():
        missing = _missing_prefix(context.data, reference)
        if missing is None or missing in reported:
            continue
        reported.add(missing)
        shipped = ", ".join(str(p) for p in context.data_files) or "no data.json"
        yield Finding(
            rule=DATA_KEY_MISSING,
            message=f"{missing} is read but absent from the shipped reference values ({shipped}); "
            "the rules using it never apply",
            location=reference.location,
        )


def _check_tee_branches(context: _Context) -> Iterator[Finding]:
    analysis = context.analysis
    if analysis.tee is None:
        return
    conditions = [*analysis.unreachable, *(c for c in analysis.comparisons if c.reference.path == ("tee",))]
    for condition in conditions:
        if condition.value != analysis.tee and condition.location.file in analysis.own_files:
            yield Finding(
                rule=UNREACHABLE_TEE_BRANCH,
                message=f'condition input.tee == "{condition.value}" in package {analysis.package}, which only '
                f"appraises '{analysis.tee}' evidence: this branch never applies",
                location=condition.location,
            )
    others = set(context.known_tees) - {analysis.tee}
    for reference in analysis.input_paths():
        if reference.path and reference.path[0] in others and reference.location.file in analysis.own_files:
            yield Finding(
                rule=UNREACHABLE_TEE_BRANCH,
                message=f"{reference.dotted} holds claims of '{reference.path[0]}' evidence, which package "
                f"{analysis.package} never sees (it appraises '{analysis.tee}')",
                location=reference.location,
            )


CHECKS: tuple[Callable[[_Context], Iterator[Finding]], ...] = (
    _check_debug,
    _check_missing_claim_traps,
    _check_nonce,
    _check_measurement_only,
    _check_weak_tcb,
    _check_trust_claims,
    _check_tcb_pair,
    _check_data_keys,
    _check_tee_branches,
)


def _overlaps(path: tuple[str | None, ...], claim: tuple[str, ...]) -> bool:
    """One path lies under the other (a dynamic segment matches any name)."""
    return all(a is None or a == b for a, b in zip(path, claim, strict=False))


def _with_tee(finding: Finding, tee: str | None) -> Finding:
    return Finding(rule=finding.rule, message=finding.message, location=finding.location, tee=tee)


def _data_value(data: Mapping[str, Any], reference: Reference) -> Any:
    current: Any = data
    for segment in reference.path:
        if segment is None or not isinstance(current, Mapping) or segment not in current:
            return None
        current = current[segment]
    return current


def _missing_prefix(data: Mapping[str, Any], reference: Reference) -> str | None:
    """``data.a.b`` when the reference goes through the absent key ``b`` of an object; None when present."""
    current: Any = data
    walked = "data"
    for segment in reference.path:
        if segment is None or not isinstance(current, Mapping):
            return None
        walked += f".{segment}"
        if segment not in current:
            return walked
        current = current[segment]
    return None


def _data_location(context: _Context, reference: Reference) -> Location:
    """The line of the key in the shipped data file (JSON has no AST here), else the reference."""
    key = f'"{reference.path[-1]}"'
    for data_file in context.data_files:
        for number, line in enumerate(data_file.read_text(encoding="utf-8").splitlines(), start=1):
            if key in line:
                return Location(file=str(data_file), line=number)
    return reference.location


def _policy_directories(directory: Path) -> list[Path]:
    if any(p.suffix == ".rego" and not p.name.endswith("_test.rego") for p in directory.iterdir()):
        return [directory]
    found: list[Path] = []
    for child in sorted(p for p in directory.iterdir() if p.is_dir() and p.name != LIBRARY_DIRECTORY):
        found += _policy_directories(child)
    return found
