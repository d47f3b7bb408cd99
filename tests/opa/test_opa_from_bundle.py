"""The OPA engine against a server that runs ccpolicy's policies from bundles (``--opa-from-bundle``): it queries
without writing, and it accepts a decision only from the bundle that owns the query at the policy's id."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccpolicy.bundle import BundledPolicy, BundleFile, build_bundle, bundle_files, tar_gz
from ccpolicy.cli.main import main
from ccpolicy.engines.opa_connection import BundleManifest, OpaConnection, OpaServerSettings
from ccpolicy.engines.opa_engine import OpaEngine, query_rule_path
from ccpolicy.engines.regorus_engine import RegorusEngine
from ccpolicy.errors import ConfigurationError, PolicyError
from ccpolicy.interfaces import Policy
from ccpolicy.policy_files import load_policy, make_policy
from tests.opa.decision_corpus import snp_base_document
from tests.opa.opa_process import OpaServerProcess

pytestmark = pytest.mark.opa


@pytest.fixture(scope="module")
def bundle_server(
    opa_binary: Path, opa_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OpaServerProcess]:
    """One server, one bundle of the snp and tdx policies (two ccpolicy bundles' roots would overlap)."""
    bundle = tmp_path_factory.mktemp("bundles") / "fleet.tar.gz"
    policies = [BundledPolicy(policy=load_policy(tee), base=f"policies/{tee}") for tee in ("snp", "tdx")]
    bundle.write_bytes(build_bundle(policies, revision="fleet-7"))
    server = OpaServerProcess(opa_binary, ["--bundle", str(bundle)]).start(opa_logs)
    yield server
    server.stop()


def engine_for(server: OpaServerProcess) -> OpaEngine:
    return OpaEngine(OpaServerSettings(url=server.url, from_bundle=True))


def test_decisions_come_from_the_bundle_at_the_policys_id(bundle_server: OpaServerProcess) -> None:
    policy, document = load_policy("snp"), snp_base_document()
    engine = engine_for(bundle_server)
    assert engine.evaluate(policy, document) == RegorusEngine().evaluate(policy, document)
    assert engine.evaluate_batch(policy, [document, {"tee": "snp"}]) == [
        RegorusEngine().evaluate(policy, item) for item in (document, {"tee": "snp"})
    ]
    tdx = load_policy("tdx")
    assert engine.evaluate(tdx, {"tee": "tdx"}) == RegorusEngine().evaluate(tdx, {"tee": "tdx"})
    packages = OpaConnection(OpaServerSettings(url=bundle_server.url)).policy_packages()
    assert not any(module.startswith(("ccpolicy/", "ccpolicy_engine/")) for module in packages), "nothing written"


def test_another_policy_or_data_is_refused_naming_both_revisions(bundle_server: OpaServerProcess) -> None:
    policy = load_policy("snp")
    data = json.loads(json.dumps(policy.data))
    data["snp"]["allow_debug"] = True
    other = make_policy(policy.modules, data, policy.query)
    with pytest.raises(PolicyError) as caught:
        engine_for(bundle_server).evaluate(other, snp_base_document())
    assert caught.value.reason == "policy.opa.revision"
    assert policy.policy_id in caught.value.message and other.policy_id in caught.value.message
    assert "revision fleet-7" in caught.value.message


def test_a_query_no_bundle_owns_is_refused(bundle_server: OpaServerProcess) -> None:
    with pytest.raises(PolicyError, match="no bundle on the OPA server") as caught:
        engine_for(bundle_server).evaluate(load_policy("nitro"), {"tee": "nitro"})
    assert caught.value.reason == "policy.opa.bundle"


def test_a_server_without_bundles_is_refused(opa_server: OpaServerProcess) -> None:
    with pytest.raises(PolicyError, match="no bundle on the OPA server"):
        engine_for(opa_server).evaluate(load_policy("snp"), snp_base_document())


def test_a_bundle_ccpolicy_did_not_write_is_refused(opa_binary: Path, opa_logs: Path, tmp_path: Path) -> None:
    policy = load_policy("snp")
    files = {file.path: file.content for file in bundle_files([BundledPolicy(policy=policy)])}
    manifest = json.loads(files[".manifest"])
    del manifest["metadata"]
    files[".manifest"] = json.dumps(manifest).encode()
    bundle = tmp_path / "foreign.tar.gz"
    bundle.write_bytes(tar_gz([BundleFile(path=path, content=content) for path, content in files.items()]))
    server = OpaServerProcess(opa_binary, ["--bundle", str(bundle)]).start(opa_logs)
    try:
        with pytest.raises(PolicyError, match=r"not a ccpolicy bundle"):
            engine_for(server).evaluate(policy, snp_base_document())
    finally:
        server.stop()


def test_verify_from_the_command_line(
    bundle_server: OpaServerProcess, vectors: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snp = vectors / "snp"
    arguments = [
        "verify",
        str(snp / "trustee_report_milan_v2_vcek.bin"),
        "--collateral",
        str(snp / "trustee_vcek_milan.der"),
        "--collateral",
        str(snp / "ask_ark_milan.pem"),
        "--at",
        "2025-06-01T00:00:00Z",
        "--format",
        "json",
    ]
    assert main(arguments) == 5
    embedded = json.loads(capsys.readouterr().out)
    assert main([*arguments, "--engine", "opa", "--opa-url", bundle_server.url, "--opa-from-bundle"]) == 5
    from_bundle = json.loads(capsys.readouterr().out)
    assert from_bundle["appraisal"] == embedded["appraisal"]
    assert from_bundle["result"]["submods"]["snp"]["ear.appraisal-policy-id"] == load_policy("snp").policy_id


def test_rule_paths_and_owners() -> None:
    assert query_rule_path("data.ccpolicy.snp.result") == "ccpolicy.snp.result"
    with pytest.raises(PolicyError):
        query_rule_path('data["az-snp-vtpm"].result')
    owner = BundleManifest(revision="1", roots=("ccpolicy/snp", "snp"), policy_ids={})
    assert owner.owns("ccpolicy.snp.result")
    assert not BundleManifest(revision="1", roots=("ccpolicy/sn",), policy_ids={}).owns("ccpolicy.snp.result")
    assert BundleManifest.from_json({"revision": "2"}).owns("ccpolicy.snp.result")  # no roots: everything
    assert BundleManifest.from_json("garbage") == BundleManifest(revision=None, roots=("",), policy_ids={})


@pytest.mark.parametrize(("text", "expected"), [("1", True), ("true", True), ("0", False), ("", False)])
def test_the_environment_can_ask_for_bundles(text: str, expected: bool) -> None:
    variables = {"CCPOLICY_OPA_FROM_BUNDLE": text}
    assert OpaServerSettings.from_environment(variables).from_bundle is expected


def test_a_bad_environment_value_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="CCPOLICY_OPA_FROM_BUNDLE"):
        OpaServerSettings.from_environment({"CCPOLICY_OPA_FROM_BUNDLE": "yes please"})


def write_bundle_directory(directory: Path, policy: Policy, revision: str) -> None:
    for file in bundle_files([BundledPolicy(policy=policy)], revision=revision):
        path = directory / file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file.content)


