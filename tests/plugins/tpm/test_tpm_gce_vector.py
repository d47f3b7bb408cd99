"""The GCE Shielded VM vTPM attestation (go-tpm-tools protobuf): PROVENANCE facts, trust paths, tampering."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ccpolicy.claims import to_input_document
from ccpolicy.clock import parse_time
from ccpolicy.errors import (
    BindingError,
    CollateralMissingError,
    EvidenceFormatError,
    FreshnessError,
    SignatureError,
    VerificationError,
)
from ccpolicy.pipeline import check_nonce
from ccpolicy_tpm.ak_binding import check_public_area_bound, primary_hierarchy
from ccpolicy_tpm.ak_trust import AkTrust, TrustMethod
from ccpolicy_tpm.attestation import TpmAttestation
from ccpolicy_tpm.event_log_replay import replay_bank
from ccpolicy_tpm.protobuf_wire import WireField, parse_message
from ccpolicy_tpm.quote_verification import check_pcr_digest
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm
from ccpolicy_tpm.tpm_hashing import tpm_name

PCR0 = {
    HashAlgorithm.SHA1: "c032c3b51dbb6f96b047421512fd4b4dfde496f3",
    HashAlgorithm.SHA256: "0f35c214608d93c7a6e68ae7359b4a8be5a0e99eea9107ece427c4dea4e439cf",
    HashAlgorithm.SHA384: "46ce251b0b5b3da7917c5eb7a72e6e88f8f830445b149937921b095c1fd628db"
    "691963861c1153aba9c7097ff1c747f9",
}
FIRMWARE_VERSION = 0x2016051100162800
AK_PUBLIC_FIELD = 1
AK_CERTIFICATE_FIELD = 6


@pytest.fixture(scope="module")
def attestation(verifier, gce_evidence) -> TpmAttestation:
    return verifier.parse(gce_evidence)


@pytest.fixture(scope="module")
def without_certificate(gce_evidence, rewrite_fields) -> bytes:
    """The vector without its AK certificate: trust must then come from a pin."""
    return rewrite_fields(gce_evidence, lambda item: None if item.number == AK_CERTIFICATE_FIELD else item)


def test_detects_the_protobuf_and_nothing_else(verifier, gce_evidence):
    assert verifier.detect(gce_evidence)
    assert not verifier.detect(b"")
    assert not verifier.detect(b'{"attestation_report": "00"}')
    assert not verifier.detect(bytes(1184))
    assert not verifier.detect(b"\x0a\x05hello")


def test_parsed_structures_match_provenance(attestation, ak_name):
    public = attestation.ak_public
    assert public.key.key_bits == 2048
    assert public.scheme is not None and public.scheme.name == "RSASSA"
    assert public.scheme_hash is HashAlgorithm.SHA256
    assert tpm_name(public.name_algorithm, public.raw) == ak_name
    assert len(attestation.quotes) == 3
    banks = []
    for quote in attestation.quotes:
        attest = quote.attest
        assert attest.extra_data == bytes.fromhex("9009")
        assert attest.firmware_version == FIRMWARE_VERSION
        assert [selection.pcrs for selection in attest.pcr_selections] == [tuple(range(24))]
        banks.append(attest.pcr_selections[0].bank)
    assert banks == [HashAlgorithm.SHA1, HashAlgorithm.SHA256, HashAlgorithm.SHA384]
    assert attestation.event_log is not None
    assert attestation.ak_certificate is not None  # field 6 holds a DER AK certificate


def test_pcr_digest_uses_the_signing_hash_for_every_bank(attestation):
    for position, quote in enumerate(attestation.quotes):
        (bank,) = quote.pcr_values
        values = quote.pcr_values[bank]
        assert values[0].hex() == PCR0[bank]
        concatenated = b"".join(values[index] for index in range(24))
        assert quote.signature.hash_algorithm is HashAlgorithm.SHA256
        assert hashlib.sha256(concatenated).digest() == quote.attest.pcr_digest
        check_pcr_digest(quote, position=position)


def test_event_log_replays_to_the_quoted_pcr0_in_every_bank(attestation):
    assert attestation.event_log is not None
    for bank, expected in PCR0.items():
        replayed = replay_bank(attestation.event_log, bank)
        assert replayed[0].hex() == expected
        quoted = next(q.pcr_values[bank] for q in attestation.quotes if bank in q.pcr_values)
        assert all(replayed[pcr] == quoted[pcr] for pcr in range(10))


def test_verifies_with_the_embedded_google_root(verifier, attestation, context_with, ak_name):
    claims = verifier.verify(attestation, context_with())
    evidence = claims.evidence
    assert claims.tee == "tpm"
    assert evidence.report_data == bytes.fromhex("9009")
    assert evidence.platform == {"vendor": "TCG", "product": "TPM 2.0"}
    assert evidence.debug is False
    assert evidence.identity["ak_name"] == ak_name
    for bank, expected in PCR0.items():
        assert evidence.measurements[f"{bank.label}:pcr0"].hex() == expected
    assert len(evidence.measurements) == 72
    vendor = claims.vendor
    assert vendor["ak"]["trust"] == "certificate"
    assert vendor["firmware_version"] == FIRMWARE_VERSION
    assert vendor["gce_instance"]["instance_name"] == "cos-test"
    assert vendor["gce_instance"]["verified"] is True
    log = vendor["event_log"]
    assert log["replayed"] == {bank: list(range(10)) for bank in ("sha1", "sha256", "sha384")}
    assert log["secure_boot"] is True
    assert {"SecureBoot", "PK", "KEK", "db", "dbx"} <= {item["name"] for item in log["efi_variables"]}
    assert sorted(item["pcr"] for item in log["separators"]) == list(range(8))
    assert log["kernel_command_line"].startswith("/syslinux/vmlinuz.A init=/usr/lib/systemd/systemd")
    assert "set timeout=0" in log["grub_commands"]
    assert claims.collateral.source == "embedded"
    assert claims.collateral.not_after == parse_time("2051-08-24T23:16:05Z")
    document = to_input_document(claims, now=parse_time("2025-06-01T00:00:00Z"), nonce_verified=True)
    assert json.loads(json.dumps(document))["evidence"]["report_data"] == "9009"


def test_nonce_9009_is_fresh_and_another_is_not(verifier, attestation, context_with):
    report_data = verifier.verify(attestation, context_with()).evidence.report_data
    check_nonce(report_data, bytes.fromhex("9009"))
    with pytest.raises(FreshnessError):
        check_nonce(report_data, bytes.fromhex("9010"))


def test_pinned_name_trusts_the_ak(verifier, without_certificate, context_with, collateral_of, ak_name):
    pin = json.dumps({"tpm": {"ak_names": [ak_name.hex()]}}).encode()
    claims = verifier.verify(verifier.parse(without_certificate), context_with(collateral_of(pin=pin)))
    assert claims.vendor["ak"]["trust"] == "pinned-name"
    assert claims.collateral.source == "offline"
    assert claims.collateral.not_after is None
    assert claims.evidence.report_data == bytes.fromhex("9009")


def test_pinned_public_key_trusts_the_ak(verifier, attestation, without_certificate, context_with, collateral_of):
    assert attestation.ak_certificate is not None
    key = x509.load_der_x509_certificate(attestation.ak_certificate).public_key()
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    for pinned in (pem, der):
        claims = verifier.verify(verifier.parse(without_certificate), context_with(collateral_of(key=pinned)))
        assert claims.vendor["ak"]["trust"] == "pinned-key"


def test_the_ak_is_a_primary_of_the_endorsement_hierarchy(verifier, gce_evidence, context_with):
    """GCE's qualifiedSigner is nameAlg || SHA-256(TPM_RH_ENDORSEMENT || AK name): the area is bound."""
    claims = verifier.verify(verifier.parse(gce_evidence), context_with())
    assert claims.vendor["ak"]["trust"] == "certificate"
    assert claims.vendor["ak"]["primary_of_hierarchy"] == "endorsement"


