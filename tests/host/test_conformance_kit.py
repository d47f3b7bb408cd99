"""The conformance kit run against the fake TEE: it passes, and it catches a plugin that leaks exceptions."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import EvidenceFormatError
from ccpolicy.testing import ConformanceCase, TeeVerifierConformance
from ccpolicy.testing.conformance import run_case
from tests.host.fake_tee import FakeVerifier

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)


class SignedFakeVerifier(FakeVerifier):
    """The fake TEE with an 'integrity check': the last byte is the XOR of all others."""

    def parse(self, evidence: bytes) -> bytes:
        body = super().parse(evidence)
        checksum = 0
        for byte in evidence[:-1]:
            checksum ^= byte
        if checksum != evidence[-1]:
            raise EvidenceFormatError("checksum mismatch")
        return body


def signed(body: bytes) -> bytes:
    checksum = 0
    for byte in b"FAKE" + body:
        checksum ^= byte
    return b"FAKE" + body + bytes([checksum])


class TestFakeConforms(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self) -> FakeVerifier:
        return SignedFakeVerifier()

    @pytest.fixture
    def conformance_cases(self) -> list[ConformanceCase]:
        store = CollateralStore()
        return [
            ConformanceCase(name="good", evidence=signed(bytes(31)), collateral=store, now=NOW),
            ConformanceCase(
                name="short", evidence=b"FAKE", collateral=store, now=NOW, expected_error=EvidenceFormatError
            ),
        ]


def test_kit_catches_unsigned_evidence() -> None:
    """The plain fake verifier accepts flipped bytes with changed claims: the flip check must fail."""
    case = ConformanceCase(name="good", evidence=b"FAKE" + bytes(32), collateral=CollateralStore(), now=NOW)
    with pytest.raises(AssertionError, match="changed verified claims"):
        TeeVerifierConformance().test_byte_flips_never_verify_silently(FakeVerifier(), [case])
    assert run_case(FakeVerifier(), case).tee == "fake"
