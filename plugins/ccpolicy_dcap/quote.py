"""Intel DCAP ECDSA quotes (versions 3, 4 and 5): bytes -> typed records. No I/O, no cryptography.

Layout (Intel SGX ECDSA Quote Library API, appendix A; Intel TDX DCAP Quoting Library API, A.3/A.4).
All integers are little endian.

* header, 48 bytes: version u16, attestation key type u16, TEE type u32 (0 = SGX, 0x81 = TDX;
  reserved and zero in v3), QE SVN u16, PCE SVN u16, QE vendor id 16, user data 20;
* v3/v4 body: the SGX enclave report (384 bytes) or the TDX 1.0 TD report (584 bytes);
  v5 body: type u16 (1 SGX, 2 TDX 1.0, 3 TDX 1.5), size u32, then the report (648 bytes for TDX 1.5);
* signature data length u32, then the signature data: ECDSA signature (64, raw r||s), attestation
  key (64, raw x||y), then in v3 the QE report fields directly and in v4/v5 a certification data
  entry of type 6 wrapping them: QE report (384), QE report signature (64), QE authentication data
  (u16 size + bytes), certification data (u16 type, u32 size, bytes; type 5 = PEM PCK chain).

The signed region of the quote signature is the header and the body (for v5 including the body type
and size).  Lengths come from the format, never from the file size: real quotes end in zero padding.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ccpolicy.byte_reader import ByteReader
from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError

HEADER_SIZE = 48
ENCLAVE_REPORT_SIZE = 384
TD_REPORT_10_SIZE = 584
TD_REPORT_15_SIZE = 648
ECDSA_SIGNATURE_SIZE = 64
ECDSA_KEY_SIZE = 64
ATTESTATION_KEY_ECDSA_P256 = 2
INTEL_QE_VENDOR_ID = bytes.fromhex("939a7233f79c4ca9940a0db3957f0607")
CERTIFICATION_DATA_PCK_CHAIN = 5
CERTIFICATION_DATA_QE_REPORT = 6
MAX_QUOTE_SIZE = 1 << 20

SGX_DEBUG_FLAG = 1 << 1
TD_DEBUG_FLAG = 1 << 0
TD_SEPT_VE_DISABLE_FLAG = 1 << 28
TD_PKS_FLAG = 1 << 30
TD_KL_FLAG = 1 << 31
TD_PERFMON_FLAG = 1 << 63


class TeeType(enum.Enum):
    SGX = 0x00000000
    TDX = 0x00000081


class BodyType(enum.Enum):
    """The report inside a quote (v5 names it explicitly; v3/v4 imply it by TEE type)."""

    SGX_ENCLAVE_REPORT = 1
    TD_REPORT_10 = 2
    TD_REPORT_15 = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteHeader:
    version: int
    attestation_key_type: int
    tee_type: TeeType
    qe_svn: int
    pce_svn: int
    qe_vendor_id: bytes
    user_data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class EnclaveReport:
    """An SGX REPORTBODY: the ISV enclave of an SGX quote, or the quoting enclave's own report."""

    cpu_svn: bytes
    misc_select: int
    isv_ext_prod_id: bytes
    attributes: bytes
    mr_enclave: bytes
    mr_signer: bytes
    config_id: bytes
    isv_prod_id: int
    isv_svn: int
    config_svn: int
    isv_family_id: bytes
    report_data: bytes
    raw: bytes

    @property
    def flags(self) -> int:
        return int.from_bytes(self.attributes[:8], "little")

    @property
    def debug(self) -> bool:
        return bool(self.flags & SGX_DEBUG_FLAG)


