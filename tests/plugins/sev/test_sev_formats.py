"""Parsing AMD's SEV certificate formats: the real Naples certificates, field by field (PROVENANCE.md)."""

from __future__ import annotations

import hashlib

import pytest

from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_sev.formats import (
    SEV_CERTIFICATE_SIZE,
    Algorithm,
    AmdCaCertificate,
    EcCurve,
    EcPublicKey,
    KeyUsage,
    SevCertificate,
    parse_ca_certificate,
    parse_certificate_sequence,
    parse_sev_certificate,
)

ARK_KEY_ID = bytes.fromhex("1bb987c359494606b174945601c9ea5b")
ASK_KEY_ID = bytes.fromhex("e139970cfc464377ae61b289e2f9e96e")

SHA256_PREFIXES = {
    "ark": "dedabca561e1dece",
    "ask": "c6f30cf923f526c3",
    "cek": "cbecc40f5b7d7e98",
    "oca": "dfa8331592774030",
    "pek": "31243368c2046fbf",
    "pdh": "34b11563c32bd17b",
    "ark_bad": "8efddcaaf84990cf",
}


def test_vectors_are_the_documented_files(naples: dict[str, bytes]) -> None:
    for name, prefix in SHA256_PREFIXES.items():
        assert hashlib.sha256(naples[name]).hexdigest().startswith(prefix), name


def test_naples_ark_and_ask_fields(naples: dict[str, bytes]) -> None:
    ark = parse_ca_certificate(naples["ark"])
    ask = parse_ca_certificate(naples["ask"])
    assert (ark.usage, ark.key_id, ark.certifying_id) == (KeyUsage.ARK, ARK_KEY_ID, ARK_KEY_ID)
    assert (ask.usage, ask.key_id, ask.certifying_id) == (KeyUsage.ASK, ASK_KEY_ID, ARK_KEY_ID)
    for certificate in (ark, ask):
        assert certificate.version == 1
        assert (certificate.public_exponent_bits, certificate.modulus_bits) == (2048, 2048)
        assert len(certificate.public_exponent) == len(certificate.modulus) == len(certificate.signature) == 256
        assert int.from_bytes(certificate.public_exponent, "little") == 65537
        assert len(certificate.encoded) == 832
        assert certificate.signed_bytes == certificate.encoded[:576]


def test_truncated_naples_ark_is_a_format_error(naples: dict[str, bytes]) -> None:
    assert len(naples["ark_bad"]) == 576
    assert naples["ark_bad"] == naples["ark"][:576]  # same key id and modulus, no signature
    with pytest.raises(EvidenceFormatError, match="truncated"):
        parse_ca_certificate(naples["ark_bad"])


@pytest.mark.parametrize(
    ("name", "usage", "algorithm", "api", "slots"),
    [
        ("cek", KeyUsage.CEK, Algorithm.ECDSA_SHA256, (0, 14), [(KeyUsage.ASK, Algorithm.RSA_PSS_SHA256)]),
        ("oca", KeyUsage.OCA, Algorithm.ECDSA_SHA256, (0, 16), [(KeyUsage.OCA, Algorithm.ECDSA_SHA256)]),
        (
            "pek",
            KeyUsage.PEK,
            Algorithm.ECDSA_SHA256,
            (0, 16),
            [(KeyUsage.OCA, Algorithm.ECDSA_SHA256), (KeyUsage.CEK, Algorithm.ECDSA_SHA256)],
        ),
        ("pdh", KeyUsage.PDH, Algorithm.ECDH_SHA256, (0, 16), [(KeyUsage.PEK, Algorithm.ECDSA_SHA256)]),
    ],
)
def test_naples_platform_certificate_fields(
    *,
    naples: dict[str, bytes],
    name: str,
    usage: KeyUsage,
    algorithm: Algorithm,
    api: tuple[int, int],
    slots: list[tuple[KeyUsage, Algorithm]],
) -> None:
    certificate = parse_sev_certificate(naples[name])
    assert certificate.version == 1
    assert (certificate.usage, certificate.algorithm) == (usage, algorithm)
    assert (certificate.api_major, certificate.api_minor) == api
    assert isinstance(certificate.public_key, EcPublicKey)
    assert certificate.public_key.curve is EcCurve.P384
    used = [(s.usage, s.algorithm) for s in certificate.signatures if not s.is_empty]
    assert used == slots
    assert certificate.signed_bytes == naples[name][:0x414]
    assert len(certificate.encoded) == SEV_CERTIFICATE_SIZE


