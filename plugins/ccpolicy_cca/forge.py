"""CcaForge: Arm CCA attestation tokens in the real format, under a ccpolicy test CPAK.

Writes into ``out_dir``:

* ``cca_token.cbor``: ``399({44234: platform token, 44241: realm token})``, both tagged COSE_Sign1 with ES384;
  the platform token is signed by the test CPAK (P-384) and its challenge is the RAK hashed with the realm's
  declared algorithm; the realm token is signed by the test RAK (P-384) it carries;
* ``cca_cpak_test_key.pem``: the test CPAK as a self-issued certificate named with ``TEST_ROOT_NAME``, which the
  CCA verifier accepts only with ``unsafe_trust_test_root`` (see ccpolicy_cose.collateral_keys);
* ``refvalues.json``: ``{"cca": {"measurements": {"rim": ["<hex>"], "rem0".."rem3": ["<hex>"]},
  "platform_software_components": [{"measurement_type", "measurement_value", "signer_id"}, ...]}}``.

Settings (defaults in brackets). Platform: ``platform_profile`` ssd|platform [ssd = http://arm.com/CCA-SSD/1.0.0];
``lifecycle`` [secured]; ``implementation_id`` (32 bytes); ``instance_id`` (33 bytes) [from the CPAK];
``config`` (hex) [a fixed value]; ``platform_hash_algorithm`` sha-256|sha-384|sha-512 [sha-256];
``verification_service``; software components as ccpolicy_cose.arm_forge_settings describes [BL, PRoT, ARoT].
Realm: ``challenge`` (64 bytes) [zero]; ``personalization_value`` (64 bytes) [zero]; ``hash_algorithm`` (the
realm measurement algorithm) [sha-256]; ``rim``, ``rem0``..``rem3`` (that algorithm's size) [fixed values];
``rak_hash_algorithm`` [sha-256]; ``rak_format`` point|cose_key [point]; ``realm_profile`` [none];
``rak_binding`` 0 makes the platform challenge hash a different key (a token that fails its binding) [1].
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import cbor2
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ccpolicy.interfaces import ForgedEvidence
from ccpolicy_cca.hash_algorithms import CcaHashAlgorithm
from ccpolicy_cca.platform_token import (
    CHALLENGE,
    CONFIG,
    HASH_ALGORITHM,
    IMPLEMENTATION_ID,
    INSTANCE_ID,
    LIFECYCLE,
    MAX_CONFIG_SIZE,
    PROFILE,
    SOFTWARE_COMPONENTS,
    VERIFICATION_SERVICE,
    CcaPlatformProfile,
)
from ccpolicy_cca.realm_token import (
    CHALLENGE_SIZE,
    EXTENSIBLE_MEASUREMENTS,
    INITIAL_MEASUREMENT,
    MEASUREMENT_ALGORITHM,
    PERSONALIZATION_SIZE,
    PERSONALIZATION_VALUE,
    PUBLIC_KEY,
    PUBLIC_KEY_HASH_ALGORITHM,
    REM_COUNT,
)
from ccpolicy_cca.token_collection import CCA_TOKEN_TAG, PLATFORM_TOKEN, REALM_TOKEN
from ccpolicy_cose.arm_forge_settings import ArmForgeSettings, forged_digest, software_component_reference
from ccpolicy_cose.cose_key import CURVE, KEY_TYPE, KTY_EC2, X, Y, instance_id, uncompressed_point
from ccpolicy_cose.cose_signature import sign_cose_sign1
from ccpolicy_cose.forge_key_certificate import forge_attestation_key, marked_key_certificate

PLATFORM_PROFILES = {"ssd": CcaPlatformProfile.CCA_SSD_1_0_0, "platform": CcaPlatformProfile.CCA_PLATFORM_1_0_0}
HASH_NAMES = {algorithm.value: algorithm for algorithm in CcaHashAlgorithm}
DEFAULT_COMPONENTS = (("BL", "1.0.0"), ("PRoT", "1.0.0"), ("ARoT", "1.0.0"))
DEFAULT_VERIFICATION_SERVICE = "https://verifier.ccpolicy-test.invalid"
COSE_CURVE_P384 = 2
KNOWN_SETTINGS = frozenset(
    {
        "platform_profile",
        "lifecycle",
        "implementation_id",
        "instance_id",
        "config",
        "platform_hash_algorithm",
        "verification_service",
        "sw_components",
        "challenge",
        "personalization_value",
        "hash_algorithm",
        "rim",
        "rem0",
        "rem1",
        "rem2",
        "rem3",
        "rak_hash_algorithm",
        "rak_format",
        "realm_profile",
        "rak_binding",
    }
)


class CcaForge:
    """The EvidenceForge of Arm CCA attestation tokens (tee_id ``cca``)."""

    tee_id = "cca"

    def forge(self, out_dir: Path, settings: Mapping[str, str], now: datetime) -> ForgedEvidence:
        read = ArmForgeSettings(self.tee_id, settings, KNOWN_SETTINGS)
        cpak = forge_attestation_key("cca-cpak", "secp384r1")
        rak = forge_attestation_key("cca-rak", "secp384r1")
        realm, rak_encoded = realm_claims(read, rak.public_key())
        bound_key = (
            rak_encoded if read.flag("rak_binding", default=True) else rak_encoded[:-1] + bytes([rak_encoded[-1] ^ 1])
        )
        platform = platform_claims(read, cpak.public_key(), bound_key, realm[PUBLIC_KEY_HASH_ALGORITHM])
        token = cbor2.dumps(
            cbor2.CBORTag(
                CCA_TOKEN_TAG,
                {
                    PLATFORM_TOKEN: sign_cose_sign1(cbor2.dumps(platform), cpak, tagged=True),
                    REALM_TOKEN: sign_cose_sign1(cbor2.dumps(realm), rak, tagged=True),
                },
            )
        )

        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        token_path = out_dir / "cca_token.cbor"
        token_path.write_bytes(token)
        key_path = out_dir / "cca_cpak_test_key.pem"
        certificate = marked_key_certificate(cpak, label="CCA CPAK", now=now)
        key_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        reference_path = out_dir / "refvalues.json"
        reference_path.write_text(json.dumps(reference_values(platform, realm), indent=2) + "\n", encoding="utf-8")
        return ForgedEvidence(evidence=token_path, collateral=(key_path,), reference_values=reference_path)


def realm_claims(read: ArmForgeSettings, rak: ec.EllipticCurvePublicKey) -> tuple[dict[int, Any], bytes]:
    """The realm token's claims and the RAK encoding they carry."""
    algorithm = HASH_NAMES[read.choice("hash_algorithm", "sha-256", HASH_NAMES)]
    size = algorithm.digest_size
    rak_hash = read.choice("rak_hash_algorithm", "sha-256", HASH_NAMES)
    rak_format = read.choice("rak_format", "point", ("point", "cose_key"))
    rak_encoded = uncompressed_point(rak) if rak_format == "point" else cose_key(rak)
    claims: dict[int, Any] = {
        CHALLENGE: read.hex_value("challenge", bytes(CHALLENGE_SIZE), sizes=(CHALLENGE_SIZE,)),
        PERSONALIZATION_VALUE: read.hex_value(
            "personalization_value", bytes(PERSONALIZATION_SIZE), sizes=(PERSONALIZATION_SIZE,)
        ),
        INITIAL_MEASUREMENT: read.hex_value("rim", forged_digest("CCA RIM", size), sizes=(size,)),
        EXTENSIBLE_MEASUREMENTS: [
            read.hex_value(f"rem{index}", forged_digest(f"CCA REM{index}", size), sizes=(size,))
            for index in range(REM_COUNT)
        ],
        MEASUREMENT_ALGORITHM: algorithm.value,
        PUBLIC_KEY_HASH_ALGORITHM: rak_hash,
        PUBLIC_KEY: rak_encoded,
    }
    profile = read.optional_text("realm_profile")
    if profile is not None:
        claims[PROFILE] = profile
    return claims, rak_encoded


