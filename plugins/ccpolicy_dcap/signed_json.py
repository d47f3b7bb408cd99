"""The exact bytes of a top-level JSON member's value, as served.

Intel signs the bytes of the ``tcbInfo`` / ``enclaveIdentity`` value inside the PCS response.
Re-serializing the parsed JSON would change spacing or key order and break the signature, so the
value's byte span is located in the original document instead.
"""

from __future__ import annotations

import json
import re

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def member_value_bytes(raw: bytes, key: str) -> bytes | None:
    """The raw bytes of ``raw[key]`` when ``raw`` is a JSON object holding ``key`` at top level, else None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    position = _skip(text, 0)
    if not text.startswith("{", position):
        return None
    position = _skip(text, position + 1)
    try:
        while position < len(text) and text[position] != "}":
            name, position = _DECODER.raw_decode(text, position)
            position = _skip(text, position)
            if not isinstance(name, str) or not text.startswith(":", position):
                return None
            start = _skip(text, position + 1)
            _value, end = _DECODER.raw_decode(text, start)
            if name == key:
                return text[start:end].encode("utf-8")
            position = _skip(text, end)
            if text.startswith(",", position):
                position = _skip(text, position + 1)
    except ValueError:
        return None
    return None


def _skip(text: str, position: int) -> int:
    match = _WHITESPACE.match(text, position)
    return match.end() if match else position
