"""COSE_Sign1 parsing and ES256/ES384/ES512 signatures (ccpolicy_cose)."""

from __future__ import annotations

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ccpolicy.errors import EvidenceError, EvidenceFormatError, SignatureError, UnsupportedEvidenceError
from ccpolicy_cose.cbor_decoding import decode_cbor
from ccpolicy_cose.cose_algorithms import CoseAlgorithm
from ccpolicy_cose.cose_sign1 import parse_cose_sign1
from ccpolicy_cose.cose_signature import sig_structure, sign_cose_sign1, verify_cose_sign1
from tests.plugins.cose.cose_mutations import cose_parts, rebuild, with_part

CURVES = {CoseAlgorithm.ES256: ec.SECP256R1(), CoseAlgorithm.ES384: ec.SECP384R1(), CoseAlgorithm.ES512: ec.SECP521R1()}


@pytest.fixture(scope="module")
def keys() -> dict[CoseAlgorithm, ec.EllipticCurvePrivateKey]:
    return {algorithm: ec.generate_private_key(curve) for algorithm, curve in CURVES.items()}


def message_with_protected(protected: object, key: ec.EllipticCurvePrivateKey, unprotected: object = None) -> bytes:
    """A COSE_Sign1 with the given protected header map, correctly signed."""
    encoded = cbor2.dumps(protected)
    algorithm = CoseAlgorithm.for_curve(key.curve)
    parts, _ = cose_parts(sign_cose_sign1(b"payload", key))
    der = key.sign(sig_structure(encoded, b"payload"), ec.ECDSA(algorithm.hash_algorithm))
    r, s = decode_dss_signature(der)
    size = algorithm.coordinate_size
    parts[0] = encoded
    parts[1] = {} if unprotected is None else unprotected
    parts[3] = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    return rebuild(parts, True)


@pytest.mark.parametrize("algorithm", list(CoseAlgorithm))
@pytest.mark.parametrize("tagged", [True, False])
def test_sign_and_verify_round_trip(keys, algorithm, tagged):
    key = keys[algorithm]
    data = sign_cose_sign1(b"hello", key, tagged=tagged)
    message = parse_cose_sign1(data, what="test")
    assert message.algorithm is algorithm
    assert message.tagged is tagged
    assert message.payload == b"hello"
    assert len(message.signature) == algorithm.signature_size
    verify_cose_sign1(message, key.public_key(), what="test")


def test_sig_structure_is_rfc9052_signature1():
    assert cbor2.loads(sig_structure(b"\xa1\x01\x26", b"body")) == ["Signature1", b"\xa1\x01\x26", b"", b"body"]


def test_other_key_on_same_curve_fails(keys):
    message = parse_cose_sign1(sign_cose_sign1(b"x", keys[CoseAlgorithm.ES256]), what="test")
    with pytest.raises(SignatureError):
        verify_cose_sign1(message, ec.generate_private_key(ec.SECP256R1()).public_key(), what="test")


@pytest.mark.parametrize(
    ("declared", "key_algorithm"),
    [
        (CoseAlgorithm.ES256, CoseAlgorithm.ES384),
        (CoseAlgorithm.ES384, CoseAlgorithm.ES256),
        (CoseAlgorithm.ES512, CoseAlgorithm.ES384),
    ],
)
def test_algorithm_must_fit_the_key(keys, declared, key_algorithm):
    """Algorithm confusion: the alg of the protected header must match the key's curve."""
    data = sign_cose_sign1(b"x", keys[declared])
    message = parse_cose_sign1(data, what="test")
    with pytest.raises(SignatureError) as caught:
        verify_cose_sign1(message, keys[key_algorithm].public_key(), what="test")
    assert caught.value.reason == "verification.signature.algorithm"


def test_non_ec_key_is_rejected(keys):
    message = parse_cose_sign1(sign_cose_sign1(b"x", keys[CoseAlgorithm.ES256]), what="test")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    with pytest.raises(SignatureError):
        verify_cose_sign1(message, rsa_key, what="test")


def test_changed_alg_with_padded_signature_is_rejected(keys):
    data = sign_cose_sign1(b"x", keys[CoseAlgorithm.ES256])
    parts, tagged = cose_parts(data)
    parts[0] = cbor2.dumps({1: CoseAlgorithm.ES384.value})
    parts[3] = parts[3] + bytes(32)
    message = parse_cose_sign1(rebuild(parts, tagged), what="test")
    with pytest.raises(SignatureError):
        verify_cose_sign1(message, keys[CoseAlgorithm.ES256].public_key(), what="test")


def test_zero_signature_is_rejected(keys):
    data = with_part(sign_cose_sign1(b"x", keys[CoseAlgorithm.ES256]), "signature", bytes(64))
    with pytest.raises(SignatureError):
        verify_cose_sign1(parse_cose_sign1(data, what="test"), keys[CoseAlgorithm.ES256].public_key(), what="test")


