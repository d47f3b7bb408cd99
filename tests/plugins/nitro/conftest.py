"""Nitro vectors (../shared/vectors/nitro) and their evaluation times from PROVENANCE.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from ccpolicy.clock import parse_time


@dataclass(frozen=True)
class NitroVector:
    name: str
    text: bytes
    at: datetime


@pytest.fixture(scope="session")
def production(vectors) -> NitroVector:
    path = vectors / "nitro" / "blocky_nitro_attestation.b64"
    return NitroVector("production", path.read_bytes(), parse_time("2024-09-07T14:37:39.545Z"))


@pytest.fixture(scope="session")
def debug_mode(vectors) -> NitroVector:
    path = vectors / "nitro" / "blocky_nitro_attestation_debug.b64"
    return NitroVector("debug", path.read_bytes(), parse_time("2024-09-07T14:38:06.508Z"))
