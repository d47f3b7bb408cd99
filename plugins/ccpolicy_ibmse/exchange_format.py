"""The pvattest exchange format: a 64-byte header naming five sections by size and offset.

Layout (big endian, s390-tools ``rust/pvattest/src/exchange.rs``)::

    0x00 magic "pvattest" (8)   0x08 version 0x0100 (4)   0x0c total size (4)   0x10 reserved (8)
    0x18 attestation request (ARCB)   0x20 measurement   0x28 additional data   0x30 user data
    0x38 configuration UID            -- each entry: size (4), offset (4)

An entry of size 0 is absent.  An entry with a size and offset 0 only states the
size the Ultravisor is to fill in: that is how ``pvattest create`` writes a
*request*.  ``pvattest perform`` writes the *response*: the request again, the
measurement, the configuration UID, and the additional and user data when present.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ccpolicy.byte_reader import ByteReader
from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError

EXCHANGE_MAGIC = b"pvattest"
EXCHANGE_VERSION_1 = 0x0100
EXCHANGE_HEADER_SIZE = 0x40
CONFIG_UID_SIZE = 0x10


class ExchangeSection(enum.Enum):
    """The five entries of a version 1 exchange header, in header order, with their size limits."""

    REQUEST = ("attestation request", 0x100000)
    MEASUREMENT = ("measurement", 0x8000)
    ADDITIONAL_DATA = ("additional data", 0x8000)
    USER_DATA = ("user data", 0x100)
    CONFIG_UID = ("configuration UID", CONFIG_UID_SIZE)

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def max_size(self) -> int:
        return self.value[1]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExchangeEntry:
    size: int
    offset: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ExchangeResponse:
    """A pvattest attestation response: the sections as bytes, before any interpretation."""

    version: int
    size: int
    request: bytes
    measurement: bytes
    additional_data: bytes | None
    user_data: bytes | None
    config_uid: bytes


def is_exchange_file(data: bytes) -> bool:
    return data[: len(EXCHANGE_MAGIC)] == EXCHANGE_MAGIC


def parse_exchange_response(data: bytes) -> ExchangeResponse:
    """Read a version 1 exchange file that holds a response; bytes past its declared size are ignored."""
    what = "pvattest exchange file"
    if not is_exchange_file(data):
        raise EvidenceFormatError(f"{what}: does not start with the magic 'pvattest'")
    reader = ByteReader(data, what=what)
    reader.take(len(EXCHANGE_MAGIC), "magic")
    version = reader.u32("version")
    if version != EXCHANGE_VERSION_1:
        raise UnsupportedEvidenceError(f"{what}: version {version:#06x} is not supported (only 0x0100)")
    size = reader.u32("size")
    if reader.u64("reserved") != 0:
        raise EvidenceFormatError(f"{what}: the reserved header field is not zero")
    entries = {
        section: ExchangeEntry(size=reader.u32(f"{section.label} size"), offset=reader.u32(f"{section.label} offset"))
        for section in ExchangeSection
    }
    if size > len(data):
        raise EvidenceFormatError(f"{what}: declares {size} bytes but only {len(data)} are present")
    sections = {section: _section(data, entry, section, size) for section, entry in entries.items()}
    ends = [entry.offset + entry.size for entry in entries.values() if entry.size and entry.offset]
    if size != max(ends, default=EXCHANGE_HEADER_SIZE):
        raise EvidenceFormatError(f"{what}: declared size {size} is not the end of its last section")
    request, measurement, config_uid = (
        sections[ExchangeSection.REQUEST],
        sections[ExchangeSection.MEASUREMENT],
        sections[ExchangeSection.CONFIG_UID],
    )
    if request is None:
        raise EvidenceFormatError(f"{what}: holds no attestation request")
    if measurement is None or config_uid is None:
        raise UnsupportedEvidenceError(
            f"{what}: holds an attestation request without the Ultravisor's answer "
            "(no measurement or configuration UID); pass the response that 'pvattest perform' wrote"
        )
    if len(config_uid) != CONFIG_UID_SIZE:
        raise EvidenceFormatError(f"{what}: the configuration UID is {len(config_uid)} bytes, not {CONFIG_UID_SIZE}")
    return ExchangeResponse(
        version=version,
        size=size,
        request=request,
        measurement=measurement,
        additional_data=sections[ExchangeSection.ADDITIONAL_DATA],
        user_data=sections[ExchangeSection.USER_DATA],
        config_uid=config_uid,
    )


def _section(data: bytes, entry: ExchangeEntry, section: ExchangeSection, total: int) -> bytes | None:
    """The bytes of one entry; None when absent or when only an expected size is given."""
    what = f"pvattest exchange file: {section.label}"
    if entry.size == 0:
        return None
    if entry.size > section.max_size:
        raise EvidenceFormatError(f"{what} is {entry.size} bytes, at most {section.max_size} allowed")
    if entry.offset == 0:
        return None
    if entry.offset < EXCHANGE_HEADER_SIZE:
        raise EvidenceFormatError(f"{what} starts at {entry.offset:#x}, inside the header")
    if entry.offset + entry.size > total:
        raise EvidenceFormatError(
            f"{what} ({entry.size} bytes at {entry.offset:#x}) runs past the declared size {total}"
        )
    return data[entry.offset : entry.offset + entry.size]