@dataclass(frozen=True, slots=True, kw_only=True)
class TdReport:
    """A TDX TD report as carried in a quote (TDX 1.0; TDX 1.5 adds TEE_TCB_SVN2 and MRSERVICETD)."""

    tee_tcb_svn: bytes
    mr_seam: bytes
    mr_signer_seam: bytes
    seam_attributes: bytes
    td_attributes: bytes
    xfam: bytes
    mr_td: bytes
    mr_config_id: bytes
    mr_owner: bytes
    mr_owner_config: bytes
    rtmrs: tuple[bytes, bytes, bytes, bytes]
    report_data: bytes
    tee_tcb_svn2: bytes | None = None
    mr_service_td: bytes | None = None

    @property
    def attribute_flags(self) -> int:
        return int.from_bytes(self.td_attributes, "little")

    @property
    def debug(self) -> bool:
        return bool(self.attribute_flags & TD_DEBUG_FLAG)

    @property
    def sept_ve_disable(self) -> bool:
        return bool(self.attribute_flags & TD_SEPT_VE_DISABLE_FLAG)


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificationData:
    type: int
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class QeReportCertification:
    """The quoting enclave's report, its PCK signature, its authentication data and the PCK chain."""

    qe_report: EnclaveReport
    qe_report_signature: bytes
    qe_auth_data: bytes
    certification: CertificationData

    @property
    def pck_chain_pem(self) -> bytes:
        return self.certification.data


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """A parsed DCAP quote. ``signed_data`` is the exact region the attestation key signed."""

    header: QuoteHeader
    body_type: BodyType
    report: EnclaveReport | TdReport
    signed_data: bytes
    signature: bytes
    attestation_key: bytes
    qe: QeReportCertification
    trailing_size: int

    @property
    def td_report(self) -> TdReport:
        if not isinstance(self.report, TdReport):
            raise TypeError("not a TDX quote")
        return self.report

    @property
    def enclave_report(self) -> EnclaveReport:
        if not isinstance(self.report, EnclaveReport):
            raise TypeError("not an SGX quote")
        return self.report


def peek_header(evidence: bytes) -> tuple[int, int] | None:
    """(version, TEE type) when ``evidence`` starts like a DCAP ECDSA quote from Intel's QE, else None."""
    if len(evidence) < HEADER_SIZE:
        return None
    version = int.from_bytes(evidence[0:2], "little")
    key_type = int.from_bytes(evidence[2:4], "little")
    tee_type = int.from_bytes(evidence[4:8], "little")
    if version not in (3, 4, 5) or key_type != ATTESTATION_KEY_ECDSA_P256:
        return None
    if evidence[12:28] != INTEL_QE_VENDOR_ID:
        return None
    return version, tee_type


def parse_quote(evidence: bytes) -> Quote:
    """Parse a DCAP quote; raises EvidenceFormatError or UnsupportedEvidenceError on bad input."""
    if not isinstance(evidence, bytes | bytearray | memoryview):
        raise EvidenceFormatError("DCAP quote must be bytes")
    evidence = bytes(evidence)
    if len(evidence) > MAX_QUOTE_SIZE:
        raise EvidenceFormatError(f"DCAP quote of {len(evidence)} bytes is larger than 1 MiB")
    reader = ByteReader(evidence, what="DCAP quote", byteorder="little")
    header = _parse_header(reader)
    body_type = _parse_body_type(reader, header)
    if body_type is BodyType.SGX_ENCLAVE_REPORT:
        report: EnclaveReport | TdReport = parse_enclave_report(reader.take(ENCLAVE_REPORT_SIZE, "enclave report"))
    else:
        report = _parse_td_report(reader, body_type)
    signed_data = evidence[: reader.offset]
    signature_size = reader.u32("signature data length")
    signature_data = ByteReader(
        reader.take(signature_size, "signature data"), what="quote signature data", byteorder="little"
    )
    signature = signature_data.take(ECDSA_SIGNATURE_SIZE, "quote signature")
    attestation_key = signature_data.take(ECDSA_KEY_SIZE, "attestation key")
    if header.version == 3:
        qe = _parse_qe_certification(signature_data)
    else:
        wrapper = _parse_certification_data(signature_data)
        if wrapper.type != CERTIFICATION_DATA_QE_REPORT:
            raise UnsupportedEvidenceError(
                f"DCAP quote v{header.version}: certification data type {wrapper.type}, expected 6 (QE report)"
            )
        inner = ByteReader(wrapper.data, what="QE report certification data", byteorder="little")
        qe = _parse_qe_certification(inner)
        _expect_consumed(inner)
    _expect_consumed(signature_data)
    if qe.certification.type != CERTIFICATION_DATA_PCK_CHAIN:
        raise UnsupportedEvidenceError(
            f"DCAP quote: certification data type {qe.certification.type} is not supported "
            "(only type 5, the PCK certificate chain carried in the quote)"
        )
    return Quote(
        header=header,
        body_type=body_type,
        report=report,
        signed_data=signed_data,
        signature=signature,
        attestation_key=attestation_key,
        qe=qe,
        trailing_size=reader.remaining,
    )


