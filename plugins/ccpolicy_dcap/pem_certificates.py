"""Load PEM certificates completely, so that no field fails later when first touched.

``cryptography`` parses names, extensions and keys lazily: a damaged certificate may load and
only raise (ValueError, TypeError for odd name types, DuplicateExtension, UnsupportedAlgorithm)
when a field is first read.  Every field the verifier reads is touched here.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from ccpolicy.certificates import zero_serials_tolerated


def load_pem_certificates(data: bytes) -> list[x509.Certificate]:
    """All certificates of a PEM text, fully parsed; raises ValueError on any damage."""
    try:
        return _load(data)
    except (UnsupportedAlgorithm, x509.DuplicateExtension, x509.UnsupportedGeneralNameType, TypeError) as exc:
        raise ValueError(f"certificate does not parse: {exc}") from exc


def _load(data: bytes) -> list[x509.Certificate]:
    with zero_serials_tolerated():
        certificates = x509.load_pem_x509_certificates(data)
        for certificate in certificates:
            certificate.subject.rfc4514_string()
            certificate.issuer.rfc4514_string()
            _ = certificate.not_valid_before_utc, certificate.not_valid_after_utc, certificate.serial_number
            for extension in certificate.extensions:
                _ = extension.value
            certificate.public_key()
            _ = certificate.signature_hash_algorithm
    return certificates
