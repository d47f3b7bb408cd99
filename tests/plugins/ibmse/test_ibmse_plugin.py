"""The entry module, and the CLI contract: ``ccpolicy forge ibmse`` output verifies; one flipped bit gives exit 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccpolicy.cli.main import main
from ccpolicy.errors import ConfigurationError
from ccpolicy.host import PluginHost, build_plugin_manager
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy_ibmse import plugin
from ccpolicy_ibmse.forge import IbmSeForge
from ccpolicy_ibmse.verifier import IbmSeVerifier

NONCE = "00112233445566778899aabbccddeeff"
AT = "2025-06-01T00:00:00Z"


def test_hook_ccpolicy_tee_verifiers():
    (verifier,) = plugin.ccpolicy_tee_verifiers()
    assert isinstance(verifier, TeeVerifier) and isinstance(verifier, IbmSeVerifier)
    assert verifier.tee_id == "ibmse"
    assert tuple(verifier.media_types) == ("application/vnd.ibm.se.pvattest-response",)


def test_hook_ccpolicy_evidence_forges():
    (forge,) = plugin.ccpolicy_evidence_forges()
    assert isinstance(forge, EvidenceForge) and isinstance(forge, IbmSeForge)
    assert forge.tee_id == "ibmse"


@pytest.fixture
def cli(monkeypatch, capsys):
    """Run ``ccpolicy`` with the ibmse plugin loaded (registered here until its entry point is installed)."""

    def load(cls: type[PluginHost], disabled: object = None) -> PluginHost:
        manager = build_plugin_manager(disabled)  # type: ignore[arg-type]
        if not manager.has_plugin("ibmse"):
            manager.register(plugin, name="ibmse")
        return cls(manager)

    monkeypatch.setattr(PluginHost, "load", classmethod(load))

    class Cli:
        output = ""

        def __call__(self, *argv: str) -> int:
            code = main(list(argv))
            self.output = capsys.readouterr().out
            return code

    return Cli()


@pytest.fixture
def forged_dir(cli, tmp_path):
    def make(*settings: str) -> Path:
        out = tmp_path / "forged"
        arguments = ["forge", "ibmse", "--out", str(out), "--at", AT]
        for setting in settings:
            arguments += ["--set", setting]
        assert cli(*arguments) == 0
        return out

    return make


def verify_arguments(out: Path, evidence: Path | None = None, *extra: str) -> list[str]:
    arguments = [
        "verify",
        str(evidence or out / "ibmse_attestation_response.bin"),
        "--collateral",
        str(out / "ibmse_requester_secret.json"),
        "--at",
        AT,
        "--data",
        str(out / "ibmse_reference_values.json"),
    ]
    if (out / "ibmse_se_header.bin").exists():
        arguments += ["--collateral", str(out / "ibmse_se_header.bin")]
    return arguments + list(extra)


def flipped_copy(path: Path, offset: int) -> Path:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    copy = path.with_name("flipped-" + path.name)
    copy.write_bytes(bytes(data))
    return copy


def entry(path: Path, index: int) -> int:
    """Offset of exchange section ``index`` (1 measurement, 3 user data) in a response file."""
    data = path.read_bytes()
    return int.from_bytes(data[0x18 + 8 * index + 4 : 0x18 + 8 * index + 8], "big")


def test_forged_response_verifies_and_flips_fail(cli, forged_dir):
    out = forged_dir(f"nonce={NONCE}", "user_data=cafe")
    evidence = out / "ibmse_attestation_response.bin"
    assert cli(*verify_arguments(out), "--trust-test-root", "--nonce", NONCE) == 0
    assert cli(*verify_arguments(out), "--trust-test-root", "--nonce", "ff" + NONCE[2:]) == 3
    assert cli(*verify_arguments(out), "--nonce", NONCE) == 4  # the test key is refused without the unsafe flag
    for index in (1, 3):  # measurement, user data
        changed = flipped_copy(evidence, entry(evidence, index))
        assert cli(*verify_arguments(out, changed), "--trust-test-root") == 3
    secret = out / "ibmse_requester_secret.json"
    document = json.loads(secret.read_text())
    key = bytearray(bytes.fromhex(document["ibmse"]["arpk"]))
    key[0] ^= 0x80
    document["ibmse"]["arpk"] = key.hex()
    secret.write_text(json.dumps(document))
    assert cli(*verify_arguments(out), "--trust-test-root") == 3


def test_flipped_nonce_and_attestation_key_fail(cli, forged_dir):
    out = forged_dir(f"nonce={NONCE}", "secret=attestation_key")
    verified = rules_of(cli, *verify_arguments(out), "--trust-test-root", "--tee", "ibmse", "--nonce", NONCE)
    # Without the ARPK the request's flags are unproven, so are the host-key hashes they select: the policy says so.
    assert verified == (5, {"ibmse.host_key_allowed"})
    secret = out / "ibmse_requester_secret.json"
    original = secret.read_text()
    for field in ("nonce", "attestation_key"):
        document = json.loads(original)
        value = bytearray(bytes.fromhex(document["ibmse"][field]))
        value[-1] ^= 0x01
        document["ibmse"][field] = value.hex()
        secret.write_text(json.dumps(document))
        assert cli(*verify_arguments(out), "--trust-test-root") == 3, field


def rules_of(cli, *argv: str) -> tuple[int, set[str]]:
    code = cli(*argv, "--format", "json")
    outcome = json.loads(cli.output)
    return code, {reason["rule"] for reason in outcome["appraisal"]["reasons"]}


def test_default_policy_decisions(cli, forged_dir):
    out = forged_dir("allow_dumping=true")
    evidence = out / "ibmse_attestation_response.bin"
    no_reference = ["verify", str(evidence), "--trust-test-root", "--at", AT]
    no_reference += ["--collateral", str(out / "ibmse_requester_secret.json")]
    no_reference += ["--collateral", str(out / "ibmse_se_header.bin")]
    assert rules_of(cli, *no_reference) == (5, {"ibmse.image_reference_values", "ibmse.dumping_forbidden"})
    assert rules_of(cli, *verify_arguments(out), "--trust-test-root") == (5, {"ibmse.dumping_forbidden"})
    assert cli(*verify_arguments(out), "--trust-test-root", "--format", "json") == 5
    assert json.loads(cli.output)["appraisal"]["trust_vector"]["executables"] == 3


def test_forge_writes_its_files(forged_on_disk, verifier):
    forged = forged_on_disk(image="document", nonce="none")
    assert forged.evidence.name == "ibmse_attestation_response.bin"
    assert [path.name for path in forged.collateral] == ["ibmse_requester_secret.json"]
    reference = json.loads(forged.reference_values.read_text())["ibmse"]
    assert set(reference) == {"images", "config_uids", "host_key_hashes"}
    assert verifier.detect(forged.evidence.read_bytes())


@pytest.mark.parametrize(
    "settings",
    [
        {"colour": "red"},
        {"nonce": "00"},
        {"user_data": "zz"},
        {"user_data": "00" * 257},
        {"pld": "00" * 63},
        {"allow_dumping": "maybe"},
        {"additional": "image_phkh,rainbow"},
        {"secret": "password"},
        {"image": "elsewhere"},
    ],
)
def test_bad_forge_settings(forged_on_disk, settings):
    with pytest.raises(ConfigurationError):
        forged_on_disk(**settings)
