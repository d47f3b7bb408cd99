"""The TPM 2.0 threat model: a measured boot of the whole machine, quoted by a TPM attestation key."""

from __future__ import annotations

from ccpolicy.threats import (
    INSECURE_CONFIG,
    REPLAY,
    STALE_COLLATERAL,
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
from ccpolicy_tpm.claims_mapping import TEE_ID

TPM_THREAT_MODEL = ThreatModel(
    tee_id=TEE_ID,
    name="TPM 2.0 measured boot",
    threats=(
        Threat(
            id=REPLAY,
            description="an old quote of a machine in a good state is replayed",
            mitigating_claims=("evidence.nonce_verified", "evidence.report_data"),
        ),
        Threat(
            id=UNKNOWN_CODE,
            description="the machine booted firmware, a boot loader or a kernel nobody approved",
            mitigating_claims=("evidence.measurements",),
        ),
        Threat(
            id=INSECURE_CONFIG,
            description="the machine booted with UEFI Secure Boot disabled",
            mitigating_claims=("tpm.event_log.secure_boot",),
        ),
        Threat(
            id=UNTRUSTED_KEY,
            description="the quote is signed by a key that is not a certified TPM attestation key",
            verifier_mitigation="the AK certificate is chained to a pinned root and the quote signature checked",
        ),
        Threat(
            id=STALE_COLLATERAL,
            description="an expired AK certificate is used to accept a quote",
            verifier_mitigation="every certificate must be inside its validity window at the evaluation time",
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="a TPM measures the boot; it isolates nothing from the operator"
        ),
        SecurityProperty.INTEGRITY: PropertySupport(
            support=Support.PARTIAL, note="boot integrity is measured and reported, not enforced at run time"
        ),
        SecurityProperty.AVAILABILITY: PropertySupport(support=Support.NOT_PROVIDED, note="not in scope"),
        SecurityProperty.ATTESTABILITY: PropertySupport(
            support=Support.PROVIDED, note="PCR quotes signed by an attestation key, with the TCG event log"
        ),
        SecurityProperty.RECOVERABILITY: PropertySupport(
            support=Support.PARTIAL, note="reference PCR values can be updated after a fix"
        ),
    },
    tcb=("TPM (discrete, firmware or virtual)", "platform firmware (CRTM)", "boot loader", "operating system"),
    adversaries_in_scope=frozenset({Adversary.REMOTE_NETWORK}),
    adversaries_out_of_scope=frozenset(
        {
            Adversary.HOST_OS_HYPERVISOR,
            Adversary.CLOUD_OPERATOR,
            Adversary.PHYSICAL_BUS,
            Adversary.PHYSICAL_INVASIVE,
            Adversary.MICROARCHITECTURAL,
            Adversary.DENIAL_OF_SERVICE,
            Adversary.CO_TENANT,
            Adversary.GUEST_SOFTWARE,
        }
    ),
    isolation_unit=IsolationUnit.NONE,
    unmodified_applications=True,
    sources=(
        Source(
            title="TCG Trusted Platform Module Library Specification, Family 2.0",
            url="https://trustedcomputinggroup.org/resource/tpm-library-specification/",
        ),
        Source(
            title="TCG PC Client Platform Firmware Profile Specification",
            url="https://trustedcomputinggroup.org/resource/pc-client-specific-platform-firmware-profile-specification/",
        ),
    ),
)
