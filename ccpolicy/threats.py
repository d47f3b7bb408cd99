"""Threat models: what a TEE protects, against whom, and which claims mitigate which threat.

A TEE plugin declares one :class:`ThreatModel` per TEE id through the hook
``ccpolicy_threat_models``.  The policy lint (``ccpolicy lint --threats``) compares the threats with
the METADATA annotations of the policy's rules; the comparison report renders the rest (security
properties, TCB, adversaries, isolation unit, sources) beside FHE, MPC and ZKP.

Threat ids are lowercase words joined by hyphens.  The shared ones, used by the default policies:
``debug-access``, ``replay``, ``unknown-code``, ``outdated-tcb``, ``tcb-downgrade``,
``insecure-config``, ``untrusted-key``, ``stale-collateral``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ccpolicy.errors import PluginError

THREAT_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

DEBUG_ACCESS = "debug-access"
REPLAY = "replay"
UNKNOWN_CODE = "unknown-code"
OUTDATED_TCB = "outdated-tcb"
TCB_DOWNGRADE = "tcb-downgrade"
INSECURE_CONFIG = "insecure-config"
UNTRUSTED_KEY = "untrusted-key"
STALE_COLLATERAL = "stale-collateral"


class SecurityProperty(enum.Enum):
    CONFIDENTIALITY = "confidentiality"
    INTEGRITY = "integrity"
    AVAILABILITY = "availability"
    ATTESTABILITY = "attestability"
    RECOVERABILITY = "recoverability"


class Support(enum.Enum):
    """How far a technology provides a security property."""

    PROVIDED = "provided"
    PARTIAL = "partial"
    NOT_PROVIDED = "not provided"


class IsolationUnit(enum.Enum):
    """What the technology isolates (or, for a TPM, only measures)."""

    PROCESS_ENCLAVE = "process enclave"
    VIRTUAL_MACHINE = "virtual machine"
    ENCLAVE_VM = "enclave VM carved from a parent instance"
    DEVICE = "device security environment"
    NONE = "none (measured boot of the whole machine)"
    CRYPTOGRAPHIC = "none (protected by cryptography)"


class Adversary(enum.Enum):
    """Adversary classes, the same for every technology so reports can compare them."""

    REMOTE_NETWORK = "remote network attacker"
    CO_TENANT = "co-located tenant"
    GUEST_SOFTWARE = "other software in the same guest or device"
    HOST_OS_HYPERVISOR = "host operating system / hypervisor"
    CLOUD_OPERATOR = "cloud operator with administrative access"
    PHYSICAL_BUS = "physical attacker probing memory buses or DRAM"
    PHYSICAL_INVASIVE = "invasive physical attacker (decapping, fault injection)"
    MICROARCHITECTURAL = "microarchitectural side channels"
    DENIAL_OF_SERVICE = "denial of service by the host"
    SILICON_VENDOR = "the silicon vendor and its signing keys"


CONFIDENTIAL_VM_ADVERSARIES_IN_SCOPE = frozenset(
    {
        Adversary.HOST_OS_HYPERVISOR,
        Adversary.CLOUD_OPERATOR,
        Adversary.CO_TENANT,
        Adversary.PHYSICAL_BUS,
        Adversary.REMOTE_NETWORK,
    }
)
"""What hardware-isolated confidential VMs (SEV-SNP, TDX, CCA realms) are designed to withstand."""
CONFIDENTIAL_VM_ADVERSARIES_OUT_OF_SCOPE = frozenset(
    {
        Adversary.PHYSICAL_INVASIVE,
        Adversary.MICROARCHITECTURAL,
        Adversary.DENIAL_OF_SERVICE,
        Adversary.SILICON_VENDOR,
        Adversary.GUEST_SOFTWARE,
    }
)
"""What their vendors leave out: invasive attacks, side channels, availability, the vendor, the guest itself."""
CRYPTOGRAPHIC_ADVERSARIES_OUT_OF_SCOPE = frozenset({Adversary.DENIAL_OF_SERVICE})
"""Protection by cryptography (FHE, MPC, partially homomorphic) holds against every other adversary class."""
CRYPTOGRAPHIC_ADVERSARIES_IN_SCOPE = frozenset(Adversary) - CRYPTOGRAPHIC_ADVERSARIES_OUT_OF_SCOPE


@dataclass(frozen=True, slots=True, kw_only=True)
class Threat:
    id: str
    description: str
    mitigating_claims: tuple[str, ...] = ()
    """Input-document claim paths a policy checks to mitigate it (``snp.policy.debug``, ``evidence.nonce_verified``)."""
    verifier_mitigation: str | None = None
    """When the verifier itself mitigates the threat whatever the policy says: how (fail closed)."""

    def __post_init__(self) -> None:
        if not THREAT_ID.match(self.id):
            raise PluginError(f"threat id '{self.id}' must be lowercase words joined by hyphens")


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertySupport:
    support: Support
    note: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreatModel:
    """The threat model of one TEE id, as its plugin declares it."""

    tee_id: str
    name: str
    threats: tuple[Threat, ...]
    security_properties: Mapping[SecurityProperty, PropertySupport]
    tcb: tuple[str, ...]
    """Components that must be trusted (hardware, firmware, software), most privileged first."""
    adversaries_in_scope: frozenset[Adversary]
    adversaries_out_of_scope: frozenset[Adversary]
    isolation_unit: IsolationUnit
    unmodified_applications: bool
    """Whether applications run unmodified (no enclave SDK or partitioning)."""
    sources: tuple[Source, ...] = field(default=())

    def __post_init__(self) -> None:
        ids = [threat.id for threat in self.threats]
        if len(ids) != len(set(ids)):
            raise PluginError(f"threat model '{self.tee_id}' declares a threat id twice")
        if self.adversaries_in_scope & self.adversaries_out_of_scope:
            raise PluginError(f"threat model '{self.tee_id}' has adversaries both in and out of scope")
        if not self.sources:
            raise PluginError(f"threat model '{self.tee_id}' cites no source")

    def threat(self, threat_id: str) -> Threat | None:
        return next((threat for threat in self.threats if threat.id == threat_id), None)

    def policy_threats(self) -> tuple[Threat, ...]:
        """The threats only an appraisal policy can mitigate (the verifier does not)."""
        return tuple(threat for threat in self.threats if threat.verifier_mitigation is None)
