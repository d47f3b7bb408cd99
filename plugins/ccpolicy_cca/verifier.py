"""The CCA verifier: platform token with the CPAK, realm token with its RAK, then the RAK binding."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.claims import Claims
from ccpolicy.errors import UnsupportedEvidenceError
from ccpolicy.interfaces import VerificationContext, parses
from ccpolicy_cca import __version__
from ccpolicy_cca.claims_mapping import build_claims
from ccpolicy_cca.token_collection import CcaEvidence, parse_evidence
from ccpolicy_cca.token_verification import verify_binding, verify_platform_token, verify_realm_token
from ccpolicy_cose.cose_sign1 import starts_with_array_or_tag

MEDIA_TYPE = 'application/eat-collection; profile="http://arm.com/CCA-SSD/1.0.0"'


class CcaVerifier:
    tee_id = "cca"
    name = "Arm CCA attestation token"
    version = __version__
    media_types: Sequence[str] = (MEDIA_TYPE,)

    def detect(self, evidence: bytes) -> bool:
        return starts_with_array_or_tag(evidence) and parses(self.parse, evidence)

    def parse(self, evidence: bytes) -> CcaEvidence:
        return parse_evidence(evidence)

    def verify(self, report: CcaEvidence, context: VerificationContext) -> Claims:
        if not isinstance(report, CcaEvidence):
            raise UnsupportedEvidenceError(f"cca cannot verify a {type(report).__name__}")
        cpak = verify_platform_token(report, context.collateral, unsafe_trust_test_root=context.unsafe_trust_test_root)
        verify_realm_token(report)
        verify_binding(report)
        source = "test-root" if cpak.test_key else context.collateral.source
        return build_claims(report, cpak, tee=self.tee_id, collateral_source=source)
