"""The conformance kit on the PSA verifier: the TF-M token (PROVENANCE.md) and forged negative cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.errors import ChainError, CollateralMissingError, SignatureError
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import TeeVerifier
from ccpolicy.testing import ConformanceCase, TeeVerifierConformance, forged_case

NOW = parse_time("2025-06-01T00:00:00Z")
"""PROVENANCE.md: no time dependency (a raw key, no certificates)."""


@pytest.fixture(scope="module")
def plugin_host() -> PluginHost:
    return PluginHost.load()


@pytest.fixture(scope="module")
def psa_cases(
    plugin_host: PluginHost, vectors: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[ConformanceCase]:
    token = (vectors / "psa" / "tfm_psa-2_0_0_sign1.cbor").read_bytes()
    forge = plugin_host.evidence_forges["psa"]
    out = tmp_path_factory.mktemp("psa-conformance")
    return [
        ConformanceCase(
            name="tfm", evidence=token, collateral=load_collateral([vectors / "psa" / "tfm_iak_public.pem"]), now=NOW
        ),
        ConformanceCase(
            name="tfm_with_the_cca_cpak",
            evidence=token,
            collateral=load_collateral([vectors / "cca" / "fvp_cpak_public.pem"]),
            now=NOW,
            expected_error=SignatureError,
        ),
        ConformanceCase(
            name="tfm_without_its_iak",
            evidence=token,
            collateral=CollateralStore(),
            now=NOW,
            expected_error=CollateralMissingError,
        ),
        forged_case(forge, out, name="forged", now=NOW),
        forged_case(forge, out, name="forged_tfm_profile", now=NOW, settings={"profile": "tfm"}),
        forged_case(forge, out, name="forged_legacy_profile", now=NOW, settings={"profile": "legacy"}),
        forged_case(
            forge, out, name="forged_untrusted_key", now=NOW, unsafe_trust_test_root=False, expected_error=ChainError
        ),
    ]


class TestPsaConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("psa")

    @pytest.fixture
    def conformance_cases(self, psa_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return psa_cases
