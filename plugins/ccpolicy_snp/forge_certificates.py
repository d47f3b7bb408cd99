"""Certificates in the shape of AMD's KDS chain, issued under a ccpolicy test root.

ARK (RSA-4096, self-signed) -> ASK / ASVK (RSA-4096) -> VCEK / VLEK (ECDSA P-384), every signature
RSA-PSS with SHA-384 and a 48-byte salt like AMD's. The ARK's common name carries
ccpolicy.certificates.TEST_ROOT_NAME, so no default trust store accepts it. Keys are generated once per
process (RSA-4096 key generation is slow) and reused; certificates are made per call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from ccpolicy.certificates import TEST_ROOT_NAME
from ccpolicy_snp.kds_extensions import (
    AMD_OID_PREFIX,
    OID_BOOTLOADER_SPL,
    OID_CSP_ID,
    OID_FMC_SPL,
    OID_HWID,
    OID_MICROCODE_SPL,
    OID_PRODUCT_NAME,
    OID_SNP_SPL,
    OID_STRUCT_VERSION,
    OID_TEE_SPL,
)
from ccpolicy_snp.key_info import SigningKey
from ccpolicy_snp.product import SevProduct

FORGE_ORGANIZATION = "ccpolicy test CA (not Advanced Micro Devices)"
FORGE_CSP_ID = "ccpolicy-test-csp.invalid"
RESERVED_SPL_OIDS = tuple(f"{AMD_OID_PREFIX}3.{n}" for n in (4, 5, 6, 7))


@dataclass(frozen=True, slots=True, kw_only=True)
class LeafProfile:
    """What the VCEK or VLEK certifies."""

    signing_key: SigningKey
    product: SevProduct
    product_name: str
    bootloader: int
    tee: int
    snp: int
    microcode: int
    fmc: int | None
    hwid: bytes | None
    not_before: datetime
    not_after: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgedChain:
    ark: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate
    leaf_key: ec.EllipticCurvePrivateKey


@cache
def rsa_key(role: str) -> rsa.RSAPrivateKey:
    """One RSA-4096 key per role (``ark``, ``ask``, ``asvk``) and process."""
    return rsa.generate_private_key(public_exponent=65537, key_size=4096)


@cache
def ec_key(role: str) -> ec.EllipticCurvePrivateKey:
    """One P-384 key per role (``vcek``, ``vlek``) and process."""
    return ec.generate_private_key(ec.SECP384R1())


def forge_chain(profile: LeafProfile, *, ca_not_before: datetime, ca_not_after: datetime) -> ForgedChain:
    product = profile.product.value
    vlek = profile.signing_key is SigningKey.VLEK
    ark_key = rsa_key("ark")
    intermediate_role = "asvk" if vlek else "ask"
    intermediate_key = rsa_key(intermediate_role)
    leaf_key = ec_key("vlek" if vlek else "vcek")

    ark_name = _name(f"ARK-{product} {TEST_ROOT_NAME}")
    intermediate_name = _name(f"SEV-VLEK-{product}" if vlek else f"SEV-{product}")
    window = {"not_before": ca_not_before, "not_after": ca_not_after}
    ark = _ca_certificate(
        ark_name, ark_name, public_key=ark_key.public_key(), signing_key=ark_key, path_length=None, **window
    )
    intermediate = _ca_certificate(
        intermediate_name,
        ark_name,
        public_key=intermediate_key.public_key(),
        signing_key=ark_key,
        path_length=0,
        **window,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name("SEV-VLEK" if vlek else "SEV-VCEK"))
        .issuer_name(intermediate_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(profile.not_before)
        .not_valid_after(profile.not_after)
    )
    for oid, value in _amd_extensions(profile):
        builder = builder.add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier(oid), value), critical=False)
    leaf = builder.sign(intermediate_key, hashes.SHA384(), rsa_padding=_pss())
    return ForgedChain(ark=ark, intermediate=intermediate, leaf=leaf, leaf_key=leaf_key)


def der_integer(value: int) -> bytes:
    """A DER INTEGER for 0..255, the way KDS encodes security patch levels."""
    if not 0 <= value <= 0xFF:
        raise ValueError("SPL values are 0..255")
    return b"\x02\x02\x00" + bytes([value]) if value >= 0x80 else b"\x02\x01" + bytes([value])


def der_ia5_string(text: str) -> bytes:
    content = text.encode("ascii")
    if len(content) > 0x7F:
        raise ValueError("string too long for this encoder")
    return b"\x16" + bytes([len(content)]) + content


def _amd_extensions(profile: LeafProfile) -> list[tuple[str, bytes]]:
    extensions = [
        (OID_STRUCT_VERSION, der_integer(0)),
        (OID_PRODUCT_NAME, der_ia5_string(profile.product_name)),
    ]
    if profile.fmc is not None:
        extensions.append((OID_FMC_SPL, der_integer(profile.fmc)))
    extensions += [
        (OID_BOOTLOADER_SPL, der_integer(profile.bootloader)),
        (OID_TEE_SPL, der_integer(profile.tee)),
        (OID_SNP_SPL, der_integer(profile.snp)),
        *((oid, der_integer(0)) for oid in RESERVED_SPL_OIDS),
        (OID_MICROCODE_SPL, der_integer(profile.microcode)),
    ]
    if profile.signing_key is SigningKey.VLEK:
        extensions.append((OID_CSP_ID, der_ia5_string(FORGE_CSP_ID)))
    elif profile.hwid is not None:
        extensions.append((OID_HWID, profile.hwid))  # bare bytes, as KDS serves it
    return extensions


def _ca_certificate(
    subject: x509.Name,
    issuer: x509.Name,
    *,
    public_key: rsa.RSAPublicKey,
    signing_key: rsa.RSAPrivateKey,
    not_before: datetime,
    not_after: datetime,
    path_length: int | None,
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(signing_key, hashes.SHA384(), rsa_padding=_pss())
    )


def _pss() -> padding.PSS:
    return padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Engineering"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "Santa Clara"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "CA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, FORGE_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
