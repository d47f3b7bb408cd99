"""Verified Azure vTPM evidence -> Claims.

Normalized claims (``input.evidence``):
  * platform, signer, debug, tcb: the hardware verifier's (SEV-SNP or TDX), platform plus ``cloud: Azure``;
  * measurements: the hardware verifier's (``launch``, or ``mrtd``/``rtmr0..3``/``mrseam``) and every quoted
    PCR as ``sha256:pcr<N>``;
  * report_data: the TPM quote's extraData, where the relying party's nonce goes;
  * identity: the hardware identity plus ``vm_unique_id`` and ``ak_name`` (TPM name of HCLAkPub).
Vendor claims (``input[tee]``): ``vm_configuration`` (secure_boot, tpm_enabled, console_enabled, tpm_persisted,
vm_unique_id, root_cert_thumbprint, current_time), ``hcl`` (headers), ``runtime_claims`` (keys, user_data),
``ak``, ``envelope``, ``hardware`` (the hardware verifier's normalized claims and collateral), the hardware
verifier's vendor claims under its TEE id (``snp`` or ``tdx``), and ``tpm`` (the tpm verifier's vendor claims:
PCRs by bank, quote fields, firmware version). The TDREPORT is not exposed: it is only MAC'ed, and the fields
it shares with the signed TD quote are checked equal and appear under ``tdx``.
"""

from __future__ import annotations

from typing import Any

from ccpolicy.claims import Claims, EvidenceClaims
from ccpolicy_azure_vtpm.hardware_binding import runtime_claims_digest
from ccpolicy_azure_vtpm.runtime_claims import RsaJwk, VmConfiguration
from ccpolicy_azure_vtpm.verification import VerifiedVtpmEvidence

CLOUD = "Azure"


def build_claims(tee_id: str, verified: VerifiedVtpmEvidence) -> Claims:
    hardware, tpm = verified.hardware, verified.tpm.claims
    hcl = verified.evidence.hcl
    configuration = hcl.runtime_claims.vm_configuration
    evidence = EvidenceClaims(
        platform={**hardware.evidence.platform, "cloud": CLOUD},
        measurements={**hardware.evidence.measurements, **tpm.evidence.measurements},
        signer=hardware.evidence.signer,
        debug=hardware.evidence.debug,
        tcb=hardware.evidence.tcb,
        report_data=tpm.evidence.report_data,
        identity={
            **hardware.evidence.identity,
            "vm_unique_id": configuration.vm_unique_id,
            "ak_name": verified.tpm.key.name,
        },
    )
    return Claims(tee=tee_id, evidence=evidence, vendor=vendor_claims(verified), collateral=hardware.collateral)


def vendor_claims(verified: VerifiedVtpmEvidence) -> dict[str, Any]:
    evidence, hardware, key = verified.evidence, verified.hardware, verified.tpm.key
    hcl, envelope = evidence.hcl, evidence.envelope
    runtime = hcl.runtime_claims
    vendor: dict[str, Any] = {
        "envelope": {"format": "trustee", "version": envelope.version, "vcek_embedded": envelope.vcek is not None},
        "hcl": {
            "version": hcl.header.version,
            "report_size": hcl.header.report_size,
            "request_type": hcl.header.request_type,
            "status": hcl.header.status,
            "runtime_data_version": hcl.runtime_data_version,
            "report_type": hcl.report_type.label,
            "hash_type": hcl.hash_type.label,
            "runtime_claims_size": len(hcl.runtime_claims_raw),
            "runtime_claims_digest": runtime_claims_digest(hcl),
        },
        "vm_configuration": vm_configuration_claims(runtime.vm_configuration),
        "runtime_claims": {"keys": [jwk_claims(jwk) for jwk in runtime.keys], "user_data": runtime.user_data},
        "ak": {
            "name": key.name,
            "qualified_name": key.qualified_name,
            "modulus": runtime.ak.modulus,
            "exponent": runtime.ak.exponent,
            "template": "azure-hcl-ak (restricted RSASSA/SHA-256, endorsement hierarchy)",
        },
        "hardware": {"tee": hardware.tee, "evidence": hardware.evidence, "collateral": hardware.collateral},
        hardware.tee: hardware.vendor,
        "tpm": verified.tpm.claims.vendor,
    }
    return vendor


def vm_configuration_claims(configuration: VmConfiguration) -> dict[str, Any]:
    return {
        "secure_boot": configuration.secure_boot,
        "tpm_enabled": configuration.tpm_enabled,
        "console_enabled": configuration.console_enabled,
        "tpm_persisted": configuration.tpm_persisted,
        "vm_unique_id": configuration.vm_unique_id,
        "root_cert_thumbprint": configuration.root_cert_thumbprint,
        "current_time": configuration.current_time,
    }


def jwk_claims(jwk: RsaJwk) -> dict[str, Any]:
    return {"kid": jwk.kid, "kty": "RSA", "key_ops": list(jwk.key_ops), "modulus_bits": len(jwk.modulus) * 8}
