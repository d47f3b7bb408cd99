"""Bit flips, truncations and fuzzing of forged responses: every change rejected, and only cleanly."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpolicy.clock import parse_time
from ccpolicy.errors import BindingError, CcpolicyError, CollateralMissingError, EvidenceError, VerificationError
from ccpolicy.testing import ConformanceCase, TeeVerifierConformance
from ccpolicy_ibmse.attestation_response import parse_attestation_response
from ccpolicy_ibmse.verifier import IbmSeVerifier
from tests.plugins.ibmse.conftest import collateral_of, context_with

VERIFIER = IbmSeVerifier()


def rejection(evidence: bytes, collateral) -> CcpolicyError | None:
    """The error verification raises, or None when it passes; anything but Evidence/VerificationError fails."""
    try:
        VERIFIER.verify(VERIFIER.parse(evidence), context_with(collateral))
    except (EvidenceError, VerificationError) as error:
        return error
    return None


def test_every_single_bit_flip_is_rejected(forged):
    """With the ARPK every byte is covered: the exchange layout, the GCM-sealed request, or the HMAC."""
    collateral = forged.collateral()
    data = forged.evidence
    for offset in range(len(data)):
        for mask in (0x01, 0x80):
            changed = bytearray(data)
            changed[offset] ^= mask
            assert rejection(bytes(changed), collateral) is not None, f"flip {mask:#x} at {offset:#x} verified"


def test_flips_without_the_protection_key_are_clean(forge):
    """With only the measurement key the request's key slots are not authenticated: flips must still be clean."""
    forged = forge(secret="attestation_key", image="document", nonce="none")
    collateral = forged.collateral()
    data = forged.evidence
    for offset in range(0, len(data), 3):
        changed = bytearray(data)
        changed[offset] ^= 0x10
        rejection(bytes(changed), collateral)


def test_every_truncation_is_rejected(forged):
    collateral = forged.collateral()
    for cut in range(len(forged.evidence)):
        error = rejection(forged.evidence[:cut], collateral)
        assert isinstance(error, EvidenceError), cut


def test_trailing_padding_is_ignored(verifier, forged):
    claims = verifier.verify(verifier.parse(forged.evidence + bytes(4096)), context_with(forged.collateral()))
    assert claims.vendor["user_data"] == b"user data for the relying party"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_parser_fuzz_raw_bytes(data):
    for candidate in (data, b"pvattest" + data, b"pvattest\0\0\1\0" + data):
        with contextlib.suppress(EvidenceError):
            parse_attestation_response(candidate)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_verifier_fuzz_mutated_responses(forged, data):
    evidence = bytearray(forged.evidence)
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        offset = data.draw(st.integers(min_value=0, max_value=len(evidence) - 1))
        evidence[offset] = data.draw(st.integers(min_value=0, max_value=255))
    if bytes(evidence) != forged.evidence:
        assert rejection(bytes(evidence), forged.collateral()) is not None


class TestIbmSeConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self) -> IbmSeVerifier:
        return VERIFIER

    @pytest.fixture
    def conformance_cases(self, forged, forge) -> list[ConformanceCase]:
        now = parse_time("2025-06-01T00:00:00Z")
        other = forge()
        return [
            ConformanceCase(
                name="forged",
                evidence=forged.evidence,
                collateral=forged.collateral(),
                now=now,
                unsafe_trust_test_root=True,
            ),
            ConformanceCase(
                name="test key without unsafe trust",
                evidence=forged.evidence,
                collateral=forged.collateral(),
                now=now,
                expected_error=CollateralMissingError,
            ),
            ConformanceCase(
                name="another request's secret",
                evidence=forged.evidence,
                collateral=collateral_of(secret=other.files["ibmse_requester_secret.json"]),
                now=now,
                expected_error=BindingError,
                unsafe_trust_test_root=True,
            ),
        ]
