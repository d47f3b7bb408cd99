"""Byte layouts of AMD's SEV certificate formats, for making certificates (the evidence forge).

The inverse of :mod:`ccpolicy_sev.formats`; see there for the layouts.
"""

from __future__ import annotations

from ccpolicy_sev.formats import (
    CERTIFICATE_VERSION,
    ECC_COORDINATE_SIZE,
    SEV_KEY_SIZE,
    SEV_RSA_FIELD_SIZE,
    SEV_SIGNATURE_SIZE,
    Algorithm,
    EcCurve,
    KeyUsage,
)


def ca_certificate_body(
    *, key_id: bytes, certifying_id: bytes, usage: KeyUsage, modulus_bits: int, public_exponent: int, modulus: int
) -> bytes:
    """The signed part of an AMD CA certificate (the public exponent field is as wide as the modulus)."""
    size = modulus_bits // 8
    header = (
        _u32(CERTIFICATE_VERSION)
        + _fixed(key_id, 16)
        + _fixed(certifying_id, 16)
        + _u32(usage.value)
        + bytes(16)
        + _u32(modulus_bits)
        + _u32(modulus_bits)
    )
    return header + public_exponent.to_bytes(size, "little") + modulus.to_bytes(size, "little")


def sev_certificate_body(
    *, api_major: int, api_minor: int, usage: KeyUsage, algorithm: Algorithm, curve: EcCurve, x: int, y: int
) -> bytes:
    """The signed part (0x414 bytes) of a SEV certificate with an elliptic-curve key."""
    key = _u32(curve.value) + x.to_bytes(ECC_COORDINATE_SIZE, "little") + y.to_bytes(ECC_COORDINATE_SIZE, "little")
    return (
        _u32(CERTIFICATE_VERSION)
        + bytes((api_major, api_minor, 0, 0))
        + _u32(usage.value)
        + _u32(algorithm.value)
        + key.ljust(SEV_KEY_SIZE, b"\0")
    )


def signature_slot(usage: KeyUsage, algorithm: Algorithm, value: bytes) -> bytes:
    """One 520-byte signature slot; ``value`` is padded with zeros to 512 bytes."""
    return _u32(usage.value) + _u32(algorithm.value) + value.ljust(SEV_SIGNATURE_SIZE, b"\0")


def empty_signature_slot() -> bytes:
    return signature_slot(KeyUsage.INVALID, Algorithm.NONE, b"")


def ecdsa_signature_value(r: int, s: int) -> bytes:
    return r.to_bytes(ECC_COORDINATE_SIZE, "little") + s.to_bytes(ECC_COORDINATE_SIZE, "little")


def rsa_signature_value(big_endian: bytes) -> bytes:
    """An RSA signature as SEV stores it: little-endian, at most 512 bytes."""
    if len(big_endian) > SEV_RSA_FIELD_SIZE:
        raise ValueError("RSA signature longer than 512 bytes")
    return big_endian[::-1]


def _u32(value: int) -> bytes:
    return value.to_bytes(4, "little")


def _fixed(value: bytes, size: int) -> bytes:
    if len(value) != size:
        raise ValueError(f"expected {size} bytes, got {len(value)}")
    return value
