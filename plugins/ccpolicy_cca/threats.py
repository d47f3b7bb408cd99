"""The Arm CCA threat model: realms isolated from the host by the RMM, attested by platform and realm tokens."""

from __future__ import annotations

from ccpolicy.threats import (
    CONFIDENTIAL_VM_ADVERSARIES_IN_SCOPE,
    CONFIDENTIAL_VM_ADVERSARIES_OUT_OF_SCOPE,
    DEBUG_ACCESS,
    INSECURE_CONFIG,
    OUTDATED_TCB,
    REPLAY,
    UNKNOWN_CODE,
    UNTRUSTED_KEY,
    IsolationUnit,
    PropertySupport,
    SecurityProperty,
    Source,
    Support,
    Threat,
    ThreatModel,
)

CCA_THREAT_MODEL = ThreatModel(
    tee_id="cca",
    name="Arm Confidential Compute Architecture (CCA)",
    threats=(
        Threat(
            id=DEBUG_ACCESS,
            description="a platform in a debug lifecycle state exposes realm memory",
            mitigating_claims=("evidence.debug", "cca.platform.lifecycle"),
        ),
        Threat(
            id=REPLAY,
            description="an old realm token is replayed",
            mitigating_claims=("evidence.nonce_verified", "evidence.report_data"),
        ),
        Threat(
            id=UNKNOWN_CODE,
            description="the realm's initial or extensible measurements are not approved",
            mitigating_claims=("evidence.measurements.rim", "cca.realm.extensible_measurements"),
        ),
        Threat(
            id=OUTDATED_TCB,
            description="platform firmware (RMM, TF-A, RSS) of a vulnerable version",
            mitigating_claims=("cca.platform.software_components",),
        ),
        Threat(
            id=INSECURE_CONFIG,
            description="the platform configuration or lifecycle is not the approved one",
            mitigating_claims=("cca.platform.config", "cca.platform.lifecycle"),
        ),
        Threat(
            id=UNTRUSTED_KEY,
            description="the realm token is not bound to a platform token signed by an endorsed CPAK",
            verifier_mitigation="the platform token is checked with the endorsed CPAK and its challenge binds the "
            "realm attestation key",
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(
            support=Support.PROVIDED, note="realm memory is in the realm physical address space, encrypted"
        ),
        SecurityProperty.INTEGRITY: PropertySupport(
            support=Support.PROVIDED, note="granule protection checks stop the host from mapping realm memory"
        ),
        SecurityProperty.AVAILABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="the host schedules realms and can stop them"
        ),
        SecurityProperty.ATTESTABILITY: PropertySupport(
            support=Support.PROVIDED, note="realm tokens by the RMM bound to platform tokens by the root of trust"
        ),
        SecurityProperty.RECOVERABILITY: PropertySupport(
            support=Support.PARTIAL, note="component versions let updated firmware be required"
        ),
    },
    tcb=("Arm CPU with RME", "root of trust (RSS)", "monitor firmware (TF-A)", "RMM", "realm firmware and kernel"),
    adversaries_in_scope=CONFIDENTIAL_VM_ADVERSARIES_IN_SCOPE,
    adversaries_out_of_scope=CONFIDENTIAL_VM_ADVERSARIES_OUT_OF_SCOPE,
    isolation_unit=IsolationUnit.VIRTUAL_MACHINE,
    unmodified_applications=True,
    sources=(
        Source(title="Arm CCA Security Model (DEN0096)", url="https://developer.arm.com/documentation/DEN0096/latest"),
        Source(
            title="Arm's Confidential Compute Architecture Reference Attestation Token (draft-ffm-rats-cca-token)",
            url="https://datatracker.ietf.org/doc/draft-ffm-rats-cca-token/",
        ),
    ),
)
