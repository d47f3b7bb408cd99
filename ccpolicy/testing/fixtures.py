"""Fixtures of the ccpolicy pytest plugin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ccpolicy.evidence_cases import vectors_root
from ccpolicy.host import PluginHost, build_plugin_manager


@pytest.fixture(scope="session")
def ccpolicy_vectors() -> Path:
    """The real evidence vectors; skips with the reason when they are absent."""
    root = vectors_root()
    if not root.is_dir():
        pytest.skip(f"real vectors not found at {root} (set CCPOLICY_VECTORS)")
    return root


@pytest.fixture
def ccpolicy_host_factory() -> Callable[..., PluginHost]:
    """Build a PluginHost from the installed entry points plus extra plugin objects, minus blocked names."""

    def factory(*extra_plugins: object, disabled: tuple[str, ...] = ()) -> PluginHost:
        manager = build_plugin_manager(disabled)
        for index, plugin in enumerate(extra_plugins):
            manager.register(plugin, name=f"extra-{index}")
        return PluginHost(manager)

    return factory
