"""``ccpolicy explain``: the decision as a tree, with rule file:line, claims, bounds and TCB distance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccpolicy.cli.main import main
from ccpolicy.decision_explanation import distance

ROOT = Path(__file__).resolve().parents[2]
AT = "2025-06-01T00:00:00Z"


def _snp_args(vectors: Path) -> list[str]:
    snp = vectors / "snp"
    return [
        str(snp / "gsg_attestation_milan_v2_debug.bin"),
        "--collateral",
        str(snp / "gsg_vcek_milan.der"),
        "--collateral",
        str(snp / "ask_ark_milan.pem"),
        "--at",
        AT,
    ]


def _rule_line(rule: str) -> int:
    lines = (ROOT / "policies" / "snp" / "snp.rego").read_text().splitlines()
    reason_line = next(n for n, line in enumerate(lines, start=1) if f'"rule": "{rule}"' in line)
    return reason_line - 1  # the head `problems contains {` is on the line above


def test_debug_report_tree(vectors: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", *_snp_args(vectors), "--nonce", "0102030405"]) == 5
    out = capsys.readouterr().out
    assert "snp: CONTRAINDICATED (exit 5)" in out
    assert "freshness: ok" in out
    assert f"snp.debug_forbidden at snp/snp.rego:{_rule_line('snp.debug_forbidden')}" in out
    assert "input.snp.policy.debug = true" in out
    assert "configuration = 96 (contraindicated)" in out
    assert "expected false" in out


def test_tcb_reasons_say_how_far_behind(vectors: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "tcb.json"
    data.write_text(json.dumps({"snp": {"allow_debug": True, "min_tcb": {"bl": 2, "snp": 8, "microcode": 70}}}))
    assert main(["explain", *_snp_args(vectors), "--data", str(data), "--format", "json"]) == 5
    document = json.loads(capsys.readouterr().out)
    hardware = next(claim for claim in document["trust_vector"] if claim["claim"] == "hardware")
    distances = sorted(d for reason in hardware["reasons"] for d in reason["distance"])
    assert "3 behind (have 5, need 8)" in distances
    assert "2 behind (have 68, need 70)" in distances
    assert all(reason["line"] == _rule_line("snp.minimum_tcb") for reason in hardware["reasons"])


def test_a_failed_step_is_shown(vectors: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", *_snp_args(vectors), "--nonce", "ff"]) == 3
    out = capsys.readouterr().out
    assert "freshness: failed" in out and "appraisal: not reached" in out


def test_distance() -> None:
    assert distance(3, 5) == ("2 behind (have 3, need 5)",)
    assert distance(5, 3) == ()
    assert distance({"snp": 5, "bl": 9}, {"snp": 8, "bl": 2}) == ("snp: have 5, need 8 (3 behind)",)
    assert distance("2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z") == (
        "60 days behind (2024-01-01T00:00:00Z < 2024-03-01T00:00:00Z)",
    )
    assert distance("UpToDate", "OutOfDate") == ()
