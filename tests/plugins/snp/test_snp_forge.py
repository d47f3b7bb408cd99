"""The SEV-SNP forge: real-format evidence under a test root, accepted only with unsafe_trust_test_root."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from ccpolicy.certificates import TEST_ROOT_NAME, describe, is_test_root
from ccpolicy.claims import Claims
from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.errors import (
    BindingError,
    ChainError,
    CollateralExpiredError,
    CollateralMissingError,
    CollateralNotYetValidError,
    ConfigurationError,
    RevokedError,
)
from ccpolicy.interfaces import EvidenceForge, ForgedEvidence, VerificationContext
from ccpolicy_snp.forge import SnpForge
from ccpolicy_snp.forge_certificates import rsa_key
from ccpolicy_snp.report import parse_report
from ccpolicy_snp.verifier import SnpVerifier

NOW = parse_time("2026-03-01T12:00:00Z")


def forge(out: Path, **settings: str) -> ForgedEvidence:
    return SnpForge().forge(out, settings, NOW)


def verify(
    forged: ForgedEvidence, *, unsafe: bool = True, now: datetime = NOW, extra: CollateralStore | None = None
) -> Claims:
    store = load_collateral(forged.collateral)
    if extra is not None:
        store = store.merged(extra)
    verifier = SnpVerifier()
    report = verifier.parse(forged.evidence.read_bytes())
    return verifier.verify(report, VerificationContext(now=now, collateral=store, unsafe_trust_test_root=unsafe))


def test_forge_is_an_evidence_forge() -> None:
    assert isinstance(SnpForge(), EvidenceForge)
    assert SnpForge().tee_id == "snp"


def test_default_forge_writes_a_v3_report_kds_collateral_and_reference_values(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    assert forged.evidence == tmp_path / "report.bin"
    data = forged.evidence.read_bytes()
    assert len(data) == 1184
    report = parse_report(data)
    assert report.version == 3 and report.product is not None and report.product.value == "Milan"
    assert report.policy.smt and not report.policy.debug
    assert [p.name for p in forged.collateral] == ["vcek.der", "ask_ark.pem"]
    ask, ark = x509.load_pem_x509_certificates(forged.collateral[1].read_bytes())
    assert describe(ask) == "SEV-Milan" and ask.issuer == ark.subject
    assert describe(ark) == f"ARK-Milan {TEST_ROOT_NAME}" and is_test_root(ark) and ark.issuer == ark.subject
    ark_key = ark.public_key()
    assert isinstance(ark_key, rsa.RSAPublicKey) and ark_key.key_size == 4096
    assert isinstance(ark.signature_algorithm_parameters, padding.PSS)
    vcek = x509.load_der_x509_certificate(forged.collateral[0].read_bytes())
    assert describe(vcek) == "SEV-VCEK" and vcek.issuer == ask.subject
    assert vcek.not_valid_before_utc == NOW - timedelta(days=1)
    assert vcek.not_valid_after_utc == NOW + timedelta(days=7 * 365)
    assert json.loads(forged.reference_values.read_text()) == {"snp": {"measurements": [report.measurement.hex()]}}


def test_forged_evidence_needs_unsafe_trust_of_the_test_root(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    with pytest.raises(ChainError, match="does not chain to a pinned root"):
        verify(forged, unsafe=False)
    claims = verify(forged, unsafe=True)
    assert claims.collateral.source == "test-root"
    assert claims.collateral.not_after == NOW + timedelta(days=7 * 365)
    reference = json.loads(forged.reference_values.read_text())
    assert claims.evidence.measurements["launch"].hex() == reference["snp"]["measurements"][0]


def test_real_roots_do_not_help_forged_evidence(tmp_path: Path, snp_vectors: Path) -> None:
    forged = forge(tmp_path)
    real = load_collateral([snp_vectors / "ask_ark_milan.pem"])
    with pytest.raises(ChainError):
        verify(forged, unsafe=False, extra=real)
    assert verify(forged, unsafe=True, extra=real).collateral.source == "test-root"


def test_settings_reach_the_claims(tmp_path: Path) -> None:
    settings: Mapping[str, str] = {
        "debug": "1",
        "smt": "0",
        "migrate_ma": "1",
        "vmpl": "2",
        "guest_svn": "7",
        "abi_major": "1",
        "abi_minor": "0x37",
        "measurement": "ab" * 48,
        "report_data": "0102",
        "host_data": "ff" * 32,
        "family_id": "aa",
        "chip_id": "cd" * 64,
        "reported_tcb.bl": "9",
        "reported_tcb.snp": "22",
        "reported_tcb.ucode": "200",
        "current_tcb.ucode": "201",
        "platform_info": "0x25",
        "firmware": "1.57.3",
    }
    claims = verify(SnpForge().forge(tmp_path, settings, NOW))
    evidence, vendor = claims.evidence, claims.vendor
    assert evidence.debug is True
    assert evidence.measurements["launch"] == bytes.fromhex("ab" * 48)
    assert evidence.report_data == b"\x01\x02" + bytes(62)
    assert evidence.identity["chip_id"] == bytes.fromhex("cd" * 64)
    assert dict(evidence.tcb.components) == {"bl": 9, "tee": 0, "snp": 22, "microcode": 200}
    assert vendor["policy"]["smt"] is False and vendor["policy"]["migrate_ma"] is True
    assert (vendor["policy"]["abi_major"], vendor["policy"]["abi_minor"]) == (1, 0x37)
    assert vendor["vmpl"] == 2 and vendor["guest_svn"] == 7
    assert vendor["host_data"] == b"\xff" * 32 and vendor["family_id"] == b"\xaa" + bytes(15)
    assert vendor["current_tcb"]["microcode"] == 201 and vendor["committed_tcb"]["microcode"] == 200
    assert vendor["platform_info"]["raw"] == 0x25 and vendor["current_version"]["text"] == "1.57.3"


def test_signer_follows_author_key_en(tmp_path: Path) -> None:
    claims = verify(forge(tmp_path / "a", id_key_digest="11" * 48, author_key_digest="22" * 48))
    assert claims.evidence.signer == b"\x11" * 48
    claims = verify(forge(tmp_path / "b", id_key_digest="11" * 48, author_key_digest="22" * 48, author_key_en="1"))
    assert claims.evidence.signer == b"\x22" * 48
    assert claims.vendor["author_key_en"] is True


def test_version_2_genoa(tmp_path: Path) -> None:
    claims = verify(forge(tmp_path, version="2", product="genoa"))
    assert claims.vendor["version"] == 2 and claims.vendor["cpuid"] is None
    assert claims.evidence.platform == {"vendor": "AMD", "product": "Genoa"}


def test_version_5_mitigation_vectors(tmp_path: Path) -> None:
    claims = verify(forge(tmp_path, version="5", launch_mit_vector="3", current_mit_vector="7"))
    assert (claims.vendor["launch_mit_vector"], claims.vendor["current_mit_vector"]) == (3, 7)


def test_turin_uses_fmc_and_an_8_byte_hwid(tmp_path: Path) -> None:
    forged = forge(tmp_path, product="turin", **{"reported_tcb.fmc": "5"})
    claims = verify(forged)
    assert claims.evidence.platform["product"] == "Turin"
    assert claims.evidence.tcb.components["fmc"] == 5
    assert claims.vendor["endorsement"]["hwid"] == claims.evidence.identity["chip_id"][:8]
    assert claims.evidence.identity["chip_id"][8:] == bytes(56)
    assert claims.vendor["endorsement"]["product_name"] == "Turin"
    store = load_collateral([forged.collateral[1]])
    report = SnpVerifier().parse(forged.evidence.read_bytes())
    with pytest.raises(CollateralMissingError) as caught:
        SnpVerifier().verify(report, VerificationContext(now=NOW, collateral=store, unsafe_trust_test_root=True))
    hwid = report.chip_id[:8].hex()
    assert caught.value.hint is not None
    assert f"/vcek/v1/Turin/{hwid}?fmcSPL=5&blSPL=1&teeSPL=1&snpSPL=1&ucodeSPL=4" in caught.value.hint


def test_turin_chip_id_tail_must_be_zero(tmp_path: Path) -> None:
    """AMD's Turin rule binds all 64 bytes: the 8-byte hwID and 56 zero bytes."""
    forged = forge(tmp_path, product="turin", chip_id="11" * 64)
    with pytest.raises(BindingError, match="VCEK certificates in the collateral are for hwID 1111111111111111"):
        verify(forged)


