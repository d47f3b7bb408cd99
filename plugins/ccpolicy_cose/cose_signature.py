"""COSE_Sign1 signatures: the Sig_structure of RFC 9052 section 4.4, ECDSA with raw r || s (RFC 9053 section 2.1).

The algorithm comes from the protected header and must fit the key: the curve
of the key must be the algorithm's curve (so ES256 is never checked against a
P-384 key or the reverse), and the hash is the algorithm's.
"""

from __future__ import annotations

from collections.abc import Mapping

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from ccpolicy.errors import SignatureError
from ccpolicy_cose.cose_algorithms import CoseAlgorithm
from ccpolicy_cose.cose_sign1 import COSE_SIGN1_TAG, CoseSign1, HeaderLabel

SIGNATURE1_CONTEXT = "Signature1"


def sig_structure(protected_encoded: bytes, payload: bytes, external_aad: bytes = b"") -> bytes:
    """``Sig_structure = ["Signature1", body_protected, external_aad, payload]`` in CBOR."""
    return cbor2.dumps([SIGNATURE1_CONTEXT, protected_encoded, external_aad, payload])


def check_key_fits(algorithm: CoseAlgorithm, key: PublicKeyTypes, *, what: str) -> ec.EllipticCurvePublicKey:
    """The key as an EC key on the algorithm's curve, or a SignatureError (algorithm confusion)."""
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise SignatureError(
            f"{what} declares {algorithm.name}, but the verification key is not an EC key",
            reason="verification.signature.algorithm",
        )
    if key.curve.name != algorithm.curve.name:
        raise SignatureError(
            f"{what} declares {algorithm.name} ({algorithm.curve.name}), but the verification key is on "
            f"{key.curve.name}",
            reason="verification.signature.algorithm",
        )
    return key


def verify_cose_sign1(message: CoseSign1, key: PublicKeyTypes, *, what: str, external_aad: bytes = b"") -> None:
    """Raise SignatureError unless ``key`` made the message's signature with the message's algorithm."""
    algorithm = message.algorithm
    ec_key = check_key_fits(algorithm, key, what=what)
    size = algorithm.coordinate_size
    if len(message.signature) != 2 * size:
        raise SignatureError(f"{what} signature has the wrong length for {algorithm.name}")
    r = int.from_bytes(message.signature[:size], "big")
    s = int.from_bytes(message.signature[size:], "big")
    if r == 0 or s == 0:
        raise SignatureError(f"{what} signature has a zero component")
    to_be_signed = sig_structure(message.protected_encoded, message.payload, external_aad)
    try:
        ec_key.verify(encode_dss_signature(r, s), to_be_signed, ec.ECDSA(algorithm.hash_algorithm))
    except InvalidSignature as exc:
        raise SignatureError(f"{what} COSE signature ({algorithm.name}) does not verify with the given key") from exc


def sign_cose_sign1(
    payload: bytes,
    key: ec.EllipticCurvePrivateKey,
    *,
    tagged: bool = True,
    unprotected: Mapping[int, object] | None = None,
) -> bytes:
    """Make a COSE_Sign1 over ``payload`` with the algorithm that fits ``key`` (used by the evidence forges)."""
    algorithm = CoseAlgorithm.for_curve(key.curve)
    protected_encoded = cbor2.dumps({HeaderLabel.ALG.value: algorithm.value})
    der = key.sign(sig_structure(protected_encoded, payload), ec.ECDSA(algorithm.hash_algorithm))
    r, s = decode_dss_signature(der)
    size = algorithm.coordinate_size
    signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    message = [protected_encoded, dict(unprotected or {}), payload, signature]
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, message) if tagged else message)
