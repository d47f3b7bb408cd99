"""Verification of a CCA token: platform signature (CPAK), realm signature (RAK), and the binding between them."""

from __future__ import annotations

import hmac

from cryptography.hazmat.primitives.asymmetric import ec

from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import BindingError
from ccpolicy_cca.token_collection import CcaEvidence
from ccpolicy_cose.collateral_keys import SelectedKey, select_attestation_key
from ccpolicy_cose.cose_key import ec_public_key_from_evidence
from ccpolicy_cose.cose_signature import verify_cose_sign1


def verify_platform_token(
    evidence: CcaEvidence, collateral: CollateralStore, *, unsafe_trust_test_root: bool = False
) -> SelectedKey:
    """The CPAK (a forge test key only with ``unsafe_trust_test_root``) made the platform token's signature."""
    cpak = select_attestation_key(
        collateral,
        evidence.platform.instance_id,
        role="CCA platform attestation key (CPAK)",
        unsafe_trust_test_root=unsafe_trust_test_root,
    )
    verify_cose_sign1(evidence.platform_message, cpak.key, what="CCA platform token")
    return cpak


def verify_realm_token(evidence: CcaEvidence) -> ec.EllipticCurvePublicKey:
    rak = ec_public_key_from_evidence(evidence.realm.public_key, what="CCA realm attestation key (RAK)")
    verify_cose_sign1(evidence.realm_message, rak, what="CCA realm token")
    return rak


def verify_binding(evidence: CcaEvidence) -> None:
    """The platform challenge must be the RAK hashed with the realm's declared algorithm (claim 44236)."""
    algorithm = evidence.realm.public_key_hash_algorithm
    expected = algorithm.digest(evidence.realm.public_key)
    if not hmac.compare_digest(expected, evidence.platform.challenge):
        raise BindingError(
            f"the platform token's challenge {evidence.platform.challenge.hex()} is not the {algorithm.value} "
            f"of the realm's public key ({expected.hex()}): the realm token does not belong to this platform token",
            reason="verification.binding.cca_rak",
        )
