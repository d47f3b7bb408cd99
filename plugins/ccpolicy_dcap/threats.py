"""The threat models of Intel SGX enclaves and TDX trust domains, attested through DCAP quotes."""

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
    Adversary,
    IsolationUnit,
    PropertySupport,
    SecurityProperty,
    Source,
    Support,
    Threat,
    ThreatModel,
)

DCAP_SOURCE = Source(
    title="Intel SGX ECDSA Quote Library API (DCAP)",
    url="https://download.01.org/intel-sgx/latest/dcap-latest/linux/docs/Intel_SGX_ECDSA_QuoteLibReference_DCAP_API.pdf",
)
OUT_OF_SCOPE = frozenset(
    {
        Adversary.PHYSICAL_INVASIVE,
        Adversary.MICROARCHITECTURAL,
        Adversary.DENIAL_OF_SERVICE,
        Adversary.SILICON_VENDOR,
    }
)


def _shared_threats(measurement_claims: tuple[str, ...]) -> list[Threat]:
    return [
        Threat(
            id=DEBUG_ACCESS,
            description="a debug enclave or TD lets the host read and change its memory",
            mitigating_claims=("evidence.debug",),
        ),
        Threat(
            id=REPLAY,
            description="an old quote is replayed to impersonate a live instance",
            mitigating_claims=("evidence.nonce_verified", "evidence.report_data"),
        ),
        Threat(
            id=UNKNOWN_CODE,
            description="the instance runs code nobody approved",
            mitigating_claims=measurement_claims,
        ),
        Threat(
            id=OUTDATED_TCB,
            description="the platform TCB (microcode, SGX/TDX modules, PCE) is out of date or needs hardening",
            mitigating_claims=("evidence.tcb.status", "evidence.tcb.advisories"),
        ),
        Threat(
            id=STALE_COLLATERAL,
            description="TCB info from an old TCB evaluation still calls a vulnerable platform up to date",
            verifier_mitigation="TCB info, QE identity and CRLs must be inside issueDate..nextUpdate at the "
            "evaluation time; outside it the verdict is collateral expired (exit 4)",
        ),
    ]


SGX_THREAT_MODEL = ThreatModel(
    tee_id="sgx",
    name="Intel SGX",
    threats=(
        *_shared_threats(("evidence.measurements.mrenclave",)),
        Threat(
            id=TCB_DOWNGRADE,
            description="an older enclave build (ISV SVN) or a platform TCB level below the required one is used",
            mitigating_claims=("sgx.report.isv_svn", "evidence.tcb.status", "evidence.tcb.components"),
        ),
        Threat(
            id=UNTRUSTED_KEY,
            description="the enclave is signed by an author key (MRSIGNER) the relying party does not trust",
            mitigating_claims=("evidence.signer",),
        ),
        Threat(
            id=INSECURE_CONFIG,
            description="the platform needs a configuration change (ConfigurationNeeded) or the enclave's "
            "attributes allow more than intended",
            mitigating_claims=("evidence.tcb.status", "sgx.report.attributes"),
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(
            support=Support.PROVIDED, note="enclave pages are encrypted and access-controlled by the CPU"
        ),
        SecurityProperty.INTEGRITY: PropertySupport(
            support=Support.PROVIDED, note="enclave memory is integrity-protected by the memory encryption engine"
        ),
        SecurityProperty.AVAILABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="the operating system schedules the enclave and can stop it"
        ),
        SecurityProperty.ATTESTABILITY: PropertySupport(
            support=Support.PROVIDED, note="ECDSA quotes by the quoting enclave, certified through the PCK chain"
        ),
        SecurityProperty.RECOVERABILITY: PropertySupport(
            support=Support.PROVIDED, note="TCB recovery: TCB info raises the required SVNs after a fix"
        ),
    },
    tcb=("Intel CPU hardware", "CPU microcode", "architectural enclaves (quoting, provisioning)", "the enclave"),
    adversaries_in_scope=frozenset(
        {
            Adversary.HOST_OS_HYPERVISOR,
            Adversary.CLOUD_OPERATOR,
            Adversary.CO_TENANT,
            Adversary.GUEST_SOFTWARE,
            Adversary.PHYSICAL_BUS,
            Adversary.REMOTE_NETWORK,
        }
    ),
    adversaries_out_of_scope=OUT_OF_SCOPE,
    isolation_unit=IsolationUnit.PROCESS_ENCLAVE,
    unmodified_applications=False,
    sources=(
        Source(title="V. Costan, S. Devadas: Intel SGX Explained (2016)", url="https://eprint.iacr.org/2016/086"),
        DCAP_SOURCE,
    ),
)

TDX_THREAT_MODEL = ThreatModel(
    tee_id="tdx",
    name="Intel TDX",
    threats=(
        *_shared_threats(("evidence.measurements.mrtd", "evidence.measurements.rtmr0")),
        Threat(
            id=TCB_DOWNGRADE,
            description="a TDX module or platform TCB level below the required one is used",
            mitigating_claims=("evidence.tcb.status", "evidence.tcb.components", "tdx.report.tee_tcb_svn"),
        ),
        Threat(
            id=UNTRUSTED_KEY,
            description="the quote is signed by a key that Intel's PCK chain does not certify",
            verifier_mitigation="the quote's attestation key is certified by the QE report and the PCK chain to "
            "the pinned Intel root",
        ),
        Threat(
            id=INSECURE_CONFIG,
            description="TD attributes or XFAM weaken isolation (SEPT_VE_DISABLE off, ConfigurationNeeded)",
            mitigating_claims=("evidence.tcb.status", "tdx.report.td_attributes", "tdx.report.xfam"),
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(
            support=Support.PROVIDED, note="TD memory and CPU state encrypted with a per-TD key"
        ),
        SecurityProperty.INTEGRITY: PropertySupport(
            support=Support.PROVIDED, note="secure EPT owned by the TDX module; memory integrity checking"
        ),
        SecurityProperty.AVAILABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="the host VMM schedules the TD and can stop it"
        ),
        SecurityProperty.ATTESTABILITY: PropertySupport(
            support=Support.PROVIDED, note="TD quotes with MRTD and RTMRs, certified through the PCK chain"
        ),
        SecurityProperty.RECOVERABILITY: PropertySupport(
            support=Support.PROVIDED, note="TCB recovery raises the required TDX module and microcode SVNs"
        ),
    },
    tcb=("Intel CPU hardware", "CPU microcode", "TDX module (SEAM)", "quoting enclave", "TD firmware and kernel"),
    adversaries_in_scope=CONFIDENTIAL_VM_ADVERSARIES_IN_SCOPE,
    adversaries_out_of_scope=CONFIDENTIAL_VM_ADVERSARIES_OUT_OF_SCOPE,
    isolation_unit=IsolationUnit.VIRTUAL_MACHINE,
    unmodified_applications=True,
    sources=(
        Source(
            title="Intel Trust Domain Extensions (Intel TDX) overview",
            url="https://www.intel.com/content/www/us/en/developer/tools/trust-domain-extensions/overview.html",
        ),
        DCAP_SOURCE,
    ),
)
