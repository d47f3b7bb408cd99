"""Why the attestation key is trusted: a pin in the collateral, or a certificate chain.

Pins (checked first; when any pin is given, the AK must match one):
  * a collateral JSON document ``{"tpm": {"ak_names": ["<hex TPM name>", ...]}}``; one that also says
    ``"test_key": "ccpolicy test root - not genuine hardware"`` pins forge keys and counts only with
    ``unsafe_trust_test_root``;
  * a public key file (PEM ``PUBLIC KEY`` or DER SubjectPublicKeyInfo) equal to the AK's key.
Otherwise an AK certificate carried in the evidence must chain, through intermediates from the
evidence, the collateral or the embedded Google set, to an embedded Google root (pinned), to a
self-signed root the user put in the collateral, or (only when unsafe) to a forge test root.
No pin and no certificate is a CollateralMissingError that prints the AK name to pin.
A name pin binds the whole AK public area; a key pin or a certificate binds only the key, and the rest of
the area is then checked against the quotes' qualifiedSigner (``ak_binding``).
"""

from __future__ import annotations

import enum
import re
import warnings
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from ccpolicy.certificates import (
    TEST_ROOT_NAME,
    check_revocation,
    describe,
    fingerprint,
    is_test_root,
    load_evidence_certificate,
    verify_chain,
    verify_issued_by,
)
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import BindingError, ChainError, CollateralMissingError, ConfigurationError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_tpm.attestation import TpmAttestation
from ccpolicy_tpm.gce_instance import GCE_INSTANCE_EXTENSION_OID, GceInstanceInfo, instance_info_from_extension
from ccpolicy_tpm.google_roots import google_intermediates, google_roots

