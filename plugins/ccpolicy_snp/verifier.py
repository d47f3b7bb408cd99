"""SnpVerifier: the TeeVerifier of AMD SEV-SNP attestation reports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ccpolicy.claims import Claims
from ccpolicy.errors import ConfigurationError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_snp import __version__
from ccpolicy_snp.claims import TEE_ID, build_claims
from ccpolicy_snp.report import (
    MEDIA_TYPE,
    REPORT_SIZE,
    SIGNATURE_ALGO_ECDSA_P384_SHA384,
    SUPPORTED_VERSIONS,
    SnpReport,
    parse_report,
)
from ccpolicy_snp.verify import verify_report


class SnpVerifier:
    """Parses and verifies raw 1184-byte SEV-SNP ATTESTATION_REPORTs (versions 2, 3 and 5)."""

    tee_id: str = TEE_ID
    name: str = "AMD SEV-SNP attestation report"
    version: str = __version__
    media_types: Sequence[str] = (MEDIA_TYPE,)

    def detect(self, evidence: bytes) -> bool:
        return (
            len(evidence) == REPORT_SIZE
            and int.from_bytes(evidence[0:4], "little") in SUPPORTED_VERSIONS
            and int.from_bytes(evidence[0x34:0x38], "little") == SIGNATURE_ALGO_ECDSA_P384_SHA384
        )

    def parse(self, evidence: bytes) -> SnpReport:
        return parse_report(evidence)

    def verify(self, report: Any, context: VerificationContext) -> Claims:
        if not isinstance(report, SnpReport):
            raise ConfigurationError(f"the SEV-SNP verifier was given a {type(report).__name__}, not an SnpReport")
        return build_claims(verify_report(report, context), context)
