"""Building IBM SE structures in their real formats for the forge: requests, SE headers, responses.

The forge plays all three parts: the requester (``pvattest create``: a fresh
measurement key and nonce sealed with an ARPK, the ARPK wrapped for a host key),
the image builder (an SE header whose tag is a real AES-GCM tag over the header)
and the Ultravisor (the HMAC-SHA512 measurement).  Its host key is a test key
made on the spot, so nothing here is genuine IBM Z hardware.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ccpolicy_ibmse.additional_data import AttestationFlags
from ccpolicy_ibmse.attestation_request import (
    CUSTOMER_KEY_SIZE,
    IV_SIZE,
    REQUEST_HEADER_SIZE,
    REQUEST_MAGIC,
    REQUEST_VERSION_1,
    MeasurementAlgorithm,
)
from ccpolicy_ibmse.exchange_format import EXCHANGE_HEADER_SIZE, EXCHANGE_MAGIC, EXCHANGE_VERSION_1
from ccpolicy_ibmse.se_header import ALLOW_DUMPING_BIT, SE_HEADER_MAGIC, SE_HEADER_VERSION_1, ImageTags

COORDINATE_SIZE = CUSTOMER_KEY_SIZE // 2
GCM_TAG_SIZE = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class SealedRequest:
    arcb: bytes
    tag: bytes


def ec_coordinates(key: ec.EllipticCurvePublicKey) -> bytes:
    """The P-521 x and y coordinates, each zero-padded to 80 bytes, as the Ultravisor expects them."""
    numbers = key.public_numbers()
    return numbers.x.to_bytes(COORDINATE_SIZE, "big") + numbers.y.to_bytes(COORDINATE_SIZE, "big")


def host_key_hash(host_key: ec.EllipticCurvePublicKey) -> bytes:
    return hashlib.sha256(ec_coordinates(host_key)).digest()


def keyslot(
    protection_key: bytes, customer_key: ec.EllipticCurvePrivateKey, host_key: ec.EllipticCurvePublicKey
) -> bytes:
    """Host-key hash, then the protection key under SHA-256(ECDH secret | 00000001) with a zero IV, and its tag."""
    shared = customer_key.exchange(ec.ECDH(), host_key)
    wrapping_key = hashlib.sha256(shared + (1).to_bytes(4, "big")).digest()
    return host_key_hash(host_key) + AESGCM(wrapping_key).encrypt(bytes(IV_SIZE), protection_key, None)


def seal_attestation_request(
    *,
    flags: AttestationFlags,
    protection_key: bytes,
    measurement_key: bytes,
    nonce: bytes | None,
    host_keys: list[ec.EllipticCurvePublicKey],
) -> SealedRequest:
    customer_key = ec.generate_private_key(ec.SECP521R1())
    iv = os.urandom(IV_SIZE)
    confidential = measurement_key + (nonce or b"")
    slots = b"".join(keyslot(protection_key, customer_key, host_key) for host_key in host_keys)
    dependent = (
        flags.raw.to_bytes(8, "big")
        + MeasurementAlgorithm.HMAC_SHA512.value.to_bytes(4, "big")
        + bytes(4)
        + ec_coordinates(customer_key.public_key())
        + slots
    )
    length = REQUEST_HEADER_SIZE + len(dependent) + len(confidential) + GCM_TAG_SIZE
    header = (
        REQUEST_MAGIC
        + REQUEST_VERSION_1.to_bytes(4, "big")
        + length.to_bytes(4, "big")
        + iv
        + bytes(4)
        + bytes(7)
        + len(host_keys).to_bytes(1, "big")
        + bytes(4)
        + len(confidential).to_bytes(4, "big")
    )
    authenticated = header + dependent
    sealed = AESGCM(protection_key).encrypt(iv, confidential, authenticated)
    return SealedRequest(arcb=authenticated + sealed, tag=sealed[-GCM_TAG_SIZE:])


def build_se_header(
    *, pld: bytes, ald: bytes, tld: bytes, allow_dumping: bool, host_keys: list[ec.EllipticCurvePublicKey]
) -> bytes:
    """A version 1 SE header: plaintext head and key slots, an encrypted part, and the AES-GCM tag over all."""
    image_key = AESGCM.generate_key(bit_length=256)
    customer_key = ec.generate_private_key(ec.SECP521R1())
    iv = os.urandom(IV_SIZE)
    secrets = os.urandom(64)
    flags = 1 << (63 - ALLOW_DUMPING_BIT) if allow_dumping else 0
    slots = b"".join(keyslot(image_key, customer_key, host_key) for host_key in host_keys)
    size = 0x1A0 + len(slots) + len(secrets) + GCM_TAG_SIZE
    head = (
        SE_HEADER_MAGIC
        + SE_HEADER_VERSION_1.to_bytes(4, "big")
        + size.to_bytes(4, "big")
        + iv
        + bytes(4)
        + len(host_keys).to_bytes(8, "big")
        + len(secrets).to_bytes(8, "big")
        + (16).to_bytes(8, "big")
        + flags.to_bytes(8, "big")
        + ec_coordinates(customer_key.public_key())
        + pld
        + ald
        + tld
    )
    authenticated = head + slots
    return authenticated + AESGCM(image_key).encrypt(iv, secrets, authenticated)


def se_header_tags(header: bytes) -> ImageTags:
    return ImageTags(pld=header[0xE0:0x120], ald=header[0x120:0x160], tld=header[0x160:0x1A0], tag=header[-16:])


def encode_exchange_response(
    *, arcb: bytes, measurement: bytes, additional: bytes | None, user_data: bytes | None, config_uid: bytes
) -> bytes:
    """A version 1 exchange file holding a response, sections in pvattest's order."""
    entries = b""
    body = b""
    offset = EXCHANGE_HEADER_SIZE
    for section in (arcb, measurement, additional, user_data, config_uid):
        if section is None:
            entries += bytes(8)
            continue
        entries += len(section).to_bytes(4, "big") + offset.to_bytes(4, "big")
        body += section
        offset += len(section)
    header = EXCHANGE_MAGIC + EXCHANGE_VERSION_1.to_bytes(4, "big") + offset.to_bytes(4, "big") + bytes(8)
    return header + entries + body
