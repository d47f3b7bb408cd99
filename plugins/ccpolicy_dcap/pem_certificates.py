"""Load PEM certificates completely, so that no field fails later when first touched."""

from __future__ import annotations

from cryptography import x509

from ccpolicy.certificates import CERTIFICATE_PARSE_ERRORS, parsed_completely, zero_serials_tolerated


def load_pem_certificates(data: bytes) -> list[x509.Certificate]:
    """All certificates of a PEM text, fully parsed; raises ValueError on any damage."""
    try:
        with zero_serials_tolerated():
            return [parsed_completely(certificate) for certificate in x509.load_pem_x509_certificates(data)]
    except CERTIFICATE_PARSE_ERRORS as exc:
        raise ValueError(f"certificate does not parse: {exc}") from exc
