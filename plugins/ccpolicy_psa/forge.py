"""PsaForge: PSA attestation tokens in the real format, signed by a ccpolicy test IAK (ECDSA P-256, ES256).

Writes into ``out_dir``:

* ``psa_token.cbor``: a tagged COSE_Sign1 over the token's claims (profile ``http://arm.com/psa/2.0.0`` unless
  set), the instance id being ``0x01 || SHA-256`` of the test IAK's point;
* ``psa_iak_test_key.pem``: the test IAK as a self-issued certificate named with ``TEST_ROOT_NAME``, which the
  PSA verifier accepts only with ``unsafe_trust_test_root`` (see ccpolicy_cose.collateral_keys);
* ``refvalues.json``: ``{"psa": {"software_components": [{"measurement_type", "measurement_value",
  "signer_id"}, ...]}}`` (the shape policies/psa/data.json reads).

Settings (defaults in brackets): ``profile`` psa|tfm|legacy [psa]; ``client_id`` [1]; ``lifecycle`` [secured];
``implementation_id`` (32 bytes); ``instance_id`` (33 bytes) [from the IAK]; ``boot_seed`` (32 bytes);
``certification_reference`` [none; 13 digits for legacy, else EAN-13 or EAN-13-5]; ``verification_service``;
``nonce`` (32/48/64 bytes) [32 zero bytes]; software components as ccpolicy_cose.arm_forge_settings describes
[SPE 1.6.0 and NSPE 0.0.0].
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import cbor2
from cryptography.hazmat.primitives import serialization

from ccpolicy.interfaces import ForgedEvidence
from ccpolicy_cose.arm_forge_settings import ArmForgeSettings, forged_digest, software_component_reference
from ccpolicy_cose.cbor_fields import Label
from ccpolicy_cose.cose_key import instance_id
from ccpolicy_cose.cose_signature import sign_cose_sign1
from ccpolicy_cose.forge_key_certificate import forge_attestation_key, marked_key_certificate
from ccpolicy_psa.token_claims import INSTANCE_ID_SIZE, LEGACY_KEYS, NONCE_SIZES, RFC9783_KEYS, PsaProfile

PROFILES = {"psa": PsaProfile.PSA_2_0_0, "tfm": PsaProfile.PSA_TFM, "legacy": PsaProfile.PSA_IOT_PROFILE_1}
DEFAULT_COMPONENTS = (("SPE", "1.6.0"), ("NSPE", "0.0.0"))
DEFAULT_VERIFICATION_SERVICE = "https://verifier.ccpolicy-test.invalid"
KNOWN_SETTINGS = frozenset(
    {
        "profile",
        "client_id",
        "lifecycle",
        "implementation_id",
        "instance_id",
        "boot_seed",
        "certification_reference",
        "verification_service",
        "nonce",
        "sw_components",
    }
)


class PsaForge:
    """The EvidenceForge of Arm PSA attestation tokens (tee_id ``psa``)."""

    tee_id = "psa"

    def forge(self, out_dir: Path, settings: Mapping[str, str], now: datetime) -> ForgedEvidence:
        read = ArmForgeSettings(self.tee_id, settings, KNOWN_SETTINGS)
        iak = forge_attestation_key("psa-iak", "secp256r1")
        claims = token_claims(read, default_instance_id=instance_id(iak.public_key()))
        token = sign_cose_sign1(cbor2.dumps(claims.payload), iak, tagged=True)

        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        token_path = out_dir / "psa_token.cbor"
        token_path.write_bytes(token)
        key_path = out_dir / "psa_iak_test_key.pem"
        certificate = marked_key_certificate(iak, label="PSA IAK", now=now)
        key_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        reference = {
            self.tee_id: {
                "software_components": [software_component_reference(c) for c in claims.software_components],
            }
        }
        reference_path = out_dir / "refvalues.json"
        reference_path.write_text(json.dumps(reference, indent=2) + "\n", encoding="utf-8")
        return ForgedEvidence(evidence=token_path, collateral=(key_path,), reference_values=reference_path)


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgedPsaClaims:
    """The claims map to sign, and the software components the reference values repeat."""

    payload: dict[int, Any]
    software_components: list[dict[Label, Any]]


def token_claims(read: ArmForgeSettings, *, default_instance_id: bytes) -> ForgedPsaClaims:
    profile = PROFILES[read.choice("profile", "psa", PROFILES)]
    keys = LEGACY_KEYS if profile.legacy else RFC9783_KEYS
    components = read.software_components(DEFAULT_COMPONENTS)
    payload: dict[int, Any] = {
        keys.profile: profile.value,
        keys.client_id: read.integer("client_id", 1, minimum=-(2**31), maximum=2**31 - 1),
        keys.lifecycle: read.lifecycle(),
        keys.implementation_id: read.hex_value(
            "implementation_id", forged_digest("PSA implementation id"), sizes=(32,)
        ),
        keys.boot_seed: read.hex_value("boot_seed", forged_digest("PSA boot seed"), sizes=(32,)),
        keys.software_components: components,
        keys.nonce: read.hex_value("nonce", bytes(32), sizes=NONCE_SIZES),
        keys.instance_id: read.hex_value("instance_id", default_instance_id, sizes=(INSTANCE_ID_SIZE,)),
        keys.verification_service: read.text("verification_service", DEFAULT_VERIFICATION_SERVICE),
    }
    reference = read.optional_text("certification_reference")
    if reference is not None:
        payload[keys.certification_reference] = reference
    return ForgedPsaClaims(payload=payload, software_components=components)
