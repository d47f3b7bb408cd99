"""The Nitro certificate chain: cabundle[0] (the root) -> ... -> certificate, at ``now``.

Besides issuance and validity (``ccpolicy.certificates.verify_chain``), AWS's
rules of nsm-api ``docs/attestation_process.md`` section 3.2.3 apply:

* every CA certificate carries a critical basicConstraints with CA true, its
  pathLenConstraint (when present) allows the CA certificates below it, and its
  keyUsage has keyCertSign;
* the signing certificate has keyUsage digitalSignature and is no CA (no
  pathLenConstraint).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from cryptography import x509

from ccpolicy.certificates import describe, is_test_root, verify_chain
from ccpolicy.errors import ChainError
from ccpolicy_nitro.attestation_document import NitroAttestationDocument

ExtensionT = TypeVar("ExtensionT", bound=x509.ExtensionType)


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedChain:
    signing_certificate: x509.Certificate
    anchor: x509.Certificate
    not_after: datetime
    """The earliest end of validity in the chain, anchor included."""

    @property
    def test_root(self) -> bool:
        return is_test_root(self.anchor)


def chain_roles(document: NitroAttestationDocument) -> list[str]:
    """Names for messages, leaf first: AWS's bundle is root, regional, zonal, instance."""
    names = {0: "root", 1: "regional", 2: "zonal", 3: "instance"}
    count = len(document.cabundle)
    return ["signing"] + [f"{names.get(index, f'cabundle[{index}]')} CA" for index in reversed(range(count))]


def verify_document_chain(
    document: NitroAttestationDocument, anchors: list[x509.Certificate], now: datetime
) -> VerifiedChain:
    """Check AWS's certificate profile, then the chain up to a pinned anchor at ``now``."""
    check_certificate_profile(document)
    chain = [document.certificate, *reversed(document.cabundle)]
    anchor = verify_chain(chain, anchors, now, roles=chain_roles(document))
    return VerifiedChain(
        signing_certificate=document.certificate,
        anchor=anchor,
        not_after=min(c.not_valid_after_utc for c in [*chain, anchor]),
    )


def check_certificate_profile(document: NitroAttestationDocument) -> None:
    count = len(document.cabundle)
    for index, certificate in enumerate(document.cabundle):
        _check_ca(certificate, cas_below=count - 1 - index)
    _check_signing(document.certificate)


def _check_ca(certificate: x509.Certificate, *, cas_below: int) -> None:
    name = describe(certificate)
    constraints = _extension(certificate, x509.BasicConstraints)
    if constraints is None or not constraints.critical or not constraints.value.ca:
        raise ChainError(f"CA certificate '{name}' lacks a critical basicConstraints with CA true")
    path_length = constraints.value.path_length
    if path_length is not None and path_length < cas_below:
        raise ChainError(
            f"CA certificate '{name}' allows {path_length} CA certificates below it, but {cas_below} follow"
        )
    usage = _extension(certificate, x509.KeyUsage)
    if usage is None or not usage.value.key_cert_sign:
        raise ChainError(f"CA certificate '{name}' lacks keyUsage keyCertSign")


def _check_signing(certificate: x509.Certificate) -> None:
    name = describe(certificate)
    usage = _extension(certificate, x509.KeyUsage)
    if usage is None or not usage.value.digital_signature:
        raise ChainError(f"signing certificate '{name}' lacks keyUsage digitalSignature")
    constraints = _extension(certificate, x509.BasicConstraints)
    if constraints is not None and (constraints.value.ca or constraints.value.path_length is not None):
        raise ChainError(f"signing certificate '{name}' is a CA certificate")


def _extension(certificate: x509.Certificate, kind: type[ExtensionT]) -> x509.Extension[ExtensionT] | None:
    try:
        return certificate.extensions.get_extension_for_class(kind)
    except x509.ExtensionNotFound:
        return None
