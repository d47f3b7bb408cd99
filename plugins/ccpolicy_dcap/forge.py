"""TdxForge and SgxForge: Intel DCAP quotes in the real format with PCS-shaped collateral, under a test root.

Writes into ``out_dir``:

* ``quote.bin``: a DCAP ECDSA P-256 quote (TDX v4 or v5, SGX v3 or v4) signed by the forged attestation
  key; its QE report is signed by the forged PCK key and binds the attestation key and QE authentication
  data; the certification data (type 6 wrapping type 5 from v4 on) carries the PEM chain PCK certificate
  -> test PCK Platform CA -> test root CA;
* ``collateral/``: ``tcb_info.json`` and ``qe_identity.json`` (PCS response bodies signed by the test TCB
  signing key), ``tcb_info_issuer_chain.pem`` (TCB signing certificate and root), ``pck_crl_issuer_chain.pem``
  (PCK Platform CA and root), ``root_ca_crl.der`` and ``pck_crl.der``;
* ``refvalues.json``: the reference values the default policy reads (see :func:`reference_values`).

Such evidence verifies only with VerificationContext.unsafe_trust_test_root; otherwise the PCK chain ends in
a root that is not pinned and verification fails with ChainError. See forge_settings.py for the fields.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ccpolicy.interfaces import ForgedEvidence
from ccpolicy_dcap.forge_certificates import (
    CRL_LIFETIME,
    ForgedPki,
    PckProfile,
    forge_crl,
    forge_key,
    forge_pki,
)
from ccpolicy_dcap.forge_collateral import (
    QE_ATTRIBUTES,
    QE_MRSIGNER,
    QE_PRODUCT_IDS,
    TDX_MODULE_MRSIGNER,
    qe_identity,
    signed_document,
    tcb_info,
)
from ccpolicy_dcap.forge_settings import (
    DcapForgeSettings,
    ExpiredCrl,
    RevokedCertificate,
    default_measurement,
    parse_forge_settings,
)
from ccpolicy_dcap.quote import BodyType, EnclaveReport, TdReport, TeeType
from ccpolicy_dcap.quote_encoding import (
    encode_body,
    encode_enclave_report,
    encode_header,
    encode_signature_data,
)

VALIDITY_BEFORE = timedelta(days=1)
VALIDITY_AFTER = timedelta(days=7 * 365)
QE_AUTH_DATA = bytes(range(32))
PCE_ID = bytes(2)


class DcapForge:
    """The forge of one DCAP TEE type; :class:`TdxForge` and :class:`SgxForge` pick it."""

    tee_type: ClassVar[TeeType]
    tee_id: str

    def forge(self, out_dir: Path, settings: Mapping[str, str], now: datetime) -> ForgedEvidence:
        parsed = parse_forge_settings(settings, self.tee_type)
        pki = forge_pki(
            PckProfile(sgx_components=parsed.sgx_components, pce_svn=parsed.pce_svn, pce_id=PCE_ID, fmspc=parsed.fmspc),
            not_before=now - VALIDITY_BEFORE,
            not_after=now + VALIDITY_AFTER,
        )
        quote = forge_quote(parsed, pki)

        out_dir = Path(out_dir)
        collateral_dir = out_dir / "collateral"
        collateral_dir.mkdir(parents=True, exist_ok=True)
        quote_path = out_dir / "quote.bin"
        quote_path.write_bytes(quote)
        collateral = write_collateral(collateral_dir, parsed, pki, now)
        reference_path = out_dir / "refvalues.json"
        reference_path.write_text(json.dumps(reference_values(self.tee_id, parsed), indent=2) + "\n", encoding="utf-8")
        return ForgedEvidence(evidence=quote_path, collateral=collateral, reference_values=reference_path)


class TdxForge(DcapForge):
    tee_type = TeeType.TDX

    def __init__(self) -> None:
        self.tee_id = "tdx"


class SgxForge(DcapForge):
    tee_type = TeeType.SGX

    def __init__(self) -> None:
        self.tee_id = "sgx"


def forge_quote(settings: DcapForgeSettings, pki: ForgedPki) -> bytes:
    """The signed quote bytes the settings describe, certified by ``pki``'s PCK certificate."""
    attestation_key = forge_key("attestation")
    attestation_point = attestation_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )[1:]
    header = encode_header(
        version=settings.version,
        tee_type=settings.tee_type,
        qe_svn=settings.qe_svn,
        pce_svn=settings.pce_svn,
        user_data=hashlib.sha256(b"ccpolicy forged QE id").digest()[:16] + bytes(4),
    )
    if settings.td is not None:
        body_type = BodyType.TD_REPORT_15 if settings.version >= 5 else BodyType.TD_REPORT_10
        report: EnclaveReport | TdReport = td_report(settings)
    else:
        body_type = BodyType.SGX_ENCLAVE_REPORT
        report = enclave_report(settings)
    signed = header + encode_body(report, version=settings.version, body_type=body_type)
    qe = encode_enclave_report(quoting_enclave_report(settings, attestation_point))
    pck_chain_pem = b"".join(
        certificate.public_bytes(serialization.Encoding.PEM) for certificate in (pki.pck, pki.pck_ca, pki.root)
    )
    return signed + encode_signature_data(
        version=settings.version,
        signature=raw_signature(attestation_key, signed),
        attestation_key=attestation_point,
        qe_report=qe,
        qe_report_signature=raw_signature(forge_key("pck"), qe),
        qe_auth_data=QE_AUTH_DATA,
        pck_chain_pem=pck_chain_pem + b"\0",
    )