def test_masked_chip_id_is_matched_by_tcb(tmp_path: Path) -> None:
    claims = verify(forge(tmp_path, chip_id="00" * 64))
    assert claims.evidence.identity["chip_id"] == bytes(64)


def test_the_vcek_valid_at_now_is_preferred(tmp_path: Path) -> None:
    """Two VCEKs for the same chip and TCB: the one valid at ``now`` is used, whatever the file order."""
    old_settings = {"vcek_not_before": "2024-01-01T00:00:00Z", "vcek_not_after": "2025-01-01T00:00:00Z"}
    old = SnpForge().forge(tmp_path / "old", old_settings, parse_time("2024-06-01T00:00:00Z"))
    new = forge(tmp_path / "new")
    report = SnpVerifier().parse(new.evidence.read_bytes())
    for paths in (old.collateral + new.collateral, new.collateral + old.collateral):
        context = VerificationContext(now=NOW, collateral=load_collateral(paths), unsafe_trust_test_root=True)
        claims = SnpVerifier().verify(report, context)
        assert claims.vendor["endorsement"]["not_after"] == NOW + timedelta(days=7 * 365)
    with pytest.raises(CollateralExpiredError):
        verify(old, now=NOW)


def test_vlek(tmp_path: Path) -> None:
    forged = forge(tmp_path, signing_key="vlek")
    assert [p.name for p in forged.collateral] == ["vlek.der", "asvk_ark.pem"]
    claims = verify(forged)
    assert claims.evidence.identity["signing_key"] == "vlek"
    assert claims.evidence.identity["chip_id"] == bytes(64)
    assert claims.vendor["endorsement"]["csp_id"] == "ccpolicy-test-csp.invalid"
    with pytest.raises(ChainError):
        verify(forged, unsafe=False)


