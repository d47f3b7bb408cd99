"""Whether the AK public area in the evidence is the one the TPM signed with.

TPM2_Quote signs ``qualifiedSigner``, the qualified name of the signing key:
``nameAlg || H_nameAlg(QN(parent) || Name(key))``, where the QN of a hierarchy is its handle. A pin of the
AK's TPM name binds the whole public area (attributes, scheme, policy) by itself. A certificate or a pinned
public key binds only the key: the rest of the presented public area is bound only if the signed
qualifiedSigner is the qualified name of that area as a primary key of one of the four hierarchies, as it
is for GCE's and Azure's vTPM AKs (primaries of the endorsement hierarchy). Anything else is a BindingError;
an AK below another key can still be trusted by pinning its TPM name.
"""

from __future__ import annotations

from ccpolicy.errors import BindingError
from ccpolicy_tpm.ak_trust import AkTrust, TrustMethod
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm
from ccpolicy_tpm.tpm_hashing import tpm_name

HIERARCHIES = {
    "owner": 0x40000001,
    "null": 0x40000007,
    "endorsement": 0x4000000B,
    "platform": 0x4000000C,
}
"""TPM_RH_* handles, each the qualified name of its hierarchy (TPM 2.0 Part 1, 16 "Names")."""


def primary_hierarchy(name_algorithm: HashAlgorithm, ak_name: bytes, qualified_signer: bytes) -> str | None:
    """The hierarchy whose primary key the signed qualifiedSigner says the AK is, or None."""
    for label, handle in HIERARCHIES.items():
        if qualified_signer == tpm_name(name_algorithm, handle.to_bytes(4, "big") + ak_name):
            return label
    return None


def check_public_area_bound(trust: AkTrust, hierarchy: str | None, ak_name: bytes) -> None:
    if trust.method is TrustMethod.PINNED_NAME or hierarchy is not None:
        return
    raise BindingError(
        f"the {trust.method.value} vouches only for the AK's key, and the quotes' qualifiedSigner is not the "
        f"qualified name of the presented AK (TPM name {ak_name.hex()}) as a primary key: its attributes and "
        "scheme are not the ones the TPM signed with",
        reason="verification.binding.ak_public_area",
        hint='if the AK is a child key, pin its TPM name: a collateral JSON {"tpm": {"ak_names": ["'
        + ak_name.hex()
        + '"]}}',
    )
