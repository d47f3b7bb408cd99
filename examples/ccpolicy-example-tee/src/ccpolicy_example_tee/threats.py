"""The example TEE's threat model: which claims mitigate which threat (read by ``ccpolicy lint --threats``)."""

from __future__ import annotations

from ccpolicy.threats import (
    DEBUG_ACCESS,
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
from ccpolicy_example_tee.verification import TEE_ID

EXAMPLE_THREAT_MODEL = ThreatModel(
    tee_id=TEE_ID,
    name="ccpolicy example TEE (made up, for plugin authors)",
    threats=(
        Threat(
            id=DEBUG_ACCESS,
            description="a device in debug mode lets the host read the workload's memory",
            mitigating_claims=("evidence.debug",),
        ),
        Threat(
            id=REPLAY,
            description="an old report is replayed",
            mitigating_claims=("evidence.nonce_verified", "evidence.report_data"),
        ),
        Threat(
            id=UNKNOWN_CODE,
            description="the workload is not one of the reference measurements",
            mitigating_claims=("evidence.measurements.workload",),
        ),
        Threat(
            id=OUTDATED_TCB,
            description="the device firmware has a security version below the minimum",
            mitigating_claims=("evidence.tcb.components.svn",),
        ),
        Threat(
            id=UNTRUSTED_KEY,
            description="the report is signed by a key the relying party did not pin",
            verifier_mitigation="the Ed25519 signature is checked with the pinned attestation keys only",
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(support=Support.PROVIDED, note="by assumption"),
        SecurityProperty.INTEGRITY: PropertySupport(support=Support.PROVIDED, note="by assumption"),
        SecurityProperty.AVAILABILITY: PropertySupport(support=Support.NOT_PROVIDED, note="the host schedules it"),
        SecurityProperty.ATTESTABILITY: PropertySupport(support=Support.PROVIDED, note="Ed25519-signed reports"),
        SecurityProperty.RECOVERABILITY: PropertySupport(support=Support.NOT_PROVIDED, note="no TCB recovery"),
    },
    tcb=("example TEE firmware", "the workload"),
    adversaries_in_scope=frozenset({Adversary.HOST_OS_HYPERVISOR, Adversary.REMOTE_NETWORK}),
    adversaries_out_of_scope=frozenset({Adversary.PHYSICAL_INVASIVE, Adversary.SILICON_VENDOR}),
    isolation_unit=IsolationUnit.PROCESS_ENCLAVE,
    unmodified_applications=False,
    sources=(Source(title="ccpolicy: write a plugin", url="docs/write-a-plugin.md"),),
)
