"""Fixtures of the Azure vTPM tests: a plugin host that includes this plugin, the vectors, and contexts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import VerificationContext
from ccpolicy_azure_vtpm.hcl_report import HardwareReportType
from ccpolicy_azure_vtpm.trustee_envelope import trustee_envelope
from ccpolicy_azure_vtpm.verifier import AzureVtpmVerifier
from tests.plugins.azure_vtpm.vtpm_cases import NOW, make_host


@pytest.fixture(scope="session")
def host() -> PluginHost:
    return make_host()


@pytest.fixture(scope="session")
def snp_verifier(host: PluginHost) -> AzureVtpmVerifier:
    verifier = host.verifier("az-snp-vtpm")
    assert isinstance(verifier, AzureVtpmVerifier)
    return verifier


@pytest.fixture(scope="session")
def tdx_verifier(host: PluginHost) -> AzureVtpmVerifier:
    verifier = host.verifier("az-tdx-vtpm")
    assert isinstance(verifier, AzureVtpmVerifier)
    return verifier


@pytest.fixture(scope="session")
def snp_dir(vectors: Path) -> Path:
    return vectors / "az-snp-vtpm"


@pytest.fixture(scope="session")
def tdx_dir(vectors: Path) -> Path:
    return vectors / "az-tdx-vtpm"


@pytest.fixture(scope="session")
def amd_collateral(snp_dir: Path) -> CollateralStore:
    """ASK + ARK of Milan only: the VCEKs come from the envelopes."""
    return load_collateral([snp_dir / "ask_ark_milan.pem"])


ContextFactory = Callable[..., VerificationContext]


@pytest.fixture(scope="session")
def context_for(host: PluginHost, amd_collateral: CollateralStore) -> ContextFactory:
    def make(
        collateral: CollateralStore | None = None, now: datetime = NOW, lookup: Any = host.verifier
    ) -> VerificationContext:
        return VerificationContext(
            now=now, collateral=amd_collateral if collateral is None else collateral, verifier_lookup=lookup
        )

    return make


@pytest.fixture(scope="session")
def snp_loose_envelope(snp_dir: Path) -> bytes:
    """hcl-report.bin + tpm-quote-v1.json as a version 1 envelope, without a VCEK (it comes from collateral)."""
    return trustee_envelope(
        kind=HardwareReportType.SNP,
        hcl_report=(snp_dir / "trustee_hcl-report.bin").read_bytes(),
        tpm_quote=json.loads((snp_dir / "trustee_tpm-quote-v1.json").read_bytes()),
    )


@pytest.fixture(scope="session")
def tdx_loose_envelope(tdx_dir: Path) -> bytes:
    return trustee_envelope(
        kind=HardwareReportType.TDX,
        hcl_report=(tdx_dir / "trustee_hcl-report.bin").read_bytes(),
        tpm_quote=json.loads((tdx_dir / "trustee_tpm-quote-v1.json").read_bytes()),
        td_quote=(tdx_dir / "trustee_td-quote.bin").read_bytes(),
    )
