"""The quote's own cryptography: the PCK chain it carries, the QE report, and the quote signature.

QVL 4.1.2.4.12-16: the PCK key signs the QE report; the QE report's REPORTDATA binds the
attestation key and the QE authentication data (SHA-256 over both, then 32 zero bytes); the
attestation key signs the header and body.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509

from ccpolicy.certificates import ContentMemo, per_certificate, public_key, verify_chain
from ccpolicy.errors import BindingError, ChainError
from ccpolicy_dcap.ecdsa_signatures import raw_p256_public_key, verify_raw_signature
from ccpolicy_dcap.pck_extensions import PckExtensions, pck_extensions
from ccpolicy_dcap.pem_certificates import load_pem_certificates
from ccpolicy_dcap.quote import Quote

PCK_CHAIN_ROLES = ("PCK", "PCK CA", "root")


@dataclass(frozen=True, slots=True, kw_only=True)
class PckChain:
    leaf: x509.Certificate
    intermediate: x509.Certificate
    root: x509.Certificate
    extensions: PckExtensions


_LOADED_PCK_CHAINS: ContentMemo[bytes, tuple[x509.Certificate, ...]] = ContentMemo(limit=256)
"""PCK chains that parsed, by their PEM bytes: the same platform sends the same chain in every quote."""


def load_pck_chain(quote: Quote) -> tuple[x509.Certificate, ...]:
    """The PEM chain in the certification data, leaf first (parsed once per distinct chain)."""
    pem = quote.qe.pck_chain_pem
    certificates = _LOADED_PCK_CHAINS.get(pem)
    if certificates is not None:
        return certificates
    try:
        certificates = tuple(load_pem_certificates(pem.rstrip(b"\0")))
    except ValueError as exc:
        raise ChainError("the quote's PCK certificate chain does not parse") from exc
    if len(certificates) != len(PCK_CHAIN_ROLES):
        raise ChainError(f"the quote's PCK chain has {len(certificates)} certificates, expected 3 (PCK, CA, root)")
    _LOADED_PCK_CHAINS.remember(pem, certificates)
    return certificates


def verify_pck_chain(quote: Quote, anchors: list[x509.Certificate], now: datetime) -> PckChain:
    """PCK leaf -> PCK Platform/Processor CA -> a pinned root, valid at ``now``."""
    certificates = load_pck_chain(quote)
    root = verify_chain(certificates, anchors, now, roles=PCK_CHAIN_ROLES)
    return PckChain(
        leaf=certificates[0],
        intermediate=certificates[1],
        root=root,
        extensions=parsed_pck_extensions(certificates[0]),
    )


@per_certificate
def parsed_pck_extensions(certificate: x509.Certificate) -> PckExtensions:
    """The SGX extension of a PCK certificate, parsed once per certificate object."""
    return pck_extensions(certificate)


def verify_quote_signatures(quote: Quote, pck: x509.Certificate) -> None:
    """QE report signature (PCK key), attestation-key binding, then the quote signature."""
    verify_raw_signature(
        public_key(pck), quote.qe.qe_report_signature, quote.qe.qe_report.raw, what="QE report signature (PCK key)"
    )
    expected = hashlib.sha256(quote.attestation_key + quote.qe.qe_auth_data).digest() + bytes(32)
    if quote.qe.qe_report.report_data != expected:
        raise BindingError(
            "QE report data is not SHA-256(attestation key || QE authentication data) followed by zeros: "
            "the attestation key is not the one the QE certified"
        )
    attestation_key = raw_p256_public_key(quote.attestation_key, what="attestation key")
    verify_raw_signature(attestation_key, quote.signature, quote.signed_data, what="quote signature")
