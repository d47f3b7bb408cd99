"""CRLs in the shape of AMD KDS's, signed under the ccpolicy test root (``crl``/``revoke`` forge settings).

KDS serves one CRL per product line, issued by the ARK, which revokes ASKs / ASVKs; the verifier also
reads a CRL issued by the ASK or ASVK, which can revoke a VCEK or VLEK. The forge makes both, signed
with RSA-PSS SHA-384 (salt 48) by the forge's ARK and intermediate keys, each with a CRL number and
the issuer's key identifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CRL_NUMBER = 1


def forge_crl(
    issuer: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    *,
    revoked: Sequence[x509.Certificate],
    this_update: datetime,
    next_update: datetime,
) -> x509.CertificateRevocationList:
    """A CRL of ``issuer`` listing the serial numbers of ``revoked``, valid ``this_update..next_update``."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(CRL_NUMBER), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    for certificate in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.serial_number)
            .revocation_date(this_update)
            .build()
        )
    return builder.sign(
        issuer_key, hashes.SHA384(), rsa_padding=padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48)
    )
