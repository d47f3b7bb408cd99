"""The TDREPORT_STRUCT in the HCL report's hardware area -> TdReport. No I/O, no cryptography.

Layout (Intel TDX Module ABI, TDREPORT_STRUCT, 1024 bytes)::

    0     REPORTMACSTRUCT (256): REPORTTYPE (type 0x81 = TDX, subtype, version, reserved), 12 reserved,
          CPUSVN 16, TEE_TCB_INFO_HASH 48, TEE_INFO_HASH 48, REPORTDATA 64 (at 128), 32 reserved, MAC 32
    256   TEE_TCB_INFO (239): VALID 8, TEE_TCB_SVN 16, MRSEAM 48, MRSIGNERSEAM 48, ATTRIBUTES 8,
          TEE_TCB_SVN2 16, 95 reserved; then 17 reserved bytes
    512   TDINFO (512): ATTRIBUTES 8, XFAM 8, MRTD 48 (at 528), MRCONFIGID 48, MROWNER 48, MROWNERCONFIG 48,
          RTMR0..3 4 x 48, SERVTD_HASH 48, 64 reserved

The TDREPORT is MAC'ed for the local platform, not signed: it proves nothing by itself. It is compared
with the DCAP TD quote (which is signed) field by field.
"""

from __future__ import annotations

from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError

TD_REPORT_SIZE = 1024
REPORT_TYPE_TDX = 0x81
_MEASUREMENT = 48


@dataclass(frozen=True, slots=True, kw_only=True)
class TdReport:
    report_type: int
    report_subtype: int
    report_version: int
    cpu_svn: bytes
    tee_tcb_info_hash: bytes
    tee_info_hash: bytes
    report_data: bytes
    mac: bytes
    tee_tcb_info_valid: bytes
    tee_tcb_svn: bytes
    mr_seam: bytes
    mr_signer_seam: bytes
    seam_attributes: bytes
    tee_tcb_svn2: bytes
    td_attributes: bytes
    xfam: bytes
    mr_td: bytes
    mr_config_id: bytes
    mr_owner: bytes
    mr_owner_config: bytes
    rtmrs: tuple[bytes, bytes, bytes, bytes]
    servtd_hash: bytes

    @property
    def debug(self) -> bool:
        """TUD.DEBUG, bit 0 of the TD attributes."""
        return bool(self.td_attributes[0] & 0x01)


def parse_td_report(data: bytes) -> TdReport:
    if len(data) < TD_REPORT_SIZE:
        raise EvidenceFormatError(f"TDREPORT has {len(data)} bytes, not {TD_REPORT_SIZE}")
    if data[0] != REPORT_TYPE_TDX:
        raise UnsupportedEvidenceError(f"the HCL hardware report has REPORTTYPE {data[0]:#04x}, not TDX (0x81)")

    def field(offset: int, size: int) -> bytes:
        return data[offset : offset + size]

    rtmr_base = 512 + 16 + 4 * _MEASUREMENT
    return TdReport(
        report_type=data[0],
        report_subtype=data[1],
        report_version=data[2],
        cpu_svn=field(16, 16),
        tee_tcb_info_hash=field(32, _MEASUREMENT),
        tee_info_hash=field(80, _MEASUREMENT),
        report_data=field(128, 64),
        mac=field(224, 32),
        tee_tcb_info_valid=field(256, 8),
        tee_tcb_svn=field(264, 16),
        mr_seam=field(280, _MEASUREMENT),
        mr_signer_seam=field(328, _MEASUREMENT),
        seam_attributes=field(376, 8),
        tee_tcb_svn2=field(384, 16),
        td_attributes=field(512, 8),
        xfam=field(520, 8),
        mr_td=field(528, _MEASUREMENT),
        mr_config_id=field(576, _MEASUREMENT),
        mr_owner=field(624, _MEASUREMENT),
        mr_owner_config=field(672, _MEASUREMENT),
        rtmrs=(
            field(rtmr_base, _MEASUREMENT),
            field(rtmr_base + _MEASUREMENT, _MEASUREMENT),
            field(rtmr_base + 2 * _MEASUREMENT, _MEASUREMENT),
            field(rtmr_base + 3 * _MEASUREMENT, _MEASUREMENT),
        ),
        servtd_hash=field(rtmr_base + 4 * _MEASUREMENT, _MEASUREMENT),
    )
