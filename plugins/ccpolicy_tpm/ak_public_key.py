"""The AK's TPMT_PUBLIC as a cryptography public key, and its SubjectPublicKeyInfo."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_tpm.tpm_algorithms import EccCurve
from ccpolicy_tpm.tpm_structures import EccPublic, PublicArea

AkPublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey

_CURVES: dict[EccCurve, ec.EllipticCurve] = {
    EccCurve.NIST_P256: ec.SECP256R1(),
    EccCurve.NIST_P384: ec.SECP384R1(),
    EccCurve.NIST_P521: ec.SECP521R1(),
}


def ak_public_key(public: PublicArea) -> AkPublicKey:
    key = public.key
    try:
        if isinstance(key, EccPublic):
            curve = _CURVES.get(key.curve)
            if curve is None:
                raise UnsupportedEvidenceError(f"AK curve {key.curve.name} is not supported")
            size = (curve.key_size + 7) // 8
            if len(key.x) > size or len(key.y) > size:
                raise EvidenceFormatError(f"AK ECC point coordinates are longer than {size} bytes")
            point = b"\x04" + key.x.rjust(size, b"\0") + key.y.rjust(size, b"\0")
            return ec.EllipticCurvePublicKey.from_encoded_point(curve, point)
        return rsa.RSAPublicNumbers(key.exponent, int.from_bytes(key.modulus, "big")).public_key()
    except ValueError as exc:
        raise EvidenceFormatError(f"the AK public area does not hold a valid key: {exc}") from None


def subject_public_key_info(key: AkPublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
