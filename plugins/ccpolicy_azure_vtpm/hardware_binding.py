"""The hardware report, verified by the host's ``snp`` or ``tdx`` verifier, and its bindings to the HCL report.

* SEV-SNP: the 1184-byte report of the HCL hardware area goes to the ``snp`` verifier. A VCEK carried in
  the envelope is added to the collateral for that call only, as one more certificate the ``snp``
  verifier may pick by content (CN, hwID = CHIP_ID, TCB extensions); it is trusted only if it chains
  through an ASK to a pinned AMD ARK, exactly like a VCEK from ``--collateral``. The report must come
  from VMPL 0, the paravisor's level: a guest kernel (VMPL > 0) can request reports with any REPORT_DATA.
* TDX: the TDREPORT in the HCL report is only MAC'ed; the DCAP TD quote of the envelope goes to the
  ``tdx`` verifier (PCK chain, QE report, quote signature, Intel TCB info and QE identity from the
  collateral). Missing Intel collateral stays a CollateralMissingError (exit 4). The quote must be
  the quote of this TDREPORT: equal REPORTDATA, MRTD, RTMR0..3 and MRSEAM.
* Both: REPORT_DATA starts with the hash (hash_type) of the runtime claims bytes as stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from cryptography import x509

from ccpolicy.certificates import zero_serials_tolerated
from ccpolicy.claims import Claims
from ccpolicy.collateral import CollateralCertificate, CollateralStore
from ccpolicy.errors import BindingError, CollateralMissingError, EvidenceFormatError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_azure_vtpm.hcl_report import HclReport
from ccpolicy_azure_vtpm.nested_verification import nested_claims
from ccpolicy_azure_vtpm.td_report import TdReport
from ccpolicy_azure_vtpm.vtpm_evidence import AzureVtpmEvidence

SNP_TEE_ID = "snp"
TDX_TEE_ID = "tdx"
HCL_VMPL = 0
EMBEDDED_VCEK_ORIGIN = Path("<VCEK embedded in the evidence envelope>")
INTEL_PCS_TDX_TCB_URL = "https://api.trustedservices.intel.com/tdx/certification/v4/tcb?fmspc=<FMSPC>"
INTEL_PCS_TD_QE_IDENTITY_URL = "https://api.trustedservices.intel.com/tdx/certification/v4/qe/identity"


def runtime_claims_digest(hcl: HclReport) -> bytes:
    return hashlib.new(hcl.hash_type.label, hcl.runtime_claims_raw).digest()


def check_runtime_claims_hash(hcl: HclReport, report_data: bytes, *, where: str) -> None:
    digest = runtime_claims_digest(hcl)
    if report_data[: len(digest)] != digest:
        raise BindingError(
            f"{where} REPORT_DATA starts with {report_data[: len(digest)].hex()}, not the "
            f"{hcl.hash_type.label} of the HCL runtime claims ({digest.hex()}): the runtime claims, and the "
            "attestation key in them, are not the ones the hardware report vouches for",
            reason="verification.binding.runtime_claims",
        )


def verify_snp_report(evidence: AzureVtpmEvidence, context: VerificationContext, *, needed_for: str) -> Claims:
    collateral = context.collateral
    if evidence.envelope.vcek is not None:
        collateral = collateral.merged(_embedded_vcek(evidence.envelope.vcek, source=collateral.source))
    snp_context = VerificationContext(
        now=context.now,
        collateral=collateral,
        unsafe_trust_test_root=context.unsafe_trust_test_root,
        verifier_lookup=context.verifier_lookup,
    )
    try:
        claims = nested_claims(context, SNP_TEE_ID, evidence.hcl.hardware_report, snp_context, needed_for=needed_for)
    except CollateralMissingError as exc:
        if evidence.envelope.vcek is not None and "SEV-VCEK" in exc.message:
            # The envelope carries the VCEK itself: one that does not endorse the report is altered evidence.
            raise BindingError(
                f"the VCEK the envelope carries does not endorse its SEV-SNP report: {exc.message}",
                reason="verification.binding.vcek",
            ) from exc
        raise
    vmpl = claims.vendor.get("vmpl")
    if vmpl != HCL_VMPL:
        raise BindingError(
            f"the SEV-SNP report was requested at VMPL {vmpl}, not the paravisor's VMPL {HCL_VMPL}: "
            "a guest outside the paravisor can put any runtime claims hash into such a report",
            reason="verification.binding.vmpl",
        )
    check_runtime_claims_hash(evidence.hcl, claims.evidence.report_data, where="the SEV-SNP report's")
    return claims


def verify_td_quote(evidence: AzureVtpmEvidence, context: VerificationContext, *, needed_for: str) -> Claims:
    td_report, td_quote = evidence.td_report, evidence.envelope.td_quote
    if td_report is None or td_quote is None:
        raise EvidenceFormatError("TDX vTPM evidence without a TDREPORT or TD quote")
    check_runtime_claims_hash(evidence.hcl, td_report.report_data, where="the TDREPORT's")
    try:
        claims = nested_claims(context, TDX_TEE_ID, td_quote, context, needed_for=needed_for)
    except CollateralMissingError as error:
        hint = f"{error.hint}; " if error.hint else ""
        raise CollateralMissingError(
            f"the TD quote of the {needed_for} cannot be appraised: {error.message}",
            reason=error.reason,
            hint=f"{hint}Intel PCS serves the TDX TCB info at {INTEL_PCS_TDX_TCB_URL} and the TD QE identity "
            f"at {INTEL_PCS_TD_QE_IDENTITY_URL}",
        ) from error
    check_td_quote_matches(td_report, claims.evidence.report_data, claims.evidence.measurements)
    return claims


def td_report_measurements(td_report: TdReport) -> dict[str, bytes]:
    """The TDREPORT's values under the names the ``tdx`` verifier's normalized measurements use."""
    return {
        "mrtd": td_report.mr_td,
        **{f"rtmr{index}": rtmr for index, rtmr in enumerate(td_report.rtmrs)},
        "mrseam": td_report.mr_seam,
    }


def check_td_quote_matches(td_report: TdReport, report_data: bytes, measurements: Mapping[str, bytes]) -> None:
    """The verified TD quote's REPORTDATA and measurements equal the TDREPORT's: it is this TDREPORT's quote."""
    if report_data != td_report.report_data:
        raise BindingError(
            f"the TD quote's REPORTDATA {report_data.hex()} is not the TDREPORT's {td_report.report_data.hex()}",
            reason="verification.binding.td_quote",
        )
    for name, expected in td_report_measurements(td_report).items():
        quoted = measurements.get(name)
        if quoted != expected:
            raise BindingError(
                f"the TD quote's {name.upper()} {quoted.hex() if isinstance(quoted, bytes) else quoted} is not "
                f"the TDREPORT's {expected.hex()}",
                reason="verification.binding.td_quote",
            )


def _embedded_vcek(der: bytes, *, source: str) -> CollateralStore:
    with zero_serials_tolerated():
        certificate = x509.load_der_x509_certificate(der)
    return CollateralStore(
        certificates=(CollateralCertificate(certificate=certificate, origin=EMBEDDED_VCEK_ORIGIN),), source=source
    )
