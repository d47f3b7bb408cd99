"""``field=value`` settings shared by the PSA and CCA forges: hex values, lifecycle, software components.

Software components: ``sw_components`` is their number; ``sw<N>.type``, ``sw<N>.measurement`` (32/48/64
bytes), ``sw<N>.signer`` (32/48/64 bytes), ``sw<N>.version`` and ``sw<N>.description`` override component N
(0-based).  The lifecycle is an integer (``0x3000``) or a state name (``secured``, ``non_rot_debug``, ...).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ccpolicy.errors import ConfigurationError, EvidenceFormatError
from ccpolicy_cose.arm_security_lifecycle import LifecycleState, decode_lifecycle
from ccpolicy_cose.arm_software_components import (
    HASH_SIZES,
    MAX_COMPONENTS,
    MEASUREMENT_DESCRIPTION,
    MEASUREMENT_TYPE,
    MEASUREMENT_VALUE,
    SIGNER_ID,
    VERSION,
)
from ccpolicy_cose.cbor_fields import Label

SOFTWARE_COMPONENT_FIELD = re.compile(r"sw(\d+)\.(type|measurement|signer|version|description)")


class ArmForgeSettings:
    """Typed reads of one forge's settings; every bad value is a ConfigurationError naming its field."""

    def __init__(self, tee: str, settings: Mapping[str, str], known: Collection[str]) -> None:
        self.tee = tee
        self.settings = {name: value.strip() for name, value in settings.items()}
        unknown = sorted(
            name for name in settings if name not in known and not SOFTWARE_COMPONENT_FIELD.fullmatch(name)
        )
        if unknown:
            raise ConfigurationError(
                f"unknown {tee} forge settings {unknown} (known: {', '.join(sorted(known))}, "
                "sw<N>.type|measurement|signer|version|description)"
            )

    def _fail(self, name: str, problem: str) -> ConfigurationError:
        return ConfigurationError(f"{self.tee} forge setting {name} {problem}")

    def text(self, name: str, default: str) -> str:
        return self.settings.get(name, default)

    def optional_text(self, name: str) -> str | None:
        return self.settings.get(name)

    def integer(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        if name not in self.settings:
            return default
        try:
            value = int(self.settings[name], 0)
        except ValueError:
            raise self._fail(name, f"must be an integer, not '{self.settings[name]}'") from None
        if not minimum <= value <= maximum:
            raise self._fail(name, f"must be {minimum}..{maximum}, not {value}")
        return value

    def flag(self, name: str, *, default: bool) -> bool:
        value = self.settings.get(name)
        if value is None:
            return default
        if value.lower() in {"1", "true", "yes"}:
            return True
        if value.lower() in {"0", "false", "no"}:
            return False
        raise self._fail(name, f"must be 0 or 1, not '{value}'")

    def hex_value(
        self, name: str, default: bytes, *, sizes: Sequence[int] | None = None, max_size: int | None = None
    ) -> bytes:
        """Hex bytes of one of ``sizes`` (or at most ``max_size``) bytes."""
        if name not in self.settings:
            return default
        try:
            value = bytes.fromhex(self.settings[name].removeprefix("0x"))
        except ValueError:
            raise self._fail(name, "must be hexadecimal") from None
        if sizes is not None and len(value) not in sizes:
            raise self._fail(name, f"must be {' or '.join(map(str, sizes))} bytes, not {len(value)}")
        if max_size is not None and len(value) > max_size:
            raise self._fail(name, f"must be at most {max_size} bytes, not {len(value)}")
        return value

    def choice(self, name: str, default: str, choices: Collection[str]) -> str:
        value = self.settings.get(name, default)
        if value not in choices:
            raise self._fail(name, f"must be one of {', '.join(sorted(choices))}, not '{value}'")
        return value

    def lifecycle(self, name: str = "lifecycle", default: int = LifecycleState.SECURED.value) -> int:
        """An integer lifecycle value in one of the seven ranges, or a state's base value by name."""
        text = self.settings.get(name)
        if text is None:
            return default
        for state in LifecycleState:
            if state.name.lower() == text.lower():
                return state.value
        value = self.integer(name, default, minimum=0, maximum=0xFFFF)
        try:
            decode_lifecycle(value, what=name)
        except EvidenceFormatError as exc:
            raise self._fail(name, f"{value:#06x} is in no lifecycle range") from exc
        return value

    def software_components(
        self, defaults: Sequence[tuple[str, str]], *, hash_size: int = 32
    ) -> list[dict[Label, Any]]:
        """The components as CBOR maps: ``defaults`` gives (type, version) of the first ones."""
        count = self.integer("sw_components", len(defaults), minimum=1, maximum=MAX_COMPONENTS)
        for name in self.settings:
            match = SOFTWARE_COMPONENT_FIELD.fullmatch(name)
            if match and int(match.group(1)) >= count:
                raise self._fail(name, f"names component {match.group(1)}, but there are {count} (sw_components)")
        components: list[dict[Label, Any]] = []
        for index in range(count):
            kind, version = defaults[index] if index < len(defaults) else (f"component{index}", "1.0.0")
            kind = self.text(f"sw{index}.type", kind)
            component: dict[Label, Any] = {
                MEASUREMENT_TYPE: kind,
                MEASUREMENT_VALUE: self.hex_value(
                    f"sw{index}.measurement", forged_digest(f"{kind} measurement", hash_size), sizes=HASH_SIZES
                ),
                VERSION: self.text(f"sw{index}.version", version),
                SIGNER_ID: self.hex_value(f"sw{index}.signer", forged_digest(f"{kind} signer", 32), sizes=HASH_SIZES),
            }
            description = self.optional_text(f"sw{index}.description")
            if description is not None:
                component[MEASUREMENT_DESCRIPTION] = description
            components.append(component)
        return components


def forged_digest(label: str, size: int = 32) -> bytes:
    """A fixed, recognizable test value of ``size`` bytes (32, 48 or 64)."""
    return hashlib.sha512(f"ccpolicy forged {label}".encode()).digest()[:size]


def software_component_reference(component: Mapping[Label, Any]) -> dict[str, str]:
    """A component as reference values: measurement type, measurement value and signer id (hex)."""
    return {
        "measurement_type": str(component[MEASUREMENT_TYPE]),
        "measurement_value": bytes(component[MEASUREMENT_VALUE]).hex(),
        "signer_id": bytes(component[SIGNER_ID]).hex(),
    }
