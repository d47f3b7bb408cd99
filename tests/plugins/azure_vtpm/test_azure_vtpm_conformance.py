"""The conformance kit on the az-snp-vtpm verifier: Trustee's Azure SNP vTPM evidence (PROVENANCE.md).

The verifier hands the nested SNP report to the ``snp`` verifier, so every case carries the host's
verifier lookup.  There is no forge for Azure vTPM evidence; the negative cases come from the vectors.
The envelopes are JSON and go in without their final newline (the kit cuts bytes off the end and expects
each cut to fail).  az-tdx-vtpm is left out: the vectors ship no TCB info for its TD quote's FMSPC.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.errors import CcpolicyError, CollateralMissingError, CollateralNotYetValidError, SignatureError
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import TeeVerifier
from ccpolicy.testing import ConformanceCase, TeeVerifierConformance

from .vtpm_cases import NOW, SNP_ENVELOPES, replace_tpm_quote


@pytest.fixture(scope="module")
def plugin_host() -> PluginHost:
    return PluginHost.load()


def envelope_case(
    plugin_host: PluginHost,
    name: str,
    evidence: bytes,
    collateral: CollateralStore,
    *,
    now: str | None = None,
    expected_error: type[CcpolicyError] | None = None,
) -> ConformanceCase:
    return ConformanceCase(
        name=name,
        evidence=evidence.rstrip(),
        collateral=collateral,
        now=parse_time(now) if now else NOW,
        expected_error=expected_error,
        verifier_lookup=plugin_host.verifier,
    )


@pytest.fixture(scope="module")
def loose_envelope_cases(
    plugin_host: PluginHost, snp_dir: Path, snp_loose_envelope: bytes, amd_collateral: CollateralStore
) -> list[ConformanceCase]:
    """The HCL report and TPM quote as an envelope without a VCEK: the VCEK comes from the collateral."""
    with_vcek = amd_collateral.merged(load_collateral([snp_dir / "trustee_vcek.pem"]))
    return [
        envelope_case(plugin_host, "loose_envelope", snp_loose_envelope, with_vcek),
        envelope_case(
            plugin_host,
            "loose_envelope_without_its_vcek",
            snp_loose_envelope,
            amd_collateral,
            expected_error=CollateralMissingError,
        ),
    ]


@pytest.fixture(scope="module")
def envelope_cases(plugin_host: PluginHost, snp_dir: Path, amd_collateral: CollateralStore) -> list[ConformanceCase]:
    """Trustee's envelopes, which carry the VCEK (ASK and ARK come from the collateral)."""
    v1 = (snp_dir / "trustee_evidence-v1.json").read_bytes()
    v2 = (snp_dir / "trustee_evidence-v2.json").read_bytes()
    return [
        *(envelope_case(plugin_host, name, (snp_dir / name).read_bytes(), amd_collateral) for name in SNP_ENVELOPES),
        envelope_case(
            plugin_host,
            "v1_before_its_vcek",
            v1,
            amd_collateral,
            now="2020-01-01T00:00:00Z",
            expected_error=CollateralNotYetValidError,
        ),
        envelope_case(
            plugin_host, "v1_without_ask_and_ark", v1, CollateralStore(), expected_error=CollateralMissingError
        ),
        envelope_case(
            plugin_host,
            "v1_with_the_tpm_quote_of_v2",
            replace_tpm_quote(v1, v2),
            amd_collateral,
            expected_error=SignatureError,
        ),
    ]


class TestAzSnpVtpmLooseEnvelopeConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("az-snp-vtpm")

    @pytest.fixture
    def conformance_cases(self, loose_envelope_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return loose_envelope_cases


class TestAzSnpVtpmConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("az-snp-vtpm")

    @pytest.fixture
    def conformance_cases(self, envelope_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return envelope_cases
