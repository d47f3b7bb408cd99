"""The attestation request control block (ARCB), as far as it can be read without its key.

Layout (big endian; s390-tools ``rust/pv/src/req`` and ``uvattest/arcb.rs``)::

    0x00 magic: 8 zero bytes     0x08 version 0x0100 (4)   0x0c request length (4)
    0x10 IV (12)                 0x1c reserved (4)
    0x20 reserved (7)            0x27 number of key slots (1)   0x28 reserved (4)   0x2c encrypted size (4)
    0x30 attestation flags (8)   0x38 measurement algorithm (4, 1 = HMAC-SHA512)   0x3c reserved (4)
    0x40 customer public key: P-521 x and y, each zero-padded to 80 bytes (160)
    0xe0 key slots, 80 bytes each: host-key hash SHA-256 (32), wrapped ARPK (32), key slot tag (16)
    ...  encrypted: measurement key (64), nonce (16, when the nonce flag is set)
    ...  AES-256-GCM tag (16)

Everything before the encrypted part is the GCM additional authenticated data;
the key is the request protection key (ARPK) that ``pvattest create`` keeps.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ccpolicy.byte_reader import ByteReader
from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_ibmse.additional_data import AttestationFlag, AttestationFlags

REQUEST_MAGIC = bytes(8)
REQUEST_VERSION_1 = 0x0100
REQUEST_HEADER_SIZE = 0x30
IV_SIZE = 12
CUSTOMER_KEY_SIZE = 160
KEYSLOT_SIZE = 80
HOST_KEY_HASH_SIZE = 32
WRAPPED_KEY_SIZE = 32
GCM_TAG_SIZE = 16
NONCE_SIZE = 16


class MeasurementAlgorithm(enum.Enum):
    """Measurement algorithm identifiers of the request (only HMAC-SHA512 is defined)."""

    HMAC_SHA512 = 1

    @property
    def key_size(self) -> int:
        return 64

    @property
    def measurement_size(self) -> int:
        return 64


@dataclass(frozen=True, slots=True, kw_only=True)
class Keyslot:
    """One host key the request is encrypted for."""

    host_key_hash: bytes
    """SHA-256 over the host key's P-521 coordinates (each padded to 80 bytes): its public host-key hash."""
    wrapped_key: bytes
    tag: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class AttestationRequest:
    version: int
    iv: bytes
    flags: AttestationFlags
    algorithm: MeasurementAlgorithm
    customer_public_key: bytes
    keyslots: tuple[Keyslot, ...]
    authenticated: bytes
    """The GCM additional authenticated data: every byte before the encrypted part."""
    encrypted: bytes
    tag: bytes

    @property
    def has_nonce(self) -> bool:
        return self.flags.is_set(AttestationFlag.NONCE)


def parse_attestation_request(data: bytes) -> AttestationRequest:
    """Parse an ARCB whose length (the section's size) must equal the length it declares."""
    what = "IBM SE attestation request"
    reader = ByteReader(data, what=what)
    if reader.take(8, "magic") != REQUEST_MAGIC:
        raise EvidenceFormatError(f"{what}: the magic is not eight zero bytes")
    version = reader.u32("version")
    if version != REQUEST_VERSION_1:
        raise UnsupportedEvidenceError(f"{what}: version {version:#06x} is not supported (only 0x0100)")
    length = reader.u32("request length")
    iv = reader.take(IV_SIZE, "IV")
    _reserved(reader, 4, "reserved field at 0x1c")
    _reserved(reader, 7, "reserved field at 0x20")
    keyslot_count = reader.u8("number of key slots")
    _reserved(reader, 4, "reserved field at 0x28")
    encrypted_size = reader.u32("encrypted size")
    flags = AttestationFlags(raw=reader.u64("attestation flags"))
    algorithm_id = reader.u32("measurement algorithm")
    _reserved(reader, 4, "reserved field at 0x3c")
    try:
        algorithm = MeasurementAlgorithm(algorithm_id)
    except ValueError:
        raise UnsupportedEvidenceError(f"{what}: measurement algorithm {algorithm_id} is not supported") from None
    if length != len(data):
        raise EvidenceFormatError(f"{what}: declares {length} bytes, the response holds {len(data)}")
    if keyslot_count == 0:
        raise EvidenceFormatError(f"{what}: has no key slots")
    expected_encrypted = algorithm.key_size + (NONCE_SIZE if flags.is_set(AttestationFlag.NONCE) else 0)
    if encrypted_size != expected_encrypted:
        raise EvidenceFormatError(
            f"{what}: the encrypted part is {encrypted_size} bytes; "
            f"its flags and algorithm make it {expected_encrypted}"
        )
    customer_public_key = reader.take(CUSTOMER_KEY_SIZE, "customer public key")
    keyslots = tuple(
        Keyslot(
            host_key_hash=reader.take(HOST_KEY_HASH_SIZE, f"key slot {index} host-key hash"),
            wrapped_key=reader.take(WRAPPED_KEY_SIZE, f"key slot {index} wrapped key"),
            tag=reader.take(GCM_TAG_SIZE, f"key slot {index} tag"),
        )
        for index in range(keyslot_count)
    )
    authenticated_size = reader.offset
    if length != authenticated_size + encrypted_size + GCM_TAG_SIZE:
        raise EvidenceFormatError(
            f"{what}: {length} bytes do not fit {keyslot_count} key slots, {encrypted_size} encrypted bytes and a tag"
        )
    encrypted = reader.take(encrypted_size, "encrypted part")
    tag = reader.take(GCM_TAG_SIZE, "GCM tag")
    return AttestationRequest(
        version=version,
        iv=iv,
        flags=flags,
        algorithm=algorithm,
        customer_public_key=customer_public_key,
        keyslots=keyslots,
        authenticated=data[:authenticated_size],
        encrypted=encrypted,
        tag=tag,
    )


def _reserved(reader: ByteReader, size: int, field: str) -> None:
    if any(reader.take(size, field)):
        raise EvidenceFormatError(f"{reader.what}: {field} is not zero")
