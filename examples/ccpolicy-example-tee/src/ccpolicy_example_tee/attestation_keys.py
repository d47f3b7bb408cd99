"""The attestation keys the relying party pinned: picked from the collateral by their JSON shape.

A pin is a JSON document ``{"ccpolicy_example_tee": {"attestation_key": "<64 hex: Ed25519 public
key>", "issuer": "<who vouches for it>"}}``.  The forge writes its keys with the issuer
``ccpolicy.certificates.TEST_ROOT_NAME``; such a test key counts only with
``VerificationContext.unsafe_trust_test_root`` (``ccpolicy verify --trust-test-root``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ccpolicy.certificates import TEST_ROOT_NAME
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import ChainError, CollateralMissingError, ConfigurationError

DOCUMENT_KEY = "ccpolicy_example_tee"
PUBLIC_KEY_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True, kw_only=True)
class PinnedKey:
    public_key: bytes
    """The raw 32-byte Ed25519 public key."""
    issuer: str
    origin: Path

    @property
    def test_key(self) -> bool:
        return self.issuer == TEST_ROOT_NAME

    def ed25519(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.public_key)


def pinned_keys(collateral: CollateralStore) -> list[PinnedKey]:
    """Every pin in the collateral; a document of this shape with a bad key is a ConfigurationError."""
    keys = []
    for item in collateral.json_documents:
        document = item.document
        if not isinstance(document, dict) or not isinstance(document.get(DOCUMENT_KEY), dict):
            continue
        pin = document[DOCUMENT_KEY]
        key, issuer = pin.get("attestation_key"), pin.get("issuer")
        if not isinstance(key, str) or not PUBLIC_KEY_HEX.fullmatch(key) or not isinstance(issuer, str):
            raise ConfigurationError(
                f"{item.origin}: '{DOCUMENT_KEY}' needs 'attestation_key' (64 lowercase hex digits) and 'issuer'"
            )
        keys.append(PinnedKey(public_key=bytes.fromhex(key), issuer=issuer, origin=item.origin))
    return keys


def trusted_keys(collateral: CollateralStore, *, unsafe_trust_test_root: bool) -> list[PinnedKey]:
    """The pins that may verify evidence: test keys only when the caller trusts the test root."""
    keys = pinned_keys(collateral)
    if not keys:
        raise CollateralMissingError(
            "no example TEE attestation key is pinned in the collateral",
            hint=f'pass --collateral FILE holding {{"{DOCUMENT_KEY}": {{"attestation_key": "<hex>", "issuer": ...}}}}',
        )
    trusted = [key for key in keys if unsafe_trust_test_root or not key.test_key]
    if not trusted:
        raise ChainError(
            f"the only pinned attestation keys ({', '.join(str(key.origin) for key in keys)}) are keys of the "
            f"ccpolicy evidence forge ({TEST_ROOT_NAME})",
            hint="pass --trust-test-root to accept forged evidence (never in production)",
        )
    return trusted