def td_report(settings: DcapForgeSettings) -> TdReport:
    td = settings.td
    if td is None:
        raise ValueError("not TDX settings")
    measurements = td.measurements
    return TdReport(
        tee_tcb_svn=td.tee_tcb_svn,
        mr_seam=measurements["mrseam"],
        mr_signer_seam=TDX_MODULE_MRSIGNER,
        seam_attributes=bytes(8),
        td_attributes=td.td_attributes,
        xfam=td.xfam,
        mr_td=measurements["mrtd"],
        mr_config_id=measurements["mrconfigid"],
        mr_owner=measurements["mrowner"],
        mr_owner_config=measurements["mrownerconfig"],
        rtmrs=(measurements["rtmr0"], measurements["rtmr1"], measurements["rtmr2"], measurements["rtmr3"]),
        report_data=settings.report_data,
        tee_tcb_svn2=td.tee_tcb_svn2 if settings.version >= 5 else None,
        mr_service_td=bytes(48) if settings.version >= 5 else None,
    )


def enclave_report(settings: DcapForgeSettings) -> EnclaveReport:
    enclave = settings.enclave
    if enclave is None:
        raise ValueError("not SGX settings")
    return EnclaveReport(
        cpu_svn=bytes(settings.sgx_components),
        misc_select=0,
        isv_ext_prod_id=bytes(16),
        attributes=enclave.attributes,
        mr_enclave=enclave.mr_enclave,
        mr_signer=enclave.mr_signer,
        config_id=bytes(64),
        isv_prod_id=enclave.isv_prod_id,
        isv_svn=enclave.isv_svn,
        config_svn=0,
        isv_family_id=bytes(16),
        report_data=settings.report_data,
        raw=b"",
    )


def quoting_enclave_report(settings: DcapForgeSettings, attestation_point: bytes) -> EnclaveReport:
    """The QE's report: Intel's QE identity fields, REPORTDATA = SHA-256(attestation key || auth data) || 0^32."""
    identity = "TD_QE" if settings.td is not None else "QE"
    return EnclaveReport(
        cpu_svn=bytes(settings.sgx_components),
        misc_select=0,
        isv_ext_prod_id=bytes(16),
        attributes=QE_ATTRIBUTES,
        mr_enclave=default_measurement(f"{identity} mrenclave", 32),
        mr_signer=QE_MRSIGNER,
        config_id=bytes(64),
        isv_prod_id=QE_PRODUCT_IDS[identity],
        isv_svn=settings.qe_svn,
        config_svn=0,
        isv_family_id=bytes(16),
        report_data=hashlib.sha256(attestation_point + QE_AUTH_DATA).digest() + bytes(32),
        raw=b"",
    )


