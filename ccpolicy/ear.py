"""Attestation results as EAR (draft-ietf-rats-ear), optionally signed as a JWT (ES256 / ES384)."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ccpolicy.appraisal import Appraisal
from ccpolicy.claims import JsonValue
from ccpolicy.errors import ConfigurationError

EAR_PROFILE = "tag:github.com,2023:veraison/ear"
JWT_ALGORITHMS = {"secp256r1": ("ES256", hashes.SHA256(), 32), "secp384r1": ("ES384", hashes.SHA384(), 48)}


def build_ear(
    submods: Mapping[str, Appraisal], *, now: datetime, verifier_build: str, nonce: bytes | None = None
) -> dict[str, JsonValue]:
    """The EAR claims set for one or more appraised submodules (one per TEE / evidence)."""
    claims: dict[str, JsonValue] = {
        "eat_profile": EAR_PROFILE,
        "iat": int(now.timestamp()),
        "ear.verifier-id": {"developer": "ccpolicy", "build": verifier_build},
        "submods": {
            name: {
                "ear.status": appraisal.status.value,
                "ear.trustworthiness-vector": dict(appraisal.trust_vector),
                "ear.appraisal-policy-id": appraisal.policy_id,
            }
            for name, appraisal in submods.items()
        },
    }
    if nonce is not None:
        claims["eat_nonce"] = b64url(nonce)
    return claims


def load_signing_key(path: Path) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigurationError(f"cannot load signing key {path}: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name not in JWT_ALGORITHMS:
        raise ConfigurationError(f"signing key {path} must be an EC P-256 or P-384 private key (ES256 / ES384)")
    return key


def sign_jwt(claims: Mapping[str, JsonValue], key: ec.EllipticCurvePrivateKey) -> str:
    """A compact JWS with the claims as payload; the signature is raw r||s as JOSE requires."""
    algorithm, digest, size = JWT_ALGORITHMS[key.curve.name]
    header = {"alg": algorithm, "typ": "JWT"}
    signing_input = f"{b64url(_json(header))}.{b64url(_json(claims))}"
    r, s = decode_dss_signature(key.sign(signing_input.encode("ascii"), ec.ECDSA(digest)))
    return f"{signing_input}.{b64url(r.to_bytes(size, 'big') + s.to_bytes(size, 'big'))}"


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JOSE and EAR use it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json(value: JsonValue) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()
