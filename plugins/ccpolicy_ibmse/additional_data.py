"""Attestation flags of the request and the additional data the Ultravisor adds for them.

The flags are a 64-bit field numbered from the most significant bit (bit 0).
Bit 1 asks for a nonce; bits 2 to 5 ask the Ultravisor to append, in this order,
the image public host-key hash (32 bytes: the host key that unpacked the image),
the attestation public host-key hash (32: the host key that unpacked this
request), the secret-store hash (64: SHA-512 over the added secrets' request
tags and the lock state) and the firmware state (320, for an IBM service).
Anything after the requested fields is kept as unrecognized.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError

FLAG_BITS = 64


class AttestationFlag(enum.Enum):
    """Known attestation flags: (MSB-0 bit number, additional data size)."""

    NONCE = (1, 0)
    IMAGE_PUBLIC_HOST_KEY_HASH = (2, 32)
    ATTESTATION_PUBLIC_HOST_KEY_HASH = (3, 32)
    SECRET_STORE_HASH = (4, 64)
    FIRMWARE_STATE = (5, 320)

    @property
    def bit(self) -> int:
        return self.value[0]

    @property
    def additional_size(self) -> int:
        return self.value[1]

    @property
    def mask(self) -> int:
        return 1 << (FLAG_BITS - 1 - self.bit)

    @property
    def claim_name(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class AttestationFlags:
    raw: int

    def is_set(self, flag: AttestationFlag) -> bool:
        return bool(self.raw & flag.mask)

    @property
    def unknown_bits(self) -> tuple[int, ...]:
        known = sum(flag.mask for flag in AttestationFlag)
        return tuple(bit for bit in range(FLAG_BITS) if self.raw & ~known & (1 << (FLAG_BITS - 1 - bit)))

    @property
    def additional_size(self) -> int:
        return sum(flag.additional_size for flag in AttestationFlag if self.is_set(flag))


def flags_of(*flags: AttestationFlag) -> AttestationFlags:
    return AttestationFlags(raw=sum(flag.mask for flag in set(flags)))


@dataclass(frozen=True, slots=True, kw_only=True)
class AdditionalData:
    image_public_host_key_hash: bytes | None = None
    attestation_public_host_key_hash: bytes | None = None
    secret_store_hash: bytes | None = None
    firmware_state: bytes | None = None
    unrecognized: bytes = b""


def parse_additional_data(data: bytes | None, flags: AttestationFlags) -> AdditionalData:
    """Split the additional data by the request's flags; missing requested data is a format error."""
    data = data or b""
    if len(data) < flags.additional_size:
        raise EvidenceFormatError(
            f"IBM SE additional data: the request's flags ask for {flags.additional_size} bytes, "
            f"the response has {len(data)}"
        )
    values: dict[AttestationFlag, bytes] = {}
    offset = 0
    for flag in AttestationFlag:
        if flag.additional_size and flags.is_set(flag):
            values[flag] = data[offset : offset + flag.additional_size]
            offset += flag.additional_size
    return AdditionalData(
        image_public_host_key_hash=values.get(AttestationFlag.IMAGE_PUBLIC_HOST_KEY_HASH),
        attestation_public_host_key_hash=values.get(AttestationFlag.ATTESTATION_PUBLIC_HOST_KEY_HASH),
        secret_store_hash=values.get(AttestationFlag.SECRET_STORE_HASH),
        firmware_state=values.get(AttestationFlag.FIRMWARE_STATE),
        unrecognized=data[offset:],
    )