def _expect_consumed(reader: ByteReader) -> None:
    if reader.remaining:
        raise EvidenceFormatError(f"{reader.what}: {reader.remaining} bytes left over after its last field")


def _parse_header(reader: ByteReader) -> QuoteHeader:
    version = reader.u16("version")
    key_type = reader.u16("attestation key type")
    raw_tee_type = reader.u32("TEE type")
    qe_svn = reader.u16("QE SVN")
    pce_svn = reader.u16("PCE SVN")
    qe_vendor_id = reader.take(16, "QE vendor id")
    user_data = reader.take(20, "user data")
    if version not in (3, 4, 5):
        raise UnsupportedEvidenceError(f"DCAP quote version {version} is not supported (3, 4 and 5 are)")
    if key_type != ATTESTATION_KEY_ECDSA_P256:
        raise UnsupportedEvidenceError(f"DCAP attestation key type {key_type} is not supported (2 = ECDSA P-256)")
    try:
        tee_type = TeeType(raw_tee_type)
    except ValueError:
        raise UnsupportedEvidenceError(f"DCAP quote TEE type {raw_tee_type:#x} is neither SGX nor TDX") from None
    if version == 3 and tee_type is not TeeType.SGX:
        raise EvidenceFormatError("DCAP quote v3 must be an SGX quote")
    if qe_vendor_id != INTEL_QE_VENDOR_ID:
        raise UnsupportedEvidenceError(f"DCAP quote from QE vendor {qe_vendor_id.hex()}: only Intel's QE is supported")
    return QuoteHeader(
        version=version,
        attestation_key_type=key_type,
        tee_type=tee_type,
        qe_svn=qe_svn,
        pce_svn=pce_svn,
        qe_vendor_id=qe_vendor_id,
        user_data=user_data,
    )


def _parse_body_type(reader: ByteReader, header: QuoteHeader) -> BodyType:
    if header.version in (3, 4):
        return BodyType.SGX_ENCLAVE_REPORT if header.tee_type is TeeType.SGX else BodyType.TD_REPORT_10
    raw_type = reader.u16("body type")
    size = reader.u32("body size")
    try:
        body_type = BodyType(raw_type)
    except ValueError:
        raise UnsupportedEvidenceError(f"DCAP quote v5 body type {raw_type} is not supported (1, 2, 3 are)") from None
    expected = {
        BodyType.SGX_ENCLAVE_REPORT: ENCLAVE_REPORT_SIZE,
        BodyType.TD_REPORT_10: TD_REPORT_10_SIZE,
        BodyType.TD_REPORT_15: TD_REPORT_15_SIZE,
    }[body_type]
    if size != expected:
        raise EvidenceFormatError(f"DCAP quote v5 body of type {raw_type} has size {size}, expected {expected}")
    if (body_type is BodyType.SGX_ENCLAVE_REPORT) != (header.tee_type is TeeType.SGX):
        raise EvidenceFormatError(f"DCAP quote v5 body type {raw_type} does not fit TEE type {header.tee_type.name}")
    return body_type


