"""Entry module of the SEV plugin: registers the SEV and SEV-ES verifiers and forges."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy_sev.forge import SevEvidenceForge
from ccpolicy_sev.verifier import SevVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [SevVerifier(encrypted_state=False), SevVerifier(encrypted_state=True)]


@hookimpl
def ccpolicy_evidence_forges() -> Sequence[EvidenceForge]:
    return [SevEvidenceForge(encrypted_state=False), SevEvidenceForge(encrypted_state=True)]
