"""The conformance kit on the Arm CCA verifier: the TF-RMM token (PROVENANCE.md) and forged negative cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.errors import BindingError, ChainError, CollateralMissingError, SignatureError
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import TeeVerifier
from ccpolicy.testing import ConformanceCase, TeeVerifierConformance, forged_case

NOW = parse_time("2025-06-01T00:00:00Z")
"""PROVENANCE.md: no time dependency (a raw CPAK, no certificates)."""


@pytest.fixture(scope="module")
def plugin_host() -> PluginHost:
    return PluginHost.load()


@pytest.fixture(scope="module")
def cca_cases(
    plugin_host: PluginHost, vectors: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[ConformanceCase]:
    token = (vectors / "cca" / "tfrmm_cca_token.cbor").read_bytes()
    forge = plugin_host.evidence_forges["cca"]
    out = tmp_path_factory.mktemp("cca-conformance")
    return [
        ConformanceCase(
            name="tfrmm", evidence=token, collateral=load_collateral([vectors / "cca" / "fvp_cpak_public.pem"]), now=NOW
        ),
        ConformanceCase(
            name="tfrmm_with_the_psa_iak",
            evidence=token,
            collateral=load_collateral([vectors / "psa" / "tfm_iak_public.pem"]),
            now=NOW,
            expected_error=SignatureError,
        ),
        ConformanceCase(
            name="tfrmm_without_its_cpak",
            evidence=token,
            collateral=CollateralStore(),
            now=NOW,
            expected_error=CollateralMissingError,
        ),
        forged_case(forge, out, name="forged", now=NOW),
        forged_case(forge, out, name="forged_sha384_realm", now=NOW, settings={"hash_algorithm": "sha-384"}),
        forged_case(forge, out, name="forged_cose_key_rak", now=NOW, settings={"rak_format": "cose_key"}),
        forged_case(
            forge, out, name="forged_untrusted_cpak", now=NOW, unsafe_trust_test_root=False, expected_error=ChainError
        ),
        forged_case(
            forge, out, name="forged_unbound_rak", now=NOW, settings={"rak_binding": "0"}, expected_error=BindingError
        ),
    ]


class TestCcaConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("cca")

    @pytest.fixture
    def conformance_cases(self, cca_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return cca_cases
