"""az-tdx-vtpm end to end with ``--allow-unevaluated-tcb``.

No TCB info for the platform of these vectors (FMSPC 00806F050000) exists in ../shared/vectors. With the
Intel collateral of the same period that does (the TD_QE identity, the PCK Platform CA and root CA CRLs and
the TCB signing chain shipped with ../shared/vectors/tdx/qvl_tdx_quote_v5_outdated_collateral.json), the
whole evidence verifies: the PCK chain to the Intel SGX Root CA, both CRLs, the QE identity, the quote and QE
report signatures, the HCL and TPM quote bindings. Only the TCB is left unevaluated, which the policy sees as
the status ``NotEvaluated``.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from ccpolicy.cli.main import main
from ccpolicy_azure_vtpm.text_encodings import decode_base64url
from tests.plugins.azure_vtpm.vtpm_cases import TDX_ENVELOPES, replace_tpm_quote

INTEL_COLLATERAL = "qvl_tdx_quote_v5_outdated_collateral.json"
AT = "2026-03-01T00:00:00Z"
"""Inside the QE identity and CRL windows of that collateral (2026-02-18..2026-03-20) and the PCK's."""
MRTD = "024a32b070383331181619fa387cb4d55d1e38879f989933055ccad5bc2db795d1737b66205949d15469dc8c1ba7ab7b"
PCR0 = "782b20b10f55cc46e2142cc2145d548698073e5beb82752c8d7f9279f0d8a273"
ACCEPTING_DATA = {
    "az-tdx-vtpm": {
        "mrtds": [MRTD],
        "pcrs": {"sha256:pcr0": [PCR0]},
        "accepted_tcb_statuses": ["UpToDate", "NotEvaluated"],
        "allow_console": True,
    }
}


@pytest.fixture
def evidence_files(tdx_dir: Path, tdx_loose_envelope: bytes, tmp_path: Path) -> dict[str, Path]:
    loose = tmp_path / "loose-envelope.json"
    loose.write_bytes(tdx_loose_envelope)
    return {"loose": loose, **{name: tdx_dir / name for name in TDX_ENVELOPES}}


@pytest.fixture
def accepting_data(tmp_path: Path) -> Path:
    path = tmp_path / "accept-not-evaluated.json"
    path.write_text(json.dumps(ACCEPTING_DATA))
    return path


def verify(evidence: Path, vectors: Path, *extra: str) -> int:
    collateral = vectors / "tdx" / INTEL_COLLATERAL
    return main(["verify", str(evidence), "--collateral", str(collateral), "--at", AT, "--format", "json", *extra])


def outcome(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    document = json.loads(capsys.readouterr().out)
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize("name", ["loose", *TDX_ENVELOPES])
def test_verifies_with_the_tcb_not_evaluated(
    name: str, evidence_files: dict[str, Path], vectors: Path, accepting_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = verify(
        evidence_files[name],
        vectors,
        "--allow-unevaluated-tcb",
        "--data",
        str(accepting_data),
        "--nonce",
        b"challenge".hex(),
    )
    result = outcome(capsys)
    assert (code, result["verified"], result["appraisal"]["status"]) == (0, True, "affirming"), result
    claims = result["claims"]
    evidence, vendor = claims["evidence"], claims["az-tdx-vtpm"]
    assert evidence["measurements"]["mrtd"] == MRTD
    assert evidence["measurements"]["sha256:pcr0"] == PCR0
    assert evidence["identity"]["vm_unique_id"] == "6332533D-5649-4D02-8AA7-8F64B7C3EE21"
    assert evidence["identity"]["fmspc"] == "00806f050000"
    assert evidence["report_data"] == b"challenge".hex() and evidence["nonce_verified"] is True
    assert evidence["debug"] is False
    assert evidence["tcb"]["status"] == "NotEvaluated" and evidence["tcb"]["date"] is None
    assert vendor["vm_configuration"]["secure_boot"] is True
    assert vendor["vm_configuration"]["tpm_enabled"] is True
    assert vendor["vm_configuration"]["console_enabled"] is True
    assert vendor["tdx"]["tcb"]["qe_level"]["status"] == "UpToDate"
    assert vendor["tdx"]["collateral"]["qe_identity_id"] == "TD_QE"
    assert vendor["tdx"]["collateral"]["tcb_info_id"] is None
    assert claims["collateral"]["crl_checked"] is True
    assert claims["collateral"]["not_after"] == "2026-03-20T10:41:15Z"


def test_the_default_policy_does_not_accept_an_unevaluated_tcb(
    evidence_files: dict[str, Path], vectors: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify(evidence_files["trustee_evidence-v1.json"], vectors, "--allow-unevaluated-tcb") == 5
    captured = capsys.readouterr()
    assert "--allow-unevaluated-tcb" in captured.err and "NotEvaluated" in captured.err
    result = json.loads(captured.out)
    assert result["verified"] is True
    reasons = {reason["rule"]: reason for reason in result["appraisal"]["reasons"]}
    assert reasons["az-tdx-vtpm.tcb_status"]["value"] == "NotEvaluated"
    assert result["appraisal"]["trust_vector"]["hardware"] == 32


def test_without_the_switch_the_missing_tcb_info_is_exit_4(
    evidence_files: dict[str, Path], vectors: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify(evidence_files["trustee_evidence-v0.json"], vectors) == 4
    error = outcome(capsys)["error"]
    assert error["reason"] == "collateral.missing"
    assert "TCB info (TDX, FMSPC 00806f050000" in error["message"]


def test_another_nonce_is_exit_3(evidence_files: dict[str, Path], vectors: Path, accepting_data: Path) -> None:
    arguments = ("--allow-unevaluated-tcb", "--data", str(accepting_data), "--nonce", b"challengf".hex())
    assert verify(evidence_files["trustee_evidence-v1.json"], vectors, *arguments) == 3


def test_a_swapped_tpm_quote_is_exit_3(
    tdx_dir: Path, vectors: Path, accepting_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    donor = (vectors / "az-snp-vtpm" / "trustee_evidence-v1.json").read_bytes()
    swapped = tmp_path / "swapped.json"
    swapped.write_bytes(replace_tpm_quote((tdx_dir / "trustee_evidence-v1.json").read_bytes(), donor))
    assert verify(swapped, vectors, "--allow-unevaluated-tcb", "--data", str(accepting_data)) == 3
    assert outcome(capsys)["claims"] is None


def test_a_flipped_quote_signature_is_exit_3(
    evidence_files: dict[str, Path], vectors: Path, accepting_data: Path, tmp_path: Path
) -> None:
    document = json.loads(evidence_files["trustee_evidence-v1.json"].read_bytes())
    quote = bytearray(decode_base64url(document["td_quote"], what="TD quote"))
    quote[48 + 584 + 4 + 5] ^= 0x01  # v4 quote: header, TD report, signature length, then the ECDSA signature
    document["td_quote"] = base64.urlsafe_b64encode(bytes(quote)).decode().rstrip("=")
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document))
    assert verify(tampered, vectors, "--allow-unevaluated-tcb", "--data", str(accepting_data)) == 3
