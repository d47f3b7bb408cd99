"""The PSA verifier: parse the token, pick the IAK from the collateral, verify the COSE signature."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.claims import Claims
from ccpolicy.errors import UnsupportedEvidenceError
from ccpolicy.interfaces import VerificationContext, parses
from ccpolicy_cose.collateral_keys import select_attestation_key
from ccpolicy_cose.cose_sign1 import starts_with_array_or_tag
from ccpolicy_cose.cose_signature import verify_cose_sign1
from ccpolicy_psa import __version__
from ccpolicy_psa.claims_mapping import build_claims
from ccpolicy_psa.token_claims import PsaEvidence, parse_evidence

MEDIA_TYPE = 'application/eat-cwt; profile="http://arm.com/psa/2.0.0"'
LEGACY_MEDIA_TYPE = "application/psa-attestation-token"


class PsaVerifier:
    tee_id = "psa"
    name = "Arm PSA attestation token"
    version = __version__
    media_types: Sequence[str] = (MEDIA_TYPE, LEGACY_MEDIA_TYPE)

    def detect(self, evidence: bytes) -> bool:
        return starts_with_array_or_tag(evidence) and parses(self.parse, evidence)

    def parse(self, evidence: bytes) -> PsaEvidence:
        return parse_evidence(evidence)

    def verify(self, report: PsaEvidence, context: VerificationContext) -> Claims:
        if not isinstance(report, PsaEvidence):
            raise UnsupportedEvidenceError(f"psa cannot verify a {type(report).__name__}")
        key = select_attestation_key(
            context.collateral,
            report.token.instance_id,
            role="PSA IAK",
            unsafe_trust_test_root=context.unsafe_trust_test_root,
        )
        verify_cose_sign1(report.message, key.key, what="PSA token")
        source = "test-root" if key.test_key else context.collateral.source
        return build_claims(report.token, key, tee=self.tee_id, collateral_source=source)
