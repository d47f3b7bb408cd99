"""The example evidence format: bytes in, typed records out. No I/O, no cryptography.

Evidence is a UTF-8 JSON object with exactly these members::

    {"format": "ccpolicy-example-evidence/1",
     "report": "<base64url, unpadded: the signed report bytes>",
     "signature": "<base64url, unpadded: 64-byte Ed25519 signature over the report bytes>"}

The report bytes are a UTF-8 JSON object with exactly these members::

    {"measurement": "<64 hex digits: SHA-256 of the workload>",
     "report_data": "<128 hex digits: 64 bytes chosen by the workload, e.g. a nonce hash>",
     "debug": false, "svn": 3, "instance_id": "<1..64 printable ASCII characters>"}

Every deviation (other members, duplicate members, wrong types, non-canonical base64) is an
EvidenceFormatError: a parser that tolerates variants lets one signature stand for several readings.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from ccpolicy.errors import EvidenceFormatError

FORMAT = "ccpolicy-example-evidence/1"
MEDIA_TYPE = "application/vnd.ccpolicy.example-evidence+json"
MAX_EVIDENCE_SIZE = 64 * 1024
MEASUREMENT_SIZE = 32
REPORT_DATA_SIZE = 64
SIGNATURE_SIZE = 64
MAX_SVN = 2**32 - 1
INSTANCE_ID = re.compile(r"[\x21-\x7e]{1,64}")
BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
ENVELOPE_MEMBERS = frozenset({"format", "report", "signature"})
REPORT_MEMBERS = frozenset({"measurement", "report_data", "debug", "svn", "instance_id"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ExampleReport:
    """What the device states, as signed."""

    measurement: bytes
    report_data: bytes
    debug: bool
    svn: int
    instance_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ExampleEvidence:
    """Parsed evidence: the report, and the exact bytes and signature the verifier checks."""

    report: ExampleReport
    signed_bytes: bytes
    signature: bytes


def looks_like_example_evidence(evidence: bytes) -> bool:
    """Cheap sniffing for ``detect``: a JSON object naming this format near its start."""
    return evidence[:1] == b"{" and FORMAT.encode() in evidence[:256]


def parse_evidence(evidence: bytes) -> ExampleEvidence:
    if len(evidence) > MAX_EVIDENCE_SIZE:
        raise EvidenceFormatError(f"example evidence is larger than {MAX_EVIDENCE_SIZE} bytes")
    envelope = _json_object(evidence, what="example evidence", members=ENVELOPE_MEMBERS)
    if envelope["format"] != FORMAT:
        raise EvidenceFormatError(f"example evidence format is {envelope['format']!r}, expected {FORMAT!r}")
    signed_bytes = _base64url(envelope["report"], what="report")
    signature = _base64url(envelope["signature"], what="signature")
    if len(signature) != SIGNATURE_SIZE:
        raise EvidenceFormatError(f"the signature is {len(signature)} bytes, an Ed25519 signature is {SIGNATURE_SIZE}")
    return ExampleEvidence(report=parse_report(signed_bytes), signed_bytes=signed_bytes, signature=signature)


def parse_report(data: bytes) -> ExampleReport:
    members = _json_object(data, what="example report", members=REPORT_MEMBERS)
    debug, svn, instance_id = members["debug"], members["svn"], members["instance_id"]
    if not isinstance(debug, bool):
        raise EvidenceFormatError("report member 'debug' is not true or false")
    if isinstance(svn, bool) or not isinstance(svn, int) or not 0 <= svn <= MAX_SVN:
        raise EvidenceFormatError(f"report member 'svn' is not an integer in 0..{MAX_SVN}")
    if not isinstance(instance_id, str) or not INSTANCE_ID.fullmatch(instance_id):
        raise EvidenceFormatError("report member 'instance_id' is not 1..64 printable ASCII characters")
    return ExampleReport(
        measurement=_hex(members["measurement"], MEASUREMENT_SIZE, what="measurement"),
        report_data=_hex(members["report_data"], REPORT_DATA_SIZE, what="report_data"),
        debug=debug,
        svn=svn,
        instance_id=instance_id,
    )


def encode_base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json_object(data: bytes, *, what: str, members: frozenset[str]) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"), object_pairs_hook=_without_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise EvidenceFormatError(f"{what} is not a UTF-8 JSON document: {exc}") from None
    if not isinstance(document, dict):
        raise EvidenceFormatError(f"{what} is not a JSON object")
    if set(document) != members:
        missing, unknown = sorted(members - set(document)), sorted(set(document) - members)
        raise EvidenceFormatError(f"{what} has missing members {missing} or unknown members {unknown}")
    return document


def _without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise ValueError("a member appears twice")
    return document


def _base64url(value: object, *, what: str) -> bytes:
    if not isinstance(value, str) or not BASE64URL.fullmatch(value) or len(value) % 4 == 1:
        raise EvidenceFormatError(f"the {what} is not unpadded base64url text")
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except binascii.Error as exc:
        raise EvidenceFormatError(f"the {what} is not base64url: {exc}") from None
    if encode_base64url(decoded) != value:  # non-zero bits after the last byte: another text, same bytes
        raise EvidenceFormatError(f"the {what} is not canonical base64url")
    return decoded


def _hex(value: object, size: int, *, what: str) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * size or not re.fullmatch(r"[0-9a-f]*", value):
        raise EvidenceFormatError(f"report member {what!r} is not {size} bytes of lowercase hex")
    return bytes.fromhex(value)
