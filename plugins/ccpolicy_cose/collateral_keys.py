"""Public keys from the collateral store: SubjectPublicKeyInfo in PEM or DER, which the store keeps as blobs.

Picked by content: a blob is a public key if it holds a ``PUBLIC KEY`` PEM block
or parses as DER SubjectPublicKeyInfo.  Only EC keys are kept; COSE evidence is
ECDSA-signed.

A raw key cannot say who made it, so the evidence forge marks its keys: it writes
them as self-issued X.509 certificates whose common name carries
``ccpolicy.certificates.TEST_ROOT_NAME``.  Such a certificate's key is a *test
key*; selecting one fails with ChainError unless the caller trusts the test root
(``VerificationContext.unsafe_trust_test_root``).  Other certificates are not keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ccpolicy.certificates import TEST_ROOT_NAME, is_test_root
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import ChainError, CollateralMissingError, ConfigurationError
from ccpolicy_cose.cose_key import instance_id

PEM_PUBLIC_KEY = b"-----BEGIN PUBLIC KEY-----"
PEM_PUBLIC_KEY_END = b"-----END PUBLIC KEY-----"


@dataclass(frozen=True, slots=True, kw_only=True)
class CollateralPublicKey:
    key: ec.EllipticCurvePublicKey
    origin: Path
    test_key: bool = False
    """Made by ccpolicy's evidence forge (a self-issued certificate named with TEST_ROOT_NAME)."""


def collateral_public_keys(store: CollateralStore) -> tuple[CollateralPublicKey, ...]:
    """Every EC public key in the store's blobs, in store order, then the forge's test keys."""
    found: list[CollateralPublicKey] = []
    for blob in store.blobs:
        for key in _public_keys(blob.data, blob.path):
            if isinstance(key, ec.EllipticCurvePublicKey):
                found.append(CollateralPublicKey(key=key, origin=blob.path))
    for item in store.certificates:
        certificate = item.certificate
        if certificate.subject == certificate.issuer and is_test_root(certificate):
            key = certificate.public_key()
            if isinstance(key, ec.EllipticCurvePublicKey):
                found.append(CollateralPublicKey(key=key, origin=item.origin, test_key=True))
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
    test_key: bool = False
    """The key is a forge test key (accepted only with ``unsafe_trust_test_root``)."""


def select_attestation_key(
    store: CollateralStore, token_instance_id: bytes, *, role: str, unsafe_trust_test_root: bool = False
) -> SelectedKey:
    """The collateral key whose instance id the token carries, else the only key given.

    Raises CollateralMissingError when the store has no EC public key, or
    several of which none matches the instance id; ChainError when the key
    picked is a forge test key and ``unsafe_trust_test_root`` is false.
    """
    keys = collateral_public_keys(store)
    chosen = next((candidate for candidate in keys if instance_id(candidate.key) == token_instance_id), None)
    if chosen is None and len(keys) == 1:
        chosen = keys[0]
    if chosen is not None:
        # A forge key stays a test key even if the same key also came in unmarked.
        test_key = any(candidate.test_key and candidate.key == chosen.key for candidate in keys)
        if test_key and not unsafe_trust_test_root:
            raise ChainError(
                f"the {role} in {chosen.origin} is a key of the ccpolicy evidence forge ({TEST_ROOT_NAME})",
                hint="it signs forged evidence; pass --trust-test-root in tests only",
            )
        return SelectedKey(
            key=chosen.key,
            origin=chosen.origin,
            matches_instance_id=instance_id(chosen.key) == token_instance_id,
            test_key=test_key,
        )
    if not keys:
        raise CollateralMissingError(
            f"no {role} public key in the collateral",
            hint=f"pass the {role} public key (PEM SubjectPublicKeyInfo) with --collateral",
        )
    raise CollateralMissingError(
        f"none of the {len(keys)} public keys in the collateral has the token's instance id {token_instance_id.hex()}",
        hint=f"pass only the {role} public key of this device",
    )
