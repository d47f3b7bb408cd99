"""Fixtures of the SEV plugin tests: the real Naples chain, a forged platform, collateral stores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralFile, CollateralStore, collateral_from_files
from ccpolicy.interfaces import VerificationContext
from ccpolicy_sev.forge import ForgedPlatform, forge_platform

NOW = parse_time("2025-06-01T00:00:00Z")
"""SEV certificates carry no validity dates; any fixed time gives the same verdict."""

NAPLES_FILES = ("ark", "ask", "cek", "oca", "pek", "pdh")

StoreMaker = Callable[..., CollateralStore]
ContextMaker = Callable[..., VerificationContext]


@pytest.fixture(scope="session")
def sev_vectors(vectors: Path) -> Path:
    folder = vectors / "sev"
    if not folder.is_dir():
        pytest.skip(f"SEV vectors not found at {folder}")
    return folder


@pytest.fixture(scope="session")
def naples(sev_vectors: Path) -> dict[str, bytes]:
    """The real Naples certificates by role, plus ``ark_bad`` (the truncated ARK)."""
    certificates = {name: (sev_vectors / f"naples_{name}.cert").read_bytes() for name in NAPLES_FILES}
    certificates["ark_bad"] = (sev_vectors / "naples_ark.cert.bad").read_bytes()
    return certificates


@pytest.fixture(scope="session")
def forged() -> ForgedPlatform:
    return forge_platform()


@pytest.fixture(scope="session")
def forged_other() -> ForgedPlatform:
    """A second, unrelated forged platform (different test root)."""
    return forge_platform()


@pytest.fixture
def store() -> StoreMaker:
    """Build a collateral store from raw file contents (sorted by content as the host does)."""

    def make(*contents: bytes) -> CollateralStore:
        files = [CollateralFile(path=Path(f"collateral-{i}"), data=data) for i, data in enumerate(contents)]
        return collateral_from_files(files)

    return make


@pytest.fixture
def context(store: StoreMaker) -> ContextMaker:
    def make(*contents: bytes, unsafe_trust_test_root: bool = False) -> VerificationContext:
        return VerificationContext(now=NOW, collateral=store(*contents), unsafe_trust_test_root=unsafe_trust_test_root)

    return make
