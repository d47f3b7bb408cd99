"""Claims: what verified evidence says, normalized across TEEs.

A TEE plugin returns :class:`Claims`; the host adds freshness and the evaluation
time and turns them into the Rego input document (see ``to_input_document``).
Binary values stay ``bytes`` here and become lowercase hex only in JSON.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from ccpolicy.clock import format_time

JsonValue = Any
"""A value that :func:`to_json_value` can turn into JSON."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TcbClaims:
    """Trusted computing base status, as far as the evidence and collateral tell it."""

    status: str | None = None
    """Vendor TCB status (``UpToDate``, ``OutOfDate``, ...) or None when not appraised by the plugin."""
    components: Mapping[str, int] = field(default_factory=dict)
    date: str | None = None
    advisories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceClaims:
    """The normalized part of the claims: the same keys for every TEE where meaningful."""

    platform: Mapping[str, str]
    measurements: Mapping[str, bytes]
    signer: bytes | None
    debug: bool
    tcb: TcbClaims
    report_data: bytes
    """The field the relying party's nonce is compared with (zero-padded)."""
    identity: Mapping[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class CollateralStatus:
    """Where collateral came from and how long the verdict can stand on it."""

    source: str
    """``offline``, ``kds``, ``pcs``, ``embedded`` or ``test-root``."""
    not_after: datetime | None
    """The earliest end of validity of any collateral item used."""
    crl_checked: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Claims:
    """Everything a TEE plugin established about one piece of evidence."""

    tee: str
    evidence: EvidenceClaims
    vendor: Mapping[str, JsonValue]
    """Every vendor field, typed; serialized under the key ``tee`` of the input document."""
    collateral: CollateralStatus


def to_json_value(value: JsonValue) -> JsonValue:
    """Turn records, bytes, enums and datetimes into JSON-ready values."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if kind is bytes:
        return value.hex()
    if kind is dict:
        return {key if type(key) is str else str(key): to_json_value(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [to_json_value(item) for item in value]
    return _to_json_value_slow(value)


def _to_json_value_slow(value: JsonValue) -> JsonValue:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, enum.Enum):
        return to_json_value(value.value)
    if isinstance(value, datetime):
        return format_time(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: to_json_value(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, Sequence | set | frozenset):
        return [to_json_value(v) for v in value]
    raise TypeError(f"cannot serialize {type(value).__name__} into claims")


@cache
def _field_names(record_type: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(record_type))


def to_input_document(claims: Claims, *, now: datetime, nonce_verified: bool | None) -> dict[str, JsonValue]:
    """The Rego input document of DESIGN.md."""
    evidence = to_json_value(claims.evidence)
    evidence["nonce_verified"] = nonce_verified
    return {
        "tee": claims.tee,
        "evidence": evidence,
        claims.tee: to_json_value(claims.vendor),
        "collateral": to_json_value(claims.collateral),
        "now": format_time(now),
    }
