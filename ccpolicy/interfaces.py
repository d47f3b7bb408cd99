"""The protocols plugins implement. Hooks (``hookspecs.py``) return objects of these types."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from cryptography import x509

from ccpolicy.certificates import is_test_root
from ccpolicy.claims import Claims, JsonValue
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import ConfigurationError, EvidenceError


@dataclass(frozen=True, slots=True, kw_only=True)
class VerificationContext:
    """What a verifier may use besides the evidence: collateral, the time, and trust settings."""

    now: datetime
    collateral: CollateralStore
    unsafe_trust_test_root: bool = False
    """Accept certificate authorities made by ccpolicy's evidence forge. Never for production."""
    allow_unevaluated_tcb: bool = False
    """When the collateral lacks the platform's TCB collateral (Intel TCB info for its FMSPC), verify
    everything else in full and report the TCB status as ``NotEvaluated`` for the policy to judge,
    instead of failing with a CollateralMissingError. Expired or invalid TCB collateral still fails."""
    verifier_lookup: Callable[[str], TeeVerifier] | None = None
    """The host's verifiers by TEE id (the pipeline passes ``PluginHost.verifier``), for evidence that
    nests another TEE's evidence: the Azure vTPM verifiers hand the SNP report or TD quote to ``snp``/``tdx``."""
    deferred_checks: list[Callable[[], None]] | None = None
    """Where ``check_before_release`` queues checks; the pipeline passes a list, anyone else leaves it None."""

    def check_before_release(self, check: Callable[[], None]) -> None:
        """Run ``check`` (it raises a VerificationError or returns nothing) now, or queue it for the pipeline.

        For the one expensive step of ``verify`` that nothing else depends on, such as the evidence
        signature. With ``deferred_checks`` set, the pipeline runs the check after ``verify`` returns,
        while the policy appraises the claims on another core, and releases neither the claims nor a
        result unless the check passed. Without it, the check runs here and now.
        """
        if self.deferred_checks is None:
            check()
        else:
            self.deferred_checks.append(check)

    def verifier_for(self, tee_id: str) -> TeeVerifier:
        """The loaded verifier of ``tee_id``; UnsupportedEvidenceError from the host when none is loaded."""
        if self.verifier_lookup is None:
            raise ConfigurationError(
                f"the '{tee_id}' verifier is needed, but this verification context has no plugin host "
                "(VerificationContext.verifier_lookup is None)"
            )
        return self.verifier_lookup(tee_id)

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


def parses(parse: Callable[[bytes], object], evidence: bytes) -> bool:
    """Whether ``parse`` accepts the evidence (an EvidenceError says no): detection left to the parser."""
    try:
        parse(evidence)
    except EvidenceError:
        return False
    return True


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
class ReferenceValueGenerator(Protocol):
    """Computes the reference values a TEE's default policy reads, from the inputs of a guest launch.

    ``tee_id`` is the TEE the values are for and the top-level key of the data document it returns;
    ``modes`` are further names ``ccpolicy refvalues --mode`` selects it by (``seves`` for ``sev-es``).
    """

    tee_id: str
    name: str
    modes: Sequence[str]

    def reference_values(
        self,
        *,
        firmware: Path,
        kernel: Path | None = None,
        initrd: Path | None = None,
        cmdline: str | None = None,
        vcpus: int | None = None,
        vcpu_type: str | None = None,
        options: Mapping[str, str] | None = None,
    ) -> dict[str, JsonValue]:
        """A data document such as ``{"snp": {"measurements": ["<hex>"]}}``.

        ``options`` are generator-specific ``field=value`` settings; an unknown one, a missing input or
        firmware the generator cannot measure is a ConfigurationError.
        """
        ...


@runtime_checkable
class CollateralSource(Protocol):
    """Fetches the collateral that endorses one TEE's evidence from its vendor's service, through a cache.

    Offline collateral (``--collateral``) stays the default; a source is used only when asked for.
    """

    tee_id: str
    name: str
    """Label of what it provides (``kds``, ``pcs``); becomes the CollateralStore's ``source``."""

    def fetch(
        self, evidence: bytes, *, cache_dir: Path, now: datetime, service_url: str | None = None
    ) -> Sequence[Path]:
        """Files under ``cache_dir`` that endorse ``evidence`` at ``now``: cached while valid, fetched otherwise.

        ``service_url`` replaces the vendor's base URL (mirrors, tests). Raises EvidenceError for
        evidence it cannot read and CollateralError when the service cannot provide the collateral.
        """
        ...


@runtime_checkable
class PolicyEngine(Protocol):
    """Evaluates a policy's query for one input document."""

    name: str

    def evaluate(self, policy: Policy, input_document: Mapping[str, JsonValue]) -> JsonValue:
        """The value of ``policy.query``; raises PolicyError when evaluation fails or yields nothing."""
        ...


@runtime_checkable
class ReportTemplates(Protocol):
    """A set of Jinja2 templates for ``ccpolicy report --templates NAME``.

    The templates live in the directory ``directory`` of the importable package ``package``: any of
    ``report.html.j2`` and ``report.md.j2`` (and whatever they include). They render the same report
    model with the same filters as the built-in set (``ccpolicy``), which fills in every template the
    set does not have, so a set may replace one page and reuse the built-in macros.
    """

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def package(self) -> str:
        """An importable package holding the templates as package data."""
        ...

    @property
    def directory(self) -> str:
        """The templates' directory inside ``package``."""
        ...
