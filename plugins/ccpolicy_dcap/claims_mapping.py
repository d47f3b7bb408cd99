"""Verified DCAP quote + collateral + TCB evaluation -> ccpolicy Claims."""

from __future__ import annotations

from typing import Any

from ccpolicy.claims import Claims, CollateralStatus, EvidenceClaims, JsonValue, TcbClaims
from ccpolicy_dcap.collateral_verification import VerifiedCollateral
from ccpolicy_dcap.intel_collateral import IsvSvnLevel, TcbInfo, TcbLevel
from ccpolicy_dcap.pck_extensions import PckExtensions
from ccpolicy_dcap.quote import EnclaveReport, Quote, TdReport
from ccpolicy_dcap.tcb_evaluation import NOT_EVALUATED, TcbEvaluation


def build_claims(
    *,
    tee_id: str,
    quote: Quote,
    pck: PckExtensions,
    collateral: VerifiedCollateral,
    evaluation: TcbEvaluation,
    source: str,
) -> Claims:
    report = quote.report
    components: dict[str, int] = {f"sgx_comp{i + 1:02d}": svn for i, svn in enumerate(pck.tcb.sgx_components)}
    components["pcesvn"] = pck.tcb.pce_svn
    components["qe_isvsvn"] = quote.qe.qe_report.isv_svn
    if isinstance(report, TdReport):
        components |= {f"tdx_comp{i + 1:02d}": svn for i, svn in enumerate(report.tee_tcb_svn)}
        measurements = {
            "mrtd": report.mr_td,
            **{f"rtmr{i}": rtmr for i, rtmr in enumerate(report.rtmrs)},
            "mrseam": report.mr_seam,
        }
        signer = report.mr_signer_seam if any(report.mr_signer_seam) else None
        product = "TDX"
    else:
        measurements = {"mrenclave": report.mr_enclave}
        signer = report.mr_signer
        product = "SGX"
    platform_level = evaluation.platform_level
    tcb_status = tcb_status_claim(collateral, evaluation)
    identity: dict[str, JsonValue] = {"fmspc": pck.fmspc, "pceid": pck.pce_id, "ppid": pck.ppid}
    if pck.platform_instance_id is not None:
        identity["platform_instance_id"] = pck.platform_instance_id
    evidence = EvidenceClaims(
        platform={"vendor": "Intel", "product": product},
        measurements=measurements,
        signer=signer,
        debug=report.debug,
        tcb=TcbClaims(
            status=tcb_status,
            components=components,
            date=platform_level.tcb_date if platform_level is not None and evaluation.status is not None else None,
            advisories=evaluation.advisory_ids,
        ),
        report_data=report.report_data,
        identity=identity,
    )
    vendor: dict[str, Any] = {
        "header": quote.header,
        "body_type": quote.body_type.name,
        "report": _report_fields(report),
        "qe_report": _report_fields(quote.qe.qe_report),
        "qe_auth_data": quote.qe.qe_auth_data,
        "attestation_key": quote.attestation_key,
        "pck": pck,
        "tcb": _tcb_fields(evaluation, tcb_status),
        "collateral": {
            **_tcb_info_fields(collateral.tcb_info),
            "qe_identity_id": collateral.qe_identity.id,
            "qe_identity_issue_date": collateral.qe_identity.issue_date,
            "qe_identity_next_update": collateral.qe_identity.next_update,
            "qe_identity_evaluation_data_number": collateral.qe_identity.evaluation_data_number,
        },
    }
    return Claims(
        tee=tee_id,
        evidence=evidence,
        vendor=vendor,
        collateral=CollateralStatus(
            source="test-root" if collateral.test_root else source,
            not_after=collateral.not_after,
            crl_checked=True,
        ),
    )


def tcb_status_claim(collateral: VerifiedCollateral, evaluation: TcbEvaluation) -> str | None:
    """Intel's status of the matched level; None when no level matched; NotEvaluated without TCB info."""
    if collateral.tcb_info is None:
        return NOT_EVALUATED
    return evaluation.status.value if evaluation.status is not None else None


def _tcb_info_fields(tcb_info: TcbInfo | None) -> dict[str, Any]:
    return {
        "tcb_info_id": tcb_info.id if tcb_info else None,
        "tcb_info_version": tcb_info.version if tcb_info else None,
        "tcb_info_issue_date": tcb_info.issue_date if tcb_info else None,
        "tcb_info_next_update": tcb_info.next_update if tcb_info else None,
        "tcb_evaluation_data_number": tcb_info.evaluation_data_number if tcb_info else None,
    }


def _report_fields(report: EnclaveReport | TdReport) -> dict[str, Any]:
    if isinstance(report, TdReport):
        return {
            "tee_tcb_svn": report.tee_tcb_svn,
            "mr_seam": report.mr_seam,
            "mr_signer_seam": report.mr_signer_seam,
            "seam_attributes": report.seam_attributes,
            "td_attributes": report.td_attributes,
            "debug": report.debug,
            "sept_ve_disable": report.sept_ve_disable,
            "xfam": report.xfam,
            "mr_td": report.mr_td,
            "mr_config_id": report.mr_config_id,
            "mr_owner": report.mr_owner,
            "mr_owner_config": report.mr_owner_config,
            **{f"rtmr{i}": rtmr for i, rtmr in enumerate(report.rtmrs)},
            "report_data": report.report_data,
            "tee_tcb_svn2": report.tee_tcb_svn2,
            "mr_service_td": report.mr_service_td,
        }
    return {
        "cpu_svn": report.cpu_svn,
        "misc_select": report.misc_select,
        "isv_ext_prod_id": report.isv_ext_prod_id,
        "attributes": report.attributes,
        "debug": report.debug,
        "mr_enclave": report.mr_enclave,
        "mr_signer": report.mr_signer,
        "config_id": report.config_id,
        "isv_prod_id": report.isv_prod_id,
        "isv_svn": report.isv_svn,
        "config_svn": report.config_svn,
        "isv_family_id": report.isv_family_id,
        "report_data": report.report_data,
    }


def _level(level: TcbLevel | IsvSvnLevel | None) -> dict[str, Any] | None:
    if level is None:
        return None
    return {"tcb_date": level.tcb_date, "status": level.status, "advisory_ids": level.advisory_ids}


def _tcb_fields(evaluation: TcbEvaluation, status: str | None) -> dict[str, Any]:
    up_to_date = evaluation.up_to_date_level
    return {
        "status": status,
        "level_matched": evaluation.status is not None,
        "not_supported": evaluation.not_supported,
        "platform_level": _level(evaluation.platform_level),
        "sgx_level": _level(evaluation.sgx_level),
        "tdx_module_identity": evaluation.module_identity,
        "tdx_module_level": _level(evaluation.module_level),
        "qe_level": _level(evaluation.qe_level),
        "up_to_date_date": up_to_date.tcb_date if up_to_date is not None else None,
        "components_behind": evaluation.shortfalls,
    }
