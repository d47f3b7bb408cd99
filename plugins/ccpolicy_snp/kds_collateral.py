"""The collateral of one SEV-SNP report, from AMD KDS through the cache (``ccpolicy collateral fetch snp``).

For a report signed by a VCEK: the VCEK of its CHIP_ID at its REPORTED_TCB (Turin: hwID = the first
8 bytes of CHIP_ID, and the FMC level), the ASK + ARK chain and the ARK's CRL of the product line. For
a VLEK: the ASVK + ARK chain and the CRL; the VLEK itself is issued to a cloud provider and does not
come from KDS (pass it with ``--collateral``). Version 2 reports do not name their product: the VCEK is
asked for as Milan, then as Genoa (KDS answers 404 for the wrong one).

A cached artifact is used while ``now`` lies inside its window, so each VCEK is fetched once per cache
lifetime; an artifact outside its window is fetched again. A CRL outside its window is never handed
out: when KDS itself serves a stale CRL, the fetch fails with a CollateralError naming the window, and
nothing is cached. A CRL is required (revocation is not skipped silently) and must be issued in the name
of the chain's ARK; its signature is checked by trust.py when the collateral is used.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from cryptography import x509

from ccpolicy.errors import CollateralMissingError, SignatureError
from ccpolicy_snp.claims import TEE_ID
from ccpolicy_snp.kds import (
    KDS_BASE_URL,
    ArtifactKind,
    KdsRequest,
    cert_chain_request,
    crl_request,
    vcek_request,
)
from ccpolicy_snp.kds_artifacts import artifact_window, chain_root_name, require_crl_issuer, require_current_crl
from ccpolicy_snp.kds_cache import CachedArtifact, KdsCache
from ccpolicy_snp.kds_client import DEFAULT_TIMEOUT, MAX_RETRIES, MAX_RETRY_DELAY, KdsClient, KdsNotFoundError
from ccpolicy_snp.key_info import SigningKey
from ccpolicy_snp.product import SevProduct
from ccpolicy_snp.report import SnpReport, parse_report

UNNAMED_PRODUCTS = (SevProduct.MILAN, SevProduct.GENOA)
"""The product lines a version 2 report (no CPUID) can come from, in the order KDS is asked."""


class KdsCollateralSource:
    """The collateral source of SEV-SNP evidence: AMD KDS (``name`` is the store's source label)."""

    tee_id: str = TEE_ID
    name: str = "kds"

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = MAX_RETRIES,
        max_delay: float = MAX_RETRY_DELAY,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_delay = max_delay
        self._sleep = sleep

    def fetch(
        self, evidence: bytes, *, cache_dir: Path, now: datetime, service_url: str | None = None
    ) -> Sequence[Path]:
        """Files in ``cache_dir`` that endorse ``evidence`` at ``now``, fetched from KDS when not cached."""
        report = parse_report(evidence)
        client = KdsClient(
            service_url or KDS_BASE_URL,
            timeout=self.timeout,
            max_retries=self.max_retries,
            max_delay=self.max_delay,
            sleep=self._sleep,
        )
        return fetch_report_collateral(report, cache=KdsCache(cache_dir), client=client, now=now)


def fetch_report_collateral(report: SnpReport, *, cache: KdsCache, client: KdsClient, now: datetime) -> list[Path]:
    signing_key = report.key_info.signing_key
    if signing_key is SigningKey.NONE:
        raise SignatureError("the report says no key signed it (SIGNING_KEY = none); no collateral endorses it")
    paths: list[Path] = []
    if signing_key is SigningKey.VCEK:
        vcek, product = _vcek(report, cache, client, now)
        paths.append(vcek.path)
    elif report.product is None:
        raise CollateralMissingError(
            "a version 2 report signed by a VLEK does not say its product line, so its ASVK chain cannot be chosen",
            hint="pass the VLEK and its ASVK + ARK chain with --collateral",
        )
    else:
        product = report.product
    chain = obtain(cert_chain_request(product, signing_key), cache=cache, client=client, now=now)
    crl = obtain(
        crl_request(product, signing_key), cache=cache, client=client, now=now, crl_issuer=chain_root_name(chain.data)
    )
    return [*paths, chain.path, crl.path]


def obtain(
    request: KdsRequest, *, cache: KdsCache, client: KdsClient, now: datetime, crl_issuer: x509.Name | None = None
) -> CachedArtifact:
    """The cached artifact when valid at ``now`` (and, for a CRL, of ``crl_issuer``); else fetch, check, cache it."""
    cached = cache.load(request)
    if cached is not None and cached.window.contains(now) and _issued_by(cached.data, crl_issuer):
        return cached
    url = client.url(request.path)
    data = client.get(request.path, what=request.what)
    origin = f"served at {url}"
    window = artifact_window(request.kind, data, origin=origin)
    if request.kind is ArtifactKind.CRL:
        require_current_crl(window, now, origin=origin)
        if crl_issuer is not None:
            require_crl_issuer(data, crl_issuer, origin=origin)
    return cache.store(request, data, url=url, window=window)


def _issued_by(crl: bytes, issuer: x509.Name | None) -> bool:
    if issuer is None:
        return True
    try:
        require_crl_issuer(crl, issuer, origin="in the cache")
    except CollateralMissingError:
        return False
    return True


def _vcek(report: SnpReport, cache: KdsCache, client: KdsClient, now: datetime) -> tuple[CachedArtifact, SevProduct]:
    if not any(report.chip_id):
        raise CollateralMissingError(
            "the report masks its CHIP_ID, and KDS serves VCEKs by chip",
            hint="pass the VCEK from the host (its extended report's certificate table) with --collateral",
        )
    products = (report.product,) if report.product is not None else UNNAMED_PRODUCTS

    def vcek_of(product: SevProduct) -> CachedArtifact:
        request = vcek_request(product, report.chip_id, report.reported_tcb)
        return obtain(request, cache=cache, client=client, now=now)

    for product in products[:-1]:
        try:
            return vcek_of(product), product
        except KdsNotFoundError:
            continue  # a version 2 report: KDS may know this chip under the next product line
    return vcek_of(products[-1]), products[-1]