def test_expired_vcek(tmp_path: Path) -> None:
    forged_at = parse_time("2024-06-01T00:00:00Z")
    settings = {"vcek_not_before": "2024-01-01T00:00:00Z", "vcek_not_after": "2025-01-01T00:00:00Z"}
    forged = SnpForge().forge(tmp_path, settings, forged_at)
    with pytest.raises(CollateralExpiredError, match=r"VCEK certificate 'SEV-VCEK' expired at 2025-01-01T00:00:00Z"):
        verify(forged)
    assert verify(forged, now=forged_at).collateral.not_after == parse_time("2025-01-01T00:00:00Z")


def test_not_yet_valid_vcek(tmp_path: Path) -> None:
    forged = forge(tmp_path, vcek_not_before="2026-06-01T00:00:00Z")
    with pytest.raises(CollateralNotYetValidError, match="2026-06-01T00:00:00Z"):
        verify(forged)


def test_tcb_mismatch_is_a_binding_error(tmp_path: Path) -> None:
    forged = forge(tmp_path, tcb_mismatch="1")
    with pytest.raises(BindingError, match="microcode 116 != 115"):
        verify(forged)
    with pytest.raises(ChainError):  # an untrusted certificate's claims are never compared
        verify(forged, unsafe=False)


def make_crl(
    issuer: x509.Certificate, revoked_serials: list[int], *, last: datetime, next_: datetime
) -> x509.CertificateRevocationList:
    builder = x509.CertificateRevocationListBuilder().issuer_name(issuer.subject).last_update(last).next_update(next_)
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(last).build()
        )
    return builder.sign(rsa_key("ark"), hashes.SHA384(), rsa_padding=padding.PSS(padding.MGF1(hashes.SHA384()), 48))


@pytest.mark.parametrize("revoked", [False, True])
def test_crl_of_the_ark_is_checked(tmp_path: Path, revoked: bool) -> None:
    forged = forge(tmp_path)
    ask, ark = x509.load_pem_x509_certificates(forged.collateral[1].read_bytes())
    crl = make_crl(
        ark, [ask.serial_number] if revoked else [12345], last=NOW - timedelta(days=1), next_=NOW + timedelta(days=6)
    )
    crl_path = tmp_path / "collateral" / "ark.crl"
    crl_path.write_bytes(crl.public_bytes(Encoding.DER))
    extra = load_collateral([crl_path])
    if revoked:
        with pytest.raises(RevokedError, match="SEV-Milan"):
            verify(forged, extra=extra)
        return
    claims = verify(forged, extra=extra)
    assert claims.collateral.crl_checked is True
    assert claims.collateral.not_after == NOW + timedelta(days=6)


def test_expired_crl(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    _, ark = x509.load_pem_x509_certificates(forged.collateral[1].read_bytes())
    crl = make_crl(ark, [], last=NOW - timedelta(days=10), next_=NOW - timedelta(days=3))
    crl_path = tmp_path / "ark.crl"
    crl_path.write_bytes(crl.public_bytes(Encoding.DER))
    with pytest.raises(CollateralExpiredError, match="CRL"):
        verify(forged, extra=load_collateral([crl_path]))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"colour": "red"}, "unknown SEV-SNP forge field"),
        ({"version": "4"}, "version=4"),
        ({"product": "naples"}, "product=naples"),
        ({"debug": "2"}, "debug=2"),
        ({"vmpl": "-1"}, "vmpl=-1"),
        ({"abi_minor": "256"}, "abi_minor=256"),
        ({"measurement": "ab" * 47}, "measurement"),
        ({"measurement": "zz"}, "not hex"),
        ({"report_data": "00" * 65}, "report_data"),
        ({"chip_id": "00" * 65}, "chip_id"),
        ({"reported_tcb.fmc": "1"}, "only Turin"),
        ({"reported_tcb.ucode": "256"}, "reported_tcb.ucode"),
        ({"product": "turin", "version": "2"}, "Turin reports"),
        ({"signing_key": "ask"}, "signing_key"),
        ({"vcek_not_after": "yesterday"}, "RFC 3339"),
        ({"vcek_not_before": "2026-01-02T00:00:00Z", "vcek_not_after": "2026-01-01T00:00:00Z"}, "later than"),
        ({"firmware": "1.2"}, "major.minor.build"),
    ],
)
def test_bad_settings(settings: dict[str, str], message: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=message):
        SnpForge().forge(tmp_path, settings, NOW)
