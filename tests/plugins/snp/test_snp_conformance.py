"""The conformance kit on the SEV-SNP verifier: real reports (PROVENANCE.md) and forged negative cases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import (
    BindingError,
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

NOW = parse_time("2025-06-01T00:00:00Z")
"""Inside every VCEK/VLEK window of PROVENANCE.md (the VLEK's is 2024-12-10 .. 2025-12-10)."""


@pytest.fixture(scope="module")
def plugin_host() -> PluginHost:
    return PluginHost.load()


@pytest.fixture(scope="module")
def snp_cases(
    plugin_host: PluginHost,
    snp_vectors: Path,
    snp_collateral: Callable[..., CollateralStore],
    tmp_path_factory: pytest.TempPathFactory,
) -> list[ConformanceCase]:
    def real(
        name: str,
        report: str,
        *collateral: str,
        now: datetime = NOW,
        expected_error: type[CcpolicyError] | None = None,
    ) -> ConformanceCase:
        return ConformanceCase(
            name=name,
            evidence=(snp_vectors / report).read_bytes(),
            collateral=snp_collateral(*collateral),
            now=now,
            expected_error=expected_error,
        )

    forge = plugin_host.evidence_forges["snp"]
    out = tmp_path_factory.mktemp("snp-conformance")
    return [
        real("gsg_milan_v2_debug", "gsg_attestation_milan_v2_debug.bin", "gsg_vcek_milan.der", "ask_ark_milan.pem"),
        real("trustee_milan_v2", "trustee_report_milan_v2_vcek.bin", "trustee_vcek_milan.der", "ask_ark_milan.pem"),
        real(
            "trustee_milan_v3_vlek",
            "trustee_report_milan_v3_vlek.bin",
            "trustee_vlek_milan.der",
            "ask_ark_milan_vlek.pem",
        ),
        # Real negative cases: PROVENANCE's windows, a VCEK of another chip, an ASK of another product.
        real(
            "vlek_after_its_window",
            "trustee_report_milan_v3_vlek.bin",
            "trustee_vlek_milan.der",
            "ask_ark_milan_vlek.pem",
            now=parse_time("2026-01-01T00:00:00Z"),
            expected_error=CollateralExpiredError,
        ),
        real(
            "vcek_before_its_window",
            "gsg_attestation_milan_v2_debug.bin",
            "gsg_vcek_milan.der",
            "ask_ark_milan.pem",
            now=parse_time("2022-01-01T00:00:00Z"),
            expected_error=CollateralNotYetValidError,
        ),
        real(
            "vcek_of_another_chip",
            "gsg_attestation_milan_v2_debug.bin",
            "trustee_vcek_milan.der",
            "ask_ark_milan.pem",
            expected_error=BindingError,
        ),
        real(
            "genoa_ask_for_a_milan_vcek",
            "gsg_attestation_milan_v2_debug.bin",
            "gsg_vcek_milan.der",
            "ask_ark_genoa.pem",
            expected_error=CollateralMissingError,
        ),
        # Forged: verifies only under the test root, and each negative case the forge documents.
        forged_case(forge, out, name="forged", now=NOW),
        forged_case(
            forge,
            out,
            name="forged_untrusted_root",
            now=NOW,
            unsafe_trust_test_root=False,
            expected_error=ChainError,
        ),
        forged_case(
            forge,
            out,
            name="forged_revoked_vcek",
            now=NOW,
            settings={"revoke": "vcek"},
            expected_error=RevokedError,
        ),
        forged_case(
            forge,
            out,
            name="forged_expired_vcek",
            now=NOW,
            settings={"vcek_not_before": "2024-01-01T00:00:00Z", "vcek_not_after": "2025-01-01T00:00:00Z"},
            expected_error=CollateralExpiredError,
        ),
        forged_case(
            forge,
            out,
            name="forged_tcb_mismatch",
            now=NOW,
            settings={"tcb_mismatch": "1"},
            expected_error=BindingError,
        ),
        forged_case(
            forge,
            out,
            name="forged_without_vcek",
            now=NOW,
            keep_collateral=lambda path: path.name != "vcek.der",
            expected_error=CollateralMissingError,
        ),
    ]


class TestSnpConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("snp")

    @pytest.fixture
    def conformance_cases(self, snp_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return snp_cases
