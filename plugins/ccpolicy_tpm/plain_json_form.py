"""ccpolicy's plain JSON form of a TPM quote -> TpmAttestation.

Media type ``application/vnd.ccpolicy.tpm.quote+json``::

    {"quote": "<hex TPMS_ATTEST>", "signature": "<hex TPMT_SIGNATURE>",
     "pcrs": {"sha256": {"0": "<hex>", ...}, ...}, "ak_public": "<hex TPMT_PUBLIC>",
     "event_log": "<hex crypto-agile TCG event log>"   (optional)
     "ak_certificate": "<hex DER>"                    (optional)}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ccpolicy.errors import EvidenceFormatError
from ccpolicy_tpm.attestation import EvidenceForm, TpmAttestation, TpmQuote, checked_pcr_values
from ccpolicy_tpm.event_log import parse_event_log
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm
from ccpolicy_tpm.tpm_structures import parse_public_area, parse_quote_attestation, parse_signature

MEDIA_TYPE = "application/vnd.ccpolicy.tpm.quote+json"
REQUIRED_KEYS = frozenset({"quote", "signature", "pcrs", "ak_public"})
OPTIONAL_KEYS = frozenset({"event_log", "ak_certificate"})
_SNIFF_BYTES = 4096


def looks_like_plain_quote(evidence: bytes) -> bool:
    head = evidence[:_SNIFF_BYTES].lstrip()
    return head[:1] == b"{" and b'"ak_public"' in evidence and b'"quote"' in evidence


def parse_plain_quote(evidence: bytes) -> TpmAttestation:
    try:
        document = json.loads(evidence)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise EvidenceFormatError(f"TPM quote JSON does not parse: {exc}") from None
    if not isinstance(document, dict):
        raise EvidenceFormatError("TPM quote JSON is not an object")
    missing = REQUIRED_KEYS - document.keys()
    unknown = document.keys() - REQUIRED_KEYS - OPTIONAL_KEYS
    if missing or unknown:
        raise EvidenceFormatError(f"TPM quote JSON: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}")
    attest_raw = _hex(document["quote"], "quote")
    signature_raw = _hex(document["signature"], "signature")
    event_log_raw = _hex(document.get("event_log", ""), "event_log")
    certificate = _hex(document.get("ak_certificate", ""), "ak_certificate")
    quote = TpmQuote(
        attest_raw=attest_raw,
        attest=parse_quote_attestation(attest_raw),
        signature_raw=signature_raw,
        signature=parse_signature(signature_raw),
        pcr_values=_banks(document["pcrs"]),
    )
    return TpmAttestation(
        form=EvidenceForm.PLAIN_JSON,
        ak_public=parse_public_area(_hex(document["ak_public"], "ak_public")),
        quotes=(quote,),
        event_log=parse_event_log(event_log_raw) if event_log_raw else None,
        ak_certificate=certificate or None,
        intermediate_certificates=(),
        instance_info=None,
        canonical_event_log_present=False,
        tee_attestation=None,
    )


def _banks(value: Any) -> dict[HashAlgorithm, Mapping[int, bytes]]:
    if not isinstance(value, dict):
        raise EvidenceFormatError("TPM quote JSON: pcrs is not an object of banks")
    banks: dict[HashAlgorithm, Mapping[int, bytes]] = {}
    for label, entries in value.items():
        bank = HashAlgorithm.from_label(str(label), what="TPM quote JSON")
        if not isinstance(entries, dict):
            raise EvidenceFormatError(f"TPM quote JSON: pcrs.{label} is not an object")
        values = {}
        for index, text in entries.items():
            if not (isinstance(index, str) and index.isascii() and index.isdigit() and len(index) <= 2):
                raise EvidenceFormatError(f"TPM quote JSON: '{index}' is not a PCR index")
            values[int(index)] = _hex(text, f"pcrs.{label}.{index}")
        banks[bank] = checked_pcr_values(bank, values, what="TPM quote JSON")
    return banks


def _hex(value: Any, field: str) -> bytes:
    if not isinstance(value, str):
        raise EvidenceFormatError(f"TPM quote JSON: {field} is not a hex string")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise EvidenceFormatError(f"TPM quote JSON: {field} is not valid hex") from None
