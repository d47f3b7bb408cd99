"""Arm CCA tokens: the TF-RMM vector (facts from PROVENANCE.md), the RAK binding, keys and sweeps."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import cbor2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralFile, CollateralStore, collateral_from_files, load_collateral
from ccpolicy.errors import (
    BindingError,
    CollateralMissingError,
    EvidenceError,
    EvidenceFormatError,
    SignatureError,
    UnsupportedEvidenceError,
    VerificationError,
)
from ccpolicy.interfaces import VerificationContext
from ccpolicy_cca import plugin
from ccpolicy_cca.verifier import CcaVerifier
from ccpolicy_cose.cose_key import uncompressed_point
from ccpolicy_cose.cose_signature import sign_cose_sign1
from tests.plugins.cose.cose_mutations import assert_rejected, flipped, sampled_offsets

NOW = parse_time("2025-01-01T00:00:00Z")
VERIFIER = CcaVerifier()
PLATFORM, REALM = 44234, 44241


@pytest.fixture(scope="module")
def token(vectors) -> bytes:
    return (vectors / "cca" / "tfrmm_cca_token.cbor").read_bytes()


@pytest.fixture(scope="module")
def cpak(vectors) -> CollateralStore:
    return load_collateral([vectors / "cca" / "fvp_cpak_public.pem"])


def key_store(key: ec.EllipticCurvePublicKey) -> CollateralStore:
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return collateral_from_files([CollateralFile(path=Path("cpak.pem"), data=pem)])


def verify(evidence: bytes, collateral: CollateralStore):
    return VERIFIER.verify(VERIFIER.parse(evidence), VerificationContext(now=NOW, collateral=collateral))


def tokens(data: bytes) -> dict[int, bytes]:
    return dict(cbor2.loads(data).value)


def collection(platform: bytes, realm: bytes) -> bytes:
    return cbor2.dumps(cbor2.CBORTag(399, {PLATFORM: platform, REALM: realm}))


def claims_of(signed: bytes) -> dict:
    return dict(cbor2.loads(cbor2.loads(signed).value[2]))


def own_platform_token(token: bytes, challenge: bytes, key: ec.EllipticCurvePrivateKey) -> bytes:
    """The vector's platform claims with another challenge, signed with our own CPAK."""
    claims = claims_of(tokens(token)[PLATFORM])
    claims[10] = challenge
    return sign_cose_sign1(cbor2.dumps(claims), key)


def own_realm_token(token: bytes, rak: ec.EllipticCurvePrivateKey, rak_encoding: bytes, hash_name: str) -> bytes:
    claims = claims_of(tokens(token)[REALM])
    claims[44237] = rak_encoding
    claims[44236] = hash_name
    return sign_cose_sign1(cbor2.dumps(claims), rak)


def test_plugin_provides_the_verifier():
    assert [v.tee_id for v in plugin.ccpolicy_tee_verifiers()] == ["cca"]


def test_tfrmm_token_claims(token, cpak):
    claims = verify(token, cpak)
    platform, realm = claims.vendor["platform"], claims.vendor["realm"]
    assert platform["profile"] == "http://arm.com/CCA-SSD/1.0.0"
    assert platform["implementation_id"].hex() == "7f454c4602010100000000000000000003003e00010000005058000000000000"
    instance = "0107060504030201000f0e0d0c0b0a090817161514131211101f1e1d1c1b1a1918"
    assert platform["instance_id"].hex() == instance
    assert platform["config"].hex() == instance
    assert platform["lifecycle"] == {"value": 12291, "name": "secured", "secured": True}
    assert platform["hash_algorithm"] == "sha-256"
    assert platform["verification_service"] == "whatever.com"
    assert len(platform["software_components"]) == 4
    assert platform["challenge"].hex() == "b5973cb68baa9fc55558786b7ec67f69e40df5ba5aa921cd0c27f40587a011ea"
    assert realm["challenge"] == b"\xab" * 64
    assert realm["personalization_value"].startswith(bytes.fromhex("54686520717569636b2062726f776e20666f7820"))
    assert realm["initial_measurement"] == bytes(32)
    assert realm["extensible_measurements"] == [bytes(32)] * 4
    assert realm["measurement_algorithm"] == "sha-256"
    assert realm["public_key_hash_algorithm"] == "sha-256"
    assert realm["public_key"].hex().startswith("0476f988091be585ed41801aecfab858548c6305")
    assert len(realm["public_key"]) == 97
    assert hashlib.sha256(realm["public_key"]).digest() == platform["challenge"]
    evidence = claims.evidence
    assert evidence.report_data == b"\xab" * 64
    assert evidence.measurements["rim"] == bytes(32)
    assert [evidence.measurements[f"rem{i}"] for i in range(4)] == [bytes(32)] * 4
    assert evidence.debug is False


