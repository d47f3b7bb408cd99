"""GUEST_POLICY: the 64-bit policy the guest owner launched the VM with (ABI spec 56860, GUEST_POLICY).

Bits 7:0 ABI minor, 15:8 ABI major, 16 SMT allowed, 17 reserved (must be one), 18 migration agent
allowed, 19 debug allowed, 20 single socket, 21 CXL allowed, 22 AES-256-XTS required, 23 RAPL must be
disabled, 24 ciphertext hiding required, 25 page swap disabled, 63:26 reserved.

The parser does not reject reserved policy bits: the firmware refuses to launch a guest with an invalid
policy, the whole value is covered by the report signature, and ``raw`` keeps every bit for policies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

SMT_BIT = 16
RESERVED_ONE_BIT = 17
MIGRATE_MA_BIT = 18
DEBUG_BIT = 19
SINGLE_SOCKET_BIT = 20
CXL_ALLOW_BIT = 21
MEM_AES_256_XTS_BIT = 22
RAPL_DIS_BIT = 23
CIPHERTEXT_HIDING_BIT = 24
PAGE_SWAP_DISABLE_BIT = 25
DEFINED_BITS_MASK = (1 << 26) - 1


def _bit(value: int, bit: int) -> bool:
    return bool((value >> bit) & 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class GuestPolicy:
    abi_minor: int
    abi_major: int
    smt: bool
    migrate_ma: bool
    debug: bool
    single_socket: bool
    cxl_allow: bool
    mem_aes_256_xts: bool
    rapl_dis: bool
    ciphertext_hiding: bool
    page_swap_disable: bool
    reserved_one: bool
    """Bit 17, which the specification requires to be one."""
    raw: int

    @classmethod
    @lru_cache(maxsize=256)
    def from_int(cls, value: int) -> GuestPolicy:
        """Decode a policy word (remembered: a fleet's guests share a few policies, and records are immutable)."""
        return cls(
            abi_minor=value & 0xFF,
            abi_major=(value >> 8) & 0xFF,
            smt=_bit(value, SMT_BIT),
            migrate_ma=_bit(value, MIGRATE_MA_BIT),
            debug=_bit(value, DEBUG_BIT),
            single_socket=_bit(value, SINGLE_SOCKET_BIT),
            cxl_allow=_bit(value, CXL_ALLOW_BIT),
            mem_aes_256_xts=_bit(value, MEM_AES_256_XTS_BIT),
            rapl_dis=_bit(value, RAPL_DIS_BIT),
            ciphertext_hiding=_bit(value, CIPHERTEXT_HIDING_BIT),
            page_swap_disable=_bit(value, PAGE_SWAP_DISABLE_BIT),
            reserved_one=_bit(value, RESERVED_ONE_BIT),
            raw=value,
        )

    @property
    def undefined_bits(self) -> int:
        """Bits 63:26, reserved by the specification."""
        return self.raw & ~DEFINED_BITS_MASK


def compose_policy(
    *,
    abi_major: int = 0,
    abi_minor: int = 0,
    smt: bool = False,
    migrate_ma: bool = False,
    debug: bool = False,
    single_socket: bool = False,
    cxl_allow: bool = False,
    mem_aes_256_xts: bool = False,
    rapl_dis: bool = False,
    ciphertext_hiding: bool = False,
    page_swap_disable: bool = False,
) -> int:
    """The 64-bit policy value with the reserved-one bit set."""
    value = (abi_minor & 0xFF) | (abi_major & 0xFF) << 8 | 1 << RESERVED_ONE_BIT
    for flag, bit in (
        (smt, SMT_BIT),
        (migrate_ma, MIGRATE_MA_BIT),
        (debug, DEBUG_BIT),
        (single_socket, SINGLE_SOCKET_BIT),
        (cxl_allow, CXL_ALLOW_BIT),
        (mem_aes_256_xts, MEM_AES_256_XTS_BIT),
        (rapl_dis, RAPL_DIS_BIT),
        (ciphertext_hiding, CIPHERTEXT_HIDING_BIT),
        (page_swap_disable, PAGE_SWAP_DISABLE_BIT),
    ):
        if flag:
            value |= 1 << bit
    return value
