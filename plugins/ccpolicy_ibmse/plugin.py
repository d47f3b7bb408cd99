"""Entry module of the IBM SE plugin (entry point ``ibmse = "ccpolicy_ibmse.plugin"``, group ``ccpolicy``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy.threats import ThreatModel
from ccpolicy_ibmse.forge import IbmSeForge
from ccpolicy_ibmse.threats import IBMSE_THREAT_MODEL
from ccpolicy_ibmse.verifier import IbmSeVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [IbmSeVerifier()]


@hookimpl
def ccpolicy_evidence_forges() -> Sequence[EvidenceForge]:
    return [IbmSeForge()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [IBMSE_THREAT_MODEL]
