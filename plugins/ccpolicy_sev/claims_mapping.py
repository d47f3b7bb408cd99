"""Verified SEV evidence -> ccpolicy claims.

SEV has no field a relying party's nonce goes into (MNONCE is chosen by the
secure processor), so ``report_data`` is empty and a host nonce check cannot
pass.  SEV has no author key: ``signer`` is None.  Without a launch document
nothing shows the guest is not debuggable, so ``debug`` is True then.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import serialization

from ccpolicy.claims import Claims, CollateralStatus, EvidenceClaims, JsonValue, TcbClaims
from ccpolicy_sev.chain import PlatformChain
from ccpolicy_sev.evidence import GuestPolicy, LaunchEvidence, SevEvidence
from ccpolicy_sev.formats import SevCertificate
from ccpolicy_sev.roots import AmdGeneration
from ccpolicy_sev.signatures import sev_public_key


def build_claims(*, tee: str, evidence: SevEvidence, chain: PlatformChain, collateral_source: str) -> Claims:
    launch = evidence if isinstance(evidence, LaunchEvidence) else None
    generation = chain.anchor.generation
    if launch is not None:
        components = {"api_major": launch.api_major, "api_minor": launch.api_minor, "build": launch.build}
    else:
        components = {"api_major": chain.pdh.api_major, "api_minor": chain.pdh.api_minor}
    normalized = EvidenceClaims(
        platform={"vendor": "AMD", "product": generation.value, "technology": tee.upper()},
        measurements={"launch": launch.launch_digest} if launch is not None else {},
        signer=None,
        debug=True if launch is None else not launch.policy.no_debug,
        tcb=TcbClaims(status=None, components=components),
        report_data=b"",
        identity={
            "cek_spki_sha256": _key_digest(chain.cek),
            "oca_spki_sha256": _key_digest(chain.oca),
            "pek_spki_sha256": _key_digest(chain.pek),
            "pdh_spki_sha256": _key_digest(chain.pdh),
        },
    )
    return Claims(
        tee=tee,
        evidence=normalized,
        vendor=_vendor_claims(launch, chain),
        collateral=CollateralStatus(
            source="test-root" if generation is AmdGeneration.TEST else collateral_source,
            not_after=None,
            crl_checked=False,
        ),
    )


def _vendor_claims(launch: LaunchEvidence | None, chain: PlatformChain) -> dict[str, JsonValue]:
    vendor: dict[str, JsonValue] = {
        "evidence_kind": "launch" if launch is not None else "platform_certificates",
        "launch_measurement_checked": launch is not None,
        "generation": chain.anchor.generation.value,
        "ark_key_id": chain.anchor.certificate.key_id,
        "ask_key_id": chain.ask.key_id,
        "certificates": {
            name: {"api_major": cert.api_major, "api_minor": cert.api_minor, "algorithm": cert.algorithm.name}
            for name, cert in (("pdh", chain.pdh), ("pek", chain.pek), ("oca", chain.oca), ("cek", chain.cek))
        },
        "policy": None,
        "api_major": chain.pdh.api_major,
        "api_minor": chain.pdh.api_minor,
        "build": None,
        "api_version_source": "pdh_certificate",
        "launch_digest": None,
        "measure": None,
        "mnonce": None,
    }
    if launch is not None:
        vendor.update(
            policy=_policy_claims(launch.policy),
            api_major=launch.api_major,
            api_minor=launch.api_minor,
            build=launch.build,
            api_version_source=launch.api_version_source,
            launch_digest=launch.launch_digest,
            measure=launch.measure,
            mnonce=launch.mnonce,
        )
    return vendor


def _policy_claims(policy: GuestPolicy) -> dict[str, JsonValue]:
    return {
        "value": policy.value,
        "nodbg": policy.no_debug,
        "noks": policy.no_key_sharing,
        "es": policy.encrypted_state,
        "nosend": policy.no_send,
        "domain": policy.domain,
        "sev": policy.sev,
        "api_major_min": policy.api_major_min,
        "api_minor_min": policy.api_minor_min,
        "reserved": policy.reserved,
    }


def _key_digest(certificate: SevCertificate) -> bytes:
    encoded = sev_public_key(certificate).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(encoded).digest()
