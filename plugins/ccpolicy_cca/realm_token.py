"""The CCA realm token's claims (RMM specification DEN0137, realm token): CBOR map -> record."""

from __future__ import annotations

from dataclasses import dataclass

from ccpolicy_cca.hash_algorithms import CcaHashAlgorithm
from ccpolicy_cose.cbor_fields import CborMap, expect_bytes

PROFILE, CHALLENGE, PERSONALIZATION_VALUE = 265, 10, 44235
PUBLIC_KEY_HASH_ALGORITHM, PUBLIC_KEY = 44236, 44237
INITIAL_MEASUREMENT, EXTENSIBLE_MEASUREMENTS, MEASUREMENT_ALGORITHM = 44238, 44239, 44240
CHALLENGE_SIZE = 64
PERSONALIZATION_SIZE = 64
REM_COUNT = 4
MAX_PUBLIC_KEY_SIZE = 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class CcaRealmClaims:
    profile: str | None
    challenge: bytes
    """The relying party's challenge (64 bytes)."""
    personalization_value: bytes
    public_key_hash_algorithm: CcaHashAlgorithm
    """The algorithm the platform token's challenge hashes the RAK with."""
    public_key: bytes
    """The RAK, as carried: a raw uncompressed point or a COSE_Key."""
    initial_measurement: bytes
    extensible_measurements: tuple[bytes, bytes, bytes, bytes]
    measurement_algorithm: CcaHashAlgorithm


def parse_realm_claims(claims: CborMap) -> CcaRealmClaims:
    measurement_algorithm = CcaHashAlgorithm.from_name(
        claims.text(MEASUREMENT_ALGORITHM), what="CCA realm measurement algorithm"
    )
    size = measurement_algorithm.digest_size
    rems = claims.array(EXTENSIBLE_MEASUREMENTS, min_size=REM_COUNT, max_size=REM_COUNT)
    rem0, rem1, rem2, rem3 = (
        expect_bytes(value, what=f"CCA REM{index}", sizes=(size,)) for index, value in enumerate(rems)
    )
    public_key = claims.byte_string(PUBLIC_KEY, min_size=1, max_size=MAX_PUBLIC_KEY_SIZE)
    return CcaRealmClaims(
        profile=claims.optional_text(PROFILE),
        challenge=claims.byte_string(CHALLENGE, sizes=(CHALLENGE_SIZE,)),
        personalization_value=claims.byte_string(PERSONALIZATION_VALUE, sizes=(PERSONALIZATION_SIZE,)),
        public_key_hash_algorithm=CcaHashAlgorithm.from_name(
            claims.text(PUBLIC_KEY_HASH_ALGORITHM), what="CCA realm public key hash algorithm"
        ),
        public_key=public_key,
        initial_measurement=claims.byte_string(INITIAL_MEASUREMENT, sizes=(size,)),
        extensible_measurements=(rem0, rem1, rem2, rem3),
        measurement_algorithm=measurement_algorithm,
    )
