"""A small synthetic firmware image with OVMF's SEV footer table, for measured direct boot.

Debian's OVMF.fd (edk2 2022.11) has no SEV hashes table, so sev-snp-measure refuses a kernel with it.
This image carries what the measurement reads (edk2 OvmfPkg ResetVector layout): the GUIDed footer
table ending 32 bytes before the image end, with the SEV-ES reset block, the SEV hashes table
location and the SEV metadata (``ASEV`` header and its sections). Its code bytes are a fixed
pattern, not a bootable firmware: the measurements pinned against it test the kernel / initrd /
command-line plumbing, not OVMF itself.
"""

from __future__ import annotations

import struct
import uuid
from pathlib import Path

IMAGE_SIZE = 64 * 1024
FOOTER_GUID = "96b582de-1fb2-45f7-baea-a366c55a082d"
SEV_ES_RESET_BLOCK_GUID = "00f771de-1a7e-4fcb-890e-68c77e2fb44e"
SEV_HASH_TABLE_RV_GUID = "7255371f-3a3b-4b04-927b-1da6efa8d454"
SEV_METADATA_GUID = "dc886566-984a-4798-a75e-5585a7bf67cc"
RESET_EIP = 0xFFFFF000 - 0x20
HASHES_GPA = 0x00810C00
"""Inside the kernel-hashes page at 0x810000, 0xC00 bytes in."""
SECTIONS = (  # gpa, size, type: SNP_SEC_MEM, SNP_SECRETS, CPUID, SNP_KERNEL_HASHES
    (0x00800000, 0x9000, 1),
    (0x0080D000, 0x1000, 2),
    (0x0080E000, 0x1000, 3),
    (0x00810000, 0x1000, 0x10),
)


def _entry(guid: str, data: bytes) -> bytes:
    return data + struct.pack("<H", len(data) + 18) + uuid.UUID(guid).bytes_le


def synthetic_ovmf() -> bytes:
    metadata = struct.pack("<4sIII", b"ASEV", 16 + 12 * len(SECTIONS), 1, len(SECTIONS)) + b"".join(
        struct.pack("<III", *section) for section in SECTIONS
    )
    metadata_offset = 0x1000  # the ASEV header starts this many bytes before the image end
    entries = (
        _entry(SEV_METADATA_GUID, struct.pack("<I", metadata_offset))
        + _entry(SEV_HASH_TABLE_RV_GUID, struct.pack("<II", HASHES_GPA, 0x400))
        + _entry(SEV_ES_RESET_BLOCK_GUID, struct.pack("<I", RESET_EIP))
    )
    footer = struct.pack("<H", len(entries) + 18) + uuid.UUID(FOOTER_GUID).bytes_le
    table = entries + footer
    image = bytearray(bytes(range(256)) * (IMAGE_SIZE // 256))
    image[IMAGE_SIZE - metadata_offset : IMAGE_SIZE - metadata_offset + len(metadata)] = metadata
    image[IMAGE_SIZE - 32 - len(table) : IMAGE_SIZE - 32] = table
    return bytes(image)


def write_launch_inputs(directory: Path) -> dict[str, Path]:
    """The synthetic firmware, a small kernel and an initrd (bytes files) in ``directory``."""
    files = {
        "firmware": directory / "synthetic-ovmf.fd",
        "kernel": directory / "vmlinuz",
        "initrd": directory / "initrd.img",
    }
    files["firmware"].write_bytes(synthetic_ovmf())
    files["kernel"].write_bytes(b"ccpolicy test kernel\n" * 100)
    files["initrd"].write_bytes(b"ccpolicy test initrd\n" * 50)
    return files
