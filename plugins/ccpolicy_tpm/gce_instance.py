"""GCE instance identity: the protobuf GCEInstanceInfo and the AK certificate extension 1.3.6.1.4.1.11129.2.1.21.

The extension value is DER: SEQUENCE { zone UTF8String, projectNumber INTEGER,
projectId UTF8String, instanceId INTEGER, instanceName UTF8String,
[0] EXPLICIT SEQUENCE { [0] EXPLICIT securityVersion INTEGER OPTIONAL,
[1] EXPLICIT isProduction BOOLEAN OPTIONAL } OPTIONAL }.
"""

from __future__ import annotations

from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError
from ccpolicy_tpm.protobuf_wire import ProtoMessage

GCE_INSTANCE_EXTENSION_OID = "1.3.6.1.4.1.11129.2.1.21"
_SEQUENCE = 0x30
_INTEGER = 0x02
_BOOLEAN = 0x01
_UTF8_STRING = 0x0C
_CONTEXT_0 = 0xA0
_CONTEXT_1 = 0xA1


@dataclass(frozen=True, slots=True, kw_only=True)
class GceInstanceInfo:
    zone: str
    project_id: str
    project_number: int
    instance_name: str
    instance_id: int
    security_version: int | None = None
    is_production: bool | None = None


def instance_info_from_proto(message: ProtoMessage) -> GceInstanceInfo:
    """attest.GCEInstanceInfo {1 zone, 2 project_id, 3 project_number, 4 instance_name, 5 instance_id}."""
    return GceInstanceInfo(
        zone=message.string(1),
        project_id=message.string(2),
        project_number=message.uint(3),
        instance_name=message.string(4),
        instance_id=message.uint(5),
    )


def instance_info_from_extension(value: bytes) -> GceInstanceInfo:
    body = _DerReader(value).element(_SEQUENCE)
    reader = _DerReader(body)
    zone = reader.text()
    project_number = reader.integer()
    project_id = reader.text()
    instance_id = reader.integer()
    instance_name = reader.text()
    security_version: int | None = None
    is_production: bool | None = None
    if reader.remaining:
        properties = _DerReader(_DerReader(reader.element(_CONTEXT_0)).element(_SEQUENCE))
        while properties.remaining:
            tag, content = properties.any_element()
            inner = _DerReader(content)
            if tag == _CONTEXT_0:
                security_version = inner.integer()
            elif tag == _CONTEXT_1:
                is_production = inner.boolean()
    return GceInstanceInfo(
        zone=zone,
        project_id=project_id,
        project_number=project_number,
        instance_name=instance_name,
        instance_id=instance_id,
        security_version=security_version,
        is_production=is_production,
    )


class _DerReader:
    """Just enough DER for the extension above: definite lengths, single-byte tags."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0

    @property
    def remaining(self) -> int:
        return len(self._data) - self._offset

    def any_element(self) -> tuple[int, bytes]:
        if self.remaining < 2:
            raise EvidenceFormatError("GCE instance extension: truncated DER element")
        tag = self._data[self._offset]
        length = self._data[self._offset + 1]
        self._offset += 2
        if length & 0x80:
            count = length & 0x7F
            if count == 0 or count > 4 or count > self.remaining:
                raise EvidenceFormatError("GCE instance extension: bad DER length")
            length = int.from_bytes(self._data[self._offset : self._offset + count], "big")
            self._offset += count
        if length > self.remaining:
            raise EvidenceFormatError("GCE instance extension: DER element runs past the end")
        content = self._data[self._offset : self._offset + length]
        self._offset += length
        return tag, content

    def element(self, expected: int) -> bytes:
        tag, content = self.any_element()
        if tag != expected:
            raise EvidenceFormatError(f"GCE instance extension: DER tag 0x{tag:02x}, expected 0x{expected:02x}")
        return content

    def text(self) -> str:
        try:
            return self.element(_UTF8_STRING).decode("utf-8")
        except UnicodeDecodeError:
            raise EvidenceFormatError("GCE instance extension: a string is not UTF-8") from None

    def integer(self) -> int:
        content = self.element(_INTEGER)
        if not content or len(content) > 9:
            raise EvidenceFormatError("GCE instance extension: bad INTEGER")
        return int.from_bytes(content, "big", signed=True)

    def boolean(self) -> bool:
        content = self.element(_BOOLEAN)
        if len(content) != 1:
            raise EvidenceFormatError("GCE instance extension: bad BOOLEAN")
        return content != b"\0"
