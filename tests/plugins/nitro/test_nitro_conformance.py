"""The conformance kit on the Nitro verifier: the real documents (PROVENANCE.md) and forged negative cases."""

from __future__ import annotations

import base64

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import ChainError, CollateralExpiredError, CollateralNotYetValidError
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import TeeVerifier
from ccpolicy.testing import ConformanceCase, TeeVerifierConformance, forged_case

from .conftest import NitroVector

NOW = parse_time("2025-06-01T00:00:00Z")


@pytest.fixture(scope="module")
def plugin_host() -> PluginHost:
    return PluginHost.load()


@pytest.fixture(scope="module")
def nitro_cases(
    plugin_host: PluginHost,
    production: NitroVector,
    debug_mode: NitroVector,
    tmp_path_factory: pytest.TempPathFactory,
) -> list[ConformanceCase]:
    forge = plugin_host.evidence_forges["nitro"]
    out = tmp_path_factory.mktemp("nitro-conformance")
    no_collateral = CollateralStore()  # the AWS root is embedded in the plugin
    return [
        ConformanceCase(name="production", evidence=production.text, collateral=no_collateral, now=production.at),
        # The debug document goes in as its CBOR: its base64 text ends in "=" padding, which the plugin's
        # decoder does not require, so the kit's cut of the last byte would give the same document.
        ConformanceCase(
            name="debug", evidence=base64.b64decode(debug_mode.text), collateral=no_collateral, now=debug_mode.at
        ),
        ConformanceCase(
            name="production_after_its_signing_certificate",
            evidence=production.text,
            collateral=no_collateral,
            now=parse_time("2030-01-01T00:00:00Z"),
            expected_error=CollateralExpiredError,
        ),
        ConformanceCase(
            name="production_before_its_signing_certificate",
            evidence=production.text,
            collateral=no_collateral,
            now=parse_time("2024-09-01T00:00:00Z"),
            expected_error=CollateralNotYetValidError,
        ),
        forged_case(forge, out, name="forged", now=NOW),
        forged_case(forge, out, name="forged_debug", now=NOW, settings={"debug": "true"}),
        forged_case(
            forge, out, name="forged_untrusted_root", now=NOW, unsafe_trust_test_root=False, expected_error=ChainError
        ),
        forged_case(
            forge,
            out,
            name="forged_without_its_root",
            now=NOW,
            keep_collateral=lambda path: False,
            expected_error=ChainError,
        ),
    ]


class TestNitroConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("nitro")

    @pytest.fixture
    def conformance_cases(self, nitro_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return nitro_cases
