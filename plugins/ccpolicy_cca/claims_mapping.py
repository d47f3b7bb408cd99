"""Verified CCA token -> ccpolicy Claims.

Normalized: ``measurements`` = ``rim``, ``rem0``..``rem3`` and each platform
software component as ``platform/<type>``; ``debug`` = the platform lifecycle is
a debug state; ``report_data`` = the realm challenge; ``identity`` = platform
instance and implementation ids and the RAK.  Vendor: ``platform`` and
``realm`` with every claim.
"""

from __future__ import annotations

from ccpolicy.claims import Claims, CollateralStatus, EvidenceClaims, JsonValue, TcbClaims
from ccpolicy_cca.platform_token import CcaPlatformClaims
from ccpolicy_cca.realm_token import CcaRealmClaims
from ccpolicy_cca.token_collection import CcaEvidence
from ccpolicy_cose.arm_software_components import measurement_names, software_component_claims
from ccpolicy_cose.collateral_keys import SelectedKey


def build_claims(evidence: CcaEvidence, cpak: SelectedKey, *, tee: str, collateral_source: str) -> Claims:
    platform, realm = evidence.platform, evidence.realm
    measurements = {"rim": realm.initial_measurement}
    measurements.update({f"rem{index}": rem for index, rem in enumerate(realm.extensible_measurements)})
    components = platform.software_components
    for name, component in zip(measurement_names(components), components, strict=True):
        measurements[f"platform/{name}"] = component.measurement_value
    normalized = EvidenceClaims(
        platform={"vendor": "Arm", "product": "CCA", "profile": platform.profile.value},
        measurements=measurements,
        signer=None,
        debug=platform.lifecycle.debug,
        tcb=TcbClaims(),
        report_data=realm.challenge,
        identity={
            "platform_instance_id": platform.instance_id,
            "platform_implementation_id": platform.implementation_id,
            "realm_public_key": realm.public_key,
        },
    )
    return Claims(
        tee=tee,
        evidence=normalized,
        vendor={"platform": platform_claims(platform, cpak), "realm": realm_claims(realm)},
        collateral=CollateralStatus(source=collateral_source, not_after=None, crl_checked=False),
    )


def platform_claims(platform: CcaPlatformClaims, cpak: SelectedKey) -> dict[str, JsonValue]:
    return {
        "profile": platform.profile.value,
        "challenge": platform.challenge,
        "implementation_id": platform.implementation_id,
        "instance_id": platform.instance_id,
        "config": platform.config,
        "lifecycle": {
            "value": platform.lifecycle.value,
            "name": platform.lifecycle.name("cca_platform"),
            "secured": platform.lifecycle.secured,
        },
        "software_components": [software_component_claims(c) for c in platform.software_components],
        "verification_service": platform.verification_service,
        "hash_algorithm": platform.hash_algorithm,
        "cpak_matches_instance_id": cpak.matches_instance_id,
    }


def realm_claims(realm: CcaRealmClaims) -> dict[str, JsonValue]:
    return {
        "profile": realm.profile,
        "challenge": realm.challenge,
        "personalization_value": realm.personalization_value,
        "public_key": realm.public_key,
        "public_key_hash_algorithm": realm.public_key_hash_algorithm.value,
        "initial_measurement": realm.initial_measurement,
        "extensible_measurements": list(realm.extensible_measurements),
        "measurement_algorithm": realm.measurement_algorithm.value,
    }
