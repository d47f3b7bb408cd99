"""The protocols plugins implement. Hooks (``hookspecs.py``) return objects of these types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from cryptography import x509

from ccpolicy.certificates import is_test_root
from ccpolicy.claims import Claims, JsonValue
from ccpolicy.collateral import CollateralStore


@dataclass(frozen=True, slots=True, kw_only=True)
class VerificationContext:
    """What a verifier may use besides the evidence: collateral, the time, and trust settings."""

    now: datetime
    collateral: CollateralStore
    unsafe_trust_test_root: bool = False
    """Accept certificate authorities made by ccpolicy's evidence forge. Never for production."""

    def trust_anchors(self, pinned: Sequence[x509.Certificate]) -> list[x509.Certificate]:
        """The pinned vendor roots, plus forge test roots from the collateral when allowed."""
        anchors = list(pinned)
        if self.unsafe_trust_test_root:
            anchors += [
                item.certificate
                for item in self.collateral.certificates
                if is_test_root(item.certificate) and item.certificate.subject == item.certificate.issuer
            ]
        return anchors


@runtime_checkable
class TeeVerifier(Protocol):
    """Parses and verifies one kind of attestation evidence.

    ``parse`` takes bytes and returns a typed report or raises EvidenceError; it
    does no I/O and no cryptography.  ``verify`` checks signatures, chains and
    collateral at ``context.now`` and returns claims, or raises
    VerificationError / CollateralError.
    """

    tee_id: str
    name: str
    version: str
    media_types: Sequence[str]

    def detect(self, evidence: bytes) -> bool:
        """Cheap sniffing by magic or size: could this be evidence of this TEE?"""
        ...

    def parse(self, evidence: bytes) -> Any: ...

    def verify(self, report: Any, context: VerificationContext) -> Claims: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgedEvidence:
    """What the forge wrote: the evidence, its collateral, and matching reference values."""

    evidence: Path
    collateral: tuple[Path, ...]
    reference_values: Path


@runtime_checkable
class EvidenceForge(Protocol):
    """Makes evidence in the real format, signed under a ccpolicy test root."""

    tee_id: str

    def forge(self, out_dir: Path, settings: Mapping[str, str], now: datetime) -> ForgedEvidence:
        """Write evidence, collateral and reference values into ``out_dir``.

        ``settings`` are ``field=value`` overrides; an unknown field is a ConfigurationError.
        """
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyModule:
    path: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """Rego modules, reference data, and the rule whose value is the appraisal."""

    modules: tuple[PolicyModule, ...]
    data: Mapping[str, JsonValue] = field(default_factory=dict)
    query: str
    policy_id: str
    """``sha256:<hex>`` over the policy texts, for ``ear.appraisal-policy-id``."""


@runtime_checkable
class PolicyEngine(Protocol):
    """Evaluates a policy's query for one input document."""

    name: str

    def evaluate(self, policy: Policy, input_document: Mapping[str, JsonValue]) -> JsonValue:
        """The value of ``policy.query``; raises PolicyError when evaluation fails or yields nothing."""
        ...
