"""PLATFORM_INFO: how the platform that produced the report is configured (ABI spec 56860).

Bit 0 SMT enabled, 1 TSME enabled, 2 ECC memory, 3 RAPL disabled, 4 ciphertext hiding (DRAM) enabled,
5 alias check complete, 6 reserved, 7 SEV-TIO enabled. The value describes the platform; unknown bits
are kept in ``raw`` rather than rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformInfo:
    smt_enabled: bool
    tsme_enabled: bool
    ecc_enabled: bool
    rapl_disabled: bool
    ciphertext_hiding_enabled: bool
    alias_check_complete: bool
    tio_enabled: bool
    raw: int

    @classmethod
    @lru_cache(maxsize=256)
    def from_int(cls, value: int) -> PlatformInfo:
        """Decode a PLATFORM_INFO word (remembered: records are immutable and platforms repeat)."""
        return cls(
            smt_enabled=bool(value & 1 << 0),
            tsme_enabled=bool(value & 1 << 1),
            ecc_enabled=bool(value & 1 << 2),
            rapl_disabled=bool(value & 1 << 3),
            ciphertext_hiding_enabled=bool(value & 1 << 4),
            alias_check_complete=bool(value & 1 << 5),
            tio_enabled=bool(value & 1 << 7),
            raw=value,
        )
