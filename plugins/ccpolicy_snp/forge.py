"""SnpForge: SEV-SNP evidence in the real format, signed under a ccpolicy test root.

Writes into ``out_dir``:

* ``report.bin``: a 1184-byte ATTESTATION_REPORT (version 3 unless set) signed by the forged VCEK/VLEK,
* ``collateral/vcek.der`` (or ``vlek.der``) and ``collateral/ask_ark.pem`` (or ``asvk_ark.pem``: ASK
  then ARK, the shape of AMD KDS ``cert_chain``),
* ``refvalues.json``: ``{"snp": {"measurements": ["<hex>"]}}`` for the default policy,
* with ``crl=1`` (or ``revoke=...``): ``collateral/crl.der`` (the ARK's CRL) and ``collateral/ask_crl.der``
  (the ASK's or ASVK's CRL), see forge_revocation.py.

Such evidence verifies only with VerificationContext.unsafe_trust_test_root; otherwise the chain ends
in a root that is not pinned and verification fails with ChainError. See forge_settings.py for fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ccpolicy.errors import ConfigurationError
from ccpolicy.interfaces import ForgedEvidence
from ccpolicy_snp.claims import TEE_ID
from ccpolicy_snp.forge_certificates import ForgedChain, LeafProfile, forge_chain, rsa_key
from ccpolicy_snp.forge_revocation import forge_crl
from ccpolicy_snp.forge_settings import DEFAULT_CPUID, DEFAULT_REPORT_ID, ForgeSettings, parse_forge_settings
from ccpolicy_snp.guest_policy import GuestPolicy, compose_policy
from ccpolicy_snp.key_info import KeyInfo, SigningKey, compose_key_info
from ccpolicy_snp.platform_info import PlatformInfo
from ccpolicy_snp.product import SevProduct
from ccpolicy_snp.report import (
    SIGNATURE_ALGO_ECDSA_P384_SHA384,
    SIGNATURE_COMPONENT_SIZE,
    CpuId,
    FirmwareVersion,
    SnpReport,
)
from ccpolicy_snp.report_encoding import encode_report, encode_signed_part
from ccpolicy_snp.tcb import TcbLayout, TcbVersion, decode_tcb, encode_tcb

VALIDITY_BEFORE = timedelta(days=1)
VALIDITY_AFTER = timedelta(days=7 * 365)
CRL_VALIDITY_AFTER = timedelta(days=7)


class SnpForge:
    """The EvidenceForge of SEV-SNP (tee_id ``snp``)."""

    tee_id: str = TEE_ID

    def forge(self, out_dir: Path, settings: Mapping[str, str], now: datetime) -> ForgedEvidence:
        parsed = parse_forge_settings(settings)
        not_before, not_after = now - VALIDITY_BEFORE, now + VALIDITY_AFTER
        leaf_not_before = parsed.leaf_not_before or not_before
        leaf_not_after = parsed.leaf_not_after or not_after
        if leaf_not_after <= leaf_not_before:
            raise ConfigurationError("vcek_not_after must be later than vcek_not_before")
        report = build_report(parsed)
        certified = report.reported_tcb
        microcode = (certified.microcode + 1) % 0x100 if parsed.tcb_mismatch else certified.microcode
        chain = forge_chain(
            LeafProfile(
                signing_key=parsed.signing_key,
                product=parsed.product,
                product_name=parsed.product.value
                if parsed.product is SevProduct.TURIN
                else f"{parsed.product.value}-B0",
                bootloader=certified.bootloader,
                tee=certified.tee,
                snp=certified.snp,
                microcode=microcode,
                fmc=certified.fmc,
                hwid=report.chip_id[:8] if parsed.product is SevProduct.TURIN else report.chip_id,
                not_before=leaf_not_before,
                not_after=leaf_not_after,
            ),
            ca_not_before=not_before,
            ca_not_after=not_after,
        )
        evidence = sign_report(report, chain.leaf_key)

        out_dir = Path(out_dir)
        collateral_dir = out_dir / "collateral"
        collateral_dir.mkdir(parents=True, exist_ok=True)
        vlek = parsed.signing_key is SigningKey.VLEK
        report_path = out_dir / "report.bin"
        leaf_path = collateral_dir / ("vlek.der" if vlek else "vcek.der")
        chain_path = collateral_dir / ("asvk_ark.pem" if vlek else "ask_ark.pem")
        reference_path = out_dir / "refvalues.json"
        report_path.write_bytes(evidence)
        leaf_path.write_bytes(chain.leaf.public_bytes(serialization.Encoding.DER))
        chain_path.write_bytes(
            chain.intermediate.public_bytes(serialization.Encoding.PEM)
            + chain.ark.public_bytes(serialization.Encoding.PEM)
        )
        collateral: tuple[Path, ...] = (leaf_path, chain_path)
        if parsed.crl:
            collateral += write_crls(collateral_dir, chain, parsed, now)
        reference_values = {TEE_ID: {"measurements": [report.measurement.hex()]}}
        reference_path.write_text(json.dumps(reference_values, indent=2) + "\n", encoding="utf-8")
        return ForgedEvidence(evidence=report_path, collateral=collateral, reference_values=reference_path)


def write_crls(collateral_dir: Path, chain: ForgedChain, settings: ForgeSettings, now: datetime) -> tuple[Path, Path]:
    """The ARK's CRL (``crl.der``) and the ASK's or ASVK's (``ask_crl.der``), DER as KDS serves them."""
    this_update = settings.crl_this_update or now - VALIDITY_BEFORE
    next_update = settings.crl_next_update or now + CRL_VALIDITY_AFTER
    if next_update <= this_update:
        raise ConfigurationError("crl_next_update must be later than crl_this_update")
    intermediate_role = "asvk" if settings.signing_key is SigningKey.VLEK else "ask"
    ark_crl = forge_crl(
        chain.ark,
        rsa_key("ark"),
        revoked=[chain.intermediate] if settings.revoke_intermediate else [],
        this_update=this_update,
        next_update=next_update,
    )
    intermediate_crl = forge_crl(
        chain.intermediate,
        rsa_key(intermediate_role),
        revoked=[chain.leaf] if settings.revoke_leaf else [],
        this_update=this_update,
        next_update=next_update,
    )
    ark_path, intermediate_path = collateral_dir / "crl.der", collateral_dir / "ask_crl.der"
    ark_path.write_bytes(ark_crl.public_bytes(serialization.Encoding.DER))
    intermediate_path.write_bytes(intermediate_crl.public_bytes(serialization.Encoding.DER))
    return ark_path, intermediate_path


