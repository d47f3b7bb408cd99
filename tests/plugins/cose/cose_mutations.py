"""Test helpers: rebuild COSE_Sign1 messages with one part changed, and assert a rejection is a clean one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import cbor2

from ccpolicy.errors import EvidenceError, VerificationError

PARTS = {"protected": 0, "payload": 2, "signature": 3}


def cose_parts(data: bytes) -> tuple[list[Any], bool]:
    value = cbor2.loads(data)
    if isinstance(value, cbor2.CBORTag):
        return list(value.value), True
    return list(value), False


def rebuild(parts: list[Any], tagged: bool) -> bytes:
    return cbor2.dumps(cbor2.CBORTag(18, parts) if tagged else parts)


def with_part(data: bytes, part: str, value: Any) -> bytes:
    parts, tagged = cose_parts(data)
    parts[PARTS[part]] = value
    return rebuild(parts, tagged)


def flipped(data: bytes, part: str, offsets: Iterable[int] | None = None, mask: int = 0x01) -> Iterator[bytes]:
    """``data`` with one byte of one part XORed with ``mask``, for each offset."""
    parts, tagged = cose_parts(data)
    original: bytes = parts[PARTS[part]]
    for offset in range(len(original)) if offsets is None else offsets:
        changed = bytearray(original)
        changed[offset] ^= mask
        parts[PARTS[part]] = bytes(changed)
        yield rebuild(parts, tagged)
    parts[PARTS[part]] = original


def part_size(data: bytes, part: str) -> int:
    parts, _ = cose_parts(data)
    return len(parts[PARTS[part]])


def sampled_offsets(size: int, *, head: int = 64, stride: int = 13) -> list[int]:
    """Every byte of the first ``head`` and the last 16, and every ``stride``-th in between."""
    return sorted(set(range(min(head, size))) | set(range(max(0, size - 16), size)) | set(range(0, size, stride)))


def assert_rejected(run: Callable[[], object]) -> BaseException:
    """``run`` must raise an EvidenceError or VerificationError; anything else (or success) fails the test."""
    try:
        run()
    except (EvidenceError, VerificationError) as error:
        return error
    raise AssertionError("mutated evidence was accepted")
