"""Shared X.509 rules on AMD's real Milan chain and on certificates made here."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from ccpolicy.certificates import (
    TEST_ROOT_NAME,
    check_revocation,
    check_validity,
    is_test_root,
    load_certificate,
    verify_chain,
)
from ccpolicy.errors import (
    ChainError,
    CollateralExpiredError,
    CollateralNotYetValidError,
    ConfigurationError,
    RevokedError,
)

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def milan(vectors: Path) -> tuple[x509.Certificate, x509.Certificate, x509.Certificate]:
    ask, ark = x509.load_pem_x509_certificates((vectors / "snp" / "ask_ark_milan.pem").read_bytes())
    vcek = load_certificate((vectors / "snp" / "gsg_vcek_milan.der").read_bytes())
    return vcek, ask, ark


def test_real_milan_chain_verifies(milan: tuple[x509.Certificate, ...]) -> None:
    vcek, ask, ark = milan
    assert verify_chain([vcek, ask, ark], [ark], NOW, roles=["VCEK", "ASK", "ARK"]) == ark
    assert verify_chain([vcek, ask], [ark], NOW, roles=["VCEK", "ASK"]) == ark


def test_chain_to_unpinned_root_fails(milan: tuple[x509.Certificate, ...]) -> None:
    vcek, ask, ark = milan
    with pytest.raises(ChainError, match="pinned root"):
        verify_chain([vcek, ask, ark], [], NOW, roles=["VCEK", "ASK", "ARK"])


def test_wrong_issuer_fails(milan: tuple[x509.Certificate, ...]) -> None:
    vcek, _, ark = milan
    with pytest.raises(ChainError):
        verify_chain([vcek, ark], [ark], NOW, roles=["VCEK", "ARK"])


def test_windows_are_named(milan: tuple[x509.Certificate, ...]) -> None:
    vcek = milan[0]
    with pytest.raises(CollateralExpiredError, match=r"SEV-VCEK.*2029-09-24T00:55:28Z"):
        check_validity(vcek, datetime(2030, 1, 1, tzinfo=timezone.utc), role="VCEK")
    with pytest.raises(CollateralNotYetValidError, match="2022-09-24T00:55:28Z"):
        check_validity(vcek, datetime(2022, 1, 1, tzinfo=timezone.utc), role="VCEK")


def test_garbage_certificate() -> None:
    with pytest.raises(ConfigurationError):
        load_certificate(b"0\x03\x02\x01\x00")


def make_ca(name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def make_crl(
    key: ec.EllipticCurvePrivateKey, issuer: x509.Certificate, revoked: list[int], next_update: datetime
) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(NOW - timedelta(hours=1))
        .next_update(next_update)
    )
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(NOW - timedelta(hours=1)).build()
        )
    return builder.sign(key, hashes.SHA256())


def test_crl_rules() -> None:
    key, ca = make_ca(f"CA {TEST_ROOT_NAME}")
    assert is_test_root(ca)
    check_revocation(ca, make_crl(key, ca, [], NOW + timedelta(days=1)), ca, NOW)
    with pytest.raises(RevokedError):
        check_revocation(ca, make_crl(key, ca, [1], NOW + timedelta(days=1)), ca, NOW)
    with pytest.raises(CollateralExpiredError, match="CRL"):
        check_revocation(ca, make_crl(key, ca, [], NOW - timedelta(minutes=1)), ca, NOW)
    other_key, other = make_ca("other")
    with pytest.raises(ChainError):
        check_revocation(ca, make_crl(other_key, other, [], NOW + timedelta(days=1)), ca, NOW)
