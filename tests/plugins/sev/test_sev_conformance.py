"""The conformance kit on the SEV and SEV-ES verifiers: AMD's Naples chain (PROVENANCE.md) and forged cases.

The cases give evidence as its format delimits it, since the kit cuts bytes off the end and expects each
cut to fail: JSON launch evidence without the forge's final newline, and the Naples PDH alone with its
chain as collateral (a sevctl export blob is a concatenation, and a cut at a certificate boundary is
well-formed, shorter evidence whose missing certificates are then reported as missing collateral).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.errors import ChainError, CollateralMissingError, EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import TeeVerifier
from ccpolicy.testing import ConformanceCase, TeeVerifierConformance, forged_case

from .conftest import NOW


@pytest.fixture(scope="module")
def plugin_host() -> PluginHost:
    return PluginHost.load()


def trimmed(case: ConformanceCase) -> ConformanceCase:
    """The case with its JSON evidence's trailing whitespace removed."""
    return dataclasses.replace(case, evidence=case.evidence.rstrip())


@pytest.fixture(scope="module")
def sev_cases(
    plugin_host: PluginHost, sev_vectors: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[ConformanceCase]:
    def naples(role: str) -> Path:
        return sev_vectors / f"naples_{role}.cert"

    pdh = naples("pdh").read_bytes()
    chain = load_collateral([naples(role) for role in ("pek", "oca", "cek", "ask")])
    forge = plugin_host.evidence_forges["sev"]
    out = tmp_path_factory.mktemp("sev-conformance")
    return [
        ConformanceCase(name="naples_pdh", evidence=pdh, collateral=chain, now=NOW),
        ConformanceCase(
            name="naples_pdh_with_the_bad_ark",
            evidence=pdh + (sev_vectors / "naples_ark.cert.bad").read_bytes(),
            collateral=chain,
            now=NOW,
            expected_error=EvidenceFormatError,
        ),
        ConformanceCase(
            name="naples_pdh_without_its_chain",
            evidence=pdh,
            collateral=CollateralStore(),
            now=NOW,
            expected_error=CollateralMissingError,
        ),
        trimmed(forged_case(forge, out, name="forged_launch", now=NOW)),
        forged_case(
            forge, out, name="forged_untrusted_root", now=NOW, unsafe_trust_test_root=False, expected_error=ChainError
        ),
        forged_case(
            forge,
            out,
            name="forged_platform_untrusted_root",
            now=NOW,
            settings={"evidence": "platform"},
            unsafe_trust_test_root=False,
            expected_error=ChainError,
        ),
    ]


@pytest.fixture(scope="module")
def sev_es_cases(
    plugin_host: PluginHost, sev_vectors: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[ConformanceCase]:
    forge = plugin_host.evidence_forges["sev-es"]
    out = tmp_path_factory.mktemp("sev-es-conformance")
    return [
        trimmed(forged_case(forge, out, name="forged_launch", now=NOW)),
        trimmed(forged_case(forge, out, name="forged_launch_rsa4096_ca", now=NOW, settings={"ca_key_bits": "4096"})),
        forged_case(
            forge, out, name="forged_untrusted_root", now=NOW, unsafe_trust_test_root=False, expected_error=ChainError
        ),
        ConformanceCase(
            name="naples_platform_certificates",  # they say nothing about SEV-ES
            evidence=(sev_vectors / "naples_pdh.cert").read_bytes(),
            collateral=CollateralStore(),
            now=NOW,
            expected_error=UnsupportedEvidenceError,
        ),
    ]


class TestSevConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("sev")

    @pytest.fixture
    def conformance_cases(self, sev_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return sev_cases


class TestSevEsConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("sev-es")

    @pytest.fixture
    def conformance_cases(self, sev_es_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return sev_es_cases
