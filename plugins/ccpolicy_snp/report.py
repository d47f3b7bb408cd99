"""ATTESTATION_REPORT (ABI spec 56860): 1184 bytes -> :class:`SnpReport`. No I/O, no cryptography.

Layout (offsets in hex, all integers little-endian)::

    000 VERSION u32          004 GUEST_SVN u32        008 POLICY u64
    010 FAMILY_ID [16]       020 IMAGE_ID [16]        030 VMPL u32           034 SIGNATURE_ALGO u32
    038 CURRENT_TCB u64      040 PLATFORM_INFO u64    048 key info u32       04C reserved u32
    050 REPORT_DATA [64]     090 MEASUREMENT [48]     0C0 HOST_DATA [32]     0E0 ID_KEY_DIGEST [48]
    110 AUTHOR_KEY_DIGEST [48]                        140 REPORT_ID [32]     160 REPORT_ID_MA [32]
    180 REPORTED_TCB u64     188 CPUID_FAM_ID, 189 CPUID_MOD_ID, 18A CPUID_STEP (v3+; reserved in v2)
    18B..1A0 reserved        1A0 CHIP_ID [64]         1E0 COMMITTED_TCB u64
    1E8 CURRENT_BUILD, 1E9 CURRENT_MINOR, 1EA CURRENT_MAJOR, 1EB reserved
    1EC COMMITTED_BUILD, 1ED COMMITTED_MINOR, 1EE COMMITTED_MAJOR, 1EF reserved
    1F0 LAUNCH_TCB u64       1F8 LAUNCH_MIT_VECTOR u64 (v5)  200 CURRENT_MIT_VECTOR u64 (v5)
    208..2A0 reserved        2A0 SIGNATURE [512]: R [72] at 2A0, S [72] at 2E8 (little-endian), 330..4A0 reserved

The signature covers bytes 000..2A0. Supported versions are 2, 3 and 5; SIGNATURE_ALGO must be 1
(ECDSA P-384 with SHA-384), the only algorithm the specification defines and the one that fixes the
layout of the signature field.

Reserved regions must be zero. The specification marks them reserved and changes the report VERSION
whenever a reserved region gains a meaning (CPUID in v3, mitigation vectors in v5), so a non-zero
reserved byte means the report is not of the version it claims; the parser rejects it with
EvidenceFormatError. This covers 04C..050, the reserved key-info bits 31:5, 188/18B..1A0, 1EB, 1EF,
1F8/208..2A0 and the unused tail 330..4A0 of the signature field (which is outside the signed bytes:
without this rule two different byte strings would verify as the same report). SIGNING_KEY values
2-6 are reserved and rejected too. Guest policy and platform info bits are descriptive and kept raw
(see guest_policy.py and platform_info.py).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from functools import lru_cache

from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_snp.guest_policy import GuestPolicy
from ccpolicy_snp.key_info import RESERVED_MASK as KEY_INFO_RESERVED_MASK
from ccpolicy_snp.key_info import KeyInfo, SigningKey
from ccpolicy_snp.platform_info import PlatformInfo
from ccpolicy_snp.product import SevProduct
from ccpolicy_snp.tcb import TcbLayout, TcbVersion, decode_tcb

REPORT_SIZE = 0x4A0
SIGNED_SIZE = 0x2A0
SIGNATURE_R_OFFSET = 0x2A0
SIGNATURE_S_OFFSET = 0x2E8
SIGNATURE_COMPONENT_SIZE = 72
SIGNATURE_USED_END = 0x330
SUPPORTED_VERSIONS = frozenset({2, 3, 5})
SIGNATURE_ALGO_ECDSA_P384_SHA384 = 1
MEDIA_TYPE = "application/vnd.amd.sev.snp.attestation-report"
_HEAD = struct.Struct("<IIQ32xII16xII")
"""VERSION, GUEST_SVN, POLICY, VMPL, SIGNATURE_ALGO, key info and the reserved word at 04C: the integers
of bytes 000..050 that decide the parse (FAMILY_ID, IMAGE_ID, CURRENT_TCB and PLATFORM_INFO skipped)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CpuId:
    """CPUID family, full model (extended model << 4 | model) and stepping of the reporting CPU."""

    family: int
    model: int
    stepping: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FirmwareVersion:
    major: int
    minor: int
    build: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.build}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SnpReport:
    """Every field of one ATTESTATION_REPORT, typed."""

    version: int
    guest_svn: int
    policy: GuestPolicy
    family_id: bytes
    image_id: bytes
    vmpl: int
    signature_algo: int
    current_tcb: TcbVersion
    platform_info: PlatformInfo
    key_info: KeyInfo
    report_data: bytes
    measurement: bytes
    host_data: bytes
    id_key_digest: bytes
    author_key_digest: bytes
    report_id: bytes
    report_id_ma: bytes
    reported_tcb: TcbVersion
    cpuid: CpuId | None
    """Present from version 3 on."""
    chip_id: bytes
    committed_tcb: TcbVersion
    current_version: FirmwareVersion
    committed_version: FirmwareVersion
    launch_tcb: TcbVersion
    launch_mit_vector: int | None
    """Present from version 5 on."""
    current_mit_vector: int | None
    signature_r: bytes
    """72 bytes, little-endian."""
    signature_s: bytes
    product: SevProduct | None
    """From CPUID (v3+); None for version 2 reports, where only the VCEK chain tells."""
    tcb_layout: TcbLayout
    raw: bytes = field(repr=False, compare=False)
    """The 1184 bytes as parsed."""

    @property
    def signed_bytes(self) -> bytes:
        """Bytes 000..2A0, which the signature covers."""
        return self.raw[:SIGNED_SIZE]