def test_realm_with_another_platform_token_is_a_binding_error(token):
    cpak = ec.generate_private_key(ec.SECP384R1())
    other = own_platform_token(token, hashlib.sha256(b"another realm key").digest(), cpak)
    mixed = collection(other, tokens(token)[REALM])
    with pytest.raises(BindingError):
        verify(mixed, key_store(cpak.public_key()))


def test_platform_token_signed_by_an_unknown_key_is_a_signature_error(token):
    cpak = ec.generate_private_key(ec.SECP384R1())
    realm = tokens(token)[REALM]
    rak = claims_of(realm)[44237]
    forged = collection(own_platform_token(token, hashlib.sha256(rak).digest(), cpak), realm)
    with pytest.raises(SignatureError):  # the only key given is not the one that signed
        verify(forged, key_store(ec.generate_private_key(ec.SECP384R1()).public_key()))
    assert verify(forged, key_store(cpak.public_key())).vendor["platform"]["cpak_matches_instance_id"] is False


def test_missing_cpak(token):
    with pytest.raises(CollateralMissingError):
        verify(token, CollateralStore())


@pytest.mark.parametrize("rak_form", ["raw", "cose_key"])
@pytest.mark.parametrize(
    ("declared", "used"),
    [
        ("sha-256", "sha-256"),
        ("sha-512", "sha-512"),
        ("sha-512", "sha-256"),
        ("sha-256", "sha-512"),
        ("sha-384", "sha-256"),
    ],
)
def test_binding_uses_the_declared_algorithm(token, rak_form, declared, used):
    cpak = ec.generate_private_key(ec.SECP384R1())
    rak = ec.generate_private_key(ec.SECP384R1())
    if rak_form == "raw":
        encoding = uncompressed_point(rak.public_key())
    else:
        numbers = rak.public_key().public_numbers()
        encoding = cbor2.dumps({1: 2, -1: 2, -2: numbers.x.to_bytes(48, "big"), -3: numbers.y.to_bytes(48, "big")})
    realm = own_realm_token(token, rak, encoding, declared)
    platform = own_platform_token(token, hashlib.new(used.replace("-", ""), encoding).digest(), cpak)
    evidence = collection(platform, realm)
    if declared == used:
        assert verify(evidence, key_store(cpak.public_key())).evidence.identity["realm_public_key"] == encoding
    else:
        with pytest.raises(BindingError):
            verify(evidence, key_store(cpak.public_key()))


def test_realm_algorithm_must_fit_the_rak(token):
    """A realm token signed (ES256) by a P-256 key while the RAK it carries is P-384."""
    cpak = ec.generate_private_key(ec.SECP384R1())
    rak = ec.generate_private_key(ec.SECP256R1())
    realm_claims = claims_of(tokens(token)[REALM])
    realm_claims[44237] = uncompressed_point(ec.generate_private_key(ec.SECP384R1()).public_key())
    realm = sign_cose_sign1(cbor2.dumps(realm_claims), rak)
    platform = own_platform_token(token, hashlib.sha256(realm_claims[44237]).digest(), cpak)
    with pytest.raises(SignatureError) as caught:
        verify(collection(platform, realm), key_store(cpak.public_key()))
    assert caught.value.reason == "verification.signature.algorithm"


