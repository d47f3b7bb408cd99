"""``ccpolicy verify`` on the real SEV-SNP vectors: exit codes, outputs and the EAR result."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from junitparser import JUnitXml

from ccpolicy.cli.main import main

AT = "2025-06-01T00:00:00Z"
TODAY = "2026-11-27T00:00:00Z"
VCEK_V2 = "trustee_report_milan_v2_vcek.bin"
DEBUG_V2 = "gsg_attestation_milan_v2_debug.bin"
VLEK_V3 = "trustee_report_milan_v3_vlek.bin"
COLLATERAL = {
    VCEK_V2: ["trustee_vcek_milan.der", "ask_ark_milan.pem"],
    DEBUG_V2: ["gsg_vcek_milan.der", "ask_ark_milan.pem"],
    VLEK_V3: ["trustee_vlek_milan.der", "ask_ark_milan_vlek.pem"],
}
MEASUREMENTS = {
    VCEK_V2: "a1f3930413247bb38cfc171579ea3c12d5fe4901f0c792f63fd75d98f1ef827c23500644e0e692e6be917f9050d3d38c",
    DEBUG_V2: "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01",
    VLEK_V3: "8922ebbdd00ec2c541f36a6e7a82a8773a7accb451ed67bc94e740dbe92c93c4e8c9af857f5ceeb5a493df2a570d7bf0",
}


@pytest.fixture(scope="module")
def snp(vectors: Path) -> Path:
    return vectors / "snp"


@pytest.fixture
def refs(tmp_path: Path) -> Path:
    """Reference values for all three reports; VMPL 1 allowed for the VLEK guest."""
    path = tmp_path / "refs.json"
    path.write_text(json.dumps({"snp": {"measurements": list(MEASUREMENTS.values()), "allowed_vmpls": [0, 1]}}))
    return path


def verify(snp: Path, report: str, *extra: str, collateral: list[str] | None = None, at: str = AT) -> int:
    arguments = ["verify", str(snp / report), "--at", at]
    for name in COLLATERAL[report] if collateral is None else collateral:
        arguments += ["--collateral", str(snp / name)]
    return main([*arguments, *extra])


def json_outcome(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    document = json.loads(lines[0])
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize("report", [VCEK_V2, DEBUG_V2, VLEK_V3])
def test_without_reference_values_the_measurement_is_unrecognized(
    snp: Path, report: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify(snp, report, "--format", "json") == 5
    outcome = json_outcome(capsys)
    assert outcome["verified"] is True
    appraisal = outcome["appraisal"]
    assert isinstance(appraisal, dict)
    assert appraisal["trust_vector"]["executables"] == 33
    assert "snp.measurement_known" in {r["rule"] for r in appraisal["reasons"]}


def test_genuine_report_with_reference_values_is_affirmed(
    snp: Path, refs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify(snp, VCEK_V2, "--data", str(refs), "--format", "json") == 0
    outcome = json_outcome(capsys)
    claims = outcome["claims"]
    assert isinstance(claims, dict)
    assert claims["tee"] == "snp"
    assert claims["now"] == AT
    assert claims["evidence"]["measurements"]["launch"] == MEASUREMENTS[VCEK_V2]
    assert claims["snp"]["guest_svn"] == 4
    assert claims["snp"]["reported_tcb"]["snp"] == 8
    assert claims["snp"]["reported_tcb"]["microcode"] == 115
    assert claims["evidence"]["identity"]["chip_id"].startswith("c38427a30d4c7af9")
    result = outcome["result"]
    assert isinstance(result, dict)
    assert result["submods"]["snp"]["ear.status"] == "affirming"
    assert result["submods"]["snp"]["ear.appraisal-policy-id"].startswith("sha256:")
    assert outcome["appraisal"]["status"] == "affirming"  # type: ignore[index]


def test_debug_report_is_verified_but_denied(snp: Path, refs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert verify(snp, DEBUG_V2, "--data", str(refs), "--format", "json") == 5
    outcome = json_outcome(capsys)
    assert outcome["verified"] is True
    appraisal = outcome["appraisal"]
    assert isinstance(appraisal, dict)
    assert appraisal["status"] == "contraindicated"
    assert [r["rule"] for r in appraisal["reasons"]] == ["snp.debug_forbidden"]
    assert appraisal["reasons"][0]["claim"] == "snp.policy.debug"


def test_vlek_report_expired_today_valid_in_its_window(
    snp: Path, refs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify(snp, VLEK_V3, "--data", str(refs), "--format", "json", at=TODAY) == 4
    error = json_outcome(capsys)["error"]
    assert isinstance(error, dict)
    assert error["code"] == 4
    assert "SEV-VLEK" in error["message"] and "2025-12-10T22:14:21Z" in error["message"]
    assert verify(snp, VLEK_V3, "--data", str(refs), at="2025-06-01T00:00:00Z") == 0


def test_vlek_report_at_vmpl1_is_denied_by_default_vmpls(snp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert verify(snp, VLEK_V3, "--format", "json") == 5
    reasons = {r["rule"] for r in json_outcome(capsys)["appraisal"]["reasons"]}  # type: ignore[index]
    assert "snp.vmpl_allowed" in reasons


@pytest.mark.parametrize("invalid", ["trustee_vcek_invalid_legacy.der", "trustee_vcek_invalid_new.der"])
def test_invalid_vceks_fail_verification(snp: Path, invalid: str) -> None:
    assert verify(snp, VCEK_V2, collateral=[invalid, "ask_ark_milan.pem"]) == 3


def test_nonce_is_checked_by_the_host(snp: Path, refs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nonce = "ec6c52d7533cc2c4f45be7849cf112ab82b2009fe7bd43e71ed08c14400ad7e2"
    assert verify(snp, VCEK_V2, "--data", str(refs), "--nonce", nonce, "--format", "json") == 0
    assert json_outcome(capsys)["claims"]["evidence"]["nonce_verified"] is True  # type: ignore[index]
    assert verify(snp, VCEK_V2, "--data", str(refs), "--nonce", "ec6c52d7", "--format", "json") == 3
    assert json_outcome(capsys)["error"]["reason"] == "verification.freshness"  # type: ignore[index]


def test_truncated_and_oversized_reports(snp: Path, tmp_path: Path) -> None:
    report = (snp / VCEK_V2).read_bytes()
    for name, data in {"short.bin": report[:-1], "long.bin": report + b"\0"}.items():
        (tmp_path / name).write_bytes(data)
        assert main(["verify", str(tmp_path / name), "--tee", "snp", "--at", AT]) == 2


def test_undetectable_evidence_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.bin").write_bytes(b"hello")
    assert main(["verify", str(tmp_path / "x.bin")]) == 2
    assert "recognizes" in capsys.readouterr().out


def test_garbage_collateral_is_a_clear_error(snp: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "vcek.pem").write_text("-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n")
    assert main(["verify", str(snp / VCEK_V2), "--collateral", str(tmp_path), "--at", AT]) == 1
    assert "does not parse" in capsys.readouterr().err
    (tmp_path / "vcek.pem").write_bytes(b"\x30\x82garbage")
    assert main(["verify", str(snp / VCEK_V2), "--collateral", str(tmp_path), "--at", AT]) == 4


def test_usage_errors_exit_1(snp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(snp / VCEK_V2), "--at", "yesterday"]) == 1
    assert main(["verify", str(snp / VCEK_V2), "--nonce", "xyz"]) == 1
    assert main(["verify", str(snp / "missing.bin")]) == 1
    assert main(["verify", str(snp / VCEK_V2), "--tee", "nope", "--at", AT]) == 2


def test_signed_ear(snp: Path, refs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    key_path = tmp_path / "ear.pem"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    assert verify(snp, VCEK_V2, "--data", str(refs), "--format", "ear", "--sign-key", str(key_path)) == 0
    token = capsys.readouterr().out.strip()
    header, payload, signature = token.split(".")
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    der = encode_dss_signature(int.from_bytes(raw[:48], "big"), int.from_bytes(raw[48:], "big"))
    key.public_key().verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA384()))
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["submods"]["snp"]["ear.status"] == "affirming"
    assert claims["iat"] == 1748736000


def test_junit_for_several_files_exits_with_the_highest_code(
    snp: Path, refs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["verify", str(snp / VCEK_V2), str(snp / DEBUG_V2), "--at", AT, "--data", str(refs)]
    for name in ["trustee_vcek_milan.der", "gsg_vcek_milan.der", "ask_ark_milan.pem"]:
        arguments += ["--collateral", str(snp / name)]
    assert main([*arguments, "--format", "junit"]) == 5
    report = tmp_path / "junit.xml"
    report.write_text(capsys.readouterr().out)
    cases = {case.name: case for suite in JUnitXml.fromfile(str(report)) for case in suite}
    assert cases[str(snp / VCEK_V2)].is_passed
    assert not cases[str(snp / DEBUG_V2)].is_passed
