"""PSA token claims: COSE_Sign1 bytes -> a typed PsaToken. No cryptography here.

Two key sets name the same claims: RFC 9783's (EAT keys and 2394..2400) and the
legacy ``PSA_IOT_PROFILE_1`` keys (-75000..-75010).  The profile claim decides;
a map mixing the two sets is malformed.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_cose.arm_security_lifecycle import SecurityLifecycle, decode_lifecycle
from ccpolicy_cose.arm_software_components import SoftwareComponent, parse_software_components
from ccpolicy_cose.cbor_decoding import decode_cbor
from ccpolicy_cose.cbor_fields import CborMap
from ccpolicy_cose.cose_sign1 import CoseSign1, parse_cose_sign1

MAX_TOKEN_SIZE = 16 * 1024
NONCE_SIZES = (32, 48, 64)
INSTANCE_ID_SIZE = 33
IMPLEMENTATION_ID_SIZE = 32
UEID_TYPE_RAND = 0x01
CLIENT_ID_RANGE = (-(2**31), 2**31 - 1)
CERTIFICATION_REFERENCE = re.compile(r"[0-9]{13}(-[0-9]{5})?")
HARDWARE_VERSION = re.compile(r"[0-9]{13}")


class PsaProfile(enum.Enum):
    PSA_2_0_0 = "http://arm.com/psa/2.0.0"
    PSA_TFM = "tag:psacertified.org,2023:psa#tfm"
    PSA_IOT_PROFILE_1 = "PSA_IOT_PROFILE_1"

    @property
    def legacy(self) -> bool:
        return self is PsaProfile.PSA_IOT_PROFILE_1


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimKeys:
    profile: int
    client_id: int
    lifecycle: int
    implementation_id: int
    boot_seed: int
    certification_reference: int
    software_components: int
    no_software_measurements: int | None
    nonce: int
    instance_id: int
    verification_service: int


RFC9783_KEYS = ClaimKeys(
    profile=265,
    client_id=2394,
    lifecycle=2395,
    implementation_id=2396,
    boot_seed=2397,
    certification_reference=2398,
    software_components=2399,
    no_software_measurements=None,
    nonce=10,
    instance_id=256,
    verification_service=2400,
)
LEGACY_KEYS = ClaimKeys(
    profile=-75000,
    client_id=-75001,
    lifecycle=-75002,
    implementation_id=-75003,
    boot_seed=-75004,
    certification_reference=-75005,
    software_components=-75006,
    no_software_measurements=-75007,
    nonce=-75008,
    instance_id=-75009,
    verification_service=-75010,
)
LEGACY_RANGE = range(-75010, -74999)
RFC9783_SPECIFIC = frozenset({265, 2394, 2395, 2396, 2397, 2398, 2399, 2400})


@dataclass(frozen=True, slots=True, kw_only=True)
class PsaToken:
    profile: PsaProfile
    client_id: int
    lifecycle: SecurityLifecycle
    implementation_id: bytes
    instance_id: bytes
    boot_seed: bytes | None
    certification_reference: str | None
    """RFC 9783's certification reference (EAN-13 or EAN-13-5); the legacy hardware version."""
    software_components: tuple[SoftwareComponent, ...]
    verification_service: str | None
    nonce: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class PsaEvidence:
    message: CoseSign1
    token: PsaToken


def parse_evidence(evidence: bytes) -> PsaEvidence:
    message = parse_cose_sign1(evidence, what="PSA token", max_size=MAX_TOKEN_SIZE)
    return PsaEvidence(message=message, token=parse_token_claims(message.payload))


def parse_token_claims(payload: bytes) -> PsaToken:
    what = "PSA token claims"
    claims = CborMap(decode_cbor(payload, what=what, max_size=MAX_TOKEN_SIZE), what=what)
    legacy = any(type(key) is int and key in LEGACY_RANGE for key in claims)
    modern = any(key in RFC9783_SPECIFIC for key in claims)
    if legacy and modern:
        raise EvidenceFormatError(f"{what} mix RFC 9783 and PSA_IOT_PROFILE_1 claim keys", reason="evidence.format.psa")
    if legacy:
        return _parse(claims, LEGACY_KEYS, _legacy_profile(claims))
    if RFC9783_KEYS.profile not in claims:
        raise UnsupportedEvidenceError(f"{what} carry no PSA profile claim", reason="evidence.unsupported.psa_profile")
    return _parse(claims, RFC9783_KEYS, _profile(claims.text(RFC9783_KEYS.profile), legacy=False))


def _legacy_profile(claims: CborMap) -> PsaProfile:
    name = claims.optional_text(LEGACY_KEYS.profile)
    return PsaProfile.PSA_IOT_PROFILE_1 if name is None else _profile(name, legacy=True)


def _profile(name: str, *, legacy: bool) -> PsaProfile:
    for profile in PsaProfile:
        if profile.value == name and profile.legacy == legacy:
            return profile
    raise UnsupportedEvidenceError(f"PSA profile {name!r} is not supported", reason="evidence.unsupported.psa_profile")


def _parse(claims: CborMap, keys: ClaimKeys, profile: PsaProfile) -> PsaToken:
    instance_id = claims.byte_string(keys.instance_id, sizes=(INSTANCE_ID_SIZE,))
    if instance_id[0] != UEID_TYPE_RAND:
        raise EvidenceFormatError(
            f"PSA instance id starts with {instance_id[0]:#04x}, not the UEID type RAND 0x01",
            reason="evidence.format.psa",
        )
    reference = claims.optional_text(keys.certification_reference)
    pattern = HARDWARE_VERSION if profile.legacy else CERTIFICATION_REFERENCE
    if reference is not None and not pattern.fullmatch(reference):
        raise EvidenceFormatError(
            f"PSA certification reference {reference!r} is not an EAN-13 (or EAN-13-5)", reason="evidence.format.psa"
        )
    return PsaToken(
        profile=profile,
        client_id=claims.integer(keys.client_id, minimum=CLIENT_ID_RANGE[0], maximum=CLIENT_ID_RANGE[1]),
        lifecycle=decode_lifecycle(claims.integer(keys.lifecycle), what="PSA security lifecycle"),
        implementation_id=claims.byte_string(keys.implementation_id, sizes=(IMPLEMENTATION_ID_SIZE,)),
        instance_id=instance_id,
        boot_seed=_boot_seed(claims, keys, profile),
        certification_reference=reference,
        software_components=_software_components(claims, keys),
        verification_service=claims.optional_text(keys.verification_service),
        nonce=claims.byte_string(keys.nonce, sizes=NONCE_SIZES),
    )


def _boot_seed(claims: CborMap, keys: ClaimKeys, profile: PsaProfile) -> bytes | None:
    if profile.legacy:
        return claims.byte_string(keys.boot_seed, sizes=(32,))
    return claims.optional_byte_string(keys.boot_seed, min_size=8, max_size=32)


def _software_components(claims: CborMap, keys: ClaimKeys) -> tuple[SoftwareComponent, ...]:
    no_measurements = keys.no_software_measurements
    if no_measurements is not None and no_measurements in claims:
        if keys.software_components in claims:
            raise EvidenceFormatError(
                "PSA token has both software components and the no-software-measurements claim",
                reason="evidence.format.psa",
            )
        claims.integer(no_measurements, minimum=1, maximum=1)
        return ()
    return parse_software_components(claims.array(keys.software_components), what="PSA software components")
