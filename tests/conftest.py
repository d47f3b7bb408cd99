"""Shared fixtures: the ccpolicy kit (opt-in plugin) and the real vectors."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["ccpolicy.testing"]


@pytest.fixture(scope="session")
def vectors(ccpolicy_vectors: Path) -> Path:
    """The real evidence of ../shared/vectors (or $CCPOLICY_VECTORS); skips when absent."""
    return ccpolicy_vectors
