"""The Nitro evidence forge: attestation documents in AWS's format under a ccpolicy test root.

The chain mirrors AWS's (root -> regional -> zonal -> instance CA -> signing
certificate, P-384, ECDSA-SHA384, the same basicConstraints and keyUsage), but
its root is named with ``ccpolicy.certificates.TEST_ROOT_NAME``: it is trusted
only with ``unsafe_trust_test_root`` and the root given as collateral.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ccpolicy.certificates import TEST_ROOT_NAME
from ccpolicy.errors import ConfigurationError
from ccpolicy.interfaces import ForgedEvidence
from ccpolicy_cose.cose_signature import sign_cose_sign1

PCR_SIZE = 48
PCR_COUNT = 16
DEFAULT_MODULE_ID = "i-0ccpolicy0forged0-enc0000000000000000"
SETTINGS = frozenset({"module_id", "nonce", "user_data", "public_key", "debug"} | {f"pcr{i}" for i in range(PCR_COUNT)})


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgedChain:
    root: x509.Certificate
    cas: tuple[x509.Certificate, ...]
    """Root first, like AWS's cabundle."""
    ca_keys: tuple[ec.EllipticCurvePrivateKey, ...]
    signing_certificate: x509.Certificate
    signing_key: ec.EllipticCurvePrivateKey


def forge_root_name() -> x509.Name:
    return _name(TEST_ROOT_NAME)


def forge_chain(now: datetime, *, root_name: x509.Name | None = None) -> ForgedChain:
    """A fresh five-certificate chain valid around ``now``; the signing certificate lives three hours."""
    root_key = ec.generate_private_key(ec.SECP384R1())
    name = root_name or forge_root_name()
    root = _certificate(
        name,
        root_key,
        issuer=name,
        issuer_key=root_key,
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=3650),
        path_length=None,
    )
    cas, keys = [root], [root_key]
    issuer_key, issuer_name = root_key, name
    lifetimes = {"regional": timedelta(days=20), "zonal": timedelta(days=6), "instance": timedelta(days=1)}
    for path_length, (label, lifetime) in zip((2, 1, 0), lifetimes.items(), strict=True):
        key = ec.generate_private_key(ec.SECP384R1())
        subject = _name(f"{label}.ccpolicy-test.nitro-enclaves")
        cas.append(
            _certificate(
                subject,
                key,
                issuer=issuer_name,
                issuer_key=issuer_key,
                not_before=now - timedelta(hours=1),
                not_after=now + lifetime,
                path_length=path_length,
            )
        )
        keys.append(key)
        issuer_key, issuer_name = key, subject
    signing_key = ec.generate_private_key(ec.SECP384R1())
    leaf = _certificate(
        _name("enclave.ccpolicy-test.aws"),
        signing_key,
        issuer=issuer_name,
        issuer_key=issuer_key,
        not_before=now - timedelta(seconds=3),
        not_after=now + timedelta(hours=3),
        path_length=None,
        leaf=True,
    )
    return ForgedChain(
        root=root, cas=tuple(cas), ca_keys=tuple(keys), signing_certificate=leaf, signing_key=signing_key
    )


def forge_document(fields: Mapping[str, Any], chain: ForgedChain) -> bytes:
    """An untagged COSE_Sign1 (ES384) over ``fields`` with the chain's certificate and cabundle filled in."""
    payload = dict(fields)
    payload["certificate"] = chain.signing_certificate.public_bytes(serialization.Encoding.DER)
    payload["cabundle"] = [ca.public_bytes(serialization.Encoding.DER) for ca in chain.cas]
    return sign_cose_sign1(cbor2.dumps(payload), chain.signing_key, tagged=False)


def document_fields(now: datetime, settings: Mapping[str, str]) -> dict[str, Any]:
    unknown = set(settings) - SETTINGS
    if unknown:
        raise ConfigurationError(f"unknown nitro forge settings {sorted(unknown)} (known: {sorted(SETTINGS)})")
    debug = settings.get("debug", "false").lower() in {"1", "true", "yes"}
    pcrs = {index: bytes(PCR_SIZE) if debug and index < 3 else os.urandom(PCR_SIZE) for index in range(PCR_COUNT)}
    for index in (3, 8):
        pcrs[index] = bytes(PCR_SIZE)
    for index in range(PCR_COUNT):
        if f"pcr{index}" in settings:
            pcrs[index] = _hex(settings, f"pcr{index}", PCR_SIZE)
    fields: dict[str, Any] = {
        "module_id": settings.get("module_id", DEFAULT_MODULE_ID),
        "digest": "SHA384",
        "timestamp": int(now.timestamp() * 1000),
        "pcrs": pcrs,
    }
    for name in ("public_key", "user_data", "nonce"):
        if name in settings:
            fields[name] = _hex(settings, name, None)
    return fields


class NitroForge:
    """Writes a Nitro attestation document (base64), the test root as collateral, and reference PCRs."""

    tee_id = "nitro"

    def forge(self, out_dir: Path, settings: Mapping[str, str], now: datetime) -> ForgedEvidence:
        fields = document_fields(now, settings)
        chain = forge_chain(now)
        out_dir.mkdir(parents=True, exist_ok=True)
        evidence = out_dir / "nitro_attestation.cbor"
        evidence.write_bytes(forge_document(fields, chain))
        root = out_dir / "nitro_test_root.pem"
        root.write_bytes(chain.root.public_bytes(serialization.Encoding.PEM))
        reference = {"nitro": {"measurements": {f"pcr{i}": fields["pcrs"][i].hex() for i in range(9)}}}
        reference_path = out_dir / "nitro_reference_values.json"
        reference_path.write_text(json.dumps(reference, indent=2) + "\n")
        return ForgedEvidence(evidence=evidence, collateral=(root,), reference_values=reference_path)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ccpolicy"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    *,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    not_before: datetime,
    not_after: datetime,
    path_length: int | None,
    leaf: bool = False,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=not leaf, path_length=None if leaf else path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=leaf or path_length != 0,
                content_commitment=leaf,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=not leaf,
                crl_sign=not leaf and path_length != 0,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=not leaf,
        )
    )
    return builder.sign(issuer_key, hashes.SHA384())


def _hex(settings: Mapping[str, str], name: str, size: int | None) -> bytes:
    try:
        value = bytes.fromhex(settings[name])
    except ValueError as exc:
        raise ConfigurationError(f"nitro forge setting {name} must be hex") from exc
    if size is not None and len(value) != size:
        raise ConfigurationError(f"nitro forge setting {name} must be {size} bytes, not {len(value)}")
    return value
