"""Strict CBOR decoding: every failure becomes an EvidenceFormatError.

cbor2 raises ``CBORDecodeError`` (and its subclass ``CBORDecodeEOF``) for
malformed input.  Built-in semantic tags (dates, bignums, decimals, shared and
string references, ...) are not interpreted: they come back as
``cbor2.CBORTag`` so a parser sees exactly what was encoded and a forged
reference cannot build a cyclic structure.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

import cbor2

from ccpolicy.errors import EvidenceFormatError

MAX_DEPTH = 16
"""Deepest nesting any supported evidence uses is 5 (CCA collection -> token -> claims -> list -> map)."""

INTERPRETED_TAGS = (0, 1, 2, 3, 4, 5, 25, 28, 29, 30, 35, 36, 37, 52, 54, 100, 256, 258, 260, 261, 1004, 55799)
"""Tags cbor2 6 would otherwise decode into Python objects (found by probing cbor2 6.3)."""


def _keep_raw(tag: int) -> Callable[[Any, bool], cbor2.CBORTag]:
    def decode(value: Any, immutable: bool) -> cbor2.CBORTag:
        return cbor2.CBORTag(tag, value)

    return decode


_RAW_TAGS: Mapping[int, Callable[[Any, bool], Any]] = {tag: _keep_raw(tag) for tag in INTERPRETED_TAGS}


def decode_cbor(data: bytes, *, what: str, max_size: int) -> object:
    """Decode exactly one CBOR data item that fills ``data``.

    Raises EvidenceFormatError for input larger than ``max_size``, malformed
    CBOR, indefinite lengths, duplicate map keys, nesting deeper than
    :data:`MAX_DEPTH` and trailing bytes.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise EvidenceFormatError(f"{what} must be bytes, not {type(data).__name__}", reason="evidence.format.cbor")
    data = bytes(data)
    if not data:
        raise EvidenceFormatError(f"{what} is empty", reason="evidence.format.cbor")
    if len(data) > max_size:
        raise EvidenceFormatError(
            f"{what} is {len(data)} bytes, more than the {max_size} bytes allowed", reason="evidence.format.size"
        )
    stream = io.BytesIO(data)
    decoder = cbor2.CBORDecoder(
        stream,
        semantic_decoders=_RAW_TAGS,
        max_depth=MAX_DEPTH,
        allow_indefinite=False,
        allow_duplicate_keys=False,
        read_size=1,
    )
    try:
        value = decoder.decode()
    except cbor2.CBORDecodeError as exc:
        raise EvidenceFormatError(f"{what} is not valid CBOR: {exc}", reason="evidence.format.cbor") from exc
    consumed = stream.tell()
    if consumed != len(data):
        raise EvidenceFormatError(
            f"{what} has {len(data) - consumed} trailing bytes after its CBOR data item",
            reason="evidence.format.trailing",
        )
    return value
