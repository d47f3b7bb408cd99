"""A small DER writer, the mirror of ``der_reader``: enough to build Intel's SGX extension for the forge."""

from __future__ import annotations

from ccpolicy_dcap.der_reader import (
    TAG_BOOLEAN,
    TAG_ENUMERATED,
    TAG_INTEGER,
    TAG_OCTET_STRING,
    TAG_OID,
    TAG_SEQUENCE,
)


def der_element(tag: int, value: bytes) -> bytes:
    """One TLV with a definite length."""
    size = len(value)
    if size < 0x80:
        return bytes([tag, size]) + value
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + value


def der_sequence(*elements: bytes) -> bytes:
    return der_element(TAG_SEQUENCE, b"".join(elements))


def der_octets(value: bytes) -> bytes:
    return der_element(TAG_OCTET_STRING, value)


def der_unsigned(value: int, *, tag: int = TAG_INTEGER) -> bytes:
    """A non-negative INTEGER (or ENUMERATED with ``tag``) in its shortest two's-complement form."""
    if value < 0:
        raise ValueError("only non-negative integers are encoded")
    content = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return der_element(tag, content)


def der_enumerated(value: int) -> bytes:
    return der_unsigned(value, tag=TAG_ENUMERATED)


def der_boolean(value: bool) -> bytes:
    return der_element(TAG_BOOLEAN, b"\xff" if value else b"\x00")


def der_oid(dotted: str) -> bytes:
    arcs = [int(arc) for arc in dotted.split(".")]
    if len(arcs) < 2:
        raise ValueError("an OID has at least two arcs")
    content = bytearray()
    for arc in [40 * arcs[0] + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        rest = arc >> 7
        while rest:
            chunk.append(0x80 | (rest & 0x7F))
            rest >>= 7
        content += bytes(reversed(chunk))
    return der_element(TAG_OID, bytes(content))
