"""The vTPM attestation key as the TPM holds it, rebuilt from the HCLAkPub JWK. Encoding only, no verification.

The runtime claims give only the AK's modulus and exponent. Azure's paravisor creates the AK as a primary
key in the endorsement hierarchy from a fixed template (openvmm ``tpm_helper::ak_pub_template``): RSA,
nameAlg SHA-256, attributes fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth | noDA |
restricted | sign, no auth policy, no symmetric algorithm, scheme RSASSA with SHA-256, 2048-bit keys,
default exponent. From the template and the JWK this module rebuilds the TPMT_PUBLIC, its TPM name
(nameAlg || SHA-256(TPMT_PUBLIC)) and its qualified name under the endorsement hierarchy
(nameAlg || SHA-256(TPM_RH_ENDORSEMENT || name), TPM 2.0 Part 1, "Qualified Name"). Every quote names its
signer's qualified name (TPMS_ATTEST.qualifiedSigner), so comparing the two proves the rebuilt public
area, restricted attribute included, is the key that signed -- not an assumption.

A raw RSASSA signature is wrapped into a TPMT_SIGNATURE (sigAlg RSASSA, hash SHA-256), the only scheme
the template allows the key to sign with.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from ccpolicy_azure_vtpm.runtime_claims import RsaJwk

TPM_ALG_RSA = 0x0001
TPM_ALG_SHA256 = 0x000B
TPM_ALG_NULL = 0x0010
TPM_ALG_RSASSA = 0x0014
TPM_RH_ENDORSEMENT = 0x4000000B
DEFAULT_RSA_EXPONENT = 65537

FIXED_TPM = 1 << 1
FIXED_PARENT = 1 << 4
SENSITIVE_DATA_ORIGIN = 1 << 5
USER_WITH_AUTH = 1 << 6
NO_DA = 1 << 10
RESTRICTED = 1 << 16
SIGN_ENCRYPT = 1 << 18
HCL_AK_ATTRIBUTES = (
    FIXED_TPM | FIXED_PARENT | SENSITIVE_DATA_ORIGIN | USER_WITH_AUTH | NO_DA | RESTRICTED | SIGN_ENCRYPT
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AttestationKey:
    public_area: bytes
    """TPMT_PUBLIC."""
    name: bytes
    qualified_name: bytes
    """Under the endorsement hierarchy."""


def hcl_attestation_key(jwk: RsaJwk) -> AttestationKey:
    exponent = 0 if jwk.exponent == DEFAULT_RSA_EXPONENT else jwk.exponent
    public_area = (
        struct.pack(">HHI", TPM_ALG_RSA, TPM_ALG_SHA256, HCL_AK_ATTRIBUTES)
        + struct.pack(">H", 0)  # authPolicy: empty
        + struct.pack(">HHH", TPM_ALG_NULL, TPM_ALG_RSASSA, TPM_ALG_SHA256)  # symmetric, scheme, scheme hash
        + struct.pack(">HI", len(jwk.modulus) * 8, exponent)
        + struct.pack(">H", len(jwk.modulus))
        + jwk.modulus
    )
    name = struct.pack(">H", TPM_ALG_SHA256) + hashlib.sha256(public_area).digest()
    qualified = (
        struct.pack(">H", TPM_ALG_SHA256) + hashlib.sha256(struct.pack(">I", TPM_RH_ENDORSEMENT) + name).digest()
    )
    return AttestationKey(public_area=public_area, name=name, qualified_name=qualified)


def rsassa_sha256_signature(signature: bytes) -> bytes:
    """TPMT_SIGNATURE of a raw RSASSA-PKCS1-v1_5 / SHA-256 signature."""
    return struct.pack(">HHH", TPM_ALG_RSASSA, TPM_ALG_SHA256, len(signature)) + signature
