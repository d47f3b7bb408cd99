"""The policy lint: every rule fires on a deliberately bad policy, none on the default policies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from ccpolicy.host import PluginHost
from ccpolicy.lint_reports import render_lint
from ccpolicy.policy_lint import RULES, UNMITIGATED_THREAT, Level, at_or_above, lint_policy, lint_targets
from tests.lint.threat_declarations import BUILT_IN_MODELS
from tests.sarif_schema import sarif_schema

ROOT = Path(__file__).resolve().parents[2]
BAD_POLICY = ROOT / "tests" / "data" / "lint" / "bad_policy"
DEFAULT_POLICIES = ROOT / "policies"


@pytest.fixture(scope="module")
def known_tees() -> set[str]:
    return set(PluginHost.load().tee_verifiers) | set(BUILT_IN_MODELS)


def test_the_bad_policy_triggers_every_rule(known_tees: set[str]) -> None:
    lint = lint_policy(BAD_POLICY, known_tees=known_tees, threat_models=BUILT_IN_MODELS, report_threats=True)
    assert {finding.rule.id for finding in lint.findings} == {rule.id for rule in RULES}
    for finding in lint.findings:
        assert (
            Path(finding.location.file).parent == BAD_POLICY.relative_to(Path.cwd())
            or Path(finding.location.file).resolve().parent == BAD_POLICY
        )
        assert finding.location.line > 0
    by_rule = {(f.rule.id, Path(f.location.file).name, f.location.line) for f in lint.findings}
    text = (BAD_POLICY / "bad_snp.rego").read_text().splitlines()
    assert ("tcb-reported-committed", "bad_snp.rego", _line(text, "input.snp.reported_tcb.snp <")) in by_rule
    dropped = [f for f in lint.findings if f.rule.id == "reason-dropped-when-missing"]
    assert [(f.location.line, "input.evidence.tcb.status" in f.message) for f in dropped] == [
        (_line(text, '"rule": "snp.tcb_status"') - 1, True)
    ]
    assert ("data-key-missing", "bad_snp.rego", _line(text, "ref.strict")) in by_rule
    assert ("unreachable-tee-branch", "bad_snp.rego", _line(text, 'input.tee == "tdx"')) in by_rule
    assert ("debug-allowed", "bad_snp.rego", _line(text, "allow_debug_guests := true")) in by_rule
    assert ("debug-allowed", "data.json", 2) in by_rule
    measurement_only = [f for f in lint.findings if f.rule.id == "measurement-only"]
    assert [f.tee for f in measurement_only] == ["tdx"]


REASON_HEADS = {
    '"value": input.evidence.debug': True,
    '"value": object.get(input.evidence, "debug", null)': True,
    '"value": debug_alias': True,
    '"value": debug_with_default': False,
    '"value": object.get(input, "evidence", null)': False,
    '"value": seen': False,
    '"message": sprintf("%v", [input.evidence.debug])': True,
}


def lint_ids_of_one_rule(directory: Path, head_field: str, statement: str, known_tees: set[str]) -> set[str]:
    """The lint rules that fire on an SNP policy of one problem rule with that head field and body statement."""
    directory.mkdir()
    (directory / "snp.rego").write_text(
        'package ccpolicy.snp\n\nimport rego.v1\n\naccepted := {"UpToDate"}\n\n'
        'result := {"trust_vector": {"configuration": 2}, "reasons": [p | some p in problems]}\n\n'
        f'problems contains {{"rule": "snp.check", "claim": "evidence", "message": "bad", {head_field}}} if {{\n'
        f"\tseen := input.evidence.debug\n\t{statement}\n}}\n\n"
        "debug_alias := input.evidence.debug\n\n"
        "default debug_with_default := null\n\ndebug_with_default := input.evidence.debug\n\n"
        "status_alias := input.evidence.tcb.status\n\n"
        "default status_with_default := null\n\nstatus_with_default := input.evidence.tcb.status\n\n"
        "status_known if input.evidence.tcb.status in accepted\n"
    )
    return {f.rule.id for f in lint_policy(directory, known_tees=known_tees, threat_models={}).findings}


@pytest.mark.parametrize(("field", "flagged"), REASON_HEADS.items(), ids=list(REASON_HEADS))
def test_a_reason_that_reads_a_claim_without_default_is_flagged(
    field: str, flagged: bool, tmp_path: Path, known_tees: set[str]
) -> None:
    found = lint_ids_of_one_rule(tmp_path / "snp", field, "not seen == false", known_tees)
    assert ("reason-dropped-when-missing" in found) is flagged


NEGATIONS = {
    "not input.evidence.tcb.status in accepted": True,
    'not startswith(input.evidence.version, "1.")': True,
    "not input.evidence.svn > 2": True,
    'not lower(input.evidence.version) == "1.0"': True,
    "not status_alias in accepted": True,
    "not input.evidence.debug == false": False,
    "not status_known": False,
    "not status_with_default in accepted": False,
    'not object.get(input, "evidence", {}) == {}': False,
}


@pytest.mark.parametrize(("statement", "flagged"), NEGATIONS.items(), ids=list(NEGATIONS))
def test_a_negated_test_of_a_claim_is_flagged(
    statement: str, flagged: bool, tmp_path: Path, known_tees: set[str]
) -> None:
    found = lint_ids_of_one_rule(tmp_path / "snp", '"value": null', statement, known_tees)
    assert ("negation-over-missing-claim" in found) is flagged


def test_the_default_policies_have_no_finding(known_tees: set[str]) -> None:
    targets = lint_targets([DEFAULT_POLICIES])
    assert {target.name for target in targets} >= {"snp", "sev", "sev-es", "tpm"}
    for target in targets:
        lint = lint_policy(target, known_tees=known_tees, threat_models=BUILT_IN_MODELS)
        assert [f"{f.location}: {f.rule.id}: {f.message}" for f in lint.findings] == []


def test_the_default_snp_policy_leaves_no_threat_open(known_tees: set[str]) -> None:
    lint = lint_policy(
        DEFAULT_POLICIES / "snp", known_tees=known_tees, threat_models=BUILT_IN_MODELS, report_threats=True
    )
    (coverage,) = lint.threat_coverage
    assert coverage.tee == "snp" and coverage.model_declared
    assert coverage.unmitigated == ()
    assert {t.id for t in BUILT_IN_MODELS["snp"].policy_threats()} <= set(coverage.mitigated)
    assert lint.findings == ()


def test_dropping_the_debug_and_freshness_rules_opens_those_threats(tmp_path: Path, known_tees: set[str]) -> None:
    policy = tmp_path / "snp"
    shutil.copytree(DEFAULT_POLICIES / "snp", policy, ignore=shutil.ignore_patterns("*_test.rego"))
    blocks = (policy / "snp.rego").read_text().split("\n\n")
    dropped = ("snp.debug_forbidden", "snp.freshness_required", "debug := ")  # the rules and the debug value
    kept = [b for b in blocks if not any(marker in b for marker in dropped)]
    assert len(blocks) - len(kept) == 4
    (policy / "snp.rego").write_text("\n\n".join(kept))
    lint = lint_policy(policy, known_tees=known_tees, threat_models=BUILT_IN_MODELS, report_threats=True)
    assert lint.threat_coverage[0].unmitigated == ("debug-access", "replay")
    open_threats = [f.message for f in lint.findings if f.rule is UNMITIGATED_THREAT]
    assert len(open_threats) == 2 and "'debug-access'" in open_threats[0] and "'replay'" in open_threats[1]
    assert {f.rule.id for f in lint.findings} == {"unmitigated-threat", "debug-not-checked"}


def test_fail_levels() -> None:
    lint = lint_policy(BAD_POLICY, known_tees={"snp", "tdx"}, threat_models=BUILT_IN_MODELS)
    errors = at_or_above(lint.findings, Level.ERROR)
    warnings = at_or_above(lint.findings, Level.WARNING)
    assert errors and len(warnings) > len(errors)
    assert {f.rule.level for f in errors} == {Level.ERROR}


def test_sarif_json_and_pretty_reports(known_tees: set[str]) -> None:
    lint = lint_policy(BAD_POLICY, known_tees=known_tees, threat_models=BUILT_IN_MODELS, report_threats=True)
    sarif = json.loads(render_lint("sarif", [lint]))
    jsonschema.validate(sarif, sarif_schema())
    results = sarif["runs"][0]["results"]
    assert len(results) == len(lint.findings)
    assert {r["level"] for r in results} == {"error", "warning"}
    document = json.loads(render_lint("json", [lint]))
    assert document["summary"]["findings"] == len(lint.findings)
    assert {t["tee"] for t in document["policies"][0]["threats"]} == {"snp", "tdx"}
    pretty = render_lint("pretty", [lint])
    assert "bad_snp.rego:" in pretty and "[data-key-missing]" in pretty


def test_a_missing_path_is_a_configuration_error(tmp_path: Path) -> None:
    from ccpolicy.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        lint_targets([tmp_path / "absent"])
    with pytest.raises(ConfigurationError):
        lint_targets([tmp_path])


def _line(lines: list[str], text: str) -> int:
    return next(number for number, line in enumerate(lines, start=1) if text in line)
