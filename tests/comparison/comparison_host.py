"""The plugin host the comparison tests use: the installed entry points, plus the built-in comparison
plugins when their entry points are not registered (yet) in the installed metadata."""

from __future__ import annotations

from types import ModuleType

import ccpolicy_fhe.plugin
import ccpolicy_mpc.plugin
import ccpolicy_paillier.plugin
import ccpolicy_teemodel.plugin
import ccpolicy_zkp.plugin
from ccpolicy.host import PluginHost, build_plugin_manager

COMPARISON_PLUGINS: dict[str, ModuleType] = {
    "fhe": ccpolicy_fhe.plugin,
    "mpc": ccpolicy_mpc.plugin,
    "zkp": ccpolicy_zkp.plugin,
    "paillier": ccpolicy_paillier.plugin,
    "teemodel": ccpolicy_teemodel.plugin,
}


def comparison_host(*extra_plugins: object) -> PluginHost:
    manager = build_plugin_manager(disabled=())
    for name, module in COMPARISON_PLUGINS.items():
        if not manager.is_registered(module) and not manager.has_plugin(name):
            manager.register(module, name=name)
    for index, plugin in enumerate(extra_plugins):
        manager.register(plugin, name=f"test-extra-{index}")
    return PluginHost(manager)