def test_tag_requirements(keys):
    tagged = sign_cose_sign1(b"x", keys[CoseAlgorithm.ES256], tagged=True)
    untagged = sign_cose_sign1(b"x", keys[CoseAlgorithm.ES256], tagged=False)
    with pytest.raises(EvidenceFormatError):
        parse_cose_sign1(untagged, what="test", require_tag=True)
    with pytest.raises(EvidenceFormatError):
        parse_cose_sign1(tagged, what="test", require_tag=False)
    other_tag = cbor2.dumps(cbor2.CBORTag(98, cose_parts(tagged)[0]))
    with pytest.raises(UnsupportedEvidenceError):
        parse_cose_sign1(other_tag, what="test")


@pytest.mark.parametrize(
    ("protected", "unprotected", "error"),
    [
        ({}, {1: -7}, EvidenceFormatError),  # alg unprotected
        ({}, {}, EvidenceFormatError),  # no alg
        ({1: -7}, {1: -7}, EvidenceFormatError),  # same label in both buckets
        ({1: -7, 2: [99], 99: 1}, {}, UnsupportedEvidenceError),  # unknown critical header
        ({1: -7, 2: ["x-ext"], "x-ext": 1}, {}, UnsupportedEvidenceError),
        ({1: -7, 2: [4]}, {}, EvidenceFormatError),  # critical label absent from protected
        ({1: -7, 2: []}, {}, EvidenceFormatError),  # empty crit
        ({1: -7, 2: 4}, {}, EvidenceFormatError),  # crit not an array
        ({1: -7}, {2: [4]}, EvidenceFormatError),  # crit unprotected
        ({1: True}, {}, EvidenceFormatError),  # boolean is no algorithm
        ({1: "ES256"}, {}, UnsupportedEvidenceError),
        ({1: -8}, {}, UnsupportedEvidenceError),  # EdDSA unsupported
        ({1: -7, 4: "kid"}, {}, EvidenceFormatError),  # kid must be bytes
        ({1.0: -7}, {}, EvidenceFormatError),  # float label
    ],
)
def test_header_rules(keys, protected, unprotected, error):
    data = message_with_protected(protected, keys[CoseAlgorithm.ES256], unprotected)
    with pytest.raises(error):
        parse_cose_sign1(data, what="test")


def test_understood_critical_header_is_accepted(keys):
    data = message_with_protected({1: -7, 2: [4], 4: b"key-1"}, keys[CoseAlgorithm.ES256])
    message = parse_cose_sign1(data, what="test")
    assert message.key_id == b"key-1"
    verify_cose_sign1(message, keys[CoseAlgorithm.ES256].public_key(), what="test")


def test_unprotected_kid_is_read(keys):
    data = sign_cose_sign1(b"x", keys[CoseAlgorithm.ES256], unprotected={4: b"abc"})
    assert parse_cose_sign1(data, what="test").key_id == b"abc"


@pytest.mark.parametrize(
    "parts",
    [
        [b"\xa1\x01\x26", {}, b"x"],  # three elements
        [b"\xa1\x01\x26", {}, b"x", bytes(64), b""],  # five
        [cbor2.dumps({1: -7}), {}, None, bytes(64)],  # detached payload
        [cbor2.dumps({1: -7}), {}, "text", bytes(64)],
        [cbor2.dumps({1: -7}), [], b"x", bytes(64)],
        [cbor2.dumps({1: -7}), {}, b"x", bytes(63)],  # short signature
        [cbor2.dumps({1: -7}), {}, b"x", bytes(96)],  # ES384-sized signature on ES256
        [cbor2.dumps([1, -7]), {}, b"x", bytes(64)],  # protected not a map
        [cbor2.dumps({1: -7}) + b"\x00", {}, b"x", bytes(64)],  # trailing byte in protected
        [b"\xa1\x01", {}, b"x", bytes(64)],  # truncated protected
    ],
)
def test_malformed_messages(parts):
    with pytest.raises((EvidenceFormatError, UnsupportedEvidenceError)):
        parse_cose_sign1(rebuild(parts, True), what="test")


def test_input_size_is_limited(keys):
    data = sign_cose_sign1(bytes(5000), keys[CoseAlgorithm.ES256])
    with pytest.raises(EvidenceFormatError) as caught:
        parse_cose_sign1(data, what="test", max_size=4096)
    assert caught.value.reason == "evidence.format.size"


@pytest.mark.parametrize(
    "encoded",
    [
        "",  # empty
        "8201",  # truncated array
        "0102",  # trailing data
        "a2010101 02".replace(" ", ""),  # duplicate key (a2 01 01 01 02)
        "9f01ff",  # indefinite array
        "5f4101ff",  # indefinite byte string
        "c06161",  # datetime tag with garbage (kept raw, not a COSE array)
        "d81c81d81d00",  # shared reference cycle (kept raw)
        "81" * 40 + "00",  # nesting deeper than allowed
        "62ff00",  # invalid UTF-8
        "5bffffffffffffffff",  # huge length
    ],
)
def test_cbor_errors_are_evidence_errors(encoded):
    with pytest.raises(EvidenceError):
        parse_cose_sign1(bytes.fromhex(encoded), what="test")


def test_semantic_tags_stay_raw():
    value = decode_cbor(bytes.fromhex("c11a514b67b0"), what="test", max_size=64)
    assert isinstance(value, cbor2.CBORTag)
    assert (value.tag, value.value) == (1, 1363896240)
