"""SnpReport -> 1184 bytes: the inverse of report.parse_report, used by the forge and round-trip tests."""

from __future__ import annotations

from ccpolicy_snp.report import (
    REPORT_SIZE,
    SIGNATURE_COMPONENT_SIZE,
    SIGNATURE_R_OFFSET,
    SIGNATURE_S_OFFSET,
    SIGNED_SIZE,
    SnpReport,
)


def encode_signed_part(report: SnpReport) -> bytes:
    """Bytes 000..2A0 of ``report`` (reserved regions zero)."""
    out = bytearray(SIGNED_SIZE)

    def put(offset: int, value: bytes) -> None:
        out[offset : offset + len(value)] = value

    def put_int(offset: int, value: int, size: int) -> None:
        put(offset, value.to_bytes(size, "little"))

    put_int(0x00, report.version, 4)
    put_int(0x04, report.guest_svn, 4)
    put_int(0x08, report.policy.raw, 8)
    put(0x10, _sized(report.family_id, 16, "family_id"))
    put(0x20, _sized(report.image_id, 16, "image_id"))
    put_int(0x30, report.vmpl, 4)
    put_int(0x34, report.signature_algo, 4)
    put_int(0x38, report.current_tcb.raw, 8)
    put_int(0x40, report.platform_info.raw, 8)
    put_int(0x48, report.key_info.raw, 4)
    put(0x50, _sized(report.report_data, 64, "report_data"))
    put(0x90, _sized(report.measurement, 48, "measurement"))
    put(0xC0, _sized(report.host_data, 32, "host_data"))
    put(0xE0, _sized(report.id_key_digest, 48, "id_key_digest"))
    put(0x110, _sized(report.author_key_digest, 48, "author_key_digest"))
    put(0x140, _sized(report.report_id, 32, "report_id"))
    put(0x160, _sized(report.report_id_ma, 32, "report_id_ma"))
    put_int(0x180, report.reported_tcb.raw, 8)
    if report.cpuid is not None:
        put(0x188, bytes([report.cpuid.family, report.cpuid.model, report.cpuid.stepping]))
    put(0x1A0, _sized(report.chip_id, 64, "chip_id"))
    put_int(0x1E0, report.committed_tcb.raw, 8)
    current, committed = report.current_version, report.committed_version
    put(0x1E8, bytes([current.build, current.minor, current.major]))
    put(0x1EC, bytes([committed.build, committed.minor, committed.major]))
    put_int(0x1F0, report.launch_tcb.raw, 8)
    if report.launch_mit_vector is not None:
        put_int(0x1F8, report.launch_mit_vector, 8)
    if report.current_mit_vector is not None:
        put_int(0x200, report.current_mit_vector, 8)
    return bytes(out)


def encode_report(report: SnpReport, *, signature_r: bytes, signature_s: bytes) -> bytes:
    """The full 1184 bytes: the signed part followed by R and S (72 bytes each, little-endian)."""
    out = bytearray(REPORT_SIZE)
    out[:SIGNED_SIZE] = encode_signed_part(report)
    out[SIGNATURE_R_OFFSET : SIGNATURE_R_OFFSET + SIGNATURE_COMPONENT_SIZE] = _sized(signature_r, 72, "R")
    out[SIGNATURE_S_OFFSET : SIGNATURE_S_OFFSET + SIGNATURE_COMPONENT_SIZE] = _sized(signature_s, 72, "S")
    return bytes(out)


def _sized(value: bytes, size: int, name: str) -> bytes:
    if len(value) != size:
        raise ValueError(f"{name} must be {size} bytes, got {len(value)}")
    return value
