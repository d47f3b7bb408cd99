"""Verification of forged responses: claims, the requester's secret, and every single-bit change rejected."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from ccpolicy.certificates import TEST_ROOT_NAME
from ccpolicy.errors import (
    BindingError,
    CollateralMissingError,
    ConfigurationError,
    SignatureError,
)
from ccpolicy_ibmse.measurement_verification import check_host_key_binding, open_request
from ccpolicy_ibmse.requester_secret import parse_secret
from tests.plugins.ibmse.conftest import HEADER, SECRET, collateral_of, context_with


def flip(data: bytes, offset: int, mask: int = 0x01) -> bytes:
    changed = bytearray(data)
    changed[offset] ^= mask
    return bytes(changed)


def flip_hex(text: str, offset: int = 0) -> str:
    return flip(bytes.fromhex(text), offset).hex()


def section(evidence: bytes, index: int) -> tuple[int, int]:
    """(offset, size) of exchange entry ``index``: 0 request, 1 measurement, 2 additional, 3 user, 4 CUID."""
    base = 0x18 + 8 * index
    return int.from_bytes(evidence[base + 4 : base + 8], "big"), int.from_bytes(evidence[base : base + 4], "big")


def test_forged_response_verifies_with_its_claims(verifier, forged):
    claims = verifier.verify(verifier.parse(forged.evidence), context_with(forged.collateral()))
    reference = forged.reference
    (image,) = reference["images"]
    measurements = claims.evidence.measurements
    assert {name: value.hex() for name, value in measurements.items()} == {
        "pld": image["pld"],
        "ald": image["ald"],
        "tld": image["tld"],
        "se_header_tag": image["tag"],
    }
    assert claims.evidence.identity["config_uid"].hex() == reference["config_uids"][0]
    assert claims.evidence.report_data == claims.vendor["nonce"]
    assert len(claims.evidence.report_data) == 16
    assert claims.evidence.debug is False
    assert claims.vendor["user_data"] == b"user data for the relying party"
    assert claims.vendor["image"]["allow_dumping"] is False
    assert claims.vendor["flags"]["nonce"] is True
    assert claims.vendor["flags"]["attestation_public_host_key_hash"] is True
    host_key = bytes.fromhex(reference["host_key_hashes"][0])
    assert claims.vendor["additional_data"]["attestation_public_host_key_hash"] == host_key
    assert claims.vendor["request"]["host_key_hashes"] == [host_key]
    assert claims.vendor["test_key"] is True
    assert claims.collateral.source == "test-root"
    assert forged.secret["test_key"] == TEST_ROOT_NAME


def test_the_test_key_needs_unsafe_trust(verifier, forged):
    report = verifier.parse(forged.evidence)
    with pytest.raises(CollateralMissingError, match="test key") as caught:
        verifier.verify(report, context_with(forged.collateral(), unsafe=False))
    assert "--trust-test-root" in caught.value.diagnostics()
    unmarked = forged.collateral_with_secret(test_key=None)
    claims = verifier.verify(report, context_with(unmarked, unsafe=False))
    assert claims.collateral.source == "offline"


def test_without_the_requesters_secret_nothing_verifies(verifier, forged):
    with pytest.raises(CollateralMissingError, match="only by its requester") as caught:
        verifier.verify(verifier.parse(forged.evidence), context_with(collateral_of(**{HEADER: forged.files[HEADER]})))
    assert "arpk" in caught.value.diagnostics()


@pytest.mark.parametrize("offset", [0, 31, 63])
def test_a_flipped_measurement_bit_fails(verifier, forged, offset):
    start, _ = section(forged.evidence, 1)
    with pytest.raises(SignatureError, match="HMAC-SHA512"):
        verifier.verify(verifier.parse(flip(forged.evidence, start + offset)), context_with(forged.collateral()))


@pytest.mark.parametrize(("index", "offset"), [(2, 0), (2, 63), (3, 0), (3, 30), (4, 0), (4, 15)])
def test_flipped_additional_user_data_and_config_uid_fail(verifier, forged, index, offset):
    start, _ = section(forged.evidence, index)
    with pytest.raises(SignatureError):
        verifier.verify(verifier.parse(flip(forged.evidence, start + offset)), context_with(forged.collateral()))


def test_a_flipped_sealed_nonce_fails(verifier, forged):
    request_start, request_size = section(forged.evidence, 0)
    nonce_end = request_start + request_size - 16  # the nonce ends where the GCM tag starts
    with pytest.raises(SignatureError, match="AES-GCM"):
        verifier.verify(verifier.parse(flip(forged.evidence, nonce_end - 1)), context_with(forged.collateral()))


def test_a_flipped_protection_key_fails(verifier, forged):
    collateral = forged.collateral_with_secret(arpk=flip_hex(forged.secret["arpk"], 5))
    with pytest.raises(SignatureError, match="does not open"):
        verifier.verify(verifier.parse(forged.evidence), context_with(collateral))


def test_a_flipped_image_tag_fails(verifier, forged):
    image = dict(forged.reference["images"][0])
    image["tag"] = flip_hex(image["tag"], 15)
    collateral = forged.collateral_with_secret(image=image)
    with pytest.raises(SignatureError, match="HMAC"):
        verifier.verify(verifier.parse(forged.evidence), context_with(collateral))


def test_attestation_key_form(verifier, forge):
    forged = forge(secret="attestation_key")
    report = verifier.parse(forged.evidence)
    assert "arpk" not in forged.secret
    claims = verifier.verify(report, context_with(forged.collateral()))
    assert claims.evidence.report_data.hex() == forged.secret["nonce"]
    for field in ("attestation_key", "nonce"):
        changed = forged.collateral_with_secret(**{field: flip_hex(forged.secret[field], 7)})
        with pytest.raises(SignatureError, match="HMAC"):
            verifier.verify(report, context_with(changed))
    with pytest.raises(CollateralMissingError, match="carries a nonce"):
        verifier.verify(report, context_with(forged.collateral_with_secret(nonce=None)))


def test_without_the_protection_key_only_measured_values_are_claimed(verifier, forge):
    """The HMAC covers the additional data's bytes, not the request's flags that split it into fields."""
    additional = "image_phkh,attestation_phkh,secret_store_hash"
    opened = forge(additional=additional)
    stated = forge(additional=additional, secret="attestation_key")
    claims = verifier.verify(verifier.parse(opened.evidence), context_with(opened.collateral()))
    assert claims.vendor["request_authenticated"] is True
    assert claims.vendor["flags"]["secret_store_hash"] is True
    assert claims.vendor["request"]["host_key_hashes"] == [bytes.fromhex(opened.reference["host_key_hashes"][0])]
    report = verifier.parse(stated.evidence)
    claims = verifier.verify(report, context_with(stated.collateral()))
    assert claims.vendor["request_authenticated"] is False
    assert claims.vendor["flags"] is None
    assert claims.vendor["request"] is None
    unsplit = claims.vendor["additional_data"]
    assert unsplit["unrecognized"] == report.additional_data
    assert len(unsplit["unrecognized"]) == 32 + 32 + 64
    names = ("image_public_host_key_hash", "attestation_public_host_key_hash", "secret_store_hash", "firmware_state")
    assert all(unsplit[name] is None for name in names)
    assert claims.vendor["config_uid"] == report.config_uid
    assert claims.evidence.report_data.hex() == stated.secret["nonce"]


def test_stated_values_must_agree_with_the_sealed_ones(verifier, forged):
    report = verifier.parse(forged.evidence)
    sealed = open_request(report.request, parse_secret(forged.secret, origin=Path(SECRET)))
    both = forged.collateral_with_secret(attestation_key=sealed.key.hex(), nonce=(sealed.nonce or b"").hex())
    assert verifier.verify(report, context_with(both)).evidence.report_data == sealed.nonce
    with pytest.raises(BindingError, match="attestation key"):
        verifier.verify(report, context_with(forged.collateral_with_secret(attestation_key="00" * 64)))
    with pytest.raises(BindingError, match="nonce"):
        verifier.verify(report, context_with(forged.collateral_with_secret(nonce="00" * 16)))


def test_a_request_without_nonce(verifier, forge):
    forged = forge(nonce="none", additional="none", secret="attestation_key")
    report = verifier.parse(forged.evidence)
    claims = verifier.verify(report, context_with(forged.collateral()))
    assert claims.evidence.report_data == b""
    assert claims.vendor["nonce"] is None
    assert claims.vendor["flags"] is None  # the request is not opened without the ARPK: its flags are unproven
    stray_nonce = forged.collateral_with_secret(nonce="00" * 16)
    with pytest.raises(BindingError, match="asks for none"):
        verifier.verify(report, context_with(stray_nonce))


def test_image_tags_in_the_document(verifier, forge):
    forged = forge(image="document", allow_dumping="true")
    assert HEADER not in forged.files
    claims = verifier.verify(verifier.parse(forged.evidence), context_with(forged.collateral()))
    assert claims.vendor["image"]["se_header_given"] is False
    assert claims.vendor["image"]["allow_dumping"] is None
    assert claims.evidence.debug is True  # not shown otherwise


def test_dumping_image(verifier, forge):
    forged = forge(allow_dumping="true", additional="image_phkh,attestation_phkh,secret_store_hash,firmware_state")
    claims = verifier.verify(verifier.parse(forged.evidence), context_with(forged.collateral()))
    assert claims.vendor["image"]["allow_dumping"] is True
    assert claims.vendor["image"]["plaintext_control_flags"] == 1 << 29
    assert claims.evidence.debug is True
    assert len(claims.vendor["additional_data"]["firmware_state"]) == 320


def test_image_source_rules(verifier, forged, forge):
    report = verifier.parse(forged.evidence)
    with pytest.raises(CollateralMissingError, match="no image tags"):
        verifier.verify(report, context_with(forged.collateral({HEADER: None})))
    other_header = forge().files[HEADER]
    two_headers = forged.collateral({"other.bin": other_header})
    with pytest.raises(ConfigurationError, match="2 SE header files"):
        verifier.verify(report, context_with(two_headers))
    image = forged.reference["images"][0]
    named = forged.collateral_with_secret(image=image)
    claims = verifier.verify(report, context_with(dataclasses.replace(named, blobs=(*named.blobs, *two_headers.blobs))))
    assert claims.vendor["image"]["se_header_given"] is True


def test_documents_are_picked_by_request_tag(verifier, forged, forge):
    other = forge()
    report = verifier.parse(forged.evidence)
    both = collateral_of(
        **{"a.json": other.files[SECRET], "b.json": forged.files[SECRET], HEADER: forged.files[HEADER]}
    )
    assert verifier.verify(report, context_with(both)).vendor["request"]["tag"].hex() == forged.secret["request_tag"]
    with pytest.raises(BindingError, match="is for the request with tag"):
        verifier.verify(report, context_with(collateral_of(**{"a.json": other.files[SECRET]})))
    third = forge()
    two_others = collateral_of(**{"a.json": other.files[SECRET], "c.json": third.files[SECRET]})
    with pytest.raises(BindingError, match="none of the 2 ibmse documents"):
        verifier.verify(report, context_with(two_others))
    untagged = [
        json.dumps({"ibmse": {**document.secret, "request_tag": None}}).encode() for document in (other, forged)
    ]
    ambiguous = collateral_of(**{"a.json": untagged[0], "b.json": untagged[1], HEADER: forged.files[HEADER]})
    with pytest.raises(ConfigurationError, match='add "request_tag"'):
        verifier.verify(report, context_with(ambiguous))


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"arpk": "00" * 32, "colour": "red"},
        {"image": {}},
        {"arpk": "zz"},
        {"arpk": "00" * 31},
        {"arpk": 5},
        {"arpk": "00" * 32, "image": []},
        {"arpk": "00" * 32, "image": {"pld": "00"}},
        {"arpk": "00" * 32, "image": {"pld": None, "ald": "00" * 64, "tld": "00" * 64, "tag": "00" * 16}},
        {"arpk": "00" * 32, "test_key": True},
    ],
)
def test_malformed_documents_are_configuration_errors(verifier, forged, body):
    collateral = collateral_of(**{SECRET: json.dumps({"ibmse": body}).encode(), HEADER: forged.files[HEADER]})
    with pytest.raises(ConfigurationError, match="ibmse"):
        verifier.verify(verifier.parse(forged.evidence), context_with(collateral))


def test_attestation_host_key_must_be_a_key_slot(verifier, forged):
    report = verifier.parse(forged.evidence)
    check_host_key_binding(report)
    stranger = dataclasses.replace(report.additional, attestation_public_host_key_hash=bytes(32))
    with pytest.raises(BindingError, match="none of the request's key slots"):
        check_host_key_binding(dataclasses.replace(report, additional=stranger))
