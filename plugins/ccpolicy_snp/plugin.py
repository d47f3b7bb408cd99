"""Entry module of the SEV-SNP plugin (entry point ``snp = "ccpolicy_snp.plugin"``, group ``ccpolicy``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy_snp.forge import SnpForge
from ccpolicy_snp.verifier import SnpVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [SnpVerifier()]


@hookimpl
def ccpolicy_evidence_forges() -> Sequence[EvidenceForge]:
    return [SnpForge()]
