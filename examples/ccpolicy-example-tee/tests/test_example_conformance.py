"""ccpolicy's conformance suite, run on the example verifier with forged evidence.

Every test of TeeVerifierConformance runs here: protocol attributes, the positive cases verify, the
negative ones raise their declared error, every truncation and single-byte flip raises only
EvidenceError/VerificationError (or leaves the claims unchanged), results are deterministic, and
verification opens no socket.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.errors import ChainError, CollateralMissingError, EvidenceFormatError, SignatureError
from ccpolicy.interfaces import TeeVerifier
from ccpolicy.testing import ConformanceCase, TeeVerifierConformance, forged_case
from ccpolicy_example_tee.forge import ExampleForge
from ccpolicy_example_tee.verifier import ExampleVerifier

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def example_cases(tmp_path_factory: pytest.TempPathFactory) -> list[ConformanceCase]:
    forge = ExampleForge()
    out = tmp_path_factory.mktemp("example-conformance")
    good = forged_case(forge, out, name="forged", now=NOW)
    other_key = forged_case(forge, out, name="other_device", now=NOW)
    envelope = json.loads(good.evidence)
    return [
        good,
        forged_case(forge, out, name="forged_debug_svn_7", now=NOW, settings={"debug": "1", "svn": "7"}),
        forged_case(
            forge, out, name="untrusted_test_key", now=NOW, unsafe_trust_test_root=False, expected_error=ChainError
        ),
        ConformanceCase(
            name="key_of_another_device",
            evidence=good.evidence,
            collateral=other_key.collateral,
            now=NOW,
            unsafe_trust_test_root=True,
            expected_error=SignatureError,
        ),
        ConformanceCase(
            name="no_pinned_key",
            evidence=good.evidence,
            collateral=CollateralStore(),
            now=NOW,
            expected_error=CollateralMissingError,
        ),
        ConformanceCase(
            name="unknown_format_version",
            evidence=json.dumps({**envelope, "format": "ccpolicy-example-evidence/2"}).encode(),
            collateral=good.collateral,
            now=NOW,
            unsafe_trust_test_root=True,
            expected_error=EvidenceFormatError,
        ),
    ]


class TestExampleConformance(TeeVerifierConformance):
    @pytest.fixture
    def verifier(self) -> TeeVerifier:
        return ExampleVerifier()

    @pytest.fixture
    def conformance_cases(self, example_cases: list[ConformanceCase]) -> list[ConformanceCase]:
        return example_cases


def test_a_pinned_production_key_needs_no_test_root(tmp_path: Path) -> None:
    """A pin whose issuer is not the ccpolicy test root is trusted as is: the claims say 'offline'."""
    forged = ExampleForge().forge(tmp_path, {"report_data": "c0ffee"}, NOW)
    pin = json.loads(forged.collateral[0].read_text())
    pin["ccpolicy_example_tee"]["issuer"] = "the relying party's device registry"
    production_pin = tmp_path / "production_pin.json"
    production_pin.write_text(json.dumps(pin))
    verifier = ExampleVerifier()
    claims = verifier.verify(
        verifier.parse(forged.evidence.read_bytes()),
        ConformanceCase(name="pin", evidence=b"", collateral=load_collateral([production_pin]), now=NOW).context(),
    )
    assert claims.collateral.source == "offline"
    assert claims.evidence.report_data == bytes.fromhex("c0ffee") + bytes(61)
    assert claims.vendor["attestation_key"].hex() == pin["ccpolicy_example_tee"]["attestation_key"]
