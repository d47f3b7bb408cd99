"""CRL checking through ``ccpolicy verify --trust-test-root``: CRLs signed by the forge's test ARK and ASK.

A revoked VCEK, VLEK, ASK or ASVK is exit 3; a CRL outside its window is exit 4 (no decision); a CRL
whose signature is not the issuer's is exit 3; a current CRL that revokes nothing lets the report
verify with ``crl_checked`` true.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from ccpolicy.cli.main import main
from ccpolicy.clock import format_time, parse_time
from ccpolicy.interfaces import ForgedEvidence
from ccpolicy_snp.forge import SnpForge
from ccpolicy_snp.forge_certificates import rsa_key
from ccpolicy_snp.forge_revocation import forge_crl

NOW = parse_time("2026-03-01T12:00:00Z")


def forge(out: Path, **settings: str) -> ForgedEvidence:
    return SnpForge().forge(out, settings, NOW)


def verify_json(forged: ForgedEvidence, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, object]:
    arguments = ["verify", str(forged.evidence), "--at", format_time(NOW), "--trust-test-root", "--format", "json"]
    for path in forged.collateral:
        arguments += ["--collateral", str(path)]
    arguments += ["--data", str(forged.reference_values), *extra]
    code = main(arguments)
    document = json.loads(capsys.readouterr().out)
    assert isinstance(document, dict) and document["exit_code"] == code
    return document


def test_forge_writes_kds_shaped_crls(tmp_path: Path) -> None:
    forged = forge(tmp_path, crl="1")
    names = [path.name for path in forged.collateral]
    assert names == ["vcek.der", "ask_ark.pem", "crl.der", "ask_crl.der"]
    ask, ark = x509.load_pem_x509_certificates(forged.collateral[1].read_bytes())
    ark_crl = x509.load_der_x509_crl(forged.collateral[2].read_bytes())
    ask_crl = x509.load_der_x509_crl(forged.collateral[3].read_bytes())
    assert ark_crl.issuer == ark.subject and ark_crl.is_signature_valid(ark.public_key())  # type: ignore[arg-type]
    assert ask_crl.issuer == ask.subject and ask_crl.is_signature_valid(ask.public_key())  # type: ignore[arg-type]
    assert len(ark_crl) == 0 and len(ask_crl) == 0
    assert ark_crl.last_update_utc == parse_time("2026-02-28T12:00:00Z")
    assert ark_crl.next_update_utc == parse_time("2026-03-08T12:00:00Z")


def test_current_crls_that_revoke_nothing_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = verify_json(forge(tmp_path, crl="1"), capsys)
    assert document["exit_code"] == 0
    claims = document["claims"]
    assert isinstance(claims, dict)
    assert claims["collateral"] == {"source": "test-root", "not_after": "2026-03-08T12:00:00Z", "crl_checked": True}


@pytest.mark.parametrize(
    ("settings", "revoked"),
    [
        ({"revoke": "vcek"}, "SEV-VCEK"),
        ({"revoke": "ask"}, "SEV-Milan"),
        ({"revoke": "ask,vcek"}, "SEV-Milan"),
        ({"revoke": "vlek", "signing_key": "vlek"}, "SEV-VLEK"),
        ({"revoke": "asvk", "signing_key": "vlek"}, "SEV-VLEK-Milan"),
        ({"revoke": "vcek", "product": "turin"}, "SEV-VCEK"),
        ({"revoke": "ask", "product": "genoa"}, "SEV-Genoa"),
    ],
)
def test_revoked_certificate_is_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: dict[str, str], revoked: str
) -> None:
    document = verify_json(forge(tmp_path, **settings), capsys)
    assert document["exit_code"] == 3
    error = document["error"]
    assert isinstance(error, dict) and error["reason"] == "verification.revoked"
    assert f"'{revoked}'" in str(error["message"]) and "is revoked" in str(error["message"])


@pytest.mark.parametrize(
    ("window", "reason", "words"),
    [
        (("2026-02-01T00:00:00Z", "2026-02-28T00:00:00Z"), "collateral.expired", "outside its window"),
        (("2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z"), "collateral.not_yet_valid", "not valid before"),
    ],
)
def test_crl_outside_its_window_is_exit_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], window: tuple[str, str], reason: str, words: str
) -> None:
    this_update, next_update = window
    forged = forge(tmp_path, crl="1", crl_this_update=this_update, crl_next_update=next_update)
    document = verify_json(forged, capsys)
    assert document["exit_code"] == 4
    error = document["error"]
    assert isinstance(error, dict) and error["reason"] == reason
    assert words in str(error["message"]) and this_update in str(error["message"])


def test_crl_outside_its_window_is_exit_4_even_when_it_revokes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stale CRL is not evidence of anything, revocation included: no decision."""
    forged = forge(
        tmp_path, revoke="vcek", crl_this_update="2025-01-01T00:00:00Z", crl_next_update="2025-02-01T00:00:00Z"
    )
    assert verify_json(forged, capsys)["exit_code"] == 4


def test_crl_not_signed_by_its_issuer_is_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forged = forge(tmp_path, crl="1")
    _, ark = x509.load_pem_x509_certificates(forged.collateral[1].read_bytes())
    impostor = forge_crl(
        ark,
        rsa_key("impostor"),
        revoked=[],
        this_update=parse_time("2026-03-01T00:00:00Z"),
        next_update=NOW.replace(day=9),
    )
    forged.collateral[2].write_bytes(impostor.public_bytes(Encoding.DER))
    document = verify_json(forged, capsys)
    assert document["exit_code"] == 3
    error = document["error"]
    assert isinstance(error, dict) and error["reason"] == "verification.chain" and "CRL" in str(error["message"])


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"revoke": "vlek"}, "revoke=vlek"),
        ({"revoke": "ask", "signing_key": "vlek"}, "revoke=ask"),
        ({"revoke": "everything"}, "revoke=everything"),
        ({"crl": "1", "crl_this_update": "2026-03-05T00:00:00Z", "crl_next_update": "2026-03-04T00:00:00Z"}, "later"),
    ],
)
def test_bad_crl_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: dict[str, str], message: str
) -> None:
    arguments = ["forge", "snp", "--out", str(tmp_path), "--at", format_time(NOW)]
    for field, value in settings.items():
        arguments += ["--set", f"{field}={value}"]
    assert main(arguments) == 1
    assert message in capsys.readouterr().err
