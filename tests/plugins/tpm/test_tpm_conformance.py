"""The conformance kit on the TPM verifier: the GCE vTPM attestation (PROVENANCE.md) and forged cases."""

from __future__ import annotations

import dataclasses

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import CollateralExpiredError, CollateralMissingError, CollateralNotYetValidError
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import TeeVerifier
from ccpolicy.testing import ConformanceCase, TeeVerifierConformance, forged_case

from .conftest import NOW


@pytest.fixture(scope="module")
def plugin_host() -> PluginHost:
    return PluginHost.load()


@pytest.fixture(scope="module")
def tpm_cases(
    plugin_host: PluginHost, gce_evidence: bytes, tmp_path_factory: pytest.TempPathFactory
) -> list[ConformanceCase]:
    forge = plugin_host.evidence_forges["tpm"]
    out = tmp_path_factory.mktemp("tpm-conformance")
    embedded_root = CollateralStore()  # the AK certificate chains to Google's root, embedded in the plugin

    def trimmed(case: ConformanceCase) -> ConformanceCase:  # the forge's JSON ends in a newline
        return dataclasses.replace(case, evidence=case.evidence.rstrip())

    return [
        ConformanceCase(name="gce_cos_85", evidence=gce_evidence, collateral=embedded_root, now=NOW),
        ConformanceCase(
            name="gce_after_the_ak_certificate",
            evidence=gce_evidence,
            collateral=embedded_root,
            now=parse_time("2060-01-01T00:00:00Z"),
            expected_error=CollateralExpiredError,
        ),
        ConformanceCase(
            name="gce_before_the_ak_certificate",
            evidence=gce_evidence,
            collateral=embedded_root,
            now=parse_time("2020-01-01T00:00:00Z"),
            expected_error=CollateralNotYetValidError,
        ),
        trimmed(forged_case(forge, out, name="forged", now=NOW)),
        forged_case(
            forge,
            out,
            name="forged_untrusted_ak",
            now=NOW,
            unsafe_trust_test_root=False,
            expected_error=CollateralMissingError,
        ),
        forged_case(
            forge,
            out,
            name="forged_without_the_ak_pin",
            now=NOW,
            keep_collateral=lambda path: False,
            expected_error=CollateralMissingError,
        ),
    ]


class TestTpmConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("tpm")

    @pytest.fixture
    def conformance_cases(self, tpm_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return tpm_cases
