"""The plugin's entry module (entry point ``example`` in the group ``ccpolicy``): the only one with hooks."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy.threats import ThreatModel
from ccpolicy_example_tee.forge import ExampleForge
from ccpolicy_example_tee.threats import EXAMPLE_THREAT_MODEL
from ccpolicy_example_tee.verifier import ExampleVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [ExampleVerifier()]


@hookimpl
def ccpolicy_evidence_forges() -> Sequence[EvidenceForge]:
    return [ExampleForge()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [EXAMPLE_THREAT_MODEL]