def parse_enclave_report(raw: bytes) -> EnclaveReport:
    """An SGX REPORTBODY of exactly 384 bytes."""
    reader = ByteReader(raw, what="SGX enclave report", byteorder="little")
    cpu_svn = reader.take(16, "CPUSVN")
    misc_select = reader.u32("MISCSELECT")
    reader.take(12, "reserved")
    isv_ext_prod_id = reader.take(16, "ISVEXTPRODID")
    attributes = reader.take(16, "ATTRIBUTES")
    mr_enclave = reader.take(32, "MRENCLAVE")
    reader.take(32, "reserved")
    mr_signer = reader.take(32, "MRSIGNER")
    reader.take(32, "reserved")
    config_id = reader.take(64, "CONFIGID")
    isv_prod_id = reader.u16("ISVPRODID")
    isv_svn = reader.u16("ISVSVN")
    config_svn = reader.u16("CONFIGSVN")
    reader.take(42, "reserved")
    isv_family_id = reader.take(16, "ISVFAMILYID")
    report_data = reader.take(64, "REPORTDATA")
    if reader.remaining:
        raise EvidenceFormatError(f"SGX enclave report is {len(raw)} bytes, expected {ENCLAVE_REPORT_SIZE}")
    return EnclaveReport(
        cpu_svn=cpu_svn,
        misc_select=misc_select,
        isv_ext_prod_id=isv_ext_prod_id,
        attributes=attributes,
        mr_enclave=mr_enclave,
        mr_signer=mr_signer,
        config_id=config_id,
        isv_prod_id=isv_prod_id,
        isv_svn=isv_svn,
        config_svn=config_svn,
        isv_family_id=isv_family_id,
        report_data=report_data,
        raw=bytes(raw),
    )


def _parse_td_report(reader: ByteReader, body_type: BodyType) -> TdReport:
    tee_tcb_svn = reader.take(16, "TEE_TCB_SVN")
    mr_seam = reader.take(48, "MRSEAM")
    mr_signer_seam = reader.take(48, "MRSIGNERSEAM")
    seam_attributes = reader.take(8, "SEAMATTRIBUTES")
    td_attributes = reader.take(8, "TDATTRIBUTES")
    xfam = reader.take(8, "XFAM")
    mr_td = reader.take(48, "MRTD")
    mr_config_id = reader.take(48, "MRCONFIGID")
    mr_owner = reader.take(48, "MROWNER")
    mr_owner_config = reader.take(48, "MROWNERCONFIG")
    rtmrs = (reader.take(48, "RTMR0"), reader.take(48, "RTMR1"), reader.take(48, "RTMR2"), reader.take(48, "RTMR3"))
    report_data = reader.take(64, "REPORTDATA")
    tee_tcb_svn2 = mr_service_td = None
    if body_type is BodyType.TD_REPORT_15:
        tee_tcb_svn2 = reader.take(16, "TEE_TCB_SVN2")
        mr_service_td = reader.take(48, "MRSERVICETD")
    return TdReport(
        tee_tcb_svn=tee_tcb_svn,
        mr_seam=mr_seam,
        mr_signer_seam=mr_signer_seam,
        seam_attributes=seam_attributes,
        td_attributes=td_attributes,
        xfam=xfam,
        mr_td=mr_td,
        mr_config_id=mr_config_id,
        mr_owner=mr_owner,
        mr_owner_config=mr_owner_config,
        rtmrs=rtmrs,
        report_data=report_data,
        tee_tcb_svn2=tee_tcb_svn2,
        mr_service_td=mr_service_td,
    )


def _parse_certification_data(reader: ByteReader) -> CertificationData:
    cert_type = reader.u16("certification data type")
    size = reader.u32("certification data size")
    return CertificationData(type=cert_type, data=reader.take(size, f"certification data (type {cert_type})"))


def _parse_qe_certification(reader: ByteReader) -> QeReportCertification:
    qe_report = parse_enclave_report(reader.take(ENCLAVE_REPORT_SIZE, "QE report"))
    qe_report_signature = reader.take(ECDSA_SIGNATURE_SIZE, "QE report signature")
    auth_size = reader.u16("QE authentication data size")
    qe_auth_data = reader.take(auth_size, "QE authentication data")
    certification = _parse_certification_data(reader)
    return QeReportCertification(
        qe_report=qe_report,
        qe_report_signature=qe_report_signature,
        qe_auth_data=qe_auth_data,
        certification=certification,
    )