def peek_version(data: bytes) -> int | None:
    """The VERSION field, or None when there are fewer than 4 bytes."""
    if len(data) < 4:
        return None
    return int.from_bytes(data[0:4], "little")


def parse_report(data: bytes) -> SnpReport:
    """Parse exactly 1184 bytes. Raises EvidenceFormatError or UnsupportedEvidenceError."""
    data = bytes(data)
    if len(data) != REPORT_SIZE:
        raise EvidenceFormatError(
            f"an SEV-SNP attestation report is exactly {REPORT_SIZE} bytes, got {len(data)}",
            reason="evidence.format.size",
        )
    (version, guest_svn, policy, vmpl, signature_algo, key_info_word, key_info_reserved) = _HEAD.unpack_from(data)
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedEvidenceError(
            f"SEV-SNP report version {version} is not supported (supported: 2, 3, 5)",
            reason="evidence.unsupported.version",
        )
    if signature_algo != SIGNATURE_ALGO_ECDSA_P384_SHA384:
        raise UnsupportedEvidenceError(
            f"SIGNATURE_ALGO {signature_algo} is not supported (1 = ECDSA P-384 with SHA-384)",
            reason="evidence.unsupported.signature_algo",
        )
    if key_info_reserved:
        _require_zero(data, 0x4C, 0x50)
    key_info = _key_info(key_info_word)

    cpuid: CpuId | None = None
    product: SevProduct | None = None
    layout = TcbLayout.MILAN_GENOA
    if version >= 3:
        cpuid = CpuId(family=data[0x188], model=data[0x189], stepping=data[0x18A])
        product = SevProduct.from_cpuid(cpuid.family, cpuid.model)
        if product is None:
            raise UnsupportedEvidenceError(
                f"CPUID family {cpuid.family:#x} model {cpuid.model:#x} is not a known SEV-SNP product "
                "(Milan, Genoa, Turin); its TCB layout is unknown",
                reason="evidence.unsupported.product",
            )
        if product is SevProduct.TURIN:
            layout = TcbLayout.TURIN
        _require_zero(data, 0x18B, 0x1A0)
    else:
        _require_zero(data, 0x188, 0x1A0)
    _require_zero(data, 0x1EB, 0x1EC)
    _require_zero(data, 0x1EF, 0x1F0)
    launch_mit_vector: int | None = None
    current_mit_vector: int | None = None
    if version >= 5:
        launch_mit_vector = _u64(data, 0x1F8)
        current_mit_vector = _u64(data, 0x200)
        _require_zero(data, 0x208, SIGNED_SIZE)
    else:
        _require_zero(data, 0x1F8, SIGNED_SIZE)
    _require_zero(data, SIGNATURE_USED_END, REPORT_SIZE)

    return SnpReport(
        version=version,
        guest_svn=guest_svn,
        policy=GuestPolicy.from_int(policy),
        family_id=data[0x10:0x20],
        image_id=data[0x20:0x30],
        vmpl=vmpl,
        signature_algo=signature_algo,
        current_tcb=decode_tcb(data[0x38:0x40], layout),
        platform_info=PlatformInfo.from_int(_u64(data, 0x40)),
        key_info=key_info,
        report_data=data[0x50:0x90],
        measurement=data[0x90:0xC0],
        host_data=data[0xC0:0xE0],
        id_key_digest=data[0xE0:0x110],
        author_key_digest=data[0x110:0x140],
        report_id=data[0x140:0x160],
        report_id_ma=data[0x160:0x180],
        reported_tcb=decode_tcb(data[0x180:0x188], layout),
        cpuid=cpuid,
        chip_id=data[0x1A0:0x1E0],
        committed_tcb=decode_tcb(data[0x1E0:0x1E8], layout),
        current_version=FirmwareVersion(build=data[0x1E8], minor=data[0x1E9], major=data[0x1EA]),
        committed_version=FirmwareVersion(build=data[0x1EC], minor=data[0x1ED], major=data[0x1EE]),
        launch_tcb=decode_tcb(data[0x1F0:0x1F8], layout),
        launch_mit_vector=launch_mit_vector,
        current_mit_vector=current_mit_vector,
        signature_r=data[SIGNATURE_R_OFFSET : SIGNATURE_R_OFFSET + SIGNATURE_COMPONENT_SIZE],
        signature_s=data[SIGNATURE_S_OFFSET : SIGNATURE_S_OFFSET + SIGNATURE_COMPONENT_SIZE],
        product=product,
        tcb_layout=layout,
        raw=data,
    )


def _u32(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 4], "little")


def _u64(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 8], "little")


def _require_zero(data: bytes, start: int, end: int) -> None:
    region = data[start:end]
    if region.count(0) != len(region):
        first = start + next(i for i, byte in enumerate(region) if byte)
        raise EvidenceFormatError(
            f"reserved bytes {start:#05x}..{end:#05x} must be zero; byte {first:#05x} is {data[first]:#04x}",
            reason="evidence.format.reserved",
        )


@lru_cache(maxsize=64)
def _key_info(value: int) -> KeyInfo:
    if value & KEY_INFO_RESERVED_MASK:
        raise EvidenceFormatError(
            f"reserved key-information bits 31:5 at 0x48 must be zero, got {value:#010x}",
            reason="evidence.format.reserved",
        )
    signing_key_value = (value >> 2) & 0x7
    try:
        signing_key = SigningKey(signing_key_value)
    except ValueError:
        raise EvidenceFormatError(
            f"SIGNING_KEY value {signing_key_value} is reserved (0 VCEK, 1 VLEK, 7 none)",
            reason="evidence.format.signing_key",
        ) from None
    return KeyInfo(
        author_key_en=bool(value & 1),
        mask_chip_key=bool(value & 2),
        signing_key=signing_key,
        raw=value,
    )
