"""Encoders for the TPM structures and event-log records the forge writes (inverse of the parsers)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from ccpolicy_tpm.event_log import SPEC_ID_SIGNATURE, EventType
from ccpolicy_tpm.tpm_algorithms import (
    ALG_NULL,
    TPM_GENERATED_VALUE,
    TPM_ST_ATTEST_QUOTE,
    EccCurve,
    HashAlgorithm,
    ObjectAttributes,
    ObjectType,
    SignatureScheme,
)
from ccpolicy_tpm.tpm_structures import ClockInfo


def sized16(value: bytes) -> bytes:
    return len(value).to_bytes(2, "big") + value


def ecc_public_area(
    *, curve: EccCurve, x: bytes, y: bytes, attributes: ObjectAttributes, scheme_hash: HashAlgorithm
) -> bytes:
    """TPMT_PUBLIC of an ECDSA signing key with nameAlg SHA-256."""
    return (
        ObjectType.ECC.value.to_bytes(2, "big")
        + HashAlgorithm.SHA256.value.to_bytes(2, "big")
        + int(attributes).to_bytes(4, "big")
        + sized16(b"")
        + ALG_NULL.to_bytes(2, "big")
        + SignatureScheme.ECDSA.value.to_bytes(2, "big")
        + scheme_hash.value.to_bytes(2, "big")
        + curve.value.to_bytes(2, "big")
        + ALG_NULL.to_bytes(2, "big")
        + sized16(x)
        + sized16(y)
    )


def quote_attestation(
    *,
    qualified_signer: bytes,
    extra_data: bytes,
    clock_info: ClockInfo,
    firmware_version: int,
    selection: Mapping[HashAlgorithm, Sequence[int]],
    pcr_digest: bytes,
) -> bytes:
    """TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE (24-PCR selection bitmaps)."""
    selections = b""
    for bank, pcrs in selection.items():
        bitmap = bytearray(3)
        for pcr in pcrs:
            bitmap[pcr // 8] |= 1 << (pcr % 8)
        selections += bank.value.to_bytes(2, "big") + bytes([3]) + bytes(bitmap)
    return (
        TPM_GENERATED_VALUE.to_bytes(4, "big")
        + TPM_ST_ATTEST_QUOTE.to_bytes(2, "big")
        + sized16(qualified_signer)
        + sized16(extra_data)
        + clock_info.clock.to_bytes(8, "big")
        + clock_info.reset_count.to_bytes(4, "big")
        + clock_info.restart_count.to_bytes(4, "big")
        + bytes([int(clock_info.safe)])
        + firmware_version.to_bytes(8, "big")
        + len(selection).to_bytes(4, "big")
        + selections
        + sized16(pcr_digest)
    )


def ecdsa_signature(*, hash_algorithm: HashAlgorithm, r: int, s: int, size: int) -> bytes:
    return (
        SignatureScheme.ECDSA.value.to_bytes(2, "big")
        + hash_algorithm.value.to_bytes(2, "big")
        + sized16(r.to_bytes(size, "big"))
        + sized16(s.to_bytes(size, "big"))
    )


def spec_id_event(banks: Sequence[HashAlgorithm]) -> bytes:
    """The first log record: a SHA-1-format TCG_PCR_EVENT holding the Spec ID Event03."""
    body = SPEC_ID_SIGNATURE + (0).to_bytes(4, "little") + bytes([0, 2, 0, 2]) + len(banks).to_bytes(4, "little")
    for bank in banks:
        body += bank.value.to_bytes(2, "little") + bank.digest_size.to_bytes(2, "little")
    body += bytes([0])
    return (
        (0).to_bytes(4, "little")
        + EventType.EV_NO_ACTION.value.to_bytes(4, "little")
        + bytes(20)
        + len(body).to_bytes(4, "little")
        + body
    )


def pcr_event2(*, pcr: int, event_type: int, digests: Mapping[HashAlgorithm, bytes], data: bytes) -> bytes:
    record = pcr.to_bytes(4, "little") + event_type.to_bytes(4, "little") + len(digests).to_bytes(4, "little")
    for bank, value in digests.items():
        record += bank.value.to_bytes(2, "little") + value
    return record + len(data).to_bytes(4, "little") + data


def uefi_variable(*, vendor_guid: uuid.UUID, name: str, data: bytes) -> bytes:
    return (
        vendor_guid.bytes_le
        + len(name).to_bytes(8, "little")
        + len(data).to_bytes(8, "little")
        + name.encode("utf-16-le")
        + data
    )
