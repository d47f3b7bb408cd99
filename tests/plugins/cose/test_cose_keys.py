"""EC keys from COSE_Key maps, raw points and the collateral store (ccpolicy_cose)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import cbor2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ccpolicy.collateral import CollateralFile, collateral_from_files
from ccpolicy.errors import CollateralMissingError, ConfigurationError, EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_cose.arm_security_lifecycle import LifecycleState, decode_lifecycle
from ccpolicy_cose.collateral_keys import collateral_public_keys, select_attestation_key
from ccpolicy_cose.cose_key import (
    ec_public_key_from_cose_key,
    ec_public_key_from_evidence,
    ec_public_key_from_point,
    instance_id,
    uncompressed_point,
)


def pem(key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def der(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def store(*blobs: bytes):
    return collateral_from_files([CollateralFile(path=Path(f"key{i}"), data=b) for i, b in enumerate(blobs)])


def cose_key(key: ec.EllipticCurvePublicKey, curve: int = 2) -> bytes:
    numbers = key.public_numbers()
    size = (key.curve.key_size + 7) // 8
    return cbor2.dumps({1: 2, -1: curve, -2: numbers.x.to_bytes(size, "big"), -3: numbers.y.to_bytes(size, "big")})


def test_raw_point_and_cose_key_give_the_same_key():
    key = ec.generate_private_key(ec.SECP384R1()).public_key()
    point = uncompressed_point(key)
    assert ec_public_key_from_point(point, what="k") == key
    assert ec_public_key_from_cose_key(cose_key(key), what="k") == key
    assert ec_public_key_from_evidence(point, what="k") == key
    assert ec_public_key_from_evidence(cose_key(key), what="k") == key


def test_bad_keys():
    key = ec.generate_private_key(ec.SECP384R1()).public_key()
    point = bytearray(uncompressed_point(key))
    point[-1] ^= 1  # off the curve
    with pytest.raises(EvidenceFormatError):
        ec_public_key_from_point(bytes(point), what="k")
    with pytest.raises(EvidenceFormatError):
        ec_public_key_from_point(b"\x02" + bytes(96), what="k")
    with pytest.raises(EvidenceFormatError):
        ec_public_key_from_point(bytes(50), what="k")
    with pytest.raises(UnsupportedEvidenceError):
        ec_public_key_from_cose_key(cbor2.dumps({1: 1, -1: 6, -2: bytes(32)}), what="k")  # OKP
    with pytest.raises(EvidenceFormatError):
        ec_public_key_from_cose_key(cose_key(key, curve=1), what="k")  # P-384 coordinates labelled P-256
    with pytest.raises(EvidenceFormatError):
        ec_public_key_from_evidence(b"\xff\xff", what="k")


def test_instance_id_is_01_and_sha256_of_the_point():
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    assert instance_id(key) == b"\x01" + hashlib.sha256(uncompressed_point(key)).digest()


def test_collateral_keys_pem_and_der():
    a = ec.generate_private_key(ec.SECP256R1()).public_key()
    b = ec.generate_private_key(ec.SECP384R1()).public_key()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    keys = collateral_public_keys(store(pem(a), der(b), pem(rsa_key), b"not a key"))
    assert [k.key for k in keys] == [a, b]


def test_garbage_pem_is_a_configuration_error():
    with pytest.raises(ConfigurationError):
        collateral_public_keys(store(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))


def test_key_selection():
    a = ec.generate_private_key(ec.SECP256R1()).public_key()
    b = ec.generate_private_key(ec.SECP256R1()).public_key()
    selected = select_attestation_key(store(pem(a), pem(b)), instance_id(b), role="IAK")
    assert selected.key == b and selected.matches_instance_id
    only = select_attestation_key(store(pem(a)), instance_id(b), role="IAK")
    assert only.key == a and not only.matches_instance_id
    with pytest.raises(CollateralMissingError):
        select_attestation_key(store(), instance_id(a), role="IAK")
    with pytest.raises(CollateralMissingError):
        select_attestation_key(store(pem(a), pem(b)), b"\x01" + bytes(32), role="IAK")


@pytest.mark.parametrize(
    ("value", "state", "secured", "debug"),
    [
        (0x3000, LifecycleState.SECURED, True, False),
        (0x30FF, LifecycleState.SECURED, True, False),
        (0x3003, LifecycleState.SECURED, True, False),
        (0x4000, LifecycleState.NON_ROT_DEBUG, False, True),
        (0x5001, LifecycleState.RECOVERABLE_ROT_DEBUG, False, True),
        (0x0000, LifecycleState.UNKNOWN, False, False),
        (0x6000, LifecycleState.DECOMMISSIONED, False, False),
    ],
)
def test_lifecycle(value, state, secured, debug):
    lifecycle = decode_lifecycle(value, what="lifecycle")
    assert (lifecycle.state, lifecycle.secured, lifecycle.debug) == (state, secured, debug)


def test_lifecycle_names_and_gaps():
    assert decode_lifecycle(0x2000, what="x").name("psa") == "psa_rot_provisioning"
    assert decode_lifecycle(0x4000, what="x").name("cca_platform") == "non_cca_platform_rot_debug"
    for value in (0x0100, 0x3100, 0x7000, -1):
        with pytest.raises(EvidenceFormatError):
            decode_lifecycle(value, what="x")
