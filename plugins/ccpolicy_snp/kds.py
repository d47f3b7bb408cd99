"""Where AMD's Key Distribution Service serves SEV-SNP collateral (KDS specification 57230).

Only paths and URLs are built here (for messages that tell the user what to fetch, and for
kds_client.py, which does the fetching); nothing is downloaded in this module.

* VCEK: ``/vcek/v1/{product}/{hwid}?blSPL=..&teeSPL=..&snpSPL=..&ucodeSPL=..`` (DER); Turin adds
  ``fmcSPL`` and indexes by the first 8 bytes of CHIP_ID.
* ASK + ARK: ``/vcek/v1/{product}/cert_chain``; ASVK + ARK: ``/vlek/v1/{product}/cert_chain`` (PEM).
* CRL of the ARK: ``/vcek/v1/{product}/crl`` and ``/vlek/v1/{product}/crl`` (DER).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

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


def key_kind(signing_key: SigningKey) -> str:
    """The first path segment: ``vlek`` for the VLEK's chain and CRL, ``vcek`` otherwise."""
    return "vlek" if signing_key is SigningKey.VLEK else "vcek"


def vcek_query(tcb: TcbVersion) -> str:
    query = f"blSPL={tcb.bootloader}&teeSPL={tcb.tee}&snpSPL={tcb.snp}&ucodeSPL={tcb.microcode}"
    if tcb.fmc is not None:
        query = f"fmcSPL={tcb.fmc}&{query}"
    return query


def vcek_path(product: SevProduct | None, chip_id: bytes, tcb: TcbVersion) -> str:
    """Path and query of the VCEK for ``chip_id`` at ``tcb`` (the report's REPORTED_TCB)."""
    hwid = hwid_for_chip(chip_id, product).hex()
    return f"/vcek/v1/{product_path(product)}/{hwid}?{vcek_query(tcb)}"


def cert_chain_path(product: SevProduct | None, signing_key: SigningKey) -> str:
    """Path of the ASK (or ASVK) + ARK bundle."""
    return f"/{key_kind(signing_key)}/v1/{product_path(product)}/cert_chain"


def crl_path(product: SevProduct | None, signing_key: SigningKey) -> str:
    """Path of the CRL the ARK issues for the product line."""
    return f"/{key_kind(signing_key)}/v1/{product_path(product)}/crl"


def vcek_url(product: SevProduct | None, chip_id: bytes, tcb: TcbVersion, base_url: str = KDS_BASE_URL) -> str:
    """The KDS URL of the VCEK for ``chip_id`` at ``tcb`` (the report's REPORTED_TCB)."""
    return base_url.rstrip("/") + vcek_path(product, chip_id, tcb)


def cert_chain_url(product: SevProduct | None, signing_key: SigningKey, base_url: str = KDS_BASE_URL) -> str:
    """The KDS URL of the ASK (or ASVK) + ARK bundle."""
    return base_url.rstrip("/") + cert_chain_path(product, signing_key)


def crl_url(product: SevProduct | None, signing_key: SigningKey, base_url: str = KDS_BASE_URL) -> str:
    """The KDS URL of the ARK's CRL for the product line."""
    return base_url.rstrip("/") + crl_path(product, signing_key)


class ArtifactKind(enum.Enum):
    """What a KDS answer holds."""

    VCEK = "VCEK"
    CERT_CHAIN = "certificate chain"
    CRL = "CRL"


@dataclass(frozen=True, slots=True, kw_only=True)
class KdsRequest:
    """One artifact to get from KDS, and where the cache keeps it."""

    kind: ArtifactKind
    path: str
    """Path and query on the KDS server."""
    cache_name: str
    """Relative path in the cache directory: the KDS path with the query spelled as a file name."""
    what: str
    """What it is, for messages."""


def vcek_request(product: SevProduct, chip_id: bytes, tcb: TcbVersion) -> KdsRequest:
    hwid = hwid_for_chip(chip_id, product).hex()
    levels = "-".join(f"{name}{level}" for name, level in _levels(tcb))
    return KdsRequest(
        kind=ArtifactKind.VCEK,
        path=vcek_path(product, chip_id, tcb),
        cache_name=f"vcek/v1/{product.value}/{hwid}/{levels}.der",
        what=f"{product.value} VCEK of hwID {hwid[:16]}... at {tcb.describe()}",
    )


def cert_chain_request(product: SevProduct, signing_key: SigningKey) -> KdsRequest:
    kind = key_kind(signing_key)
    return KdsRequest(
        kind=ArtifactKind.CERT_CHAIN,
        path=cert_chain_path(product, signing_key),
        cache_name=f"{kind}/v1/{product.value}/cert_chain.pem",
        what=f"{product.value} {'ASVK' if signing_key is SigningKey.VLEK else 'ASK'} + ARK chain",
    )


def crl_request(product: SevProduct, signing_key: SigningKey) -> KdsRequest:
    kind = key_kind(signing_key)
    return KdsRequest(
        kind=ArtifactKind.CRL,
        path=crl_path(product, signing_key),
        cache_name=f"{kind}/v1/{product.value}/crl.der",
        what=f"{product.value} ARK CRL ({kind})",
    )


def _levels(tcb: TcbVersion) -> list[tuple[str, int]]:
    levels = [("bl", tcb.bootloader), ("tee", tcb.tee), ("snp", tcb.snp), ("ucode", tcb.microcode)]
    return [("fmc", tcb.fmc), *levels] if tcb.fmc is not None else levels
