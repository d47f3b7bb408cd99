"""Verified PSA token -> ccpolicy Claims.

Normalized: ``measurements`` = each software component's measurement by its
measurement type (``SPE``, ``NSPE``, ...), ``debug`` = the lifecycle is a debug
state, ``report_data`` = the nonce, ``identity`` = instance and implementation
ids.  Vendor: every claim, the lifecycle with its decoded name and whether it is
``secured``, and whether the verifying IAK matches the instance id.
"""

from __future__ import annotations

from ccpolicy.claims import Claims, CollateralStatus, EvidenceClaims, JsonValue, TcbClaims
from ccpolicy_cose.arm_software_components import measurement_names, software_component_claims
from ccpolicy_cose.collateral_keys import SelectedKey
from ccpolicy_psa.token_claims import PsaToken


def build_claims(token: PsaToken, key: SelectedKey, *, tee: str, collateral_source: str) -> Claims:
    components = token.software_components
    evidence = EvidenceClaims(
        platform={"vendor": "Arm", "product": "PSA", "profile": token.profile.value},
        measurements=dict(zip(measurement_names(components), (c.measurement_value for c in components), strict=True)),
        signer=None,
        debug=token.lifecycle.debug,
        tcb=TcbClaims(),
        report_data=token.nonce,
        identity={"instance_id": token.instance_id, "implementation_id": token.implementation_id},
    )
    return Claims(
        tee=tee,
        evidence=evidence,
        vendor=vendor_claims(token, key),
        collateral=CollateralStatus(source=collateral_source, not_after=None, crl_checked=False),
    )


def vendor_claims(token: PsaToken, key: SelectedKey) -> dict[str, JsonValue]:
    return {
        "profile": token.profile.value,
        "client_id": token.client_id,
        "lifecycle": {
            "value": token.lifecycle.value,
            "name": token.lifecycle.name("psa"),
            "secured": token.lifecycle.secured,
        },
        "implementation_id": token.implementation_id,
        "instance_id": token.instance_id,
        "boot_seed": token.boot_seed,
        "certification_reference": token.certification_reference,
        "software_components": [software_component_claims(c) for c in token.software_components],
        "verification_service": token.verification_service,
        "nonce": token.nonce,
        "iak_matches_instance_id": key.matches_instance_id,
    }
