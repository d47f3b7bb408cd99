"""The AWS Nitro Enclaves threat model: an enclave VM carved from a parent EC2 instance."""

from __future__ import annotations

from ccpolicy.threats import (
    DEBUG_ACCESS,
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

NITRO_THREAT_MODEL = ThreatModel(
    tee_id="nitro",
    name="AWS Nitro Enclaves",
    threats=(
        Threat(
            id=DEBUG_ACCESS,
            description="an enclave in debug mode (PCR0-2 all zero) exposes its console to the parent instance",
            mitigating_claims=("evidence.debug", "evidence.measurements.pcr0"),
        ),
        Threat(
            id=REPLAY,
            description="an old attestation document is replayed",
            mitigating_claims=("evidence.nonce_verified", "evidence.report_data"),
        ),
        Threat(
            id=UNKNOWN_CODE,
            description="the enclave image (EIF) is not the one approved",
            mitigating_claims=(
                "evidence.measurements.pcr0",
                "evidence.measurements.pcr1",
                "evidence.measurements.pcr2",
                "evidence.signer",
            ),
        ),
        Threat(
            id=UNTRUSTED_KEY,
            description="the document is signed by a key not certified by the AWS Nitro root",
            verifier_mitigation="the COSE signature is checked with the certificate chained to the pinned AWS root",
        ),
        Threat(
            id=STALE_COLLATERAL,
            description="an expired certificate is used to accept a document",
            verifier_mitigation="every certificate must be inside its validity window at the evaluation time",
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(
            support=Support.PROVIDED,
            note="the Nitro hypervisor gives the enclave dedicated CPUs and memory the parent cannot read",
        ),
        SecurityProperty.INTEGRITY: PropertySupport(
            support=Support.PROVIDED, note="no persistent storage, no network; only a vsock to the parent"
        ),
        SecurityProperty.AVAILABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="the parent instance can terminate the enclave"
        ),
        SecurityProperty.ATTESTABILITY: PropertySupport(
            support=Support.PROVIDED, note="documents signed by the Nitro hypervisor with PCRs of the enclave image"
        ),
        SecurityProperty.RECOVERABILITY: PropertySupport(
            support=Support.PARTIAL, note="AWS updates the Nitro system; no TCB version is reported"
        ),
    },
    tcb=("AWS Nitro cards and security chip", "Nitro hypervisor", "AWS operations", "enclave image"),
    adversaries_in_scope=frozenset({Adversary.GUEST_SOFTWARE, Adversary.CO_TENANT, Adversary.REMOTE_NETWORK}),
    adversaries_out_of_scope=frozenset(
        {
            Adversary.CLOUD_OPERATOR,
            Adversary.HOST_OS_HYPERVISOR,
            Adversary.PHYSICAL_BUS,
            Adversary.PHYSICAL_INVASIVE,
            Adversary.MICROARCHITECTURAL,
            Adversary.DENIAL_OF_SERVICE,
            Adversary.SILICON_VENDOR,
        }
    ),
    isolation_unit=IsolationUnit.ENCLAVE_VM,
    unmodified_applications=False,
    sources=(
        Source(
            title="AWS Nitro Enclaves User Guide: What is Nitro Enclaves?",
            url="https://docs.aws.amazon.com/enclaves/latest/user/nitro-enclave.html",
        ),
        Source(
            title="AWS Nitro Enclaves User Guide: Cryptographic attestation",
            url="https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html",
        ),
        Source(
            title="The Security Design of the AWS Nitro System (AWS whitepaper)",
            url="https://docs.aws.amazon.com/whitepapers/latest/security-design-of-aws-nitro-system/"
            "security-design-of-aws-nitro-system.html",
        ),
    ),
)
