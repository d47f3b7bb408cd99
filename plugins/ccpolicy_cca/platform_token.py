"""The CCA platform token's claims (CCA Security Model DEN0096, platform token): CBOR map -> record."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_cca.hash_algorithms import CcaHashAlgorithm
from ccpolicy_cose.arm_security_lifecycle import SecurityLifecycle, decode_lifecycle
from ccpolicy_cose.arm_software_components import SoftwareComponent, parse_software_components
from ccpolicy_cose.cbor_fields import CborMap

PROFILE, CHALLENGE, INSTANCE_ID = 265, 10, 256
IMPLEMENTATION_ID, LIFECYCLE, SOFTWARE_COMPONENTS = 2396, 2395, 2399
VERIFICATION_SERVICE, CONFIG, HASH_ALGORITHM = 2400, 2401, 2402
CHALLENGE_SIZES = (32, 48, 64)
MAX_CONFIG_SIZE = 4096


class CcaPlatformProfile(enum.Enum):
    CCA_SSD_1_0_0 = "http://arm.com/CCA-SSD/1.0.0"
    CCA_PLATFORM_1_0_0 = "tag:arm.com,2023:cca_platform#1.0.0"


@dataclass(frozen=True, slots=True, kw_only=True)
class CcaPlatformClaims:
    profile: CcaPlatformProfile
    challenge: bytes
    """The hash of the realm's RAK, which binds the realm token to this platform token."""
    implementation_id: bytes
    instance_id: bytes
    config: bytes
    lifecycle: SecurityLifecycle
    software_components: tuple[SoftwareComponent, ...]
    verification_service: str | None
    hash_algorithm: str
    """The platform's measurement hash algorithm name, as carried."""


def parse_platform_claims(claims: CborMap) -> CcaPlatformClaims:
    name = claims.text(PROFILE)
    profile = next((p for p in CcaPlatformProfile if p.value == name), None)
    if profile is None:
        raise UnsupportedEvidenceError(
            f"CCA platform profile {name!r} is not supported", reason="evidence.unsupported.cca_profile"
        )
    instance_id = claims.byte_string(INSTANCE_ID, sizes=(33,))
    if instance_id[0] != 0x01:
        raise EvidenceFormatError(f"CCA platform instance id starts with {instance_id[0]:#04x}, not 0x01")
    return CcaPlatformClaims(
        profile=profile,
        challenge=claims.byte_string(CHALLENGE, sizes=CHALLENGE_SIZES),
        implementation_id=claims.byte_string(IMPLEMENTATION_ID, sizes=(32,)),
        instance_id=instance_id,
        config=claims.byte_string(CONFIG, max_size=MAX_CONFIG_SIZE),
        lifecycle=decode_lifecycle(claims.integer(LIFECYCLE), what="CCA platform lifecycle"),
        software_components=parse_software_components(
            claims.array(SOFTWARE_COMPONENTS), what="CCA platform software components"
        ),
        verification_service=claims.optional_text(VERIFICATION_SERVICE),
        hash_algorithm=CcaHashAlgorithm.from_name(
            claims.text(HASH_ALGORITHM), what="CCA platform hash algorithm"
        ).value,
    )
