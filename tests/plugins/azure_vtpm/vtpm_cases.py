"""Shared values and helpers of the Azure vTPM tests."""

from __future__ import annotations

import json

from ccpolicy.claims import Claims
from ccpolicy.clock import parse_time
from ccpolicy.host import PluginHost, build_plugin_manager
from ccpolicy.interfaces import VerificationContext
from ccpolicy_azure_vtpm import plugin as azure_vtpm_plugin
from ccpolicy_azure_vtpm.verifier import AzureVtpmVerifier

NOW = parse_time("2025-06-01T00:00:00Z")
"""Inside every window: VCEKs 2023-05-02..2030-05-02 and 2025-01-28..2032-01-28, PCK 2023-09-13..2030-09-13."""
SNP_ENVELOPES = ("trustee_evidence-v0.json", "trustee_evidence-v1.json", "trustee_evidence-v2.json")
TDX_ENVELOPES = ("trustee_evidence-v0.json", "trustee_evidence-v1.json")


def make_host(disabled: tuple[str, ...] = ()) -> PluginHost:
    """The installed plugins plus this one (registered here until its entry point is in pyproject.toml)."""
    manager = build_plugin_manager(disabled=list(disabled))
    if not manager.is_registered(azure_vtpm_plugin):
        manager.register(azure_vtpm_plugin, name="azure-vtpm")
    return PluginHost(manager)


def verify(verifier: AzureVtpmVerifier, evidence: bytes, context: VerificationContext) -> Claims:
    return verifier.verify(verifier.parse(evidence), context)


def replace_tpm_quote(envelope: bytes, donor: bytes) -> bytes:
    """``envelope`` (version 1/2) with the TPM quote of ``donor`` (version 1/2)."""
    document = json.loads(envelope)
    document["tpm_quote"] = json.loads(donor)["tpm_quote"]
    return json.dumps(document).encode()
