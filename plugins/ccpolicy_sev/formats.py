"""AMD SEV certificate formats: bytes -> typed records (no I/O, no cryptography).

Layouts from the AMD SEV API specification #55766:

* appendix B, the AMD CA certificate of the ARK and ASK (RSA, every field little-endian)::

    0x00 u32 version (1)          0x24 u32 key usage (ARK 0x0, ASK 0x13)
    0x04 16  key id               0x28 16  reserved
    0x14 16  certifying id        0x38 u32 public exponent size in bits
                                  0x3C u32 modulus size in bits
    0x40 public exponent, modulus, signature (RSA-PSS over 0x00..end of modulus),
         sized by the two bit counts; the signature is as long as the modulus.

* appendix C, the 2084-byte SEV certificate of the CEK, OCA, PEK and PDH::

    0x000 u32 version (1), u8 API major, u8 API minor, 2 reserved
    0x008 u32 public key usage, 0x00C u32 public key algorithm
    0x010 1028-byte public key: ECC = u32 curve, Qx 72 B, Qy 72 B (LE), reserved;
                                RSA = u32 modulus bits, exponent 512 B, modulus 512 B (LE)
    0x414 two signature slots of 520 bytes: u32 usage, u32 algorithm, 512-byte signature
          (ECDSA r 72 B, s 72 B, LE; RSA LE).  The signed bytes are 0x000..0x414.

A buffer may carry several certificates back to back (``sevctl export`` writes
them so); lengths come from the format and trailing zero padding is allowed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError

CERTIFICATE_VERSION = 1
CA_HEADER_SIZE = 0x40
CA_MODULUS_BITS = (2048, 4096)
SEV_CERTIFICATE_SIZE = 2084
SEV_SIGNED_SIZE = 0x414
SEV_KEY_OFFSET = 0x10
SEV_KEY_SIZE = 1028
SEV_SIGNATURE_SLOT_SIZE = 520
SEV_SIGNATURE_SIZE = 512
SEV_RSA_FIELD_SIZE = 512
SEV_RSA_MAX_MODULUS_BITS = 4096
ECC_COORDINATE_SIZE = 72


class KeyUsage(enum.Enum):
    """Key usage codes shared by both certificate formats."""

    ARK = 0x0000
    ASK = 0x0013
    INVALID = 0x1000
    """Marks an unused signature slot."""
    OCA = 0x1001
    PEK = 0x1002
    PDH = 0x1003
    CEK = 0x1004


CA_USAGES = frozenset({KeyUsage.ARK, KeyUsage.ASK})
PLATFORM_USAGES = frozenset({KeyUsage.OCA, KeyUsage.PEK, KeyUsage.PDH, KeyUsage.CEK})


class Algorithm(enum.Enum):
    """Public key and signature algorithms of SEV certificates (RSA means RSA-PSS)."""

    NONE = 0x0000
    RSA_PSS_SHA256 = 0x0001
    ECDSA_SHA256 = 0x0002
    ECDH_SHA256 = 0x0003
    RSA_PSS_SHA384 = 0x0101
    ECDSA_SHA384 = 0x0102
    ECDH_SHA384 = 0x0103

    @property
    def is_rsa(self) -> bool:
        return self in (Algorithm.RSA_PSS_SHA256, Algorithm.RSA_PSS_SHA384)


class EcCurve(enum.Enum):
    P256 = 1
    P384 = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class AmdCaCertificate:
    """An ARK or ASK in AMD's own format. Integers are kept as the little-endian bytes stored."""

    version: int
    key_id: bytes
    certifying_id: bytes
    usage: KeyUsage
    public_exponent_bits: int
    modulus_bits: int
    public_exponent: bytes
    modulus: bytes
    signature: bytes
    signed_bytes: bytes
    encoded: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class EcPublicKey:
    curve: EcCurve
    x: bytes
    """72 bytes, little-endian."""
    y: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class RsaPublicKey:
    modulus_bits: int
    public_exponent: bytes
    """512 bytes, little-endian."""
    modulus: bytes


SevPublicKey = EcPublicKey | RsaPublicKey


@dataclass(frozen=True, slots=True, kw_only=True)
class SevSignature:
    """One signature slot; ``usage`` names the key that signed (INVALID: slot unused)."""

    usage: KeyUsage
    algorithm: Algorithm
    value: bytes
    """512 bytes: ECDSA r (72 B LE) || s (72 B LE) || reserved, or an RSA signature (LE)."""

    @property
    def is_empty(self) -> bool:
        return self.usage is KeyUsage.INVALID