def test_every_flip_of_both_tokens_is_rejected(token, cpak):
    parts = tokens(token)
    for key in (PLATFORM, REALM):
        for part in ("protected", "signature", "payload"):
            inner = parts[key]
            size = len(cbor2.loads(inner).value[{"protected": 0, "payload": 2, "signature": 3}[part]])
            offsets = sampled_offsets(size, head=96, stride=3) if part == "payload" else None
            for mutated in flipped(inner, part, offsets):
                evidence = (
                    collection(mutated, parts[REALM]) if key == PLATFORM else collection(parts[PLATFORM], mutated)
                )
                assert_rejected(lambda e=evidence: verify(e, cpak))


def test_truncations_are_rejected(token, cpak):
    for cut in range(0, len(token), 3):
        assert_rejected(lambda c=cut: verify(token[:c], cpak))


@pytest.mark.parametrize(
    ("platform_change", "realm_change", "error"),
    [
        ({265: "http://arm.com/CCA-SSD/0.0.0"}, {}, UnsupportedEvidenceError),
        ({2395: 0x8000}, {}, EvidenceFormatError),
        ({2402: "md5"}, {}, UnsupportedEvidenceError),
        ({256: bytes(33)}, {}, EvidenceFormatError),
        ({}, {44239: [bytes(32)] * 3}, EvidenceFormatError),
        ({}, {44238: bytes(64)}, EvidenceFormatError),  # RIM size does not fit sha-256
        ({}, {10: bytes(32)}, EvidenceFormatError),
        ({}, {44236: "sha3-256"}, UnsupportedEvidenceError),
        ({}, {44237: b""}, EvidenceFormatError),
    ],
)
def test_claim_rules(token, platform_change, realm_change, error):
    key = ec.generate_private_key(ec.SECP384R1())
    platform = claims_of(tokens(token)[PLATFORM]) | platform_change
    realm = claims_of(tokens(token)[REALM]) | realm_change
    evidence = collection(sign_cose_sign1(cbor2.dumps(platform), key), sign_cose_sign1(cbor2.dumps(realm), key))
    with pytest.raises(error):
        VERIFIER.parse(evidence)


def test_collection_shape(token):
    parts = tokens(token)
    for bad in (
        cbor2.dumps({PLATFORM: parts[PLATFORM], REALM: parts[REALM]}),  # untagged
        cbor2.dumps(cbor2.CBORTag(399, {PLATFORM: parts[PLATFORM]})),
        cbor2.dumps(cbor2.CBORTag(399, {**parts, 1: b"x"})),
        cbor2.dumps(cbor2.CBORTag(399, [parts[PLATFORM], parts[REALM]])),
    ):
        with pytest.raises(EvidenceError):
            VERIFIER.parse(bad)
    assert VERIFIER.detect(token)
    assert not VERIFIER.detect(parts[PLATFORM])


token_values = (
    st.binary(max_size=80)
    | st.text(max_size=10)
    | st.integers(-5, 70000)
    | st.lists(st.binary(max_size=40), max_size=5)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from([10, 256, 265, 2395, 2396, 2399, 2401, 2402, 1]), token_values, max_size=9),
    st.dictionaries(st.sampled_from([10, 44235, 44236, 44237, 44238, 44239, 44240, 2]), token_values, max_size=8),
)
def test_fuzz_claims(platform, realm):
    def signed(claims):
        return cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: -35}), {}, cbor2.dumps(claims), bytes(96)]))

    with contextlib.suppress(EvidenceError):
        VERIFIER.parse(collection(signed(platform), signed(realm)))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_fuzz_mutated_token(token, cpak, data):
    mutated = bytearray(token)
    for _ in range(data.draw(st.integers(1, 3))):
        mutated[data.draw(st.integers(0, len(token) - 1))] = data.draw(st.integers(0, 255))
    with contextlib.suppress(EvidenceError, VerificationError):
        verify(bytes(mutated), cpak)