NO_DA, USER_WITH_AUTH, ADMIN_WITH_POLICY = 10, 6, 7


@pytest.mark.parametrize("bit", [NO_DA, USER_WITH_AUTH, ADMIN_WITH_POLICY])
@pytest.mark.parametrize("trust", ["certificate", "public key"])
def test_a_changed_defined_ak_attribute_is_refused(
    bit, trust, *, verifier, attestation, gce_evidence, without_certificate, rewrite_fields, context_with, collateral_of
):
    """A certificate or a pinned key binds only the key; the signed qualifiedSigner binds the rest of the area."""
    if trust == "certificate":
        evidence, context = gce_evidence, context_with()
    else:
        key = x509.load_der_x509_certificate(attestation.ak_certificate).public_key()
        pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        evidence, context = without_certificate, context_with(collateral_of(key=pem))

    def flip(item: WireField) -> WireField:
        if item.number != AK_PUBLIC_FIELD:
            return item
        attributes = int.from_bytes(item.payload[4:8], "big") ^ 1 << bit
        return replace(item, payload=item.payload[:4] + attributes.to_bytes(4, "big") + item.payload[8:])

    with pytest.raises(BindingError) as caught:
        verifier.verify(verifier.parse(rewrite_fields(evidence, flip)), context)
    assert caught.value.reason == "verification.binding.ak_public_area"
    assert "ak_names" in caught.value.diagnostics()


def test_a_pinned_name_binds_the_area_of_a_child_ak(verifier, attestation, without_certificate, context_with):
    """An AK below another key has a qualifiedSigner no hierarchy explains; its pinned TPM name binds it."""
    name = tpm_name(HashAlgorithm.SHA256, attestation.ak_public.raw)
    child_qualified_name = tpm_name(HashAlgorithm.SHA256, b"\x00\x0b" + bytes(32) + name)
    assert primary_hierarchy(HashAlgorithm.SHA256, name, child_qualified_name) is None
    pinned = AkTrust(method=TrustMethod.PINNED_NAME, source="offline", not_after=None, crl_checked=False)
    check_public_area_bound(pinned, None, name)
    by_key = AkTrust(method=TrustMethod.PINNED_KEY, source="offline", not_after=None, crl_checked=False)
    with pytest.raises(BindingError):
        check_public_area_bound(by_key, None, name)