@dataclass(frozen=True, slots=True, kw_only=True)
class SevCertificate:
    version: int
    api_major: int
    api_minor: int
    usage: KeyUsage
    algorithm: Algorithm
    public_key: SevPublicKey
    signatures: tuple[SevSignature, SevSignature]
    signed_bytes: bytes
    encoded: bytes

    def signature_by(self, usage: KeyUsage) -> SevSignature | None:
        """The slot signed by the key of ``usage``, if any."""
        for signature in self.signatures:
            if signature.usage is usage:
                return signature
        return None


AmdCertificate = AmdCaCertificate | SevCertificate


def parse_ca_certificate(data: bytes) -> AmdCaCertificate:
    """One ARK or ASK; anything after it must be zero padding."""
    certificate, end = _read_ca_certificate(data, 0)
    _require_padding(data, end)
    return certificate


def parse_sev_certificate(data: bytes) -> SevCertificate:
    """One CEK, OCA, PEK or PDH certificate; anything after it must be zero padding."""
    certificate, end = _read_sev_certificate(data, 0)
    _require_padding(data, end)
    return certificate


def parse_certificate_sequence(data: bytes) -> tuple[AmdCertificate, ...]:
    """Certificates of either format back to back, followed by optional zero padding."""
    certificates: list[AmdCertificate] = []
    offset = 0
    while offset < len(data) and any(data[offset:]):
        certificate: AmdCertificate
        if looks_like_sev_certificate(data, offset):
            certificate, offset = _read_sev_certificate(data, offset)
        else:
            certificate, offset = _read_ca_certificate(data, offset)
        certificates.append(certificate)
    if not certificates:
        raise EvidenceFormatError("no SEV certificate found (empty or all-zero input)")
    return tuple(certificates)


def looks_like_sev_certificate(data: bytes, offset: int = 0) -> bool:
    """True when the bytes at ``offset`` start like a SEV certificate of a platform key."""
    if len(data) < offset + 12:
        return False
    version, usage = _u32(data, offset), _u32(data, offset + 8)
    return version == CERTIFICATE_VERSION and usage in {u.value for u in PLATFORM_USAGES}


def _read_ca_certificate(data: bytes, offset: int) -> tuple[AmdCaCertificate, int]:
    header = _slice(data, offset, CA_HEADER_SIZE, "AMD CA certificate header")
    version = _u32(header, 0x00)
    if version != CERTIFICATE_VERSION:
        raise UnsupportedEvidenceError(f"AMD CA certificate version {version} is not supported (expected 1)")
    usage = _usage(_u32(header, 0x24), "AMD CA certificate")
    if usage not in CA_USAGES:
        raise EvidenceFormatError(f"AMD CA certificate has key usage {usage.name}, expected ARK or ASK")
    exponent_bits, modulus_bits = _u32(header, 0x38), _u32(header, 0x3C)
    if modulus_bits not in CA_MODULUS_BITS:
        raise EvidenceFormatError(f"AMD CA certificate modulus size {modulus_bits} bits is not 2048 or 4096")
    if exponent_bits == 0 or exponent_bits % 8 or exponent_bits > modulus_bits:
        raise EvidenceFormatError(f"AMD CA certificate public exponent size {exponent_bits} bits is invalid")
    exponent_size, modulus_size = exponent_bits // 8, modulus_bits // 8
    total = CA_HEADER_SIZE + exponent_size + 2 * modulus_size
    encoded = _slice(data, offset, total, f"AMD {usage.name} certificate")
    exponent_start = CA_HEADER_SIZE
    modulus_start = exponent_start + exponent_size
    signature_start = modulus_start + modulus_size
    certificate = AmdCaCertificate(
        version=version,
        key_id=header[0x04:0x14],
        certifying_id=header[0x14:0x24],
        usage=usage,
        public_exponent_bits=exponent_bits,
        modulus_bits=modulus_bits,
        public_exponent=encoded[exponent_start:modulus_start],
        modulus=encoded[modulus_start:signature_start],
        signature=encoded[signature_start:],
        signed_bytes=encoded[:signature_start],
        encoded=encoded,
    )
    return certificate, offset + total


