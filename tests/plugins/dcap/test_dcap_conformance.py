"""The conformance kit on the SGX and TDX verifiers: real quotes (PROVENANCE.md) and forged negative cases."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import load_collateral
from ccpolicy.errors import (
    CcpolicyError,
    ChainError,
    CollateralExpiredError,
    CollateralMissingError,
    CollateralNotYetValidError,
    RevokedError,
)
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import TeeVerifier
from ccpolicy.testing import ConformanceCase, TeeVerifierConformance, forged_case

from .conftest import CASES, DcapCase

NOW = parse_time("2025-06-01T00:00:00Z")
"""When the forged cases are made and verified (real quotes use the middle of their PROVENANCE window)."""
QVL_TDX_V4_PADDING = 70
"""PROVENANCE.md: qvl_tdx_quote_v4.bin carries 70 trailing zero bytes after the signature data."""
CASE_BY_NAME = {case.name: case for case in CASES}


@pytest.fixture(scope="module")
def plugin_host() -> PluginHost:
    return PluginHost.load()


def real_case(
    vectors: Path,
    case: DcapCase,
    *,
    name: str | None = None,
    now: datetime | None = None,
    padding: int = 0,
    collateral: tuple[str, ...] | None = None,
    expected_error: type[CcpolicyError] | None = None,
) -> ConformanceCase:
    """A PROVENANCE vector as a conformance case; ``padding`` trailing bytes are cut off.

    The kit truncates from the end and expects every truncation to fail; zero padding after the
    quote is outside the format (the plugin's own sweeps check that it is tolerated).
    """
    data = (vectors / case.quote).read_bytes()
    if padding:
        assert data[-padding:] == bytes(padding), f"{case.quote}: the padding of PROVENANCE.md is not zero"
        data = data[:-padding]
    return ConformanceCase(
        name=name or case.name,
        evidence=data,
        collateral=load_collateral([vectors / path for path in collateral or case.collateral]),
        now=now or case.now,
        expected_error=expected_error,
    )


@pytest.fixture(scope="module")
def sgx_cases(
    plugin_host: PluginHost, vectors: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[ConformanceCase]:
    forge = plugin_host.evidence_forges["sgx"]
    out = tmp_path_factory.mktemp("sgx-conformance")
    sgx_v3 = CASE_BY_NAME["sgx_v3"]
    return [
        real_case(vectors, sgx_v3),
        real_case(
            vectors,
            sgx_v3,
            name="sgx_v3_after_its_window",
            now=parse_time("2025-08-01T00:00:00Z"),
            expected_error=CollateralExpiredError,
        ),
        forged_case(forge, out, name="forged_v3", now=NOW),
        forged_case(forge, out, name="forged_v4", now=NOW, settings={"version": "4"}),
        forged_case(
            forge, out, name="forged_untrusted_root", now=NOW, unsafe_trust_test_root=False, expected_error=ChainError
        ),
        forged_case(
            forge, out, name="forged_revoked_pck", now=NOW, settings={"revoked": "pck"}, expected_error=RevokedError
        ),
        forged_case(
            forge,
            out,
            name="forged_expired_crl",
            now=NOW,
            settings={"crl_expired": "1"},
            expected_error=CollateralExpiredError,
        ),
        forged_case(
            forge,
            out,
            name="forged_expired_tcb_info",
            now=NOW,
            settings={"tcb_info_expired": "1"},
            expected_error=CollateralExpiredError,
        ),
    ]


@pytest.fixture(scope="module")
def tdx_cases(
    plugin_host: PluginHost, vectors: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[ConformanceCase]:
    forge = plugin_host.evidence_forges["tdx"]
    out = tmp_path_factory.mktemp("tdx-conformance")
    tdx_v4 = CASE_BY_NAME["tdx_v4_qvl"]
    return [
        real_case(vectors, tdx_v4, padding=QVL_TDX_V4_PADDING),
        real_case(vectors, CASE_BY_NAME["tdx_v5_outdated"]),  # verifies; no TCB level matches (status None)
        real_case(
            vectors,
            tdx_v4,
            name="tdx_v4_before_its_window",
            now=parse_time("2025-06-01T00:00:00Z"),
            expected_error=CollateralNotYetValidError,
        ),
        real_case(
            vectors,
            tdx_v4,
            name="tdx_v4_with_the_sgx_collateral",
            collateral=CASE_BY_NAME["sgx_v3"].collateral,
            expected_error=CollateralMissingError,
        ),
        forged_case(forge, out, name="forged_v4", now=NOW),
        forged_case(forge, out, name="forged_v5", now=NOW, settings={"version": "5"}),
        forged_case(
            forge, out, name="forged_untrusted_root", now=NOW, unsafe_trust_test_root=False, expected_error=ChainError
        ),
        forged_case(
            forge,
            out,
            name="forged_revoked_pck_ca",
            now=NOW,
            settings={"revoked": "pck_ca"},
            expected_error=RevokedError,
        ),
        forged_case(
            forge,
            out,
            name="forged_expired_qe_identity",
            now=NOW,
            settings={"qe_identity_expired": "1"},
            expected_error=CollateralExpiredError,
        ),
    ]


class TestSgxConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("sgx")

    @pytest.fixture
    def conformance_cases(self, sgx_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return sgx_cases


class TestTdxConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("tdx")

    @pytest.fixture
    def conformance_cases(self, tdx_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return tdx_cases
