"""Entry module of the CCA plugin (entry point ``cca = "ccpolicy_cca.plugin"``, group ``ccpolicy``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy.threats import ThreatModel
from ccpolicy_cca.forge import CcaForge
from ccpolicy_cca.threats import CCA_THREAT_MODEL
from ccpolicy_cca.verifier import CcaVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [CcaVerifier()]


@hookimpl
def ccpolicy_evidence_forges() -> Sequence[EvidenceForge]:
    return [CcaForge()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [CCA_THREAT_MODEL]
