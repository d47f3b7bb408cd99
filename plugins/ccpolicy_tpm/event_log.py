"""The TCG PC Client crypto-agile event log: bytes -> typed records.

Layout (TCG PC Client Platform Firmware Profile, section 10): the log opens
with one TCG_PCR_EVENT in the SHA-1 format whose data is the "Spec ID Event03"
structure listing each bank's digest size, followed by TCG_PCR_EVENT2 records
(pcrIndex, eventType, TPML_DIGEST_VALUES, eventSize, event).  All integers are
little-endian.  Firmware often pads the log buffer with 0x00 or 0xff bytes; such
a tail ends the log.  No hashing here: see ``event_log_replay``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from ccpolicy.byte_reader import ByteReader
from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm

SPEC_ID_SIGNATURE = b"Spec ID Event03\0"
LEGACY_SPEC_ID_SIGNATURE = b"Spec ID Event00\0"
MAX_EVENTS = 20_000
MAX_PCR_INDEX = 31
MAX_ALGORITHMS = 16


class EventType(enum.Enum):
    """Event types of the PC Client firmware profile that ccpolicy names; others keep their number."""

    EV_PREBOOT_CERT = 0x0
    EV_POST_CODE = 0x1
    EV_UNUSED = 0x2
    EV_NO_ACTION = 0x3
    EV_SEPARATOR = 0x4
    EV_ACTION = 0x5
    EV_EVENT_TAG = 0x6
    EV_S_CRTM_CONTENTS = 0x7
    EV_S_CRTM_VERSION = 0x8
    EV_CPU_MICROCODE = 0x9
    EV_PLATFORM_CONFIG_FLAGS = 0xA
    EV_TABLE_OF_DEVICES = 0xB
    EV_COMPACT_HASH = 0xC
    EV_IPL = 0xD
    EV_IPL_PARTITION_DATA = 0xE
    EV_NONHOST_CODE = 0xF
    EV_NONHOST_CONFIG = 0x10
    EV_NONHOST_INFO = 0x11
    EV_OMIT_BOOT_DEVICE_EVENTS = 0x12
    EV_EFI_EVENT_BASE = 0x80000000
    EV_EFI_VARIABLE_DRIVER_CONFIG = 0x80000001
    EV_EFI_VARIABLE_BOOT = 0x80000002
    EV_EFI_BOOT_SERVICES_APPLICATION = 0x80000003
    EV_EFI_BOOT_SERVICES_DRIVER = 0x80000004
    EV_EFI_RUNTIME_SERVICES_DRIVER = 0x80000005
    EV_EFI_GPT_EVENT = 0x80000006
    EV_EFI_ACTION = 0x80000007
    EV_EFI_PLATFORM_FIRMWARE_BLOB = 0x80000008
    EV_EFI_HANDOFF_TABLES = 0x80000009
    EV_EFI_PLATFORM_FIRMWARE_BLOB2 = 0x8000000A
    EV_EFI_HANDOFF_TABLES2 = 0x8000000B
    EV_EFI_VARIABLE_BOOT2 = 0x8000000C
    EV_EFI_HCRTM_EVENT = 0x80000010
    EV_EFI_VARIABLE_AUTHORITY = 0x800000E0
    EV_EFI_SPDM_FIRMWARE_BLOB = 0x800000E1
    EV_EFI_SPDM_FIRMWARE_CONFIG = 0x800000E2


def event_type_name(event_type: int) -> str:
    try:
        return EventType(event_type).name
    except ValueError:
        return f"0x{event_type:08x}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecIdEvent:
    """TCG_EfiSpecIDEvent: the log's version and the digest size of each bank (algorithm id -> size)."""

    platform_class: int
    spec_version: tuple[int, int, int]
    """(major, minor, errata)."""
    uintn_size: int
    digest_sizes: tuple[tuple[int, int], ...]
    vendor_info: bytes

    @property
    def banks(self) -> tuple[HashAlgorithm, ...]:
        known = {algorithm.value: algorithm for algorithm in HashAlgorithm}
        return tuple(known[alg_id] for alg_id, _ in self.digest_sizes if alg_id in known)


@dataclass(frozen=True, slots=True, kw_only=True)
class TcgEvent:
    """One TCG_PCR_EVENT2; ``sequence`` counts from 0 after the Spec ID event."""

    sequence: int
    pcr: int
    event_type: int
    digests: Mapping[HashAlgorithm, bytes]
    data: bytes

    @property
    def type_name(self) -> str:
        return event_type_name(self.event_type)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventLog:
    spec_id: SpecIdEvent
    events: tuple[TcgEvent, ...]


