"""Entry module of the PSA plugin (entry point ``psa = "ccpolicy_psa.plugin"``, group ``ccpolicy``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy.threats import ThreatModel
from ccpolicy_psa.forge import PsaForge
from ccpolicy_psa.threats import PSA_THREAT_MODEL
from ccpolicy_psa.verifier import PsaVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [PsaVerifier()]


@hookimpl
def ccpolicy_evidence_forges() -> Sequence[EvidenceForge]:
    return [PsaForge()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [PSA_THREAT_MODEL]
