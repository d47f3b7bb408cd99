"""Test and verification results for people and for CI: pretty, JSON, JUnit XML, SARIF 2.1.0, TAP, GitHub."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ccpolicy import __version__
from ccpolicy.policy_tests import FileCoverage, TestOutcome, total_coverage

FORMATS = ("pretty", "json", "junit", "sarif", "tap", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/ccpolicy/"


def render(output_format: str, outcomes: Sequence[TestOutcome], coverage: Sequence[FileCoverage] = ()) -> str:
    renderers = {
        "pretty": render_pretty,
        "json": render_json,
        "junit": render_junit,
        "sarif": render_sarif,
        "tap": render_tap,
        "github": render_github,
    }
    return renderers[output_format](outcomes, coverage)


def summary_line(outcomes: Sequence[TestOutcome]) -> str:
    failed = sum(not o.passed for o in outcomes)
    return f"{len(outcomes) - failed} passed, {failed} failed"


def render_pretty(outcomes: Sequence[TestOutcome], coverage: Sequence[FileCoverage]) -> str:
    lines = []
    for outcome in outcomes:
        if outcome.passed:
            lines.append(f"PASS {outcome.name} ({outcome.duration * 1000:.1f} ms)")
        else:
            lines.append(f"FAIL {outcome.name} ({outcome.file}:{outcome.line})\n     {outcome.message}")
    if coverage:
        lines.append("")
        lines.append("coverage:")
        for item in coverage:
            uncovered = ",".join(str(n) for n in item.not_covered) or "-"
            lines.append(f"  {item.percent:6.1f}%  {item.path}  uncovered lines: {uncovered}")
        lines.append(f"  {total_coverage(coverage):6.1f}%  total")
    lines.append(summary_line(outcomes))
    return "\n".join(lines)


def render_json(outcomes: Sequence[TestOutcome], coverage: Sequence[FileCoverage]) -> str:
    document = {
        "summary": {"passed": sum(o.passed for o in outcomes), "failed": sum(not o.passed for o in outcomes)},
        "tests": [
            {
                "kind": o.kind,
                "suite": o.suite,
                "name": o.name,
                "file": o.file,
                "line": o.line,
                "passed": o.passed,
                "message": o.message,
                "duration": round(o.duration, 6),
            }
            for o in outcomes
        ],
        "coverage": {
            "total": round(total_coverage(coverage), 2) if coverage else None,
            "files": [
                {"path": c.path, "percent": round(c.percent, 2), "covered": c.covered, "not_covered": c.not_covered}
                for c in coverage
            ],
        },
    }
    return json.dumps(document, indent=2)


def render_junit(outcomes: Sequence[TestOutcome], coverage: Sequence[FileCoverage]) -> str:
    root = ET.Element("testsuites", name="ccpolicy")
    for suite_name in dict.fromkeys(o.suite for o in outcomes):
        members = [o for o in outcomes if o.suite == suite_name]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=suite_name,
            tests=str(len(members)),
            failures=str(sum(not o.passed for o in members)),
            errors="0",
            skipped="0",
            time=f"{sum(o.duration for o in members):.6f}",
        )
        for outcome in members:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{outcome.kind}.{suite_name}",
                name=outcome.name,
                file=outcome.file,
                line=str(outcome.line),
                time=f"{outcome.duration:.6f}",
            )
            if not outcome.passed:
                failure = ET.SubElement(case, "failure", message=outcome.message[:500], type=outcome.kind)
                failure.text = outcome.message
    root.set("tests", str(len(outcomes)))
    root.set("failures", str(sum(not o.passed for o in outcomes)))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def render_sarif(outcomes: Sequence[TestOutcome], coverage: Sequence[FileCoverage]) -> str:
    failures = [o for o in outcomes if not o.passed]
    rule_ids = list(dict.fromkeys(o.name for o in failures))
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ccpolicy",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [{"id": rule_id, "shortDescription": {"text": rule_id}} for rule_id in rule_ids],
                    }
                },
                "results": [
                    {
                        "ruleId": o.name,
                        "ruleIndex": rule_ids.index(o.name),
                        "level": "error",
                        "message": {"text": o.message or "failed"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": o.file},
                                    "region": {"startLine": max(o.line, 1)},
                                }
                            }
                        ],
                    }
                    for o in failures
                ],
            }
        ],
    }
    return json.dumps(document, indent=2)


def render_tap(outcomes: Sequence[TestOutcome], coverage: Sequence[FileCoverage]) -> str:
    lines = ["TAP version 13", f"1..{len(outcomes)}"]
    for number, outcome in enumerate(outcomes, start=1):
        lines.append(f"{'ok' if outcome.passed else 'not ok'} {number} - {outcome.name}")
        if not outcome.passed:
            lines += ["  ---", f"  message: {json.dumps(outcome.message)}", f"  at: {outcome.file}:{outcome.line}"]
            lines.append("  ...")
    return "\n".join(lines)


def render_github(outcomes: Sequence[TestOutcome], coverage: Sequence[FileCoverage]) -> str:
    lines = []
    for outcome in outcomes:
        if not outcome.passed:
            message = outcome.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            lines.append(f"::error file={outcome.file},line={outcome.line},title={outcome.name}::{message}")
    if coverage:
        lines.append(f"::notice title=coverage::{total_coverage(coverage):.1f}% of policy lines covered")
    lines.append(summary_line(outcomes))
    return "\n".join(lines)
