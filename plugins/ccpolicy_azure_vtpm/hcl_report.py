"""The HCL attestation report (vTPM NV index 0x01400001) -> HclReport. No I/O, no cryptography.

Layout (little-endian u32 fields), as Azure's paravisor writes it (``IgvmAttestRequest``)::

    0     header: "HCLA" signature, version (1 or 2), report_size, request_type (2, AK_CERT), status (0),
          12 reserved bytes (0); the header is not covered by the hardware report
    32    hardware report area, 1184 bytes: the SEV-SNP ATTESTATION_REPORT, or the 1024-byte TDREPORT + padding
    1216  runtime-data header: data_size, version (1), report_type (2 SNP, 4 TDX), hash_type
          (1 SHA-256, 2 SHA-384, 3 SHA-512), variable_data_size
    1236  runtime claims JSON, variable_data_size bytes

``report_size`` counts everything from the header to the end of the runtime claims and ``data_size`` the
runtime-data header plus the claims; the NV index is larger (2600 bytes), so the rest is padding and is
ignored. The hardware report's REPORT_DATA starts with hash_type(runtime claims bytes as stored).
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_azure_vtpm.runtime_claims import RuntimeClaims, parse_runtime_claims

SIGNATURE = b"HCLA"
HEADER_SIZE = 32
HARDWARE_AREA_SIZE = 1184
RUNTIME_HEADER_OFFSET = HEADER_SIZE + HARDWARE_AREA_SIZE
RUNTIME_HEADER_SIZE = 20
CLAIMS_OFFSET = RUNTIME_HEADER_OFFSET + RUNTIME_HEADER_SIZE
SUPPORTED_VERSIONS = frozenset({1, 2})
RUNTIME_DATA_VERSION = 1
REQUEST_TYPE_AK_CERT = 2
MAX_CLAIMS_SIZE = 64 * 1024


class HardwareReportType(enum.Enum):
    """``report_type`` of the runtime-data header: which hardware report the area holds."""

    SNP = 2
    TDX = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class RuntimeClaimsHash(enum.Enum):
    """``hash_type``: how the runtime claims are hashed into the hardware report's REPORT_DATA."""

    SHA256 = 1
    SHA384 = 2
    SHA512 = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def digest_size(self) -> int:
        return {RuntimeClaimsHash.SHA256: 32, RuntimeClaimsHash.SHA384: 48, RuntimeClaimsHash.SHA512: 64}[self]


_UNSUPPORTED_REPORT_TYPES = {0: "invalid", 1: "VBS", 3: "TVM (no hardware report)"}


@dataclass(frozen=True, slots=True, kw_only=True)
class HclHeader:
    version: int
    report_size: int
    request_type: int
    status: int


@dataclass(frozen=True, slots=True, kw_only=True)
class HclReport:
    header: HclHeader
    hardware_area: bytes
    """The 1184-byte hardware report area, as stored."""
    runtime_data_size: int
    runtime_data_version: int
    report_type: HardwareReportType
    hash_type: RuntimeClaimsHash
    runtime_claims_raw: bytes
    """The runtime claims JSON exactly as stored: the bytes the hardware report's REPORT_DATA hashes."""
    runtime_claims: RuntimeClaims

    @property
    def hardware_report(self) -> bytes:
        """The hardware report itself: the whole area for SEV-SNP, the first 1024 bytes (TDREPORT) for TDX."""
        return self.hardware_area[: hardware_report_size(self.report_type)]


def hardware_report_size(report_type: HardwareReportType) -> int:
    return HARDWARE_AREA_SIZE if report_type is HardwareReportType.SNP else 1024


def looks_like_hcl_report(data: bytes) -> bool:
    return data[:4] == SIGNATURE


def parse_hcl_report(data: bytes) -> HclReport:
    """Parse an HCL report; EvidenceFormatError / UnsupportedEvidenceError on anything else."""
    if len(data) < CLAIMS_OFFSET:
        raise EvidenceFormatError(f"HCL report has {len(data)} bytes, fewer than its {CLAIMS_OFFSET}-byte fixed part")
    if data[:4] != SIGNATURE:
        raise EvidenceFormatError(f"HCL report signature is {data[:4]!r}, not {SIGNATURE!r}")
    version, report_size, request_type, status = struct.unpack_from("<4I", data, 4)
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedEvidenceError(f"HCL report header version {version} is not supported (1, 2)")
    # The header is not covered by the hardware report: accept only the values of a successful AK_CERT report.
    if request_type != REQUEST_TYPE_AK_CERT:
        raise UnsupportedEvidenceError(f"HCL report request type {request_type} is not AK_CERT_REQUEST (2)")
    if status != 0 or any(data[20:HEADER_SIZE]):
        raise EvidenceFormatError(f"HCL report header has status {status:#x} or non-zero reserved bytes")
    data_size, runtime_version, report_type_value, hash_type_value, claims_size = struct.unpack_from(
        "<5I", data, RUNTIME_HEADER_OFFSET
    )
    if runtime_version != RUNTIME_DATA_VERSION:
        raise UnsupportedEvidenceError(f"HCL runtime-data header version {runtime_version} is not supported (1)")
    report_type = _report_type(report_type_value)
    hash_type = _hash_type(hash_type_value)
    if claims_size == 0 or claims_size > MAX_CLAIMS_SIZE:
        raise EvidenceFormatError(f"HCL runtime claims size {claims_size} is outside 1..{MAX_CLAIMS_SIZE}")
    if data_size != RUNTIME_HEADER_SIZE + claims_size:
        raise EvidenceFormatError(
            f"HCL runtime-data size {data_size} is not the header ({RUNTIME_HEADER_SIZE}) "
            f"plus the claims ({claims_size})"
        )
    if report_size != CLAIMS_OFFSET + claims_size:
        raise EvidenceFormatError(
            f"HCL report size {report_size} does not end where the runtime claims end ({CLAIMS_OFFSET + claims_size})"
        )
    if len(data) < report_size:
        raise EvidenceFormatError(f"HCL report is truncated: {len(data)} bytes of {report_size}")
    claims_raw = data[CLAIMS_OFFSET:report_size]
    return HclReport(
        header=HclHeader(version=version, report_size=report_size, request_type=request_type, status=status),
        hardware_area=data[HEADER_SIZE:RUNTIME_HEADER_OFFSET],
        runtime_data_size=data_size,
        runtime_data_version=runtime_version,
        report_type=report_type,
        hash_type=hash_type,
        runtime_claims_raw=claims_raw,
        runtime_claims=parse_runtime_claims(claims_raw),
    )


def _report_type(value: int) -> HardwareReportType:
    try:
        return HardwareReportType(value)
    except ValueError:
        known = _UNSUPPORTED_REPORT_TYPES.get(value)
        if known is not None:
            raise UnsupportedEvidenceError(
                f"HCL report holds a {known} report (type {value}), not SNP or TDX"
            ) from None
        raise EvidenceFormatError(f"HCL report type {value} is unknown") from None


def _hash_type(value: int) -> RuntimeClaimsHash:
    try:
        return RuntimeClaimsHash(value)
    except ValueError:
        raise EvidenceFormatError(f"HCL runtime claims hash type {value} is unknown (1..3)") from None
