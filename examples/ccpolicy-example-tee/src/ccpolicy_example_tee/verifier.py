"""ExampleVerifier: the object the plugin hands to ccpolicy (the TeeVerifier protocol)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ccpolicy.claims import Claims
from ccpolicy.interfaces import VerificationContext
from ccpolicy_example_tee.evidence_format import (
    MEDIA_TYPE,
    ExampleEvidence,
    looks_like_example_evidence,
    parse_evidence,
)
from ccpolicy_example_tee.verification import TEE_ID, verify_evidence


@dataclass(slots=True)
class ExampleVerifier:
    tee_id: str = TEE_ID
    name: str = "ccpolicy example TEE"
    version: str = "0.1.0"
    media_types: Sequence[str] = (MEDIA_TYPE,)

    def detect(self, evidence: bytes) -> bool:
        return looks_like_example_evidence(evidence)

    def parse(self, evidence: bytes) -> ExampleEvidence:
        return parse_evidence(evidence)

    def verify(self, report: ExampleEvidence, context: VerificationContext) -> Claims:
        return verify_evidence(report, context)
