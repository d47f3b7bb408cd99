"""Installed, the plugin is found through its entry point like any built-in plugin."""

from __future__ import annotations

from collections.abc import Callable

from ccpolicy.host import PluginHost
from ccpolicy_example_tee.forge import ExampleForge
from ccpolicy_example_tee.verifier import ExampleVerifier


def test_the_host_loads_the_example_plugin(ccpolicy_host_factory: Callable[..., PluginHost]) -> None:
    host = ccpolicy_host_factory()
    assert isinstance(host.verifier("example"), ExampleVerifier)
    assert isinstance(host.evidence_forges["example"], ExampleForge)
    assert host.threat_models["example"].threat("debug-access") is not None
    assert any(info.name == "example" and info.distribution == "ccpolicy-example-tee" for info in host.plugins())
