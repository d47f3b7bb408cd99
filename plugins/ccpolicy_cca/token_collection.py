"""The CCA attestation token: ``399({44234: bstr platform COSE_Sign1, 44241: bstr realm COSE_Sign1})``.

Bytes -> typed records; no cryptography here.
"""

from __future__ import annotations

from dataclasses import dataclass

import cbor2

from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_cca.platform_token import CcaPlatformClaims, parse_platform_claims
from ccpolicy_cca.realm_token import CcaRealmClaims, parse_realm_claims
from ccpolicy_cose.cbor_decoding import decode_cbor
from ccpolicy_cose.cbor_fields import CborMap
from ccpolicy_cose.cose_sign1 import CoseSign1, parse_cose_sign1

CCA_TOKEN_TAG = 399
PLATFORM_TOKEN, REALM_TOKEN = 44234, 44241
MAX_COLLECTION_SIZE = 32 * 1024
MAX_TOKEN_SIZE = 16 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class CcaEvidence:
    platform_message: CoseSign1
    platform: CcaPlatformClaims
    realm_message: CoseSign1
    realm: CcaRealmClaims


def parse_evidence(evidence: bytes) -> CcaEvidence:
    value = decode_cbor(evidence, what="CCA attestation token", max_size=MAX_COLLECTION_SIZE)
    if not isinstance(value, cbor2.CBORTag) or value.tag != CCA_TOKEN_TAG:
        raise UnsupportedEvidenceError(
            f"a CCA attestation token is CBOR tag {CCA_TOKEN_TAG}", reason="evidence.unsupported.cca_tag"
        )
    collection = CborMap(value.value, what="CCA attestation token")
    collection.reject_unknown((PLATFORM_TOKEN, REALM_TOKEN))
    platform_message = parse_cose_sign1(
        collection.byte_string(PLATFORM_TOKEN, min_size=1), what="CCA platform token", max_size=MAX_TOKEN_SIZE
    )
    realm_message = parse_cose_sign1(
        collection.byte_string(REALM_TOKEN, min_size=1), what="CCA realm token", max_size=MAX_TOKEN_SIZE
    )
    return CcaEvidence(
        platform_message=platform_message,
        platform=parse_platform_claims(_claims(platform_message, what="CCA platform token claims")),
        realm_message=realm_message,
        realm=parse_realm_claims(_claims(realm_message, what="CCA realm token claims")),
    )


def _claims(message: CoseSign1, *, what: str) -> CborMap:
    if not message.payload:
        raise EvidenceFormatError(f"{what} are empty")
    return CborMap(decode_cbor(message.payload, what=what, max_size=MAX_TOKEN_SIZE), what=what)
