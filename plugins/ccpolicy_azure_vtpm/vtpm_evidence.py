"""The parsed Azure vTPM evidence: envelope, HCL report and (for TDX) the TDREPORT. No I/O, no cryptography."""

from __future__ import annotations

from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError
from ccpolicy_azure_vtpm.hcl_report import HardwareReportType, HclReport, parse_hcl_report
from ccpolicy_azure_vtpm.td_report import TdReport, parse_td_report
from ccpolicy_azure_vtpm.trustee_envelope import TrusteeEnvelope, parse_envelope


@dataclass(frozen=True, slots=True, kw_only=True)
class AzureVtpmEvidence:
    envelope: TrusteeEnvelope
    hcl: HclReport
    td_report: TdReport | None
    """The TDREPORT of the HCL report's hardware area, for TDX."""


def parse_vtpm_evidence(evidence: bytes, kind: HardwareReportType) -> AzureVtpmEvidence:
    envelope = parse_envelope(evidence, kind)
    hcl = parse_hcl_report(envelope.hcl_report)
    if hcl.report_type is not kind:
        raise EvidenceFormatError(f"the {kind.label} envelope carries an HCL report of type {hcl.report_type.label}")
    td_report = parse_td_report(hcl.hardware_report) if kind is HardwareReportType.TDX else None
    return AzureVtpmEvidence(envelope=envelope, hcl=hcl, td_report=td_report)
