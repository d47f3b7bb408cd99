"""Nitro evidence arrives as raw CBOR or as base64 text (what most SDKs and APIs hand around)."""

from __future__ import annotations

import base64
import binascii
import re

from ccpolicy.errors import EvidenceFormatError

MAX_DOCUMENT_SIZE = 20 * 1024
"""A COSE_Sign1 whose payload is at most 16384 bytes (AWS's limit) plus headers and a 96-byte signature."""
MAX_BASE64_SIZE = 4 * MAX_DOCUMENT_SIZE // 3 + 4096
"""Base64 of the largest document, with room for line breaks."""

CBOR_STARTS = (0x84, 0xD2)
"""An untagged COSE_Sign1 (array of 4) or tag 18."""
_BASE64_TEXT = re.compile(rb"[A-Za-z0-9+/\-_=\s]+")


def is_raw_cbor(evidence: bytes) -> bool:
    return evidence[:1] != b"" and evidence[0] in CBOR_STARTS


def document_bytes(evidence: bytes) -> bytes:
    """The CBOR bytes of the document: the input itself, or its base64 decoding (standard or URL-safe)."""
    if is_raw_cbor(evidence):
        return evidence
    if len(evidence) > MAX_BASE64_SIZE:
        raise EvidenceFormatError(
            f"Nitro evidence is {len(evidence)} bytes, more than a base64 attestation document can be",
            reason="evidence.format.size",
        )
    if not _BASE64_TEXT.fullmatch(evidence):
        raise EvidenceFormatError(
            "Nitro evidence is neither a CBOR COSE_Sign1 nor base64 text", reason="evidence.format.encoding"
        )
    text = b"".join(evidence.split())
    if b"-" in text or b"_" in text:
        text = text.replace(b"-", b"+").replace(b"_", b"/")
    text += b"=" * (-len(text) % 4)
    try:
        decoded = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise EvidenceFormatError("Nitro evidence is not valid base64", reason="evidence.format.encoding") from exc
    if not is_raw_cbor(decoded):
        raise EvidenceFormatError(
            "Nitro evidence decodes from base64 to something other than a COSE_Sign1",
            reason="evidence.format.encoding",
        )
    return decoded
