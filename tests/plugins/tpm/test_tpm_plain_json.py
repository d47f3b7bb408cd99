"""The plain JSON form, built from the GCE vector's parts; AK certificates chaining to a collateral root."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ccpolicy.clock import parse_time
from ccpolicy.errors import (
    BindingError,
    ChainError,
    CollateralExpiredError,
    EvidenceFormatError,
    UnsupportedEvidenceError,
)
from ccpolicy_tpm.plain_json_form import MEDIA_TYPE
from ccpolicy_tpm.protobuf_wire import parse_message


@pytest.fixture(scope="module")
def parts(gce_evidence):
    message = parse_message(gce_evidence, what="test")
    quotes = []
    for quote in message.messages(2, "quote"):
        pcrs = quote.message(3, "pcrs")
        assert pcrs is not None
        bank = {4: "sha1", 11: "sha256", 12: "sha384"}[pcrs.uint(1)]
        quotes.append(
            {
                "quote": quote.bytes_field(1).hex(),
                "signature": quote.bytes_field(2).hex(),
                "pcrs": {bank: {str(index): value.hex() for index, value in pcrs.uint_bytes_map(2).items()}},
            }
        )
    return {
        "ak_public": message.bytes_field(1).hex(),
        "event_log": message.bytes_field(3).hex(),
        "ak_certificate": message.bytes_field(6),
        "quotes": quotes,
    }


def _document(parts, position: int = 1, **extra: str) -> bytes:
    return json.dumps({**parts["quotes"][position], "ak_public": parts["ak_public"], **extra}).encode()


@pytest.fixture(scope="module")
def pin(ak_name) -> bytes:
    return json.dumps({"tpm": {"ak_names": [ak_name.hex()]}}).encode()


@pytest.fixture(scope="module")
def pinned(pin, context_with, collateral_of):
    """A verification context whose collateral pins the vector's AK by name."""
    return context_with(collateral_of(pin=pin))


@pytest.mark.parametrize("position", [0, 1, 2])
def test_each_bank_round_trips_and_verifies(verifier, parts, pinned, position):
    evidence = _document(parts, position)
    assert verifier.detect(evidence)
    claims = verifier.verify(verifier.parse(evidence), pinned)
    assert claims.evidence.report_data == bytes.fromhex("9009")
    assert claims.vendor["form"] == "plain-json"
    assert len(claims.evidence.measurements) == 24


def test_with_event_log_and_certificate(verifier, parts, context_with):
    evidence = _document(parts, event_log=parts["event_log"], ak_certificate=parts["ak_certificate"].hex())
    claims = verifier.verify(verifier.parse(evidence), context_with())
    assert claims.vendor["event_log"]["replayed"] == {"sha256": list(range(10))}
    assert claims.vendor["event_log"]["secure_boot"] is True
    assert claims.collateral.source == "embedded"
    assert MEDIA_TYPE in verifier.media_types


def test_json_pcr_not_matching_the_digest(verifier, parts, pin, context_with, collateral_of):
    document = json.loads(_document(parts))
    document["pcrs"]["sha256"]["23"] = "11" * 32
    with pytest.raises(BindingError, match="pcrDigest"):
        verifier.verify(verifier.parse(json.dumps(document).encode()), context_with(collateral_of(pin=pin)))


def test_json_pcr_given_but_not_quoted(verifier, parts, pin, context_with, collateral_of):
    document = json.loads(_document(parts))
    document["pcrs"]["sha1"] = {"0": "00" * 20}
    with pytest.raises(BindingError, match="not quoted"):
        verifier.verify(verifier.parse(json.dumps(document).encode()), context_with(collateral_of(pin=pin)))


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"quote": "zz"}, EvidenceFormatError),
        ({"quote": 5}, EvidenceFormatError),
        ({"pcrs": {"md5": {}}}, UnsupportedEvidenceError),
        ({"pcrs": {"sha256": {"x": "00"}}}, EvidenceFormatError),
        ({"pcrs": {"sha256": {"0": "00"}}}, EvidenceFormatError),
        ({"surprise": "00"}, EvidenceFormatError),
    ],
)
def test_malformed_json(verifier, parts, change, error):
    document = {**json.loads(_document(parts)), **change}
    with pytest.raises(error):
        verifier.parse(json.dumps(document).encode())


def _ca(name: str, *, not_after_days: int = 3650):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = parse_time("2024-01-01T00:00:00Z")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=not_after_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _ak_certificate(ca_key, ca_certificate, subject_key, *, not_after_days: int = 3650) -> bytes:
    start = parse_time("2024-01-01T00:00:00Z")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test AK")]))
        .issuer_name(ca_certificate.subject)
        .public_key(subject_key)
        .serial_number(2)
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=not_after_days))
        .sign(ca_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.DER)


@pytest.fixture(scope="module")
def ak_key(parts):
    return x509.load_der_x509_certificate(parts["ak_certificate"]).public_key()


def test_certificate_chaining_to_a_collateral_root(verifier, parts, ak_key, context_with, collateral_of):
    ca_key, ca = _ca("Example Corp AK CA")
    evidence = _document(parts, ak_certificate=_ak_certificate(ca_key, ca, ak_key).hex())
    with pytest.raises(ChainError):
        verifier.verify(verifier.parse(evidence), context_with())
    root = ca.public_bytes(serialization.Encoding.PEM)
    claims = verifier.verify(verifier.parse(evidence), context_with(collateral_of(root=root)))
    assert claims.collateral.source == "offline"
    assert claims.vendor["ak"]["certificate"]["anchor"] == "Example Corp AK CA"
    assert claims.collateral.not_after == parse_time("2024-01-01T00:00:00Z") + timedelta(days=3650)


def test_expired_ak_certificate(verifier, parts, ak_key, context_with, collateral_of):
    ca_key, ca = _ca("Example Corp AK CA")
    evidence = _document(parts, ak_certificate=_ak_certificate(ca_key, ca, ak_key, not_after_days=30).hex())
    root = ca.public_bytes(serialization.Encoding.PEM)
    with pytest.raises(CollateralExpiredError, match="window"):
        verifier.verify(verifier.parse(evidence), context_with(collateral_of(root=root)))


def test_certificate_of_another_key(verifier, parts, context_with, collateral_of):
    ca_key, ca = _ca("Example Corp AK CA")
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    evidence = _document(parts, ak_certificate=_ak_certificate(ca_key, ca, other).hex())
    root = ca.public_bytes(serialization.Encoding.PEM)
    with pytest.raises(BindingError, match="another key"):
        verifier.verify(verifier.parse(evidence), context_with(collateral_of(root=root)))
