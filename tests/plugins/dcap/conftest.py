"""Real Intel DCAP vectors (../shared/vectors/sgx and tdx) and the evaluation times of their PROVENANCE.md."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralJson, CollateralStore, load_collateral
from ccpolicy.interfaces import VerificationContext
from ccpolicy_dcap.verifier import DcapVerifier, SgxVerifier, TdxVerifier

GTG_PCS_FILES = (
    "tdx/gtg_tcbinfo_fmspc50806f000000.json",
    "tdx/gtg_qe_identity_td_qe.json",
    "tdx/gtg_pck_platform_crl.der",
    "tdx/gtg_root_ca_crl.der",
    "tdx/gtg_tcb_info_issuer_chain.pem",
    "tdx/gtg_pck_crl_issuer_chain.pem",
)


@dataclass(frozen=True)
class DcapCase:
    """One quote, its collateral files, and a time inside its PROVENANCE.md evaluation window."""

    name: str
    quote: str
    collateral: tuple[str, ...]
    window: tuple[str, str]
    status: str | None
    tee: str

    @property
    def now(self) -> datetime:
        start, end = (parse_time(moment) for moment in self.window)
        return start + (end - start) / 2

    def verifier(self) -> DcapVerifier:
        return SgxVerifier() if self.tee == "sgx" else TdxVerifier()


CASES = (
    DcapCase(
        name="sgx_v3",
        quote="sgx/qvl_sgx_quote_v3.bin",
        collateral=("sgx/qvl_sgx_quote_v3_collateral.json",),
        window=("2025-06-19T10:56:11Z", "2025-07-19T10:01:18Z"),
        status="ConfigurationAndSWHardeningNeeded",
        tee="sgx",
    ),
    DcapCase(
        name="tdx_v4_qvl",
        quote="tdx/qvl_tdx_quote_v4.bin",
        collateral=("tdx/qvl_tdx_quote_v4_collateral.json",),
        window=("2025-06-19T10:32:27Z", "2025-07-19T10:00:35Z"),
        status="UpToDate",
        tee="tdx",
    ),
    DcapCase(
        name="tdx_v5_outdated",
        quote="tdx/qvl_tdx_quote_v5_outdated.bin",
        collateral=("tdx/qvl_tdx_quote_v5_outdated_collateral.json",),
        window=("2026-02-18T10:58:51Z", "2026-03-20T10:41:15Z"),
        status=None,
        tee="tdx",
    ),
    DcapCase(
        name="tdx_v4_spr_e4",
        quote="tdx/gtg_tdx_prod_quote_SPR_E4_v4.dat",
        collateral=GTG_PCS_FILES,
        window=("2023-06-18T08:42:58Z", "2023-07-08T07:24:59Z"),
        status=None,
        tee="tdx",
    ),
)
CASE_IDS = [case.name for case in CASES]


def collateral_store(paths: Sequence[Path]) -> CollateralStore:
    """Load collateral files; JSON documents are recognized first.

    ``ccpolicy.collateral`` sorts any file containing a PEM header as PEM before trying JSON, so a
    dcap-qvl bundle (JSON whose strings hold PEM chains) fails to load there.  Until the core checks
    JSON first, JSON files are read here and everything else goes through ``load_collateral``.
    """
    documents = []
    others = []
    for path in paths:
        raw = path.read_bytes()
        try:
            documents.append(CollateralJson(document=json.loads(raw), raw=raw, origin=path))
        except ValueError:
            others.append(path)
    base = load_collateral(others) if others else CollateralStore()
    return base.merged(CollateralStore(json_documents=tuple(documents)))


def case_context(vectors: Path, case: DcapCase, *, now: datetime | None = None) -> VerificationContext:
    store = collateral_store([vectors / name for name in case.collateral])
    return VerificationContext(now=now or case.now, collateral=store)


@pytest.fixture(params=CASES, ids=CASE_IDS)
def case(request: pytest.FixtureRequest) -> DcapCase:
    return request.param  # type: ignore[no-any-return]
