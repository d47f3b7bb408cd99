"""The Arm PSA threat model: a device's secure processing environment, attested with an IAK-signed token."""

from __future__ import annotations

from ccpolicy.threats import (
    DEBUG_ACCESS,
    INSECURE_CONFIG,
    OUTDATED_TCB,
    REPLAY,
    UNKNOWN_CODE,
    UNTRUSTED_KEY,
    Adversary,
    IsolationUnit,
    PropertySupport,
    SecurityProperty,
    Source,
    Support,
    Threat,
    ThreatModel,
)

PSA_THREAT_MODEL = ThreatModel(
    tee_id="psa",
    name="Arm Platform Security Architecture (PSA)",
    threats=(
        Threat(
            id=DEBUG_ACCESS,
            description="a device in a debug lifecycle state exposes the secure processing environment",
            mitigating_claims=("evidence.debug", "psa.lifecycle"),
        ),
        Threat(
            id=REPLAY,
            description="an old token is replayed",
            mitigating_claims=("evidence.nonce_verified", "evidence.report_data"),
        ),
        Threat(
            id=UNKNOWN_CODE,
            description="a software component of the device is not among the reference values",
            mitigating_claims=("evidence.measurements", "psa.software_components"),
        ),
        Threat(
            id=OUTDATED_TCB,
            description="the device runs software components of a vulnerable version",
            mitigating_claims=("psa.software_components",),
        ),
        Threat(
            id=INSECURE_CONFIG,
            description="the device is not in the secured lifecycle state",
            mitigating_claims=("psa.lifecycle",),
        ),
        Threat(
            id=UNTRUSTED_KEY,
            description="the token is signed by a key that is not the endorsed IAK of the device",
            verifier_mitigation="the token signature is checked with the IAK endorsed for its instance id",
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(
            support=Support.PARTIAL, note="secrets are confined to the secure processing environment (SPE)"
        ),
        SecurityProperty.INTEGRITY: PropertySupport(
            support=Support.PROVIDED, note="secure boot of every measured component"
        ),
        SecurityProperty.AVAILABILITY: PropertySupport(support=Support.NOT_PROVIDED, note="not in scope"),
        SecurityProperty.ATTESTABILITY: PropertySupport(
            support=Support.PROVIDED, note="tokens signed by the device's initial attestation key (RFC 9783)"
        ),
        SecurityProperty.RECOVERABILITY: PropertySupport(
            support=Support.PARTIAL, note="component versions let updated firmware be required"
        ),
    },
    tcb=("device hardware and root of trust", "secure boot loader", "secure processing environment firmware"),
    adversaries_in_scope=frozenset({Adversary.GUEST_SOFTWARE, Adversary.REMOTE_NETWORK}),
    adversaries_out_of_scope=frozenset(
        {
            Adversary.PHYSICAL_INVASIVE,
            Adversary.PHYSICAL_BUS,
            Adversary.MICROARCHITECTURAL,
            Adversary.DENIAL_OF_SERVICE,
            Adversary.SILICON_VENDOR,
        }
    ),
    isolation_unit=IsolationUnit.DEVICE,
    unmodified_applications=False,
    sources=(
        Source(
            title="RFC 9783: Arm's Platform Security Architecture (PSA) Attestation Token",
            url="https://www.rfc-editor.org/rfc/rfc9783",
        ),
        Source(
            title="Arm Platform Security Architecture Security Model",
            url="https://www.arm.com/architecture/security-features/platform-security",
        ),
    ),
)
