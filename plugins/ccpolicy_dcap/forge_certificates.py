"""Certificates and CRLs in the shape of Intel's PCS, issued under a ccpolicy test root.

Test root CA (self-signed) -> test PCK Platform CA -> test PCK certificate (with Intel's SGX extension), and
test root CA -> test TCB Signing certificate; a root CA CRL and a PCK CRL. Everything is ECDSA P-256 with
SHA-256 like Intel's. The root's common name carries ccpolicy.certificates.TEST_ROOT_NAME, so no default
trust store accepts it. Keys are generated once per process; certificates and CRLs are made per call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ccpolicy.certificates import TEST_ROOT_NAME
from ccpolicy_dcap.der_writer import der_boolean, der_enumerated, der_octets, der_oid, der_sequence, der_unsigned
from ccpolicy_dcap.pck_extensions import SGX_EXTENSION_OID

FORGE_ORGANIZATION = "ccpolicy test CA (not Intel Corporation)"
ROOT_NAME = f"SGX Root CA {TEST_ROOT_NAME}"
PCK_CA_NAME = "ccpolicy test SGX PCK Platform CA"
PCK_NAME = "ccpolicy test SGX PCK Certificate"
TCB_SIGNING_NAME = "ccpolicy test SGX TCB Signing"
DEFAULT_PPID = bytes.fromhex("cc9011cc" * 4)
DEFAULT_PLATFORM_INSTANCE_ID = bytes.fromhex("ccf0f1ce" * 4)
CRL_LIFETIME = timedelta(days=30)


@dataclass(frozen=True, slots=True, kw_only=True)
class PckProfile:
    """What the PCK certificate's SGX extension certifies."""

    sgx_components: tuple[int, ...]
    pce_svn: int
    pce_id: bytes
    fmspc: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgedPki:
    root: x509.Certificate
    pck_ca: x509.Certificate
    pck: x509.Certificate
    tcb_signing: x509.Certificate


@cache
def forge_key(role: str) -> ec.EllipticCurvePrivateKey:
    """One P-256 key per role (``root``, ``pck_ca``, ``pck``, ``tcb_signing``, ``attestation``) and process."""
    return ec.generate_private_key(ec.SECP256R1())


def forge_pki(profile: PckProfile, *, not_before: datetime, not_after: datetime) -> ForgedPki:
    root_name, ca_name = _name(ROOT_NAME), _name(PCK_CA_NAME)
    window = (not_before, not_after)
    root = _certificate(root_name, root_name, role="root", issuer_role="root", path_length=1, window=window)
    pck_ca = _certificate(ca_name, root_name, role="pck_ca", issuer_role="root", path_length=0, window=window)
    pck = _certificate(
        _name(PCK_NAME),
        ca_name,
        role="pck",
        issuer_role="pck_ca",
        path_length=None,
        window=window,
        extension=sgx_extension(profile),
    )
    tcb_signing = _certificate(
        _name(TCB_SIGNING_NAME), root_name, role="tcb_signing", issuer_role="root", path_length=None, window=window
    )
    return ForgedPki(root=root, pck_ca=pck_ca, pck=pck, tcb_signing=tcb_signing)


def sgx_extension(profile: PckProfile) -> bytes:
    """The DER value of the SGX extension (1.2.840.113741.1.13.1), as Intel's platform PCK certificates carry it."""
    oid = SGX_EXTENSION_OID

    def pair(arc: str, value: bytes) -> bytes:
        return der_sequence(der_oid(f"{oid}.{arc}"), value)

    tcb = [pair(f"2.{index + 1}", der_unsigned(svn)) for index, svn in enumerate(profile.sgx_components)]
    tcb.append(pair("2.17", der_unsigned(profile.pce_svn)))
    tcb.append(pair("2.18", der_octets(bytes(profile.sgx_components))))
    configuration = der_sequence(
        pair("7.1", der_boolean(False)), pair("7.2", der_boolean(True)), pair("7.3", der_boolean(True))
    )
    return der_sequence(
        pair("1", der_octets(DEFAULT_PPID)),
        pair("2", der_sequence(*tcb)),
        pair("3", der_octets(profile.pce_id)),
        pair("4", der_octets(profile.fmspc)),
        pair("5", der_enumerated(1)),
        pair("6", der_octets(DEFAULT_PLATFORM_INSTANCE_ID)),
        pair("7", configuration),
    )


def forge_crl(
    issuer: x509.Certificate,
    *,
    issuer_role: str,
    revoked: tuple[x509.Certificate, ...],
    this_update: datetime,
    next_update: datetime,
) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(1), critical=False)
    )
    for certificate in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.serial_number)
            .revocation_date(this_update)
            .build()
        )
    return builder.sign(forge_key(issuer_role), hashes.SHA256())


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    *,
    role: str,
    issuer_role: str,
    path_length: int | None,
    window: tuple[datetime, datetime],
    extension: bytes | None = None,
) -> x509.Certificate:
    not_before, not_after = window
    ca = role in ("root", "pck_ca")
    public_key = forge_key(role).public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if extension is not None:
        builder = builder.add_extension(
            x509.UnrecognizedExtension(x509.ObjectIdentifier(SGX_EXTENSION_OID), extension), critical=False
        )
    return builder.sign(forge_key(issuer_role), hashes.SHA256())


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, FORGE_ORGANIZATION),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "Santa Clara"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "CA"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        ]
    )
