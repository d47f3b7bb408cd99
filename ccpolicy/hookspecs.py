"""Hook specifications: what a ccpolicy plugin can provide.

Every hook returns a sequence of objects that identify themselves; the host
flattens the answers of all plugins, rejects duplicate keys, and drives the
objects itself.  No security decision depends on plugin order.
"""

from __future__ import annotations

from collections.abc import Sequence

import pluggy

from ccpolicy.comparison.backend import ComparisonBackend
from ccpolicy.interfaces import (
    CollateralSource,
    EvidenceForge,
    PolicyEngine,
    ReferenceValueGenerator,
    ReportTemplates,
    TeeVerifier,
)
from ccpolicy.threats import ThreatModel

PROJECT_NAME = "ccpolicy"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    """Verifiers for attestation evidence, one per TEE id (``snp``, ``tdx``, ...).

    Each ``tee_id`` and each media type may be provided by one plugin only.
    """
    raise NotImplementedError


@hookspec
def ccpolicy_evidence_forges() -> Sequence[EvidenceForge]:
    """Forges that make test evidence in a TEE's real format under a ccpolicy test root."""
    raise NotImplementedError


@hookspec
def ccpolicy_policy_engines() -> Sequence[PolicyEngine]:
    """Rego policy engines, by ``name`` (``regorus`` is built in)."""
    raise NotImplementedError


@hookspec
def ccpolicy_comparison_backends() -> Sequence[ComparisonBackend]:
    """Backends that run the reference workloads (FHE, MPC, ZKP, TEE model, ...), by ``name``."""
    raise NotImplementedError


@hookspec
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    """Threat models, one per TEE id: the threats with the claims that mitigate them, security
    properties, TCB, adversaries in and out of scope, isolation unit and sources.

    ``ccpolicy lint --threats`` names the threats no annotated policy rule mitigates; reports
    compare the rest across technologies.
    """
    raise NotImplementedError


@hookspec
def ccpolicy_reference_value_generators() -> Sequence[ReferenceValueGenerator]:
    """Generators of reference values (expected measurements) from a guest's launch inputs, one per ``tee_id``.

    ``ccpolicy refvalues TEE`` (or ``--mode NAME``, matched against ``modes``) runs one of them.
    """
    raise NotImplementedError


@hookspec
def ccpolicy_report_templates() -> Sequence[ReportTemplates]:
    """Template sets for ``ccpolicy report``, by ``name`` (``ccpolicy`` is built in).

    ``ccpolicy report --templates NAME`` renders with that set; templates it lacks come from the built-in set.
    """
    raise NotImplementedError


@hookspec
def ccpolicy_collateral_sources() -> Sequence[CollateralSource]:
    """Online sources of collateral (AMD KDS, Intel PCS, ...), one per ``tee_id``, used only when asked for.

    ``ccpolicy collateral fetch TEE`` and ``ccpolicy verify --fetch-collateral`` call them.
    """
    raise NotImplementedError
