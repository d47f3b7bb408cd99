"""Entry module of the SEV plugin: registers the SEV and SEV-ES verifiers, forges and reference values."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy.threats import ThreatModel
from ccpolicy_sev.forge import SevEvidenceForge
from ccpolicy_sev.reference_values import SevReferenceValueGenerator
from ccpolicy_sev.threats import SEV_ES_THREAT_MODEL, SEV_THREAT_MODEL
from ccpolicy_sev.verifier import SevVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [SevVerifier(encrypted_state=False), SevVerifier(encrypted_state=True)]


@hookimpl
def ccpolicy_evidence_forges() -> Sequence[EvidenceForge]:
    return [SevEvidenceForge(encrypted_state=False), SevEvidenceForge(encrypted_state=True)]


@hookimpl
def ccpolicy_reference_value_generators() -> Sequence[SevReferenceValueGenerator]:
    return [SevReferenceValueGenerator(encrypted_state=False), SevReferenceValueGenerator(encrypted_state=True)]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [SEV_THREAT_MODEL, SEV_ES_THREAT_MODEL]
