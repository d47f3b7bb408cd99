"""Trustee's Azure vTPM evidence envelopes (JSON) -> TrusteeEnvelope. No I/O, no cryptography.

Forms, as confidential-containers/trustee's attesters write them:

* version 0 (no ``version`` key), byte strings as JSON arrays of integers:
  SEV-SNP ``{"quote": TPM, "report": [HCL report], "vcek": "<PEM>"}``,
  TDX ``{"tpm_quote": TPM, "hcl_report": [HCL report], "td_quote": [DCAP quote]}``,
  with TPM = ``{"signature": [..], "message": [..], "pcrs": [[32 bytes], ...]}``;
* versions 1 and 2, byte strings as base64url (padding optional), the TPM quote in hex:
  SEV-SNP ``{"version": 1|2, "hcl_report": "..", "tpm_quote": TPM, "vcek": "<base64url DER>"}``,
  TDX ``{"version": 1|2, "hcl_report": "..", "tpm_quote": TPM, "td_quote": ".."}``,
  with TPM = ``{"signature": "<hex>", "message": "<hex>", "pcrs": ["<hex>", ...]}``.
  Version 2 means the HCL runtime claims' ``user-data`` carries the TPM quote's nonce.

``message`` is a TPMS_ATTEST, ``signature`` the raw RSASSA-PKCS1-v1_5/SHA-256 signature by HCLAkPub,
``pcrs`` the SHA-256 PCRs 0..23 in order. The VCEK of an SEV-SNP envelope is optional here: without it
the VCEK must be in the collateral. Unknown keys are refused. Loose files (``hcl-report.bin``, a
``tpm-quote`` JSON, ``td-quote.bin``, a VCEK) are combined into a version 1 envelope with
:func:`trustee_envelope`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ccpolicy.certificates import load_evidence_certificate, zero_serials_tolerated
from ccpolicy.errors import ConfigurationError, EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_azure_vtpm.hcl_report import HardwareReportType
from ccpolicy_azure_vtpm.text_encodings import decode_base64url, decode_byte_array, decode_hex

SUPPORTED_VERSIONS = frozenset({0, 1, 2})
MAX_PCRS = 24
PCR_SIZE = 32
MAX_SIGNATURE_SIZE = 1024
_SNIFF_BYTES = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class TrusteeTpmQuote:
    message: bytes
    """TPMS_ATTEST as signed."""
    signature: bytes
    """The raw RSASSA-PKCS1-v1_5 signature (not a TPMT_SIGNATURE)."""
    pcrs: tuple[bytes, ...]
    """SHA-256 PCR values, PCR 0 first."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TrusteeEnvelope:
    kind: HardwareReportType
    version: int
    hcl_report: bytes
    tpm_quote: TrusteeTpmQuote
    vcek: bytes | None
    """DER of the VCEK the SEV-SNP envelope carries, if any."""
    td_quote: bytes | None
    """The DCAP TD quote of a TDX envelope."""


_KEYS = {
    (HardwareReportType.SNP, 0): ({"quote", "report"}, {"vcek"}),
    (HardwareReportType.SNP, 1): ({"version", "tpm_quote", "hcl_report"}, {"vcek"}),
    (HardwareReportType.TDX, 0): ({"tpm_quote", "hcl_report", "td_quote"}, set()),
    (HardwareReportType.TDX, 1): ({"version", "tpm_quote", "hcl_report", "td_quote"}, set()),
}


def looks_like_envelope(evidence: bytes, kind: HardwareReportType) -> bool:
    """Cheap sniffing: a JSON object with the envelope's key names (TDX envelopes alone have td_quote)."""
    if evidence[:_SNIFF_BYTES].lstrip()[:1] != b"{":
        return False
    has_td_quote = b'"td_quote"' in evidence
    if kind is HardwareReportType.TDX:
        return has_td_quote and b'"hcl_report"' in evidence and b'"tpm_quote"' in evidence
    if has_td_quote:
        return False
    version_0 = b'"report"' in evidence and b'"quote"' in evidence and b'"vcek"' in evidence
    return version_0 or (b'"hcl_report"' in evidence and b'"tpm_quote"' in evidence)


