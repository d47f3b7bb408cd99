"""TCB_VERSION: the 64-bit security patch levels of the SNP firmware stack.

Two byte layouts exist (ABI spec 56860, TCB_VERSION):

* Milan and Genoa: byte 0 boot loader, byte 1 TEE, bytes 2-5 reserved, byte 6 SNP, byte 7 microcode.
* Turin (family 1Ah): byte 0 FMC, byte 1 boot loader, byte 2 TEE, byte 3 SNP, bytes 4-6 reserved,
  byte 7 microcode.

The layout of a report is chosen from its CPUID fields (report version 3 and later); version 2
reports carry no CPUID and come only from Milan and Genoa.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache


class TcbLayout(enum.Enum):
    MILAN_GENOA = "milan-genoa"
    TURIN = "turin"


@dataclass(frozen=True, slots=True, kw_only=True)
class TcbVersion:
    """One TCB_VERSION value, decoded. ``fmc`` is None in the Milan/Genoa layout."""

    bootloader: int
    tee: int
    snp: int
    microcode: int
    fmc: int | None
    reserved: bytes
    """The reserved bytes of the layout, in order (zero on every known platform)."""
    raw: int
    """The little-endian 64-bit value as it appears in the report."""

    def components(self) -> dict[str, int]:
        """The security patch levels by short name: ``bl``, ``tee``, ``snp``, ``microcode`` (+ ``fmc``)."""
        parts = {"bl": self.bootloader, "tee": self.tee, "snp": self.snp, "microcode": self.microcode}
        if self.fmc is not None:
            parts["fmc"] = self.fmc
        return parts

    def describe(self) -> str:
        return " ".join(f"{name}={value}" for name, value in self.components().items())


@lru_cache(maxsize=1024)
def decode_tcb(raw: bytes, layout: TcbLayout) -> TcbVersion:
    """Decode the 8 bytes of a TCB_VERSION field in the given layout.

    Remembered: the records are immutable, and a fleet's reports carry few distinct TCB values.
    """
    if len(raw) != 8:
        raise ValueError("a TCB_VERSION is 8 bytes")
    value = int.from_bytes(raw, "little")
    if layout is TcbLayout.TURIN:
        return TcbVersion(
            fmc=raw[0], bootloader=raw[1], tee=raw[2], snp=raw[3], microcode=raw[7], reserved=raw[4:7], raw=value
        )
    return TcbVersion(
        fmc=None, bootloader=raw[0], tee=raw[1], snp=raw[6], microcode=raw[7], reserved=raw[2:6], raw=value
    )


def encode_tcb(
    layout: TcbLayout, *, bootloader: int, tee: int, snp: int, microcode: int, fmc: int | None = None
) -> bytes:
    """The 8 bytes of a TCB_VERSION with zero reserved bytes. Every level must fit in a byte."""
    for name, level in (("bl", bootloader), ("tee", tee), ("snp", snp), ("microcode", microcode), ("fmc", fmc or 0)):
        if not 0 <= level <= 0xFF:
            raise ValueError(f"TCB component {name}={level} does not fit in a byte")
    if layout is TcbLayout.TURIN:
        return bytes([fmc or 0, bootloader, tee, snp, 0, 0, 0, microcode])
    if fmc is not None:
        raise ValueError("the Milan/Genoa TCB layout has no FMC component")
    return bytes([bootloader, tee, 0, 0, 0, 0, snp, microcode])
