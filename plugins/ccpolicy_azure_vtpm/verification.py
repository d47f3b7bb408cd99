"""Verification of Azure vTPM evidence at ``context.now``, in this order:

1. the TPM quote, by the host's ``tpm`` verifier, signed by HCLAkPub of the runtime claims (tpm_quote_binding);
2. for envelope version 2, the runtime claims' user-data carries the quote's nonce;
3. the hardware report, by the host's ``snp``/``tdx`` verifier, and its REPORT_DATA = hash of the runtime
   claims (hardware_binding).

Nothing is trusted until all three hold: the hardware report vouches for the runtime claims, which name the
AK, which signed the quote. Bindings that need no collateral come first, so a swapped part is exit 3 even
when collateral is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ccpolicy.claims import Claims
from ccpolicy.errors import BindingError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_azure_vtpm.hardware_binding import verify_snp_report, verify_td_quote
from ccpolicy_azure_vtpm.hcl_report import HardwareReportType
from ccpolicy_azure_vtpm.tpm_quote_binding import VerifiedTpmQuote, verify_tpm_quote
from ccpolicy_azure_vtpm.vtpm_evidence import AzureVtpmEvidence

USER_DATA_NONCE_VERSION = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedVtpmEvidence:
    evidence: AzureVtpmEvidence
    tpm: VerifiedTpmQuote
    hardware: Claims
    """The ``snp`` or ``tdx`` verifier's claims."""


def verify_vtpm_evidence(
    evidence: AzureVtpmEvidence, context: VerificationContext, *, tee_id: str
) -> VerifiedVtpmEvidence:
    needed_for = f"{tee_id} evidence"
    tpm = verify_tpm_quote(evidence, context, needed_for=needed_for)
    if evidence.envelope.version >= USER_DATA_NONCE_VERSION:
        check_user_data_nonce(evidence.hcl.runtime_claims.user_data, tpm.claims.evidence.report_data)
    if evidence.envelope.kind is HardwareReportType.SNP:
        hardware = verify_snp_report(evidence, context, needed_for=needed_for)
    else:
        hardware = verify_td_quote(evidence, context, needed_for=needed_for)
    return VerifiedVtpmEvidence(evidence=evidence, tpm=tpm, hardware=hardware)


def check_user_data_nonce(user_data: bytes, nonce: bytes) -> None:
    """Envelope version 2: the runtime claims' user-data is the TPM quote's nonce, zero-padded."""
    if len(nonce) > len(user_data) or user_data != nonce.ljust(len(user_data), b"\0"):
        raise BindingError(
            f"envelope version 2 puts the TPM quote's nonce {nonce.hex()} into the runtime claims' user-data, "
            f"but user-data is {user_data.hex() or '(empty)'}",
            reason="verification.binding.user_data",
        )
