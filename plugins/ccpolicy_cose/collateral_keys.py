"""Public keys from the collateral store: SubjectPublicKeyInfo in PEM or DER, which the store keeps as blobs.

Picked by content: a blob is a public key if it holds a ``PUBLIC KEY`` PEM block
or parses as DER SubjectPublicKeyInfo.  Only EC keys are kept; COSE evidence is
ECDSA-signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import CollateralMissingError, ConfigurationError
from ccpolicy_cose.cose_key import instance_id

PEM_PUBLIC_KEY = b"-----BEGIN PUBLIC KEY-----"
PEM_PUBLIC_KEY_END = b"-----END PUBLIC KEY-----"


@dataclass(frozen=True, slots=True, kw_only=True)
class CollateralPublicKey:
    key: ec.EllipticCurvePublicKey
    origin: Path


def collateral_public_keys(store: CollateralStore) -> tuple[CollateralPublicKey, ...]:
    """Every EC public key in the store's blobs, in store order."""
    found: list[CollateralPublicKey] = []
    for blob in store.blobs:
        for key in _public_keys(blob.data, blob.path):
            if isinstance(key, ec.EllipticCurvePublicKey):
                found.append(CollateralPublicKey(key=key, origin=blob.path))
    return tuple(found)


def _public_keys(data: bytes, origin: Path) -> list[object]:
    if PEM_PUBLIC_KEY in data:
        keys: list[object] = []
        for block in data.split(PEM_PUBLIC_KEY)[1:]:
            pem = PEM_PUBLIC_KEY + block.split(PEM_PUBLIC_KEY_END)[0] + PEM_PUBLIC_KEY_END + b"\n"
            try:
                keys.append(serialization.load_pem_public_key(pem))
            except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
                raise ConfigurationError(
                    f"collateral file {origin} holds a PEM public key that does not parse",
                    reason="collateral.garbage",
                ) from exc
        return keys
    if data[:1] == b"0":
        try:
            return [serialization.load_der_public_key(data)]
        except (ValueError, TypeError, UnsupportedAlgorithm):
            return []
    return []


@dataclass(frozen=True, slots=True, kw_only=True)
class SelectedKey:
    key: ec.EllipticCurvePublicKey
    origin: Path
    matches_instance_id: bool
    """True when the token's instance id is ``0x01 || SHA-256`` of this key's point."""


def select_attestation_key(store: CollateralStore, token_instance_id: bytes, *, role: str) -> SelectedKey:
    """The collateral key whose instance id the token carries, else the only key given.

    Raises CollateralMissingError when the store has no EC public key, or
    several of which none matches the instance id.
    """
    keys = collateral_public_keys(store)
    for candidate in keys:
        if instance_id(candidate.key) == token_instance_id:
            return SelectedKey(key=candidate.key, origin=candidate.origin, matches_instance_id=True)
    if len(keys) == 1:
        return SelectedKey(key=keys[0].key, origin=keys[0].origin, matches_instance_id=False)
    if not keys:
        raise CollateralMissingError(
            f"no {role} public key in the collateral",
            hint=f"pass the {role} public key (PEM SubjectPublicKeyInfo) with --collateral",
        )
    raise CollateralMissingError(
        f"none of the {len(keys)} public keys in the collateral has the token's instance id {token_instance_id.hex()}",
        hint=f"pass only the {role} public key of this device",
    )
