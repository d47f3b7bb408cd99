"""The Nitro attestation document: COSE_Sign1 bytes -> typed records. No cryptography here.

Field rules are AWS's (nsm-api ``docs/attestation_process.md``, section 2.2 and
3.2.2): only the listed fields, none null; ``module_id`` non-empty text;
``digest`` "SHA384"; ``timestamp`` a non-zero uint64 of milliseconds; ``pcrs``
1..32 entries, index 0..31, value 32/48/64 bytes; ``certificate`` and each of
``cabundle`` (non-empty) 1..1024 bytes of DER; ``public_key`` 1..1024 bytes;
``user_data`` and ``nonce`` 0..1024 bytes.  Section 3.2.2.2 of the same
document still says 512 for ``user_data`` and ``nonce``; its CDDL (section 2.2)
and current NSM firmware say 1024, and real documents carry 1024-byte values.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from cryptography import x509

from ccpolicy.certificates import load_evidence_certificate
from ccpolicy.errors import EvidenceFormatError
from ccpolicy_cose.cbor_decoding import decode_cbor
from ccpolicy_cose.cbor_fields import CborMap, expect_bytes, expect_int
from ccpolicy_cose.cose_algorithms import CoseAlgorithm
from ccpolicy_cose.cose_sign1 import CoseSign1, parse_cose_sign1
from ccpolicy_nitro.evidence_encoding import MAX_DOCUMENT_SIZE, document_bytes

MAX_PAYLOAD_SIZE = 16384
PCR_COUNT = 32
PCR_SIZES = (32, 48, 64)
MAX_CERTIFICATE_SIZE = 1024
MAX_USER_DATA_SIZE = 1024
MAX_PUBLIC_KEY_SIZE = 1024
MAX_CABUNDLE_LENGTH = 16
"""AWS chains have 4 CA certificates; anything far longer is not a Nitro document."""
MAX_TIMESTAMP_MS = 253402300799999
"""9999-12-31T23:59:59.999Z, the last instant a datetime can hold (AWS only says uint64 > 0)."""

FIELDS = ("module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle", "public_key", "user_data", "nonce")
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class NitroDigest(enum.Enum):
    """The digest function of the PCRs; AWS defines one."""

    SHA384 = "SHA384"


@dataclass(frozen=True, slots=True, kw_only=True)
class NitroAttestationDocument:
    module_id: str
    digest: NitroDigest
    timestamp_ms: int
    pcrs: Mapping[int, bytes]
    certificate: x509.Certificate
    certificate_der: bytes
    cabundle: tuple[x509.Certificate, ...]
    """Root first, then each CA down to the one that issued ``certificate`` (AWS's order)."""
    cabundle_der: tuple[bytes, ...]
    public_key: bytes | None
    user_data: bytes | None
    nonce: bytes | None

    @property
    def timestamp(self) -> datetime:
        return UNIX_EPOCH + timedelta(milliseconds=self.timestamp_ms)


@dataclass(frozen=True, slots=True, kw_only=True)
class NitroEvidence:
    message: CoseSign1
    document: NitroAttestationDocument


def parse_evidence(evidence: bytes) -> NitroEvidence:
    """Raw CBOR or base64 evidence -> the COSE message and the document it carries."""
    message = parse_cose_sign1(document_bytes(evidence), what="Nitro attestation document", max_size=MAX_DOCUMENT_SIZE)
    if message.algorithm is not CoseAlgorithm.ES384:
        raise EvidenceFormatError(
            f"Nitro attestation documents are signed with ES384, not {message.algorithm.name}",
            reason="evidence.format.nitro",
        )
    if not 1 <= len(message.payload) <= MAX_PAYLOAD_SIZE:
        raise EvidenceFormatError(
            f"Nitro payload is {len(message.payload)} bytes; AWS allows 1..{MAX_PAYLOAD_SIZE}",
            reason="evidence.format.nitro",
        )
    return NitroEvidence(message=message, document=parse_document(message.payload))


def parse_document(payload: bytes) -> NitroAttestationDocument:
    what = "Nitro attestation document"
    fields = CborMap(decode_cbor(payload, what=what, max_size=MAX_PAYLOAD_SIZE), what=what)
    fields.reject_unknown(FIELDS)
    digest_name = fields.text("digest")
    if digest_name != NitroDigest.SHA384.value:
        raise EvidenceFormatError(f"{what} digest is {digest_name!r}; AWS defines only 'SHA384'")
    certificate_der = fields.byte_string("certificate", min_size=1, max_size=MAX_CERTIFICATE_SIZE)
    cabundle_der = tuple(
        expect_bytes(item, what=f"{what} cabundle[{index}]", min_size=1, max_size=MAX_CERTIFICATE_SIZE)
        for index, item in enumerate(fields.array("cabundle", min_size=1, max_size=MAX_CABUNDLE_LENGTH))
    )
    return NitroAttestationDocument(
        module_id=fields.text("module_id", min_size=1),
        digest=NitroDigest.SHA384,
        timestamp_ms=fields.integer("timestamp", minimum=1, maximum=MAX_TIMESTAMP_MS),
        pcrs=_pcrs(fields.map("pcrs")),
        certificate=_certificate(certificate_der, what=f"{what} certificate"),
        certificate_der=certificate_der,
        cabundle=tuple(_certificate(der, what=f"{what} cabundle[{i}]") for i, der in enumerate(cabundle_der)),
        cabundle_der=cabundle_der,
        public_key=fields.optional_byte_string("public_key", min_size=1, max_size=MAX_PUBLIC_KEY_SIZE),
        user_data=fields.optional_byte_string("user_data", max_size=MAX_USER_DATA_SIZE),
        nonce=fields.optional_byte_string("nonce", max_size=MAX_USER_DATA_SIZE),
    )


def _pcrs(pcrs: CborMap) -> dict[int, bytes]:
    if not 1 <= len(pcrs) <= PCR_COUNT:
        raise EvidenceFormatError(f"Nitro document has {len(pcrs)} PCRs; AWS allows 1..{PCR_COUNT}")
    values = {}
    for index, value in pcrs.items():
        number = expect_int(index, what="Nitro PCR index", minimum=0, maximum=PCR_COUNT - 1)
        values[number] = expect_bytes(value, what=f"Nitro PCR{number}", sizes=PCR_SIZES)
    return dict(sorted(values.items()))


def _certificate(der: bytes, *, what: str) -> x509.Certificate:
    """Parse a DER certificate completely: cryptography parses names, extensions and keys lazily."""
    try:
        return load_evidence_certificate(der, what=what)
    except EvidenceFormatError as exc:
        raise EvidenceFormatError(exc.message, reason="evidence.format.nitro") from exc.__cause__
