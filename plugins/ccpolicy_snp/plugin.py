"""Entry module of the SEV-SNP plugin (entry point ``snp = "ccpolicy_snp.plugin"``, group ``ccpolicy``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy.threats import ThreatModel
from ccpolicy_snp.forge import SnpForge
from ccpolicy_snp.kds_collateral import KdsCollateralSource
from ccpolicy_snp.reference_values import SnpReferenceValueGenerator
from ccpolicy_snp.threats import SNP_THREAT_MODEL
from ccpolicy_snp.verifier import SnpVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [SnpVerifier()]


@hookimpl
def ccpolicy_evidence_forges() -> Sequence[EvidenceForge]:
    return [SnpForge()]


@hookimpl
def ccpolicy_reference_value_generators() -> Sequence[SnpReferenceValueGenerator]:
    return [SnpReferenceValueGenerator()]


@hookimpl
def ccpolicy_collateral_sources() -> Sequence[KdsCollateralSource]:
    return [KdsCollateralSource()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [SNP_THREAT_MODEL]
