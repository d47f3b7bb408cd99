"""How the evidence forges hand out raw attestation keys (PSA IAK, CCA CPAK): as marked test keys.

PSA and CCA trust a raw public key from the collateral, so a forged key looks like a real one.  The forges
write their keys as self-issued X.509 certificates, signed by the key itself, whose common name carries
``ccpolicy.certificates.TEST_ROOT_NAME``; ``collateral_keys`` treats such a key as a test key, accepted only
with ``unsafe_trust_test_root``.  Keys are generated once per process and role.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ccpolicy.certificates import TEST_ROOT_NAME

FORGE_ORGANIZATION = "ccpolicy test keys (not Arm)"
VALIDITY_BEFORE = timedelta(days=1)
VALIDITY_AFTER = timedelta(days=7 * 365)


@cache
def forge_attestation_key(role: str, curve_name: str) -> ec.EllipticCurvePrivateKey:
    """One key per role (``psa-iak``, ``cca-cpak``, ``cca-rak``) and curve (``secp256r1``, ``secp384r1``)."""
    curves: dict[str, ec.EllipticCurve] = {"secp256r1": ec.SECP256R1(), "secp384r1": ec.SECP384R1()}
    return ec.generate_private_key(curves[curve_name])


def marked_key_certificate(key: ec.EllipticCurvePrivateKey, *, label: str, now: datetime) -> x509.Certificate:
    """A self-issued certificate of ``key`` named ``<label> <TEST_ROOT_NAME>``, valid around ``now``."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{label} {TEST_ROOT_NAME}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, FORGE_ORGANIZATION),
        ]
    )
    digest: hashes.SHA256 | hashes.SHA384 = hashes.SHA384() if key.curve.key_size > 256 else hashes.SHA256()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - VALIDITY_BEFORE)
        .not_valid_after(now + VALIDITY_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, digest)
    )
