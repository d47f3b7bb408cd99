"""DCAP quote records -> bytes: the inverse of ``quote.py``, used by the evidence forge.

Same layout as ``quote.py`` describes (little-endian integers, v5 body type and size, certification data
type 6 wrapping the QE report certification in v4/v5, type 5 PEM PCK chain).
"""

from __future__ import annotations

from ccpolicy_dcap.quote import (
    ATTESTATION_KEY_ECDSA_P256,
    CERTIFICATION_DATA_PCK_CHAIN,
    CERTIFICATION_DATA_QE_REPORT,
    ENCLAVE_REPORT_SIZE,
    INTEL_QE_VENDOR_ID,
    TD_REPORT_10_SIZE,
    TD_REPORT_15_SIZE,
    BodyType,
    EnclaveReport,
    TdReport,
    TeeType,
)


def encode_header(*, version: int, tee_type: TeeType, qe_svn: int, pce_svn: int, user_data: bytes) -> bytes:
    if len(user_data) != 20:
        raise ValueError("quote header user data is 20 bytes")
    return (
        version.to_bytes(2, "little")
        + ATTESTATION_KEY_ECDSA_P256.to_bytes(2, "little")
        + tee_type.value.to_bytes(4, "little")
        + qe_svn.to_bytes(2, "little")
        + pce_svn.to_bytes(2, "little")
        + INTEL_QE_VENDOR_ID
        + user_data
    )


def encode_enclave_report(report: EnclaveReport) -> bytes:
    encoded = (
        report.cpu_svn
        + report.misc_select.to_bytes(4, "little")
        + bytes(12)
        + report.isv_ext_prod_id
        + report.attributes
        + report.mr_enclave
        + bytes(32)
        + report.mr_signer
        + bytes(32)
        + report.config_id
        + report.isv_prod_id.to_bytes(2, "little")
        + report.isv_svn.to_bytes(2, "little")
        + report.config_svn.to_bytes(2, "little")
        + bytes(42)
        + report.isv_family_id
        + report.report_data
    )
    if len(encoded) != ENCLAVE_REPORT_SIZE:
        raise ValueError(f"enclave report fields make {len(encoded)} bytes, not {ENCLAVE_REPORT_SIZE}")
    return encoded


def encode_td_report(report: TdReport, body_type: BodyType) -> bytes:
    encoded = (
        report.tee_tcb_svn
        + report.mr_seam
        + report.mr_signer_seam
        + report.seam_attributes
        + report.td_attributes
        + report.xfam
        + report.mr_td
        + report.mr_config_id
        + report.mr_owner
        + report.mr_owner_config
        + b"".join(report.rtmrs)
        + report.report_data
    )
    size = TD_REPORT_10_SIZE
    if body_type is BodyType.TD_REPORT_15:
        if report.tee_tcb_svn2 is None or report.mr_service_td is None:
            raise ValueError("a TDX 1.5 report needs TEE_TCB_SVN2 and MRSERVICETD")
        encoded += report.tee_tcb_svn2 + report.mr_service_td
        size = TD_REPORT_15_SIZE
    if len(encoded) != size:
        raise ValueError(f"TD report fields make {len(encoded)} bytes, not {size}")
    return encoded


def encode_body(report: EnclaveReport | TdReport, *, version: int, body_type: BodyType) -> bytes:
    """The report as it follows the header: v5 prefixes the body type and size."""
    encoded = (
        encode_enclave_report(report) if isinstance(report, EnclaveReport) else encode_td_report(report, body_type)
    )
    if version < 5:
        return encoded
    return body_type.value.to_bytes(2, "little") + len(encoded).to_bytes(4, "little") + encoded


def encode_certification_data(cert_type: int, data: bytes) -> bytes:
    return cert_type.to_bytes(2, "little") + len(data).to_bytes(4, "little") + data


def encode_signature_data(
    *,
    version: int,
    signature: bytes,
    attestation_key: bytes,
    qe_report: bytes,
    qe_report_signature: bytes,
    qe_auth_data: bytes,
    pck_chain_pem: bytes,
) -> bytes:
    """The length-prefixed signature data that follows the body."""
    qe_certification = (
        qe_report
        + qe_report_signature
        + len(qe_auth_data).to_bytes(2, "little")
        + qe_auth_data
        + encode_certification_data(CERTIFICATION_DATA_PCK_CHAIN, pck_chain_pem)
    )
    if version >= 4:
        qe_certification = encode_certification_data(CERTIFICATION_DATA_QE_REPORT, qe_certification)
    data = signature + attestation_key + qe_certification
    return len(data).to_bytes(4, "little") + data
