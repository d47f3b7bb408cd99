"""Threat models of Azure confidential VMs: SEV-SNP or TDX hardware with a paravisor-hosted vTPM."""

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

SOURCES = (
    Source(
        title="Azure confidential VM guest attestation design detail (Microsoft Learn)",
        url="https://learn.microsoft.com/en-us/azure/confidential-computing/guest-attestation-confidential-virtual-machines-design",
    ),
    Source(
        title="Virtual TPMs in Azure confidential VMs (Microsoft Learn)",
        url="https://learn.microsoft.com/en-us/azure/confidential-computing/virtual-tpms-in-azure-confidential-vm",
    ),
)

COMMON_THREATS = (
    Threat(
        id=UNKNOWN_CODE,
        description="the guest booted firmware, a boot loader or a kernel other than the approved ones",
        mitigating_claims=("evidence.measurements.sha256:pcr0", "evidence.measurements.sha256:pcr7"),
    ),
    Threat(
        id=INSECURE_CONFIG,
        description="secure boot is off or the vTPM is disabled in the VM configuration",
        mitigating_claims=("vm_configuration.secure_boot", "vm_configuration.tpm_enabled"),
    ),
    Threat(
        id=REPLAY,
        description="an old vTPM quote is replayed",
        mitigating_claims=("evidence.nonce_verified", "evidence.report_data"),
    ),
    Threat(
        id=UNTRUSTED_KEY,
        description="the TPM quote is signed by a key the hardware report does not vouch for",
        verifier_mitigation="the vTPM AK comes from runtime claims whose hash is the hardware report's report data",
    ),
)


def _model(tee_id: str, name: str, hardware: str, threats: tuple[Threat, ...]) -> ThreatModel:
    return ThreatModel(
        tee_id=tee_id,
        name=name,
        threats=COMMON_THREATS + threats,
        security_properties={
            SecurityProperty.CONFIDENTIALITY: PropertySupport(
                support=Support.PROVIDED, note=f"{hardware} encrypts guest memory against the host"
            ),
            SecurityProperty.INTEGRITY: PropertySupport(
                support=Support.PROVIDED, note=f"{hardware} integrity-protects guest memory; the vTPM measures boot"
            ),
            SecurityProperty.AVAILABILITY: PropertySupport(
                support=Support.NOT_PROVIDED, note="Azure's host schedules and can stop the VM"
            ),
            SecurityProperty.ATTESTABILITY: PropertySupport(
                support=Support.PROVIDED, note="a vTPM quote bound to the hardware report through the runtime claims"
            ),
            SecurityProperty.RECOVERABILITY: PropertySupport(
                support=Support.PARTIAL, note="platform TCB updates by the vendor and Azure; the paravisor is measured"
            ),
        },
        tcb=(f"{hardware} firmware", "the Azure paravisor (HCL) and its vTPM", "the guest OS and its boot chain"),
        adversaries_in_scope=CONFIDENTIAL_VM_ADVERSARIES_IN_SCOPE,
        adversaries_out_of_scope=CONFIDENTIAL_VM_ADVERSARIES_OUT_OF_SCOPE,
        isolation_unit=IsolationUnit.VIRTUAL_MACHINE,
        unmodified_applications=True,
        sources=SOURCES,
    )


AZ_SNP_VTPM_THREAT_MODEL = _model(
    "az-snp-vtpm",
    "Azure confidential VM (AMD SEV-SNP, vTPM)",
    "AMD SEV-SNP",
    (
        Threat(
            id=DEBUG_ACCESS,
            description="a debuggable guest or an enabled serial console exposes guest state to the host",
            mitigating_claims=("az-snp-vtpm.snp.policy.debug", "vm_configuration.console_enabled"),
        ),
        Threat(
            id=OUTDATED_TCB,
            description="platform firmware or microcode with known vulnerabilities",
            mitigating_claims=("az-snp-vtpm.snp.reported_tcb", "az-snp-vtpm.snp.committed_tcb"),
        ),
        Threat(
            id=TCB_DOWNGRADE,
            description="a rollback of the platform TCB or of the guest SVN",
            mitigating_claims=("az-snp-vtpm.snp.committed_tcb", "az-snp-vtpm.snp.guest_svn"),
        ),
    ),
)

AZ_TDX_VTPM_THREAT_MODEL = _model(
    "az-tdx-vtpm",
    "Azure confidential VM (Intel TDX, vTPM)",
    "Intel TDX",
    (
        Threat(
            id=DEBUG_ACCESS,
            description="a debuggable TD or an enabled serial console exposes guest state to the host",
            mitigating_claims=("az-tdx-vtpm.tdx.report.debug", "vm_configuration.console_enabled"),
        ),
        Threat(
            id=OUTDATED_TCB,
            description="a platform whose TCB status is not accepted",
            mitigating_claims=("evidence.tcb.status",),
        ),
        Threat(
            id=STALE_COLLATERAL,
            description="TCB info from an old evaluation still calls a vulnerable platform up to date",
            mitigating_claims=("evidence.tcb.status",),
        ),
    ),
)
