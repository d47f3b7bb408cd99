"""Each hook without a test elsewhere, exercised through PluginHost: a plugin's answer is collected next to
the built-in plugins' answers, and a key another plugin already provides is a conflict.

(``test_hook_ccpolicy_tee_verifiers`` and ``test_hook_ccpolicy_evidence_forges`` are in
tests/plugins/snp/test_snp_plugin.py, ``test_hook_ccpolicy_reference_value_generators`` in
tests/plugins/snp/test_snp_refvalues.py, ``test_hook_ccpolicy_collateral_sources`` in
tests/plugins/snp/test_snp_kds_client.py.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from ccpolicy.claims import JsonValue
from ccpolicy.comparison.backend import ComparisonBackend
from ccpolicy.errors import PluginError
from ccpolicy.hookspecs import hookimpl
from ccpolicy.host import PluginHost, build_plugin_manager
from ccpolicy.interfaces import Policy, PolicyEngine
from ccpolicy.threats import (
    DEBUG_ACCESS,
    Adversary,
    IsolationUnit,
    PropertySupport,
    SecurityProperty,
    Source,
    Support,
    Threat,
    ThreatModel,
)
from tests.comparison.fake_backends import FakeBackend


def host_with(plugin: object) -> PluginHost:
    manager = build_plugin_manager()
    manager.register(plugin, name="hook-test")
    return PluginHost(manager)


class ConstantEngine:
    """A policy engine whose every decision is the same value."""

    def __init__(self, name: str) -> None:
        self.name = name

    def evaluate(self, policy: Policy, input_document: Mapping[str, JsonValue]) -> JsonValue:
        return {"query": policy.query, "tee": input_document.get("tee")}


class EnginePlugin:
    def __init__(self, *engines: PolicyEngine) -> None:
        self.engines = engines

    @hookimpl
    def ccpolicy_policy_engines(self) -> Sequence[PolicyEngine]:
        return self.engines


class BackendPlugin:
    def __init__(self, *backends: ComparisonBackend) -> None:
        self.backends = backends

    @hookimpl
    def ccpolicy_comparison_backends(self) -> Sequence[ComparisonBackend]:
        return self.backends


class ThreatPlugin:
    def __init__(self, *models: ThreatModel) -> None:
        self.models = models

    @hookimpl
    def ccpolicy_threat_models(self) -> Sequence[ThreatModel]:
        return self.models


def threat_model(tee_id: str) -> ThreatModel:
    return ThreatModel(
        tee_id=tee_id,
        name=f"{tee_id} for the hook test",
        threats=(Threat(id=DEBUG_ACCESS, description="debug access", mitigating_claims=("evidence.debug",)),),
        security_properties={
            SecurityProperty.CONFIDENTIALITY: PropertySupport(support=Support.PARTIAL, note="test"),
        },
        tcb=("test firmware",),
        adversaries_in_scope=frozenset({Adversary.HOST_OS_HYPERVISOR}),
        adversaries_out_of_scope=frozenset({Adversary.PHYSICAL_INVASIVE}),
        isolation_unit=IsolationUnit.VIRTUAL_MACHINE,
        unmodified_applications=True,
        sources=(Source(title="test", url="https://example.invalid/"),),
    )


def test_hook_ccpolicy_policy_engines() -> None:
    host = host_with(EnginePlugin(ConstantEngine("constant")))
    engine = host.policy_engines["constant"]
    policy = Policy(modules=(), query="data.ccpolicy.fake.result", policy_id="sha256:00")
    assert engine.evaluate(policy, {"tee": "fake"}) == {"query": "data.ccpolicy.fake.result", "tee": "fake"}
    assert "regorus" in host.policy_engines
    assert "engine:constant" in host.providers()["hook-test"]
    with pytest.raises(PluginError, match="'regorus' from ccpolicy_policy_engines is provided by both"):
        _ = host_with(EnginePlugin(ConstantEngine("regorus"))).policy_engines


def test_hook_ccpolicy_comparison_backends() -> None:
    host = host_with(BackendPlugin(FakeBackend("hook-test-fhe")))
    backend = host.comparison_backends["hook-test-fhe"]
    assert isinstance(backend, FakeBackend)
    assert backend.available() is None
    assert "backend:hook-test-fhe" in host.providers()["hook-test"]
    with pytest.raises(PluginError, match="provided by both"):
        _ = host_with(BackendPlugin(FakeBackend("twice"), FakeBackend("twice"))).comparison_backends


def test_hook_ccpolicy_threat_models() -> None:
    host = host_with(ThreatPlugin(threat_model("hook-test")))
    model = host.threat_models["hook-test"]
    assert model.threat(DEBUG_ACCESS) is not None
    assert [threat.id for threat in model.policy_threats()] == [DEBUG_ACCESS]
    assert "snp" in host.threat_models  # the built-in plugins' models are collected beside it
    with pytest.raises(PluginError, match="'snp' from ccpolicy_threat_models is provided by both"):
        _ = host_with(ThreatPlugin(threat_model("snp"))).threat_models


def test_a_hook_answer_that_is_not_a_sequence_is_a_plugin_error() -> None:
    class Broken:
        @hookimpl
        def ccpolicy_threat_models(self) -> object:
            return threat_model("broken")

    with pytest.raises(PluginError, match="returned no sequence from ccpolicy_threat_models"):
        _ = host_with(Broken()).threat_models
