"""The HCL runtime claims JSON -> RuntimeClaims. No I/O, no cryptography.

``{"keys": [JWK, ...], "vm-configuration": {...}, "user-data": "<hex>"}``: the keys are RSA JWKs, among
them ``HCLAkPub`` (the vTPM attestation key, which signs TPM quotes) and ``HCLEkPub`` (the endorsement
key); ``vm-configuration`` holds ``secure-boot``, ``tpm-enabled``, ``console-enabled``, ``tpm-persisted``,
``root-cert-thumbprint``, ``vmUniqueId`` and ``current-time`` as far as the paravisor version writes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ccpolicy.errors import EvidenceFormatError
from ccpolicy_azure_vtpm.text_encodings import decode_base64url, decode_hex

AK_KEY_ID = "HCLAkPub"
EK_KEY_ID = "HCLEkPub"
MAX_RSA_MODULUS_BYTES = 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class RsaJwk:
    kid: str
    key_ops: tuple[str, ...]
    modulus: bytes
    """Big-endian, without leading zero bytes."""
    exponent: int


@dataclass(frozen=True, slots=True, kw_only=True)
class VmConfiguration:
    secure_boot: bool | None
    tpm_enabled: bool | None
    console_enabled: bool | None
    tpm_persisted: bool | None
    vm_unique_id: str | None
    root_cert_thumbprint: str | None
    current_time: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RuntimeClaims:
    keys: tuple[RsaJwk, ...]
    ak: RsaJwk
    ek: RsaJwk | None
    vm_configuration: VmConfiguration
    user_data: bytes


def parse_runtime_claims(raw: bytes) -> RuntimeClaims:
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise EvidenceFormatError(f"HCL runtime claims are not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise EvidenceFormatError("HCL runtime claims are not a JSON object")
    listed = document.get("keys")
    if not isinstance(listed, list):
        raise EvidenceFormatError("HCL runtime claims have no 'keys' array")
    keys = tuple(_rsa_jwk(item, position) for position, item in enumerate(listed))
    aks = [key for key in keys if key.kid == AK_KEY_ID]
    if len(aks) != 1:
        raise EvidenceFormatError(f"HCL runtime claims hold {len(aks)} keys with kid {AK_KEY_ID}, not exactly one")
    eks = [key for key in keys if key.kid == EK_KEY_ID]
    if len(eks) > 1:
        raise EvidenceFormatError(f"HCL runtime claims hold {len(eks)} keys with kid {EK_KEY_ID}")
    user_data = document.get("user-data", "")
    return RuntimeClaims(
        keys=keys,
        ak=aks[0],
        ek=eks[0] if eks else None,
        vm_configuration=_vm_configuration(document.get("vm-configuration")),
        user_data=decode_hex(user_data, what="HCL runtime claims user-data"),
    )


def _rsa_jwk(item: Any, position: int) -> RsaJwk:
    what = f"HCL runtime claims key {position}"
    if not isinstance(item, dict):
        raise EvidenceFormatError(f"{what} is not a JSON object")
    kid, kty, key_ops = item.get("kid"), item.get("kty"), item.get("key_ops", [])
    if not isinstance(kid, str):
        raise EvidenceFormatError(f"{what} has no kid")
    if kty != "RSA":
        raise EvidenceFormatError(f"{what} ({kid}) is not an RSA key (kty {kty!r})")
    if not isinstance(key_ops, list) or not all(isinstance(op, str) for op in key_ops):
        raise EvidenceFormatError(f"{what} ({kid}) has a key_ops that is not a list of names")
    modulus = decode_base64url(item.get("n"), what=f"{what} ({kid}) modulus n").lstrip(b"\0")
    exponent = decode_base64url(item.get("e"), what=f"{what} ({kid}) exponent e")
    if not modulus or len(modulus) > MAX_RSA_MODULUS_BYTES:
        raise EvidenceFormatError(f"{what} ({kid}) has a {len(modulus)}-byte modulus")
    if not 0 < len(exponent) <= 4:
        raise EvidenceFormatError(f"{what} ({kid}) has a {len(exponent)}-byte exponent")
    return RsaJwk(kid=kid, key_ops=tuple(key_ops), modulus=modulus, exponent=int.from_bytes(exponent, "big"))


def _vm_configuration(value: Any) -> VmConfiguration:
    if not isinstance(value, dict):
        raise EvidenceFormatError("HCL runtime claims have no 'vm-configuration' object")
    return VmConfiguration(
        secure_boot=_optional(value, "secure-boot", bool),
        tpm_enabled=_optional(value, "tpm-enabled", bool),
        console_enabled=_optional(value, "console-enabled", bool),
        tpm_persisted=_optional(value, "tpm-persisted", bool),
        vm_unique_id=_optional(value, "vmUniqueId", str),
        root_cert_thumbprint=_optional(value, "root-cert-thumbprint", str),
        current_time=_optional(value, "current-time", int),
    )


def _optional(section: dict[str, Any], key: str, kind: type[Any]) -> Any:
    value = section.get(key)
    if value is None:
        return None
    if type(value) is not kind:
        raise EvidenceFormatError(f"HCL vm-configuration {key} is not a {kind.__name__}")
    return value
