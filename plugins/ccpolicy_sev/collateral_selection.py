"""Picking SEV collateral out of the store by content, never by file name.

* AMD-format certificates (ASK, ARK, CEK, OCA, PEK, PDH) are binary blobs: a
  blob that parses as a sequence of such certificates is used, any other blob
  belongs to someone else and is skipped.
* The TIK is a JSON document ``{"sev": {"tik": "<32 hex digits>"}}`` or a blob
  of exactly 16 bytes.  Several different TIKs are ambiguous and refused.
"""

from __future__ import annotations

from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import CollateralMissingError, ConfigurationError, EvidenceError
from ccpolicy_sev.formats import AmdCertificate, parse_certificate_sequence
from ccpolicy_sev.measurement import TIK_SIZE


def collateral_certificates(store: CollateralStore) -> tuple[AmdCertificate, ...]:
    """Every AMD-format certificate found among the collateral blobs."""
    found: list[AmdCertificate] = []
    for blob in store.blobs:
        try:
            found += parse_certificate_sequence(blob.data)
        except EvidenceError:
            continue
    return tuple(found)


def find_tik(store: CollateralStore) -> bytes:
    """The guest owner's TIK; CollateralMissingError when absent."""
    tiks: set[bytes] = set()
    for document in store.json_documents:
        content = document.document
        if not isinstance(content, dict) or not isinstance(content.get("sev"), dict) or "tik" not in content["sev"]:
            continue
        value = content["sev"]["tik"]
        try:
            tik = bytes.fromhex(value) if isinstance(value, str) else b""
        except ValueError:
            tik = b""
        if len(tik) != TIK_SIZE:
            raise ConfigurationError(
                f"collateral {document.origin} names a SEV TIK that is not {TIK_SIZE} bytes of hex",
                reason="collateral.sev.tik",
            )
        tiks.add(tik)
    tiks.update(blob.data for blob in store.blobs if len(blob.data) == TIK_SIZE)
    if not tiks:
        raise CollateralMissingError(
            "no SEV TIK in the collateral: the launch measurement is an HMAC that only the guest owner, "
            "who holds the TIK, can verify",
            hint='pass the TIK as a JSON file {"sev": {"tik": "<hex>"}} or a 16-byte file with --collateral',
        )
    if len(tiks) > 1:
        raise ConfigurationError(f"{len(tiks)} different SEV TIKs in the collateral; pass exactly one")
    return tiks.pop()
