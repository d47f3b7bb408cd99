"""The key-information word at offset 0x48 of the report (ABI spec 56860).

Bit 0 AUTHOR_KEY_EN, bit 1 MASK_CHIP_KEY (the VCEK is not used for attestation), bits 4:2 SIGNING_KEY
(0 VCEK, 1 VLEK, 7 none; 2-6 reserved), bits 31:5 reserved.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

RESERVED_MASK = 0xFFFF_FFE0


class SigningKey(enum.Enum):
    """Which key signed the report."""

    VCEK = 0
    VLEK = 1
    NONE = 7

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyInfo:
    author_key_en: bool
    mask_chip_key: bool
    signing_key: SigningKey
    raw: int


def compose_key_info(*, author_key_en: bool, mask_chip_key: bool, signing_key: SigningKey) -> int:
    return int(author_key_en) | int(mask_chip_key) << 1 | signing_key.value << 2
