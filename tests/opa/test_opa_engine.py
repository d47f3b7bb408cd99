"""The OPA engine on a real server: pushing once, isolation of data and modules, failures fail closed."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from ccpolicy.appraisal import Status
from ccpolicy.clock import parse_time
from ccpolicy.collateral import load_collateral
from ccpolicy.engines import opa_engine as opa_engine_module
from ccpolicy.engines.opa_connection import OpaConnection, OpaServerSettings
from ccpolicy.engines.opa_engine import OpaEngine, plan_policy, server_module_id
from ccpolicy.engines.regorus_engine import RegorusEngine
from ccpolicy.errors import PolicyError
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import Policy, PolicyEngine, PolicyModule
from ccpolicy.pipeline import AttestationVerifier
from ccpolicy.policy_files import load_policy, make_policy
from tests.opa.decision_corpus import snp_base_document
from tests.opa.opa_process import OpaServerProcess

pytestmark = pytest.mark.opa


def toy_policy(rule_body: str, data: dict[str, object] | None = None, query: str = "data.toy.result") -> Policy:
    module = PolicyModule(path="toy/toy.rego", text=f"package toy\n\nimport rego.v1\n\n{rule_body}\n")
    return make_policy([module], data or {}, query)


def snp_policy() -> Policy:
    return load_policy("snp")


def test_engine_implements_the_protocol_and_is_registered_by_its_hook() -> None:
    engines = opa_engine_module.ccpolicy_policy_engines()
    assert [engine.name for engine in engines] == ["opa"]
    assert isinstance(engines[0], PolicyEngine)


def test_decision_matches_regorus_and_is_pushed_once(opa_engine: OpaEngine, opa_server: OpaServerProcess) -> None:
    policy = snp_policy()
    document = snp_base_document()
    assert opa_engine.evaluate(policy, document) == RegorusEngine().evaluate(policy, document)
    connection = OpaConnection(OpaServerSettings(url=opa_server.url))
    plan = opa_engine.push(policy)
    connection.delete_policy(plan.decision_module_id)  # if the engine pushed again, the module would be back
    opa_engine.push(policy)
    assert plan.decision_module_id not in connection.policy_packages()


def test_server_that_lost_the_policy_gets_it_again(opa_engine: OpaEngine, opa_server: OpaServerProcess) -> None:
    policy = snp_policy()
    document = snp_base_document()
    expected = opa_engine.evaluate(policy, document)
    connection = OpaConnection(OpaServerSettings(url=opa_server.url))
    connection.delete_policy(opa_engine.push(policy).decision_module_id)
    assert opa_engine.evaluate(policy, document) == expected


def test_data_lives_in_the_engines_namespace_and_ignores_foreign_data(
    opa_engine: OpaEngine, opa_server: OpaServerProcess
) -> None:
    policy = snp_policy()
    document = snp_base_document()
    connection = OpaConnection(OpaServerSettings(url=opa_server.url))
    connection.put_data("snp", {"measurements": [document["evidence"]["measurements"]["launch"]], "allowed_vmpls": []})
    try:
        assert opa_engine.evaluate(policy, document) == RegorusEngine().evaluate(policy, document)
        assert connection.query("snp.allowed_vmpls", {}) == []  # the engine did not overwrite it
    finally:
        connection.delete_data("snp")


def test_two_data_variants_of_one_policy_do_not_collide(opa_engine: OpaEngine) -> None:
    document = snp_base_document()
    default = snp_policy()
    known = make_policy(
        default.modules,
        {"snp": {**default.data["snp"], "measurements": [document["evidence"]["measurements"]["launch"]]}},
        default.query,
    )
    regorus = RegorusEngine()
    for _ in range(2):
        for policy in (default, known):
            assert opa_engine.evaluate(policy, document) == regorus.evaluate(policy, document)
    assert opa_engine.evaluate(default, document) != opa_engine.evaluate(known, document)


def test_module_replaced_by_another_client_is_detected_and_restored(opa_engine: OpaEngine) -> None:
    first = toy_policy('result := {"version": 1}')
    second = toy_policy('result := {"version": 2}')
    other_client = OpaEngine(opa_engine.settings)
    assert opa_engine.evaluate(first, {}) == {"version": 1}
    assert other_client.evaluate(second, {}) == {"version": 2}
    # The first engine's cache says "pushed", but the server now holds the second text: it must notice.
    assert opa_engine.evaluate(first, {}) == {"version": 1}
    assert other_client.evaluate(second, {}) == {"version": 2}


def test_same_package_under_another_path_is_replaced_not_merged(opa_engine: OpaEngine) -> None:
    one = make_policy(
        [
            PolicyModule(
                path="a/toy.rego", text="package toy\n\nimport rego.v1\n\nproblems contains 1\n\nresult := problems\n"
            )
        ],
        {},
        "data.toy.result",
    )
    two = make_policy(
        [
            PolicyModule(
                path="b/toy.rego", text="package toy\n\nimport rego.v1\n\nproblems contains 2\n\nresult := problems\n"
            )
        ],
        {},
        "data.toy.result",
    )
    assert opa_engine.evaluate(one, {}) == [1]
    assert opa_engine.evaluate(two, {}) == [2]
    assert opa_engine.evaluate(one, {}) == [1]


def test_foreign_module_in_the_policys_package_is_refused(opa_engine: OpaEngine, opa_server: OpaServerProcess) -> None:
    connection = OpaConnection(OpaServerSettings(url=opa_server.url))
    connection.put_policy("someone/else.rego", "package foreign\n\nimport rego.v1\n\nextra := 1\n")
    try:
        with pytest.raises(PolicyError, match=r"someone/else.rego .*did not upload") as caught:
            opa_engine.evaluate(
                make_policy(
                    [PolicyModule(path="f.rego", text="package foreign\n\nimport rego.v1\n\nresult := 1\n")],
                    {},
                    "data.foreign.result",
                ),
                {},
            )
        assert caught.value.exit_code == 6
    finally:
        connection.delete_policy("someone/else.rego")


def test_undefined_decision_is_a_policy_error(opa_engine: OpaEngine) -> None:
    policy = toy_policy("result := 1 if input.yes")
    assert opa_engine.evaluate(policy, {"yes": True}) == 1
    with pytest.raises(PolicyError, match="undefined") as caught:
        opa_engine.evaluate(policy, {})
    assert caught.value.reason == "policy.undefined"
    with pytest.raises(PolicyError, match=r"undefined for batch inputs \[1\]"):
        opa_engine.evaluate_batch(policy, [{"yes": True}, {}])


def test_evaluation_error_carries_the_servers_message(opa_engine: OpaEngine) -> None:
    policy = toy_policy('result := x if {\n\tsome x in ["a", "b"]\n}')  # two values for a complete rule
    with pytest.raises(PolicyError, match=r"HTTP 500 internal_error: .*toy.rego:5:1: eval_conflict_error") as caught:
        opa_engine.evaluate(policy, {})
    assert caught.value.exit_code == 6


def test_compile_error_names_module_and_line(opa_engine: OpaEngine) -> None:
    policy = toy_policy("result := undefined_function(1)")
    with pytest.raises(PolicyError, match=r"ccpolicy/toy/toy.rego:5:\d+: rego_type_error: undefined function"):
        opa_engine.evaluate(policy, {})


def test_bad_query_and_reserved_names_are_refused_before_any_request() -> None:
    engine = OpaEngine(OpaServerSettings(url="http://127.0.0.1:9"))
    with pytest.raises(PolicyError, match="data reference"):
        plan_policy(toy_policy("result := 1", query="data.toy.result; true"))
    with pytest.raises(PolicyError, match="data key 'toy'"):
        plan_policy(toy_policy("result := 1", data={"toy": {}}))
    with pytest.raises(PolicyError, match="reserved"):
        plan_policy(make_policy([PolicyModule(path="x.rego", text="package ccpolicy_engine.x\n")], {}, "data.x"))
    assert engine.name == "opa"


def test_module_ids_are_safe_url_paths() -> None:
    assert server_module_id("snp/snp.rego") == "ccpolicy/snp/snp.rego"
    assert server_module_id("/home/me/my policies/../x.rego") == "ccpolicy/home/me/my_policies/x.rego"


def test_batch_gives_one_value_per_input_in_order(opa_engine: OpaEngine) -> None:
    policy = toy_policy("result := input.n * 2")
    assert opa_engine.evaluate_batch(policy, [{"n": n} for n in range(50)]) == [n * 2 for n in range(50)]
    assert opa_engine.evaluate_batch(policy, []) == []


def test_killed_server_gives_a_policy_error_never_a_pass(own_opa_server: OpaServerProcess) -> None:
    engine = OpaEngine(OpaServerSettings(url=own_opa_server.url, timeout=5.0))
    policy = snp_policy()
    document = snp_base_document()
    engine.evaluate(policy, document)
    own_opa_server.kill()
    with pytest.raises(PolicyError) as caught:
        engine.evaluate(policy, document)
    assert caught.value.exit_code == 6
    assert caught.value.reason == "policy.opa.unreachable"
    assert f"cannot reach the OPA server at {own_opa_server.url}" in caught.value.message
    assert "Connection refused" in caught.value.message
    with pytest.raises(PolicyError, match="cannot reach"):
        engine.evaluate_batch(policy, [document])


@pytest.fixture
def host_with_opa_engine(ccpolicy_host_factory) -> PluginHost:  # type: ignore[no-untyped-def]
    """The installed plugins, with the OPA engine module registered when its entry point is not (yet)."""
    host: PluginHost = ccpolicy_host_factory()
    if "opa" in host.policy_engines:
        return host
    extended: PluginHost = ccpolicy_host_factory(opa_engine_module)
    return extended


def test_pipeline_with_engine_opa_from_the_environment_and_a_mid_run_kill(
    host_with_opa_engine: PluginHost, own_opa_server: OpaServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCPOLICY_OPA_URL", own_opa_server.url)
    host = host_with_opa_engine
    if "snp" not in host.evidence_forges:
        pytest.skip("the SNP plugin's forge is not installed")
    now = parse_time("2025-06-01T00:00:00Z")
    with tempfile.TemporaryDirectory() as directory:
        forged = host.evidence_forges["snp"].forge(Path(directory), {}, now)
        evidence = forged.evidence.read_bytes()
        collateral = load_collateral(list(forged.collateral))
        reference = forged.reference_values
        on_opa = AttestationVerifier(host, engine="opa", data_paths=[reference])
        embedded = AttestationVerifier(host, engine="regorus", data_paths=[reference])
        outcomes = [
            verifier.verify(evidence, now=now, collateral=collateral, unsafe_trust_test_root=True)
            for verifier in (on_opa, embedded)
        ]
    assert outcomes[0].appraisal == outcomes[1].appraisal
    assert outcomes[0].appraisal is not None and outcomes[0].appraisal.status in set(Status)
    own_opa_server.kill()
    failed = on_opa.verify(evidence, now=now, collateral=collateral, unsafe_trust_test_root=True)
    assert failed.appraisal is None and failed.result is None
    assert isinstance(failed.error, PolicyError)
    assert failed.exit_code == 6
    assert "cannot reach the OPA server" in failed.error.diagnostics()
    json.dumps(failed.error.message)
