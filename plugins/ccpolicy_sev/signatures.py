"""Signatures of AMD's SEV certificate formats, checked with the algorithm each certificate names.

* AMD CA certificates (ARK, ASK): RSA-PSS, MGF1 with the same hash, salt as long
  as the hash; SHA-256 for 2048-bit keys (Naples), SHA-384 for 4096-bit keys
  (Rome and later).  The signature is little-endian and as long as the modulus.
* SEV certificates: each signature slot names its algorithm: RSA-PSS SHA-256 or
  SHA-384 (a CEK signed by the ASK), ECDSA with SHA-256 or SHA-384 (r and s
  little-endian, 72 bytes each).  The signed bytes are the first 0x414.

Any failure, including key material that is not a valid public key, is a
ChainError naming the certificate.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from ccpolicy.errors import ChainError
from ccpolicy_sev.formats import (
    ECC_COORDINATE_SIZE,
    Algorithm,
    AmdCaCertificate,
    EcCurve,
    EcPublicKey,
    RsaPublicKey,
    SevCertificate,
    SevSignature,
)

SevVerifyingKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey

_CURVES: dict[EcCurve, ec.EllipticCurve] = {EcCurve.P256: ec.SECP256R1(), EcCurve.P384: ec.SECP384R1()}
_SIGNATURE_HASHES: dict[Algorithm, type[hashes.SHA256] | type[hashes.SHA384]] = {
    Algorithm.RSA_PSS_SHA256: hashes.SHA256,
    Algorithm.RSA_PSS_SHA384: hashes.SHA384,
    Algorithm.ECDSA_SHA256: hashes.SHA256,
    Algorithm.ECDSA_SHA384: hashes.SHA384,
}


def ca_public_key(certificate: AmdCaCertificate) -> rsa.RSAPublicKey:
    """The RSA key of an ARK or ASK."""
    exponent = int.from_bytes(certificate.public_exponent, "little")
    modulus = int.from_bytes(certificate.modulus, "little")
    try:
        return rsa.RSAPublicNumbers(exponent, modulus).public_key()
    except ValueError as exc:
        raise ChainError(f"{describe_ca(certificate)} holds an invalid RSA public key") from exc


def ca_hash(modulus_bits: int) -> hashes.HashAlgorithm:
    """The PSS hash of an AMD CA signature, chosen by the signing key's size."""
    return hashes.SHA256() if modulus_bits == 2048 else hashes.SHA384()


def verify_ca_signature(certificate: AmdCaCertificate, signer: AmdCaCertificate) -> None:
    """Check that ``signer`` (an ARK, or the certificate itself) signed ``certificate``."""
    if len(certificate.signature) != signer.modulus_bits // 8:
        raise ChainError(
            f"{describe_ca(certificate)} carries a {len(certificate.signature) * 8}-bit signature, "
            f"but {describe_ca(signer)} has a {signer.modulus_bits}-bit key"
        )
    key = ca_public_key(signer)
    digest = ca_hash(signer.modulus_bits)
    try:
        key.verify(
            certificate.signature[::-1],
            certificate.signed_bytes,
            padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size),
            digest,
        )
    except InvalidSignature as exc:
        raise ChainError(f"{describe_ca(certificate)} was not signed by {describe_ca(signer)}") from exc


def sev_public_key(certificate: SevCertificate) -> SevVerifyingKey:
    """The public key of a CEK, OCA, PEK or PDH."""
    key = certificate.public_key
    try:
        if isinstance(key, EcPublicKey):
            return ec.EllipticCurvePublicNumbers(
                int.from_bytes(key.x, "little"), int.from_bytes(key.y, "little"), _CURVES[key.curve]
            ).public_key()
        return _sev_rsa_key(key)
    except ValueError as exc:
        raise ChainError(f"{certificate.usage.name} certificate holds an invalid public key") from exc


def _sev_rsa_key(key: RsaPublicKey) -> rsa.RSAPublicKey:
    return rsa.RSAPublicNumbers(
        int.from_bytes(key.public_exponent, "little"), int.from_bytes(key.modulus, "little")
    ).public_key()


def verify_sev_signature(
    certificate: SevCertificate, signature: SevSignature, signer_key: SevVerifyingKey, *, signer_name: str
) -> None:
    """Check one signature slot of ``certificate`` against ``signer_key`` with the slot's algorithm."""
    role = f"{certificate.usage.name} certificate"
    hash_type = _SIGNATURE_HASHES.get(signature.algorithm)
    if hash_type is None:
        raise ChainError(f"{role}: signature by {signer_name} uses {signature.algorithm.name}, not a signature")
    digest = hash_type()
    try:
        if signature.algorithm.is_rsa:
            if not isinstance(signer_key, rsa.RSAPublicKey):
                raise ChainError(f"{role}: RSA signature slot but {signer_name} has an elliptic-curve key")
            size = signer_key.key_size // 8
            value = int.from_bytes(signature.value, "little")
            if value.bit_length() > signer_key.key_size:
                raise ChainError(f"{role}: RSA signature by {signer_name} is longer than the key")
            signer_key.verify(
                value.to_bytes(size, "big"),
                certificate.signed_bytes,
                padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size),
                digest,
            )
        else:
            if not isinstance(signer_key, ec.EllipticCurvePublicKey):
                raise ChainError(f"{role}: ECDSA signature slot but {signer_name} has an RSA key")
            r = int.from_bytes(signature.value[:ECC_COORDINATE_SIZE], "little")
            s = int.from_bytes(signature.value[ECC_COORDINATE_SIZE : 2 * ECC_COORDINATE_SIZE], "little")
            signer_key.verify(utils.encode_dss_signature(r, s), certificate.signed_bytes, ec.ECDSA(digest))
    except InvalidSignature as exc:
        raise ChainError(f"{role} was not signed by {signer_name} ({signature.algorithm.name})") from exc


def describe_ca(certificate: AmdCaCertificate) -> str:
    return f"{certificate.usage.name} {certificate.key_id.hex()}"
