"""Fixtures of the ccpolicy pytest plugin."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from ccpolicy.host import PluginHost, build_plugin_manager


def vectors_root() -> Path:
    """``$CCPOLICY_VECTORS``, else ``../shared/vectors`` beside the working directory's checkout."""
    configured = os.environ.get("CCPOLICY_VECTORS")
    if configured:
        return Path(configured)
    return Path.cwd().resolve().parent / "shared" / "vectors"


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
