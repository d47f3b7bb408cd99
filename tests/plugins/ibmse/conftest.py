"""Fixtures of the IBM SE plugin tests: forged responses with their collateral, and contexts."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralFile, CollateralStore, collateral_from_files
from ccpolicy.interfaces import ForgedEvidence, VerificationContext
from ccpolicy_ibmse.forge import IbmSeForge, forge_files
from ccpolicy_ibmse.verifier import IbmSeVerifier

NOW = parse_time("2025-06-01T00:00:00Z")
"""Nothing in IBM SE attestation expires; the time is pinned only because the contract wants one."""
SECRET = "ibmse_requester_secret.json"
HEADER = "ibmse_se_header.bin"


@dataclass(frozen=True, slots=True, kw_only=True)
class Forged:
    """One forged response, its files in memory, and the collateral store made from them."""

    evidence: bytes
    files: Mapping[str, bytes]

    @property
    def secret(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.files[SECRET])["ibmse"]
        return document

    @property
    def reference(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.files["ibmse_reference_values.json"])["ibmse"]
        return document

    def collateral(self, replaced: Mapping[str, bytes | None] | None = None) -> CollateralStore:
        """The collateral files; ``{name: bytes}`` replaces or adds a file, ``{name: None}`` drops it."""
        files = {name: data for name, data in self.files.items() if name in (SECRET, HEADER)}
        for name, data in (replaced or {}).items():
            if data is None:
                files.pop(name, None)
            else:
                files[name] = data
        return collateral_of(**files)

    def collateral_with_secret(self, **changes: Any) -> CollateralStore:
        """The collateral with fields of the ibmse document replaced (None removes a field)."""
        body = self.secret
        for name, value in changes.items():
            if value is None:
                body.pop(name, None)
            else:
                body[name] = value
        return self.collateral({SECRET: json.dumps({"ibmse": body}).encode()})


def collateral_of(**files: bytes) -> CollateralStore:
    return collateral_from_files([CollateralFile(path=Path(name), data=data) for name, data in files.items()])


def context_with(collateral: CollateralStore | None = None, *, unsafe: bool = True) -> VerificationContext:
    return VerificationContext(now=NOW, collateral=collateral or CollateralStore(), unsafe_trust_test_root=unsafe)


@pytest.fixture(scope="session")
def verifier() -> IbmSeVerifier:
    return IbmSeVerifier()


@pytest.fixture(scope="session")
def forge() -> Callable[..., Forged]:
    """``forge(**settings)``: a fresh forged response, as ``ccpolicy forge ibmse --set ...`` would write it."""

    def make(**settings: str) -> Forged:
        files = forge_files(settings)
        return Forged(evidence=files["ibmse_attestation_response.bin"], files=files)

    return make


@pytest.fixture(scope="session")
def forged(forge: Callable[..., Forged]) -> Forged:
    """One response with user data, a nonce and both host-key hashes, shared by read-only tests."""
    return forge(user_data="75736572206461746120666f72207468652072656c79696e67207061727479")


@pytest.fixture
def forged_on_disk(tmp_path: Path) -> Callable[..., ForgedEvidence]:
    def make(**settings: str) -> ForgedEvidence:
        return IbmSeForge().forge(tmp_path, settings, NOW)

    return make