def wait_for_revision(connection: OpaConnection, revision: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if any(manifest.revision == revision for manifest in connection.bundle_manifests().values()):
            return
        time.sleep(0.05)
    pytest.fail(f"the OPA server never loaded revision {revision}")


def test_a_replaced_bundle_is_read_again(opa_binary: Path, opa_logs: Path, tmp_path: Path) -> None:
    """OPA reloads a watched bundle directory; the engine notices through the revision OPA reports."""
    first = load_policy("snp")
    data = json.loads(json.dumps(first.data))
    data["snp"]["allow_debug"] = True
    second = make_policy(first.modules, data, first.query)
    directory = tmp_path / "bundle"
    write_bundle_directory(directory, first, "r1")
    server = OpaServerProcess(opa_binary, ["--watch", "--bundle", str(directory)]).start(opa_logs)
    try:
        engine, connection = engine_for(server), OpaConnection(OpaServerSettings(url=server.url))
        document = snp_base_document()
        assert engine.evaluate(first, document) == RegorusEngine().evaluate(first, document)
        write_bundle_directory(directory, second, "r2")  # another policy: the cached manifest no longer fits
        wait_for_revision(connection, "r2")
        assert engine.evaluate(second, document) == RegorusEngine().evaluate(second, document)
        write_bundle_directory(directory, second, "r3")  # same policy, new revision: seen in the provenance
        wait_for_revision(connection, "r3")
        assert engine.evaluate(second, document) == RegorusEngine().evaluate(second, document)
        with pytest.raises(PolicyError, match="revision r3"):
            engine.evaluate(first, document)
    finally:
        server.stop()
