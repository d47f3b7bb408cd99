"""Strict decoding of the text encodings in the evidence: base64url (padding optional) and hex."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from ccpolicy.errors import EvidenceFormatError

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})*")


def decode_base64url(value: Any, *, what: str) -> bytes:
    """RFC 4648 base64url; a character outside the alphabet or a wrong length is an EvidenceFormatError."""
    if not isinstance(value, str) or not _BASE64URL.fullmatch(value):
        raise EvidenceFormatError(f"{what} is not base64url text")
    unpadded = value.rstrip("=")
    if len(unpadded) % 4 == 1 or (value != unpadded and len(value) % 4):
        raise EvidenceFormatError(f"{what} has an impossible base64url length ({len(value)})")
    try:
        return base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError):
        raise EvidenceFormatError(f"{what} is not valid base64url") from None


def decode_hex(value: Any, *, what: str) -> bytes:
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        raise EvidenceFormatError(f"{what} is not hex text of whole bytes")
    return bytes.fromhex(value)


def decode_byte_array(value: Any, *, what: str) -> bytes:
    """A JSON array of integers 0..255 (serde's encoding of Vec<u8>)."""
    if not isinstance(value, list) or not all(type(item) is int and 0 <= item <= 255 for item in value):
        raise EvidenceFormatError(f"{what} is not an array of bytes (integers 0..255)")
    return bytes(value)
