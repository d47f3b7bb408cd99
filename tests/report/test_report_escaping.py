"""Strings from results files, plugins and evidence reach the HTML escaped, in tables and in the SVG plots."""

from __future__ import annotations

import json
from pathlib import Path

from ccpolicy.report.bench_results_file import load_bench_results
from ccpolicy.report.build import ReportInputs, build_report
from ccpolicy.report.model import EvidenceDecision, PolicySection, PolicyView, ReasonLine
from ccpolicy.report.rendering import render_html, render_markdown
from ccpolicy.threats import (
    Adversary,
    IsolationUnit,
    PropertySupport,
    SecurityProperty,
    Source,
    Support,
    Threat,
    ThreatModel,
)
from tests.report.report_inputs import RESULTS

SCRIPT = '<script>alert("x")</script>'
IMAGE = "<img src=x onerror=alert(1)>"


def hostile_model() -> ThreatModel:
    return ThreatModel(
        tee_id="evil",
        name=f"Evil TEE {SCRIPT}",
        threats=(Threat(id="replay", description=IMAGE, mitigating_claims=(SCRIPT,)),),
        security_properties={SecurityProperty.CONFIDENTIALITY: PropertySupport(support=Support.PROVIDED, note=SCRIPT)},
        tcb=(SCRIPT,),
        adversaries_in_scope=frozenset({Adversary.REMOTE_NETWORK}),
        adversaries_out_of_scope=frozenset(),
        isolation_unit=IsolationUnit.VIRTUAL_MACHINE,
        unmodified_applications=True,
        sources=(Source(title=SCRIPT, url='javascript:alert(1)" onmouseover="alert(2)'),),
    )


def hostile_results(tmp_path: Path) -> Path:
    document = json.loads(RESULTS.read_text())
    first = document["results"][0]
    first["backend"] = SCRIPT
    first["notes"] = [IMAGE]
    first["parameters"] = {SCRIPT: IMAGE}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(document))
    return path


def hostile_policies() -> PolicySection:
    decision = EvidenceDecision(
        evidence=f"module-{SCRIPT}.bin",
        tee="nitro",
        status="warning",
        exit_code=5,
        trust_vector=(("executables", 33),),
        reasons=(ReasonLine(trust_claim="executables", message=f"module id i-{SCRIPT}", rule=IMAGE, claim="x"),),
        error=None,
    )
    return PolicySection(
        views=(PolicyView(policy=SCRIPT, coverage=(), findings=(), decisions=(decision,), error=IMAGE),),
        evaluated_at=None,
    )


def test_hostile_strings_are_escaped(tmp_path: Path) -> None:
    report = build_report(
        ReportInputs(
            results=[load_bench_results(hostile_results(tmp_path))],
            threat_models={"evil": hostile_model()},
            policies=hostile_policies(),
        )
    )
    html = render_html(report)
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert 'onmouseover="' not in html
    assert 'href="javascript:' not in html
    assert html.count("&lt;script&gt;") >= 8
    svg_labels = [chunk for chunk in html.split("<svg")[1:] if "&lt;script&gt;alert" in chunk]
    assert svg_labels, "the backend name reaches the plots, escaped"


def test_markdown_cells_cannot_break_the_table(tmp_path: Path) -> None:
    document = json.loads(RESULTS.read_text())
    document["results"][0]["backend"] = "a|b\nc"
    path = tmp_path / "results.json"
    path.write_text(json.dumps(document))
    markdown = render_markdown(build_report(ReportInputs(results=[load_bench_results(path)])))
    assert "a\\|b c" in markdown
    assert "<script" not in render_markdown(build_report(ReportInputs(policies=hostile_policies()))).lower()
