"""Sealing of inputs and outputs with AES-256-GCM, as a client and an enclave holding a session key would."""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ccpolicy.errors import BackendError

NONCE_BYTES = 12
INTEGER = struct.Struct("<q")


@dataclass(frozen=True, slots=True, kw_only=True)
class SealedBlob:
    nonce: bytes
    ciphertext: bytes  # includes the 16-byte GCM tag

    def size(self) -> int:
        return len(self.nonce) + len(self.ciphertext)


def encode_integers(values: Sequence[int]) -> bytes:
    return struct.pack(f"<{len(values)}q", *values)


def decode_integers(data: bytes) -> tuple[int, ...]:
    if len(data) % INTEGER.size:
        raise BackendError(f"sealed payload of {len(data)} bytes is not a list of 64-bit integers")
    return struct.unpack(f"<{len(data) // INTEGER.size}q", data)


def seal(key: bytes, plaintext: bytes, label: bytes) -> SealedBlob:
    nonce = os.urandom(NONCE_BYTES)
    return SealedBlob(nonce=nonce, ciphertext=AESGCM(key).encrypt(nonce, plaintext, label))


def unseal(key: bytes, blob: SealedBlob, label: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag

    try:
        return AESGCM(key).decrypt(blob.nonce, blob.ciphertext, label)
    except InvalidTag as exc:
        raise BackendError(f"sealed {label.decode()} failed authentication") from exc