MAX_CHAIN_DEPTH = 6
_PEM_PUBLIC_KEY = re.compile(rb"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)


class TrustMethod(enum.Enum):
    PINNED_NAME = "pinned-name"
    PINNED_KEY = "pinned-key"
    CERTIFICATE = "certificate"


@dataclass(frozen=True, slots=True, kw_only=True)
class AkCertificateInfo:
    subject: str
    issuer: str
    serial_number: str
    not_before: datetime
    not_after: datetime
    anchor: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AkTrust:
    method: TrustMethod
    source: str
    """``offline`` (user pin or collateral root), ``embedded`` (Google root) or ``test-root``."""
    not_after: datetime | None
    crl_checked: bool
    certificate: AkCertificateInfo | None = None
    instance_info: GceInstanceInfo | None = None
    """From the AK certificate's GCE extension, when the certificate chain verified."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AkPins:
    names: frozenset[bytes]
    public_keys: frozenset[bytes]
    test_names: frozenset[bytes]


def collect_pins(store: CollateralStore) -> AkPins:
    names: set[bytes] = set()
    test_names: set[bytes] = set()
    for item in store.json_documents:
        document = item.document
        if not (isinstance(document, dict) and isinstance(document.get("tpm"), dict)):
            continue
        section = document["tpm"]
        listed = section.get("ak_names", [])
        if not isinstance(listed, list) or not all(isinstance(name, str) for name in listed):
            raise ConfigurationError(f"collateral {item.origin}: tpm.ak_names must be a list of hex strings")
        try:
            decoded = {bytes.fromhex(name) for name in listed}
        except ValueError:
            raise ConfigurationError(f"collateral {item.origin}: tpm.ak_names holds a name that is not hex") from None
        if TEST_ROOT_NAME in str(section.get("test_key", "")):
            test_names |= decoded
        else:
            names |= decoded
    keys: set[bytes] = set()
    for blob in store.blobs:
        keys |= _public_keys(blob.data)
    return AkPins(names=frozenset(names), public_keys=frozenset(keys), test_names=frozenset(test_names))


def establish_ak_trust(
    attestation: TpmAttestation, *, ak_name: bytes, ak_key_info: bytes, context: VerificationContext
) -> AkTrust:
    with warnings.catch_warnings():
        # Google's CA names have common names longer than X.520 allows; cryptography warns on each access.
        warnings.filterwarnings("ignore", message="Attribute's length", category=UserWarning)
        return _establish(attestation, ak_name=ak_name, ak_key_info=ak_key_info, context=context)


def _establish(
    attestation: TpmAttestation, *, ak_name: bytes, ak_key_info: bytes, context: VerificationContext
) -> AkTrust:
    pins = collect_pins(context.collateral)
    certificate = _load_certificate(attestation.ak_certificate) if attestation.ak_certificate else None
    if certificate is not None:
        _check_certificate_key(certificate, ak_key_info)
    if ak_name in pins.names:
        return AkTrust(method=TrustMethod.PINNED_NAME, source="offline", not_after=None, crl_checked=False)
    if ak_key_info in pins.public_keys:
        return AkTrust(method=TrustMethod.PINNED_KEY, source="offline", not_after=None, crl_checked=False)
    if context.unsafe_trust_test_root and ak_name in pins.test_names:
        return AkTrust(method=TrustMethod.PINNED_NAME, source="test-root", not_after=None, crl_checked=False)
    active_pins = len(pins.names) + len(pins.public_keys)
    if context.unsafe_trust_test_root:
        active_pins += len(pins.test_names)
    if active_pins:
        raise BindingError(
            f"the AK (TPM name {ak_name.hex()}) is none of the {active_pins} pinned attestation keys",
            reason="verification.binding.ak_pin",
            hint='pin it with a collateral JSON {"tpm": {"ak_names": ["' + ak_name.hex() + '"]}} if it is yours',
        )
    if certificate is not None:
        return _trust_by_chain(attestation, certificate, context)
    hint = 'add a collateral JSON {"tpm": {"ak_names": ["' + ak_name.hex() + '"]}} or the AK public key (PEM)'
    if pins.test_names:
        hint += "; the collateral pins only ccpolicy test keys, which count only with --trust-test-root"
    raise CollateralMissingError(
        f"no trusted attestation key: the evidence has no AK certificate and no pin names AK {ak_name.hex()}",
        reason="collateral.missing.ak",
        hint=hint,
    )


def _trust_by_chain(
    attestation: TpmAttestation, certificate: x509.Certificate, context: VerificationContext
) -> AkTrust:
    embedded_roots = google_roots()
    collateral_roots = [
        item.certificate
        for item in context.collateral.certificates
        if item.certificate.subject == item.certificate.issuer and not is_test_root(item.certificate)
    ]
    anchors = context.trust_anchors([*embedded_roots, *collateral_roots])
    pool = [_load_certificate(der) for der in attestation.intermediate_certificates]
    pool += [item.certificate for item in context.collateral.certificates]
    pool += google_intermediates()
    chain = _build_chain(certificate, pool)
    roles = ["AK"] + [f"AK CA {depth}" for depth in range(1, len(chain))]
    # Signatures before validity windows: a tampered date is a forgery (exit 3), not expired collateral.
    for subject_certificate, issuer, role in zip(chain, chain[1:], roles, strict=False):
        verify_issued_by(subject_certificate, issuer, role=role)
    anchor_prints = {fingerprint(anchor) for anchor in anchors}
    if fingerprint(chain[-1]) not in anchor_prints:
        for anchor in anchors:
            if anchor.subject == chain[-1].issuer:
                verify_issued_by(chain[-1], anchor, role=roles[-1])
    try:
        anchor = verify_chain(chain, anchors, context.now, roles=roles)
    except ChainError as error:
        error.hint = error.hint or (
            "put the AK's root certificate into the collateral, or pin the AK by name or public key"
        )
        raise
    issued = chain if fingerprint(chain[-1]) != fingerprint(anchor) else chain[:-1]
    crl_checked = _check_crls(issued, [*chain[1:], anchor][: len(issued)], context)
    anchor_print = fingerprint(anchor)
    if any(anchor_print == fingerprint(root) for root in embedded_roots):
        source = "embedded"
    elif is_test_root(anchor):
        source = "test-root"
    else:
        source = "offline"
    not_after = min(item.not_valid_after_utc for item in [*chain, anchor])
    return AkTrust(
        method=TrustMethod.CERTIFICATE,
        source=source,
        not_after=not_after,
        crl_checked=crl_checked,
        certificate=AkCertificateInfo(
            subject=certificate.subject.rfc4514_string(),
            issuer=certificate.issuer.rfc4514_string(),
            serial_number=f"{certificate.serial_number:x}",
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
            anchor=describe(anchor),
        ),
        instance_info=_instance_info(certificate),
    )


def _build_chain(leaf: x509.Certificate, pool: list[x509.Certificate]) -> list[x509.Certificate]:
    chain = [leaf]
    while len(chain) < MAX_CHAIN_DEPTH and chain[-1].subject != chain[-1].issuer:
        top = chain[-1]
        used = {fingerprint(item) for item in chain}
        parent = next((c for c in pool if c.subject == top.issuer and fingerprint(c) not in used), None)
        if parent is None:
            break
        chain.append(parent)
    return chain


def _check_crls(issued: list[x509.Certificate], issuers: list[x509.Certificate], context: VerificationContext) -> bool:
    """Check each certificate against every collateral CRL of its issuer; True when each one had a CRL."""
    checked = 0
    for certificate, issuer in zip(issued, issuers, strict=True):
        crls = [item.crl for item in context.collateral.crls if item.crl.issuer == issuer.subject]
        for crl in crls:
            check_revocation(certificate, crl, issuer, context.now)
        checked += bool(crls)
    return checked == len(issuers) and checked > 0


def _check_certificate_key(certificate: x509.Certificate, ak_key_info: bytes) -> None:
    certified = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if certified != ak_key_info:
        raise BindingError(
            "the AK certificate certifies another key than the AK that signed the quotes",
            reason="verification.binding.ak_certificate",
        )


def _instance_info(certificate: x509.Certificate) -> GceInstanceInfo | None:
    try:
        extension = certificate.extensions.get_extension_for_oid(x509.ObjectIdentifier(GCE_INSTANCE_EXTENSION_OID))
    except x509.ExtensionNotFound:
        return None
    value = extension.value
    if not isinstance(value, x509.UnrecognizedExtension):
        return None
    return instance_info_from_extension(value.value)


def _load_certificate(der: bytes) -> x509.Certificate:
    return load_evidence_certificate(der, what="an AK certificate in the evidence")


def _public_keys(data: bytes) -> set[bytes]:
    keys = set()
    blocks = _PEM_PUBLIC_KEY.findall(data)
    for block in blocks:
        try:
            key = serialization.load_pem_public_key(block)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            continue
        keys.add(key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
    if not blocks and data[:1] == b"0":
        try:
            key = serialization.load_der_public_key(data)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            return keys
        keys.add(key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
    return keys
