"""Field rules of the Nitro attestation document (AWS nsm-api attestation_process.md 3.2.2)."""

from __future__ import annotations

import base64

import cbor2
import pytest

from ccpolicy.errors import EvidenceFormatError
from ccpolicy_nitro.attestation_document import parse_evidence


def with_payload(vector, change) -> bytes:
    message = cbor2.loads(base64.b64decode(vector.text))
    fields = cbor2.loads(message[2])
    change(fields)
    message[2] = cbor2.dumps(fields)
    return cbor2.dumps(message)


def setter(name, value):
    return lambda fields: fields.__setitem__(name, value)


@pytest.mark.parametrize(
    "change",
    [
        setter("module_id", ""),
        setter("module_id", b"bytes"),
        setter("digest", "SHA256"),
        setter("timestamp", 0),
        setter("timestamp", True),
        setter("timestamp", -5),
        setter("timestamp", 2**64),
        setter("pcrs", {}),
        setter("pcrs", {32: bytes(48)}),
        setter("pcrs", {0: bytes(47)}),
        setter("pcrs", {"0": bytes(48)}),
        setter("pcrs", {i: bytes(48) for i in range(33)}),
        setter("certificate", b""),
        setter("certificate", bytes(1025)),
        setter("certificate", b"\x30\x03\x02\x01\x00"),  # DER but no certificate
        setter("cabundle", []),
        setter("cabundle", [b""]),
        setter("cabundle", "root"),
        setter("public_key", b""),
        setter("user_data", bytes(1025)),
        setter("nonce", bytes(1025)),
        setter("nonce", None),
        setter("extra", b"field"),
        lambda fields: fields.pop("pcrs"),
        lambda fields: fields.pop("certificate"),
    ],
)
def test_field_rules(production, change):
    with pytest.raises(EvidenceFormatError):
        parse_evidence(with_payload(production, change))


def test_optional_fields_may_be_absent_or_empty(production):
    def strip(fields):
        fields.pop("public_key")
        fields.pop("user_data")
        fields["nonce"] = b""

    document = parse_evidence(with_payload(production, strip)).document
    assert (document.public_key, document.user_data, document.nonce) == (None, None, b"")


def test_only_es384(production):
    message = cbor2.loads(base64.b64decode(production.text))
    message[0] = cbor2.dumps({1: -7})
    message[3] = message[3][:64]
    with pytest.raises(EvidenceFormatError, match="ES384"):
        parse_evidence(cbor2.dumps(message))


@pytest.mark.parametrize("evidence", [b"", b"%%%%", b"QUJD", b"\x84", b"  \n", b"A" * 40000])
def test_bad_encodings(evidence):
    with pytest.raises(EvidenceFormatError):
        parse_evidence(evidence)
