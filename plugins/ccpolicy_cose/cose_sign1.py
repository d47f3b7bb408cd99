"""COSE_Sign1 messages (RFC 9052, section 4.2): bytes -> a typed record. No cryptography here.

``COSE_Sign1 = [protected: bstr .cbor header_map / bstr .size 0, unprotected: header_map,
payload: bstr / nil, signature: bstr]``, optionally wrapped in CBOR tag 18.

Rules enforced here, beyond the shape:

* ``alg`` (label 1) must be in the protected bucket: an unprotected algorithm
  could be swapped by anyone;
* a label may appear in one bucket only;
* ``crit`` (label 2) must be protected, non-empty, name only labels present in
  the protected bucket, and only labels this module understands (1, 3, 4);
  anything else is unsupported evidence, as RFC 9052 section 3.1 demands;
* the payload must be attached (detached payloads are not supported);
* the signature must be exactly ``r || s`` for the algorithm (64/96/132 bytes).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import cbor2

from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_cose.cbor_decoding import decode_cbor
from ccpolicy_cose.cbor_fields import CborMap, Label, expect_array, expect_bytes, expect_label
from ccpolicy_cose.cose_algorithms import CoseAlgorithm

COSE_SIGN1_TAG = 18
DEFAULT_MAX_SIZE = 64 * 1024


class HeaderLabel(enum.IntEnum):
    """Common COSE header parameters (RFC 9052, table 3)."""

    ALG = 1
    CRIT = 2
    CONTENT_TYPE = 3
    KID = 4


UNDERSTOOD_CRITICAL = frozenset({HeaderLabel.ALG, HeaderLabel.CONTENT_TYPE, HeaderLabel.KID})
"""Labels this module processes, so a ``crit`` naming them is satisfied."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CoseSign1:
    """One COSE_Sign1 message. ``protected_encoded`` is kept byte for byte: the signature covers it."""

    protected_encoded: bytes
    protected: CborMap
    unprotected: CborMap
    payload: bytes
    signature: bytes
    algorithm: CoseAlgorithm
    key_id: bytes | None
    tagged: bool


CBOR_ARRAY, CBOR_TAG = 4, 6


def starts_with_array_or_tag(data: bytes) -> bool:
    """Whether the first CBOR item is an array or a tag, as every COSE_Sign1 (tagged or not) and every
    tagged token collection is: a cheap first test for detection, before a full parse decides."""
    return bool(data) and data[0] >> 5 in (CBOR_ARRAY, CBOR_TAG)


def parse_cose_sign1(
    data: bytes, *, what: str, max_size: int = DEFAULT_MAX_SIZE, require_tag: bool | None = None
) -> CoseSign1:
    """Decode CBOR bytes holding a COSE_Sign1 message.

    ``require_tag``: True demands tag 18, False forbids it, None accepts both.
    """
    return cose_sign1_from_value(decode_cbor(data, what=what, max_size=max_size), what=what, require_tag=require_tag)


def cose_sign1_from_value(value: object, *, what: str, require_tag: bool | None = None) -> CoseSign1:
    """Build a COSE_Sign1 record from an already decoded CBOR value."""
    tagged = isinstance(value, cbor2.CBORTag)
    if isinstance(value, cbor2.CBORTag):
        if value.tag != COSE_SIGN1_TAG:
            raise UnsupportedEvidenceError(
                f"{what} carries CBOR tag {value.tag}, not COSE_Sign1 (tag {COSE_SIGN1_TAG})",
                reason="evidence.unsupported.cose_tag",
            )
        value = value.value
    if require_tag is True and not tagged:
        raise EvidenceFormatError(f"{what} must be a tagged COSE_Sign1 (tag 18)", reason="evidence.format.cose")
    if require_tag is False and tagged:
        raise EvidenceFormatError(f"{what} must be an untagged COSE_Sign1", reason="evidence.format.cose")
    items = expect_array(value, what=f"{what} (COSE_Sign1)", min_size=4, max_size=4)
    protected_encoded = expect_bytes(items[0], what=f"{what} protected header")
    protected = _protected_header(protected_encoded, what=what)
    unprotected = CborMap(items[1], what=f"{what} unprotected header")
    if items[2] is None:
        raise UnsupportedEvidenceError(f"{what} has a detached payload", reason="evidence.unsupported.cose_detached")
    payload = expect_bytes(items[2], what=f"{what} payload")
    signature = expect_bytes(items[3], what=f"{what} signature")
    _check_buckets(protected, unprotected, what=what)
    algorithm = CoseAlgorithm.from_label(expect_label(protected[HeaderLabel.ALG], what=f"{what} algorithm"), what=what)
    if len(signature) != algorithm.signature_size:
        raise EvidenceFormatError(
            f"{what} signature is {len(signature)} bytes; {algorithm.name} signatures are "
            f"{algorithm.signature_size} bytes (r || s)",
            reason="evidence.format.cose_signature",
        )
    key_id = protected.optional_byte_string(HeaderLabel.KID)
    if key_id is None:
        key_id = unprotected.optional_byte_string(HeaderLabel.KID)
    return CoseSign1(
        protected_encoded=protected_encoded,
        protected=protected,
        unprotected=unprotected,
        payload=payload,
        signature=signature,
        algorithm=algorithm,
        key_id=key_id,
        tagged=tagged,
    )


def _protected_header(encoded: bytes, *, what: str) -> CborMap:
    if not encoded:
        return CborMap({}, what=f"{what} protected header")
    return CborMap(
        decode_cbor(encoded, what=f"{what} protected header", max_size=len(encoded)), what=f"{what} protected header"
    )


def _check_buckets(protected: CborMap, unprotected: CborMap, *, what: str) -> None:
    both = set(protected) & set(unprotected)
    if both:
        raise EvidenceFormatError(
            f"{what} has header labels {sorted(map(repr, both))} in both the protected and unprotected bucket",
            reason="evidence.format.cose_header",
        )
    if HeaderLabel.ALG not in protected:
        where = "unprotected" if HeaderLabel.ALG in unprotected else "no"
        raise EvidenceFormatError(
            f"{what} has its algorithm in the {where} header; it must be protected",
            reason="evidence.format.cose_header",
        )
    if HeaderLabel.CRIT in unprotected:
        raise EvidenceFormatError(f"{what} has 'crit' in the unprotected header", reason="evidence.format.cose_header")
    if HeaderLabel.CRIT in protected:
        _check_critical(protected, what=what)


def _check_critical(protected: CborMap, *, what: str) -> None:
    labels: list[Label] = [
        expect_label(item, what=f"{what} critical label")
        for item in expect_array(protected[HeaderLabel.CRIT], what=f"{what} 'crit' header", min_size=1)
    ]
    for label in labels:
        if label not in protected:
            raise EvidenceFormatError(
                f"{what} marks header {label!r} critical but does not carry it in the protected header",
                reason="evidence.format.cose_header",
            )
        if label not in UNDERSTOOD_CRITICAL:
            raise UnsupportedEvidenceError(
                f"{what} marks header {label!r} critical, and ccpolicy does not understand it",
                reason="evidence.unsupported.cose_crit",
            )
