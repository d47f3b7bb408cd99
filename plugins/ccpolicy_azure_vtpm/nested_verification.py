"""Verification of the nested parts by the verifiers the host loaded (``snp``, ``tdx``, ``tpm``).

This plugin imports no other plugin: it asks the verification context for the host's verifier of a TEE
id and drives it like the host does (parse, then verify; an exception that is not a ccpolicy error
becomes a PluginError naming that plugin). A blocked or missing plugin is an UnsupportedEvidenceError.
"""

from __future__ import annotations

from ccpolicy.claims import Claims
from ccpolicy.errors import UnsupportedEvidenceError
from ccpolicy.host import guarded
from ccpolicy.interfaces import TeeVerifier, VerificationContext


def host_verifier(context: VerificationContext, tee_id: str, *, needed_for: str) -> TeeVerifier:
    try:
        return context.verifier_for(tee_id)
    except UnsupportedEvidenceError as error:
        raise UnsupportedEvidenceError(
            f"{needed_for} needs the '{tee_id}' verifier: {error.message}",
            hint=f"install or unblock the plugin that provides '{tee_id}' (see CCPOLICY_DISABLE_PLUGINS)",
        ) from error


def nested_claims(
    context: VerificationContext, tee_id: str, evidence: bytes, nested_context: VerificationContext, *, needed_for: str
) -> Claims:
    """Parse and verify ``evidence`` with the host's ``tee_id`` verifier under ``nested_context``."""
    verifier = host_verifier(context, tee_id, needed_for=needed_for)
    report = guarded(tee_id, "parse", lambda: verifier.parse(evidence))
    return guarded(tee_id, "verify", lambda: verifier.verify(report, nested_context))
