"""Software components of PSA and CCA platform tokens (RFC 9783 section 4.4.1).

``{? 1: measurement type (text), 2: measurement value (32/48/64 bytes),
? 4: version (text), 5: signer id (32/48/64 bytes), ? 6: measurement description (text)}``
"""

from __future__ import annotations

from dataclasses import dataclass

from ccpolicy.claims import JsonValue
from ccpolicy_cose.cbor_fields import CborMap, expect_array

HASH_SIZES = (32, 48, 64)
MAX_COMPONENTS = 64
MEASUREMENT_TYPE, MEASUREMENT_VALUE, VERSION, SIGNER_ID, MEASUREMENT_DESCRIPTION = 1, 2, 4, 5, 6


@dataclass(frozen=True, slots=True, kw_only=True)
class SoftwareComponent:
    measurement_type: str | None
    measurement_value: bytes
    version: str | None
    signer_id: bytes
    measurement_description: str | None
    """The hash algorithm of the measurement, when given (``sha-256``, ``SHA256`` ...)."""


def parse_software_components(value: object, *, what: str) -> tuple[SoftwareComponent, ...]:
    items = expect_array(value, what=what, min_size=1, max_size=MAX_COMPONENTS)
    return tuple(_component(item, what=f"{what}[{index}]") for index, item in enumerate(items))


def _component(value: object, *, what: str) -> SoftwareComponent:
    fields = CborMap(value, what=what)
    return SoftwareComponent(
        measurement_type=fields.optional_text(MEASUREMENT_TYPE),
        measurement_value=fields.byte_string(MEASUREMENT_VALUE, sizes=HASH_SIZES),
        version=fields.optional_text(VERSION),
        signer_id=fields.byte_string(SIGNER_ID, sizes=HASH_SIZES),
        measurement_description=fields.optional_text(MEASUREMENT_DESCRIPTION),
    )


def measurement_names(components: tuple[SoftwareComponent, ...]) -> list[str]:
    """A unique name per component: its measurement type, or ``component<N>``; repeats get ``#<N>``."""
    names: list[str] = []
    for index, component in enumerate(components):
        name = component.measurement_type or f"component{index}"
        if name in names:
            name = f"{name}#{index}"
        names.append(name)
    return names


def software_component_claims(component: SoftwareComponent) -> dict[str, JsonValue]:
    """One component as the vendor claims of PSA and CCA show it."""
    return {
        "measurement_type": component.measurement_type,
        "measurement_value": component.measurement_value,
        "version": component.version,
        "signer_id": component.signer_id,
        "measurement_description": component.measurement_description,
    }
