"""ccpolicy plugin entry: the Intel SGX and TDX (DCAP) verifiers and evidence forges."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy.threats import ThreatModel
from ccpolicy_dcap.forge import SgxForge, TdxForge
from ccpolicy_dcap.threats import SGX_THREAT_MODEL, TDX_THREAT_MODEL
from ccpolicy_dcap.verifier import SgxVerifier, TdxVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [SgxVerifier(), TdxVerifier()]


@hookimpl
def ccpolicy_evidence_forges() -> Sequence[EvidenceForge]:
    return [SgxForge(), TdxForge()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [SGX_THREAT_MODEL, TDX_THREAT_MODEL]
