"""The AMD SEV-SNP threat model: what a confidential VM is protected from, and which claims show it."""

from __future__ import annotations

from ccpolicy.threats import (
    CONFIDENTIAL_VM_ADVERSARIES_IN_SCOPE,
    CONFIDENTIAL_VM_ADVERSARIES_OUT_OF_SCOPE,
    DEBUG_ACCESS,
    INSECURE_CONFIG,
    OUTDATED_TCB,
    REPLAY,
    STALE_COLLATERAL,
    TCB_DOWNGRADE,
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

SNP_THREAT_MODEL = ThreatModel(
    tee_id="snp",
    name="AMD SEV-SNP",
    threats=(
        Threat(
            id=DEBUG_ACCESS,
            description="a guest launched with the DEBUG policy bit lets the hypervisor decrypt and change its memory",
            mitigating_claims=("snp.policy.debug", "evidence.debug"),
        ),
        Threat(
            id=REPLAY,
            description="an old report of a genuine guest is replayed to impersonate a live one",
            mitigating_claims=("evidence.nonce_verified", "evidence.report_data"),
        ),
        Threat(
            id=UNKNOWN_CODE,
            description="the guest was launched with firmware, kernel or initrd nobody approved",
            mitigating_claims=("evidence.measurements.launch",),
        ),
        Threat(
            id=OUTDATED_TCB,
            description="the platform runs AMD-SP firmware or microcode with known vulnerabilities",
            mitigating_claims=("snp.reported_tcb", "snp.committed_tcb"),
        ),
        Threat(
            id=TCB_DOWNGRADE,
            description="the host reports an older TCB than it committed to, or rolls firmware back",
            mitigating_claims=("snp.committed_tcb",),
        ),
        Threat(
            id=INSECURE_CONFIG,
            description="guest policy or platform settings weaken isolation (migration agent, SMT, VMPL, old ABI)",
            mitigating_claims=(
                "snp.policy.migrate_ma",
                "snp.platform_info.smt_enabled",
                "snp.vmpl",
                "snp.policy.abi_major",
                "snp.guest_svn",
            ),
        ),
        Threat(
            id=UNTRUSTED_KEY,
            description="the report is signed by a key that is not a VCEK/VLEK certified by AMD",
            verifier_mitigation="the report signature is checked with the VCEK/VLEK, chained to the pinned AMD ARK",
        ),
        Threat(
            id=STALE_COLLATERAL,
            description="expired or revoked certificates are used to accept a report",
            verifier_mitigation="every certificate and CRL must be inside its validity window at the evaluation time",
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(
            support=Support.PROVIDED, note="guest memory and register state encrypted with a per-VM key"
        ),
        SecurityProperty.INTEGRITY: PropertySupport(
            support=Support.PROVIDED, note="the reverse map table stops remapping, aliasing and replay of guest pages"
        ),
        SecurityProperty.AVAILABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="the hypervisor still schedules the guest and can stop it"
        ),
        SecurityProperty.ATTESTABILITY: PropertySupport(
            support=Support.PROVIDED, note="reports signed by the AMD secure processor with a chip-unique VCEK"
        ),
        SecurityProperty.RECOVERABILITY: PropertySupport(
            support=Support.PARTIAL, note="TCB versions in the VCEK let firmware fixes be required after an update"
        ),
    },
    tcb=("AMD CPU hardware", "AMD secure processor firmware", "CPU microcode", "guest firmware and kernel"),
    adversaries_in_scope=CONFIDENTIAL_VM_ADVERSARIES_IN_SCOPE,
    adversaries_out_of_scope=CONFIDENTIAL_VM_ADVERSARIES_OUT_OF_SCOPE,
    isolation_unit=IsolationUnit.VIRTUAL_MACHINE,
    unmodified_applications=True,
    sources=(
        Source(
            title="AMD SEV-SNP: Strengthening VM Isolation with Integrity Protection and More (white paper, 2020)",
            url="https://www.amd.com/content/dam/amd/en/documents/epyc-business-docs/white-papers/"
            "SEV-SNP-strengthening-vm-isolation-with-integrity-protection-and-more.pdf",
        ),
        Source(
            title="SEV Secure Nested Paging Firmware ABI Specification (AMD 56860)",
            url="https://www.amd.com/content/dam/amd/en/documents/epyc-technical-docs/specifications/56860.pdf",
        ),
        Source(
            title="D. Kaplan, Hardware VM Isolation in the Cloud, ACM Queue 21(4), 2023",
            url="https://queue.acm.org/detail.cfm?id=3623392",
        ),
    ),
)
