"""The threat models of legacy AMD SEV and SEV-ES guests (launch attestation through the guest owner)."""

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

SOURCES = (
    Source(
        title="D. Kaplan, J. Powell, T. Woller: AMD Memory Encryption (white paper, 2016)",
        url="https://www.amd.com/content/dam/amd/en/documents/epyc-business-docs/white-papers/"
        "memory-encryption-white-paper.pdf",
    ),
    Source(
        title="D. Kaplan: Protecting VM Register State with SEV-ES (white paper, 2017)",
        url="https://www.amd.com/content/dam/amd/en/documents/epyc-business-docs/white-papers/"
        "Protecting-VM-Register-State-with-SEV-ES.pdf",
    ),
    Source(
        title="Secure Encrypted Virtualization API Specification (AMD 55766)",
        url="https://www.amd.com/content/dam/amd/en/documents/epyc-technical-docs/programmer-references/"
        "55766_SEV-KM_API_Specification.pdf",
    ),
)


def sev_threat_model(tee_id: str, *, encrypted_state: bool) -> ThreatModel:
    """SEV (``sev``) or SEV-ES (``sev-es``): the same launch flow; ES also encrypts register state."""
    threats = [
        Threat(
            id=DEBUG_ACCESS,
            description="a guest policy without NODBG lets the hypervisor decrypt guest memory with the debug API",
            mitigating_claims=(f"{tee_id}.policy.nodbg", "evidence.debug"),
        ),
        Threat(
            id=REPLAY,
            description="launch evidence carries no relying-party nonce, so it cannot be bound to a live session",
        ),
        Threat(
            id=UNKNOWN_CODE,
            description="the guest was launched with an image nobody approved",
            mitigating_claims=(f"{tee_id}.launch_digest", "evidence.measurements.launch"),
        ),
        Threat(
            id=OUTDATED_TCB,
            description="the secure processor runs SEV firmware with known vulnerabilities",
            mitigating_claims=(f"{tee_id}.api_major", f"{tee_id}.api_minor", f"{tee_id}.build"),
        ),
        Threat(
            id=INSECURE_CONFIG,
            description="the guest policy allows key sharing with other guests"
            + ("" if encrypted_state else ", and register state is not encrypted"),
            mitigating_claims=(f"{tee_id}.policy.noks", f"{tee_id}.policy.es"),
        ),
        Threat(
            id=UNTRUSTED_KEY,
            description="the platform keys are not certified by AMD",
            verifier_mitigation="the PEK/PDH chain is checked up to the pinned AMD ARK through the CEK and ASK",
        ),
    ]
    register_state = (
        PropertySupport(support=Support.PROVIDED, note="guest memory and register state are encrypted")
        if encrypted_state
        else PropertySupport(support=Support.PARTIAL, note="memory is encrypted, register state is not")
    )
    return ThreatModel(
        tee_id=tee_id,
        name="AMD SEV-ES" if encrypted_state else "AMD SEV",
        threats=tuple(threats),
        security_properties={
            SecurityProperty.CONFIDENTIALITY: register_state,
            SecurityProperty.INTEGRITY: PropertySupport(
                support=Support.NOT_PROVIDED, note="no memory integrity: the hypervisor can remap or replay pages"
            ),
            SecurityProperty.AVAILABILITY: PropertySupport(
                support=Support.NOT_PROVIDED, note="the hypervisor schedules and can stop the guest"
            ),
            SecurityProperty.ATTESTABILITY: PropertySupport(
                support=Support.PARTIAL, note="launch measurement only, to the guest owner; no runtime report"
            ),
            SecurityProperty.RECOVERABILITY: PropertySupport(
                support=Support.PARTIAL, note="a minimum firmware version can be required"
            ),
        },
        tcb=("AMD CPU hardware", "AMD secure processor SEV firmware", "guest firmware and kernel"),
        adversaries_in_scope=frozenset({Adversary.PHYSICAL_BUS, Adversary.CO_TENANT, Adversary.REMOTE_NETWORK}),
        adversaries_out_of_scope=frozenset(
            {
                Adversary.HOST_OS_HYPERVISOR,
                Adversary.CLOUD_OPERATOR,
                Adversary.PHYSICAL_INVASIVE,
                Adversary.MICROARCHITECTURAL,
                Adversary.DENIAL_OF_SERVICE,
                Adversary.SILICON_VENDOR,
                Adversary.GUEST_SOFTWARE,
            }
        ),
        isolation_unit=IsolationUnit.VIRTUAL_MACHINE,
        unmodified_applications=True,
        sources=SOURCES,
    )


SEV_THREAT_MODEL = sev_threat_model("sev", encrypted_state=False)
SEV_ES_THREAT_MODEL = sev_threat_model("sev-es", encrypted_state=True)
