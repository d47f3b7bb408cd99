"""The IBM SE verifier: parse a pvattest response, open its request with the requester's secret, check the HMAC."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.claims import Claims
from ccpolicy.errors import UnsupportedEvidenceError
from ccpolicy.interfaces import VerificationContext, parses
from ccpolicy_ibmse import __version__
from ccpolicy_ibmse.attestation_response import AttestationResponse, parse_attestation_response
from ccpolicy_ibmse.claims_mapping import build_claims
from ccpolicy_ibmse.exchange_format import is_exchange_file
from ccpolicy_ibmse.measurement_verification import check_host_key_binding, open_request, verify_measurement
from ccpolicy_ibmse.requester_secret import requester_collateral

MEDIA_TYPE = "application/vnd.ibm.se.pvattest-response"


class IbmSeVerifier:
    tee_id = "ibmse"
    name = "IBM Secure Execution"
    version = __version__
    media_types: Sequence[str] = (MEDIA_TYPE,)

    def detect(self, evidence: bytes) -> bool:
        return is_exchange_file(evidence) and parses(self.parse, evidence)

    def parse(self, evidence: bytes) -> AttestationResponse:
        return parse_attestation_response(evidence)

    def verify(self, report: AttestationResponse, context: VerificationContext) -> Claims:
        if not isinstance(report, AttestationResponse):
            raise UnsupportedEvidenceError(f"ibmse cannot verify a {type(report).__name__}")
        collateral = requester_collateral(
            context.collateral, report.request, unsafe_trust_test_root=context.unsafe_trust_test_root
        )
        secret = open_request(report.request, collateral.secret)
        verify_measurement(report, collateral.image, secret)
        check_host_key_binding(report)
        return build_claims(report, collateral, secret, tee=self.tee_id)