def _read_sev_certificate(data: bytes, offset: int) -> tuple[SevCertificate, int]:
    encoded = _slice(data, offset, SEV_CERTIFICATE_SIZE, "SEV certificate")
    version = _u32(encoded, 0x00)
    if version != CERTIFICATE_VERSION:
        raise UnsupportedEvidenceError(f"SEV certificate version {version} is not supported (expected 1)")
    usage = _usage(_u32(encoded, 0x08), "SEV certificate")
    if usage not in PLATFORM_USAGES:
        raise EvidenceFormatError(f"SEV certificate has key usage {usage.name}, expected OCA, PEK, PDH or CEK")
    algorithm = _algorithm(_u32(encoded, 0x0C), "SEV certificate public key")
    key = encoded[SEV_KEY_OFFSET : SEV_KEY_OFFSET + SEV_KEY_SIZE]
    first = _read_signature(encoded, SEV_SIGNED_SIZE)
    second = _read_signature(encoded, SEV_SIGNED_SIZE + SEV_SIGNATURE_SLOT_SIZE)
    certificate = SevCertificate(
        version=version,
        api_major=encoded[4],
        api_minor=encoded[5],
        usage=usage,
        algorithm=algorithm,
        public_key=_read_public_key(key, algorithm),
        signatures=(first, second),
        signed_bytes=encoded[:SEV_SIGNED_SIZE],
        encoded=encoded,
    )
    return certificate, offset + SEV_CERTIFICATE_SIZE


def _read_public_key(key: bytes, algorithm: Algorithm) -> SevPublicKey:
    if algorithm is Algorithm.NONE:
        raise EvidenceFormatError("SEV certificate public key has no algorithm")
    if algorithm.is_rsa:
        modulus_bits = _u32(key, 0)
        if modulus_bits == 0 or modulus_bits % 8 or modulus_bits > SEV_RSA_MAX_MODULUS_BITS:
            raise EvidenceFormatError(f"SEV certificate RSA modulus size {modulus_bits} bits is invalid")
        return RsaPublicKey(
            modulus_bits=modulus_bits,
            public_exponent=key[4 : 4 + SEV_RSA_FIELD_SIZE],
            modulus=key[4 + SEV_RSA_FIELD_SIZE : 4 + 2 * SEV_RSA_FIELD_SIZE],
        )
    curve_id = _u32(key, 0)
    try:
        curve = EcCurve(curve_id)
    except ValueError:
        raise UnsupportedEvidenceError(f"SEV certificate uses unknown elliptic curve id {curve_id}") from None
    return EcPublicKey(
        curve=curve,
        x=key[4 : 4 + ECC_COORDINATE_SIZE],
        y=key[4 + ECC_COORDINATE_SIZE : 4 + 2 * ECC_COORDINATE_SIZE],
    )


def _read_signature(encoded: bytes, offset: int) -> SevSignature:
    usage = _usage(_u32(encoded, offset), "SEV signature slot")
    algorithm = _algorithm(_u32(encoded, offset + 4), "SEV signature slot")
    if usage is not KeyUsage.INVALID and algorithm is Algorithm.NONE:
        raise EvidenceFormatError(f"SEV signature slot of {usage.name} names no algorithm")
    value = encoded[offset + 8 : offset + 8 + SEV_SIGNATURE_SIZE]
    return SevSignature(usage=usage, algorithm=algorithm, value=value)


def _usage(code: int, what: str) -> KeyUsage:
    try:
        return KeyUsage(code)
    except ValueError:
        raise EvidenceFormatError(f"{what} has unknown key usage {code:#x}") from None


def _algorithm(code: int, what: str) -> Algorithm:
    try:
        return Algorithm(code)
    except ValueError:
        raise EvidenceFormatError(f"{what} has unknown algorithm {code:#x}") from None


def _slice(data: bytes, offset: int, size: int, what: str) -> bytes:
    if len(data) < offset + size:
        raise EvidenceFormatError(
            f"{what} is truncated: needs {size} bytes at offset {offset}, only {max(len(data) - offset, 0)} present"
        )
    return bytes(data[offset : offset + size])


def _u32(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 4], "little")


def _require_padding(data: bytes, end: int) -> None:
    if any(data[end:]):
        raise EvidenceFormatError(f"unexpected non-zero bytes after the certificate at offset {end}")
