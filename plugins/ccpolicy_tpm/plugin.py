"""Entry module of the TPM plugin: the only one touching ``hookimpl``."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy.threats import ThreatModel
from ccpolicy_tpm.forge import TpmEvidenceForge
from ccpolicy_tpm.threats import TPM_THREAT_MODEL
from ccpolicy_tpm.verifier import TpmVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [TpmVerifier()]


@hookimpl
def ccpolicy_evidence_forges() -> Sequence[EvidenceForge]:
    return [TpmEvidenceForge()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [TPM_THREAT_MODEL]
