"""Fixtures of the SEV-SNP plugin tests: the real vectors of ../shared/vectors/snp and their collateral."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from cryptography.utils import CryptographyDeprecationWarning

from ccpolicy.collateral import CollateralStore, load_collateral


@pytest.fixture(scope="session")
def snp_vectors(vectors: Path) -> Path:
    path = vectors / "snp"
    if not path.is_dir():
        pytest.skip(f"SEV-SNP vectors not found at {path}")
    return path


@pytest.fixture(scope="session")
def snp_collateral(snp_vectors: Path) -> Callable[..., CollateralStore]:
    """Load (once) a collateral store from files of the vector directory."""

    @cache
    def load(*names: str) -> CollateralStore:
        with warnings.catch_warnings():
            # AMD's VCEK/VLEK certificates have serial number 0, which cryptography warns about.
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            return load_collateral([snp_vectors / name for name in names])

    return load
