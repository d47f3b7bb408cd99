"""A small DER reader: enough to walk Intel's SGX extension of PCK certificates.

Only definite lengths and single-byte tags occur there; anything else is rejected.
Errors are EvidenceFormatError: the PCK certificate travels inside the quote.
"""

from __future__ import annotations

from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError

TAG_BOOLEAN = 0x01
TAG_INTEGER = 0x02
TAG_OCTET_STRING = 0x04
TAG_OID = 0x06
TAG_ENUMERATED = 0x0A
TAG_SEQUENCE = 0x30


@dataclass(frozen=True, slots=True, kw_only=True)
class DerElement:
    tag: int
    value: bytes


def read_elements(data: bytes, *, what: str) -> list[DerElement]:
    """Split ``data`` into consecutive TLV elements; the elements must cover it exactly."""
    elements = []
    offset = 0
    while offset < len(data):
        tag = data[offset]
        if tag & 0x1F == 0x1F:
            raise EvidenceFormatError(f"{what}: multi-byte DER tags are not supported")
        if offset + 1 >= len(data):
            raise EvidenceFormatError(f"{what}: DER element at offset {offset} has no length")
        first = data[offset + 1]
        offset += 2
        if first < 0x80:
            length = first
        else:
            count = first & 0x7F
            if count == 0 or count > 4 or offset + count > len(data):
                raise EvidenceFormatError(f"{what}: bad DER length at offset {offset - 1}")
            length = int.from_bytes(data[offset : offset + count], "big")
            offset += count
        if offset + length > len(data):
            raise EvidenceFormatError(f"{what}: DER element of {length} bytes overruns its container")
        elements.append(DerElement(tag=tag, value=data[offset : offset + length]))
        offset += length
    return elements


def read_single(data: bytes, *, tag: int, what: str) -> bytes:
    """The value of the one element ``data`` holds, which must carry ``tag``."""
    elements = read_elements(data, what=what)
    if len(elements) != 1 or elements[0].tag != tag:
        raise EvidenceFormatError(f"{what}: expected one DER element with tag {tag:#04x}")
    return elements[0].value


def expect(element: DerElement, tag: int, *, what: str) -> bytes:
    if element.tag != tag:
        raise EvidenceFormatError(f"{what}: DER tag {element.tag:#04x}, expected {tag:#04x}")
    return element.value


def decode_oid(value: bytes, *, what: str) -> str:
    if not value or value[-1] & 0x80:
        raise EvidenceFormatError(f"{what}: malformed OBJECT IDENTIFIER")
    arcs: list[int] = []
    current = 0
    for byte in value:
        current = (current << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(current)
            current = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(arc) for arc in head + arcs[1:])


def decode_unsigned(value: bytes, *, what: str) -> int:
    """A non-negative INTEGER or ENUMERATED value."""
    if not value or value[0] & 0x80:
        raise EvidenceFormatError(f"{what}: expected a non-negative integer")
    return int.from_bytes(value, "big")


def decode_boolean(value: bytes, *, what: str) -> bool:
    if len(value) != 1:
        raise EvidenceFormatError(f"{what}: malformed BOOLEAN")
    return value[0] != 0
