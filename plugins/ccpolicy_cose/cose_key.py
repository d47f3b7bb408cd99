"""EC public keys carried in evidence: COSE_Key maps (RFC 9053 section 7.1) and raw SEC 1 points.

Parsing the shape is pure; turning the coordinates into a key checks that the
point lies on the curve, which cryptography does.  A key that is not a valid
point is malformed evidence.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_cose.cbor_decoding import decode_cbor
from ccpolicy_cose.cbor_fields import CborMap
from ccpolicy_cose.cose_algorithms import CoseAlgorithm

KTY_EC2 = 2
KEY_TYPE, CURVE, X, Y = 1, -1, -2, -3
COSE_CURVES = {1: CoseAlgorithm.ES256, 2: CoseAlgorithm.ES384, 3: CoseAlgorithm.ES512}
"""COSE Elliptic Curves registry: P-256, P-384, P-521."""

UNCOMPRESSED_POINT = 0x04
UEID_TYPE_RAND = 0x01
MAX_COSE_KEY_SIZE = 1024


def ec_public_key_from_point(point: bytes, *, what: str) -> ec.EllipticCurvePublicKey:
    """A key from an uncompressed SEC 1 point ``04 || x || y`` on P-256, P-384 or P-521 (told by length)."""
    for algorithm in CoseAlgorithm:
        if len(point) == 1 + 2 * algorithm.coordinate_size:
            break
    else:
        raise EvidenceFormatError(f"{what} is {len(point)} bytes, not an uncompressed P-256/384/521 point")
    if point[0] != UNCOMPRESSED_POINT:
        raise EvidenceFormatError(f"{what} is not an uncompressed EC point (first byte {point[0]:#04x})")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(algorithm.curve, point)
    except ValueError as exc:
        raise EvidenceFormatError(f"{what} is not a point on {algorithm.curve.name}") from exc


def ec_public_key_from_cose_key(encoded: bytes, *, what: str) -> ec.EllipticCurvePublicKey:
    """A key from a CBOR-encoded COSE_Key of type EC2."""
    key = CborMap(decode_cbor(encoded, what=what, max_size=MAX_COSE_KEY_SIZE), what=what)
    if key.integer(KEY_TYPE) != KTY_EC2:
        raise UnsupportedEvidenceError(f"{what} is a COSE_Key of type {key[KEY_TYPE]!r}, not EC2")
    curve = key.integer(CURVE)
    if curve not in COSE_CURVES:
        raise UnsupportedEvidenceError(f"{what} uses COSE curve {curve}, not P-256/384/521")
    size = COSE_CURVES[curve].coordinate_size
    x = key.byte_string(X, sizes=(size,))
    y = key.byte_string(Y, sizes=(size,))
    return ec_public_key_from_point(bytes([UNCOMPRESSED_POINT]) + x + y, what=what)


def ec_public_key_from_evidence(encoded: bytes, *, what: str) -> ec.EllipticCurvePublicKey:
    """A raw uncompressed point if ``encoded`` looks like one, else a COSE_Key."""
    if encoded[:1] == bytes([UNCOMPRESSED_POINT]) and any(
        len(encoded) == 1 + 2 * algorithm.coordinate_size for algorithm in CoseAlgorithm
    ):
        return ec_public_key_from_point(encoded, what=what)
    return ec_public_key_from_cose_key(encoded, what=what)


def uncompressed_point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def instance_id(key: ec.EllipticCurvePublicKey) -> bytes:
    """The PSA/CCA instance id of an attestation key: ``0x01 || SHA-256(04 || x || y)`` (UEID type RAND)."""
    return bytes([UEID_TYPE_RAND]) + hashlib.sha256(uncompressed_point(key)).digest()
