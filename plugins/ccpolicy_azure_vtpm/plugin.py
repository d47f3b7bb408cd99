"""Entry module of the Azure vTPM plugin: entry point ``azure-vtpm = "ccpolicy_azure_vtpm.plugin"`` (group ccpolicy).

The verifiers need the ``snp``, ``tdx`` and ``tpm`` verifiers; they reach them at verification time through
``VerificationContext.verifier_for``, never by import, so loading order and blocked plugins do not matter here.
"""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import TeeVerifier
from ccpolicy.threats import ThreatModel
from ccpolicy_azure_vtpm.threats import AZ_SNP_VTPM_THREAT_MODEL, AZ_TDX_VTPM_THREAT_MODEL
from ccpolicy_azure_vtpm.verifier import az_snp_vtpm_verifier, az_tdx_vtpm_verifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [az_snp_vtpm_verifier(), az_tdx_vtpm_verifier()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [AZ_SNP_VTPM_THREAT_MODEL, AZ_TDX_VTPM_THREAT_MODEL]
