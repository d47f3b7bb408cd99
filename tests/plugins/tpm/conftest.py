"""Fixtures of the TPM plugin tests: the GCE vTPM vector, its parts, and a protobuf re-encoder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralFile, CollateralStore, collateral_from_files
from ccpolicy.interfaces import VerificationContext
from ccpolicy_tpm.protobuf_wire import WireField, WireType, parse_message
from ccpolicy_tpm.verifier import TpmVerifier

GCE_VECTOR = "tpm/gtt_gce-cos-85-nonce9009.pb"
NOW = parse_time("2025-06-01T00:00:00Z")
"""PROVENANCE: no validity window matters; the AK certificate is valid 2021-08-31 .. 2051-08-24."""
AK_NAME = bytes.fromhex("000bf175bdb57297b2b289973f819863d6c9d09c236725676914f4248c9a2404c2a4")


@pytest.fixture(scope="session")
def gce_evidence(vectors: Path) -> bytes:
    return (vectors / GCE_VECTOR).read_bytes()


@pytest.fixture(scope="session")
def verifier() -> TpmVerifier:
    return TpmVerifier()


@pytest.fixture(scope="session")
def now() -> datetime:
    return NOW


def encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def encode_fields(fields: Sequence[WireField]) -> bytes:
    out = b""
    for item in fields:
        out += encode_varint(item.number << 3 | item.wire_type.value)
        if item.wire_type is WireType.LENGTH_DELIMITED:
            out += encode_varint(len(item.payload)) + item.payload
        elif item.wire_type is WireType.VARINT:
            out += encode_varint(item.integer)
        else:
            width = 8 if item.wire_type is WireType.FIXED64 else 4
            out += item.integer.to_bytes(width, "little")
    return out


Rewriter = Callable[[bytes, Callable[[WireField], WireField | None]], bytes]


@pytest.fixture(scope="session")
def rewrite_fields() -> Rewriter:
    """Re-encode a message, mapping each top-level field (None drops it)."""

    def rewrite(message: bytes, change: Callable[[WireField], WireField | None]) -> bytes:
        fields = [change(item) for item in parse_message(message, what="test").fields]
        return encode_fields([item for item in fields if item is not None])

    return rewrite


def _collateral_of(**files: bytes) -> CollateralStore:
    return collateral_from_files([CollateralFile(path=Path(name), data=data) for name, data in files.items()])


def _context_with(
    collateral: CollateralStore | None = None, *, unsafe: bool = False, at: datetime = NOW
) -> VerificationContext:
    return VerificationContext(now=at, collateral=collateral or CollateralStore(), unsafe_trust_test_root=unsafe)


@pytest.fixture(scope="session")
def collateral_of() -> Callable[..., CollateralStore]:
    """A CollateralStore sorted by content from in-memory files: ``collateral_of(**{"name": data})``."""
    return _collateral_of


@pytest.fixture(scope="session")
def context_with() -> Callable[..., VerificationContext]:
    """``context_with(collateral=None, *, unsafe=False, at=NOW)``: a VerificationContext at the pinned time."""
    return _context_with


@pytest.fixture(scope="session")
def ak_name() -> bytes:
    """PROVENANCE: the AK name (nameAlg SHA-256)."""
    return AK_NAME