def test_no_pin_and_no_certificate_asks_for_the_ak_name(verifier, without_certificate, context_with, ak_name):
    with pytest.raises(CollateralMissingError) as caught:
        verifier.verify(verifier.parse(without_certificate), context_with())
    assert ak_name.hex() in caught.value.message
    assert ak_name.hex() in caught.value.diagnostics()


@pytest.mark.parametrize("evidence_name", ["gce_evidence", "without_certificate"])
def test_a_wrong_pinned_ak_fails(verifier, request, context_with, collateral_of, evidence_name):
    evidence = request.getfixturevalue(evidence_name)
    pin = json.dumps({"tpm": {"ak_names": ["000b" + "11" * 32]}}).encode()
    with pytest.raises(VerificationError) as caught:
        verifier.verify(verifier.parse(evidence), context_with(collateral_of(pin=pin)))
    assert isinstance(caught.value, BindingError)


def _change_quote(evidence: bytes, rewrite_fields, position: int, change: Callable[[WireField], WireField | None]):
    """Rewrite the top-level field 2 occurrence ``position`` with ``change`` applied to its fields."""
    counter = {"seen": -1}

    def on_top(item: WireField) -> WireField | None:
        if item.number != 2:
            return item
        counter["seen"] += 1
        if counter["seen"] != position:
            return item
        return replace(item, payload=rewrite_fields(item.payload, change))

    return rewrite_fields(evidence, on_top)


def test_a_changed_pcr_value_breaks_the_pcr_digest(verifier, gce_evidence, rewrite_fields, context_with):
    def bump_pcr_map(item: WireField) -> WireField | None:
        if item.number != 3:
            return item
        pcrs = bytearray(item.payload)
        pcrs[-1] ^= 1  # the last byte of the last PCR value
        return replace(item, payload=bytes(pcrs))

    tampered = _change_quote(gce_evidence, rewrite_fields, 1, bump_pcr_map)
    with pytest.raises(BindingError, match="pcrDigest"):
        verifier.verify(verifier.parse(tampered), context_with())


def test_a_changed_signature_fails(verifier, gce_evidence, rewrite_fields, context_with):
    def flip_signature(item: WireField) -> WireField | None:
        if item.number != 2:
            return item
        return replace(item, payload=item.payload[:-1] + bytes([item.payload[-1] ^ 0x40]))

    tampered = _change_quote(gce_evidence, rewrite_fields, 2, flip_signature)
    with pytest.raises(SignatureError):
        verifier.verify(verifier.parse(tampered), context_with())


def test_a_changed_event_digest_fails_replay_naming_pcr_and_bank(verifier, gce_evidence, rewrite_fields, context_with):
    event_log = parse_message(gce_evidence, what="test").bytes_field(3)
    marker = bytes.fromhex("ccfc4bb32888a345")  # SHA-256 digest of the SecureBoot event (PCR 7)
    offset = event_log.index(marker)
    tampered_log = event_log[:offset] + bytes([marker[0] ^ 1]) + event_log[offset + 1 :]
    tampered = rewrite_fields(
        gce_evidence, lambda item: replace(item, payload=tampered_log) if item.number == 3 else item
    )
    with pytest.raises(BindingError) as caught:
        verifier.verify(verifier.parse(tampered), context_with())
    assert "PCR 7" in caught.value.message and "sha256" in caught.value.message


def test_a_changed_secure_boot_value_is_refused(verifier, gce_evidence, rewrite_fields, context_with):
    """The event data is not covered by the PCR: a log claiming another value than measured is refused."""
    event_log = parse_message(gce_evidence, what="test").bytes_field(3)
    name = "SecureBoot".encode("utf-16-le")
    offset = event_log.index(name) + len(name)
    assert event_log[offset] == 1
    tampered_log = event_log[:offset] + b"\0" + event_log[offset + 1 :]
    tampered = rewrite_fields(
        gce_evidence, lambda item: replace(item, payload=tampered_log) if item.number == 3 else item
    )
    with pytest.raises(BindingError, match="SecureBoot"):
        verifier.verify(verifier.parse(tampered), context_with())


def test_quotes_with_different_nonces_are_refused(verifier, attestation, context_with):
    first = attestation.quotes[0]
    other = replace(first, attest=replace(first.attest, extra_data=b"\x90\x10"))
    with pytest.raises(BindingError, match="extraData"):
        verifier.verify(replace(attestation, quotes=(other, *attestation.quotes[1:])), context_with())


def test_a_missing_quote_list_is_a_format_error(verifier, gce_evidence, rewrite_fields):
    stripped = rewrite_fields(gce_evidence, lambda item: None if item.number == 2 else item)
    with pytest.raises(EvidenceFormatError):
        verifier.parse(stripped)
