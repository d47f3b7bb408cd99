"""Find DCAP collateral in the CollateralStore by content, in either of two shapes.

* Raw Intel PCS artifacts: ``{"tcbInfo": ..., "signature": ...}``, ``{"enclaveIdentity": ...,
  "signature": ...}`` JSON bodies, PEM issuer chains, and DER or PEM CRLs (sorted by the store).
* dcap-qvl's ``QuoteCollateralV3`` JSON bundle: ``tcb_info`` / ``qe_identity`` hold the signed JSON
  text, ``*_signature`` hex r||s, ``pck_crl`` / ``root_ca_crl`` hex DER, ``*_issuer_chain`` PEM.

Both are flattened into one :class:`DcapCollateralPool`: candidate signed documents, certificates
and CRLs.  Which document applies (FMSPC, id, validity window) is decided by the verifier.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from ccpolicy.certificates import PerObject
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import ConfigurationError
from ccpolicy_dcap.pem_certificates import load_pem_certificates
from ccpolicy_dcap.signed_json import member_value_bytes

BUNDLE_KEYS = frozenset({"tcb_info", "qe_identity", "pck_crl", "root_ca_crl", "pck_crl_issuer_chain"})
SIGNATURE_SIZE = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class SignedDocument:
    """A TCB info or QE identity: the signed bytes as served, the parsed value, Intel's r||s signature."""

    body: bytes
    document: Any
    signature: bytes
    origin: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DcapCollateralPool:
    tcb_infos: tuple[SignedDocument, ...]
    qe_identities: tuple[SignedDocument, ...]
    certificates: tuple[x509.Certificate, ...]
    crls: tuple[x509.CertificateRevocationList, ...]


def _collect_dcap_collateral(store: CollateralStore) -> DcapCollateralPool:
    """The store's DCAP collateral, flattened; computed once per (immutable) store object.

    Selecting is parsing only (PEM chains, hex CRLs, signed JSON spans): no time and no signature
    is involved, so a warm verification reuses the pool and still checks everything in it at ``now``.
    """
    tcb_infos: list[SignedDocument] = []
    qe_identities: list[SignedDocument] = []
    certificates = [item.certificate for item in store.certificates]
    crls = [item.crl for item in store.crls]
    for item in store.json_documents:
        document = item.document
        origin = str(item.origin)
        if not isinstance(document, Mapping):
            continue
        if "tcbInfo" in document and "signature" in document:
            tcb_infos.append(_pcs_document(item.raw, document, "tcbInfo", origin))
        elif "enclaveIdentity" in document and "signature" in document:
            qe_identities.append(_pcs_document(item.raw, document, "enclaveIdentity", origin))
        elif BUNDLE_KEYS & document.keys():
            _add_bundle(
                document,
                origin,
                tcb_infos=tcb_infos,
                qe_identities=qe_identities,
                certificates=certificates,
                crls=crls,
            )
    return DcapCollateralPool(
        tcb_infos=tuple(tcb_infos),
        qe_identities=tuple(qe_identities),
        certificates=tuple(certificates),
        crls=tuple(crls),
    )


collect_dcap_collateral = PerObject(_collect_dcap_collateral, limit=64)
"""The pool of a store, remembered for the last stores used (each entry holds its store)."""


def _add_bundle(
    bundle: Mapping[str, Any],
    origin: str,
    *,
    tcb_infos: list[SignedDocument],
    qe_identities: list[SignedDocument],
    certificates: list[x509.Certificate],
    crls: list[x509.CertificateRevocationList],
) -> None:
    """A dcap-qvl ``QuoteCollateralV3`` bundle; any part of it may be absent."""
    if "tcb_info" in bundle:
        tcb_infos.append(_bundle_document(bundle, "tcb_info", origin))
    if "qe_identity" in bundle:
        qe_identities.append(_bundle_document(bundle, "qe_identity", origin))
    for key, value in bundle.items():
        if key.endswith("_issuer_chain") or key == "pck_certificate_chain":
            certificates += _bundle_chain(value, key, origin)
    for key in ("pck_crl", "root_ca_crl"):
        if key in bundle:
            crls.append(_bundle_crl(bundle[key], key, origin))


def _garbage(origin: str, problem: str) -> ConfigurationError:
    return ConfigurationError(f"DCAP collateral {origin}: {problem}", reason="collateral.garbage")


def _signature(value: Any, origin: str, what: str) -> bytes:
    try:
        signature = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        signature = b""
    if len(signature) != SIGNATURE_SIZE:
        raise _garbage(origin, f"{what} signature is not 64 bytes of hex (r||s)")
    return signature


def _pcs_document(raw: bytes, document: Mapping[str, Any], key: str, origin: str) -> SignedDocument:
    body = member_value_bytes(raw, key)
    if body is None:
        raise _garbage(origin, f"cannot locate the bytes of '{key}'")
    return SignedDocument(
        body=body, document=document[key], signature=_signature(document["signature"], origin, key), origin=origin
    )


def _bundle_document(bundle: Mapping[str, Any], key: str, origin: str) -> SignedDocument:
    text = bundle[key]
    if not isinstance(text, str):
        raise _garbage(origin, f"'{key}' is not the signed JSON text")
    try:
        document = json.loads(text)
    except ValueError:
        raise _garbage(origin, f"'{key}' is not JSON") from None
    return SignedDocument(
        body=text.encode("utf-8"),
        document=document,
        signature=_signature(bundle.get(f"{key}_signature"), origin, key),
        origin=f"{origin} [{key}]",
    )


def _bundle_chain(value: Any, key: str, origin: str) -> list[x509.Certificate]:
    if not isinstance(value, str):
        raise _garbage(origin, f"'{key}' is not a PEM text")
    try:
        return load_pem_certificates(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise _garbage(origin, f"'{key}' holds no parseable PEM certificates") from None


def _bundle_crl(value: Any, key: str, origin: str) -> x509.CertificateRevocationList:
    try:
        return x509.load_der_x509_crl(bytes.fromhex(value) if isinstance(value, str) else b"")
    except ValueError:
        raise _garbage(origin, f"'{key}' is not a hex DER CRL") from None
