"""``ccpolicy lint``: exit codes, fail levels, SARIF, and ``--threats`` through the plugins' hook."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ccpolicy.cli.main import main
from ccpolicy.host import PluginHost
from tests.sarif_schema import sarif_schema

ROOT = Path(__file__).resolve().parents[2]
BAD_POLICY = ROOT / "tests" / "data" / "lint" / "bad_policy"


def test_every_built_in_tee_plugin_declares_a_threat_model() -> None:
    models = PluginHost.load().threat_models
    assert {"snp", "sev", "sev-es", "tpm", "sgx", "tdx", "nitro", "psa", "cca"} <= set(models)
    for tee_id, model in models.items():
        assert model.tee_id == tee_id and model.threats and model.sources


def test_bad_policy_fails_and_sarif_validates(tmp_path: Path) -> None:
    report = tmp_path / "lint.sarif"
    assert main(["lint", str(BAD_POLICY), "--format", "sarif", "--output", str(report)]) == 1
    sarif = json.loads(report.read_text())
    jsonschema.validate(sarif, sarif_schema())
    rule_ids = {result["ruleId"] for result in sarif["runs"][0]["results"]}
    assert "no-nonce-binding" in rule_ids and "unmitigated-threat" not in rule_ids


def test_fail_level_note_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    measurement_only = tmp_path / "tdx.rego"
    measurement_only.write_text((BAD_POLICY / "bad_tdx.rego").read_text())
    (tmp_path / "data.json").write_text('{"tdx": {"mrtds": []}}')
    assert main(["lint", str(measurement_only), "--fail-level", "error"]) == 0
    assert "[measurement-only]" in capsys.readouterr().out
    assert main(["lint", str(measurement_only), "--fail-level", "warning"]) == 1


def test_default_policies_pass_and_snp_threats_are_covered(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(ROOT / "policies"), "--fail-level", "note"]) == 0
    capsys.readouterr()
    assert main(["lint", str(ROOT / "policies" / "snp"), "--threats", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    (threats,) = document["policies"][0]["threats"]
    assert threats["tee"] == "snp" and threats["unmitigated"] == []


def test_threats_of_a_policy_without_debug_and_freshness(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "policies" / "snp" / "snp.rego").read_text()
    kept = [b for b in text.split("\n\n") if "snp.debug_forbidden" not in b and "snp.freshness_required" not in b]
    (tmp_path / "snp.rego").write_text("\n\n".join(kept))
    (tmp_path / "data.json").write_text((ROOT / "policies" / "snp" / "data.json").read_text())
    assert main(["lint", str(tmp_path), "--threats"]) == 1
    out = capsys.readouterr().out
    assert "2 unmitigated: debug-access, replay" in out
