"""The two TeeVerifiers: ``az-snp-vtpm`` and ``az-tdx-vtpm``. One class, parameterized by the hardware report type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ccpolicy.claims import Claims
from ccpolicy.errors import ConfigurationError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_azure_vtpm import __version__
from ccpolicy_azure_vtpm.claims_mapping import build_claims
from ccpolicy_azure_vtpm.hcl_report import HardwareReportType
from ccpolicy_azure_vtpm.trustee_envelope import looks_like_envelope
from ccpolicy_azure_vtpm.verification import verify_vtpm_evidence
from ccpolicy_azure_vtpm.vtpm_evidence import AzureVtpmEvidence, parse_vtpm_evidence


class AzureVtpmVerifier:
    """Verifies Trustee's evidence envelopes of an Azure confidential VM (HCL report + vTPM quote [+ TD quote])."""

    tee_id: str
    name: str
    version: str = __version__
    media_types: Sequence[str]

    def __init__(self, kind: HardwareReportType) -> None:
        self.kind = kind
        self.tee_id = f"az-{kind.label}-vtpm"
        hardware = "SEV-SNP" if kind is HardwareReportType.SNP else "TDX"
        self.name = f"Azure confidential VM ({hardware} + vTPM), Trustee evidence"
        self.media_types = (f"application/vnd.ccpolicy.{self.tee_id}.trustee+json",)

    def detect(self, evidence: bytes) -> bool:
        return looks_like_envelope(evidence, self.kind)

    def parse(self, evidence: bytes) -> AzureVtpmEvidence:
        return parse_vtpm_evidence(evidence, self.kind)

    def verify(self, report: Any, context: VerificationContext) -> Claims:
        if not isinstance(report, AzureVtpmEvidence) or report.envelope.kind is not self.kind:
            raise ConfigurationError(f"the {self.tee_id} verifier was given a {type(report).__name__}")
        return build_claims(self.tee_id, verify_vtpm_evidence(report, context, tee_id=self.tee_id))


def az_snp_vtpm_verifier() -> AzureVtpmVerifier:
    return AzureVtpmVerifier(HardwareReportType.SNP)


def az_tdx_vtpm_verifier() -> AzureVtpmVerifier:
    return AzureVtpmVerifier(HardwareReportType.TDX)