def raw_signature(key: ec.EllipticCurvePrivateKey, message: bytes) -> bytes:
    """ECDSA P-256 / SHA-256 as DCAP carries it: r || s, 32 bytes each, big endian."""
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def write_collateral(directory: Path, settings: DcapForgeSettings, pki: ForgedPki, now: datetime) -> tuple[Path, ...]:
    """PCS-shaped collateral files; returns their paths."""
    wanted = settings.collateral
    revoked = wanted.revoked
    crls = {}
    for name, issuer, role, revoked_here, expired in (
        ("root_ca_crl.der", pki.root, "root", _revoked(pki, revoked, on_root=True), ExpiredCrl.ROOT),
        ("pck_crl.der", pki.pck_ca, "pck_ca", _revoked(pki, revoked, on_root=False), ExpiredCrl.PCK),
    ):
        this_update = now - VALIDITY_BEFORE
        if wanted.crl_expired is expired:
            this_update = now - CRL_LIFETIME - timedelta(days=2)
        crls[name] = forge_crl(
            issuer,
            issuer_role=role,
            revoked=revoked_here,
            this_update=this_update,
            next_update=this_update + CRL_LIFETIME,
        )
    signing_key = forge_key("tcb_signing")
    files: dict[str, bytes] = {
        "tcb_info.json": signed_document("tcbInfo", tcb_info(settings, now), signing_key),
        "qe_identity.json": signed_document("enclaveIdentity", qe_identity(settings, now), signing_key),
        "tcb_info_issuer_chain.pem": _pem(pki.tcb_signing, pki.root),
        "pck_crl_issuer_chain.pem": _pem(pki.pck_ca, pki.root),
        **{name: crl.public_bytes(serialization.Encoding.DER) for name, crl in crls.items()},
    }
    paths = []
    for name, content in files.items():
        path = directory / name
        path.write_bytes(content)
        paths.append(path)
    return tuple(paths)


def _revoked(pki: ForgedPki, revoked: RevokedCertificate, *, on_root: bool) -> tuple[x509.Certificate, ...]:
    if revoked is RevokedCertificate.PCK and not on_root:
        return (pki.pck,)
    if revoked is RevokedCertificate.PCK_CA and on_root:
        return (pki.pck_ca,)
    if revoked is RevokedCertificate.TCB_SIGNING and on_root:
        return (pki.tcb_signing,)
    return ()


def _pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(certificate.public_bytes(serialization.Encoding.PEM) for certificate in certificates)


def reference_values(tee_id: str, settings: DcapForgeSettings) -> dict[str, Any]:
    """What policies/<tee>/data.json reads: ``{"tdx": {"measurements": {"mrtd": [hex], "rtmr0": [hex], ...,
    "mrseam": [hex]}}}`` or ``{"sgx": {"mrenclaves": [hex], "mrsigners": [hex], "isv_prod_id": n,
    "min_isv_svn": n}}``."""
    if settings.td is not None:
        measured = ("mrtd", "rtmr0", "rtmr1", "rtmr2", "rtmr3", "mrseam")
        values: dict[str, Any] = {"measurements": {name: [settings.td.measurements[name].hex()] for name in measured}}
    else:
        enclave = settings.enclave
        if enclave is None:
            raise ValueError("settings hold neither a TD nor an enclave")
        values = {
            "mrenclaves": [enclave.mr_enclave.hex()],
            "mrsigners": [enclave.mr_signer.hex()],
            "isv_prod_id": enclave.isv_prod_id,
            "min_isv_svn": enclave.isv_svn,
        }
    return {tee_id: values}
