"""Lint results for people and for CI: pretty text, JSON, and SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ccpolicy import __version__
from ccpolicy.policy_lint import RULES, Finding, PolicyLint
from ccpolicy.result_formats import INFORMATION_URI, SARIF_SCHEMA

FORMATS = ("pretty", "json", "sarif")


def render_lint(output_format: str, lints: Sequence[PolicyLint]) -> str:
    renderers = {"pretty": render_pretty, "json": render_json, "sarif": render_sarif}
    return renderers[output_format](lints)


def render_pretty(lints: Sequence[PolicyLint]) -> str:
    lines = []
    for lint in lints:
        for finding in lint.findings:
            lines.append(f"{finding.location}: {finding.rule.level.value} [{finding.rule.id}] {finding.message}")
        for coverage in lint.threat_coverage:
            if not coverage.model_declared:
                lines.append(f"{lint.path}: threats of '{coverage.tee}': no plugin declares a threat model")
                continue
            lines.append(
                f"{lint.path}: threats of '{coverage.tee}' ({coverage.package}): "
                f"{len(coverage.unmitigated)} unmitigated"
                + (f": {', '.join(coverage.unmitigated)}" if coverage.unmitigated else "")
            )
            for threat_id, locations in coverage.mitigated.items():
                lines.append(f"  mitigated {threat_id}: {', '.join(str(loc) for loc in locations)}")
            if coverage.unknown:
                lines.append(f"  annotated but not declared by the plugin: {', '.join(coverage.unknown)}")
    count = sum(len(lint.findings) for lint in lints)
    lines.append(f"{count} finding{'s' if count != 1 else ''} in {len(lints)} polic{'ies' if len(lints) != 1 else 'y'}")
    return "\n".join(lines)


def render_json(lints: Sequence[PolicyLint]) -> str:
    document = {
        "policies": [
            {
                "path": lint.path,
                "findings": [_finding_json(finding) for finding in lint.findings],
                "threats": [
                    {
                        "tee": coverage.tee,
                        "package": coverage.package,
                        "model_declared": coverage.model_declared,
                        "unmitigated": list(coverage.unmitigated),
                        "mitigated": {
                            threat: [str(loc) for loc in locations] for threat, locations in coverage.mitigated.items()
                        },
                        "not_declared": list(coverage.unknown),
                    }
                    for coverage in lint.threat_coverage
                ],
            }
            for lint in lints
        ],
        "summary": {"findings": sum(len(lint.findings) for lint in lints)},
    }
    return json.dumps(document, indent=2)


def render_sarif(lints: Sequence[PolicyLint]) -> str:
    rule_ids = [rule.id for rule in RULES]
    results = [
        {
            "ruleId": finding.rule.id,
            "ruleIndex": rule_ids.index(finding.rule.id),
            "level": finding.rule.level.value,
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.location.file},
                        "region": {"startLine": max(finding.location.line, 1)},
                    }
                }
            ],
        }
        for lint in lints
        for finding in lint.findings
    ]
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ccpolicy-lint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [
                            {
                                "id": rule.id,
                                "shortDescription": {"text": rule.summary},
                                "defaultConfiguration": {"level": rule.level.value},
                            }
                            for rule in RULES
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2)


def _finding_json(finding: Finding) -> dict[str, object]:
    return {
        "rule": finding.rule.id,
        "level": finding.rule.level.value,
        "message": finding.message,
        "file": finding.location.file,
        "line": finding.location.line,
        "tee": finding.tee,
    }
