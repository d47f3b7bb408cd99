"""The SEV platform chain: PDH <- PEK <- {OCA, CEK <- ASK <- ARK}.

Each link is found among the candidates (evidence first, then collateral) by
the signature it must have made; key usages and algorithms must fit the role.
A role with no candidate at all is missing collateral (exit 4); candidates
that did not sign are a ChainError (exit 3).  The PEK carries two signatures,
one by the owner's OCA and one by the chip's CEK; both must verify.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from ccpolicy.errors import ChainError, CollateralMissingError
from ccpolicy_sev.formats import Algorithm, AmdCaCertificate, KeyUsage, SevCertificate
from ccpolicy_sev.roots import TrustAnchor, is_test_key_id
from ccpolicy_sev.signatures import (
    ca_public_key,
    describe_ca,
    sev_public_key,
    verify_ca_signature,
    verify_sev_signature,
)

_KEY_ALGORITHMS = {
    KeyUsage.PDH: (Algorithm.ECDH_SHA256, Algorithm.ECDH_SHA384),
    KeyUsage.PEK: (Algorithm.ECDSA_SHA256, Algorithm.ECDSA_SHA384),
    KeyUsage.OCA: (Algorithm.ECDSA_SHA256, Algorithm.ECDSA_SHA384),
    KeyUsage.CEK: (Algorithm.ECDSA_SHA256, Algorithm.ECDSA_SHA384),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainCandidates:
    """Certificates that may fill each role, in order of preference."""

    peks: tuple[SevCertificate, ...] = ()
    ocas: tuple[SevCertificate, ...] = ()
    ceks: tuple[SevCertificate, ...] = ()
    asks: tuple[AmdCaCertificate, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformChain:
    """A verified chain, PDH to ARK."""

    pdh: SevCertificate
    pek: SevCertificate
    oca: SevCertificate
    cek: SevCertificate
    ask: AmdCaCertificate
    anchor: TrustAnchor


def verify_platform_chain(
    pdh: SevCertificate, candidates: ChainCandidates, anchors: Sequence[TrustAnchor]
) -> PlatformChain:
    """Verify the chain above ``pdh`` up to one of ``anchors`` (ARKs, each self-signed)."""
    _require_key(pdh, KeyUsage.PDH)
    pek = _find_sev_signer(pdh, KeyUsage.PEK, candidates.peks)
    oca = _find_sev_signer(pek, KeyUsage.OCA, candidates.ocas)
    _verify_self_signed(oca)
    cek = _find_sev_signer(pek, KeyUsage.CEK, candidates.ceks)
    ask = _find_ask(cek, candidates.asks)
    anchor = _find_anchor(ask, anchors)
    return PlatformChain(pdh=pdh, pek=pek, oca=oca, cek=cek, ask=ask, anchor=anchor)


def verify_ark(ark: AmdCaCertificate) -> None:
    """An ARK must be self-certified: usage ARK, key id = certifying id, self-signature."""
    if ark.usage is not KeyUsage.ARK:
        raise ChainError(f"{describe_ca(ark)} is not a root key (usage {ark.usage.name})")
    if ark.certifying_id != ark.key_id:
        raise ChainError(f"{describe_ca(ark)} is certified by {ark.certifying_id.hex()}, not by itself")
    verify_ca_signature(ark, ark)


def _require_key(certificate: SevCertificate, usage: KeyUsage) -> None:
    if certificate.usage is not usage:
        raise ChainError(f"a {certificate.usage.name} certificate stands where a {usage.name} is required")
    if certificate.algorithm not in _KEY_ALGORITHMS[usage]:
        raise ChainError(f"{usage.name} certificate has a {certificate.algorithm.name} key")


def _find_sev_signer(
    certificate: SevCertificate, signer_usage: KeyUsage, candidates: Sequence[SevCertificate]
) -> SevCertificate:
    signature = certificate.signature_by(signer_usage)
    if signature is None:
        raise ChainError(f"{certificate.usage.name} certificate carries no signature by a {signer_usage.name}")
    fitting = [c for c in _unique(candidates) if c.usage is signer_usage]
    if not fitting:
        raise CollateralMissingError(
            f"no {signer_usage.name} certificate in the evidence or the collateral "
            f"to verify the {certificate.usage.name} certificate",
            hint="pass the platform certificates (sevctl export) with --collateral",
        )
    failures: list[ChainError] = []
    for candidate in fitting:
        try:
            _require_key(candidate, signer_usage)
            verify_sev_signature(certificate, signature, sev_public_key(candidate), signer_name=signer_usage.name)
        except ChainError as exc:
            failures.append(exc)
            continue
        return candidate
    raise ChainError(
        f"none of the {len(fitting)} {signer_usage.name} certificate(s) presented signed the "
        f"{certificate.usage.name} certificate (last: {failures[-1].message})"
    ) from failures[-1]


def _verify_self_signed(oca: SevCertificate) -> None:
    signature = oca.signature_by(KeyUsage.OCA)
    if signature is None:
        raise ChainError("OCA certificate is not self-signed")
    verify_sev_signature(oca, signature, sev_public_key(oca), signer_name="OCA (itself)")


def _find_ask(cek: SevCertificate, candidates: Sequence[AmdCaCertificate]) -> AmdCaCertificate:
    signature = cek.signature_by(KeyUsage.ASK)
    if signature is None:
        raise ChainError("CEK certificate carries no signature by an ASK")
    fitting = [c for c in _unique(candidates) if c.usage is KeyUsage.ASK]
    if not fitting:
        raise CollateralMissingError("no ASK certificate in the evidence, the collateral or the embedded AMD set")
    failures: list[ChainError] = []
    for ask in fitting:
        try:
            verify_sev_signature(cek, signature, ca_public_key(ask), signer_name=describe_ca(ask))
        except ChainError as exc:
            failures.append(exc)
            continue
        return ask
    raise ChainError(
        f"CEK certificate was not signed by any of the {len(fitting)} ASK(s) presented "
        f"({', '.join(a.key_id.hex() for a in fitting)}; last: {failures[-1].message})"
    ) from failures[-1]


def _find_anchor(ask: AmdCaCertificate, anchors: Sequence[TrustAnchor]) -> TrustAnchor:
    for anchor in anchors:
        if anchor.certificate.key_id != ask.certifying_id:
            continue
        verify_ark(anchor.certificate)
        verify_ca_signature(ask, anchor.certificate)
        return anchor
    if is_test_key_id(ask.certifying_id):
        raise ChainError(
            f"{describe_ca(ask)} is certified by a ccpolicy test root ({ask.certifying_id.hex()}), "
            "which is trusted only with unsafe_trust_test_root",
            hint="forged evidence is for tests; never trust a test root in production",
        )
    raise ChainError(f"{describe_ca(ask)} is certified by {ask.certifying_id.hex()}, which is not a trusted ARK")


_Certificate = TypeVar("_Certificate", SevCertificate, AmdCaCertificate)


def _unique(items: Sequence[_Certificate]) -> list[_Certificate]:
    seen: set[bytes] = set()
    unique = []
    for item in items:
        if item.encoded not in seen:
            seen.add(item.encoded)
            unique.append(item)
    return unique
