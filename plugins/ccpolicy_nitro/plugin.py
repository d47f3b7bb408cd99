"""Entry module of the Nitro plugin (entry point ``nitro = "ccpolicy_nitro.plugin"``, group ``ccpolicy``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy.threats import ThreatModel
from ccpolicy_nitro.forge import NitroForge
from ccpolicy_nitro.threats import NITRO_THREAT_MODEL
from ccpolicy_nitro.verifier import NitroVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [NitroVerifier()]


@hookimpl
def ccpolicy_evidence_forges() -> Sequence[EvidenceForge]:
    return [NitroForge()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [NITRO_THREAT_MODEL]
