"""Benchmarks share the test suite's fixtures (the ccpolicy kit and the real vectors)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["ccpolicy.testing"]


@pytest.fixture(scope="session")
def vectors(ccpolicy_vectors: Path) -> Path:
    return ccpolicy_vectors
