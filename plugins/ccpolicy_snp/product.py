"""SEV-SNP product lines, identified from CPUID or from AMD certificate names."""

from __future__ import annotations

import enum


class SevProduct(enum.Enum):
    """An AMD EPYC product line with SEV-SNP. The value is the name AMD's KDS uses in URLs and CNs."""

    MILAN = "Milan"
    GENOA = "Genoa"
    TURIN = "Turin"

    @classmethod
    def from_cpuid(cls, family: int, model: int) -> SevProduct | None:
        """The product for CPUID family / full model (extended model << 4 | model), or None if unknown.

        Family 19h: Milan is model 00h-0Fh, Genoa 10h-1Fh and A0h-AFh. Family 1Ah: Turin is 00h-11h.
        """
        if family == 0x19:
            if model <= 0x0F:
                return cls.MILAN
            if 0x10 <= model <= 0x1F or 0xA0 <= model <= 0xAF:
                return cls.GENOA
        if family == 0x1A and model <= 0x11:
            return cls.TURIN
        return None

    @classmethod
    def from_name(cls, name: str) -> SevProduct | None:
        """``Milan``, ``Milan-B0`` or ``Turin`` -> the product; anything else -> None."""
        head = name.split("-", 1)[0]
        for product in cls:
            if product.value == head:
                return product
        return None