def platform_claims(
    read: ArmForgeSettings, cpak: ec.EllipticCurvePublicKey, rak_encoded: bytes, rak_hash: str
) -> dict[int, Any]:
    profile = PLATFORM_PROFILES[read.choice("platform_profile", "ssd", PLATFORM_PROFILES)]
    return {
        PROFILE: profile.value,
        CHALLENGE: HASH_NAMES[rak_hash].digest(rak_encoded),
        IMPLEMENTATION_ID: read.hex_value("implementation_id", forged_digest("CCA implementation id"), sizes=(32,)),
        INSTANCE_ID: read.hex_value("instance_id", instance_id(cpak), sizes=(33,)),
        CONFIG: read.hex_value("config", forged_digest("CCA platform config"), max_size=MAX_CONFIG_SIZE),
        LIFECYCLE: read.lifecycle(),
        SOFTWARE_COMPONENTS: read.software_components(DEFAULT_COMPONENTS),
        VERIFICATION_SERVICE: read.text("verification_service", DEFAULT_VERIFICATION_SERVICE),
        HASH_ALGORITHM: read.choice("platform_hash_algorithm", "sha-256", HASH_NAMES),
    }


def cose_key(key: ec.EllipticCurvePublicKey) -> bytes:
    """The RAK as a CBOR-encoded COSE_Key (EC2, P-384), the RMM 1.0 encoding."""
    numbers = key.public_numbers()
    return cbor2.dumps(
        {
            KEY_TYPE: KTY_EC2,
            CURVE: COSE_CURVE_P384,
            X: numbers.x.to_bytes(48, "big"),
            Y: numbers.y.to_bytes(48, "big"),
        }
    )


def reference_values(platform: Mapping[int, Any], realm: Mapping[int, Any]) -> dict[str, Any]:
    """What policies/cca/data.json reads: realm measurements and platform software components."""
    measurements = {"rim": [realm[INITIAL_MEASUREMENT].hex()]}
    measurements.update({f"rem{index}": [rem.hex()] for index, rem in enumerate(realm[EXTENSIBLE_MEASUREMENTS])})
    components = [software_component_reference(c) for c in platform[SOFTWARE_COMPONENTS]]
    return {"cca": {"measurements": measurements, "platform_software_components": components}}