def build_report(settings: ForgeSettings) -> SnpReport:
    """The unsigned report record the settings describe."""
    layout = TcbLayout.TURIN if settings.product is SevProduct.TURIN else TcbLayout.MILAN_GENOA
    tcbs = {name: _tcb(parts, layout) for name, parts in settings.tcbs.items()}
    family, model, stepping = DEFAULT_CPUID[settings.product]
    major, minor, build = settings.firmware
    firmware = FirmwareVersion(major=major, minor=minor, build=build)
    policy = compose_policy(abi_major=settings.abi_major, abi_minor=settings.abi_minor, **settings.policy_flags)
    key_info = compose_key_info(
        author_key_en=settings.author_key_en, mask_chip_key=False, signing_key=settings.signing_key
    )
    padded = {
        name: settings.padded.get(name, bytes(size))
        for name, size in (
            ("report_data", 64),
            ("host_data", 32),
            ("family_id", 16),
            ("image_id", 16),
            ("id_key_digest", 48),
            ("author_key_digest", 48),
        )
    }
    v5 = settings.version >= 5
    return SnpReport(
        version=settings.version,
        guest_svn=settings.guest_svn,
        policy=GuestPolicy.from_int(policy),
        family_id=padded["family_id"],
        image_id=padded["image_id"],
        vmpl=settings.vmpl,
        signature_algo=SIGNATURE_ALGO_ECDSA_P384_SHA384,
        current_tcb=tcbs["current_tcb"],
        platform_info=PlatformInfo.from_int(settings.platform_info),
        key_info=KeyInfo(
            author_key_en=settings.author_key_en,
            mask_chip_key=False,
            signing_key=settings.signing_key,
            raw=key_info,
        ),
        report_data=padded["report_data"],
        measurement=settings.measurement,
        host_data=padded["host_data"],
        id_key_digest=padded["id_key_digest"],
        author_key_digest=padded["author_key_digest"],
        report_id=DEFAULT_REPORT_ID,
        report_id_ma=b"\xff" * 32,
        reported_tcb=tcbs["reported_tcb"],
        cpuid=CpuId(family=family, model=model, stepping=stepping) if settings.version >= 3 else None,
        chip_id=settings.chip_id,
        committed_tcb=tcbs["committed_tcb"],
        current_version=firmware,
        committed_version=firmware,
        launch_tcb=tcbs["launch_tcb"],
        launch_mit_vector=settings.launch_mit_vector if v5 else None,
        current_mit_vector=settings.current_mit_vector if v5 else None,
        signature_r=bytes(SIGNATURE_COMPONENT_SIZE),
        signature_s=bytes(SIGNATURE_COMPONENT_SIZE),
        product=settings.product if settings.version >= 3 else None,
        tcb_layout=layout,
        raw=b"",
    )


def sign_report(report: SnpReport, key: ec.EllipticCurvePrivateKey) -> bytes:
    """The 1184 bytes of ``report`` signed with ECDSA P-384 / SHA-384, R and S little-endian."""
    signature = key.sign(encode_signed_part(report), ec.ECDSA(hashes.SHA384()))
    r, s = decode_dss_signature(signature)
    return encode_report(
        report,
        signature_r=r.to_bytes(SIGNATURE_COMPONENT_SIZE, "little"),
        signature_s=s.to_bytes(SIGNATURE_COMPONENT_SIZE, "little"),
    )


def _tcb(parts: Mapping[str, int], layout: TcbLayout) -> TcbVersion:
    raw = encode_tcb(
        layout,
        bootloader=parts["bl"],
        tee=parts["tee"],
        snp=parts["snp"],
        microcode=parts["ucode"],
        fmc=parts.get("fmc") if layout is TcbLayout.TURIN else None,
    )
    return decode_tcb(raw, layout)