def test_sequence_parses_concatenation_in_any_order_with_padding(naples: dict[str, bytes]) -> None:
    blob = naples["pdh"] + naples["ask"] + naples["pek"] + naples["ark"] + naples["oca"] + naples["cek"] + bytes(64)
    parsed = parse_certificate_sequence(blob)
    kinds = [(type(c).__name__, c.usage) for c in parsed]
    assert kinds == [
        ("SevCertificate", KeyUsage.PDH),
        ("AmdCaCertificate", KeyUsage.ASK),
        ("SevCertificate", KeyUsage.PEK),
        ("AmdCaCertificate", KeyUsage.ARK),
        ("SevCertificate", KeyUsage.OCA),
        ("SevCertificate", KeyUsage.CEK),
    ]


def test_trailing_zero_padding_is_allowed_but_garbage_is_not(naples: dict[str, bytes]) -> None:
    assert parse_sev_certificate(naples["pdh"] + bytes(100)).usage is KeyUsage.PDH
    assert parse_ca_certificate(naples["ask"] + bytes(10)).usage is KeyUsage.ASK
    with pytest.raises(EvidenceFormatError, match="non-zero"):
        parse_sev_certificate(naples["pdh"] + b"\x01")
    with pytest.raises(EvidenceFormatError):
        parse_certificate_sequence(bytes(100))


def test_version_other_than_one_is_unsupported(naples: dict[str, bytes]) -> None:
    with pytest.raises(UnsupportedEvidenceError):
        parse_sev_certificate(b"\x02" + naples["pdh"][1:])
    with pytest.raises(UnsupportedEvidenceError):
        parse_ca_certificate(b"\x02" + naples["ark"][1:])


def test_wrong_usages_are_format_errors(naples: dict[str, bytes]) -> None:
    ark_as_ask_field = naples["ark"][:0x24] + (0x1003).to_bytes(4, "little") + naples["ark"][0x28:]
    with pytest.raises(EvidenceFormatError, match="expected ARK or ASK"):
        parse_ca_certificate(ark_as_ask_field)
    with pytest.raises(EvidenceFormatError, match="unknown key usage"):
        parse_sev_certificate(naples["pdh"][:8] + (0x1234).to_bytes(4, "little") + naples["pdh"][12:])
    with pytest.raises(EvidenceFormatError, match="modulus size"):
        parse_ca_certificate(naples["ask"][:0x3C] + (1024).to_bytes(4, "little") + naples["ask"][0x40:])


@pytest.mark.parametrize("name", ["ark", "ask"])
def test_every_truncation_of_a_ca_certificate_is_a_format_error(naples: dict[str, bytes], name: str) -> None:
    data = naples[name]
    for length in range(len(data)):
        with pytest.raises(EvidenceFormatError):
            parse_ca_certificate(data[:length])


@pytest.mark.parametrize("name", ["cek", "oca", "pek", "pdh"])
def test_every_truncation_of_a_sev_certificate_is_a_format_error(naples: dict[str, bytes], name: str) -> None:
    data = naples[name]
    for length in range(len(data)):
        with pytest.raises(EvidenceFormatError):
            parse_sev_certificate(data[:length])


def test_records_are_typed(naples: dict[str, bytes]) -> None:
    assert isinstance(parse_ca_certificate(naples["ark"]), AmdCaCertificate)
    certificate = parse_sev_certificate(naples["pek"])
    assert isinstance(certificate, SevCertificate)
    assert certificate.signature_by(KeyUsage.CEK) is certificate.signatures[1]
    assert certificate.signature_by(KeyUsage.ASK) is None