def parse_event_log(data: bytes) -> EventLog:
    """Parse a crypto-agile event log; a SHA-1-only log is unsupported."""
    reader = ByteReader(data, what="TCG event log", byteorder="little")
    spec_id = _parse_spec_id_event(reader)
    sizes = dict(spec_id.digest_sizes)
    events: list[TcgEvent] = []
    while reader.remaining and not _is_padding(data[reader.offset :]):
        if len(events) >= MAX_EVENTS:
            raise EvidenceFormatError(f"TCG event log: more than {MAX_EVENTS} events")
        events.append(_parse_event2(reader, sizes, sequence=len(events)))
    return EventLog(spec_id=spec_id, events=tuple(events))


def _parse_spec_id_event(reader: ByteReader) -> SpecIdEvent:
    pcr = reader.u32("first event pcrIndex")
    event_type = reader.u32("first event eventType")
    reader.take(20, "first event digest")
    size = reader.u32("first event eventSize")
    body = ByteReader(reader.take(size, "Spec ID event"), what="Spec ID event", byteorder="little")
    signature = body.take(16, "signature")
    if pcr != 0 or event_type != EventType.EV_NO_ACTION.value:
        raise EvidenceFormatError("TCG event log: the first event is not an EV_NO_ACTION event in PCR 0")
    if signature == LEGACY_SPEC_ID_SIGNATURE:
        raise UnsupportedEvidenceError("TCG event log: SHA-1-only (Spec ID Event00) logs are not supported")
    if signature != SPEC_ID_SIGNATURE:
        raise EvidenceFormatError("TCG event log: the first event is not a 'Spec ID Event03' event")
    platform_class = body.u32("platformClass")
    minor = body.u8("specVersionMinor")
    major = body.u8("specVersionMajor")
    errata = body.u8("specErrata")
    uintn_size = body.u8("uintnSize")
    count = body.u32("numberOfAlgorithms")
    if count == 0 or count > MAX_ALGORITHMS:
        raise EvidenceFormatError(f"Spec ID event: {count} algorithms, expected 1..{MAX_ALGORITHMS}")
    digest_sizes = []
    for _ in range(count):
        alg_id = body.u16("algorithmId")
        digest_size = body.u16("digestSize")
        known = {algorithm.value: algorithm for algorithm in HashAlgorithm}.get(alg_id)
        if known is not None and known.digest_size != digest_size:
            raise EvidenceFormatError(f"Spec ID event: {known.label} declared with digest size {digest_size}")
        if digest_size == 0 or digest_size > 128:
            raise EvidenceFormatError(f"Spec ID event: digest size {digest_size} for algorithm 0x{alg_id:04x}")
        digest_sizes.append((alg_id, digest_size))
    if len({alg_id for alg_id, _ in digest_sizes}) != count:
        raise EvidenceFormatError("Spec ID event: an algorithm is listed twice")
    vendor_info = body.take(body.u8("vendorInfoSize"), "vendorInfo")
    body.expect_end()
    return SpecIdEvent(
        platform_class=platform_class,
        spec_version=(major, minor, errata),
        uintn_size=uintn_size,
        digest_sizes=tuple(digest_sizes),
        vendor_info=vendor_info,
    )


def _parse_event2(reader: ByteReader, sizes: Mapping[int, int], *, sequence: int) -> TcgEvent:
    start = reader.offset
    pcr = reader.u32("pcrIndex")
    event_type = reader.u32("eventType")
    if pcr > MAX_PCR_INDEX:
        raise EvidenceFormatError(f"TCG event log: event {sequence} at offset {start} names PCR {pcr}")
    count = reader.u32("digests.count")
    if count > len(sizes):
        raise EvidenceFormatError(f"TCG event log: event {sequence} has {count} digests, the log declares {len(sizes)}")
    known = {algorithm.value: algorithm for algorithm in HashAlgorithm}
    digests: dict[HashAlgorithm, bytes] = {}
    seen: set[int] = set()
    for _ in range(count):
        alg_id = reader.u16("digest.hashAlg")
        if alg_id not in sizes or alg_id in seen:
            raise EvidenceFormatError(
                f"TCG event log: event {sequence} at offset {start} repeats or did not declare algorithm 0x{alg_id:04x}"
            )
        seen.add(alg_id)
        digest = reader.take(sizes[alg_id], "digest")
        if alg_id in known:
            digests[known[alg_id]] = digest
    data = reader.take(reader.u32("eventSize"), "event data")
    return TcgEvent(sequence=sequence, pcr=pcr, event_type=event_type, digests=digests, data=data)


def _is_padding(tail: bytes) -> bool:
    return tail.count(0) == len(tail) or tail.count(0xFF) == len(tail)
