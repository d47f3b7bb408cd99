"""A minimal reader of the protobuf wire format: varints, fixed fields, length-delimited fields.

Enough to read go-tpm-tools messages without a protobuf dependency.  Groups
(wire types 3 and 4) are rejected; every length is checked against the buffer.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError

MAX_VARINT_BYTES = 10


class WireType(enum.Enum):
    VARINT = 0
    FIXED64 = 1
    LENGTH_DELIMITED = 2
    FIXED32 = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class WireField:
    """One field as encoded: a number, a wire type, and an integer or the bytes of a length-delimited field."""

    number: int
    wire_type: WireType
    integer: int = 0
    payload: bytes = b""


def read_varint(data: bytes, offset: int, *, what: str) -> tuple[int, int]:
    """Decode a base-128 varint at ``offset``; return (value, next offset)."""
    value = 0
    for position in range(MAX_VARINT_BYTES):
        if offset + position >= len(data):
            raise EvidenceFormatError(f"{what}: varint runs past the end at offset {offset}")
        byte = data[offset + position]
        value |= (byte & 0x7F) << (7 * position)
        if byte < 0x80:
            if value >= 1 << 64:
                raise EvidenceFormatError(f"{what}: varint at offset {offset} exceeds 64 bits")
            return value, offset + position + 1
    raise EvidenceFormatError(f"{what}: varint at offset {offset} is longer than {MAX_VARINT_BYTES} bytes")


def iter_fields(data: bytes, *, what: str) -> Iterator[WireField]:
    """The fields of one message, in encoding order."""
    offset = 0
    while offset < len(data):
        key, offset = read_varint(data, offset, what=what)
        number, type_id = key >> 3, key & 7
        if number == 0 or number > (1 << 29) - 1:
            raise EvidenceFormatError(f"{what}: invalid field number {number}")
        try:
            wire_type = WireType(type_id)
        except ValueError:
            raise EvidenceFormatError(f"{what}: field {number} has unsupported wire type {type_id}") from None
        if wire_type is WireType.VARINT:
            value, offset = read_varint(data, offset, what=what)
            yield WireField(number=number, wire_type=wire_type, integer=value)
        elif wire_type is WireType.LENGTH_DELIMITED:
            size, offset = read_varint(data, offset, what=what)
            if size > len(data) - offset:
                raise EvidenceFormatError(
                    f"{what}: field {number} declares {size} bytes at offset {offset}, {len(data) - offset} left"
                )
            yield WireField(number=number, wire_type=wire_type, payload=data[offset : offset + size])
            offset += size
        else:
            width = 8 if wire_type is WireType.FIXED64 else 4
            if width > len(data) - offset:
                raise EvidenceFormatError(f"{what}: field {number} runs past the end")
            value = int.from_bytes(data[offset : offset + width], "little")
            yield WireField(number=number, wire_type=wire_type, integer=value)
            offset += width


def parse_message(data: bytes, *, what: str) -> ProtoMessage:
    return ProtoMessage(fields=tuple(iter_fields(data, what=what)), what=what)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtoMessage:
    """The decoded fields of one message, with typed accessors that check wire types."""

    fields: tuple[WireField, ...]
    what: str

    def _typed(self, number: int, wire_type: WireType) -> list[WireField]:
        found = [item for item in self.fields if item.number == number]
        for item in found:
            if item.wire_type is not wire_type:
                raise EvidenceFormatError(
                    f"{self.what}: field {number} has wire type {item.wire_type.name}, expected {wire_type.name}"
                )
        return found

    def repeated_bytes(self, number: int) -> list[bytes]:
        return [item.payload for item in self._typed(number, WireType.LENGTH_DELIMITED)]

    def optional_bytes(self, number: int) -> bytes | None:
        """The last occurrence wins, as in protobuf."""
        values = self.repeated_bytes(number)
        return values[-1] if values else None

    def bytes_field(self, number: int) -> bytes:
        """A proto3 ``bytes`` field: absent means empty."""
        return self.optional_bytes(number) or b""

    def uint(self, number: int) -> int:
        """A proto3 varint field: absent means 0."""
        values = self._typed(number, WireType.VARINT)
        return values[-1].integer if values else 0

    def string(self, number: int) -> str:
        raw = self.bytes_field(number)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise EvidenceFormatError(f"{self.what}: field {number} is not UTF-8") from None

    def message(self, number: int, what: str) -> ProtoMessage | None:
        raw = self.optional_bytes(number)
        return None if raw is None else parse_message(raw, what=what)

    def messages(self, number: int, what: str) -> Sequence[ProtoMessage]:
        return [parse_message(raw, what=what) for raw in self.repeated_bytes(number)]

    def uint_bytes_map(self, number: int) -> dict[int, bytes]:
        """A ``map<uint32, bytes>``: entries are messages {1: key, 2: value}; a repeated key is an error."""
        result: dict[int, bytes] = {}
        for entry in self.messages(number, f"{self.what} map entry"):
            key = entry.uint(1)
            if key in result:
                raise EvidenceFormatError(f"{self.what}: map key {key} appears twice")
            result[key] = entry.bytes_field(2)
        return result
