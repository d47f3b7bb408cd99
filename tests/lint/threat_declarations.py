"""The threat models the built-in TEE plugins declare, read from their modules (the hook returns the same)."""

from __future__ import annotations

from ccpolicy.threats import ThreatModel
from ccpolicy_cca.threats import CCA_THREAT_MODEL
from ccpolicy_dcap.threats import SGX_THREAT_MODEL, TDX_THREAT_MODEL
from ccpolicy_nitro.threats import NITRO_THREAT_MODEL
from ccpolicy_psa.threats import PSA_THREAT_MODEL
from ccpolicy_sev.threats import SEV_ES_THREAT_MODEL, SEV_THREAT_MODEL
from ccpolicy_snp.threats import SNP_THREAT_MODEL
from ccpolicy_tpm.threats import TPM_THREAT_MODEL

BUILT_IN_MODELS: dict[str, ThreatModel] = {
    model.tee_id: model
    for model in (
        SNP_THREAT_MODEL,
        SEV_THREAT_MODEL,
        SEV_ES_THREAT_MODEL,
        TPM_THREAT_MODEL,
        SGX_THREAT_MODEL,
        TDX_THREAT_MODEL,
        NITRO_THREAT_MODEL,
        PSA_THREAT_MODEL,
        CCA_THREAT_MODEL,
    )
}
