"""Plugin loading, the typed facade, and the verification pipeline with a fake TEE."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from ccpolicy.appraisal import Status
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import FreshnessError, PluginError, UnsupportedEvidenceError
from ccpolicy.host import PluginHost, build_plugin_manager
from ccpolicy.pipeline import AttestationVerifier, check_nonce
from tests.host.fake_tee import FakePlugin, FakeVerifier

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
EVIDENCE = b"FAKE" + bytes.fromhex("abcd") + bytes(30)


def host_with(*plugins: object) -> PluginHost:
    manager = build_plugin_manager()
    for index, plugin in enumerate(plugins):
        manager.register(plugin, name=f"test-{index}")
    return PluginHost(manager)


def test_builtin_entry_points_load() -> None:
    host = PluginHost.load()
    assert "regorus" in host.policy_engines
    assert "regorus" in {info.name for info in host.plugins()}


def test_disable_variable_blocks_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPOLICY_DISABLE_PLUGINS", "regorus")
    host = PluginHost.load()
    assert "regorus" not in host.policy_engines
    assert "regorus" not in {info.name for info in host.plugins()}


def test_duplicate_tee_id_is_an_error() -> None:
    host = host_with(FakePlugin(FakeVerifier()), FakePlugin(FakeVerifier(media_types=("other",))))
    with pytest.raises(PluginError, match="provided by both"):
        _ = host.tee_verifiers


def test_duplicate_media_type_is_an_error() -> None:
    host = host_with(FakePlugin(FakeVerifier(), FakeVerifier(tee_id="fake2")))
    with pytest.raises(PluginError, match="media type"):
        _ = host.tee_verifiers


def test_object_without_protocol_is_rejected() -> None:
    host = host_with(FakePlugin(object()))  # type: ignore[arg-type]
    with pytest.raises(PluginError, match="lacks the attributes"):
        _ = host.tee_verifiers


def test_detect_none_and_ambiguous() -> None:
    host = host_with(FakePlugin(FakeVerifier()))
    with pytest.raises(UnsupportedEvidenceError):
        host.detect(b"nothing")
    both = host_with(FakePlugin(FakeVerifier(), FakeVerifier(tee_id="fake2", media_types=("x",))))
    with pytest.raises(UnsupportedEvidenceError, match="ambiguous"):
        both.detect(EVIDENCE)


def test_affirmed_and_denied(policy_dir: Path) -> None:
    verifier = AttestationVerifier(host_with(FakePlugin(FakeVerifier())), policy_paths=[policy_dir])
    outcome = verifier.verify(EVIDENCE, now=NOW, collateral=CollateralStore())
    assert outcome.appraisal is not None
    assert outcome.appraisal.status is Status.AFFIRMING
    assert outcome.exit_code == 0
    assert outcome.result is not None
    assert outcome.result["submods"]["fake"]["ear.status"] == "affirming"
    denied = AttestationVerifier(host_with(FakePlugin(FakeVerifier())), policy_paths=[policy_dir / "fake.rego"]).verify(
        EVIDENCE, now=NOW, collateral=CollateralStore()
    )
    assert denied.exit_code == 5
    assert denied.appraisal is not None
    assert [r.rule for r in denied.appraisal.reasons] == ["fake.known"]


def test_plugin_exception_is_an_error_never_a_pass(policy_dir: Path) -> None:
    verifier = AttestationVerifier(host_with(FakePlugin(FakeVerifier(explode=True))), policy_paths=[policy_dir])
    outcome = verifier.verify(EVIDENCE, now=NOW, collateral=CollateralStore())
    assert isinstance(outcome.error, PluginError)
    assert outcome.exit_code == 6
    assert "boom" in outcome.error.message


def test_nonce_checked_by_host(policy_dir: Path) -> None:
    verifier = AttestationVerifier(host_with(FakePlugin(FakeVerifier())), policy_paths=[policy_dir])
    good = verifier.verify(EVIDENCE, now=NOW, collateral=CollateralStore(), nonce=bytes.fromhex("abcd"))
    assert good.exit_code == 0
    assert good.input_document is not None
    assert good.input_document["evidence"]["nonce_verified"] is True
    bad = verifier.verify(EVIDENCE, now=NOW, collateral=CollateralStore(), nonce=bytes.fromhex("abce"))
    assert isinstance(bad.error, FreshnessError)
    assert bad.exit_code == 3


@pytest.mark.parametrize(
    ("report_data", "nonce", "ok"),
    [
        (b"\x01\x02" + bytes(62), b"\x01\x02", True),
        (b"\x01\x02" + bytes(62), b"\x01\x02" + bytes(62), True),
        (b"\x01\x02" + bytes(62), b"\x01", False),
        (b"\x01\x02", b"\x01\x02\x00", False),
        (b"", b"\x00", False),
    ],
)
def test_nonce_rule(report_data: bytes, nonce: bytes, ok: bool) -> None:
    if ok:
        check_nonce(report_data, nonce)
    else:
        with pytest.raises(FreshnessError):
            check_nonce(report_data, nonce)