def parse_envelope(evidence: bytes, kind: HardwareReportType) -> TrusteeEnvelope:
    try:
        document = json.loads(evidence)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise EvidenceFormatError(f"Trustee evidence envelope is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise EvidenceFormatError("Trustee evidence envelope is not a JSON object")
    version = document.get("version", 0)
    if type(version) is not int or ("version" in document and version == 0):
        raise EvidenceFormatError(f"Trustee evidence envelope version {version!r} is not a positive integer")
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedEvidenceError(f"Trustee evidence envelope version {version} is not supported (0, 1, 2)")
    required, optional = _KEYS[(kind, min(version, 1))]
    missing = required - document.keys()
    unknown = document.keys() - required - optional
    if missing or unknown:
        raise EvidenceFormatError(
            f"Trustee {kind.label} envelope version {version}: missing keys {sorted(missing)}, "
            f"unknown keys {sorted(unknown)}"
        )
    if version == 0:
        return _version_0(document, kind)
    return TrusteeEnvelope(
        kind=kind,
        version=version,
        hcl_report=decode_base64url(document["hcl_report"], what="envelope hcl_report"),
        tpm_quote=_tpm_quote(document["tpm_quote"], binary=False),
        vcek=_vcek_der(decode_base64url(document["vcek"], what="envelope vcek")) if "vcek" in document else None,
        td_quote=decode_base64url(document["td_quote"], what="envelope td_quote") if "td_quote" in document else None,
    )


def _version_0(document: Mapping[str, Any], kind: HardwareReportType) -> TrusteeEnvelope:
    if kind is HardwareReportType.SNP:
        vcek_pem = document.get("vcek")
        if vcek_pem is not None and not isinstance(vcek_pem, str):
            raise EvidenceFormatError("envelope vcek is not PEM text")
        return TrusteeEnvelope(
            kind=kind,
            version=0,
            hcl_report=decode_byte_array(document["report"], what="envelope report"),
            tpm_quote=_tpm_quote(document["quote"], binary=True),
            vcek=_vcek_from_pem(vcek_pem) if vcek_pem is not None else None,
            td_quote=None,
        )
    return TrusteeEnvelope(
        kind=kind,
        version=0,
        hcl_report=decode_byte_array(document["hcl_report"], what="envelope hcl_report"),
        tpm_quote=_tpm_quote(document["tpm_quote"], binary=True),
        vcek=None,
        td_quote=decode_byte_array(document["td_quote"], what="envelope td_quote"),
    )


def _tpm_quote(value: Any, *, binary: bool) -> TrusteeTpmQuote:
    if not isinstance(value, dict):
        raise EvidenceFormatError("envelope TPM quote is not a JSON object")
    keys = {"signature", "message", "pcrs"}
    if value.keys() != keys:
        raise EvidenceFormatError(f"envelope TPM quote has keys {sorted(value)}, not {sorted(keys)}")
    decode = decode_byte_array if binary else decode_hex
    pcrs = value["pcrs"]
    if not isinstance(pcrs, list) or not 0 < len(pcrs) <= MAX_PCRS:
        raise EvidenceFormatError(f"envelope TPM quote pcrs is not a list of 1..{MAX_PCRS} PCR values")
    values = tuple(decode(item, what=f"envelope TPM quote PCR {index}") for index, item in enumerate(pcrs))
    for index, item in enumerate(values):
        if len(item) != PCR_SIZE:
            raise EvidenceFormatError(f"envelope TPM quote PCR {index} has {len(item)} bytes, not {PCR_SIZE}")
    signature = decode(value["signature"], what="envelope TPM quote signature")
    if not 0 < len(signature) <= MAX_SIGNATURE_SIZE:
        raise EvidenceFormatError(f"envelope TPM quote signature has {len(signature)} bytes")
    return TrusteeTpmQuote(
        message=decode(value["message"], what="envelope TPM quote message"), signature=signature, pcrs=values
    )


def _vcek_from_pem(pem: str) -> bytes:
    try:
        with zero_serials_tolerated():
            certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise EvidenceFormatError("envelope vcek is not a PEM certificate") from None
    return _vcek_der(certificate.public_bytes(serialization.Encoding.DER))


def _vcek_der(der: bytes) -> bytes:
    """The DER itself, after checking that every field parses (cryptography parses some fields lazily)."""
    load_evidence_certificate(der, what="the envelope's vcek")
    return der


def trustee_envelope(
    *,
    kind: HardwareReportType,
    hcl_report: bytes,
    tpm_quote: Mapping[str, Any],
    vcek_der: bytes | None = None,
    td_quote: bytes | None = None,
) -> bytes:
    """A version 1 envelope from loose parts. ``tpm_quote`` is Trustee's hex JSON (``tpm-quote-v1.json``)."""
    document: dict[str, Any] = {"version": 1, "hcl_report": _base64url(hcl_report), "tpm_quote": dict(tpm_quote)}
    if kind is HardwareReportType.SNP and vcek_der is not None:
        document["vcek"] = _base64url(vcek_der)
    if kind is HardwareReportType.TDX:
        if td_quote is None:
            raise ConfigurationError("a TDX envelope needs the TD quote")
        document["td_quote"] = _base64url(td_quote)
    return json.dumps(document).encode()


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")
