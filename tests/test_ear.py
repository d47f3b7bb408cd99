"""EAR claims and their JWT form."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from ccpolicy.appraisal import Appraisal, Status, appraisal_from_decision, overall_status, tier
from ccpolicy.ear import EAR_PROFILE, build_ear, load_signing_key, sign_jwt
from ccpolicy.errors import ConfigurationError, PolicyError

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
APPRAISAL = Appraisal(
    status=Status.AFFIRMING, trust_vector={"hardware": 2, "executables": 3}, reasons=(), policy_id="sha256:00"
)


def b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_ear_claims() -> None:
    claims = build_ear({"snp": APPRAISAL}, now=NOW, verifier_build="ccpolicy 0.1.0", nonce=b"\x01\x02")
    assert claims["eat_profile"] == EAR_PROFILE
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["eat_nonce"] == "AQI"
    submod = claims["submods"]["snp"]
    assert submod == {
        "ear.status": "affirming",
        "ear.trustworthiness-vector": {"hardware": 2, "executables": 3},
        "ear.appraisal-policy-id": "sha256:00",
    }


@pytest.mark.parametrize(
    ("curve", "algorithm", "digest", "size"),
    [
        (ec.SECP256R1(), "ES256", hashes.SHA256(), 32),
        (ec.SECP384R1(), "ES384", hashes.SHA384(), 48),
    ],
)
def test_jwt_verifies(curve: ec.EllipticCurve, algorithm: str, digest: hashes.HashAlgorithm, size: int) -> None:
    key = ec.generate_private_key(curve)
    claims = build_ear({"snp": APPRAISAL}, now=NOW, verifier_build="test")
    token = sign_jwt(claims, key)
    header, payload, signature = token.split(".")
    assert json.loads(b64decode(header)) == {"alg": algorithm, "typ": "JWT"}
    assert json.loads(b64decode(payload)) == claims
    raw = b64decode(signature)
    assert len(raw) == 2 * size
    der = encode_dss_signature(int.from_bytes(raw[:size], "big"), int.from_bytes(raw[size:], "big"))
    key.public_key().verify(der, f"{header}.{payload}".encode(), ec.ECDSA(digest))
    with pytest.raises(InvalidSignature):
        key.public_key().verify(der, f"{header}.{payload}x".encode(), ec.ECDSA(digest))


def test_signing_key_must_be_p256_or_p384(tmp_path: Path) -> None:
    path = tmp_path / "rsa.pem"
    path.write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    with pytest.raises(ConfigurationError):
        load_signing_key(path)
    (tmp_path / "garbage.pem").write_text("not a key")
    with pytest.raises(ConfigurationError):
        load_signing_key(tmp_path / "garbage.pem")


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (0, Status.NONE),
        (1, Status.NONE),
        (-1, Status.NONE),
        (2, Status.AFFIRMING),
        (31, Status.AFFIRMING),
        (32, Status.WARNING),
        (95, Status.WARNING),
        (96, Status.CONTRAINDICATED),
        (127, Status.CONTRAINDICATED),
        (-2, Status.AFFIRMING),
        (-33, Status.WARNING),
        (-97, Status.CONTRAINDICATED),
    ],
)
def test_tiers(value: int, status: Status) -> None:
    assert tier(value) is status


def test_overall_status_is_worst_tier() -> None:
    assert overall_status({"a": 2, "b": 0}) is Status.AFFIRMING
    assert overall_status({"a": 2, "b": 33}) is Status.WARNING
    assert overall_status({"a": 96, "b": 33}) is Status.CONTRAINDICATED
    assert overall_status({"a": 0}) is Status.NONE


@pytest.mark.parametrize(
    "decision",
    [
        None,
        [],
        {"trust_vector": {}},
        {"trust_vector": {"nope": 2}},
        {"trust_vector": {"hardware": "2"}},
        {"trust_vector": {"hardware": True}},
        {"trust_vector": {"hardware": 300}},
        {"trust_vector": {"hardware": 2}, "reasons": {}},
        {"trust_vector": {"hardware": 2}, "reasons": [{"rule": "x"}]},
    ],
)
def test_malformed_decision_is_policy_error(decision: object) -> None:
    with pytest.raises(PolicyError):
        appraisal_from_decision(decision, "sha256:00")
