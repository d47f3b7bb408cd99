"""The IBM Secure Execution threat model: a KVM guest on IBM Z protected by the Ultravisor."""

from __future__ import annotations

from ccpolicy.threats import (
    DEBUG_ACCESS,
    INSECURE_CONFIG,
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

IBMSE_THREAT_MODEL = ThreatModel(
    tee_id="ibmse",
    name="IBM Secure Execution for Linux",
    threats=(
        Threat(
            id=DEBUG_ACCESS,
            description="an image whose SE header allows dumping lets the host read guest memory in a dump",
            mitigating_claims=("ibmse.image.allow_dumping",),
        ),
        Threat(
            id=UNKNOWN_CODE,
            description="the guest runs an image other than the approved one (page, address or tweak list differ)",
            mitigating_claims=(
                "evidence.measurements.pld",
                "evidence.measurements.ald",
                "evidence.measurements.tld",
                "evidence.measurements.se_header_tag",
            ),
        ),
        Threat(
            id=INSECURE_CONFIG,
            description="the guest configuration is not the one approved, or its control flags are unknown",
            mitigating_claims=("evidence.identity.config_uid", "ibmse.image.allow_dumping"),
        ),
        Threat(
            id=UNTRUSTED_KEY,
            description="the request was unpacked by a host key that was not chosen for this guest",
            mitigating_claims=("ibmse.key_slots",),
        ),
        Threat(
            id=REPLAY,
            description="a measurement from an earlier request is replayed",
            mitigating_claims=("evidence.nonce_verified", "evidence.report_data"),
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(
            support=Support.PROVIDED,
            note="the Ultravisor keeps guest memory inaccessible to the hypervisor; the image is encrypted",
        ),
        SecurityProperty.INTEGRITY: PropertySupport(
            support=Support.PROVIDED, note="the Ultravisor integrity-protects guest memory and state"
        ),
        SecurityProperty.AVAILABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="the host schedules the guest and can stop it"
        ),
        SecurityProperty.ATTESTABILITY: PropertySupport(
            support=Support.PARTIAL,
            note="an HMAC-SHA512 measurement only the requester (holder of the request key) can verify",
        ),
        SecurityProperty.RECOVERABILITY: PropertySupport(
            support=Support.PARTIAL, note="host keys and firmware are updated by IBM; no TCB version is attested"
        ),
    },
    tcb=("IBM Z firmware and Ultravisor", "host-key documents signed by IBM", "the guest image"),
    adversaries_in_scope=frozenset(
        {
            Adversary.HOST_OS_HYPERVISOR,
            Adversary.CLOUD_OPERATOR,
            Adversary.CO_TENANT,
            Adversary.REMOTE_NETWORK,
        }
    ),
    adversaries_out_of_scope=frozenset(
        {
            Adversary.PHYSICAL_INVASIVE,
            Adversary.MICROARCHITECTURAL,
            Adversary.DENIAL_OF_SERVICE,
            Adversary.SILICON_VENDOR,
            Adversary.GUEST_SOFTWARE,
        }
    ),
    isolation_unit=IsolationUnit.VIRTUAL_MACHINE,
    unmodified_applications=True,
    sources=(
        Source(
            title="pvattest(1): create, perform, and verify attestation measurements (s390-tools)",
            url="https://manpages.ubuntu.com/manpages/noble/man1/pvattest.1.html",
        ),
        Source(
            title="pvattest-verify(1): only the holder of the request protection key can verify",
            url="https://manpages.ubuntu.com/manpages/noble/en/man1/pvattest-verify.1.html",
        ),
    ),
)
