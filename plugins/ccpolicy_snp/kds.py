"""Where AMD's Key Distribution Service serves SEV-SNP collateral (KDS specification 57230).

Only URLs are built here, for messages that tell the user what to fetch; nothing is downloaded.
"""

from __future__ import annotations

from ccpolicy_snp.key_info import SigningKey
from ccpolicy_snp.product import SevProduct
from ccpolicy_snp.tcb import TcbVersion

KDS_BASE_URL = "https://kdsintf.amd.com"
TURIN_HWID_SIZE = 8


def product_path(product: SevProduct | None) -> str:
    """The product segment of a KDS URL; version 2 reports do not say whether they are Milan or Genoa."""
    return product.value if product is not None else "{Milan|Genoa}"


def hwid_for_chip(chip_id: bytes, product: SevProduct | None) -> bytes:
    """The hardware id KDS indexes VCEKs by: the whole CHIP_ID, or its first 8 bytes on Turin."""
    return chip_id[:TURIN_HWID_SIZE] if product is SevProduct.TURIN else chip_id


def vcek_url(product: SevProduct | None, chip_id: bytes, tcb: TcbVersion) -> str:
    """The KDS URL of the VCEK for ``chip_id`` at ``tcb`` (the report's REPORTED_TCB)."""
    query = f"blSPL={tcb.bootloader}&teeSPL={tcb.tee}&snpSPL={tcb.snp}&ucodeSPL={tcb.microcode}"
    if tcb.fmc is not None:
        query = f"fmcSPL={tcb.fmc}&{query}"
    hwid = hwid_for_chip(chip_id, product).hex()
    return f"{KDS_BASE_URL}/vcek/v1/{product_path(product)}/{hwid}?{query}"


def cert_chain_url(product: SevProduct | None, signing_key: SigningKey) -> str:
    """The KDS URL of the ASK (or ASVK) + ARK bundle."""
    kind = "vlek" if signing_key is SigningKey.VLEK else "vcek"
    return f"{KDS_BASE_URL}/{kind}/v1/{product_path(product)}/cert_chain"
