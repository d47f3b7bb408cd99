"""The SGX and TDX verifiers: one DCAP pipeline, two TEE ids."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from ccpolicy.claims import Claims
from ccpolicy.errors import UnsupportedEvidenceError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_dcap.claims_mapping import build_claims
from ccpolicy_dcap.collateral_selection import collect_dcap_collateral
from ccpolicy_dcap.collateral_verification import verify_collateral
from ccpolicy_dcap.quote import Quote, TdReport, TeeType, parse_quote, peek_header
from ccpolicy_dcap.quote_verification import verify_pck_chain, verify_quote_signatures
from ccpolicy_dcap.roots import intel_sgx_root_ca
from ccpolicy_dcap.tcb_evaluation import check_qe_identity, evaluate_tcb, tdx_module_identity, unevaluated_tcb

PLUGIN_VERSION = "0.1.0"


class DcapVerifier:
    """Verifies Intel DCAP ECDSA quotes of one TEE type against offline Intel PCS collateral."""

    tee_type: ClassVar[TeeType]
    qe_identity_id: ClassVar[str]
    tee_id: str
    name: str
    version: str = PLUGIN_VERSION
    media_types: Sequence[str]

    def detect(self, evidence: bytes) -> bool:
        found = peek_header(evidence)
        return found is not None and found[1] == self.tee_type.value

    def parse(self, evidence: bytes) -> Quote:
        quote = parse_quote(evidence)
        if quote.header.tee_type is not self.tee_type:
            raise UnsupportedEvidenceError(
                f"DCAP quote is a {quote.header.tee_type.name} quote, not {self.tee_type.name}"
            )
        return quote

    def verify(self, report: Quote, context: VerificationContext) -> Claims:
        if not isinstance(report, Quote) or report.header.tee_type is not self.tee_type:
            raise UnsupportedEvidenceError(f"{self.name} verifies parsed {self.tee_type.name} quotes only")
        now = context.now
        anchors = context.trust_anchors([intel_sgx_root_ca()])
        pck = verify_pck_chain(report, anchors, now)
        verify_quote_signatures(report, pck.leaf)
        collateral = verify_collateral(
            collect_dcap_collateral(context.collateral),
            pck=pck,
            tee_id=self.tee_type.name,
            qe_identity_id=self.qe_identity_id,
            anchors=anchors,
            now=now,
            allow_unevaluated_tcb=context.allow_unevaluated_tcb,
        )
        td_report = report.report if isinstance(report.report, TdReport) else None
        qe_level = check_qe_identity(report.qe.qe_report, collateral.qe_identity)
        if collateral.tcb_info is None:
            evaluation = unevaluated_tcb(qe_level)
        else:
            if td_report is not None:
                tdx_module_identity(collateral.tcb_info, td_report, report.header.version)
            evaluation = evaluate_tcb(
                tcb_info=collateral.tcb_info,
                pck_tcb=pck.extensions.tcb,
                td_report=td_report,
                quote_version=report.header.version,
                qe_level=qe_level,
            )
        return build_claims(
            tee_id=self.tee_id,
            quote=report,
            pck=pck.extensions,
            collateral=collateral,
            evaluation=evaluation,
            source=context.collateral.source,
        )


class SgxVerifier(DcapVerifier):
    tee_type = TeeType.SGX
    qe_identity_id = "QE"

    def __init__(self) -> None:
        self.tee_id = "sgx"
        self.name = "Intel SGX DCAP quote"
        self.media_types = ("application/vnd.intel.sgx.quote",)


class TdxVerifier(DcapVerifier):
    tee_type = TeeType.TDX
    qe_identity_id = "TD_QE"

    def __init__(self) -> None:
        self.tee_id = "tdx"
        self.name = "Intel TDX DCAP quote"
        self.media_types = ("application/vnd.intel.tdx.quote",)
