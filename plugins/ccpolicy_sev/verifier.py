"""The SEV and SEV-ES verifiers: one class, two objects, told apart by the guest policy's ES bit.

``sev`` takes platform certificates and launch documents whose policy has ES
clear; ``sev-es`` takes launch documents whose policy has ES set.  ``detect``
decides by content, ``parse`` refuses evidence of the other kind.
"""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.claims import Claims
from ccpolicy.errors import BindingError, UnsupportedEvidenceError
from ccpolicy.interfaces import VerificationContext, parses
from ccpolicy_sev import __version__
from ccpolicy_sev.chain import ChainCandidates, verify_platform_chain
from ccpolicy_sev.claims_mapping import build_claims
from ccpolicy_sev.collateral_selection import collateral_certificates, find_tik
from ccpolicy_sev.evidence import (
    LAUNCH_MEDIA_TYPE,
    LaunchEvidence,
    PlatformEvidence,
    SevEvidence,
    may_be_sev_evidence,
    parse_evidence,
)
from ccpolicy_sev.formats import AmdCaCertificate, AmdCertificate, KeyUsage, SevCertificate
from ccpolicy_sev.measurement import verify_launch_measurement
from ccpolicy_sev.roots import AmdGeneration, TrustAnchor, embedded_arks, embedded_asks, is_test_key_id

PLATFORM_MEDIA_TYPE = "application/vnd.ccpolicy.sev.platform-certificates"
SEV_ES_LAUNCH_MEDIA_TYPE = "application/vnd.ccpolicy.sev-es.launch+json"


class SevVerifier:
    """Verifies legacy SEV (``encrypted_state=False``) or SEV-ES (``encrypted_state=True``) evidence."""

    def __init__(self, *, encrypted_state: bool) -> None:
        self.encrypted_state = encrypted_state
        self.tee_id = "sev-es" if encrypted_state else "sev"
        self.name = "AMD SEV-ES (legacy, pre-SNP)" if encrypted_state else "AMD SEV (legacy, pre-SNP)"
        self.version = __version__
        self.media_types: Sequence[str] = (
            (SEV_ES_LAUNCH_MEDIA_TYPE,) if encrypted_state else (LAUNCH_MEDIA_TYPE, PLATFORM_MEDIA_TYPE)
        )

    def detect(self, evidence: bytes) -> bool:
        return may_be_sev_evidence(evidence) and parses(self.parse, evidence)

    def parse(self, evidence: bytes) -> SevEvidence:
        report = parse_evidence(evidence)
        if self.encrypted_state and isinstance(report, PlatformEvidence):
            raise UnsupportedEvidenceError(
                "platform certificates alone say nothing about SEV-ES; use the sev verifier",
                reason="evidence.unsupported.sev_kind",
            )
        if isinstance(report, LaunchEvidence) and report.policy.encrypted_state != self.encrypted_state:
            other = "sev-es" if report.policy.encrypted_state else "sev"
            raise UnsupportedEvidenceError(
                f"the guest policy {report.policy.value:#x} has the ES bit "
                f"{'set' if report.policy.encrypted_state else 'clear'}: this is {other} evidence",
                reason="evidence.unsupported.sev_kind",
            )
        return report

    def verify(self, report: SevEvidence, context: VerificationContext) -> Claims:
        if not isinstance(report, PlatformEvidence | LaunchEvidence):
            raise UnsupportedEvidenceError(f"{self.tee_id} cannot verify a {type(report).__name__}")
        presented = report.platform.others + collateral_certificates(context.collateral)
        chain = verify_platform_chain(
            report.platform.pdh, _candidates(presented), _anchors(presented, context.unsafe_trust_test_root)
        )
        if isinstance(report, LaunchEvidence):
            _check_policy_api(report)
            verify_launch_measurement(report, find_tik(context.collateral))
        return build_claims(tee=self.tee_id, evidence=report, chain=chain, collateral_source=context.collateral.source)


def _candidates(presented: tuple[AmdCertificate, ...]) -> ChainCandidates:
    platform = [c for c in presented if isinstance(c, SevCertificate)]
    asks = tuple(c for c in presented if isinstance(c, AmdCaCertificate) and c.usage is KeyUsage.ASK)
    return ChainCandidates(
        peks=tuple(c for c in platform if c.usage is KeyUsage.PEK),
        ocas=tuple(c for c in platform if c.usage is KeyUsage.OCA),
        ceks=tuple(c for c in platform if c.usage is KeyUsage.CEK),
        asks=asks or embedded_asks(),
    )


def _anchors(presented: tuple[AmdCertificate, ...], unsafe_trust_test_root: bool) -> list[TrustAnchor]:
    anchors = list(embedded_arks())
    if unsafe_trust_test_root:
        anchors += [
            TrustAnchor(certificate=c, generation=AmdGeneration.TEST)
            for c in presented
            if isinstance(c, AmdCaCertificate) and c.usage is KeyUsage.ARK and is_test_key_id(c.key_id)
        ]
    return anchors


def _check_policy_api(report: LaunchEvidence) -> None:
    """The firmware refuses LAUNCH_START below the policy's minimum API version; evidence saying so is inconsistent."""
    minimum = (report.policy.api_major_min, report.policy.api_minor_min)
    if (report.api_major, report.api_minor) < minimum:
        raise BindingError(
            f"the platform API version {report.api_major}.{report.api_minor} is below the guest policy's "
            f"minimum {minimum[0]}.{minimum[1]}, which the firmware would have refused",
            reason="verification.binding.sev_api_version",
        )
