"""ECDSA P-256 with SHA-256 over raw (r||s) signatures and raw (x||y) keys, as DCAP uses them."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from ccpolicy.certificates import ContentMemo
from ccpolicy.errors import SignatureError

COORDINATE_SIZE = 32
_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())
_DECODED_KEYS: ContentMemo[bytes, ec.EllipticCurvePublicKey] = ContentMemo(limit=1024)
"""Raw keys that decoded to a P-256 point: decoding validates the point, about a tenth of a verify."""


def raw_p256_public_key(raw: bytes, *, what: str) -> ec.EllipticCurvePublicKey:
    if len(raw) != 2 * COORDINATE_SIZE:
        raise SignatureError(f"{what} is {len(raw)} bytes, expected 64 (x||y)")
    key = _DECODED_KEYS.get(raw)
    if key is not None:
        return key
    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\x04" + raw)
    except ValueError as exc:
        raise SignatureError(f"{what} is not a point on P-256") from exc
    _DECODED_KEYS.remember(bytes(raw), key)
    return key


def verify_raw_signature(key: object, signature: bytes, message: bytes, *, what: str) -> None:
    """Raise SignatureError unless ``signature`` (r||s) by ``key`` (a P-256 public key) covers ``message``."""
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise SignatureError(f"{what}: the signing key is not an ECDSA P-256 key")
    if len(signature) != 2 * COORDINATE_SIZE:
        raise SignatureError(f"{what}: signature is {len(signature)} bytes, expected 64 (r||s)")
    r = int.from_bytes(signature[:COORDINATE_SIZE], "big")
    s = int.from_bytes(signature[COORDINATE_SIZE:], "big")
    try:
        key.verify(encode_dss_signature(r, s), message, _ECDSA_SHA256)
    except InvalidSignature:
        raise SignatureError(f"{what} does not verify") from None
