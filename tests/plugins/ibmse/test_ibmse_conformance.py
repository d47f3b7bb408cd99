"""The conformance kit on the IBM SE verifier, with forged responses (no real response is published).

An IBM SE response can be verified only by its requester: the collateral is the secret of the request
(the ARPK that decrypts it, or the measurement key and nonce), which the forge writes as a test key.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from ccpolicy.collateral import load_collateral
from ccpolicy.errors import BindingError, CcpolicyError, CollateralMissingError, SignatureError
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import TeeVerifier
from ccpolicy.testing import ConformanceCase, TeeVerifierConformance, forged_case

from .conftest import HEADER, NOW, SECRET


@pytest.fixture(scope="module")
def plugin_host() -> PluginHost:
    return PluginHost.load()


def mixed_case(
    plugin_host: PluginHost, out: Path, name: str, *, other: str, expected_error: type[CcpolicyError]
) -> ConformanceCase:
    """A forged response whose collateral file ``other`` comes from another forged request."""
    forge = plugin_host.evidence_forges["ibmse"]
    own = forge.forge(out / f"{name}-own", {}, NOW)
    foreign = forge.forge(out / f"{name}-other", {}, NOW)
    files = [path for path in own.collateral if path.name != other]
    files += [path for path in foreign.collateral if path.name == other]
    return ConformanceCase(
        name=name,
        evidence=own.evidence.read_bytes(),
        collateral=load_collateral(files),
        now=NOW,
        unsafe_trust_test_root=True,
        expected_error=expected_error,
    )


def forged_cases(
    plugin_host: PluginHost, out: Path, positive: Mapping[str, Mapping[str, str]]
) -> list[ConformanceCase]:
    forge = plugin_host.evidence_forges["ibmse"]
    return [forged_case(forge, out, name=name, now=NOW, settings=settings) for name, settings in positive.items()]


@pytest.fixture(scope="module")
def ibmse_cases(plugin_host: PluginHost, tmp_path_factory: pytest.TempPathFactory) -> list[ConformanceCase]:
    out = tmp_path_factory.mktemp("ibmse-conformance")
    forge = plugin_host.evidence_forges["ibmse"]
    positive = {
        "forged": {},
        "forged_image_tags_in_the_document": {"image": "document"},
        "forged_all_additional_data": {
            "additional": "image_phkh,attestation_phkh,secret_store_hash,firmware_state",
            "user_data": "75736572",
        },
        "forged_without_nonce": {"nonce": "none"},
    }
    return [
        *forged_cases(plugin_host, out, positive),
        forged_case(
            forge,
            out,
            name="forged_untrusted_test_key",
            now=NOW,
            unsafe_trust_test_root=False,
            expected_error=CollateralMissingError,
        ),
        forged_case(
            forge,
            out,
            name="forged_without_the_secret",
            now=NOW,
            keep_collateral=lambda path: path.name != SECRET,
            expected_error=CollateralMissingError,
        ),
        forged_case(
            forge,
            out,
            name="forged_without_the_se_header",
            now=NOW,
            keep_collateral=lambda path: path.name != HEADER,
            expected_error=CollateralMissingError,
        ),
        mixed_case(plugin_host, out, "secret_of_another_request", other=SECRET, expected_error=BindingError),
        mixed_case(plugin_host, out, "se_header_of_another_image", other=HEADER, expected_error=SignatureError),
    ]


@pytest.fixture(scope="module")
def ibmse_attestation_key_cases(
    plugin_host: PluginHost, tmp_path_factory: pytest.TempPathFactory
) -> list[ConformanceCase]:
    out = tmp_path_factory.mktemp("ibmse-attestation-key-conformance")
    positive = {
        "forged_attestation_key_secret": {"secret": "attestation_key"},
        "forged_attestation_key_all_additional_data": {
            "secret": "attestation_key",
            "additional": "image_phkh,attestation_phkh,secret_store_hash,firmware_state",
        },
    }
    return forged_cases(plugin_host, out, positive)


class TestIbmSeConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("ibmse")

    @pytest.fixture
    def conformance_cases(self, ibmse_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return ibmse_cases


class TestIbmSeAttestationKeyConformance(TeeVerifierConformance):
    """Collateral with the measurement key and nonce of the request instead of the ARPK."""

    @pytest.fixture
    def verifier(self, plugin_host: PluginHost) -> TeeVerifier:
        return plugin_host.verifier("ibmse")

    @pytest.fixture
    def conformance_cases(self, ibmse_attestation_key_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return ibmse_attestation_key_cases
