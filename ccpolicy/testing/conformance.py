"""A conformance suite for TEE verifier plugins.

Subclass :class:`TeeVerifierConformance` in a test module and provide two fixtures:
``verifier`` (the TeeVerifier under test) and ``conformance_cases`` (a list of
:class:`ConformanceCase`: evidence bytes, collateral, the time, and the error type
expected, or None for evidence that must verify).  :func:`forged_case` builds a case
from an EvidenceForge, for the negative cases no real vector covers.  The inherited tests check the
protocol attributes, positive and negative cases, truncation and single-byte flips
(only EvidenceError or VerificationError may come out), determinism for a fixed
time, and that verification opens no socket when collateral is supplied.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ccpolicy.claims import to_json_value
from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.errors import CcpolicyError, EvidenceError, VerificationError
from ccpolicy.interfaces import EvidenceForge, TeeVerifier, VerificationContext

FLIP_SAMPLES = 97
"""How many evenly spread byte offsets the flip test mutates per positive case."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ConformanceCase:
    name: str
    evidence: bytes
    collateral: CollateralStore
    now: datetime
    expected_error: type[CcpolicyError] | None = None
    unsafe_trust_test_root: bool = False
    verifier_lookup: Callable[[str], TeeVerifier] | None = None
    """The host's verifiers by TEE id, for evidence that nests another TEE's (``PluginHost.load().verifier``)."""

    def context(self) -> VerificationContext:
        return VerificationContext(
            now=self.now,
            collateral=self.collateral,
            unsafe_trust_test_root=self.unsafe_trust_test_root,
            verifier_lookup=self.verifier_lookup,
        )


def forged_case(
    forge: EvidenceForge,
    out_dir: Path,
    *,
    name: str,
    now: datetime,
    settings: Mapping[str, str] | None = None,
    expected_error: type[CcpolicyError] | None = None,
    unsafe_trust_test_root: bool = True,
    keep_collateral: Callable[[Path], bool] | None = None,
    verifier_lookup: Callable[[str], TeeVerifier] | None = None,
) -> ConformanceCase:
    """A case from ``forge`` run at ``now`` into ``out_dir / name``.

    The forge's collateral is loaded (only the files ``keep_collateral`` keeps, when given), and the
    forge's test root is trusted unless ``unsafe_trust_test_root`` is False, which makes a negative case.
    """
    target = out_dir / name
    target.mkdir(parents=True, exist_ok=False)
    forged = forge.forge(target, dict(settings or {}), now)
    files = [path for path in forged.collateral if keep_collateral is None or keep_collateral(path)]
    return ConformanceCase(
        name=name,
        evidence=forged.evidence.read_bytes(),
        collateral=load_collateral(files) if files else CollateralStore(),
        now=now,
        expected_error=expected_error,
        unsafe_trust_test_root=unsafe_trust_test_root,
        verifier_lookup=verifier_lookup,
    )


def run_case(verifier: TeeVerifier, case: ConformanceCase, evidence: bytes | None = None) -> Any:
    data = case.evidence if evidence is None else evidence
    return verifier.verify(verifier.parse(data), case.context())


def flip_offsets(length: int, samples: int = FLIP_SAMPLES) -> list[int]:
    """Evenly spread offsets, always including the first and last byte."""
    if length <= samples:
        return list(range(length))
    step = (length - 1) / (samples - 1)
    return sorted({round(i * step) for i in range(samples)})


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkUsed("verification opened a network connection although collateral was supplied")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


class TeeVerifierConformance:
    """Inherit in a test class; provide ``verifier`` and ``conformance_cases`` fixtures."""

    def test_protocol_attributes(self, verifier: TeeVerifier) -> None:
        assert isinstance(verifier, TeeVerifier)
        assert verifier.tee_id and verifier.tee_id == verifier.tee_id.lower()
        assert verifier.name and verifier.version
        assert all(isinstance(media_type, str) and "/" in media_type for media_type in verifier.media_types)

    def test_cases_present(self, conformance_cases: list[ConformanceCase]) -> None:
        assert any(case.expected_error is None for case in conformance_cases), "no positive case"

    def test_positive_cases_verify(self, verifier: TeeVerifier, conformance_cases: list[ConformanceCase]) -> None:
        for case in conformance_cases:
            if case.expected_error is None:
                assert verifier.detect(case.evidence), f"{case.name}: detect() does not recognize it"
                claims = run_case(verifier, case)
                assert claims.tee in {verifier.tee_id, *getattr(verifier, "tee_ids", ())}

    def test_negative_cases_raise_declared_error(
        self, verifier: TeeVerifier, conformance_cases: list[ConformanceCase]
    ) -> None:
        for case in conformance_cases:
            if case.expected_error is not None:
                with pytest.raises(case.expected_error):
                    run_case(verifier, case)

    def test_truncation_raises_only_evidence_or_verification_errors(
        self, verifier: TeeVerifier, conformance_cases: list[ConformanceCase]
    ) -> None:
        for case in conformance_cases:
            if case.expected_error is None:
                for length in flip_offsets(len(case.evidence)):
                    with pytest.raises((EvidenceError, VerificationError)):
                        run_case(verifier, case, case.evidence[:length])

    def test_byte_flips_never_verify_silently(
        self, verifier: TeeVerifier, conformance_cases: list[ConformanceCase]
    ) -> None:
        for case in conformance_cases:
            if case.expected_error is None:
                baseline = to_json_value(run_case(verifier, case))
                for offset in flip_offsets(len(case.evidence)):
                    mutated = bytearray(case.evidence)
                    mutated[offset] ^= 0x01
                    try:
                        claims = run_case(verifier, case, bytes(mutated))
                    except (EvidenceError, VerificationError):
                        continue
                    # Some bytes are outside any signature by format (padding); they must not change the claims.
                    assert to_json_value(claims) == baseline, f"{case.name}: flip at {offset} changed verified claims"

    def test_deterministic_for_fixed_time(
        self, verifier: TeeVerifier, conformance_cases: list[ConformanceCase]
    ) -> None:
        for case in conformance_cases:
            if case.expected_error is None:
                assert to_json_value(run_case(verifier, case)) == to_json_value(run_case(verifier, case))

    def test_no_network_with_collateral(
        self, verifier: TeeVerifier, conformance_cases: list[ConformanceCase], no_network: None
    ) -> None:
        for case in conformance_cases:
            if case.expected_error is None:
                run_case(verifier, case)
