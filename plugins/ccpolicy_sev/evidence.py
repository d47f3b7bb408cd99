"""SEV evidence: bytes -> typed records (no I/O, no cryptography).

Two shapes are accepted:

1. **Platform certificates**: a PDH certificate (2084 bytes, usage PDH), alone or
   together with other SEV/AMD CA certificates back to back (as ``sevctl
   export`` writes them), optionally zero-padded.  Exactly one PDH must be
   present.  Nothing about a guest is claimed.

2. **Launch document**, media type ``application/vnd.ccpolicy.sev.launch+json``::

     {
       "platform": {"pdh": "<base64>", "pek": "<base64>", "oca": "<base64>",
                    "cek": "<base64>", "ask": "<base64>", "ark": "<base64>"},
       "launch_measurement": "<base64 of MEASURE (32 B) || MNONCE (16 B)>",
       "policy": 1,
       "api_major": 0, "api_minor": 22, "build": 15,
       "launch_digest": "<64 hex digits>"
     }

   ``platform.pdh`` is required; the other certificates may be left out and
   then come from the collateral (the ASK also from AMD's embedded set).  Each
   ``platform`` entry must hold one certificate of that role.
   ``launch_measurement`` is what QEMU's ``query-sev-launch-measure`` returns.
   ``policy`` is the guest policy given to LAUNCH_START (u32).  ``api_major``,
   ``api_minor`` and ``build`` are the firmware version of the platform at
   launch (``sevctl ok``/PLATFORM_STATUS); API major/minor default to those of
   the PDH certificate when left out, ``build`` is required (no certificate
   carries it).  ``launch_digest`` is the SHA-256 launch digest the guest owner
   expects (of the measured firmware, or of the SEV-ES VMSAs as well).  Other
   keys are rejected.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ccpolicy.errors import EvidenceError, EvidenceFormatError
from ccpolicy_sev.formats import (
    CERTIFICATE_VERSION,
    AmdCertificate,
    KeyUsage,
    SevCertificate,
    parse_ca_certificate,
    parse_certificate_sequence,
    parse_sev_certificate,
)

LAUNCH_MEDIA_TYPE = "application/vnd.ccpolicy.sev.launch+json"
MEASURE_SIZE = 32
MNONCE_SIZE = 16
LAUNCH_DIGEST_SIZE = 32

_PLATFORM_KEYS = {
    "pdh": KeyUsage.PDH,
    "pek": KeyUsage.PEK,
    "oca": KeyUsage.OCA,
    "cek": KeyUsage.CEK,
    "ask": KeyUsage.ASK,
    "ark": KeyUsage.ARK,
}
_REQUIRED_KEYS = frozenset({"platform", "launch_measurement", "policy", "build", "launch_digest"})
_OPTIONAL_KEYS = frozenset({"api_major", "api_minor"})


@dataclass(frozen=True, slots=True, kw_only=True)
class GuestPolicy:
    """The SEV guest policy (SEV API #55766, "Guest Policy"): bits 0-5 flags, 16-23/24-31 minimum API."""

    value: int
    no_debug: bool
    no_key_sharing: bool
    encrypted_state: bool
    no_send: bool
    domain: bool
    sev: bool
    api_major_min: int
    api_minor_min: int
    reserved: int
    """Bits 6-15, zero in a well-formed policy."""

    @classmethod
    def from_value(cls, value: int) -> GuestPolicy:
        if not 0 <= value <= 0xFFFFFFFF:
            raise EvidenceFormatError(f"guest policy {value} does not fit in 32 bits")
        return cls(
            value=value,
            no_debug=bool(value & 0x01),
            no_key_sharing=bool(value & 0x02),
            encrypted_state=bool(value & 0x04),
            no_send=bool(value & 0x08),
            domain=bool(value & 0x10),
            sev=bool(value & 0x20),
            api_major_min=(value >> 16) & 0xFF,
            api_minor_min=(value >> 24) & 0xFF,
            reserved=(value >> 6) & 0x3FF,
        )


class ApiVersionSource(enum.Enum):
    EXPLICIT = "explicit"
    PDH_CERTIFICATE = "pdh_certificate"


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformCertificates:
    """The PDH and whatever other chain certificates came with the evidence."""

    pdh: SevCertificate
    others: tuple[AmdCertificate, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformEvidence:
    """Platform certificates only: the chain is verified, no guest is measured."""

    platform: PlatformCertificates


@dataclass(frozen=True, slots=True, kw_only=True)
class LaunchEvidence:
    """A guest's LAUNCH_MEASURE with everything needed to recompute it except the TIK."""

    platform: PlatformCertificates
    measure: bytes
    mnonce: bytes
    policy: GuestPolicy
    api_major: int
    api_minor: int
    build: int
    api_version_source: ApiVersionSource
    launch_digest: bytes


SevEvidence = PlatformEvidence | LaunchEvidence


def may_be_sev_evidence(data: bytes) -> bool:
    """A cheap first test for detection: a launch document is a JSON object, and platform evidence starts
    with a certificate, which in either AMD format starts with version 1. The parse decides."""
    return data[:4] == CERTIFICATE_VERSION.to_bytes(4, "little") or data.lstrip()[:1] == b"{"


def parse_evidence(data: bytes) -> SevEvidence:
    """A launch document (JSON) or platform certificates (binary)."""
    if data.lstrip()[:1] == b"{":
        return parse_launch_document(data)
    return parse_platform_certificates(data)


def parse_platform_certificates(data: bytes) -> PlatformEvidence:
    certificates = parse_certificate_sequence(data)
    pdhs = [c for c in certificates if isinstance(c, SevCertificate) and c.usage is KeyUsage.PDH]
    if len(pdhs) != 1:
        raise EvidenceFormatError(f"SEV platform evidence must hold exactly one PDH certificate, found {len(pdhs)}")
    others = tuple(c for c in certificates if c is not pdhs[0])
    return PlatformEvidence(platform=PlatformCertificates(pdh=pdhs[0], others=others))


def parse_launch_document(data: bytes) -> LaunchEvidence:
    document = _load_json(data)
    keys = set(document)
    if missing := _REQUIRED_KEYS - keys:
        raise EvidenceFormatError(f"SEV launch document lacks {', '.join(sorted(missing))}")
    if unknown := keys - _REQUIRED_KEYS - _OPTIONAL_KEYS:
        raise EvidenceFormatError(f"SEV launch document has unknown keys {', '.join(sorted(unknown))}")
    platform = _parse_platform(document["platform"])
    blob = _base64(document["launch_measurement"], "launch_measurement")
    if len(blob) != MEASURE_SIZE + MNONCE_SIZE:
        raise EvidenceFormatError(
            f"launch_measurement must be {MEASURE_SIZE + MNONCE_SIZE} bytes (MEASURE || MNONCE), got {len(blob)}"
        )
    launch_digest = _hex(document["launch_digest"], "launch_digest")
    if len(launch_digest) != LAUNCH_DIGEST_SIZE:
        raise EvidenceFormatError(f"launch_digest must be {LAUNCH_DIGEST_SIZE} bytes, got {len(launch_digest)}")
    has_major, has_minor = "api_major" in document, "api_minor" in document
    if has_major != has_minor:
        raise EvidenceFormatError("give both api_major and api_minor, or neither")
    if has_major:
        api_major = _integer(document["api_major"], "api_major", 0xFF)
        api_minor = _integer(document["api_minor"], "api_minor", 0xFF)
        source = ApiVersionSource.EXPLICIT
    else:
        api_major, api_minor = platform.pdh.api_major, platform.pdh.api_minor
        source = ApiVersionSource.PDH_CERTIFICATE
    return LaunchEvidence(
        platform=platform,
        measure=blob[:MEASURE_SIZE],
        mnonce=blob[MEASURE_SIZE:],
        policy=GuestPolicy.from_value(_integer(document["policy"], "policy", 0xFFFFFFFF)),
        api_major=api_major,
        api_minor=api_minor,
        build=_integer(document["build"], "build", 0xFF),
        api_version_source=source,
        launch_digest=launch_digest,
    )


def _load_json(data: bytes) -> Mapping[str, Any]:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise EvidenceFormatError("SEV launch document is not valid JSON") from exc
    if not isinstance(document, dict):
        raise EvidenceFormatError("SEV launch document must be a JSON object")
    return document


def _parse_platform(value: object) -> PlatformCertificates:
    if not isinstance(value, dict):
        raise EvidenceFormatError("platform must be an object of base64 certificates")
    if unknown := set(value) - set(_PLATFORM_KEYS):
        raise EvidenceFormatError(f"platform has unknown keys {', '.join(sorted(unknown))}")
    if "pdh" not in value:
        raise EvidenceFormatError("platform.pdh (the PDH certificate) is required")
    pdh = _platform_certificate(value["pdh"], "pdh", KeyUsage.PDH)
    if not isinstance(pdh, SevCertificate):  # pragma: no cover - a PDH is always a SEV certificate
        raise EvidenceFormatError("platform.pdh is not a SEV certificate")
    others: list[AmdCertificate] = []
    for key, usage in _PLATFORM_KEYS.items():
        if key == "pdh" or key not in value:
            continue
        others.append(_platform_certificate(value[key], key, usage))
    return PlatformCertificates(pdh=pdh, others=tuple(others))


def _platform_certificate(value: object, key: str, usage: KeyUsage) -> AmdCertificate:
    encoded = _base64(value, f"platform.{key}")
    certificate: AmdCertificate
    try:
        if usage in (KeyUsage.ARK, KeyUsage.ASK):
            certificate = parse_ca_certificate(encoded)
        else:
            certificate = parse_sev_certificate(encoded)
    except EvidenceError as exc:
        raise type(exc)(f"platform.{key}: {exc.message}", reason=exc.reason) from exc
    if certificate.usage is not usage:
        raise EvidenceFormatError(f"platform.{key} holds a {certificate.usage.name} certificate")
    return certificate


def _base64(value: object, name: str) -> bytes:
    if not isinstance(value, str):
        raise EvidenceFormatError(f"{name} must be a base64 string")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise EvidenceFormatError(f"{name} is not valid base64") from exc


def _hex(value: object, name: str) -> bytes:
    if not isinstance(value, str):
        raise EvidenceFormatError(f"{name} must be a hex string")
    try:
        return bytes.fromhex(value)
    except ValueError as exc:
        raise EvidenceFormatError(f"{name} is not valid hex") from exc


def _integer(value: object, name: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise EvidenceFormatError(f"{name} must be an integer from 0 to {maximum}")
    return value
