"""The TPM evidence forge: ECDSA test AK, StartupLocality event log, pinned only under unsafe trust."""

from __future__ import annotations

import hashlib
import json

import pytest

from ccpolicy.errors import CollateralMissingError, ConfigurationError, SignatureError
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy_tpm import plugin
from ccpolicy_tpm.forge import TEST_AK_LABEL, TpmEvidenceForge


@pytest.fixture
def forged(tmp_path, now, collateral_of):
    def make(**settings: str):
        result = TpmEvidenceForge().forge(tmp_path, settings, now)
        files = {path.name: path.read_bytes() for path in result.collateral}
        return result, result.evidence.read_bytes(), collateral_of(**files)

    return make


def test_plugin_hooks_return_the_verifier_and_forge():
    (verifier,) = plugin.ccpolicy_tee_verifiers()
    (forge,) = plugin.ccpolicy_evidence_forges()
    assert isinstance(verifier, TeeVerifier) and verifier.tee_id == "tpm"
    assert isinstance(forge, EvidenceForge) and forge.tee_id == "tpm"
    assert TEST_AK_LABEL == "ccpolicy test AK - not genuine hardware"


def test_forged_evidence_verifies_only_with_unsafe_trust(verifier, forged, context_with):
    result, evidence, collateral = forged(nonce="ab" * 16)
    report = verifier.parse(evidence)
    with pytest.raises(CollateralMissingError, match="AK"):
        verifier.verify(report, context_with(collateral))
    claims = verifier.verify(report, context_with(collateral, unsafe=True))
    assert claims.collateral.source == "test-root"
    assert claims.evidence.report_data == bytes.fromhex("ab" * 16)
    assert claims.vendor["ak"]["type"] == "ecc" and claims.vendor["ak"]["curve"] == "nist_p256"
    reference = json.loads(result.reference_values.read_text())["tpm"]
    assert {name: value.hex() for name, value in claims.evidence.measurements.items()} == reference["measurements"]
    assert claims.evidence.identity["ak_name"].hex() == reference["ak_name"]


def test_startup_locality_sets_the_initial_pcr0(verifier, forged, context_with):
    _, evidence, collateral = forged()
    claims = verifier.verify(verifier.parse(evidence), context_with(collateral, unsafe=True))
    crtm = hashlib.sha256(b"ccpolicy forge\0").digest()
    separator = hashlib.sha256(bytes(4)).digest()
    pcr0 = hashlib.sha256(bytes(31) + b"\x03" + crtm).digest()
    pcr0 = hashlib.sha256(pcr0 + separator).digest()
    assert claims.evidence.measurements["sha256:pcr0"] == pcr0
    assert claims.vendor["event_log"]["replayed"] == {"sha256": [0, 7, 8]}


@pytest.mark.parametrize(("setting", "expected"), [("true", True), ("false", False)])
def test_secure_boot_and_command_line(verifier, forged, context_with, setting, expected):
    _, evidence, collateral = forged(secure_boot=setting, kernel_cmdline="quiet ro")
    log = verifier.verify(verifier.parse(evidence), context_with(collateral, unsafe=True)).vendor["event_log"]
    assert log["secure_boot"] is expected
    assert log["kernel_command_line"] == "quiet ro"
    assert log["grub_commands"] == ["linux /vmlinuz"]


def test_pcr_setting_and_a_tampered_ecdsa_signature(verifier, forged, context_with):
    _, evidence, collateral = forged(pcr14="aa" * 32)
    claims = verifier.verify(verifier.parse(evidence), context_with(collateral, unsafe=True))
    assert claims.evidence.measurements["sha256:pcr14"] == bytes.fromhex("aa" * 32)
    document = json.loads(evidence)
    signature = bytearray(bytes.fromhex(document["signature"]))
    signature[-1] ^= 1
    document["signature"] = signature.hex()
    with pytest.raises(SignatureError):
        verifier.verify(verifier.parse(json.dumps(document).encode()), context_with(collateral, unsafe=True))


@pytest.mark.parametrize("settings", [{"colour": "red"}, {"pcr0": "00" * 32}, {"nonce": "xyz"}, {"pcr3": "00"}])
def test_bad_settings(forged, settings):
    with pytest.raises(ConfigurationError):
        forged(**settings)
